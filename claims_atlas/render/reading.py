"""What a reader sees first: the proposal's one-line summary, the region panel beside the
map, the map's text alternative (regions × the proposal's disposition, with sources), the
compare page's change lines and the timeline's stance legend.

All HTML comes from one Jinja2 environment with autoescape on; fragments built by
render.html (already escaped) enter as `Markup`.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment
from markupsafe import Markup

from claims_atlas.core import query, vocab
from claims_atlas.core.models import STANCES, STATUS_LABELS, Catalog, Proposal
from claims_atlas.render import html as h

ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)

SHORT_PARTS = {"whole": "", "russian_held": "Russian-held part",
               "ukrainian_held": "Ukrainian-held part"}
STANCE_WORDS = {"supports": "supports the proposal or position it concerns",
                "proposes": "puts a proposal or position forward",
                "rejects": "rejects it", "denies": "denies a report about it",
                "clarifies": "explains or qualifies it", "reports": "reports on it"}

_SUMMARY = ENV.from_string("""\
<div class="proposal-line" data-proposal="{{ p.id }}" data-testid="proposal-line">
<h{{ level }} class="proposal-title">{{ p.title }}</h{{ level }}>
<p class="proposal-meta"><span class="status status-{{ p.status }}">{{ status }}</span>
 {{ p.sponsor }} · {{ date }}</p>
<details class="proposal-more"><summary>What it says, where it comes from</summary>
<p>{{ p.summary }}</p>
{% if lineage %}<p class="meta">{{ lineage }}</p>{% endif %}
<h{{ level + 1 }} class="sr-heading">Sources for this proposal</h{{ level + 1 }}>{{ sources }}
</details></div>""")


def summary_line(catalog: Catalog, p: Proposal, level: int = 1) -> str:
    """The proposal in one line (title as a heading of `level`, status, sponsor, date); the
    summary, its lineage and its sources one click away in a <details>."""
    lineage = "; ".join(f"{rel.replace('_', ' ')} {catalog.proposal(other).title}"
                        for rel, other in query.lineage(catalog, p.id)
                        if catalog.proposal(other))
    return _SUMMARY.render(p=p, level=level, status=STATUS_LABELS.get(p.status, p.status),
                           date=h.fmt_date(p.date, p.date_precision), lineage=lineage,
                           sources=Markup(h.evidence_list(p.evidence)))


_PANEL = ENV.from_string("""\
<div class="region-panel region-detail" role="region" data-testid="region-panel"
 data-region="{{ r.id }}" aria-labelledby="region-panel-title">
<h2 id="region-panel-title">{{ r.name_en }} <span class="names">{{ r.name_uk }} ·
 {{ r.name_ru }}</span></h2>
<div class="now" data-testid="region-now" data-proposal="{{ p.id }}">
<p class="now-title">On the map: {{ p.title }}</p>
{% for n in now %}
<p class="now-line">{{ n.swatch }} {% if n.part %}{{ n.part }}: {% endif %}<b>{{ n.label }}</b>
 — {{ n.summary }}</p>
{% endfor %}
{% if sources %}<details><summary>Its sources</summary>{{ sources }}</details>{% endif %}
</div>
<h3>What every proposal says</h3>
<table class="detail"><tbody>
{% for e in entries %}
<tr data-proposal="{{ e.proposal.id }}"{% if e.proposal.id == p.id %} class="current"{% endif %}>
<th scope="row">{{ e.proposal.title }}{% if e.proposal.id == p.id %}
 <span class="tag">on the map</span>{% endif %}<br><small>{{ e.date }} · {{ e.status }}</small>
</th><td>{{ e.shown }}</td></tr>
{% endfor %}
</tbody></table></div>""")


@dataclass(frozen=True)
class _Entry:
    proposal: Proposal
    date: str
    status: str
    shown: Markup


def region_panel_html(catalog: Catalog, region_id: str, proposal_id: str) -> str:
    """The region's detail for the panel beside the map: what the proposal on the map does
    with it first, then every proposal, the one on the map marked."""
    entries = [_Entry(e.proposal, h.fmt_date(e.proposal.date, e.proposal.date_precision),
                      STATUS_LABELS.get(e.proposal.status, e.proposal.status),
                      Markup(h.shown_html(e.shown)))
               for e in query.region_detail(catalog, region_id)]
    shown = query.shown_for(catalog, proposal_id, region_id)
    now = [dict(swatch=Markup(h.swatch(s.disposition)), part=SHORT_PARTS.get(s.part, ""),
                label=vocab.get(s.disposition).label, summary=s.summary) for s in shown]
    sources = [e for s in shown if s.provision for e in s.provision.evidence]
    return _PANEL.render(r=catalog.region(region_id), p=catalog.proposal(proposal_id),
                         now=now, sources=Markup(h.evidence_list(sources)) if sources else "",
                         entries=entries)


@dataclass(frozen=True)
class TableRow:
    """One row of the map's text alternative: a region (or part) under one proposal."""

    region: str
    name: str
    part: str
    disposition: str
    label: str
    summary: str
    sources: tuple


def table_rows(catalog: Catalog, proposal_id: str) -> list[TableRow]:
    """Every region × what the proposal does with it (each part on its own row)."""
    return [TableRow(r.id, r.name_en, SHORT_PARTS.get(s.part, s.part), s.disposition,
                     vocab.get(s.disposition).label, s.summary,
                     s.provision.evidence if s.provision else ())
            for r in sorted(catalog.regions, key=lambda r: r.name_en)
            for s in query.shown_for(catalog, proposal_id, r.id)]


_TABLE = ENV.from_string("""\
<table class="regions-table" data-testid="regions-table">
<caption>{{ title }}: what it does with each region, and its sources</caption>
<thead><tr><th scope="col">Region</th><th scope="col">Disposition</th>
<th scope="col">In the proposal's words (our summary)</th><th scope="col">Sources</th></tr>
</thead><tbody>
{% for row in rows %}
<tr data-region="{{ row.region }}" data-disp="{{ row.disposition }}">
<th scope="row">{{ row.name }}{% if row.part %}, {{ row.part }}{% endif %}</th>
<td>{{ row.swatch }} {{ row.label }}</td><td>{{ row.summary }}</td><td>{{ row.sources }}</td>
</tr>
{% endfor %}
</tbody></table>""")


def regions_table_html(catalog: Catalog, proposal_id: str) -> str:
    """The map's text alternative: a table of regions × the proposal's disposition."""
    rows = [dict(region=r.region, name=r.name, part=r.part, disposition=r.disposition,
                 label=r.label, summary=r.summary, swatch=Markup(h.swatch(r.disposition)),
                 sources=Markup(h.evidence_list(r.sources)) if r.sources else "—")
            for r in table_rows(catalog, proposal_id)]
    return _TABLE.render(title=catalog.proposal(proposal_id).title, rows=rows)


@dataclass(frozen=True)
class Change:
    """A region (or part) whose disposition differs between two proposals."""

    region: str
    where: str
    before: str
    after: str


def changes(catalog: Catalog, a: str, b: str) -> list[Change]:
    """One line per changed region part, in region order: 'Donetsk, Russian-held part:
    Russian de facto → deferred'. Parts are matched by name; a part only one side names is
    compared with the other side's whole-region disposition."""
    out = []
    for row in query.compare(catalog, a, b):
        if not row.changed:
            continue
        before, after = _by_part(row.a), _by_part(row.b)
        parts = list(dict.fromkeys([*before, *after]))
        if len(parts) > 1 and "whole" in parts:  # one side splits the region: its parts say
            parts.remove("whole")                # it all, "whole" stands in for the other
        for part in parts:
            old = before.get(part, before.get("whole", vocab.NOT_ADDRESSED))
            new = after.get(part, after.get("whole", vocab.NOT_ADDRESSED))
            if old != new:
                where = row.name + (f", {SHORT_PARTS[part]}" if SHORT_PARTS.get(part) else "")
                out.append(Change(row.region, where, old, new))
    return out


def _by_part(shown) -> dict[str, str]:
    return {s.part: s.disposition for s in shown}


_CHANGES = ENV.from_string("""\
<ul class="change-lines" data-testid="change-lines">
{% for c in lines %}
<li data-region="{{ c.region }}"><b>{{ c.where }}</b>: {{ c.old }} → {{ c.new }}</li>
{% else %}<li>No region changes.</li>
{% endfor %}
</ul>""")


def change_lines_html(catalog: Catalog, a: str, b: str) -> str:
    lines = [dict(region=c.region, where=c.where, old=vocab.get(c.before).short,
                  new=vocab.get(c.after).short) for c in changes(catalog, a, b)]
    return _CHANGES.render(lines=lines)


_STANCES = ENV.from_string("""\
<dl class="stance-legend" data-testid="stance-legend">
{% for s, words in stances %}
<div><dt><span class="stance stance-{{ s }}">{{ s }}</span></dt><dd>{{ words }}</dd></div>
{% endfor %}
</dl>""")


def stance_legend_html() -> str:
    """What each stance tag on the timeline means (the bar's colour repeats the tag)."""
    return _STANCES.render(stances=[(s, STANCE_WORDS.get(s, s)) for s in STANCES])
