"""Territorial control (the line of contact): import, fetch, cache, and area arithmetic.

The project ships no control polygons. Users import a file or fetch DeepStateMap on request;
every snapshot is cached locally with its source, date and attribution, and every figure
computed from it names them.

Pure: no streamlit, no folium. Network access happens only in :func:`fetch_deepstate`.

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
    total area of all regions in ``stats``. The rules are the table MOVE_RULES: a disposition
    moves either the Ukrainian-held part towards Russia, the Russian-held part towards
    Ukraine, or nothing; a provision on one part moves only that part.

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
polygons of the requested date only. Third coordinates are dropped. Invalid input raises
:class:`ControlImportError` (message "NAME: what is wrong") before anything is written.

Storage
-------
``<cache>/control/<source-slug>/<YYYY-MM-DD>.geojson``: one Feature with a MultiPolygon and
properties {source, date, attribution, imported_at, original_file_sha256};
``<cache>/control/index.json``: a listing of them (derived: the snapshot files are the truth,
and a stale or missing index is rebuilt from them); ``<date>.stats.json`` beside each snapshot:
the cached arithmetic. <cache> is $CLAIMS_ATLAS_CACHE or ~/.cache/claims-atlas. Every write
goes to a temp file in the same folder and is renamed over the old file (os.replace).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import http.client
import json
import math
import os
import re
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

from claims_atlas import REPO_ROOT, __version__
from claims_atlas.core.files import atomic_write

# --- constants -----------------------------------------------------------------------------

CACHE_ENV = "CLAIMS_ATLAS_CACHE"
DEEPSTATE_URL_ENV = "CLAIMS_ATLAS_DEEPSTATE_URL"
DEEPSTATE_BASE_URL = "https://deepstatemap.live/api"
DEEPSTATE_SOURCE = "DeepStateMap"
DEEPSTATE_ATTRIBUTION = "Control: DeepStateMap (deepstatemap.live)"
REGIONS_GEOJSON = REPO_ROOT / "geodata" / "ukraine_regions.geojson"

EQUAL_AREA = "EPSG:3035"  # ETRS89-LAEA Europe: equal-area, covers Ukraine
BBOX = (20.0, 43.0, 42.0, 56.5)  # lon/lat box every imported coordinate must lie in

# DeepStateMap fill colours (lower case).
OCCUPIED_FILLS = frozenset({"#a52714", "#880e4f", "#000000", "#ff5252"})
LIBERATED_FILLS = frozenset({"#0f9d58", "#0288d1"})
CONTESTED_FILLS = frozenset({"#bcaaa4"})
DEEPSTATE_FILLS = OCCUPIED_FILLS | LIBERATED_FILLS | CONTESTED_FILLS

# Adjacent polygons of one source (e.g. "occupied before 2022" and "occupied since 2022")
# meet with hairline gaps; a closing (grow, union, shrink) by this many degrees (~1 m) seals
# them. Applied only when polygons of several features are merged.
SEAL_DEGREES = 1e-5

# Sliver rule (see METHOD). The coast and the national border of the control data and of the
# boundary file never match exactly, and the boundary file is generalised
# (coverage_simplify, ~0.014 degrees), which moves coasts by up to several hundred metres.
# That leaves thin, lens-shaped gaps of "not occupied" land between the control polygons and
# the coast or border. A separate piece of not-occupied land in a unit that has occupied land
# is counted as occupied when it is smaller than SLIVER_MAX_KM2, nowhere wider than
# SLIVER_MAX_WIDTH_M (no point of it farther than half that from its edge), and at least
# SLIVER_MIN_EDGE_SHARE of its outline runs along the coast or national border (within
# SLIVER_TOUCH_M). Larger or wider pieces stay "not occupied": they may be real grey zones
# (e.g. river islands), and honesty beats tidiness.
SLIVER_MAX_KM2 = 5.0
SLIVER_MAX_WIDTH_M = 1000.0
SLIVER_MIN_EDGE_SHARE = 0.25
SLIVER_TOUCH_M = 1.0

METHOD_VERSION = 1
METHOD = (
    "Areas in an equal-area projection, ETRS89-LAEA Europe (EPSG:3035). russian_km2: the unit "
    "intersected with the snapshot's occupied polygons (so clipped to the 27 units, i.e. to "
    "land), plus slivers: separate pieces of not-occupied land under "
    f"{SLIVER_MAX_KM2:g} km2, nowhere wider than {SLIVER_MAX_WIDTH_M:g} m, with at least "
    f"{SLIVER_MIN_EDGE_SHARE:.0%} of their outline on the coast or the national border "
    "(mismatches between the control data's and the boundary file's coastlines and borders; "
    "their area is slivers_km2); larger or wider gaps stay not occupied. ukrainian_km2 = "
    "area_km2 - russian_km2: everything not counted as occupied, including contested "
    "(grey-zone) areas, which DeepStateMap leaves out of 'occupied'. russian_share = "
    "russian_km2 / area_km2."
)

PARTS = ("whole", "russian_held", "ukrainian_held")
TO_RUSSIA = "to_russia"
TO_UKRAINE = "to_ukraine"
# disposition id -> which way the contested part moves (None: nothing moves).
# to_russia: the Ukrainian-held part passes to Russia; to_ukraine: the Russian-held part
# passes to Ukraine. demilitarised_zone is counted as Russian (the 28-point plan's zone is
# "recognised as Russian territory"); a zone with other terms needs its own reading.
MOVE_RULES: dict[str, str | None] = {
    "recognised_russian_de_jure": TO_RUSSIA,
    "recognised_russian_de_facto": TO_RUSSIA,
    "ukrainian_withdrawal": TO_RUSSIA,
    "demilitarised_zone": TO_RUSSIA,
    "frozen_at_contact_line": None,
    "negotiate_from_contact_line": None,
    "deferred": None,
    "russian_withdrawal": TO_UKRAINE,
    "restored_to_ukraine": TO_UKRAINE,
    "not_addressed": None,
}
MOVING_PART = {TO_RUSSIA: "ukrainian_held", TO_UKRAINE: "russian_held"}

MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# --- errors --------------------------------------------------------------------------------


class ControlError(Exception):
    """Base of every error this module raises on purpose; the message is one line."""


class ControlImportError(ControlError):
    """The input is not usable control data ("NAME: what is wrong"). Nothing was written."""


class ControlFetchError(ControlError):
    """The download failed (offline, timeout, HTTP error). Nothing was written."""


class ControlCacheError(ControlError):
    """The cache cannot be read or written."""


class SnapshotNotFound(ControlError):
    """No cached snapshot for that source and date."""


class RegionsError(ControlError):
    """The boundary file is missing or unusable."""


# --- data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotInfo:
    source: str
    date: dt.date
    attribution: str
    path: Path
    imported_at: str = ""
    area_km2: float | None = None
    original_file_sha256: str = ""
    original_name: str = ""
    kind: str = ""

    @property
    def slug(self) -> str:
        return slugify(self.source)

    @property
    def credit(self) -> str:
        return f"{self.attribution}, snapshot of {self.date.isoformat()}"


@dataclass(frozen=True)
class ParsedControl:
    """What an input file yielded: the occupied area and what was left out."""

    geometry: MultiPolygon
    kind: str
    polygons: int
    dropped: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    source_datetime: str | None = None


@dataclass(frozen=True)
class ImportResult:
    info: SnapshotInfo
    parsed: ParsedControl
    replaced: SnapshotInfo | None = None
    url: str | None = None


@dataclass(frozen=True)
class StatsReport:
    source: str
    date: dt.date
    attribution: str
    method: str
    regions: list[dict]
    totals: dict
    cached: bool = False

    def as_dict(self) -> dict:
        return {"source": self.source, "date": self.date.isoformat(),
                "attribution": self.attribution, "method": self.method,
                "regions": self.regions, "totals": self.totals}


# --- small helpers -------------------------------------------------------------------------


def slugify(name: str) -> str:
    """'DeepStateMap' -> 'deepstatemap'; 'ISW / CTP' -> 'isw-ctp'."""
    return re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")


def parse_date(text: str | dt.date) -> dt.date:
    """A YYYY-MM-DD string (or date) as a date; ValueError otherwise."""
    if isinstance(text, dt.date):
        return text
    if not _DATE_RE.match(text or ""):
        raise ValueError(f"{text!r} is not a date of the form YYYY-MM-DD")
    return dt.date.fromisoformat(text)


def cache_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The cache root: the explicit one, else $CLAIMS_ATLAS_CACHE, else ~/.cache/claims-atlas."""
    chosen = explicit or os.environ.get(CACHE_ENV)
    return Path(chosen) if chosen else Path.home() / ".cache" / "claims-atlas"


def control_dir(cache: str | os.PathLike | None = None) -> Path:
    return cache_dir(cache) / "control"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically (one seam, so tests can fail a write)."""
    atomic_write(path, data)


@contextlib.contextmanager
def _locked(folder: Path):
    """An advisory lock on the control folder while the index is read-modified-written."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(folder / ".lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@lru_cache(maxsize=1)
def _transformer() -> Transformer:
    return Transformer.from_crs("EPSG:4326", EQUAL_AREA, always_xy=True)


def to_equal_area(geom):
    """A lon/lat shapely geometry in EPSG:3035 metres (vertices transformed)."""
    tr = _transformer()

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, project)


def area_km2(geom) -> float:
    """Area of a lon/lat geometry in km², in EPSG:3035."""
    if geom is None or geom.is_empty:
        return 0.0
    return float(to_equal_area(geom).area) / 1e6


def _polygons_of(geom) -> list[Polygon]:
    """The non-empty polygons in any shapely geometry (lines and points dropped)."""
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if hasattr(geom, "geoms"):
        out: list[Polygon] = []
        for g in geom.geoms:
            out.extend(_polygons_of(g))
        return out
    return []


def as_multipolygon(geom) -> MultiPolygon:
    return MultiPolygon(_polygons_of(geom))


# --- parsing -------------------------------------------------------------------------------

_POLYGONAL = ("Polygon", "MultiPolygon")
_LINEAR = ("LineString", "MultiLineString")
_PUNCTUAL = ("Point", "MultiPoint")
_GEOMETRY_TYPES = _POLYGONAL + _LINEAR + _PUNCTUAL + ("GeometryCollection",)


class _Bad(Exception):
    """Internal: one thing wrong, without the file name."""


def _position(pos: Any) -> tuple[float, float]:
    if not isinstance(pos, list | tuple) or len(pos) < 2:
        raise _Bad(f"a position is {json.dumps(pos)[:40]}, not [longitude, latitude]")
    x, y = pos[0], pos[1]
    for v in (x, y):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise _Bad(f"a position has a non-numeric coordinate: {json.dumps(pos)[:60]}")
    return float(x), float(y)


def _ring(raw: Any, where: str) -> list[tuple[float, float]]:
    if not isinstance(raw, list):
        raise _Bad(f"{where} is not a list of positions")
    pts = [_position(p) for p in raw]
    if len(pts) < 4:
        raise _Bad(f"{where} has {len(pts)} position(s); a ring needs at least 4")
    if pts[0] != pts[-1]:
        raise _Bad(f"{where} is not closed (its first and last positions differ)")
    return pts


def _polygon(rings: Any, where: str, repair: bool) -> list[Polygon]:
    if not isinstance(rings, list) or not rings:
        raise _Bad(f"{where} has no rings")
    shell = _ring(rings[0], f"{where}, outer ring")
    holes = [_ring(r, f"{where}, hole {i}") for i, r in enumerate(rings[1:], 1)]
    poly = Polygon(shell, holes)
    if poly.is_valid:
        return [poly]
    if repair:
        return _polygons_of(shapely.make_valid(poly))
    reason = shapely.is_valid_reason(poly)
    raise _Bad(f"{where} is invalid ({reason}); fix the file or import with --repair")


def _flatten(geometry: Any, where: str) -> list[tuple[str, Any]]:
    """(type, coordinates) of the simple geometries inside a GeoJSON geometry object."""
    if not isinstance(geometry, dict):
        raise _Bad(f"{where}: geometry is not an object")
    gtype = geometry.get("type")
    if gtype == "GeometryCollection":
        members = geometry.get("geometries")
        if not isinstance(members, list):
            raise _Bad(f"{where}: GeometryCollection without a 'geometries' list")
        out = []
        for g in members:
            out.extend(_flatten(g, where))
        return out
    if gtype not in _GEOMETRY_TYPES:
        raise _Bad(f"{where}: unknown geometry type {gtype!r}")
    if "coordinates" not in geometry:
        raise _Bad(f"{where}: {gtype} without 'coordinates'")
    return [(gtype, geometry["coordinates"])]


def _fill(props: Any) -> str | None:
    if not isinstance(props, dict):
        return None
    fill = props.get("fill")
    return fill.strip().lower() if isinstance(fill, str) else None


def _check_bbox(polys: list[Polygon], where: str) -> None:
    minx, miny, maxx, maxy = BBOX
    for poly in polys:
        coords = shapely.get_coordinates(poly)
        bad = ~((coords[:, 0] >= minx) & (coords[:, 0] <= maxx)
                & (coords[:, 1] >= miny) & (coords[:, 1] <= maxy))
        if bad.any():
            x, y = coords[np.argmax(bad)]
            hint = ""
            if minx <= y <= maxx and miny <= x <= maxy:
                hint = "; longitude and latitude look swapped"
            elif abs(x) > 180 or abs(y) > 90:
                hint = "; not degrees: GeoJSON must be EPSG:4326 longitude/latitude"
            raise _Bad(f"coordinates outside Ukraine and its surroundings "
                       f"({minx:g}-{maxx:g}°E, {miny:g}-{maxy:g}°N): {where} has "
                       f"({x:.5g}, {y:.5g}){hint}")


def _check_crs(obj: dict) -> None:
    crs = obj.get("crs")
    if crs is None:
        return
    text = json.dumps(crs)
    if "CRS84" not in text and "4326" not in text:
        raise _Bad(f"declares the coordinate system {text[:80]}; only EPSG:4326/CRS84 "
                   "longitude/latitude is accepted")


def _date_of(value: Any) -> dt.date | None:
    """A date from an API 'datetime' (ISO text or Unix seconds/milliseconds), else None."""
    try:
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            secs = value / 1000 if value > 1e11 else value
            return dt.datetime.fromtimestamp(secs, dt.UTC).date()
        if isinstance(value, str) and value.strip():
            text = value.strip().replace("Z", "+00:00")
            if text.isdigit():
                return _date_of(int(text))
            moment = dt.datetime.fromisoformat(text)
            if moment.tzinfo is not None:
                moment = moment.astimezone(dt.UTC)
            return moment.date()
    except (ValueError, OverflowError, OSError):
        return None
    return None


def _decode(raw: bytes) -> Any:
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise _Bad(f"not a readable gzip file ({exc})") from None
    if not raw.strip():
        raise _Bad("empty file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Bad("not JSON (not UTF-8 text)") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Bad(f"not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise _Bad("not JSON (nested too deeply)") from None


def _features(obj: Any) -> tuple[list, str, bool | None, Any]:
    """(features, kind, deepstate?, source datetime) for the top-level JSON value."""
    expected = ("expected a GeoJSON FeatureCollection, Feature or geometry, or a DeepStateMap "
                "API object {id, datetime, map}")
    if not isinstance(obj, dict):
        raise _Bad(f"unknown shape: the top level is a JSON {type(obj).__name__}; {expected}")
    if "map" in obj:
        fc = obj["map"]
        if not (isinstance(fc, dict) and fc.get("type") == "FeatureCollection"
                and isinstance(fc.get("features"), list)):
            raise _Bad("unknown shape: 'map' is not a GeoJSON FeatureCollection")
        _check_crs(fc)
        return fc["features"], "DeepStateMap API snapshot", True, obj.get("datetime")
    _check_crs(obj)
    gtype = obj.get("type")
    if gtype == "FeatureCollection":
        feats = obj.get("features")
        if not isinstance(feats, list):
            raise _Bad("unknown shape: FeatureCollection without a 'features' list")
        return feats, "GeoJSON FeatureCollection", None, None
    if gtype == "Feature":
        return [obj], "GeoJSON Feature", None, None
    if gtype in _GEOMETRY_TYPES:
        return [{"type": "Feature", "properties": None, "geometry": obj}], \
            f"GeoJSON {gtype}", None, None
    if gtype == "Topology":
        raise _Bad("unknown shape: TopoJSON is not supported; convert it to GeoJSON first")
    if gtype is None:
        raise _Bad(f"unknown shape: no 'type' and no 'map' member; {expected}")
    raise _Bad(f"unknown shape: 'type' is {str(gtype)[:40]!r}; {expected}")


def _select_date(feats: list, date: dt.date | None) -> tuple[list, str | None]:
    """Keep one day's features of a multi-day archive (features with a 'date' property)."""
    dates = set()
    for f in feats:
        props = f.get("properties") if isinstance(f, dict) else None
        if isinstance(props, dict) and props.get("date") is not None:
            dates.add(str(props["date"])[:10])
    if len(dates) < 2:
        return feats, None
    span = f"{len(dates)} dates, {min(dates)} to {max(dates)}"
    if date is None:
        raise _Bad(f"holds snapshots of {span}; give --date to pick one")
    want = date.isoformat()
    chosen = [f for f in feats if isinstance(f, dict) and isinstance(f.get("properties"), dict)
              and str(f["properties"].get("date"))[:10] == want]
    if not chosen:
        raise _Bad(f"holds snapshots of {span}, none of {want}")
    return chosen, f"took the features dated {want} out of {span}"


def parse_control(raw: bytes | str, name: str, *, date: dt.date | None = None,
                  deepstate: bool | None = None, repair: bool = False) -> ParsedControl:
    """Parse control data; ControlImportError("NAME: what is wrong") when it is unusable.

    ``deepstate``: True forces the fill-colour rule, False turns it off, None detects it (the
    API object, or a FeatureCollection whose polygons carry DeepStateMap fill colours).
    ``repair``: mend invalid polygons with shapely.make_valid instead of refusing them.
    """
    try:
        return _parse(raw.encode("utf-8") if isinstance(raw, str) else raw,
                      date=date, deepstate=deepstate, repair=repair)
    except _Bad as exc:
        raise ControlImportError(f"{name}: {exc}") from None
    except RecursionError:
        raise ControlImportError(f"{name}: nested too deeply") from None
    except (ValueError, TypeError, shapely.errors.GEOSException) as exc:
        raise ControlImportError(f"{name}: unusable geometry ({exc})") from None


def _parse(raw: bytes, *, date, deepstate, repair) -> ParsedControl:
    obj = _decode(raw)
    feats, kind, is_api, stamp = _features(obj)
    notes: list[str] = []
    feats, note = _select_date(feats, date)
    if note:
        notes.append(note)
    if deepstate is None:
        deepstate = bool(is_api) or any(
            _fill(f.get("properties")) in DEEPSTATE_FILLS
            for f in feats if isinstance(f, dict))
        if deepstate and not is_api:
            kind = "DeepStateMap GeoJSON"
    if (not deepstate and len(feats) == 1 and isinstance(feats[0], dict)
            and not feats[0].get("properties")
            and isinstance(feats[0].get("geometry"), dict)
            and feats[0]["geometry"].get("type") in _POLYGONAL):
        kind = "archive file (one MultiPolygon)" if kind.endswith("Collection") else kind

    dropped: dict[str, int] = {}
    unknown_fills: set[str] = set()
    polys: list[Polygon] = []
    sources: set[int] = set()  # the features that gave polygons
    had_z = False

    def drop(what: str) -> None:
        dropped[what] = dropped.get(what, 0) + 1

    for i, feat in enumerate(feats, 1):
        where = f"feature {i}"
        if not isinstance(feat, dict) or feat.get("type") not in ("Feature", None):
            raise _Bad(f"{where} is not a GeoJSON Feature")
        geometry = feat.get("geometry")
        if geometry is None:
            drop("features without geometry")
            continue
        fill = _fill(feat.get("properties"))
        for gtype, coords in _flatten(geometry, where):
            if gtype in _LINEAR:
                drop("lines")
                continue
            if gtype in _PUNCTUAL:
                drop("points")
                continue
            if deepstate and fill not in OCCUPIED_FILLS:
                if fill in LIBERATED_FILLS:
                    drop("liberated polygons")
                elif fill in CONTESTED_FILLS:
                    drop("contested polygons")
                else:
                    drop("polygons of other colours")
                    unknown_fills.add(str(fill))
                continue
            members = [coords] if gtype == "Polygon" else coords
            if not isinstance(members, list):
                raise _Bad(f"{where}: MultiPolygon coordinates are not a list")
            for j, rings in enumerate(members, 1):
                label = where if gtype == "Polygon" else f"{where}, polygon {j}"
                if _has_z(rings):
                    had_z = True
                got = _polygon(rings, label, repair)
                _check_bbox(got, label)
                polys.extend(got)
                sources.add(i)
    if unknown_fills:
        notes.append("left out polygons with fill colours not known to mean 'occupied': "
                     + ", ".join(sorted(unknown_fills)))
    if had_z:
        notes.append("dropped the third coordinate")
    if not polys:
        seen = ", ".join(f"{n} {k}" for k, n in sorted(dropped.items())) or "nothing"
        what = "no occupied polygons" if deepstate else "no polygons"
        raise _Bad(f"{what} (found: {seen})")
    merged = shapely.union_all(polys) if len(polys) > 1 else polys[0]
    if len(sources) > 1:  # seal hairline gaps between neighbouring features' polygons
        merged = shapely.buffer(shapely.buffer(merged, SEAL_DEGREES, join_style="mitre"),
                                -SEAL_DEGREES, join_style="mitre")
    if not merged.is_valid:
        merged = shapely.make_valid(merged)
    geom = as_multipolygon(shapely.force_2d(merged))
    if geom.is_empty:
        raise _Bad("no polygons with any area")
    return ParsedControl(geometry=geom, kind=kind, polygons=len(polys), dropped=dropped,
                         notes=tuple(notes),
                         source_datetime=None if stamp is None else str(stamp))


def _has_z(rings: Any) -> bool:
    try:
        return any(len(p) > 2 for r in rings for p in r)
    except TypeError:
        return False


# --- cache: index, import ------------------------------------------------------------------


def _index_path(cache: Path) -> Path:
    return cache / "index.json"


def _read_index(cache: Path) -> dict[str, dict]:
    """Index entries by relative path; {} when missing or unreadable (it gets rebuilt)."""
    try:
        doc = json.loads(_index_path(cache).read_text(encoding="utf-8"))
        return {e["path"]: e for e in doc["snapshots"] if isinstance(e, dict) and "path" in e}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _entry_from_file(path: Path, rel: str) -> dict | None:
    """An index entry rebuilt from the snapshot file itself (None when unreadable)."""
    try:
        doc = json.loads(path.read_bytes())
        feat = doc["features"][0]
        props = feat["properties"]
        geom = shape(feat["geometry"])
        return {"path": rel, "source": props["source"], "date": props["date"],
                "attribution": props["attribution"], "imported_at": props["imported_at"],
                "original_file_sha256": props.get("original_file_sha256", ""),
                "area_km2": round(area_km2(geom), 3)}
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError,
            shapely.errors.GEOSException):
        return None


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _current_entries(cache: Path) -> list[dict]:
    """Index entries checked against the files: stale ones are rebuilt, orphans dropped."""
    index = _read_index(cache)
    out = []
    for path in sorted(cache.glob("*/*.geojson")):
        if path.name.startswith(".") or not _DATE_RE.match(path.stem):
            continue
        rel = f"{path.parent.name}/{path.name}"
        try:
            size, mtime = _stamp(path)
        except OSError:
            continue
        entry = index.get(rel)
        if not entry or entry.get("size") != size or entry.get("mtime_ns") != mtime:
            entry = _entry_from_file(path, rel)
            if entry is None:
                continue
            entry.update(size=size, mtime_ns=mtime)
        out.append(entry)
    return out


def _info(cache: Path, e: dict) -> SnapshotInfo:
    return SnapshotInfo(source=e["source"], date=dt.date.fromisoformat(e["date"]),
                        attribution=e["attribution"], path=cache / e["path"],
                        imported_at=e.get("imported_at", ""), area_km2=e.get("area_km2"),
                        original_file_sha256=e.get("original_file_sha256", ""),
                        original_name=e.get("original_name", ""), kind=e.get("kind", ""))


def list_snapshots(cache_dir: str | os.PathLike | None = None) -> list[SnapshotInfo]:
    """Every cached snapshot, sorted by source then date. Reads only."""
    cache = control_dir(cache_dir)
    if not cache.is_dir():
        return []
    infos = []
    for e in _current_entries(cache):
        with contextlib.suppress(KeyError, ValueError, TypeError):
            infos.append(_info(cache, e))
    return sorted(infos, key=lambda i: (i.source.lower(), i.date))


def find_snapshot(source: str, date: str | dt.date,
                  cache_dir: str | os.PathLike | None = None) -> SnapshotInfo:
    """The snapshot of `source` (name or slug, any case) on `date`; SnapshotNotFound else."""
    day = parse_date(date)
    slug = slugify(source)
    infos = list_snapshots(cache_dir)
    same = [i for i in infos if i.slug == slug]
    for info in same:
        if info.date == day:
            return info
    if same:
        dates = ", ".join(i.date.isoformat() for i in same[-8:])
        raise SnapshotNotFound(f"no {same[0].source} snapshot of {day}; cached dates: {dates}"
                               f"{' (latest 8)' if len(same) > 8 else ''}")
    names = sorted({i.source for i in infos})
    have = f"cached sources: {', '.join(names)}" if names else "the cache is empty"
    raise SnapshotNotFound(f"no snapshot of source {source!r}; {have} "
                           "(import one with `claims-atlas control import` or `fetch`)")


def _default_attribution(source: str) -> str:
    return DEEPSTATE_ATTRIBUTION if slugify(source) == slugify(DEEPSTATE_SOURCE) \
        else f"Control: {source}"


def store_snapshot(parsed: ParsedControl, *, source: str, date: dt.date,
                   attribution: str | None, original_sha256: str, original_name: str,
                   cache_dir: str | os.PathLike | None = None) -> tuple[SnapshotInfo,
                                                                        SnapshotInfo | None]:
    """Write one normalised snapshot (replacing the same source+date) and update the index."""
    slug = slugify(source)
    if not slug:
        raise ControlImportError(f"source name {source!r} needs at least one letter or digit")
    cache = control_dir(cache_dir)
    rel = f"{slug}/{date.isoformat()}.geojson"
    path = cache / rel
    try:
        with _locked(cache):
            # One source, one name: "deepstatemap" and "DeepStateMap" are the same source;
            # the spelling already in the cache (or DeepStateMap's own) is kept.
            same = [e for e in _current_entries(cache) if e["path"].startswith(f"{slug}/")]
            if slug == slugify(DEEPSTATE_SOURCE):
                source = DEEPSTATE_SOURCE
            elif same:
                source = max(same, key=lambda e: e.get("imported_at", ""))["source"]
            source = source.strip()
            attribution = (attribution or "").strip() or _default_attribution(source)
            props = {"source": source, "date": date.isoformat(), "attribution": attribution,
                     "imported_at": _now(), "original_file_sha256": original_sha256}
            doc = {"type": "FeatureCollection",
                   "features": [{"type": "Feature", "properties": props,
                                 "geometry": mapping(parsed.geometry)}]}
            body = json.dumps(doc, separators=(",", ":")).encode("utf-8")
            previous = None
            if path.exists():
                old = _entry_from_file(path, rel)
                if old is not None:
                    previous = _info(cache, old)
            _atomic_write(path, body)  # the commit point: the file is the truth
            entries = [e for e in _current_entries(cache) if e["path"] != rel]
            size, mtime = _stamp(path)
            entries.append({**props, "path": rel, "size": size, "mtime_ns": mtime,
                            "area_km2": round(area_km2(parsed.geometry), 3),
                            "original_name": original_name, "kind": parsed.kind})
            entries.sort(key=lambda e: e["path"])
            index = {"format": 1, "generator": f"claims-atlas {__version__}",
                     "snapshots": entries}
            # The index is derived from the snapshot files (list_snapshots rebuilds a stale
            # one), so failing to refresh it does not undo a committed import.
            with contextlib.suppress(OSError):
                _atomic_write(_index_path(cache),
                              json.dumps(index, indent=1, ensure_ascii=False).encode("utf-8"))
            with contextlib.suppress(OSError):
                _stats_path(path).unlink()
    except OSError as exc:
        raise ControlCacheError(f"cannot write to the cache {cache}: "
                                f"{exc.strerror or exc}") from None
    return _info(cache, entries[[e["path"] for e in entries].index(rel)]), previous


def import_bytes(raw: bytes, name: str, *, source: str, date: str | dt.date,
                 attribution: str | None = None, cache_dir: str | os.PathLike | None = None,
                 repair: bool = False, deepstate: bool | None = None) -> ImportResult:
    """Parse and cache one snapshot. Nothing is written unless parsing succeeds."""
    day = parse_date(date)
    if not slugify(source):
        raise ControlImportError(f"{name}: source name {source!r} needs a letter or digit")
    parsed = parse_control(raw, name, date=day, deepstate=deepstate, repair=repair)
    info, previous = store_snapshot(parsed, source=source, date=day, attribution=attribution,
                                    original_sha256=_sha256(raw), original_name=name,
                                    cache_dir=cache_dir)
    return ImportResult(info=info, parsed=parsed, replaced=previous)


def import_file(path: str | os.PathLike, *, source: str, date: str | dt.date,
                attribution: str | None = None, cache_dir: str | os.PathLike | None = None,
                repair: bool = False) -> ImportResult:
    """Import a control file (see the module docstring for the accepted shapes)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise ControlImportError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise ControlImportError(f"{path}: cannot read ({exc.strerror or exc})") from None
    result = import_bytes(raw, str(path), source=source, date=date, attribution=attribution,
                          cache_dir=cache_dir, repair=repair)
    m = re.search(r"((?:19|20)\d{2})(\d{2})(\d{2})", path.name)
    if m and m.group(0) != result.info.date.strftime("%Y%m%d"):
        notes = result.parsed.notes + (
            f"the file name says {m.group(1)}-{m.group(2)}-{m.group(3)}, "
            f"imported as {result.info.date}",)
        result = replace(result, parsed=replace(result.parsed, notes=notes))
    return result


# --- fetch ---------------------------------------------------------------------------------


def deepstate_url(date: str | dt.date | None = None, base_url: str | None = None) -> str:
    """history/last, or history/<Unix seconds of that day's 12:00 UTC>/geojson."""
    base = (base_url or os.environ.get(DEEPSTATE_URL_ENV) or DEEPSTATE_BASE_URL).rstrip("/")
    if date is None:
        return f"{base}/history/last"
    noon = dt.datetime.combine(parse_date(date), dt.time(12), tzinfo=dt.UTC)
    return f"{base}/history/{int(noon.timestamp())}/geojson"


def download(url: str, timeout: float) -> bytes:
    """GET `url`; ControlFetchError with one line on any failure."""
    req = urllib.request.Request(url, headers={
        "User-Agent": f"claims-atlas/{__version__} (control fetch)",
        "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (http/https only)
            data = resp.read(MAX_DOWNLOAD_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise ControlFetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise ControlFetchError(f"{url}: no answer within {timeout:g} s") from None
        raise ControlFetchError(f"cannot reach {url} ({reason}); offline?") from None
    except TimeoutError:
        raise ControlFetchError(f"{url}: no answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise ControlFetchError(f"{url}: download failed ({exc or type(exc).__name__})") \
            from None
    if len(data) > MAX_DOWNLOAD_BYTES:
        raise ControlFetchError(f"{url}: more than {MAX_DOWNLOAD_BYTES >> 20} MB; refused")
    return data


def fetch_deepstate(date: str | dt.date | None = None, *, timeout: float = 30.0,
                    cache_dir: str | os.PathLike | None = None, base_url: str | None = None,
                    repair: bool = False) -> ImportResult:
    """Download a DeepStateMap snapshot (the latest, or the one for `date`) and cache it.

    The only function here that touches the network, and only when called.
    """
    day = None if date is None else parse_date(date)
    url = deepstate_url(day, base_url)
    raw = download(url, timeout)
    parsed = parse_control(raw, url, deepstate=True, repair=repair)
    stamped = _date_of(parsed.source_datetime)
    notes = list(parsed.notes)
    if day is None:
        if stamped is None:
            day = dt.datetime.now(dt.UTC).date()
            notes.append(f"the snapshot carries no readable date; dated today ({day}, UTC)")
        else:
            day = stamped
    elif stamped is not None and stamped != day:
        notes.append(f"the nearest snapshot the API returned is dated {stamped}; "
                     f"cached as {day}")
    parsed = replace(parsed, notes=tuple(notes))
    info, previous = store_snapshot(parsed, source=DEEPSTATE_SOURCE, date=day,
                                    attribution=DEEPSTATE_ATTRIBUTION,
                                    original_sha256=_sha256(raw), original_name=url,
                                    cache_dir=cache_dir)
    return ImportResult(info=info, parsed=parsed, replaced=previous, url=url)


# --- geometry: loading and splitting -------------------------------------------------------


@lru_cache(maxsize=32)
def _load(path: str, size: int, mtime_ns: int) -> MultiPolygon:
    doc = json.loads(Path(path).read_bytes())
    return as_multipolygon(shape(doc["features"][0]["geometry"]))


def load_snapshot(info: SnapshotInfo) -> MultiPolygon:
    """The occupied area of a cached snapshot, EPSG:4326."""
    try:
        size, mtime = _stamp(info.path)
        return _load(str(info.path), size, mtime)
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError,
            shapely.errors.GEOSException) as exc:
        raise ControlCacheError(f"{info.path}: not a readable snapshot ({exc}); "
                                "import it again") from None


@dataclass(frozen=True)
class _Coast:
    """The coast and national border (boundary of the union of all units), in metres."""

    line: Any
    zone: Any  # the line widened by SLIVER_TOUCH_M, to measure how much of an outline is on it


def _coast_of(land) -> _Coast:
    line = to_equal_area(shapely.boundary(land))
    zone = shapely.buffer(line, SLIVER_TOUCH_M)
    shapely.prepare(zone)
    return _Coast(line=line, zone=zone)


def land_of(regions_geoms) -> Any:
    """Union of the units; snapped to a 1e-7° grid to close hairline gaps between units."""
    return shapely.union_all(shapely.set_precision(np.asarray(regions_geoms), 1e-7))


@dataclass(frozen=True)
class _Split:
    russian: Any
    ukrainian: Any
    area_km2: float
    russian_km2: float
    slivers_km2: float


def _is_sliver(pm, coast: _Coast) -> bool:
    """A piece (metres) of not-occupied land that is a coast/border sliver (see METHOD)."""
    if pm.area >= SLIVER_MAX_KM2 * 1e6:
        return False
    if not shapely.buffer(pm, -SLIVER_MAX_WIDTH_M / 2).is_empty:
        return False
    if not shapely.intersects(pm, coast.zone):
        return False
    edge = shapely.intersection(shapely.boundary(pm), coast.zone).length
    return edge >= SLIVER_MIN_EDGE_SHARE * pm.length


def _split(region, occupied, coast: _Coast) -> _Split:
    area = area_km2(region)
    if occupied is None or occupied.is_empty or not region.intersects(occupied):
        russian_parts: list[Polygon] = []
        rest = _polygons_of(region)
    else:
        russian_parts = _polygons_of(shapely.intersection(region, occupied))
        rest = _polygons_of(shapely.difference(region, occupied))
    russian_m2 = sum(to_equal_area(p).area for p in russian_parts)
    slivers, kept, sliver_m2 = [], [], 0.0
    for part in rest:
        pm = to_equal_area(part)
        if russian_parts and _is_sliver(pm, coast):
            slivers.append(part)
            sliver_m2 += pm.area
        else:
            kept.append(part)
    russian = as_multipolygon(shapely.union_all(russian_parts + slivers)) if slivers \
        else MultiPolygon(russian_parts)
    return _Split(russian=russian, ukrainian=MultiPolygon(kept), area_km2=area,
                  russian_km2=min(area, (russian_m2 + sliver_m2) / 1e6),
                  slivers_km2=sliver_m2 / 1e6)


def split_region(region_geom, occupied_geom, land=None) -> tuple[MultiPolygon, MultiPolygon]:
    """(Russian-held part, Ukrainian-held part) of one unit, EPSG:4326; see METHOD.

    `land`: the union of all units (its boundary is the coast and national border, along
    which slivers are counted as occupied); default: the unit itself.
    """
    coast = _coast_of(region_geom if land is None else land)
    s = _split(region_geom, occupied_geom, coast)
    return s.russian, s.ukrainian


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
    occupied = None
    if snapshot_geom is not None and not snapshot_geom.is_empty:
        # Intersecting with each unit clips the occupied area to land; clipping to the
        # (grid-snapped) union first would leave millimetre gaps along every unit's edge.
        occupied = snapshot_geom
        shapely.prepare(occupied)  # a cache inside the geometry; no visible change
    out = []
    for rid, name, geom in rows:
        s = _split(geom, occupied, coast)
        out.append({"region": rid, "name": name, "area_km2": s.area_km2,
                    "russian_km2": s.russian_km2,
                    "russian_share": s.russian_km2 / s.area_km2 if s.area_km2 else 0.0,
                    "ukrainian_km2": s.area_km2 - s.russian_km2,
                    "slivers_km2": s.slivers_km2})
    return out


def totals_of(rows: list[dict], snapshot_geom=None) -> dict:
    area = sum(r["area_km2"] for r in rows)
    russian = sum(r["russian_km2"] for r in rows)
    out = {"area_km2": area, "russian_km2": russian,
           "russian_share": russian / area if area else 0.0,
           "ukrainian_km2": area - russian,
           "slivers_km2": sum(r.get("slivers_km2", 0.0) for r in rows)}
    if snapshot_geom is not None:
        snap = area_km2(snapshot_geom)
        out["snapshot_km2"] = snap
        out["outside_units_km2"] = max(0.0, snap - (russian - out["slivers_km2"]))
    return out


# --- regions file, cached stats ------------------------------------------------------------


def read_regions(path: str | os.PathLike | None = None):
    """The units as a GeoDataFrame sorted by id (EPSG:4326); RegionsError when unusable."""
    import geopandas as gpd

    path = Path(path) if path else REGIONS_GEOJSON
    if not path.is_file():
        raise RegionsError(f"{path}: missing (the 27 units; rebuild geodata or pass --regions)")
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types
        raise RegionsError(f"{path}: not a readable GeoJSON ({exc})") from None
    if "id" not in gdf.columns:
        raise RegionsError(f"{path}: no 'id' property on the units")
    if gdf.crs is None:
        gdf = gdf.set_crs("EPSG:4326")
    return gdf.sort_values("id").reset_index(drop=True)


def _stats_path(snapshot_path: Path) -> Path:
    return snapshot_path.with_name(snapshot_path.stem + ".stats.json")


@lru_cache(maxsize=16)
def _stats_cached(snapshot_path: str, snapshot_sha: str, regions_path: str,
                  regions_sha: str) -> tuple[tuple[dict, ...], dict, bool]:
    key = {"snapshot_sha256": snapshot_sha, "geodata_sha256": regions_sha,
           "method_version": METHOD_VERSION}
    cache_file = _stats_path(Path(snapshot_path))
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        doc = json.loads(cache_file.read_text(encoding="utf-8"))
        if doc["key"] == key:
            return tuple(doc["regions"]), doc["totals"], True
    geom = _load(snapshot_path, *_stamp(Path(snapshot_path)))
    rows = region_stats(geom, read_regions(regions_path))
    totals = totals_of(rows, geom)
    with contextlib.suppress(OSError):  # a cache that cannot be written is not an error
        _atomic_write(cache_file, json.dumps({"key": key, "regions": rows, "totals": totals},
                                             indent=1).encode("utf-8"))
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


# --- what a plan would move ----------------------------------------------------------------


def moved_by(dispositions_by_region: dict[str, list[tuple[str, str]]],
             stats: list[dict]) -> list[dict]:
    """Per region, the km² and share a plan moves between the sides; last row: totals.

    See the module docstring and MOVE_RULES. ValueError for an unknown region, part or
    disposition.
    """
    by_region = {r["region"]: r for r in stats}
    for rid in dispositions_by_region:
        if rid not in by_region:
            raise ValueError(f"no stats for region {rid!r}")
    rows = []
    for rid, st in by_region.items():
        if rid not in dispositions_by_region:
            continue
        to_russia = to_ukraine = False
        why: list[str] = []
        for part, disp in dispositions_by_region[rid]:
            if part not in PARTS:
                raise ValueError(f"{rid}: unknown part {part!r} (one of {', '.join(PARTS)})")
            if disp not in MOVE_RULES:
                raise ValueError(f"{rid}: unknown disposition {disp!r}")
            direction = MOVE_RULES[disp]
            if direction is None or part not in ("whole", MOVING_PART[direction]):
                continue
            why.append(f"{part}:{disp}")
            if direction == TO_RUSSIA:
                to_russia = True
            else:
                to_ukraine = True
        area = st["area_km2"]
        r_km2 = st["ukrainian_km2"] if to_russia else 0.0
        u_km2 = st["russian_km2"] if to_ukraine else 0.0
        rows.append({"region": rid, "name": st.get("name", rid), "area_km2": area,
                     "to_russia_km2": r_km2, "to_russia_share": r_km2 / area if area else 0.0,
                     "to_ukraine_km2": u_km2,
                     "to_ukraine_share": u_km2 / area if area else 0.0,
                     "net_to_russia_km2": r_km2 - u_km2, "moved_by": why})
    total_area = sum(r["area_km2"] for r in stats)
    r_sum = sum(r["to_russia_km2"] for r in rows)
    u_sum = sum(r["to_ukraine_km2"] for r in rows)
    rows.append({"region": "total", "name": "Total", "area_km2": total_area,
                 "to_russia_km2": r_sum,
                 "to_russia_share": r_sum / total_area if total_area else 0.0,
                 "to_ukraine_km2": u_sum,
                 "to_ukraine_share": u_sum / total_area if total_area else 0.0,
                 "net_to_russia_km2": r_sum - u_sum, "moved_by": []})
    return rows
