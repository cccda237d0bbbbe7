"""Page fragments as HTML, from the autoescaping templates (render.templating).

Every function here returns markup rendered by a macro of templates/fragments.html, where
Jinja2 escapes each catalog string on output and links pass `safe_url`: these fragments
are the only markup the app shows with `st.html`. No HTML is assembled by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlparse

from markupsafe import Markup, escape

from claims_atlas.core import query, vocab
from claims_atlas.core.models import (
    STATUS_LABELS,
    Catalog,
    Evidence,
    Proposal,
    Statement,
)
from claims_atlas.render import js, passage
from claims_atlas.render.map import ink
from claims_atlas.render.templating import fragment

DOCUMENTS_PAGE = passage.DOCUMENTS_PAGE
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def esc(text: object) -> str:
    """Text as HTML text (markupsafe): for the rare caller outside the templates."""
    return str(escape("" if text is None else str(text)))


def safe_url(url: str | None) -> str | None:
    """The URL if it is plain http(s), else None: no javascript:, data: or relative tricks."""
    if not url:
        return None
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return None
    return url.strip()


def fmt_date(date, precision: str = "day") -> str:
    if precision == "month":
        return f"{MONTHS[date.month - 1]} {date.year}"
    text = f"{date.day} {MONTHS[date.month - 1]} {date.year}"
    return f"about {text}" if precision == "about" else text


def passage_href(document: str, quotes: str | Sequence[str],
                 statement: str | None = None) -> str:
    """The documents page on `document` with each quote marked (the first brought into
    view); `statement`, the citing statement's id, gives the page its way back."""
    return passage.passage_href(document, [quotes] if isinstance(quotes, str) else quotes,
                                statement)


def evidence_html(ev: Evidence, items: Sequence[Evidence] = (),
                  statement: str | None = None) -> Markup:
    """A source line with its link: a seeds document passage or an outside page. A passage
    link also marks the other quotes `items` take from the same document."""
    return fragment("evidence", ev, list(items), statement)


def evidence_list(evidence: Iterable[Evidence], statement: str | None = None) -> Markup:
    return fragment("evidence_list", list(evidence), statement)


_GRADIENTS = {
    "diagonal": "repeating-linear-gradient(45deg,{ink} 0 1.5px,transparent 1.5px 7px)",
    "back-diagonal": "repeating-linear-gradient(-45deg,{ink} 0 1.5px,transparent 1.5px 7px)",
    "horizontal": "repeating-linear-gradient(0deg,{ink} 0 1.5px,transparent 1.5px 7px)",
    "vertical": "repeating-linear-gradient(90deg,{ink} 0 1.5px,transparent 1.5px 7px)",
    "cross": "repeating-linear-gradient(45deg,{ink} 0 1.5px,transparent 1.5px 7px),"
             "repeating-linear-gradient(-45deg,{ink} 0 1.5px,transparent 1.5px 7px)",
    "grid": "repeating-linear-gradient(0deg,{ink} 0 1.5px,transparent 1.5px 7px),"
            "repeating-linear-gradient(90deg,{ink} 0 1.5px,transparent 1.5px 7px)",
    "dots": "radial-gradient({ink} 1.6px,transparent 1.8px)",
    "circles": "radial-gradient(transparent 2px,{ink} 2.2px 3.2px,transparent 3.4px)",
}


def swatch_style(disposition_id: str, size: int = 18) -> str:
    """The CSS of a colour-and-pattern chip (survives st.html's sanitiser, unlike SVG)."""
    d = vocab.get(disposition_id)
    marks = _GRADIENTS.get(d.pattern, "").format(ink=_alpha(ink(d.colour)))
    tile = ";background-size:8px 8px" if d.pattern in ("dots", "circles") else ""
    image = f";background-image:{marks}{tile}" if marks else ""
    return (f"display:inline-block;width:{size * 1.5:.0f}px;height:{size}px;"
            f"border:1px solid #444;background-color:{d.colour}{image}")


def swatch(disposition_id: str, size: int = 18) -> Markup:
    """A colour-and-pattern chip in plain CSS."""
    return fragment("swatch", disposition_id, size)


def _alpha(colour: str) -> str:
    return "rgba(26,26,26,.7)" if colour == "#1a1a1a" else "rgba(255,255,255,.75)"


def legend_html(dispositions: Sequence[vocab.Disposition], title: str = "Legend",
                level: int = 4) -> Markup:
    """The legend under a heading of `level` (so a page's headings stay in order)."""
    return fragment("legend", list(dispositions), title, level)


def proposal_header(catalog: Catalog, p: Proposal) -> Markup:
    lineage = [(rel.replace("_", " "), catalog.proposal(other).title)
               for rel, other in query.lineage(catalog, p.id) if catalog.proposal(other)]
    return fragment("proposal_header", p, lineage, STATUS_LABELS.get(p.status, p.status))


def _concerns(catalog: Catalog, s: Statement) -> list[str]:
    return ([catalog.proposal(p).label for p in s.proposals if catalog.proposal(p)]
            + [catalog.region(r).name_en for r in s.regions if catalog.region(r)])


def statement_html(catalog: Catalog, s: Statement) -> Markup:
    return fragment("statement", s, _concerns(catalog, s))


def timeline_html(catalog: Catalog, statements: Sequence[Statement]) -> Markup:
    return fragment("timeline", [(s, _concerns(catalog, s)) for s in statements])


def shown_html(shown: Sequence[query.Shown]) -> Markup:
    return fragment("shown", list(shown))


def region_detail_html(catalog: Catalog, region_id: str) -> Markup:
    return fragment("region_detail", catalog.region(region_id),
                    list(query.region_detail(catalog, region_id)))


def compare_html(catalog: Catalog, a: str, b: str) -> Markup:
    return fragment("compare", catalog.proposal(a), catalog.proposal(b),
                    list(query.compare(catalog, a, b)))


def document_html(text: str, quote_text: str | None) -> Markup:
    """The document's text, escaped, with the quoted passage marked when it is found."""
    from claims_atlas.core.validate import normalise

    span = find_passage(text, quote_text, normalise) if quote_text else None
    if span is None:
        return fragment("document", text, None, "")
    start, end = span
    return fragment("document", text[:start], text[start:end], text[end:])


def find_passage(text: str, quote_text: str, normalise) -> tuple[int, int] | None:
    """(start, end) in `text` of the passage that normalises to `quote_text`."""
    target = normalise(quote_text)
    if not target:
        return None
    # Map each normalised character back to the original index.
    norm, index = [], []
    prev_space = True
    for i, ch in enumerate(text):
        n = normalise(ch) if not ch.isspace() else " "
        if n == " " or n == "":
            if not prev_space:
                norm.append(" ")
                index.append(i)
            prev_space = True
            continue
        norm.append(n)
        index.append(i)
        prev_space = False
    joined = "".join(norm)
    pos = joined.find(target)
    if pos < 0:
        return None
    return index[pos], index[pos + len(target) - 1] + 1


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:=")
# GFM turns URLs, www. names and e-mail addresses in the rendered text into live links
# (after escapes are read): a word joiner (U+2060, invisible) breaks each pattern.
_AUTOLINK = re.compile(r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=www)(?=\.)|(?<=@)")


def no_autolink(text: str) -> str:
    """`text` with an invisible word joiner where GFM would start an autolink."""
    return _AUTOLINK.sub("\u2060", text)


def md_escape(text: object) -> str:
    """Catalog text made literal for places Streamlit renders as Markdown (radio labels,
    captions): every Markdown-special character is backslash-escaped, and a URL, www.
    name or e-mail address is kept from becoming a live link (no_autolink)."""
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in no_autolink(str(text)))


def picker_script(titles: dict[str, str]) -> str:
    """A script for the page: when a proposal is picked in the sidebar radio, re-colour the
    map at once (all proposals' dispositions are already in the map); the Streamlit rerun
    that follows confirms it. `titles` maps each option's visible text to its proposal id;
    it travels as escaped JSON data (render/js/picker.js)."""
    return js.script(("picker.js",), "picker", titles)


def notice_html(messages: Iterable[str]) -> Markup:
    return fragment("notices", list(messages))


