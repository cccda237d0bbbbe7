"""Territorial-control snapshots: import, fetch (local server only), cache, area arithmetic.

No test touches the network: fetches go to an http.server on 127.0.0.1 started here, and an
autouse fixture points the DeepStateMap base URL at a closed local port by default.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import click
import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner
from pyproj import Geod, Transformer
from shapely.geometry import MultiPolygon, Polygon, box, mapping

from claims_atlas.cli.control import control
from claims_atlas.core import control as ctl
from claims_atlas.core import vocab

FIXTURES = Path(__file__).parent / "fixtures" / "control"
ARCHIVE = FIXTURES / "deepstatemap_data_20251120.geojson"
API_LAST = FIXTURES / "deepstatemap_api_last.json"
API_GEOJSON = FIXTURES / "deepstatemap_api_geojson.json"
DAY = "2025-11-20"

TO_3035 = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)
TO_4326 = Transformer.from_crs("EPSG:3035", "EPSG:4326", always_xy=True)
X0, Y0 = TO_3035.transform(37.0, 48.0)  # a corner in Donbas, in EPSG:3035 metres
KM = 1000.0


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """A private cache, and no way to reach the real DeepStateMap by accident."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(ctl.CACHE_ENV, str(cache))
    monkeypatch.setenv(ctl.DEEPSTATE_URL_ENV, f"http://127.0.0.1:{closed_port()}/api")
    ctl._stats_cached.cache_clear()
    return cache


@pytest.fixture
def cache(isolated) -> Path:
    return isolated


def run(*args: str):
    result = CliRunner().invoke(control, list(args))
    return result


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes (the cache's full state)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def write(path: Path, obj) -> Path:
    path.write_text(obj if isinstance(obj, str) else json.dumps(obj), encoding="utf-8")
    return path


def sq(x0, y0, x1, y1):
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]


def metric_box(x0, y0, x1, y1) -> Polygon:
    """A rectangle given in km from (X0, Y0) in EPSG:3035, as a lon/lat polygon.

    Edges carry a vertex every 50 m, so that they stay straight in EPSG:3035 to well under a
    millimetre and areas are exact to ~1e-6.
    """
    rect = shapely.segmentize(box(X0 + x0 * KM, Y0 + y0 * KM, X0 + x1 * KM, Y0 + y1 * KM), 50)
    return shapely.transform(rect, lambda c: np.column_stack(TO_4326.transform(c[:, 0], c[:, 1])))


def regions_frame(**geoms) -> gpd.GeoDataFrame:
    ids = list(geoms)
    return gpd.GeoDataFrame({"id": ids, "name": [f"Unit {i}" for i in ids]},
                            geometry=list(geoms.values()), crs="EPSG:4326")


# --- parsing and import --------------------------------------------------------------------


def test_core_is_pure():
    code = ("import sys, claims_atlas.core.control, claims_atlas.cli.control; "
            "bad = [m for m in ('streamlit', 'folium') if m in sys.modules]; "
            "sys.exit(1 if bad else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_import_archive_shape(cache):
    result = run("import", str(ARCHIVE), "--date", DAY, "--source", "DeepStateMap")
    assert result.exit_code == 0, result.output
    assert "imported DeepStateMap 2025-11-20" in result.stdout
    snap = cache / "control" / "deepstatemap" / "2025-11-20.geojson"
    doc = json.loads(snap.read_text())
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 1
    feat = doc["features"][0]
    assert feat["geometry"]["type"] == "MultiPolygon"
    props = feat["properties"]
    assert set(props) == {"source", "date", "attribution", "imported_at",
                          "original_file_sha256"}
    assert props["attribution"] == ctl.DEEPSTATE_ATTRIBUTION
    assert props["date"] == DAY
    assert len(props["original_file_sha256"]) == 64
    (info,) = ctl.list_snapshots()
    assert (info.source, info.date, info.path) == ("DeepStateMap", dt.date(2025, 11, 20), snap)
    assert info.credit == "Control: DeepStateMap (deepstatemap.live), snapshot of 2025-11-20"
    geom = ctl.load_snapshot(info)
    expected = box(37.0, 48.0, 37.4, 48.2).union(box(34.0, 45.0, 34.1, 45.1))
    assert isinstance(geom, MultiPolygon)
    assert geom.symmetric_difference(expected).area < 1e-12
    index = json.loads((cache / "control" / "index.json").read_text())
    assert [e["path"] for e in index["snapshots"]] == ["deepstatemap/2025-11-20.geojson"]


def test_import_bare_geometry(tmp_path):
    src = write(tmp_path / "g.geojson", {"type": "Polygon", "coordinates": sq(37, 48, 37.5, 48.5)})
    result = run("import", str(src), "--date", DAY, "--source", "My map",
                 "--attribution", "Control: drawn by hand")
    assert result.exit_code == 0, result.output
    (info,) = ctl.list_snapshots()
    assert info.slug == "my-map" and info.attribution == "Control: drawn by hand"


def test_import_api_shape_keeps_only_occupied_polygons(cache):
    result = run("import", str(API_LAST), "--date", DAY, "--source", "DeepStateMap")
    assert result.exit_code == 0, result.output
    assert "DeepStateMap API snapshot" in result.stdout
    assert "2 liberated polygons" in result.stdout and "1 contested polygons" in result.stdout
    assert "1 lines" in result.stdout and "2 points" in result.stdout
    assert "dropped the third coordinate" in result.stderr
    (info,) = ctl.list_snapshots()
    geom = ctl.load_snapshot(info)
    occupied = shapely.union_all([box(37.0, 48.0, 37.4, 48.2), box(34.0, 45.0, 34.1, 45.1),
                                  box(38.0, 47.0, 38.1, 47.1)])
    assert geom.symmetric_difference(occupied).area < 1e-10
    assert not geom.intersects(box(36.81, 48.01, 36.99, 48.19))  # the contested square
    assert not geom.intersects(box(36.01, 48.01, 36.19, 48.19))  # liberated
    assert shapely.get_coordinate_dimension(geom) == 2
    raw = json.loads(info.path.read_text())["features"][0]["geometry"]["coordinates"]
    assert all(len(pt) == 2 for poly in raw for ring in poly for pt in ring)


def test_parse_detects_deepstate_geojson_without_map_member():
    parsed = ctl.parse_control(API_GEOJSON.read_bytes(), "x.json")
    assert parsed.kind == "DeepStateMap GeoJSON"
    assert parsed.dropped["contested polygons"] == 1
    assert ctl.area_km2(parsed.geometry) == pytest.approx(
        ctl.area_km2(shapely.union_all([box(37.0, 48.0, 37.4, 48.2), box(34.0, 45.0, 34.1, 45.1),
                                        box(38.0, 47.0, 38.1, 47.1)])), rel=1e-6)


def test_parse_unknown_fill_is_left_out_with_a_note():
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"fill": "#a52714"},
         "geometry": {"type": "Polygon", "coordinates": sq(37, 48, 37.1, 48.1)}},
        {"type": "Feature", "properties": {"fill": "#123456"},
         "geometry": {"type": "Polygon", "coordinates": sq(38, 48, 38.1, 48.1)}}]}
    parsed = ctl.parse_control(json.dumps(fc), "x")
    assert parsed.dropped == {"polygons of other colours": 1}
    assert any("#123456" in n for n in parsed.notes)


def test_import_plain_geojson_feature_collection(tmp_path):
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "a", "side": "ru"},
         "geometry": {"type": "Polygon", "coordinates": sq(37, 48, 37.2, 48.2)}},
        {"type": "Feature", "properties": {"name": "b"},
         "geometry": {"type": "MultiPolygon", "coordinates": [sq(35, 47, 35.1, 47.1)]}},
        {"type": "Feature", "properties": {}, "geometry": None},
    ]}
    src = write(tmp_path / "isw.geojson", fc)
    result = run("import", str(src), "--date", "2025-11-21", "--source", "ISW")
    assert result.exit_code == 0, result.output
    (info,) = ctl.list_snapshots()
    assert info.attribution == "Control: ISW"
    assert ctl.area_km2(ctl.load_snapshot(info)) == pytest.approx(
        ctl.area_km2(box(37, 48, 37.2, 48.2)) + ctl.area_km2(box(35, 47, 35.1, 47.1)), rel=1e-9)


def test_multi_day_archive_contributes_the_requested_day_only(tmp_path):
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"date": "2025-11-19"},
         "geometry": {"type": "Polygon", "coordinates": sq(37, 48, 37.2, 48.2)}},
        {"type": "Feature", "properties": {"date": "2025-11-20"},
         "geometry": {"type": "Polygon", "coordinates": sq(37, 48, 37.3, 48.2)}}]}
    parsed = ctl.parse_control(json.dumps(fc), "x", date=dt.date(2025, 11, 20))
    assert parsed.geometry.equals(MultiPolygon([box(37, 48, 37.3, 48.2)]))
    with pytest.raises(ctl.ControlImportError, match="none of 2025-11-21"):
        ctl.parse_control(json.dumps(fc), "x", date=dt.date(2025, 11, 21))


def test_hairline_gaps_between_neighbouring_features_are_sealed():
    # DeepStateMap draws "occupied before 2022" and "since 2022" as separate polygons whose
    # shared edges do not quite meet; the union must not keep a hairline gap between them.
    fc = {"id": 1, "datetime": "2025-11-20T10:00:00Z", "map": {
        "type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"fill": "#880e4f"},
             "geometry": {"type": "Polygon", "coordinates": sq(37, 48, 37.2, 48.2)}},
            {"type": "Feature", "properties": {"fill": "#a52714"},
             "geometry": {"type": "Polygon", "coordinates": sq(37.2000001, 48, 37.4, 48.2)}}]}}
    geom = ctl.parse_control(json.dumps(fc), "x").geometry
    assert len(geom.geoms) == 1 and not geom.geoms[0].interiors
    assert ctl.area_km2(geom) == pytest.approx(ctl.area_km2(box(37, 48, 37.4, 48.2)), rel=1e-6)


JUNK = {
    "not_json": (b"this is not JSON", "not JSON"),
    "empty": (b"   \n", "empty file"),
    "binary": (b"\xff\xfe\x00garbage", "not JSON"),
    "no_polygons": ({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {},
         "geometry": {"type": "LineString", "coordinates": [[37, 48], [38, 48]]}},
        {"type": "Feature", "properties": {},
         "geometry": {"type": "Point", "coordinates": [37, 48]}}]}, "no polygons"),
    "only_contested": ({"id": 1, "datetime": "2025-11-20T10:00:00Z", "map": {
        "type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"fill": "#bcaaa4"},
             "geometry": {"type": "Polygon", "coordinates": sq(37, 48, 37.1, 48.1)}}]}},
        "no occupied polygons"),
    "self_intersecting": ({"type": "Polygon", "coordinates": [
        [[37, 48], [37.2, 48.2], [37.2, 48], [37, 48.2], [37, 48]]]}, "Self-intersection"),
    "unclosed_ring": ({"type": "Polygon", "coordinates": [
        [[37, 48], [37.2, 48], [37.2, 48.2], [37, 48.2]]]}, "not closed"),
    "short_ring": ({"type": "Polygon", "coordinates": [[[37, 48], [37.2, 48], [37, 48]]]},
                   "at least 4"),
    "text_coordinates": ({"type": "Polygon", "coordinates": [
        [["37", 48], [37.2, 48], [37.2, 48.2], ["37", 48]]]}, "non-numeric"),
    "outside": ({"type": "Polygon", "coordinates": sq(2.3, 48.8, 2.4, 48.9)},
                "outside Ukraine"),
    "swapped": ({"type": "Polygon", "coordinates": sq(48.0, 37.0, 48.2, 37.2)}, "swapped"),
    "projected": ({"type": "Polygon", "coordinates": sq(4118000, 6106000, 4119000, 6107000)},
                  "not degrees"),
    "crs_3857": ({"type": "FeatureCollection",
                  "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
                  "features": []}, "coordinate system"),
    "unknown_object": ({"hello": "world"}, "unknown shape"),
    "unknown_type": ({"type": "Banana", "coordinates": []}, "unknown shape"),
    "top_level_list": ([1, 2, 3], "unknown shape"),
    "topojson": ({"type": "Topology", "objects": {}}, "TopoJSON"),
    "unknown_geometry": ({"type": "Feature", "properties": {},
                          "geometry": {"type": "Circle", "coordinates": [37, 48]}},
                         "unknown geometry type"),
    "map_not_collection": ({"id": 1, "datetime": "x", "map": [1]}, "unknown shape"),
}


@pytest.mark.parametrize("name", sorted(JUNK))
def test_junk_is_refused_with_one_line_and_nothing_written(tmp_path, cache, name):
    content, message = JUNK[name]
    src = tmp_path / f"{name}.geojson"
    if isinstance(content, bytes):
        src.write_bytes(content)
    else:
        write(src, content)
    before = tree(cache)
    result = run("import", str(src), "--date", DAY, "--source", "DeepStateMap")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"claims-atlas: error: {src}: "), lines[0]
    assert message in lines[0]
    assert "Traceback" not in result.output
    assert tree(cache) == before
    assert not cache.exists()


def test_junk_next_to_a_good_snapshot_leaves_the_cache_unchanged(cache):
    assert run("import", str(ARCHIVE), "--date", DAY, "--source", "DeepStateMap").exit_code == 0
    before = tree(cache)
    for bad in (FIXTURES / "not_json.txt", FIXTURES / "self_intersecting.geojson"):
        result = run("import", str(bad), "--date", DAY, "--source", "DeepStateMap")
        assert result.exit_code == 1 and result.stderr.startswith(f"claims-atlas: error: {bad}: ")
    assert tree(cache) == before


def test_missing_file_and_bad_date_are_one_line_errors(tmp_path, cache):
    result = run("import", str(tmp_path / "nope.geojson"), "--date", DAY, "--source", "X")
    assert result.exit_code == 1
    missing = tmp_path / "nope.geojson"
    assert result.stderr.strip() == (f"claims-atlas: error: {missing}: cannot read "
                                     "(No such file or directory)")
    result = run("import", str(ARCHIVE), "--date", "20-11-2025", "--source", "X")
    assert result.exit_code == 1 and result.stderr.startswith("claims-atlas: error: --date: ")
    assert not cache.exists()


def test_repair_mends_a_self_intersecting_ring(cache):
    src = FIXTURES / "self_intersecting.geojson"
    result = run("import", str(src), "--date", DAY, "--source", "Sketch", "--repair")
    assert result.exit_code == 0, result.output
    (info,) = ctl.list_snapshots()
    geom = ctl.load_snapshot(info)
    assert geom.is_valid and len(geom.geoms) == 2


def test_gzip_input_is_accepted(tmp_path):
    import gzip

    src = tmp_path / "archive.geojson.gz"
    src.write_bytes(gzip.compress(ARCHIVE.read_bytes()))
    assert ctl.import_file(src, source="DeepStateMap", date=DAY).parsed.polygons == 2


# --- repeatable, atomic --------------------------------------------------------------------


def test_same_source_and_date_twice_is_one_snapshot(tmp_path, cache):
    first = run("import", str(ARCHIVE), "--date", DAY, "--source", "DeepStateMap")
    assert first.exit_code == 0 and "replaced" not in first.output
    bigger = write(tmp_path / "b.geojson", {"type": "Polygon",
                                            "coordinates": sq(37, 48, 38, 48.5)})
    second = run("import", str(bigger), "--date", DAY, "--source", "deepstatemap")
    assert second.exit_code == 0, second.output
    assert "replaced the DeepStateMap snapshot of 2025-11-20" in second.stderr
    (info,) = ctl.list_snapshots()
    assert ctl.load_snapshot(info).equals(MultiPolygon([box(37, 48, 38, 48.5)]))
    other_day = run("import", str(ARCHIVE), "--date", "2025-11-21", "--source", "DeepStateMap")
    other_source = run("import", str(ARCHIVE), "--date", DAY, "--source", "ISW")
    assert other_day.exit_code == other_source.exit_code == 0
    assert [(i.source, str(i.date)) for i in ctl.list_snapshots()] == [
        ("DeepStateMap", "2025-11-20"), ("DeepStateMap", "2025-11-21"), ("ISW", "2025-11-20")]
    index = json.loads((cache / "control" / "index.json").read_text())
    assert len(index["snapshots"]) == 3


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failure_mid_write_leaves_the_old_cache_intact(tmp_path, cache, monkeypatch, failing):
    assert run("import", str(ARCHIVE), "--date", DAY, "--source", "DeepStateMap").exit_code == 0
    before = tree(cache)
    new = write(tmp_path / "new.geojson", {"type": "Polygon", "coordinates": sq(37, 48, 38, 49)})

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ctl.os, failing, boom)
    result = run("import", str(new), "--date", DAY, "--source", "DeepStateMap")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("claims-atlas: error: cannot write to the cache ")
    assert "Traceback" not in result.output
    assert tree(cache) == before  # same files, same bytes, no temp files left
    monkeypatch.undo()
    (info,) = ctl.list_snapshots(cache)
    assert ctl.load_snapshot(info).equals(
        ctl.parse_control(ARCHIVE.read_bytes(), "a").geometry)


def test_index_write_failure_after_the_commit_is_harmless(tmp_path, cache, monkeypatch):
    assert run("import", str(ARCHIVE), "--date", DAY, "--source", "DeepStateMap").exit_code == 0
    real = ctl._atomic_write

    def no_index(path, data):
        if path.name == "index.json":
            raise OSError(13, "Permission denied")
        real(path, data)

    monkeypatch.setattr(ctl.store, "_atomic_write", no_index)
    new = write(tmp_path / "new.geojson", {"type": "Polygon", "coordinates": sq(37, 48, 38, 49)})
    result = run("import", str(new), "--date", DAY, "--source", "DeepStateMap")
    assert result.exit_code == 0, result.output
    (info,) = ctl.list_snapshots()  # the stale index entry is rebuilt from the file
    assert ctl.load_snapshot(info).equals(MultiPolygon([box(37, 48, 38, 49)]))
    assert info.area_km2 == pytest.approx(ctl.area_km2(box(37, 48, 38, 49)), rel=1e-6)


def test_index_is_rebuilt_from_the_snapshots(cache):
    assert run("import", str(ARCHIVE), "--date", DAY, "--source", "DeepStateMap").exit_code == 0
    index = cache / "control" / "index.json"
    index.write_text("{ half a file")
    (info,) = ctl.list_snapshots()
    assert info.source == "DeepStateMap" and info.area_km2 > 0
    index.unlink()
    assert [i.date for i in ctl.list_snapshots()] == [dt.date(2025, 11, 20)]


def test_list_command(cache):
    assert run("list").exit_code == 0
    assert run("import", str(ARCHIVE), "--date", DAY, "--source", "DeepStateMap").exit_code == 0
    result = run("list")
    assert result.exit_code == 0
    for text in ("DeepStateMap", DAY, ctl.DEEPSTATE_ATTRIBUTION, "imported at",
                 str(cache / "control" / "deepstatemap" / "2025-11-20.geojson")):
        assert text in result.stdout
    (row,) = json.loads(run("list", "--format", "json").stdout)
    assert set(row) == {"source", "date", "attribution", "area_km2", "imported_at", "path"}


# --- arithmetic ----------------------------------------------------------------------------


def test_region_stats_exact_on_metric_squares():
    # Two 10 km x 10 km units side by side (exactly 100 km² each in EPSG:3035). The occupied
    # polygon covers the east 3 km of A, all of B, and 5 km beyond B (outside the units: sea
    # or Russia), and overhangs north and south by 1 km.
    regions = regions_frame(**{"UA-A": metric_box(0, 0, 10, 10), "UA-B": metric_box(10, 0, 20, 10)})
    occupied = MultiPolygon([metric_box(7, -1, 25, 11)])
    a, b = ctl.region_stats(occupied, regions)
    assert a["region"] == "UA-A" and a["name"] == "Unit UA-A"
    assert a["area_km2"] == pytest.approx(100, rel=1e-9)
    assert a["russian_km2"] == pytest.approx(30, rel=1e-6)
    assert a["russian_share"] == pytest.approx(0.3, rel=1e-6)
    assert a["ukrainian_km2"] == pytest.approx(70, rel=1e-6)
    assert b["russian_share"] == pytest.approx(1.0, rel=1e-9)
    assert b["ukrainian_km2"] == pytest.approx(0, abs=1e-6)
    totals = ctl.totals_of([a, b], occupied)
    assert totals["russian_km2"] == pytest.approx(130, rel=1e-6)
    assert totals["snapshot_km2"] == pytest.approx(18 * 12, rel=1e-9)
    assert totals["outside_units_km2"] == pytest.approx(18 * 12 - 130, rel=1e-6)


def test_split_region_parts_match_the_stats():
    region = metric_box(0, 0, 10, 10)
    occupied = metric_box(6, -1, 12, 11)
    russian, ukrainian = ctl.split_region(region, occupied)
    assert ctl.area_km2(russian) == pytest.approx(40, rel=1e-6)
    assert ctl.area_km2(ukrainian) == pytest.approx(60, rel=1e-6)
    assert russian.union(ukrainian).symmetric_difference(region).area < 1e-12
    assert russian.intersection(ukrainian).area < 1e-12
    empty_r, whole_u = ctl.split_region(region, MultiPolygon())
    assert empty_r.is_empty and whole_u.equals(MultiPolygon([region]))


def test_coastal_sliver_is_counted_as_occupied():
    # The occupied polygon stops 200 m short of the unit's south edge (its coast): a 10 km x
    # 200 m strip, 2 km², half its outline on the coast -> a sliver, counted as occupied.
    region = metric_box(0, 0, 10, 10)
    frame = regions_frame(**{"UA-A": region})
    (row,) = ctl.region_stats(MultiPolygon([metric_box(-1, 0.2, 11, 11)]), frame)
    assert row["slivers_km2"] == pytest.approx(2, rel=1e-5)
    assert row["russian_km2"] == pytest.approx(100, rel=1e-6)
    assert row["ukrainian_km2"] == pytest.approx(0, abs=1e-5)
    russian, ukrainian = ctl.split_region(region, metric_box(-1, 0.2, 11, 11))
    assert ukrainian.is_empty and ctl.area_km2(russian) == pytest.approx(100, rel=1e-6)


@pytest.mark.parametrize("occupied, not_occupied_km2", [
    # a 6 km x 6 km corner on the coast: a quarter of it lies more than 3 km inland
    (lambda: shapely.difference(metric_box(-1, -1, 11, 11), metric_box(-1, -1, 6, 6)), 36.0),
    # a 10 km x 5 km strip on the coast: too deep to be a mismatch of coastlines
    (lambda: metric_box(-1, 5, 11, 11), 50.0),
    # a thin 2 km x 200 m gap inside the occupied area (not near the coast): a grey zone
    (lambda: shapely.difference(metric_box(-1, -1, 11, 11), metric_box(4, 5, 6, 5.2)), 0.4),
])
def test_pieces_that_are_not_slivers_stay_not_occupied(occupied, not_occupied_km2):
    frame = regions_frame(**{"UA-A": metric_box(0, 0, 10, 10)})
    (row,) = ctl.region_stats(occupied(), frame)
    assert row["slivers_km2"] == 0
    assert row["ukrainian_km2"] == pytest.approx(not_occupied_km2, rel=1e-5)


def test_coast_gaps_crimea_sevastopol_wide_strip_and_lake_read_100():
    """Shared case coast-gaps-crimea-sevastopol, in small: the real archive gave Crimea 99.14 %
    and Sevastopol 96.40 % on every date (strips 0.9-2.6 km wide along the coast)."""
    # The Kerch kind: a 10 km x 2.6 km strip between the control data's coast and the
    # boundary file's (26 km², wider than 1 km), and a 1 km² "lake" hole 1 km inland that the
    # control data leaves out: the data shows the unit wholly held, so it reads exactly 100 %.
    region = metric_box(0, 0, 10, 10)
    occupied = shapely.difference(metric_box(-1, 2.6, 11, 11), metric_box(4, 8, 5, 9))
    (row,) = ctl.region_stats(MultiPolygon([occupied]), regions_frame(**{"UA-A": region}))
    assert row["slivers_km2"] == pytest.approx(27, rel=1e-5)
    assert row["russian_share"] == 1.0 and row["ukrainian_km2"] == 0.0
    moved = ctl.moved_by({"UA-A": [("whole", "recognised_russian_de_jure")]}, [row])
    assert moved[0]["to_russia_km2"] == 0.0  # boundary noise never moves


def test_overhang_speck_is_not_russian_held_ground():
    # The occupied polygon overhangs A's generalised edge into B by 300 m along 2 km
    # (0.6 km²): B reads 0 km² held and split_region gives it no Russian-held part.
    frame = regions_frame(**{"UA-A": metric_box(0, 0, 10, 10), "UA-B": metric_box(10, 0, 20, 10)})
    occupied = shapely.union(metric_box(-1, -1, 10, 11), metric_box(10, 4, 10.3, 6))
    a, b = ctl.region_stats(MultiPolygon([occupied]), frame)
    assert a["russian_share"] == 1.0
    assert b["russian_km2"] == 0.0 and b["specks_km2"] == pytest.approx(0.6, rel=1e-4)
    russian, ukrainian = ctl.split_region(metric_box(10, 0, 20, 10), occupied)
    assert russian.is_empty and ctl.area_km2(ukrainian) == pytest.approx(100, rel=1e-6)
    moved = ctl.moved_by({"UA-B": [("russian_held", "russian_withdrawal")]}, [a, b])
    assert moved[0]["to_ukraine_km2"] == 0.0


def test_interior_check_agrees_with_a_plain_intersection_away_from_the_coast():
    # Independent: shapely's plain intersection on the land farther than 3 km from the coast
    # against the method's split, per unit; and pyproj.Geod areas against EPSG:3035.
    frame = regions_frame(**{"UA-A": metric_box(0, 0, 30, 30), "UA-B": metric_box(30, 0, 60, 30)})
    occupied = shapely.difference(metric_box(17, 1.5, 61, 31), metric_box(40, 10, 45, 12))
    rows = {r["region"]: r for r in ctl.region_stats(MultiPolygon([occupied]), frame)}
    check = {r["region"]: r for r in ctl.interior_check(MultiPolygon([occupied]), frame)}
    for rid in ("UA-A", "UA-B"):
        assert abs(check[rid]["plain_share"] - check[rid]["method_share"]) < 0.005
    # in B the coast strip (1.5 km) is a gap, the inland hole (10 km²) is not; in A the strip
    # continues A's Ukrainian-held west (one piece reaching inland), so it stays Ukrainian
    assert rows["UA-B"]["ukrainian_km2"] == pytest.approx(10, rel=1e-4)
    assert rows["UA-A"]["russian_km2"] == pytest.approx(13 * 28.5, rel=1e-4)
    geod = Geod(ellps="WGS84")
    whole_b = shapely.segmentize(metric_box(30, 0, 60, 30), 0.001)
    held_b = shapely.segmentize(shapely.difference(whole_b, metric_box(40, 10, 45, 12)), 0.001)
    geo_share = geod.geometry_area_perimeter(held_b)[0] / geod.geometry_area_perimeter(whole_b)[0]
    assert abs(rows["UA-B"]["russian_share"] - abs(geo_share)) < 0.005


def test_slivers_only_count_along_the_coast_or_national_border():
    # Two units; the occupied area covers B and A except a 200 m strip along the A/B border:
    # an inner border, not the coast, so the strip is not a sliver.
    frame = regions_frame(**{"UA-A": metric_box(0, 0, 10, 10), "UA-B": metric_box(10, 0, 20, 10)})
    occupied = shapely.difference(metric_box(-1, -1, 21, 11), metric_box(9.8, 0, 10, 10))
    a, b = ctl.region_stats(MultiPolygon([occupied]), frame)
    assert a["slivers_km2"] == 0 and a["ukrainian_km2"] == pytest.approx(2, rel=1e-5)


def test_projected_area_agrees_with_geodesic_area():
    # Independent check: pyproj.Geod on the WGS84 ellipsoid vs our EPSG:3035 area.
    geod = Geod(ellps="WGS84")
    region = shapely.segmentize(box(36.0, 47.0, 38.0, 48.5), 0.01)
    occupied = shapely.segmentize(
        Polygon([(37.1, 46.0), (39.0, 46.0), (39.0, 49.0), (36.6, 49.0), (37.4, 47.7)]), 0.01)
    (row,) = ctl.region_stats(MultiPolygon([occupied]), regions_frame(**{"UA-A": region}))
    geo_area = abs(geod.geometry_area_perimeter(region)[0]) / 1e6
    geo_occ = abs(geod.geometry_area_perimeter(region.intersection(occupied))[0]) / 1e6
    assert row["area_km2"] == pytest.approx(geo_area, rel=0.005)
    assert row["russian_km2"] == pytest.approx(geo_occ, rel=0.005)
    assert row["russian_share"] == pytest.approx(geo_occ / geo_area, abs=0.005)


# --- stats command and cache ---------------------------------------------------------------


@pytest.fixture
def regions_file(tmp_path) -> Path:
    frame = regions_frame(**{"UA-A": metric_box(0, 0, 10, 10), "UA-B": metric_box(10, 0, 20, 10)})
    path = tmp_path / "regions.geojson"
    path.write_text(frame.to_json())
    return path


@pytest.fixture
def metric_snapshot(tmp_path, cache) -> Path:
    src = write(tmp_path / "m.geojson", {"type": "Feature", "properties": {},
                                         "geometry": mapping(metric_box(7, -1, 25, 11))})
    assert run("import", str(src), "--date", DAY, "--source", "Test source").exit_code == 0
    return cache / "control" / "test-source" / f"{DAY}.geojson"


def test_stats_json(metric_snapshot, regions_file):
    result = run("stats", "--date", DAY, "--source", "Test source", "--format", "json",
                 "--regions", str(regions_file))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["source"] == "Test source" and doc["date"] == DAY
    assert doc["attribution"] == "Control: Test source"
    assert "EPSG:3035" in doc["method"] and "contested" in doc["method"]
    a, b = doc["regions"]
    assert {k: a[k] for k in ("region", "area_km2", "russian_km2", "ukrainian_km2")} == {
        "region": "UA-A", "area_km2": 100.0, "russian_km2": 30.0, "ukrainian_km2": 70.0}
    assert a["russian_share"] == 0.3 and b["russian_share"] == 1.0
    assert set(a) >= {"region", "name", "area_km2", "russian_km2", "russian_share",
                      "ukrainian_km2"}
    assert doc["totals"]["russian_km2"] == 130.0


def test_stats_csv_and_table(metric_snapshot, regions_file):
    csv_out = run("stats", "--date", DAY, "--source", "test-source", "--format", "csv",
                  "--regions", str(regions_file)).stdout
    lines = csv_out.splitlines()
    assert lines[0] == "# source: Test source" and lines[1] == f"# date: {DAY}"
    assert any(line.startswith("# method: Areas in an equal-area projection") for line in lines)
    header = [line for line in lines if not line.startswith("#")][0]
    assert header == "region,name,area_km2,russian_km2,russian_share,ukrainian_km2,slivers_km2"
    assert "UA-A,Unit UA-A,100.0,30.0,0.3,70.0,0.0" in lines
    table = run("stats", "--date", DAY, "--source", "Test source",
                "--regions", str(regions_file)).stdout
    assert table.startswith("Control: Test source, snapshot of 2025-11-20")
    assert "UA-A" in table and "30.0" in table and "Method: " in table


def test_stats_are_cached_on_disk_and_in_process(metric_snapshot, regions_file, monkeypatch):
    (info,) = ctl.list_snapshots()
    first = ctl.snapshot_stats(info, regions_file)
    assert not first.cached
    db = metric_snapshot.parent.parent / "figures.sqlite"  # the one table of figures
    with sqlite3.connect(db) as con:
        stored = con.execute("SELECT region, russian_km2, snapshot_sha256, geodata_sha256 "
                             "FROM figures WHERE source = 'test-source' AND date = ?",
                             (DAY,)).fetchall()
    assert [(r, round(km2, 6)) for r, km2, _, _ in stored] == [("UA-A", 30.0), ("UA-B", 100.0)]
    assert all(snap and geo for _, _, snap, geo in stored)
    calls = []
    monkeypatch.setattr(ctl.areas, "region_stats", lambda *a: calls.append(a) or [])
    assert ctl.snapshot_stats(info, regions_file).regions == first.regions  # in-process
    ctl._stats_cached.cache_clear()
    again = ctl.snapshot_stats(info, regions_file)  # from the JSON next to the snapshot
    assert again.cached and again.regions == first.regions and not calls
    # a changed boundary file is a different key: recomputed
    regions_file.write_text(regions_file.read_text() + "\n")
    ctl.snapshot_stats(info, regions_file)
    assert len(calls) == 1


def test_stats_errors_are_one_line(cache, regions_file, metric_snapshot):
    result = run("stats", "--date", "2025-11-21", "--source", "Test source",
                 "--regions", str(regions_file))
    assert result.exit_code == 1
    assert result.stderr.strip() == \
        "claims-atlas: error: no Test source snapshot of 2025-11-21; cached dates: 2025-11-20"
    result = run("stats", "--date", DAY, "--source", "Nobody", "--regions", str(regions_file))
    assert result.exit_code == 1 and "no snapshot of source 'Nobody'" in result.stderr
    result = run("stats", "--date", DAY, "--source", "Test source",
                 "--regions", str(cache / "missing.geojson"))
    assert result.exit_code == 1 and result.stderr.startswith("claims-atlas: error: ")
    assert "missing" in result.stderr and len(result.stderr.strip().splitlines()) == 1


# --- moved_by ------------------------------------------------------------------------------

STATS = [
    {"region": "UA-14", "name": "Donetsk", "area_km2": 100.0, "russian_km2": 75.0,
     "russian_share": 0.75, "ukrainian_km2": 25.0},
    {"region": "UA-23", "name": "Zaporizhzhia", "area_km2": 200.0, "russian_km2": 150.0,
     "russian_share": 0.75, "ukrainian_km2": 50.0},
    {"region": "UA-63", "name": "Kharkiv", "area_km2": 300.0, "russian_km2": 12.0,
     "russian_share": 0.04, "ukrainian_km2": 288.0},
    {"region": "UA-05", "name": "Vinnytsia", "area_km2": 400.0, "russian_km2": 0.0,
     "russian_share": 0.0, "ukrainian_km2": 400.0},
]


def test_every_disposition_has_a_rule():
    assert set(ctl.MOVE_RULES) == set(vocab.ids())
    assert set(ctl.PARTS) == {"whole", "russian_held", "ukrainian_held"}


def test_moved_by():
    rows = ctl.moved_by({
        "UA-14": [("whole", "ukrainian_withdrawal")],
        "UA-23": [("russian_held", "recognised_russian_de_facto"),
                  ("ukrainian_held", "frozen_at_contact_line")],
        "UA-63": [("russian_held", "russian_withdrawal")],
    }, STATS)
    by = {r["region"]: r for r in rows}
    assert list(by) == ["UA-14", "UA-23", "UA-63", "total"]
    assert by["UA-14"]["to_russia_km2"] == 25.0 and by["UA-14"]["to_russia_share"] == 0.25
    assert by["UA-14"]["moved_by"] == ["whole:ukrainian_withdrawal"]
    assert by["UA-23"]["to_russia_km2"] == 0 and by["UA-23"]["to_ukraine_km2"] == 0
    assert by["UA-63"]["to_ukraine_km2"] == 12.0 and by["UA-63"]["to_ukraine_share"] == 0.04
    total = by["total"]
    assert total["to_russia_km2"] == 25.0 and total["to_ukraine_km2"] == 12.0
    assert total["net_to_russia_km2"] == 13.0
    assert total["to_russia_share"] == pytest.approx(25 / 1000)


@pytest.mark.parametrize("part, disposition, to_russia, to_ukraine", [
    ("whole", "recognised_russian_de_jure", 25.0, 0.0),
    ("whole", "recognised_russian_de_facto", 25.0, 0.0),
    ("whole", "demilitarised_zone", 25.0, 0.0),
    ("ukrainian_held", "demilitarised_zone", 25.0, 0.0),
    ("russian_held", "ukrainian_withdrawal", 0.0, 0.0),
    ("whole", "russian_withdrawal", 0.0, 75.0),
    ("whole", "restored_to_ukraine", 0.0, 75.0),
    ("ukrainian_held", "restored_to_ukraine", 0.0, 0.0),
    ("whole", "frozen_at_contact_line", 0.0, 0.0),
    ("whole", "negotiate_from_contact_line", 0.0, 0.0),
    ("whole", "deferred", 0.0, 0.0),
    ("whole", "not_addressed", 0.0, 0.0),
])
def test_moved_by_rules(part, disposition, to_russia, to_ukraine):
    row = ctl.moved_by({"UA-14": [(part, disposition)]}, STATS)[0]
    assert (row["to_russia_km2"], row["to_ukraine_km2"]) == (to_russia, to_ukraine)


def test_moved_by_rejects_unknown_input():
    with pytest.raises(ValueError, match="no stats"):
        ctl.moved_by({"UA-99": [("whole", "deferred")]}, STATS)
    with pytest.raises(ValueError, match="unknown part"):
        ctl.moved_by({"UA-14": [("half", "deferred")]}, STATS)
    with pytest.raises(ValueError, match="unknown disposition"):
        ctl.moved_by({"UA-14": [("whole", "annexed")]}, STATS)


# --- fetch (local server only) -------------------------------------------------------------


class FakeDeepState(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, bytes]] = {}
    seen: list[str] = []
    delay = 0.0

    def do_GET(self):  # noqa: N802 - http.server API
        type(self).seen.append(self.path)
        time.sleep(self.delay)
        status, body = self.routes.get(self.path, (404, b'{"error": "not found"}'))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    handler = type("Handler", (FakeDeepState,), {"routes": {}, "seen": [], "delay": 0.0})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(ctl.DEEPSTATE_URL_ENV, f"http://127.0.0.1:{httpd.server_port}/api")
    yield handler
    httpd.shutdown()
    httpd.server_close()


def test_fetch_latest(server, cache):
    server.routes["/api/history/last"] = (200, API_LAST.read_bytes())
    result = run("fetch", "--timeout", "5")
    assert result.exit_code == 0, result.output
    assert server.seen == ["/api/history/last"]
    (info,) = ctl.list_snapshots()
    assert info.source == "DeepStateMap" and info.attribution == ctl.DEEPSTATE_ATTRIBUTION
    assert info.date == dt.date(2025, 11, 20)  # from the snapshot's own datetime
    assert len(ctl.load_snapshot(info).geoms) == 3


def test_fetch_by_date_uses_noon_utc(server, cache):
    noon = int(dt.datetime(2025, 11, 18, 12, tzinfo=dt.UTC).timestamp())
    assert noon == 1763467200
    server.routes[f"/api/history/{noon}/geojson"] = (200, API_GEOJSON.read_bytes())
    result = run("fetch", "--date", "2025-11-18")
    assert result.exit_code == 0, result.output
    assert server.seen == [f"/api/history/{noon}/geojson"]
    (info,) = ctl.list_snapshots()
    assert info.date == dt.date(2025, 11, 18)


def test_fetch_http_error_and_bad_payload(server, cache):
    result = run("fetch", "--date", "2019-01-01")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("claims-atlas: error: http://127.0.0.1:")
    assert "HTTP 404" in result.stderr and "Traceback" not in result.output
    server.routes["/api/history/last"] = (200, b"<html>maintenance</html>")
    result = run("fetch")
    assert result.exit_code == 1 and "not JSON" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not cache.exists()


def test_fetch_timeout(server, cache):
    server.delay = 2.0
    server.routes["/api/history/last"] = (200, API_LAST.read_bytes())
    result = run("fetch", "--timeout", "0.3")
    assert result.exit_code == 1
    assert "no answer within 0.3 s" in result.stderr
    assert not cache.exists()


def test_fetch_offline(cache, monkeypatch):
    monkeypatch.setenv(ctl.DEEPSTATE_URL_ENV, f"http://127.0.0.1:{closed_port()}/api")
    result = run("fetch", "--timeout", "2")
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("claims-atlas: error: cannot reach http://127.0.0.1:")
    assert "offline?" in line
    assert "Traceback" not in result.output
    assert not cache.exists()


def test_default_url_is_deepstatemap(monkeypatch):
    monkeypatch.delenv(ctl.DEEPSTATE_URL_ENV)
    assert ctl.deepstate_url() == "https://deepstatemap.live/api/history/last"
    assert ctl.deepstate_url("2025-11-20") == \
        "https://deepstatemap.live/api/history/1763640000/geojson"


# --- wiring --------------------------------------------------------------------------------


def test_group_attaches_to_a_main_cli_and_accepts_seeds(tmp_path, cache):
    @click.group()
    def main():
        pass

    main.add_command(control)
    result = CliRunner().invoke(main, ["control", "import", str(ARCHIVE), "--date", DAY,
                                       "--source", "DeepStateMap", "--seeds", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(main, ["control", "--help"]).exit_code == 0
