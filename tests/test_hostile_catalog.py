"""Validate clean => every page and mode renders (issue 10 §2): catalog text is only text.

A catalog is generated whose every free-text field holds one hostile string (HTML, Jinja
delimiters, Markdown, autolinks, bidi and control characters, a 10 kB string); it must
validate clean, and then every page (map with region detail, timeline and a control
snapshot whose attribution is the same string, compare, sources, about), present mode, the
map's script (tooltips, legend credit, Leaflet attribution), the PNG and the PDF render
without an exception, and nowhere is the string taken as markup.
"""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from claims_atlas import REPO_ROOT
from claims_atlas.app import mapview
from claims_atlas.core import catalog as cat
from claims_atlas.core import control, control_view
from claims_atlas.render import handouts
from claims_atlas.render import map as rmap
from tests.apptest_support import drawn_app

MAIN = str(REPO_ROOT / "claims_atlas" / "app" / "main.py")
FIXTURES = Path(__file__).parent / "fixtures"

PAYLOADS = {
    "html": "<img src=x onerror=\"window.top.__xss=1\"><script>alert(1)</script> & <b>b</b>",
    "jinja": "Plan {# west tip {% raw %} {{ 6*7 }} {%- if true %} {{",
    "markdown": "**bold** _it_ [link](javascript:alert(1)) `code` $x^2$ ~~s~~ :smile: # h",
    "autolink": "see https://evil.example/x and www.evil.example or mail@evil.example",
    "bidi-control": "abc\u202eevil\u202c \u200bzero \u2066iso\u2069 bell\x07 esc\x1b[31m",
    "10kB": ("lorem ipsum " * 900)[:10_000],
}

# (file kind, field): every free-text field a maintainer writes.
FIELDS = [
    ("document", "title"), ("document", "outlet"), ("document", "via"), ("document", "notes"),
    ("document", "body"),
    ("proposal", "title"), ("proposal", "short_title"), ("proposal", "sponsor"),
    ("proposal", "summary"), ("provision", "summary"), ("provision", "conditions"),
    ("provision", "estimate.note"), ("reading", "summary"), ("place provision", "summary"),
    ("evidence", "quote"), ("evidence", "outlet"), ("evidence", "via"), ("evidence", "note"),
    ("person", "name"), ("statement", "role"), ("statement", "affiliation"),
    ("statement", "venue"), ("statement", "quote"), ("statement", "paraphrase"),
    ("statement", "date_note"), ("place", "name"), ("place", "aliases"), ("place", "source"),
    ("briefing", "title"), ("briefing", "author"), ("scene", "caption"),
    ("snapshot", "attribution"),
]
PAGES = ["map", "compare", "sources", "about", "present", "map script", "png", "pdf"]


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6)


def evidence(text: str) -> list[dict]:
    return [{"document": "doc-h", "quote": text, "note": text},
            {"url": "https://example.org/report", "outlet": text, "via": text,
             "date": "2025-11-21", "quote": text}]


def hostile_seeds(root: Path, text: str) -> Path:
    """A catalog whose every free-text field holds `text` (limited fields: its start)."""
    head = dump({"id": "doc-h", "title": text, "outlet": text, "via": text, "language": "en",
                 "dateline": "2025-11-21", "notes": text})
    files = {
        "documents/doc-h.txt": f"---\n{head}---\nThe passage:\n{text}\nEnd.\n",
        "proposals/plan-h.yaml": dump({
            "id": "plan-h", "title": text, "short_title": text, "sponsor": text,
            "date": "2025-11-20", "status": "leaked", "summary": text,
            "evidence": evidence(text),
            "provisions": [
                {"region": "UA-14", "part": "russian_held",
                 "disposition": "recognised_russian_de_facto", "summary": text,
                 "conditions": [text], "estimate": {"km2": 5000, "note": text},
                 "evidence": evidence(text)},
                {"region": "UA-14", "part": "ukrainian_held", "disposition": "demilitarised_zone",
                 "summary": text, "disputed": True, "evidence": evidence(text),
                 "readings": [{"summary": text, "disposition": "deferred",
                               "evidence": evidence(text)},
                              {"summary": "Another reading.", "evidence": evidence(text)}]},
                {"region": "UA-65", "disposition": "frozen_at_contact_line", "summary": text,
                 "evidence": evidence(text)}],
            "place_provisions": [{"place": "spit-h", "summary": text,
                                  "evidence": evidence(text)}]}),
        "proposals/plan-b.yaml": dump({
            "id": "plan-b", "title": "Plan B", "sponsor": "Testland", "date": "2025-11-22",
            "status": "reported", "summary": "A counter.", "counters": "plan-h",
            "evidence": evidence(text),
            "provisions": [{"region": "UA-14", "disposition": "deferred", "summary": "Later.",
                            "evidence": evidence(text)}]}),
        "statements/all.yaml": dump([
            {"id": "st-quote", "date": "2025-11-21", "speakers": ["person-h"], "role": text,
             "affiliation": text, "venue": text, "quote": text, "date_note": text,
             "concerns": {"proposals": ["plan-h"], "regions": ["UA-14"]}, "stance": "rejects",
             "evidence": evidence(text)},
            {"id": "st-para", "date": "2025-11-22", "role": text,
             "source": {"outlet": text, "description": text},
             "paraphrase": text, "concerns": {"proposals": ["plan-h"]}, "stance": "supports",
             "evidence": evidence(text)}]),
        "people.yaml": dump([{"id": "person-h", "name": text, "spellings": [text[:200]],
                              "affiliation": text, "roles": [{"role": text,
                                                              "from": "2020-01-01"}]}]),
        "places.yaml": dump([{"id": "spit-h", "name": text, "aliases": [text], "region": "UA-65",
                              "kind": "point", "coordinates": [31.55, 46.56],
                              "precision": "approximate", "source": text}]),
        "briefings/01-deck.yaml": dump({
            "id": "deck-h", "title": text[:200], "author": text, "date": "2025-11-22",
            "scenes": [{"proposal": "plan-h", "compare": "plan-b", "regions": ["UA-14"],
                        "caption": text[:1000]},
                       {"proposal": "plan-b", "caption": text[:1000],
                        "control": {"date": "2025-11-20", "source": "ISW/CTP"}}]}),
    }
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    return root


def snapshot(cache: Path, text: str) -> str:
    """A control snapshot whose attribution is `text`; returns its key."""
    result = control.import_file(FIXTURES / "attribution-html" / "square.geojson",
                                 source="ISW/CTP", date="2025-11-20", attribution=text,
                                 cache_dir=cache)
    return control_view.snapshot_key(result.info)


MARKUP_TELLS = ("<img", "<script>alert", "<b>b</b>", "**bold**", "[link](", "https://evil",
                "www.evil", "{%", "{#")


def assert_text_only(at: AppTest, text: str) -> None:
    """No element shows `text` as markup: HTML fragments carry it escaped, Markdown
    elements carry it backslash-escaped."""
    html = [str(e.proto.body) for e in at.get("html")]
    for body in html:
        for tell in ("<img", "<script>alert", "<b>b</b>"):
            assert tell not in body.replace("<script>(function", ""), body[:300]
    markdown = [str(e.value) for kind in ("markdown", "caption", "error", "warning", "info",
                                          "success") for e in at.get(kind)]
    markdown += [str(o) for r in at.radio for o in r.options]
    for value in markdown:
        value = re.sub(r"\\.", "", value)  # what Markdown shows literally: escaped characters
        for tell in MARKUP_TELLS:
            if tell in text:
                assert tell not in value, (tell, value[:300])


def run_page(at: AppTest, page: str | None = None) -> AppTest:
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("name", PAYLOADS)
def test_hostile_catalog_renders_everywhere(name, tmp_path, monkeypatch):
    text = PAYLOADS[name]
    seeds = hostile_seeds(tmp_path / "seeds", text)
    assert [str(p) for p in cat.check(seeds)] == []  # validate clean...
    catalog = cat.load_catalog(seeds)
    cache = tmp_path / "cache"
    key = snapshot(cache, text)
    monkeypatch.setenv(cat.SEEDS_ENV, str(seeds))
    monkeypatch.setenv(control.CACHE_ENV, str(cache))

    # ... so every page renders, with the text as text.
    at = drawn_app()
    at.query_params.update(proposal="plan-h", region="UA-14", control=key)
    assert_text_only(run_page(at), text)
    assert any("What this proposal would move" in s.value for s in at.subheader)
    for page in ("app_pages/compare.py", "app_pages/about.py"):
        assert_text_only(run_page(AppTest.from_file(MAIN, default_timeout=60), page), text)
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params.update(doc="doc-h", quote=text[:2000])
    assert_text_only(run_page(at, "app_pages/documents.py"), text)
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params.update(mode="present", deck="deck-h", scene="2")
    assert_text_only(run_page(at), text)

    # The map: tooltips, legend credit and Leaflet attribution are data, not markup.
    overlay = control_view.overlay(control_view.find(key))
    prepared = mapview.prepare(rmap.base_map(catalog, overlay=overlay))
    script = prepared.script + rmap.page_script("map", rmap.map_state(catalog, "plan-h"))
    for tell in ("<img", "<b>b</b>", "{#", "{%", "{{ 6"):
        if tell in text:
            assert tell not in script
    if "<img" in text:
        # The attribution, HTML-escaped for Leaflet (inside JSON, "&" travels as \u0026).
        assert "\\u0026lt;img src=x" in script

    png = handouts.proposal_png(catalog, "plan-h", ("UA-14",))
    assert png.startswith(b"\x89PNG")
    pdf = PdfReader(io.BytesIO(handouts.deck_pdf(catalog, catalog.briefing("deck-h"))))
    assert len(pdf.pages) == 2


def test_hostile_counts():
    """The size of the sweep above: fields x payloads x pages (reported in the README)."""
    assert (len(FIELDS), len(PAYLOADS), len(PAGES)) == (32, 6, 8)
    assert len(FIELDS) * len(PAYLOADS) * len(PAGES) == 1536


def test_jinja_braces_case_renders_the_map():
    """shared case jinja-braces: a place named "Test spit {# west tip"."""
    catalog = cat.load_catalog(FIXTURES / "jinja-braces" / "seeds")
    prepared = mapview.prepare(rmap.base_map(catalog))
    assert "Test spit \\u007b# west tip" in prepared.script


def test_attribution_html_case_is_text(tmp_path):
    """shared case attribution-html: the credit reaches Leaflet escaped, never as HTML."""
    text = ("Control: ISW & AEI's CTP *assessed* control <understandingwar.org> "
            "<img src=x onerror=\"window.top.__xss=1\">")
    key = snapshot(tmp_path, text)
    import os

    os.environ[control.CACHE_ENV] = str(tmp_path)
    try:
        overlay = control_view.overlay(control_view.find(key))
    finally:
        del os.environ[control.CACHE_ENV]
    catalog = cat.load_catalog()
    script = mapview.prepare(rmap.base_map(catalog, overlay=overlay)).script
    assert "<understandingwar.org>" not in script and "<img" not in script
    assert "\\u0026lt;understandingwar.org\\u0026gt;" in script
    assert textwrap.shorten(rmap.leaflet_attribution("a {# b"), 20) == "a &#123;# b"
