"""Opening a cited passage: the link that carries every quote an item cites, the document with
each passage marked, the scripts that put the first one in view, and the way back.

Markup comes from the autoescaping fragments (render.templating); data reaches scripts only
as escaped JSON (`render.js.js_json`), never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import parse_qsl, urlencode
from urllib.parse import quote as urlquote

from markupsafe import Markup

from claims_atlas.render.js import js_json
from claims_atlas.render.templating import fragment

DOCUMENTS_PAGE = "documents"
MAP_PAGE = "./"
# The map's URL parameters a way back may carry (anything else in `back` is dropped).
BACK_KEYS = ("proposal", "region", "control", "date", "tl_from", "tl_to", "tl_speaker",
             "tl_region", "tl_proposal", "tl_order", "tl_about")


def passage_href(document: str, quotes: Sequence[str], statement: str | None = None) -> str:
    """The documents page on `document` with every quote marked, the first brought into view;
    `statement` (the citing statement's id) lets the page lead back to it."""
    params = [("doc", document), *(("quote", q) for q in quotes if q)]
    if statement:
        params.append(("from", statement))
    return f"{DOCUMENTS_PAGE}?{urlencode(params, quote_via=urlquote)}"


def find_spans(text: str, quotes: Sequence[str], find: Callable) -> list[tuple[int, int, bool]]:
    """(start, end, is_first) of each quote found in `text`, in text order, overlaps merged;
    is_first marks the span holding the first quote that was found. `find(text, quote)`
    returns (start, end) or None. Quotes not found are left out."""
    found = [span for span in (find(text, q) for q in quotes) if span]
    if not found:
        return []
    first = found[0]
    merged: list[list] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] = merged[-1][2] or (start, end) == first
        else:
            merged.append([start, end, (start, end) == first])
    return [(s, e, f) for s, e, f in merged]


def document_html(text: str, spans: Sequence[tuple[int, int, bool]]) -> Markup:
    """The document's text, escaped, each span in a <mark class="passage">; the first cited
    passage has id="passage" and can take the focus (macro document_passages)."""
    pieces, at = [], 0
    for n, (start, end, first) in enumerate(spans, 1):
        pieces += [(text[at:start], None), (text[start:end], "passage" if first else
                                             f"passage-{n}")]
        at = end
    pieces.append((text[at:], None))
    return fragment("document_passages", pieces)


def back_href(back: str | None, statement: str | None) -> str | None:
    """The map link that returns the reader to the timeline: the map view `back` named (its
    query string, only BACK_KEYS kept) and the statement to bring into view. None when
    there is nothing to return to."""
    if not back and not statement:
        return None
    params = [(k, v) for k, v in parse_qsl(back or "", keep_blank_values=False)
              if k in BACK_KEYS]
    if statement:
        params.append(("statement", statement))
    return f"{MAP_PAGE}?{urlencode(params, quote_via=urlquote)}" if params else MAP_PAGE


def back_link_html(href: str) -> Markup:
    """The way back, pinned to the bottom corner so it stays at hand while reading."""
    return fragment("back_link", href)


# No "<" before a letter or digit in these scripts: the page's sanitiser (DOMPurify) drops a
# whole element whose text looks like markup.
_POLL = ("function claimsWhenThere(find,done){var n=0;(function look(){var el=find();"
         "if(el){done(el);}else if(200>n++){setTimeout(look,50);}})();}")


def passage_script() -> str:
    """Brings the first marked passage to the middle of the screen and focuses it, once per
    page load (the text is drawn by a neighbouring element, so the script waits for it)."""
    return ("<script>(function(){if(window.__claimsPassageShown){return;}" + _POLL
            + "claimsWhenThere(function(){return document.getElementById('passage');},"
            "function(el){window.__claimsPassageShown=true;"
            "el.scrollIntoView({block:'center'});el.focus({preventScroll:true});});})();"
            "</script>")


def timeline_script(statement: str | None) -> str:
    """For the map page's timeline. A click on a source-passage link first notes, in this
    page's URL and in the link, the view and statement the reader is on, so both the
    browser's Back and the documents page's link return there. When `statement` is given it
    is brought into view and outlined, once per page load."""
    back = ("if(!window.__claimsBackLinks){window.__claimsBackLinks=true;"
            "document.addEventListener('click',function(e){var a=e.target&&e.target.closest"
            "&&e.target.closest('a.passage-link');if(!a){return;}"
            "var here=new URL(window.location.href);var st=a.getAttribute('data-statement');"
            "if(st){here.searchParams.set('statement',st);"
            "window.history.replaceState(window.history.state,'',here.toString());}"
            "var to=new URL(a.getAttribute('href'),window.location.href);"
            "to.searchParams.set('back',window.location.search.replace(/^\\?/,''));"
            "a.setAttribute('href',to.toString());},true);}")
    scroll = ""
    if statement:
        scroll = ("var id=" + js_json(statement) + ";if(window.__claimsStatementShown!==id){"
                  + _POLL + "claimsWhenThere(function(){return document.getElementById("
                  "'st-'+id);},function(el){window.__claimsStatementShown=id;"
                  "el.classList.add('picked');el.setAttribute('tabindex','-1');"
                  "el.scrollIntoView({block:'center'});el.focus({preventScroll:true});});}")
    return ("<style>.timeline .statement.picked{outline:3px solid #DDAA33;outline-offset:2px}"
            "</style><script>(function(){" + back + scroll + "})();</script>")
