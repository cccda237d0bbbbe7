"""The map's and the page's JavaScript: real files here (package data), data passed as JSON.

Each file defines functions on one namespace per window, `window.claimsAtlas`:

- atlas.js: the map core (needs Leaflet's `L`): init, apply, applyId, setOverlay. Knows
  nothing of Streamlit; a static page can use it as it is.
- frame.js: the Streamlit adapter inside the map's frame (fromPage).
- page.js: the page around the maps (put, store, showOverlay: selection and overlays
  per map key).
- picker.js, deck_keys.js, dates.js: the page's proposal picker, the deck's keys and the
  date control's instant steps.
- site.js: the static site's pages around atlas.js (render/site.py), `claimsAtlas.site`.

`script(files, call, *args)` gives one `<script>` element: the files' text, then
`claimsAtlas.<call>(<args as JSON>)`. Only these files are code; every argument is data,
serialised by `js_json`, so catalog, snapshot or URL text never becomes markup or code.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

NAMESPACE = "claimsAtlas"
FILES = ("atlas.js", "frame.js", "page.js", "picker.js", "deck_keys.js", "dates.js", "site.js")


class ScriptError(ValueError):
    """A JavaScript file is unknown or would end its <script> element early."""


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def js_json(data) -> str:
    """JSON that is safe inside a <script> element (no '<', '>', '&', line separators) and
    inside a Jinja template: branca re-parses every rendered map script as a new
    jinja2.Template, so no brace of a string may reach it (`{#`, `{%`, `{{` would be template
    syntax). Braces inside strings travel as \\u007b / \\u007d; the JSON's own braces never
    start a Jinja tag (an object opens with `{"` or `{}`). Raises TypeError for what JSON
    cannot hold."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return _JSON_STRING.sub(
        lambda m: m.group(0).replace("{", "\\u007b").replace("}", "\\u007d"), text)


@cache
def source(name: str) -> str:
    """The text of one of FILES (read once per process); ScriptError for another name or a
    file that holds '</script'."""
    if name not in FILES:
        raise ScriptError(f"unknown script {name!r}")
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise ScriptError(f"{name} holds '</script'")
    return text


def body(name: str) -> str:
    """A file's text without its leading comment (what travels to the browser)."""
    text = source(name)
    if text.startswith("/*"):
        text = text[text.index("*/") + 2:].lstrip("\n")
    return text


def invocation(function: str, *args) -> str:
    """`claimsAtlas.<function>(<args as JSON>);`."""
    if not function.isidentifier():
        raise ScriptError(f"not a function name: {function!r}")
    return f"{NAMESPACE}.{function}({','.join(js_json(a) for a in args)});"


def data_script(function: str, *args) -> str:
    """One `<script>` element that queues `claimsAtlas.<function>(args)` for the page's
    library (library_script: page.js runs the queue) and runs the queue if it is there: a
    few hundred bytes, so an element that changes often carries data only."""
    if not function.isidentifier():
        raise ScriptError(f"not a function name: {function!r}")
    return ("<script>(function(A){(A.q=A.q||[]).push([" + js_json(function) + ",["
            + ",".join(js_json(a) for a in args) + "]]);if(A.run){A.run();}})"
            "(window." + NAMESPACE + "=window." + NAMESPACE + "||{});</script>")


def library_script(files: tuple[str, ...]) -> str:
    """One `<script>` element with the files, then `claimsAtlas.run()`: the page's library,
    the same text on every run (so the browser's message cache keeps it)."""
    return "<script>" + "\n".join(body(f) for f in files) + NAMESPACE + ".run();</script>"


def script(files: tuple[str, ...], function: str, *args) -> str:
    """One `<script>` element: the files, then the call with its JSON arguments."""
    return ("<script>" + "\n".join(body(f) for f in files) + invocation(function, *args)
            + "</script>")
