"""The static atlas: the app's map, picker, region detail, timeline and Compare as files.

`build(catalog, out)` writes a folder any static web host or CDN can serve with no Python
at view time:

    index.html            the atlas (map, picker, detail, timeline; Compare as a view)
    compare/index.html    the same page, opening on Compare (the app's /compare URL)
    embed.html            the map and the picker alone, for an <iframe> in an article
    assets/atlas.js       the map core the app runs in its map frame (render/js/atlas.js)
    assets/site.js        the page around it (render/js/site.js)
    assets/site.css       the map's CSS (render.map.css) and the page's
    assets/leaflet/       the Leaflet copy the app serves (app/static/leaflet)
    data/atlas.json       every string and state the pages show (site_data)
    data/geo.json         the boundaries the map draws
    data/control/<source>/<date>.json   with `control=SOURCE`: one cached control snapshot
                          per month (the month's last, and the latest): its overlay and the
                          map states fitted to it, for the date slider (control_history)

The data comes from the builders the app uses: render.map.map_state, vocab_payload and
place_payload for the map, core.query (shown_for, lineage, versions_chain, statements'
order) for the rest. The pages hold no catalog text: they load it as JSON, and site.js puts
every string into the DOM with textContent (links: http(s) URLs only, set as attributes).
Same URL parameters as the app: `proposal`, `region`, `compare` (and `/compare`), and
`control=<source>/<date>` when the site carries control snapshots. Snapshots are never
included unless asked for: publishing them is publishing the source's data (its credit is
shown with it).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from claims_atlas import PACKAGE_DIR
from claims_atlas.core import control_view, geo, query, vocab
from claims_atlas.core.control import timeline
from claims_atlas.core.export import CATALOG_CREDIT
from claims_atlas.core.models import PART_LABELS, STATUS_LABELS, Catalog, Evidence
from claims_atlas.render import html as h
from claims_atlas.render import js
from claims_atlas.render import map as rmap

LEAFLET_DIR = PACKAGE_DIR / "app" / "static" / "leaflet"
JS_DIR = PACKAGE_DIR / "render" / "js"
PAGES = ("index.html", "embed.html")


class SiteError(Exception):
    """The output folder cannot be written (exists as a file, or holds other things)."""


def evidence(ev: Evidence) -> dict:
    """{quote, document?, url? (http(s) only), outlet?, via?, date?, state_media, note?}."""
    out = {"quote": ev.quote, "state_media": ev.state_media}
    if ev.document:
        out["document"] = ev.document
    url = h.safe_url(ev.url)
    if url:
        out["url"] = url
    for key in ("outlet", "via", "note"):
        if getattr(ev, key):
            out[key] = getattr(ev, key)
    if ev.date:
        out["date"] = h.fmt_date(ev.date)
    return out


def shown(s: query.Shown) -> dict:
    """One region (or part) under one proposal: what the detail and Compare show."""
    out = {"part": s.part, "d": s.disposition, "summary": s.summary,
           "touched": s.provision is not None}
    p = s.provision
    if p is not None:
        out["evidence"] = [evidence(e) for e in p.evidence]
        if p.conditions:
            out["conditions"] = list(p.conditions)
        if p.disputed:
            out["readings"] = [{"summary": r.summary, "evidence": [evidence(e) for e in r.evidence],
                                "short": vocab.get(r.disposition).short
                                if r.disposition in vocab.BY_ID else None}
                               for r in p.readings]
    return out


def map_config(catalog: Catalog) -> dict:
    """What claimsAtlas.init takes (render/js/atlas.js), as the app's base map holds it."""
    return {"vocab": rmap.vocab_payload(), "parts": PART_LABELS, "bounds": rmap.BOUNDS,
            "regions": {r.id: {"name": r.name_en} for r in catalog.regions},
            "places": rmap.place_payload(catalog),
            "states": {p.id: rmap.map_state(catalog, p.id) for p in catalog.proposals},
            "centre": list(rmap.CENTRE),
            "styles": {"region": rmap._region_style({"properties": {"id": ""}}),
                       "neighbour": rmap._neighbour_style({})}}


def site_data(catalog: Catalog) -> dict:
    """Everything the pages show, as plain JSON data (strings are text, never markup)."""
    ordered = query.proposals_by_date(catalog)
    return {
        "map": map_config(catalog),
        "default": query.default_proposal_id(catalog),
        "attribution": geo.ATTRIBUTION, "credit": CATALOG_CREDIT,
        "dispositions": {d.id: {"label": d.label, "short": d.short, "definition": d.definition,
                                "colour": d.colour} for d in vocab.DISPOSITIONS},
        "proposals": [{
            "id": p.id, "title": p.title, "label": p.label, "sponsor": p.sponsor,
            "status": STATUS_LABELS.get(p.status, p.status),
            "date": h.fmt_date(p.date, p.date_precision), "summary": p.summary,
            "lineage": [[rel.replace("_", " "), other]
                        for rel, other in query.lineage(catalog, p.id)
                        if catalog.proposal(other)],
            "versions": list(query.versions_chain(catalog, p.id)),
            "legend": [d.id for d in query.legend(catalog, [p.id])],
            "evidence": [evidence(e) for e in p.evidence],
        } for p in ordered],
        "regions": [{"id": r.id, "en": r.name_en, "uk": r.name_uk, "ru": r.name_ru}
                    for r in catalog.regions],
        "shown": {p.id: {r.id: [shown(s) for s in query.shown_for(catalog, p.id, r.id)]
                         for r in catalog.regions} for p in ordered},
        # Names to find regions by, folded as query.fold folds them: regions (id, names,
        # aliases), then groups (their members); site.js matches as query.find_regions.
        "names": [[sorted({query.fold(n) for n in (r.id, *r.names)}), [r.id]]
                  for r in catalog.regions]
        + [[sorted({query.fold(n) for n in (g.id, *g.names)}), list(g.members)]
           for g in catalog.groups],
        "speakers": query.speakers(catalog),
        # Catalog order; site.js sorts as query.statements does: (date, id), newest first.
        "statements": [{
            "id": s.id, "iso": s.date.isoformat(), "when": h.fmt_date(s.date, s.date_precision),
            "note": s.date_note or None, "speaker": s.speaker, "role": s.role,
            "names": list(s.speaker_names),
            "affiliation": s.affiliation or None, "venue": s.venue or None, "stance": s.stance,
            "quote": s.quote, "paraphrase": s.paraphrase,
            "proposals": list(s.proposals), "regions": list(s.regions),
            "concerns": [catalog.proposal(p).label for p in s.proposals if catalog.proposal(p)]
            + [catalog.region(r).name_en for r in s.regions if catalog.region(r)],
            "evidence": [evidence(e) for e in s.evidence],
        } for s in catalog.statements],
    }


def control_steps(source: str) -> list:
    """The cached snapshots of `source` the slider steps through: the last of each month and
    the latest, ascending (SnapshotInfo). SiteError when none is cached."""
    dates = timeline.snapshot_dates(source)
    if not dates:
        raise SiteError(f"no cached control snapshot of {source!r} "
                        f"(import or fetch one with `claims-atlas control`)")
    last_of_month = {(d.year, d.month): d for d in dates}
    picked = sorted(set(last_of_month.values()) | {dates[-1]})
    return [timeline.nearest_snapshot(source, d) for d in picked]


def control_history(catalog: Catalog, source: str) -> list[dict]:
    """One entry per slider step: {"key", "date", "credit", "overlay" (render.map
    .overlay_payload), "states": {proposal id: render.map.map_state fitted to the snapshot's
    parts}}."""
    out = []
    for info in control_steps(source):
        ov = control_view.overlay(info)
        parts = control_view.parts_present(ov.parts)
        out.append({"key": ov.key, "date": info.date.isoformat(), "credit": ov.credit,
                    "overlay": rmap.overlay_payload(ov),
                    "states": {p.id: rmap.map_state(catalog, p.id, parts=parts)
                               for p in catalog.proposals}})
    return out


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _pages() -> dict[str, str]:
    env = Environment(loader=PackageLoader("claims_atlas.render", "templates/site"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    out = {name: env.get_template(name).render(base="") for name in PAGES}
    out["compare/index.html"] = env.get_template("index.html").render(base="../")
    return out


def css() -> str:
    """The map's CSS as the app has it, then the page's."""
    page = (JS_DIR.parent / "templates" / "site" / "site.css").read_text(encoding="utf-8")
    return rmap.css().removeprefix("<style>").removesuffix("</style>") + "\n" + page


def build(catalog: Catalog, out: Path, control: str | None = None) -> list[Path]:
    """Write the static atlas into `out` (created; files this function writes are
    replaced, nothing else is touched); with `control` (a source name), its cached
    snapshots for the date slider (control_history). Returns the files written. SiteError if
    `out` is a file or `control` has no cached snapshot."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out}: exists and is not a folder")
    files: dict[str, str | bytes] = dict(_pages())
    files["assets/site.css"] = css()
    for name in ("atlas.js", "site.js"):  # the very files the app runs (render/js)
        files[f"assets/{name}"] = js.source(name)
    data = site_data(catalog)
    if control:
        steps = []
        for step in control_history(catalog, control):
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*/\d{4}-\d{2}-\d{2}", step["key"]):
                raise SiteError(f"unexpected snapshot key {step['key']!r}")
            rel = f"data/control/{step['key']}.json"
            files[rel] = _json({"overlay": step["overlay"], "states": step["states"]})
            steps.append({"key": step["key"], "date": step["date"], "credit": step["credit"],
                          "file": rel})
        data["control"] = {"steps": steps}
    files["data/atlas.json"] = _json(data)
    files["data/geo.json"] = _json({"regions": geo.regions_geojson(),
                                    "neighbours": geo.neighbours_geojson()})
    written = []
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    leaflet = out / "assets" / "leaflet"
    shutil.copytree(LEAFLET_DIR, leaflet, dirs_exist_ok=True)
    written += sorted(p for p in leaflet.rglob("*") if p.is_file())
    return written
