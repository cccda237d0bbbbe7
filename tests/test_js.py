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
        js.invocation("put);alert(1")


def _node_eval(files: tuple[str, ...], expression: str):
    """Evaluate `expression` in node after loading `files` (window = the global object)."""
    import json

    program = ("globalThis.window = globalThis;\n" + "\n".join(js.source(f) for f in files)
               + f"\nprocess.stdout.write(JSON.stringify({expression}));")
    done = subprocess.run([NODE, "-e", program], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_overlay_lines_decode_in_the_browser_as_encoded():
    from claims_atlas.render import map as rmap

    coords = [(37.6, 46.5), (41.0, 46.5), (41.00004, 50.49996), (22.15, 44.3), (37.6, 46.5)]
    # deltas whose chunks are "\\" (29), "{" (60) and "}" (62) in Google's alphabet
    coords += [(37.6, 46.5 - 15e-4), (37.6 + 30e-4, 46.5), (37.6 + 31e-4, 46.5 - 29e-4)]
    encoded = rmap.encode_line(coords, 4)
    assert set(encoded) <= {chr(c) for c in range(63, 127)} - set("\\{}") | set("()*")
    assert set("()*") <= set(encoded)  # the three stand-ins occur and travel as they are
    assert js.js_json(encoded) == f'"{encoded}"'
    decoded = _node_eval(("atlas.js",), f"claimsAtlas.decodeLine({js.js_json(encoded)}, 4)")
    assert decoded == [[46.5, 37.6], [46.5, 41.0], [50.5, 41.0], [44.3, 22.15], [46.5, 37.6],
                       [46.4985, 37.6], [46.5, 37.603], [46.4971, 37.6031]]


def _inline(html: str) -> str:
    assert html.startswith("<script>") and html.endswith("</script>")
    return html[len("<script>"):-len("</script>")]


def test_data_queued_before_the_library_runs_when_it_loads():
    """Page elements may run in any order: a call that comes before page.js waits for it."""
    import json

    from claims_atlas.render import map as rmap

    state_js = _inline(rmap.page_script("map", {"proposal": "p", "title": "</script>"}))
    show_js = _inline(rmap.overlay_show_script("map", "src/2025-11-20"))
    store_js = _inline(rmap.overlay_store_script("map", {"key": "src/2025-11-20", "parts": [],
                                                         "line": [], "credit": "c"}))
    program = ("globalThis.window = globalThis;"
               "globalThis.document = {querySelectorAll: function () { return []; }};\n"
               + state_js + show_js + "\n" + _inline(rmap.page_library()) + "\n" + store_js
               + "\nprocess.stdout.write(JSON.stringify(claimsAtlas.maps.map));")
    done = subprocess.run([NODE, "-e", program], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["state"] == {"proposal": "p", "title": "</script>"}
    assert got["show"] == "src/2025-11-20" and list(got["store"]) == ["src/2025-11-20"]
