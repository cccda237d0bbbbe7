"""HTML comes from autoescaping templates only (issue 9 item 4): no module assembles markup
from catalog text by hand, and the one environment escapes what it is given."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from markupsafe import Markup

from claims_atlas import PACKAGE_DIR
from claims_atlas.core import catalog as cat
from claims_atlas.render import html as h
from claims_atlas.render.templating import environment, fragment

TAG = re.compile(r"(?<!\(\?P)<(?!script|/script|style|/style)[a-zA-Z/]")


def test_no_f_string_builds_html():
    """An f-string with a tag in it would paste values into markup unescaped."""
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                if TAG.search(text):
                    found.append(f"{path.relative_to(PACKAGE_DIR)}:{node.lineno}")
    assert found == []


def test_the_environment_escapes_and_refuses_unknown_names():
    env = environment()
    assert env.autoescape is True
    assert fragment("paragraph", "<img src=x onerror=1> & {{ 7*7 }}", "note") == Markup(
        '<p class="note">&lt;img src=x onerror=1&gt; &amp; {{ 7*7 }}</p>')
    nested = fragment("legend_panel", fragment("paragraph", "<b>", "x"))
    assert "&lt;b&gt;" in nested and "&amp;lt;" not in nested  # a fragment is not re-escaped


def test_fragments_keep_their_markup():
    catalog = cat.load_catalog()
    header = h.proposal_header(catalog, catalog.proposal("geneva-framework-2025-11"))
    assert header.startswith('<div class="proposal" data-proposal="geneva-framework-2025-11">')
    assert "revises US 28-point plan" in header
    detail = h.region_detail_html(catalog, "UA-14")
    assert detail.count('<tr data-proposal="') == len(catalog.proposals)
    assert '<span class="swatch" aria-hidden="true" style="display:inline-block;' in detail
    text = h.document_html("He said: <b>no</b>.\nEnd.", "<b>no</b>")
    assert text == Markup('<div class="document-text">He said: <mark id="passage" '
                          'data-testid="passage">&lt;b&gt;no&lt;/b&gt;</mark>.\nEnd.</div>')


def test_templates_ship_as_package_data():
    assert (Path(PACKAGE_DIR) / "render" / "templates" / "fragments.html").is_file()
