"""The 27 units (the boundary file) and their land: what every total is clipped to."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely

from claims_atlas.core.control.common import REGIONS_GEOJSON, RegionsError
from claims_atlas.core.control.geometry import area_km2, land_of


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



@lru_cache(maxsize=4)
def _land(path: str, size: int, mtime_ns: int) -> Any:
    land = land_of(list(read_regions(path).geometry))
    shapely.prepare(land)
    return land


def units_land(path: str | os.PathLike | None = None) -> Any:
    """The union of the units (EPSG:4326), cached per boundary file; RegionsError."""
    p = Path(path) if path else REGIONS_GEOJSON
    try:
        st = p.stat()
    except OSError:
        raise RegionsError(f"{p}: missing (the 27 units; rebuild geodata or pass "
                           "--regions)") from None
    return _land(str(p), st.st_size, st.st_mtime_ns)


def inside_outside_km2(geom, regions_path: str | os.PathLike | None = None
                       ) -> tuple[float, float]:
    """(km² of `geom` inside the units, km² outside them: sea, Russia, far away)."""
    total = area_km2(geom)
    if geom is None or geom.is_empty:
        return 0.0, 0.0
    land = units_land(regions_path)
    if land.contains(geom):
        return total, 0.0
    inside = area_km2(shapely.intersection(geom, land))
    return inside, max(0.0, total - inside)
