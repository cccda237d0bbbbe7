"""The control data in time: which snapshot stands for a date, and what it shows then.

Pure plain data for the map's date slider, the then-and-now tables and the charts. A date
is answered by the **nearest snapshot on or before it** (never a later one: a figure "as
of" a date must not use what was not yet known); every answer names the snapshot's own
date and its source.

API (``from claims_atlas.core.control import timeline``)
--------------------------------------------------------
``snapshot_dates(source, cache_dir=None) -> list[datetime.date]``
    The dates of the cached snapshots of ``source`` (name or slug, any case), ascending;
    ``[]`` when there are none.
``nearest_snapshot(source, date, cache_dir=None) -> SnapshotInfo | None``
    The snapshot of ``source`` dated ``date`` or the latest one before it; ``None`` when
    every snapshot is later than ``date`` (or there is none). ``date`` is a ``datetime.date``
    or ``"YYYY-MM-DD"`` (ValueError otherwise).
``latest_snapshot(source, cache_dir=None) -> SnapshotInfo | None``
    The newest snapshot of ``source``.
``figures_for(source, date, cache_dir=None) -> dict | None``
    Per-region figures of the nearest snapshot, without geometry (cheap: read from the
    stored figures)::

        {"requested": "2025-11-25", "date": "2025-11-20", "source": "DeepStateMap",
         "credit": "Control: DeepStateMap (deepstatemap.live), snapshot of 2025-11-20",
         "key": "deepstatemap/2025-11-20", "method": "...",
         "regions": [{"region": "UA-14", "name": "Donetsk", "area_km2": 26594.1,
                      "russian_km2": 20228.3, "russian_share": 0.7606,
                      "ukrainian_km2": 6365.8, "slivers_km2": 7.8}, ...],   # 27 units
         "totals": {"area_km2": ..., "russian_km2": ..., ...}}

    km² are floats (EPSG:3035, see ``METHOD``); shares are 0-1. ``None`` as for
    ``nearest_snapshot``.
``overlay_for(source, date, cache_dir=None) -> dict | None``
    ``figures_for`` plus the map overlay of that snapshot (simplified for display, EPSG:4326
    GeoJSON, ~100-150 KB for a real DeepStateMap day)::

        {..., "parts": FeatureCollection,  # one Feature per (unit, part) the line cuts,
                                           # properties {"id": "UA-14", "part":
                                           # "russian_held" | "ukrainian_held"}
              "line": FeatureCollection}   # the line of contact inside Ukraine,
                                           # properties {"kind": "contact"}

    Cached in-process per snapshot file (a second call for a date that maps to the same
    snapshot costs a dictionary look-up) and kept in the ``overlays`` table next to the
    figures (a later process reads it back: 66-88 ms for a real day, with its figures and
    the nearest-snapshot look-up, instead of 0.3-1.3 s to draw it; measured under load).
``warm_overlays(source, cache_dir=None, progress=None) -> int``
    Draw and keep every snapshot's overlay ahead of a slider (``control import --overlays``).
``series(source, regions=None, start=None, end=None, cache_dir=None) -> list[dict]``
    Occupied km² per region per snapshot date, for a chart: rows
    ``{"date": "YYYY-MM-DD", "region": "UA-14", "name": "Donetsk", "russian_km2": float,
    "russian_share": float, "area_km2": float}`` sorted by date then region; ``regions``
    limits the units (ids), ``start``/``end`` the dates (inclusive).

Errors: ``ControlCacheError`` / ``RegionsError`` (from ``control``) when a cached file or
the boundary file cannot be read; ValueError for a malformed date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from functools import lru_cache

from claims_atlas.core.control import figures
from claims_atlas.core.control.areas import snapshot_stats
from claims_atlas.core.control.common import (
    REGIONS_GEOJSON,
    ControlCacheError,
    RegionsError,
    SnapshotInfo,
    _sha256,
    parse_date,
    slugify,
)
from claims_atlas.core.control.store import _stamp, list_snapshots

CacheDir = str | os.PathLike | None


def _of_source(source: str, cache_dir: CacheDir) -> list[SnapshotInfo]:
    slug = slugify(source)
    return [i for i in list_snapshots(cache_dir) if i.slug == slug]


def snapshot_dates(source: str, cache_dir: CacheDir = None) -> list[dt.date]:
    """Dates of the cached snapshots of `source`, ascending."""
    return [i.date for i in _of_source(source, cache_dir)]


def nearest_snapshot(source: str, date: str | dt.date,
                     cache_dir: CacheDir = None) -> SnapshotInfo | None:
    """The snapshot of `source` on `date` or the latest before it; None when none is."""
    day = parse_date(date)
    earlier = [i for i in _of_source(source, cache_dir) if i.date <= day]
    return earlier[-1] if earlier else None


def latest_snapshot(source: str, cache_dir: CacheDir = None) -> SnapshotInfo | None:
    """The newest cached snapshot of `source`, or None."""
    infos = _of_source(source, cache_dir)
    return infos[-1] if infos else None


def key_from_link(value: str) -> str:
    """A link's ``control=`` value as a :func:`snapshot_key`: the source may be spelt as
    imported ('DeepStateMap/2025-11-20' -> 'deepstatemap/2025-11-20'). A value that names
    no YYYY-MM-DD date after a '/' comes back unchanged (the page then says it is unknown)."""
    source, sep, day = value.strip().rpartition("/")
    try:
        return f"{slugify(source)}/{parse_date(day).isoformat()}" if sep and source else value
    except ValueError:
        return value


def snapshot_key(info: SnapshotInfo) -> str:
    """'<source slug>/<YYYY-MM-DD>': the URL value (``control=``) naming a snapshot."""
    return f"{info.slug}/{info.date.isoformat()}"


def _figures(info: SnapshotInfo, requested: dt.date) -> dict:
    report = snapshot_stats(info)
    return {"requested": requested.isoformat(), "date": info.date.isoformat(),
            "source": info.source, "credit": info.credit, "key": snapshot_key(info),
            "method": report.method, "regions": report.regions, "totals": report.totals}


def figures_for(source: str, date: str | dt.date, cache_dir: CacheDir = None) -> dict | None:
    """Per-region figures of the nearest snapshot on or before `date` (see module doc)."""
    info = nearest_snapshot(source, date, cache_dir)
    return None if info is None else _figures(info, parse_date(date))


DISPLAY_VERSION = 1  # bump when control_view.overlay draws differently


@lru_cache(maxsize=64)
def _overlay_cached(path: str, size: int, mtime_ns: int, info: SnapshotInfo) -> tuple[dict,
                                                                                     dict]:
    """The overlay of one snapshot file: in-process, else kept in the overlays table, else
    drawn (control_view.overlay) and kept there."""
    from claims_atlas.core import control_view  # control_view imports this package

    folder, day = info.path.parent.parent, info.date.isoformat()
    key = None
    with contextlib.suppress(OSError, ControlCacheError):
        key = figures.stats_key(_sha256(info.path.read_bytes()),
                                _sha256(REGIONS_GEOJSON.read_bytes()))
        with figures.connect(folder) as con:
            kept = figures.get_overlay(con, info.slug, day, key, DISPLAY_VERSION)
        if kept is not None:
            return kept["parts"], kept["line"]
    o = control_view.overlay(info)
    if key is not None:
        with contextlib.suppress(ControlCacheError), figures.connect(folder) as con:
            figures.put_overlay(con, info.slug, day, key, DISPLAY_VERSION,
                                {"parts": o.parts, "line": o.line})
    return o.parts, o.line


def warm_overlays(source: str, cache_dir: CacheDir = None,
                  progress=None) -> int:
    """Draw and keep the overlay of every snapshot of `source` that has none kept yet (for
    a date slider); returns the number of snapshots. `progress(n)` as in
    history.import_series."""
    infos = _of_source(source, cache_dir)
    for info in infos:
        _overlay_cached(str(info.path), *_stamp(info.path), info)
        if progress is not None:
            progress(1)
    return len(infos)


def overlay_for(source: str, date: str | dt.date, cache_dir: CacheDir = None) -> dict | None:
    """figures_for plus the map overlay (split parts and the line) of that snapshot."""
    info = nearest_snapshot(source, date, cache_dir)
    if info is None:
        return None
    parts, line = _overlay_cached(str(info.path), *_stamp(info.path), info)
    return {**_figures(info, parse_date(date)), "parts": parts, "line": line}


def series(source: str, regions: list[str] | tuple[str, ...] | None = None,
           start: str | dt.date | None = None, end: str | dt.date | None = None,
           cache_dir: CacheDir = None) -> list[dict]:
    """Occupied km² per region per snapshot date (see module doc), read from the figures
    table in one query; a date without stored figures is measured (and stored) first."""
    lo = parse_date(start) if start is not None else dt.date.min
    hi = parse_date(end) if end is not None else dt.date.max
    infos = [i for i in _of_source(source, cache_dir) if lo <= i.date <= hi]
    if not infos:
        return []
    wanted = set(regions) if regions is not None else None
    try:
        regions_sha = _sha256(REGIONS_GEOJSON.read_bytes())
    except OSError:
        raise RegionsError(f"{REGIONS_GEOJSON}: missing (the 27 units)") from None
    folder = infos[0].path.parent.parent
    rows = _stored_series(folder, infos[0].slug, regions_sha, infos, regions)
    have = {r["date"] for r in rows}
    for info in infos:
        if info.date.isoformat() in have:
            continue
        rows.extend({"date": info.date.isoformat(), "region": r["region"], "name": r["name"],
                     "russian_km2": r["russian_km2"], "russian_share": r["russian_share"],
                     "area_km2": r["area_km2"]}
                    for r in snapshot_stats(info).regions
                    if wanted is None or r["region"] in wanted)
    return sorted(rows, key=lambda r: (r["date"], r["region"]))


def _stored_series(folder, slug: str, regions_sha: str, infos: list[SnapshotInfo],
                   regions) -> list[dict]:
    dates = {i.date.isoformat() for i in infos}
    try:
        with figures.connect(folder) as con:
            rows = figures.series(con, slug, regions_sha, figures.METHOD_VERSION,
                                  min(dates), max(dates), regions)
    except ControlCacheError:
        return []
    return [{"date": r["date"], "region": r["region"], "name": r["name"],
             "russian_km2": r["russian_km2"], "russian_share": r["russian_share"],
             "area_km2": r["area_km2"]} for r in rows if r["date"] in dates]
