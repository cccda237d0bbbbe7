"""Page fragments as HTML strings, built from catalog data that is escaped on the way in.

Every function here returns markup in which each catalog string has passed through
`esc` (text) or `safe_url` (links): these strings are the only ones the app shows with
`unsafe_allow_html` / `st.html`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from urllib.parse import quote as urlquote
from urllib.parse import urlencode, urlparse

from claims_atlas.core import query, vocab
from claims_atlas.core.models import (
    PART_LABELS,
    STATUS_LABELS,
    Catalog,
    Evidence,
    Proposal,
    Statement,
)
from claims_atlas.render import js
from claims_atlas.render.map import ink

DOCUMENTS_PAGE = "documents"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


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


def passage_href(document: str, quote_text: str) -> str:
    query_string = urlencode({"doc": document, "quote": quote_text}, quote_via=urlquote)
    return f"{DOCUMENTS_PAGE}?{query_string}"


def evidence_html(ev: Evidence) -> str:
    """A source line with its link: a seeds document passage or an outside page."""
    if ev.document:
        link = (f'<a href="{esc(passage_href(ev.document, ev.quote))}" target="_self">'
                f'source passage</a>')
        return f'<span class="ev">“{esc(ev.quote)}” — {link} ({esc(ev.document)})</span>'
    url = safe_url(ev.url)
    outlet = esc(ev.outlet or "source")
    via = f" via {esc(ev.via)}" if ev.via else ""
    state = ' <span class="state-media">state media</span>' if ev.state_media else ""
    when = f", {esc(fmt_date(ev.date))}" if ev.date else ""
    anchor = (f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{outlet}</a>'
              if url else outlet)
    note = f' <span class="note">({esc(ev.note)})</span>' if ev.note else ""
    return f'<span class="ev">“{esc(ev.quote)}” — {anchor}{via}{state}{when}{note}</span>'


def evidence_list(evidence: Iterable[Evidence]) -> str:
    items = "".join(f"<li>{evidence_html(e)}</li>" for e in evidence)
    return f'<ul class="evidence">{items}</ul>' if items else ""


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


def swatch(disposition_id: str, size: int = 18) -> str:
    """A colour-and-pattern chip in plain CSS (survives st.html's sanitiser, unlike SVG)."""
    d = vocab.get(disposition_id)
    marks = _GRADIENTS.get(d.pattern, "").format(ink=_alpha(ink(d.colour)))
    tile = ";background-size:8px 8px" if d.pattern in ("dots", "circles") else ""
    image = f";background-image:{marks}{tile}" if marks else ""
    return (f'<span class="swatch" aria-hidden="true" style="display:inline-block;'
            f'width:{size * 1.5:.0f}px;height:{size}px;border:1px solid #444;'
            f'background-color:{d.colour}{image}"></span>')


def _alpha(colour: str) -> str:
    return "rgba(26,26,26,.7)" if colour == "#1a1a1a" else "rgba(255,255,255,.75)"


def legend_html(dispositions: Sequence[vocab.Disposition], title: str = "Legend") -> str:
    rows = "".join(
        f'<div class="legend-row" data-disp="{esc(d.id)}">{swatch(d.id)}'
        f'<span><b>{esc(d.label)}</b><br><small>{esc(d.definition)}</small></span></div>'
        for d in dispositions)
    return f'<div class="legend" data-testid="legend"><h4>{esc(title)}</h4>{rows}</div>'


def proposal_header(catalog: Catalog, p: Proposal) -> str:
    lineage = "; ".join(
        f"{esc(rel.replace('_', ' '))} {esc(catalog.proposal(other).title)}"
        for rel, other in query.lineage(catalog, p.id) if catalog.proposal(other))
    status = STATUS_LABELS.get(p.status, p.status)
    return (f'<div class="proposal" data-proposal="{esc(p.id)}"><h3>{esc(p.title)}</h3>'
            f'<p class="meta"><span class="status status-{esc(p.status)}">{esc(status)}</span> · '
            f'{esc(p.sponsor)} · {esc(fmt_date(p.date, p.date_precision))}'
            f'{" · " + lineage if lineage else ""}</p>'
            f'<p>{esc(p.summary)}</p>'
            f'<details><summary>Sources for this proposal</summary>'
            f'{evidence_list(p.evidence)}</details></div>')


def statement_html(catalog: Catalog, s: Statement) -> str:
    words = (f'<blockquote class="quote">“{esc(s.quote)}”</blockquote>' if s.quote is not None
             else f'<p class="paraphrase"><span class="tag">paraphrase</span> '
                  f'{esc(s.paraphrase)}</p>')
    note = f' <span class="note">({esc(s.date_note)})</span>' if s.date_note else ""
    venue = f" · {esc(s.venue)}" if s.venue else ""
    concerns = ", ".join(
        [esc(catalog.proposal(p).label) for p in s.proposals if catalog.proposal(p)]
        + [esc(catalog.region(r).name_en) for r in s.regions if catalog.region(r)])
    about = f'<p class="concerns">Concerns: {concerns}</p>' if concerns else ""
    return (f'<li class="statement stance-{esc(s.stance)}" id="st-{esc(s.id)}" '
            f'data-statement="{esc(s.id)}"><div class="when">'
            f'{esc(fmt_date(s.date, s.date_precision))}{note}</div>'
            f'<div class="who"><b>{esc(s.speaker)}</b>, {esc(s.role)}'
            f'{" (" + esc(s.affiliation) + ")" if s.affiliation else ""}{venue}'
            f' <span class="stance">{esc(s.stance)}</span></div>{words}{about}'
            f'{evidence_list(s.evidence)}</li>')


def timeline_html(catalog: Catalog, statements: Sequence[Statement]) -> str:
    if not statements:
        return '<p class="timeline-empty">No statement matches these filters.</p>'
    items = "".join(statement_html(catalog, s) for s in statements)
    return f'<ol class="timeline" data-testid="timeline">{items}</ol>'


def shown_html(shown: Sequence[query.Shown]) -> str:
    out = []
    for s in shown:
        part = f'<span class="part">{esc(PART_LABELS[s.part])}:</span> ' \
            if s.part != "whole" else ""
        disputed = ""
        if s.provision and s.provision.disputed:
            readings = "".join(
                f"<li>{esc(r.summary)}{_reading_label(r.disposition)}"
                f"{evidence_list(r.evidence)}</li>" for r in s.provision.readings)
            disputed = (f'<div class="disputed"><span class="tag">disputed</span> '
                        f'sources disagree:<ul>{readings}</ul></div>')
        conditions = (f'<p class="conditions">Conditions: '
                      f'{esc("; ".join(s.provision.conditions))}</p>'
                      if s.provision and s.provision.conditions else "")
        sources = evidence_list(s.provision.evidence) if s.provision else \
            '<p class="note">No provision in this proposal.</p>'
        out.append(f'<div class="shown">{swatch(s.disposition)} {part}'
                   f'<b>{esc(vocab.get(s.disposition).label)}</b>'
                   f'<p>{esc(s.summary)}</p>{conditions}{disputed}{sources}</div>')
    return "".join(out)


def _reading_label(disposition: str | None) -> str:
    if disposition not in vocab.BY_ID:
        return ""
    return f" ({esc(vocab.get(disposition).short)})"


def region_detail_html(catalog: Catalog, region_id: str) -> str:
    region = catalog.region(region_id)
    rows = "".join(
        f'<tr data-proposal="{esc(e.proposal.id)}"><th scope="row">{esc(e.proposal.title)}'
        f'<br><small>{esc(fmt_date(e.proposal.date, e.proposal.date_precision))} · '
        f'{esc(STATUS_LABELS.get(e.proposal.status, e.proposal.status))}</small></th>'
        f'<td>{shown_html(e.shown)}</td></tr>'
        for e in query.region_detail(catalog, region_id))
    names = f"{esc(region.name_en)} · {esc(region.name_uk)} · {esc(region.name_ru)}"
    return (f'<div class="region-detail" data-region="{esc(region_id)}">'
            f'<h3>{names} <small>({esc(region_id)})</small></h3>'
            f'<table class="detail"><tbody>{rows}</tbody></table></div>')


def compare_html(catalog: Catalog, a: str, b: str) -> str:
    pa, pb = catalog.proposal(a), catalog.proposal(b)
    rows = "".join(
        f'<tr class="{"changed" if r.changed else "same"}" data-region="{esc(r.region)}">'
        f'<th scope="row">{esc(r.name)}{" <span class=tag>changed</span>" if r.changed else ""}'
        f'</th><td>{shown_html(r.a)}</td><td>{shown_html(r.b)}</td></tr>'
        for r in query.compare(catalog, a, b))
    return (f'<table class="compare" data-testid="compare"><thead><tr><th>Region</th>'
            f'<th>{esc(pa.title)}</th><th>{esc(pb.title)}</th></tr></thead>'
            f'<tbody>{rows}</tbody></table>')


def document_html(text: str, quote_text: str | None) -> str:
    """The document's text, escaped, with the quoted passage marked when it is found."""
    from claims_atlas.core.validate import normalise

    body = esc(text)
    if quote_text:
        span = find_passage(text, quote_text, normalise)
        if span:
            start, end = span
            body = (esc(text[:start]) + '<mark id="passage" data-testid="passage">'
                    + esc(text[start:end]) + "</mark>" + esc(text[end:]))
    return f'<div class="document-text">{body}</div>'


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


def md_escape(text: object) -> str:
    """Catalog text made literal for places Streamlit renders as Markdown (radio labels,
    captions): every Markdown-special character is backslash-escaped."""
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in str(text))


def picker_script(titles: dict[str, str]) -> str:
    """A script for the page: when a proposal is picked in the sidebar radio, re-colour the
    map at once (all proposals' dispositions are already in the map); the Streamlit rerun
    that follows confirms it. `titles` maps each option's visible text to its proposal id;
    it travels as escaped JSON data (render/js/picker.js)."""
    return js.script(("picker.js",), "picker", titles)


def notice_html(messages: Iterable[str]) -> str:
    items = "".join(f"<li>{esc(m)}</li>" for m in messages)
    return f'<ul class="notices" data-testid="notices">{items}</ul>' if items else ""
