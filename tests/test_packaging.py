"""The package installs on its own: a wheel works outside the checkout, every import is declared.

The wheel test builds the wheel, installs it with `--no-deps` into a fresh venv that sees
the project venv's dependencies through a plain path entry (no .pth of that folder runs, so
the editable checkout stays invisible), and runs it from an empty folder.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import sysconfig
import urllib.request
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

import claims_atlas
from claims_atlas import PACKAGE_DIR, REPO_ROOT
from tests.browser_support import free_port, wait_healthy

pytestmark = pytest.mark.packaging


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "-w", str(out), str(REPO_ROOT)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "deprecat" not in (done.stdout + done.stderr).lower()
    (found,) = out.glob("claims_atlas-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv holding only the wheel; returns its bin/ folder."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "project_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "-q", "--no-deps", str(wheel)], check=True)
    return venv / "bin"


def run_from_elsewhere(bin_dir: Path, where: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CLAIMS_ATLAS_SEEDS", "PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(bin_dir / "claims-atlas"), *args], cwd=where, env=env,
                          capture_output=True, text=True, timeout=300)


def test_wheel_carries_package_catalog_and_boundaries_under_its_own_name(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.startswith("claims_atlas-")}
    assert tops == {"claims_atlas"}
    for needed in ("claims_atlas/_data/geodata/ukraine_regions.geojson",
                   "claims_atlas/_data/geodata/regions.yaml",
                   "claims_atlas/_data/seeds/places.yaml",
                   "claims_atlas/app/main.py",
                   "claims_atlas/app/static/leaflet/leaflet.js"):
        assert needed in names
    assert any(n.startswith("claims_atlas/_data/seeds/proposals/") for n in names)
    assert not any("__pycache__" in n for n in names)


def test_installed_wheel_validates_from_another_folder(installed, tmp_path):
    done = run_from_elsewhere(installed, tmp_path, "validate")
    assert done.returncode == 0, done.stdout + done.stderr
    where = subprocess.run([str(installed / "python"), "-c",
                            "import claims_atlas; print(claims_atlas.DATA_ROOT)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert str(installed.parent) in where  # the bundled copy, not the checkout


def test_installed_wheel_reports_its_version(installed, tmp_path):
    done = run_from_elsewhere(installed, tmp_path, "--version")
    assert done.returncode == 0
    assert metadata.version("claims-atlas") in done.stdout


def test_installed_wheel_serves_a_page_from_another_folder(installed, tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("CLAIMS_ATLAS_SEEDS", "PYTHONPATH")}
    proc = subprocess.Popen([str(installed / "claims-atlas"), "serve", "--port", str(port)],
                            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        with urllib.request.urlopen(url, timeout=10) as page:
            assert page.status == 200
            assert b"<html" in page.read().lower()
        with urllib.request.urlopen(f"{url}/app/static/leaflet/leaflet.js", timeout=10) as js:
            assert js.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --- every import is declared --------------------------------------------------------------

def imported_top_levels(root: Path) -> set[str]:
    names: set[str] = set()
    for path in root.rglob("*.py"):
        if "static" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def declared_distributions() -> set[str]:
    requires = metadata.requires("claims-atlas") or []
    return {r.split(";")[0].split("[")[0].split("=")[0].split(">")[0].split("<")[0].strip().lower()
            for r in requires if "extra ==" not in r}


def test_every_import_of_the_package_is_declared():
    providers = metadata.packages_distributions()
    declared = declared_distributions()
    undeclared = {}
    for name in imported_top_levels(PACKAGE_DIR):
        if name in sys.stdlib_module_names or name == "claims_atlas":
            continue
        dists = {d.lower() for d in providers.get(name, [])}
        if not dists & declared:
            undeclared[name] = sorted(dists) or ["(not installed)"]
    assert not undeclared, f"imports with no declared dependency: {undeclared}"


def test_nothing_imports_the_old_bare_package_name():
    roots = [PACKAGE_DIR, REPO_ROOT / "tests", REPO_ROOT / "bench"]
    offenders = [str(p) for r in roots for p in r.rglob("*.py")
                 if "dashboard" in imported_top_levels_of_file(p)]
    assert not offenders


def imported_top_levels_of_file(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
            for a in n.names} | {n.module.split(".")[0] for n in ast.walk(tree)
                                 if isinstance(n, ast.ImportFrom) and n.module and not n.level}


def test_version_comes_from_the_installed_metadata():
    assert claims_atlas.__version__ == metadata.version("claims-atlas")
