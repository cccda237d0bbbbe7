"""Catalog answers -> static map scenes (PNG/PDF), for downloads and briefing handouts."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlparse

from claims_atlas.core import geo, query
from claims_atlas.core.export import CATALOG_CREDIT
from claims_atlas.core.models import STATUS_LABELS, Briefing, Catalog, Scene
from claims_atlas.render.html import fmt_date
from claims_atlas.render.static_map import MapScene, render_pdf, render_png, render_pngs

MAX_SOURCES = 4


def _short(ev, titles: dict[str, str]) -> str:
    if ev.document:  # by its title: the catalog id is for maintainers
        return f"“{titles.get(ev.document, 'a source document')}”"
    host = (urlparse(ev.url or "").hostname or "").removeprefix("www.")
    state = " [state media]" if ev.state_media else ""
    date = f", {fmt_date(ev.date)}" if ev.date else ""
    return f"{ev.outlet} ({host}){state}{date}"


def _sources(catalog: Catalog, proposal_id: str) -> list[str]:
    titles = {d.id: d.title for d in catalog.documents}
    seen = list(dict.fromkeys(_short(ev, titles)
                              for ev in query.proposal_evidence(catalog, proposal_id)))
    more = len(seen) - MAX_SOURCES
    out = seen[:MAX_SOURCES] + ([f"… and {more} more sources in the catalog"] if more > 0 else [])
    return ["Sources: " + "; ".join(out)]


def control_parts(catalog: Catalog, proposal_id: str, control_key: tuple[str, str] | None):
    """(occupied geometry, split geometries, credit, dispositions) for a scene naming a
    control date and source: the nearest snapshot on or before that date, each unit with two
    provisions split along that day's line, and a provision on a part the snapshot does not
    have (Russia withdrawing where it holds nothing) left out of the unit's dispositions.
    (None, {}, None, None) without a control key; SnapshotNotFound (ControlError) when the
    source has no snapshot on or before the date."""
    if control_key is None:
        return None, {}, None, None
    import shapely

    from claims_atlas.core import control, control_view
    from claims_atlas.core.control import timeline

    date, source = control_key
    info = timeline.nearest_snapshot(source, date)
    if info is None:
        raise control.SnapshotNotFound(f"no {source} snapshot on or before {date}")
    occupied = control.load_snapshot(info)
    regions = geo.regions_frame()
    land = control.land_of(list(regions.geometry))
    splits, disps, held = {}, {}, []
    for region in catalog.regions:
        shown = query.shown_for(catalog, proposal_id, region.id)
        geom = regions.loc[region.id].geometry if region.id in regions.index else None
        if geom is not None and geom.intersects(occupied):
            russian, ukrainian = control.split_region(geom, occupied, land)
            held.append(russian)
        if len(shown) == 2 and geom is not None:
            if not geom.intersects(occupied):
                russian, ukrainian = shapely.Polygon(), geom
            present = tuple(part for part, piece in (("russian_held", russian),
                                                     ("ukrainian_held", ukrainian))
                            if not piece.is_empty)
            shown = control_view.on_existing_parts(shown, present)
            if len(shown) == 2:
                splits[region.id] = [(shown[0].disposition, russian),
                                     (shown[1].disposition, ukrainian)]
        disps[region.id] = [s.disposition for s in shown]
    credit = info.credit
    if info.date.isoformat() != str(date):
        credit += f" (the nearest before {date})"
    # The line is drawn along the Russian-held parts as counted (coast and border gaps
    # included), so it never runs along a mismatch of coastlines or borders.
    return shapely.union_all(held) if held else occupied, splits, credit, disps


def scene_for(catalog: Catalog, proposal_id: str, highlight: Sequence[str] = (),
              caption: str = "", compare: str | None = None,
              control: tuple[str, str] | None = None, number: str = "") -> MapScene:
    p = catalog.proposal(proposal_id)
    occupied, splits, credit, on_date = control_parts(catalog, proposal_id, control)
    disps = on_date or query.dispositions(catalog, proposal_id)
    subtitle = number
    if compare:
        changed = [r.name for r in query.compare(catalog, compare, proposal_id) if r.changed]
        subtitle = (f"{number} · " if number else "") + (
            f"compared with {catalog.proposal(compare).title}: "
            f"{len(changed)} region(s) changed" + (f" ({', '.join(changed)})" if changed else ""))
    sources = _sources(catalog, proposal_id) + [geo.ATTRIBUTION + " " + CATALOG_CREDIT]
    if credit:
        sources.insert(0, credit)
    return MapScene(
        title=p.title, dispositions=disps, caption=caption or p.summary,
        highlight=tuple(highlight), subtitle=subtitle,
        date_line=f"{fmt_date(p.date, p.date_precision)} · status: "
                  f"{STATUS_LABELS.get(p.status, p.status)} · {p.sponsor}",
        source_lines=tuple(sources), control=occupied, split_geoms=splits,
        labels={rid: catalog.region(rid).name_en for rid, ds in disps.items()
                if ds != ["not_addressed"]})


def deck_scenes(catalog: Catalog, deck: Briefing) -> list[MapScene]:
    total = len(deck.scenes)
    return [scene_for(catalog, s.proposal, s.regions, s.caption, s.compare, s.control,
                      number=f"{deck.title} · scene {i} of {total}")
            for i, s in enumerate(deck.scenes, 1)]


def proposal_png(catalog: Catalog, proposal_id: str, highlight: Sequence[str] = (),
                 control: tuple[str, str] | None = None) -> bytes:
    """The map of one proposal as a PNG; `control` (date ISO, source): with that day's line
    of contact and split (the nearest snapshot on or before the date), credited."""
    return render_png(scene_for(catalog, proposal_id, highlight, control=control),
                      geo.regions_frame(), geo.neighbours_frame())


def scene_png(catalog: Catalog, scene: Scene, label: str = "") -> bytes:
    return render_png(scene_for(catalog, scene.proposal, scene.regions, scene.caption,
                                scene.compare, scene.control, label),
                      geo.regions_frame(), geo.neighbours_frame())


# Landscape paper at 100 px per inch: A4 (297 × 210 mm) and US Letter (11 × 8.5 in).
PAPER = {"a4": (1169, 827), "letter": (1100, 850)}


def deck_pdf(catalog: Catalog, deck: Briefing, paper: str | None = None) -> bytes:
    """One PDF page per scene: 16:9 slides, or `paper` ("a4", "letter") landscape pages.
    Raises KeyError for another paper name."""
    size = PAPER[paper] if paper else (1920, 1080)
    return render_pdf(deck_scenes(catalog, deck), geo.regions_frame(), geo.neighbours_frame(),
                      size=size)


def deck_pngs(catalog: Catalog, deck: Briefing) -> list[bytes]:
    return render_pngs(deck_scenes(catalog, deck), geo.regions_frame(), geo.neighbours_frame())
