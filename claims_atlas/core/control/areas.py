"""Area arithmetic per unit: occupied and Ukrainian-held km², cached per snapshot."""

from __future__ import annotations

import contextlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon

from claims_atlas.core.control import figures
from claims_atlas.core.control.common import (
    REGIONS_GEOJSON,
    ControlCacheError,
    RegionsError,
    SnapshotInfo,
    StatsReport,
    _sha256,
)
from claims_atlas.core.control.geometry import (
    GAP_BAND_M,
    METHOD,
    _coast_of,
    _split,
    area_km2,
    land_of,
    to_equal_area,
)
from claims_atlas.core.control.store import _load, _stamp
from claims_atlas.core.control.units import read_regions


def _frame_rows(regions_gdf) -> list[tuple[str, str, Any]]:
    gdf = regions_gdf
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs("EPSG:4326")
    ids = gdf["id"] if "id" in gdf.columns else gdf.index.to_series()
    names = gdf["name"] if "name" in gdf.columns else ids
    return [(str(i), str(n), g) for i, n, g in zip(ids, names, gdf.geometry, strict=True)]


def region_stats(snapshot_geom, regions_gdf) -> list[dict]:
    """Per unit: region, name, area_km2, russian_km2, russian_share, ukrainian_km2,
    slivers_km2 (unrounded floats), in the frame's order. See METHOD."""
    rows = _frame_rows(regions_gdf)
    land = land_of([g for _, _, g in rows])
    coast = _coast_of(land)
    # Intersecting with each unit clips the occupied area to land; clipping to the
    # (grid-snapped) union first would leave millimetre gaps along every unit's edge.
    # Everything is measured in EPSG:3035: the snapshot is projected once.
    occupied_m = MultiPolygon()
    if snapshot_geom is not None and not snapshot_geom.is_empty:
        occupied_m = to_equal_area(snapshot_geom)
        shapely.prepare(occupied_m)  # a cache inside the geometry; no visible change
    out = []
    for rid, name, geom in rows:
        s = _split(geom, None, coast, occupied_m=occupied_m)
        out.append({"region": rid, "name": name, "area_km2": s.area_km2,
                    "russian_km2": s.russian_km2,
                    "russian_share": s.russian_km2 / s.area_km2 if s.area_km2 else 0.0,
                    "ukrainian_km2": s.area_km2 - s.russian_km2,
                    "slivers_km2": s.slivers_km2, "specks_km2": s.specks_km2})
    return out


def interior_check(snapshot_geom, regions_gdf, band_m: float = GAP_BAND_M) -> list[dict]:
    """An independent check of region_stats away from the coast and national border.

    Per unit: ``region``, ``interior_km2`` (the unit's land farther than ``band_m`` metres
    from the coast and national border), ``plain_share`` (the share of that interior the
    occupied polygons cover: a plain intersection, no gap or speck rule) and ``method_share``
    (the share of it inside the Russian-held part that region_stats/split_region count).
    ``plain_share``/``method_share`` are None for a unit with no interior.
    """
    rows = _frame_rows(regions_gdf)
    land = land_of([g for _, _, g in rows])
    coast = _coast_of(land)
    band = coast.band if band_m == GAP_BAND_M else shapely.buffer(coast.line, band_m)
    occupied_m = to_equal_area(snapshot_geom)
    out = []
    for rid, _name, geom in rows:
        interior = shapely.difference(to_equal_area(geom), band)
        ia = interior.area
        if ia <= 0:
            out.append({"region": rid, "interior_km2": 0.0, "plain_share": None,
                        "method_share": None})
            continue
        russian = to_equal_area(_split(geom, snapshot_geom, coast).russian)
        out.append({"region": rid, "interior_km2": ia / 1e6,
                    "plain_share": shapely.intersection(interior, occupied_m).area / ia,
                    "method_share": shapely.intersection(interior, russian).area / ia})
    return out


def totals_of(rows: list[dict], snapshot_geom=None, snapshot_km2: float | None = None) -> dict:
    """Sums of region_stats rows; with the snapshot (or its area) also snapshot_km2 and
    outside_units_km2 (what lies outside the units: sea, Russia, far away; never counted)."""
    area = sum(r["area_km2"] for r in rows)
    russian = sum(r["russian_km2"] for r in rows)
    out = {"area_km2": area, "russian_km2": russian,
           "russian_share": russian / area if area else 0.0,
           "ukrainian_km2": area - russian,
           "slivers_km2": sum(r.get("slivers_km2", 0.0) for r in rows),
           "specks_km2": sum(r.get("specks_km2", 0.0) for r in rows)}
    if snapshot_geom is not None or snapshot_km2 is not None:
        snap = area_km2(snapshot_geom) if snapshot_geom is not None else snapshot_km2
        out["snapshot_km2"] = snap
        out["outside_units_km2"] = max(0.0, snap - (russian - out["slivers_km2"]
                                                     + out["specks_km2"]))
    return out


# --- regions file, cached stats ------------------------------------------------------------


@lru_cache(maxsize=64)
def _stats_cached(snapshot_path: str, snapshot_sha: str, regions_path: str,
                  regions_sha: str) -> tuple[tuple[dict, ...], dict, bool]:
    """Figures of one snapshot file: in-process, else from the figures table, else computed
    and stored there. The file lives at <control>/<source slug>/<date>.geojson."""
    path = Path(snapshot_path)
    slug, day, folder = path.parent.name, path.stem, path.parent.parent
    key = figures.stats_key(snapshot_sha, regions_sha)
    found = None
    with contextlib.suppress(ControlCacheError), figures.connect(folder) as con:
        found = figures.get(con, slug, day, key)  # an unreadable table is only slower
    if found is not None:
        rows, snapshot_km2 = found
        return tuple(rows), totals_of(rows, snapshot_km2=snapshot_km2), True
    geom = _load(snapshot_path, *_stamp(path))
    rows = region_stats(geom, read_regions(regions_path))
    totals = totals_of(rows, geom)
    with contextlib.suppress(ControlCacheError), figures.connect(folder) as con:
        figures.put(con, slug, day, rows, key, totals["snapshot_km2"])
    return tuple(rows), totals, False


def snapshot_stats(info: SnapshotInfo,
                   regions_path: str | os.PathLike | None = None) -> StatsReport:
    """region_stats for a cached snapshot against the boundary file, cached (see module doc)."""
    rpath = Path(regions_path) if regions_path else REGIONS_GEOJSON
    try:
        regions_sha = _sha256(rpath.read_bytes())
    except OSError:
        raise RegionsError(f"{rpath}: missing (the 27 units; rebuild geodata or pass "
                           "--regions)") from None
    try:
        snap_sha = _sha256(info.path.read_bytes())
        rows, totals, cached = _stats_cached(str(info.path), snap_sha, str(rpath), regions_sha)
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError,
            shapely.errors.GEOSException) as exc:
        raise ControlCacheError(f"{info.path}: not a readable snapshot ({exc}); "
                                "import it again") from None
    return StatsReport(source=info.source, date=info.date, attribution=info.attribution,
                       method=METHOD, regions=[dict(r) for r in rows], totals=dict(totals),
                       cached=cached)


