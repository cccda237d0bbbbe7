"""Opening a cited passage: links carry every quote, the text marks them, the way back."""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlparse

from claims_atlas.core import catalog as cat
from claims_atlas.core.validate import normalise
from claims_atlas.render import html as h
from claims_atlas.render import passage


def _find(text, quote):
    return h.find_passage(text, quote, normalise)


def test_passage_link_names_every_quote_of_the_item_and_the_statement():
    catalog = cat.load_catalog()
    s = catalog.statement("umerov-2025-11-21-red-lines")
    markup = h.statement_html(catalog, s)
    quotes = [e.quote for e in s.evidence if e.document]
    hrefs = [a.split('"')[0] for a in markup.split('class="passage-link" href="')[1:]]
    assert len(hrefs) == 2
    for href, first in zip(hrefs, quotes, strict=True):
        params = parse_qs(urlparse(html.unescape(href)).query)
        assert params["quote"][0] == first  # the clicked quote comes first
        assert sorted(params["quote"]) == sorted(quotes)
        assert params["from"] == [s.id] and params["doc"] == ["seed-2025-11-21-umerov-peskov"]
    assert f'data-statement="{s.id}">source passage' in markup


def test_spans_in_text_order_with_the_first_cited_flagged_and_overlaps_merged():
    text = "alpha beta gamma delta epsilon"
    spans = passage.find_spans(text, ["delta", "beta gamma", "gamma delta", "absent"], _find)
    assert spans == [(6, 22, True)]  # all three overlap into one; it holds the first
    spans = passage.find_spans(text, ["delta", "alpha"], _find)
    assert spans == [(0, 5, False), (17, 22, True)]
    assert passage.find_spans(text, ["absent"], _find) == []


def test_marked_text_is_escaped_and_one_mark_is_the_target():
    text = 'a <script>x</script> said "no" & left'
    spans = passage.find_spans(text, ['"no"', "<script>"], _find)
    out = str(passage.document_html(text, spans))
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert out.count("<mark ") == 2 and out.count("<mark id=\"passage\"") == 1
    assert '<mark id="passage" class="passage" data-testid="passage" tabindex="-1">' \
           '&#34;no&#34;</mark>' in out


def test_back_keeps_only_the_maps_own_parameters():
    href = passage.back_href("proposal=p&region=UA-14&tl_speaker=A&tl_speaker=B&x=javascript:1",
                             "st-1")
    assert href == "./?proposal=p&region=UA-14&tl_speaker=A&tl_speaker=B&statement=st-1"
    assert passage.back_href(None, None) is None
    assert passage.back_href("junk=1", None) == "./"
    assert passage.back_href("", "a b") == "./?statement=a%20b"


def test_timeline_script_carries_the_statement_as_data_only():
    script = passage.timeline_script('x"</script><b>')
    assert "</script><b>" not in script.split("<script>", 1)[1].rsplit("</script>", 1)[0]
    assert "passage-link" in script


def test_scripts_survive_the_pages_sanitiser():
    """DOMPurify drops an element whose text holds '<' before a word character."""
    import re

    for script in (passage.passage_script(), passage.timeline_script("a-statement")):
        body = re.sub(r"</?(script|style)>", "", script)
        assert not re.search(r"<[/\w]", body)
