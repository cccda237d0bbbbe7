"""Territorial control (the line of contact): import, fetch, cache, and area arithmetic.

The project ships no control polygons. Users import a file or fetch DeepStateMap on request;
every snapshot is cached locally with its source, date and attribution, and every figure
computed from it names them.

Pure: no streamlit, no folium. Network access happens only in :func:`fetch_deepstate`.

A package by job; every name below is importable from ``claims_atlas.core.control``:
``common`` (constants, errors, records), ``parse`` (input files -> ParsedControl),
``geometry`` (equal-area measure, the sliver rule, split_region), ``store`` (the cache),
``fetch`` (DeepStateMap over HTTP), ``units`` (the 27 units' land), ``areas`` (per-unit
figures), ``figures`` (the one SQLite table of per-date, per-region figures), ``history``
(importing a folder of dated files in parallel), ``timeline`` (the nearest snapshot for a
date, its overlay and figures, series: the date slider's and then-and-now's API; import it
as ``from claims_atlas.core.control import timeline``), ``moves`` (what a plan moves; the
rules live with the disposition vocabulary, ``claims_atlas.core.vocab.MOVE_RULES``).

Functions the app uses
----------------------
``list_snapshots(cache_dir=None) -> list[SnapshotInfo]``
    The cached snapshots, sorted by source then date. ``SnapshotInfo`` is a frozen dataclass:
    ``source``, ``date`` (``datetime.date``), ``attribution``, ``path``, plus ``imported_at``,
    ``area_km2`` (of the imported polygons), ``slug`` and ``credit`` (the line to show:
    "Control: DeepStateMap (deepstatemap.live), snapshot of 2025-11-20").
``find_snapshot(source, date, cache_dir=None) -> SnapshotInfo``
    One snapshot by source name (or slug) and date; :class:`SnapshotNotFound` otherwise.
``load_snapshot(info) -> shapely MultiPolygon``
    The occupied area, EPSG:4326 longitude/latitude.
``region_stats(snapshot_geom, regions_gdf) -> list[dict]``
    Per unit: ``region``, ``name``, ``area_km2``, ``russian_km2``, ``russian_share`` (0-1),
    ``ukrainian_km2``, ``slivers_km2``. ``regions_gdf`` needs ``id`` and ``name`` columns
    (any CRS; EPSG:4326 assumed when it has none). See METHOD for how it is computed.
``split_region(region_geom, occupied_geom, land=None) -> (russian_part, ukrainian_part)``
    The two parts of one unit (EPSG:4326 polygons, possibly empty), with the same sliver rule
    as ``region_stats``. ``land`` is the union of all units (the coast and national border
    are its boundary); without it the unit's own outline stands in for it.
``snapshot_stats(info, regions_path=None) -> StatsReport``
    ``region_stats`` for a cached snapshot against the boundary file, cached on disk next to
    the snapshot (keyed on the snapshot's sha256 + the boundary file's sha256 + METHOD_VERSION)
    and in-process. ``report.as_dict()`` is the JSON document the CLI prints.
``moved_by(dispositions_by_region, stats) -> list[dict]``
    What a plan would move: ``dispositions_by_region`` maps a region id to a list of
    ``(part, disposition_id)`` with part one of "whole", "russian_held", "ukrainian_held";
    ``stats`` is the output of ``region_stats`` (or ``report.regions``). One row per region
    named in ``dispositions_by_region`` (in ``stats`` order) with ``area_km2``,
    ``to_russia_km2``/``to_russia_share`` (the Ukrainian-held part that passes to Russia),
    ``to_ukraine_km2``/``to_ukraine_share`` (the Russian-held part that passes to Ukraine),
    ``net_to_russia_km2`` and ``moved_by`` (the "part:disposition" entries that moved
    something); then a last row with ``region`` "total" whose shares are relative to the
    total area of all regions in ``stats``. The rules are the table MOVE_RULES
    (core/vocab.py): a disposition moves either the Ukrainian-held part towards Russia,
    the Russian-held part towards Ukraine, or nothing; a provision on one part moves only that part.

Imports and fetches
-------------------
``import_file(path, *, source, date, attribution=None, cache_dir=None, repair=False)``,
``import_bytes(raw, name, ...)`` and ``fetch_deepstate(date=None, *, timeout=30, ...)`` return
an :class:`ImportResult`. Accepted inputs: a DeepStateMap community-archive file (one
MultiPolygon, no properties) or a bare geometry; the DeepStateMap API object
``{"id", "datetime", "map": FeatureCollection}`` (and its ``/geojson`` FeatureCollection), of
which only polygons with an occupied ``fill`` count; any GeoJSON of polygons (Feature,
FeatureCollection, geometry); gzip-compressed forms of these. A FeatureCollection whose
polygons carry a ``date`` property with several values (a multi-day archive) contributes the
polygons of the requested date only. Third coordinates are dropped. Polygons wholly outside
Ukraine and its surroundings (BBOX, 20-42°E, 43-56.5°N: DeepStateMap's far-away entries)
are left out and reported in ``parsed.dropped``/``notes``; polygons partly outside keep their
inside part. Inputs must be regular files (a pipe or device is refused at once) of at most
MAX_INPUT_BYTES, and inflate (gzip) to at most MAX_DECODED_BYTES. ``fetch_deepstate``'s
``timeout`` bounds the whole download, however slowly the server answers. Polygons outside
the 27 units (sea, Russia, Transnistria) never count in any total: ``SnapshotInfo.area_km2``
is the occupied area inside the units, ``outside_units_km2`` what was left uncounted.
Invalid input raises :class:`ControlImportError` (message "NAME: what is wrong") before
anything is written.

Storage
-------
``<cache>/control/<source-slug>/<YYYY-MM-DD>.geojson``: one Feature with a MultiPolygon and
properties {source, date, attribution, imported_at, original_file_sha256};
``<cache>/control/index.json``: a listing of them (derived: the snapshot files are the truth,
and a stale or missing index is rebuilt from them); ``<cache>/control/figures.sqlite``: the
figures of every snapshot (see ``figures``), written at import. <cache> is
$CLAIMS_ATLAS_CACHE or ~/.cache/claims-atlas. Every write
goes to a temp file in the same folder and is renamed over the old file (os.replace); temp
files older than STALE_TMP_SECONDS (left by a killed writer) are swept by the next write.
"""

from __future__ import annotations

import os  # noqa: F401  (tests patch ctl.os)

from claims_atlas.core.control.areas import (  # noqa: F401
    _stats_cached,
    interior_check,
    region_stats,
    snapshot_stats,
    totals_of,
)
from claims_atlas.core.control.common import (  # noqa: F401
    BBOX,
    CACHE_ENV,
    CONTESTED_FILLS,
    DEEPSTATE_ATTRIBUTION,
    DEEPSTATE_BASE_URL,
    DEEPSTATE_FILLS,
    DEEPSTATE_SOURCE,
    DEEPSTATE_URL_ENV,
    EQUAL_AREA,
    LIBERATED_FILLS,
    MAX_DECODED_BYTES,
    MAX_DOWNLOAD_BYTES,
    MAX_INPUT_BYTES,
    OCCUPIED_FILLS,
    REGIONS_GEOJSON,
    ControlCacheError,
    ControlError,
    ControlFetchError,
    ControlImportError,
    ImportResult,
    ParsedControl,
    RegionsError,
    SnapshotInfo,
    SnapshotNotFound,
    StatsReport,
    cache_dir,
    control_dir,
    parse_date,
    slugify,
)
from claims_atlas.core.control.fetch import (  # noqa: F401
    deepstate_url,
    download,
    fetch_deepstate,
)
from claims_atlas.core.control.geometry import (  # noqa: F401
    GAP_BAND_M,
    GAP_MIN_IN_BAND,
    METHOD,
    METHOD_VERSION,
    SLIVER_TOUCH_M,
    SPECK_MAX_KM2,
    SPECK_MAX_WIDTH_M,
    area_km2,
    as_multipolygon,
    land_of,
    split_region,
    to_equal_area,
)
from claims_atlas.core.control.moves import (  # noqa: F401
    moved_by,
)
from claims_atlas.core.control.parse import (  # noqa: F401
    SEAL_DEGREES,
    parse_control,
)
from claims_atlas.core.control.store import (  # noqa: F401
    STALE_TMP_SECONDS,
    _atomic_write,
    _load,
    _stamp,
    find_snapshot,
    import_bytes,
    import_file,
    list_snapshots,
    load_snapshot,
    read_input,
    store_snapshot,
    sweep_tmp,
)
from claims_atlas.core.control.units import (  # noqa: F401
    inside_outside_km2,
    read_regions,
    units_land,
)
from claims_atlas.core.vocab import (  # noqa: F401
    MOVE_RULES,
    MOVING_PART,
    PARTS,
    TO_RUSSIA,
    TO_UKRAINE,
)
