"""Geometry of control data: equal-area measure, the units' land, and the sliver rule.

``split_region`` cuts one unit into its Russian-held and Ukrainian-held parts; ``METHOD``
says in words how (it is printed beside every figure).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon

from claims_atlas.core.control.common import EQUAL_AREA

# Coast and border gaps (see METHOD). The coast and the national border of the control data
# and of the boundary file never match: the boundary file is generalised (Natural Earth 1:10m,
# then coverage_simplify at ~0.014 degrees), which moves coasts and borders by up to ~2.5 km,
# and the control data leaves out lagoons and salt lakes the boundary file counts as land.
# Between the control polygons and the boundary file's coast or border that leaves strips and
# holes of "not occupied" land (on the real 2025-11-20 data: 76 km² 2.6 km wide on the Kerch
# peninsula, 80 km² along Luhansk's border, Sasyk lake at Yevpatoria). A separate piece of
# not-occupied land in a unit that has occupied land is such a gap, and counted as occupied,
# when at least GAP_MIN_IN_BAND of its area lies within GAP_BAND_M of the coast or national
# border. Pieces that reach further inland stay "not occupied": they are real grey zones or
# Ukrainian-held ground, and honesty beats tidiness. The unit's main not-occupied piece is
# never a gap unless the whole unit lies within the band.
GAP_BAND_M = 3000.0
GAP_MIN_IN_BAND = 0.9
SLIVER_TOUCH_M = 1.0
# The mirror image: a piece of occupied land smaller than SPECK_MAX_KM2 and nowhere wider
# than SPECK_MAX_WIDTH_M on the unit's own outline is the control polygon overhanging the
# boundary file's generalised edge (a speck), counted as not occupied: it must never show
# as Russian-held ground in a unit the data does not reach (e.g. Chernihiv).
SPECK_MAX_KM2 = 1.0
SPECK_MAX_WIDTH_M = 1000.0

METHOD_VERSION = 2
METHOD = (
    "Areas in an equal-area projection, ETRS89-LAEA Europe (EPSG:3035). russian_km2: the unit "
    "intersected with the snapshot's occupied polygons (so clipped to the 27 units, i.e. to "
    "land), plus coast and border gaps: separate pieces of not-occupied land with at least "
    f"{GAP_MIN_IN_BAND:.0%} of their area within {GAP_BAND_M / 1000:g} km of the coast or the "
    "national border (where the control data's and the boundary file's coastlines and "
    "borders differ; their area is slivers_km2), less specks: pieces of occupied land under "
    f"{SPECK_MAX_KM2:g} km2, nowhere wider than {SPECK_MAX_WIDTH_M:g} m, on the unit's edge "
    "(specks_km2). A unit the data shows as wholly held reads 100%. Gaps that reach further "
    "inland stay not occupied. ukrainian_km2 = area_km2 - russian_km2: everything not "
    "counted as occupied, including contested (grey-zone) areas, which DeepStateMap leaves "
    "out of 'occupied'. russian_share = russian_km2 / area_km2. Check: away from the coast "
    f"and border (more than {GAP_BAND_M / 1000:g} km) the shares equal a plain intersection."
)


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


@dataclass(frozen=True)
class _Coast:
    """The coast and national border (boundary of the union of all units), in metres."""

    line: Any
    zone: Any  # the line widened by SLIVER_TOUCH_M, to measure how much of an outline is on it
    band: Any  # the line widened by GAP_BAND_M (prepared)


_COASTS: dict[bytes, _Coast] = {}


def _coast_of(land) -> _Coast:
    """The coast of `land` (EPSG:4326), cached per land (one boundary file, one coast)."""
    key = hashlib.sha1(shapely.to_wkb(land)).digest()
    if key not in _COASTS:
        line = to_equal_area(shapely.boundary(land))
        zone = shapely.buffer(line, SLIVER_TOUCH_M)
        band = shapely.buffer(line, GAP_BAND_M, quad_segs=4)
        shapely.prepare(zone)
        shapely.prepare(band)
        if len(_COASTS) > 8:
            _COASTS.clear()
        _COASTS[key] = _Coast(line=line, zone=zone, band=band)
    return _COASTS[key]


_LANDS: dict[bytes, Any] = {}


def land_of(regions_geoms) -> Any:
    """Union of the units; snapped to a 1e-7° grid to close hairline gaps between units.
    Cached per set of units."""
    geoms = np.asarray(regions_geoms)
    key = hashlib.sha1(b"".join(shapely.to_wkb(geoms))).digest()
    if key not in _LANDS:
        if len(_LANDS) > 8:
            _LANDS.clear()
        _LANDS[key] = shapely.union_all(shapely.set_precision(geoms, 1e-7))
    return _LANDS[key]


@dataclass(frozen=True)
class _Split:
    russian: Any
    ukrainian: Any
    area_km2: float
    russian_km2: float
    slivers_km2: float
    specks_km2: float = 0.0


def _is_sliver(pm, coast: _Coast) -> bool:
    """A piece (metres) of not-occupied land that is a coast/border gap (see METHOD)."""
    if coast.band.contains(pm):
        return True
    near = shapely.intersection(pm, shapely.clip_by_rect(coast.band, *pm.bounds)).area
    return near >= GAP_MIN_IN_BAND * pm.area


def _is_speck(pm, outline_zone) -> bool:
    """A piece (metres) of occupied land that is the control polygon's overhang (METHOD)."""
    if pm.area >= SPECK_MAX_KM2 * 1e6:
        return False
    if not shapely.buffer(pm, -SPECK_MAX_WIDTH_M / 2).is_empty:
        return False
    return shapely.intersects(pm, outline_zone)


_UNITS_M: dict[bytes, tuple[Any, Any]] = {}


def unit_in_metres(region) -> tuple[Any, Any]:
    """(the unit in EPSG:3035, its outline widened by SLIVER_TOUCH_M), cached per unit."""
    key = hashlib.sha1(shapely.to_wkb(region)).digest()
    if key not in _UNITS_M:
        if len(_UNITS_M) > 256:
            _UNITS_M.clear()
        unit_m = to_equal_area(region)
        outline = shapely.buffer(shapely.boundary(unit_m), SLIVER_TOUCH_M)
        shapely.prepare(outline)
        _UNITS_M[key] = (unit_m, outline)
    return _UNITS_M[key]


def _split(region, occupied, coast: _Coast, *, occupied_m=None) -> _Split:
    """The split of one unit. With `occupied_m` (the occupied area already in EPSG:3035)
    only the areas are computed, in metres (no geometry: what region_stats needs);
    otherwise both parts in EPSG:4326 too (what the map draws)."""
    metres = occupied_m is not None
    unit_m, outline = unit_in_metres(region)
    area = unit_m.area / 1e6
    unit, occ = (unit_m, occupied_m) if metres else (region, occupied)
    if occ is None or occ.is_empty or not unit.intersects(occ):
        return _Split(russian=MultiPolygon(),
                      ukrainian=MultiPolygon() if metres else MultiPolygon(_polygons_of(region)),
                      area_km2=area, russian_km2=0.0, slivers_km2=0.0)
    in_m = (lambda g: g) if metres else to_equal_area
    held = _polygons_of(shapely.intersection(unit, occ))
    rest = _polygons_of(shapely.difference(unit, occ))
    russian_parts, specks, speck_m2 = [], [], 0.0
    for part in held:
        pm = in_m(part)
        if _is_speck(pm, outline):
            specks.append(part)
            speck_m2 += pm.area
        else:
            russian_parts.append(part)
    slivers, kept, sliver_m2, kept_m2 = [], [], 0.0, 0.0
    for part in rest:
        pm = in_m(part)
        if russian_parts and _is_sliver(pm, coast):
            slivers.append(part)
            sliver_m2 += pm.area
        else:
            kept.append(part)
            kept_m2 += pm.area
    # The Ukrainian-held area is measured from its own pieces and the Russian-held area is the
    # rest of the unit: projecting vertices only, the pieces' areas add up to the unit's
    # within ~0.002 % (new vertices where the line cuts an edge), and a unit with no
    # Ukrainian-held piece must read exactly 100 %.
    ukrainian_km2 = min(area, (kept_m2 + speck_m2) / 1e6)
    russian_km2 = area - ukrainian_km2 if russian_parts else 0.0
    if metres:
        return _Split(russian=None, ukrainian=None, area_km2=area, russian_km2=russian_km2,
                      slivers_km2=sliver_m2 / 1e6, specks_km2=speck_m2 / 1e6)
    russian = as_multipolygon(shapely.union_all(russian_parts + slivers)) if slivers \
        else MultiPolygon(russian_parts)
    ukrainian = as_multipolygon(shapely.union_all(kept + specks)) if specks \
        else MultiPolygon(kept)
    return _Split(russian=russian, ukrainian=ukrainian, area_km2=area,
                  russian_km2=russian_km2, slivers_km2=sliver_m2 / 1e6,
                  specks_km2=speck_m2 / 1e6)


def split_region(region_geom, occupied_geom, land=None) -> tuple[MultiPolygon, MultiPolygon]:
    """(Russian-held part, Ukrainian-held part) of one unit, EPSG:4326; see METHOD.

    `land`: the union of all units (its boundary is the coast and national border, along
    which slivers are counted as occupied); default: the unit itself.
    """
    coast = _coast_of(region_geom if land is None else land)
    s = _split(region_geom, occupied_geom, coast)
    return s.russian, s.ukrainian


