"""The catalog as JSON, CSV and GeoJSON: plain data, every row carrying its sources."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

from claims_atlas.core import geo, query, then_now, vocab
from claims_atlas.core.models import (
    STATUS_LABELS,
    Catalog,
    Evidence,
    Proposal,
    Provision,
    Statement,
)

CATALOG_CREDIT = "claims-atlas catalog: summaries in our own words; quotes from cited sources."


def evidence_dict(ev: Evidence) -> dict:
    out = {k: v for k, v in dataclasses.asdict(ev).items() if k != "loc" and v not in (None, "")}
    if ev.date:
        out["date"] = ev.date.isoformat()
    out["state_media"] = ev.state_media
    out["cited_at"] = str(ev.loc)
    return out


def evidence_line(ev: Evidence, titles: dict[str, str] | None = None) -> str:
    """One human line: 'Outlet (via AFP), 2025-11-21: URL', or a seeds document by its title
    ('“Title”' when `titles` maps its id, else 'document ID')."""
    if ev.document:
        title = (titles or {}).get(ev.document)
        return f"“{title}”" if title else f"document {ev.document}"
    via = f" via {ev.via}" if ev.via else ""
    state = " [state media]" if ev.state_media else ""
    date = f", {ev.date.isoformat()}" if ev.date else ""
    return f"{ev.outlet}{via}{state}{date}: {ev.url}"


def provision_dict(p: Provision) -> dict:
    return {"region": p.region, "part": p.part, "disposition": p.disposition,
            "disposition_label": vocab.get(p.disposition).label if p.disposition in vocab.BY_ID
            else p.disposition,
            "conditions": list(p.conditions), "summary": p.summary, "disputed": p.disputed,
            "readings": [{"summary": r.summary, "disposition": r.disposition,
                          "evidence": [evidence_dict(e) for e in r.evidence]}
                         for r in p.readings],
            "evidence": [evidence_dict(e) for e in p.evidence]}


def proposal_dict(p: Proposal) -> dict:
    return {"id": p.id, "title": p.title, "short_title": p.short_title, "date": p.date.isoformat(),
            "date_precision": p.date_precision, "sponsor": p.sponsor, "status": p.status,
            "status_label": STATUS_LABELS.get(p.status, p.status), "revises": p.revises,
            "counters": p.counters, "derived_from": p.derived_from, "summary": p.summary,
            "evidence": [evidence_dict(e) for e in p.evidence],
            "provisions": [provision_dict(v) for v in p.provisions],
            "place_provisions": [{"place": v.place, "summary": v.summary, "disputed": v.disputed,
                                  "evidence": [evidence_dict(e) for e in v.evidence]}
                                 for v in p.place_provisions]}


def statement_dict(s: Statement) -> dict:
    return {"id": s.id, "kind": s.kind, "date": s.date.isoformat(),
            "date_precision": s.date_precision, "date_note": s.date_note, "speaker": s.speaker,
            "speakers": list(s.speakers),
            "source": ({"outlet": s.source.outlet, "description": s.source.description}
                       if s.source else None),
            "role": s.role, "affiliation": s.affiliation, "venue": s.venue, "quote": s.quote,
            "paraphrase": s.paraphrase, "translation": s.translation,
            "concerns": {"proposals": list(s.proposals), "regions": list(s.regions)},
            "stance": s.stance, "evidence": [evidence_dict(e) for e in s.evidence]}


def to_json(catalog: Catalog, control_source: str | None = None) -> dict:
    """The whole catalog; with `control_source` (a cached control source) also "control":
    then_now.then_and_now for every proposal (what it would move at its date and now)."""
    doc = {
        "attribution": [geo.ATTRIBUTION, CATALOG_CREDIT],
        "vocabulary": [dataclasses.asdict(d) for d in vocab.DISPOSITIONS],
        "proposals": [proposal_dict(p) for p in query.proposals_by_date(catalog)],
        "statements": [statement_dict(s) for s in query.statements(
            catalog, query.StatementFilter(newest_first=False))],
        "regions": [dataclasses.asdict(r) for r in catalog.regions],
        "documents": [{"id": d.id, "title": d.title, "outlet": d.outlet, "via": d.via,
                       "url": d.url, "language": d.language,
                       "original_language": d.original_language,
                       "dateline": d.dateline.isoformat(), "state_media": d.state_media}
                      for d in catalog.documents],
    }
    if control_source is not None:
        plans = [then_now.then_and_now(catalog, p.id, control_source)
                 for p in query.proposals_by_date(catalog)]
        doc["control"] = {"source": control_source, "then_and_now": [d for d in plans if d],
                          "proposal_marks": then_now.proposal_marks(catalog)}
    return doc


CSV_COLUMNS = ("proposal", "proposal_title", "proposal_date", "status", "region", "region_name",
               "part", "disposition", "disposition_label", "summary", "disputed", "sources",
               "attribution", *then_now.FLAT_COLUMNS)


def csv_rows(catalog: Catalog, proposal_ids: list[str] | None = None,
             control_source: str | None = None) -> list[dict]:
    """One row per proposal x region (x part): regions without a provision say so. With
    `control_source`, the then-and-now columns (then_and_now: km² and share the proposal
    would move at its date and at the latest snapshot) on the regions it touches."""
    rows, titles = [], {d.id: d.title for d in catalog.documents}
    for p in query.proposals_by_date(catalog):
        if proposal_ids is not None and p.id not in proposal_ids:
            continue
        moved = then_now.flat(then_now.then_and_now(catalog, p.id, control_source)
                              if control_source else None)
        for region in catalog.regions:
            for s in query.shown_for(catalog, p.id, region.id):
                ev = s.provision.evidence if s.provision else ()
                rows.append({
                    "proposal": p.id, "proposal_title": p.title, "proposal_date": p.date,
                    "status": p.status, "region": region.id, "region_name": region.name_en,
                    "part": s.part, "disposition": s.disposition,
                    "disposition_label": vocab.get(s.disposition).label, "summary": s.summary,
                    "disputed": bool(s.provision and s.provision.disputed),
                    "sources": " | ".join(evidence_line(e, titles) for e in ev),
                    "attribution": f"{geo.ATTRIBUTION} {CATALOG_CREDIT}",
                    **{c: moved.get(region.id, {}).get(c, "") for c in then_now.FLAT_COLUMNS}})
    return rows


def to_csv(catalog: Catalog, proposal_ids: list[str] | None = None,
           control_source: str | None = None) -> str:
    """Plain CSV (RFC 4180), the header on line 1; provenance travels in the `sources` and
    `attribution` columns of every row (and `control_source`/`control_credit` for the
    then-and-now figures), so `pandas.read_csv` reads it as it is."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in csv_rows(catalog, proposal_ids, control_source):
        writer.writerow({k: _csv_safe(v) for k, v in row.items()})
    return buf.getvalue()


def _csv_safe(value):
    """Defuse spreadsheet formulas in catalog text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_geojson(catalog: Catalog, proposal_id: str) -> dict:
    """The regions with the proposal's dispositions as feature properties."""
    p = catalog.proposal(proposal_id)
    features = []
    for feature in geo.regions_geojson()["features"]:
        rid = feature["properties"]["id"]
        region = catalog.region(rid)
        shown = query.shown_for(catalog, proposal_id, rid)
        features.append({"type": "Feature", "geometry": feature["geometry"], "properties": {
            "id": rid, "name": region.name_en if region else rid,
            "name_uk": region.name_uk if region else "", "name_ru": region.name_ru if region
            else "", "proposal": proposal_id,
            "dispositions": [s.disposition for s in shown],
            "summary": query.one_line(catalog, proposal_id, rid),
            "provisions": [provision_dict(s.provision) for s in shown if s.provision]}})
    return {"type": "FeatureCollection",
            "properties": {"proposal": proposal_id, "title": p.title if p else proposal_id,
                           "status": p.status if p else None,
                           "attribution": [geo.ATTRIBUTION, CATALOG_CREDIT]},
            "features": features}


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
