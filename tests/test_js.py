"""The map's and the page's JavaScript files: valid syntax (node --check), one namespace,
and data that reaches them only as JSON."""

from __future__ import annotations

import re
import shutil
import subprocess
from importlib import resources

import pytest

from claims_atlas.render import js

JS_DIR = resources.files("claims_atlas.render.js")
NODE = shutil.which("node") or shutil.which("nodejs")


def _files() -> list[str]:
    return sorted(p.name for p in JS_DIR.iterdir() if p.name.endswith(".js"))


def test_every_js_file_is_known_and_shipped():
    assert _files() == sorted(js.FILES)


@pytest.mark.parametrize("name", sorted(js.FILES))
def test_js_syntax_passes_node_check(name):
    assert NODE, "node is missing: `make test` installs Debian's nodejs"
    done = subprocess.run([NODE, "--check", str(JS_DIR / name)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("name", sorted(js.FILES))
def test_js_uses_one_namespace(name):
    text = js.source(name)
    assert "root.claimsAtlas = root.claimsAtlas || {}" in text
    assert not re.search(r"window\.__claims|window\.claimsApply", text)
    assert "innerHTML" not in text and "eval(" not in text


def test_script_passes_arguments_as_escaped_json():
    out = js.script(("page.js",), "put", ".st-key-x_", "</script><b>", "state", {"t": "a&b"})
    assert out.count("</script>") == 1 and "<b>" not in out
    assert out.endswith('claimsAtlas.put(".st-key-x_","\\u003c/script\\u003e\\u003cb\\u003e",'
                        '"state",{"t":"a\\u0026b"});</script>')


def test_unknown_script_or_call_is_refused():
    with pytest.raises(js.ScriptError):
        js.source("../map.py")
    with pytest.raises(js.ScriptError):
        js.call("put);alert(1")
