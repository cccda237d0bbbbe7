"""What the map and the tables show of a control snapshot: plain data, no UI.

The browser gets simplified shapes (the split parts of each unit and the line of contact);
the arithmetic uses the full-resolution snapshot through `control.snapshot_stats`.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from shapely.geometry import mapping

from claims_atlas.core import control, geo, query
from claims_atlas.core.control.timeline import snapshot_key
from claims_atlas.core.models import Catalog

DISPLAY_TOLERANCE = 0.004  # degrees, ~300-400 m: finer than the boundary file's own


@dataclass(frozen=True)
class Overlay:
    credit: str
    key: str  # "<source slug>/<date>": the URL value naming the snapshot
    parts: dict  # FeatureCollection: one feature per (region, part), props {id, part}
    line: dict  # FeatureCollection: the line of contact inside Ukraine


HELD_PARTS = ("russian_held", "ukrainian_held")


def parts_present(parts_fc: dict) -> dict[str, tuple[str, ...]]:
    """Region id -> the parts ("russian_held", "ukrainian_held") a snapshot's overlay has
    there (``Overlay.parts`` or ``timeline.overlay_for(...)["parts"]``). A region the
    snapshot does not touch is absent: it is wholly Ukrainian-held (see on_existing_parts)."""
    out: dict[str, set[str]] = {}
    for f in parts_fc.get("features", []):
        props = f.get("properties") or {}
        if props.get("part") in HELD_PARTS and props.get("id"):
            out.setdefault(props["id"], set()).add(props["part"])
    return {rid: tuple(p for p in HELD_PARTS if p in parts) for rid, parts in out.items()}


def on_existing_parts(shown: list[query.Shown], present: tuple[str, ...] | None
                      ) -> list[query.Shown]:
    """The provisions of `shown` that apply to ground the snapshot has: one on the
    Russian-held part of a unit with no Russian-held ground (Chernihiv, 0 km² held) or on the
    Ukrainian-held part of a wholly held unit is left out. ``present``: the region's entry of
    parts_present, ``("ukrainian_held",)`` for a region it lacks; None keeps everything (no
    snapshot). Whole-unit provisions always stay; never returns an empty list."""
    if present is None:
        return shown
    kept = [s for s in shown if s.part not in HELD_PARTS or s.part in present]
    return kept or shown[:1]


def find(key: str) -> control.SnapshotInfo | None:
    """The cached snapshot named by a URL value, or None."""
    return next((i for i in control.list_snapshots() if snapshot_key(i) == key), None)


def _feature(geom, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def _display_parts(russian, ukrainian) -> tuple:
    """(Russian-held, Ukrainian-held) simplified for display as one coverage: only their
    shared front edge is simplified, alike in both; the unit's own border stays as it is.
    The browser cuts the Ukrainian-held part as the unit less the Russian-held rings
    (render.map.overlay_payload), so a Russian-held part simplified on its own left slivers
    of the wrong side up to ~400 m wide along coasts and borders. A unit held by one side
    only is simplified as before (it is not cut)."""
    if russian.is_empty or ukrainian.is_empty:
        return tuple(shapely.simplify(p, DISPLAY_TOLERANCE, preserve_topology=True)
                     for p in (russian, ukrainian))
    small = shapely.coverage_simplify([russian, ukrainian], DISPLAY_TOLERANCE,
                                      simplify_boundary=False)
    return small[0], small[1]


def overlay(info: control.SnapshotInfo) -> Overlay:
    """Split parts of every unit the snapshot touches, and the line between the sides."""
    occupied = control.load_snapshot(info)
    regions = geo.regions_frame()
    land = control.land_of(list(regions.geometry))
    parts, russian_parts = [], []
    for rid, geom in zip(regions.index, regions.geometry, strict=True):
        if not geom.intersects(occupied):
            continue
        russian, ukrainian = control.split_region(geom, occupied, land)
        russian_parts.append(russian)
        for part, small in zip(HELD_PARTS, _display_parts(russian, ukrainian), strict=True):
            if not small.is_empty:
                parts.append(_feature(small, id=rid, part=part))
    held = shapely.union_all(russian_parts) if russian_parts else shapely.Polygon()
    line = shapely.intersection(held.boundary, shapely.buffer(land, -0.01))
    line = shapely.simplify(line, DISPLAY_TOLERANCE)
    return Overlay(info.credit, snapshot_key(info),
                   {"type": "FeatureCollection", "features": parts},
                   {"type": "FeatureCollection",
                    "features": [] if line.is_empty else [_feature(line, kind="contact")]})


def moved_rows(catalog: Catalog, proposal_id: str, info: control.SnapshotInfo) -> list[dict]:
    """Per region touched by the proposal: km² and share moving each way, with totals,
    beside the published estimate the catalog carries for the region (if any)."""
    report = control.snapshot_stats(info)
    touched = {}
    estimates = {}
    for region in catalog.regions:
        shown = query.shown_for(catalog, proposal_id, region.id)
        if all(s.provision is None for s in shown):
            continue
        touched[region.id] = [(s.part, s.disposition) for s in shown]
        notes = [f"{s.provision.estimate_km2:,.0f} km² ({s.provision.estimate_note})"
                 for s in shown if s.provision and s.provision.estimate_km2 is not None]
        estimates[region.id] = "; ".join(notes)
    rows = control.moved_by(touched, report.regions)
    for row in rows:
        row["published_estimate"] = estimates.get(row["region"], "")
        region = catalog.region(row["region"])
        row["name"] = region.name_en if region else "Total"
    return rows
