"""`make test` installs what its tests run (issue 10 §6): every program a test or the app
starts is Python from the venv (sys.executable, the venv's console scripts), Debian's
Chromium or Debian's nodejs, which the Makefile's `chromium` and `nodejs` targets install
before pytest runs."""

from __future__ import annotations

import ast
import re
import tomllib

from claims_atlas import PACKAGE_DIR, REPO_ROOT

CALLS = {"run", "Popen", "check_output", "check_call", "call", "execv", "execve", "execvp",
         "which"}
INSTALLED = {"chromium", "/usr/bin/chromium",  # make chromium (apt), before pytest
             "node", "nodejs",  # make nodejs (apt): node --check on render/js (test_js.py)
             "nginx"}  # make nginx (apt): deploy/nginx.conf run with local replicas (test_deploy)


def programs() -> dict[str, str]:
    """Literal program names started by the tests and the package (bench/ is `make bench`)."""
    found = {}
    for folder in (REPO_ROOT / "tests", PACKAGE_DIR):
        for path in sorted(folder.rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in CALLS and node.args):
                    continue
                first = node.args[0]
                if isinstance(first, ast.List | ast.Tuple) and first.elts:
                    first = first.elts[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found[first.value] = f"{path.relative_to(REPO_ROOT)}:{node.lineno}"
    return found


def test_every_program_started_is_installed_by_make_test():
    started = programs()
    assert "pdfinfo" not in started  # PDF pages are counted with pypdf
    assert {name: where for name, where in started.items() if name not in INSTALLED} == {}


def test_make_test_installs_the_test_extras_and_chromium():
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert re.search(r"^test: .*install-test.*chromium", makefile, re.M)
    assert "apt-get install -y -qq chromium" in makefile
    assert re.search(r"^test: .*nodejs", makefile, re.M)
    assert "apt-get install -y -qq nodejs" in makefile
    assert re.search(r"^test: .*nginx", makefile, re.M)
    assert "apt-get install -y -qq nginx" in makefile
    extras = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]["test"]
    names = {re.split(r"[=<>]", e)[0].lower() for e in extras}
    assert {"pytest", "playwright", "pypdf", "ruff"} <= names
    assert all("==" in e for e in extras)  # pinned
