"""The import contract: core -> render -> app/cli, never back (as import-linter would check).

core imports neither streamlit nor folium nor any other layer of the package; render imports
core but not app or cli; nothing in the package imports bench or tests.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from claims_atlas import PACKAGE_DIR

FORBIDDEN = {
    "core": {"claims_atlas.render", "claims_atlas.app", "claims_atlas.cli", "streamlit",
             "folium", "branca", "streamlit_folium"},
    "render": {"claims_atlas.app", "claims_atlas.cli", "streamlit", "streamlit_folium"},
    "cli": {"claims_atlas.app", "streamlit"},
}


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def violations(layer: str) -> list[str]:
    found = []
    for path in sorted((PACKAGE_DIR / layer).rglob("*.py")):
        for name in sorted(imports_of(path)):
            for banned in FORBIDDEN[layer]:
                if name == banned or name.startswith(banned + "."):
                    found.append(f"{path.relative_to(PACKAGE_DIR)} imports {name}")
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_never_imports_upwards(layer):
    assert violations(layer) == []


def test_the_contract_check_sees_a_violation(tmp_path, monkeypatch):
    """The checker itself can fail: a core module importing render is reported."""
    fake = tmp_path / "core"
    fake.mkdir()
    (fake / "bad.py").write_text("from claims_atlas.render import map as m\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE_DIR", tmp_path)
    assert violations("core") == ["core/bad.py imports claims_atlas.render",
                                  "core/bad.py imports claims_atlas.render.map"]


def test_package_never_imports_bench_or_tests():
    bad = [str(p) for p in PACKAGE_DIR.rglob("*.py")
           if any(n.split(".")[0] in ("bench", "tests") for n in imports_of(p))]
    assert bad == []
