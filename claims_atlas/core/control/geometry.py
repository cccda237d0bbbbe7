"""Geometry of control data: equal-area measure, the units' land, and the sliver rule.

``split_region`` cuts one unit into its Russian-held and Ukrainian-held parts; ``METHOD``
says in words how (it is printed beside every figure).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon

from claims_atlas.core.control.common import EQUAL_AREA

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


