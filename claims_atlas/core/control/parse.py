"""Parsing control files: DeepStateMap archive and API shapes, or any GeoJSON of polygons.

``parse_control(raw, name, ...) -> ParsedControl``; ``ControlImportError("NAME: what is
wrong")`` when the input is unusable. Pure: reads bytes, writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import zlib
from typing import Any

import shapely
from shapely.geometry import Polygon

from claims_atlas.core.control.common import (
    BBOX,
    CONTESTED_FILLS,
    DEEPSTATE_FILLS,
    LIBERATED_FILLS,
    MAX_DECODED_BYTES,
    OCCUPIED_FILLS,
    ControlImportError,
    ParsedControl,
)
from claims_atlas.core.control.geometry import _polygons_of, as_multipolygon

# Adjacent polygons of one source (e.g. "occupied before 2022" and "occupied since 2022")
# meet with hairline gaps; a closing (grow, union, shrink) by this many degrees (~1 m) seals
# them. Applied only when polygons of several features are merged.
SEAL_DEGREES = 1e-5


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


def _outside_message(poly: Polygon, where: str) -> str:
    """Why `poly` (wholly outside BBOX) is not in Ukraine and its surroundings, with a hint."""
    minx, miny, maxx, maxy = BBOX
    x, y = shapely.get_coordinates(poly)[0]
    hint = ""
    if minx <= y <= maxx and miny <= x <= maxy:
        hint = "; longitude and latitude look swapped"
    elif abs(x) > 180 or abs(y) > 90:
        hint = "; not degrees: GeoJSON must be EPSG:4326 longitude/latitude"
    return (f"coordinates outside Ukraine and its surroundings ({minx:g}-{maxx:g}°E, "
            f"{miny:g}-{maxy:g}°N): {where} has ({x:.5g}, {y:.5g}){hint}")


def _in_bbox(polys: list[Polygon]) -> tuple[list[Polygon], bool]:
    """(the polygons clipped to BBOX, whether anything was cut off). A polygon wholly
    outside is left out; one partly outside keeps its part inside."""
    frame = shapely.box(*BBOX)
    kept, cut = [], False
    for poly in polys:
        if frame.contains(poly):
            kept.append(poly)
            continue
        cut = True
        if frame.intersects(poly):
            kept.extend(_polygons_of(shapely.intersection(poly, frame)))
    return kept, cut


def _name(props: Any) -> str | None:
    """A feature's label (DeepStateMap's 'uk /// en' names give their English part)."""
    if not isinstance(props, dict) or not isinstance(props.get("name"), str):
        return None
    parts = [p.strip() for p in props["name"].split("///")]
    return (parts[1] if len(parts) > 1 and parts[1] else parts[0])[:80] or None


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


def _gunzip(raw: bytes, limit: int) -> bytes:
    """Inflate gzip data (all members), refusing it as soon as it passes `limit` bytes.

    Inflation is streamed in 1 MB steps (the trailer's declared size can lie), so memory
    stays near `limit` whatever the input claims.
    """
    too_big = f"inflates to more than {limit >> 20} MB; refused (a gzip bomb?)"
    out = bytearray()
    rest = raw
    while rest[:2] == b"\x1f\x8b":  # anything after the last member is ignored
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        tail = rest
        try:
            while tail and not d.eof:
                out += d.decompress(tail, 1 << 20)
                if len(out) > limit:
                    raise _Bad(too_big)
                tail = d.unconsumed_tail
        except zlib.error as exc:
            raise _Bad(f"not a readable gzip file ({exc})") from None
        if not d.eof:
            raise _Bad("not a readable gzip file (it ends before its end-of-stream marker)")
        rest = d.unused_data
    return bytes(out)


def _decode(raw: bytes) -> Any:
    if raw[:2] == b"\x1f\x8b":
        raw = _gunzip(raw, MAX_DECODED_BYTES)
    elif len(raw) > MAX_DECODED_BYTES:
        raise _Bad(f"more than {MAX_DECODED_BYTES >> 20} MB; refused")
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
    first_far: str | None = None  # why the first far-away polygon was left out
    far_names: list[str] = []

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
                found = _polygon(rings, label, repair)
                got, cut = _in_bbox(found)
                if cut:
                    if not got:
                        drop("far-away polygons")
                        first_far = first_far or _outside_message(found[0], label)
                        far_names.append(_name(feat.get("properties")) or label)
                    else:
                        notes.append(f"{label}: cut off the part outside Ukraine and its "
                                     "surroundings")
                polys.extend(got)
                if got:
                    sources.add(i)
    if unknown_fills:
        notes.append("left out polygons with fill colours not known to mean 'occupied': "
                     + ", ".join(sorted(unknown_fills)))
    if had_z:
        notes.append("dropped the third coordinate")
    if far_names:
        notes.append(f"left out {len(far_names)} polygon(s) wholly outside Ukraine and its "
                     f"surroundings ({BBOX[0]:g}-{BBOX[2]:g}°E, {BBOX[1]:g}-{BBOX[3]:g}°N): "
                     + "; ".join(sorted(set(far_names))[:8]))
    if not polys and first_far:
        raise _Bad(first_far)
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


