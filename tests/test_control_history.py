"""Importing a history of control snapshots: a folder or glob of dated archive files, in
parallel, idempotent; per-date figures in one embedded table; `control stats --from/--to`.
Synthetic series only (made-up squares; nothing from any archive)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from shapely.geometry import box, mapping

from claims_atlas.cli.control import control
from claims_atlas.core import control as ctl
from claims_atlas.core.control import history

# Everything east of a meridian moving west day by day (not a real line).
WEST = {"20251101": 38.4, "20251102": 38.2, "20251103": 38.0, "20251104": 37.8,
        "20251105": 37.6}


def archive_file(folder: Path, day: str, west: float) -> Path:
    """A file shaped like the community archive's: one MultiPolygon, no properties."""
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
           "geometry": {"type": "MultiPolygon",
                        "coordinates": [mapping(box(west, 46.8, 40.2, 50.0))["coordinates"]]}}]}
    path = folder / f"deepstatemap_data_{day}.geojson"
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture
def series(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(ctl.CACHE_ENV, str(tmp_path / "cache"))
    folder = tmp_path / "archive"
    folder.mkdir()
    for day, west in WEST.items():
        archive_file(folder, day, west)
    (folder / "README.md").write_text("not a snapshot")
    return folder


def run(*args: str):
    return CliRunner().invoke(control, list(args))


def test_folder_import_takes_dates_from_names_and_rerun_is_a_noop(series, tmp_path):
    result = run("import", str(series), "--source", "DeepStateMap", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert "imported 5 snapshot(s), 2025-11-01 to 2025-11-05; 0 unchanged, 0 failed" \
        in result.stdout
    assert "importing 5 file(s)" in result.stderr  # the progress bar
    assert [i.date.isoformat() for i in ctl.list_snapshots()] == [
        f"2025-11-0{d}" for d in range(1, 6)]
    again = run("import", str(series), "--source", "DeepStateMap")
    assert again.exit_code == 0
    assert "imported 0 snapshot(s); 5 unchanged, 0 failed" in again.stdout
    archive_file(series, "20251103", 36.9)  # one day corrected upstream
    third = run("import", str(series), "--source", "DeepStateMap")
    assert "imported 1 snapshot(s), 2025-11-03 to 2025-11-03; 4 unchanged" in third.stdout


def test_figures_live_in_one_table_and_match_a_fresh_computation(series, tmp_path):
    assert run("import", str(series), "--source", "DeepStateMap").exit_code == 0
    db = tmp_path / "cache" / "control" / "figures.sqlite"
    with sqlite3.connect(db) as con:
        tables = sorted(r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table'"))
        count = con.execute("SELECT COUNT(*), COUNT(DISTINCT date) FROM figures").fetchone()
        stored = con.execute("SELECT russian_km2 FROM figures WHERE date = '2025-11-05' AND "
                             "region = 'UA-14'").fetchone()[0]
    assert tables == ["figures", "overlays"] and count == (5 * 27, 5)  # overlays: drawings
    info = ctl.find_snapshot("DeepStateMap", "2025-11-05")
    fresh = {r["region"]: r for r in ctl.region_stats(ctl.load_snapshot(info),
                                                       ctl.read_regions())}
    assert stored == pytest.approx(fresh["UA-14"]["russian_km2"], rel=1e-9)
    report = ctl.snapshot_stats(info)
    assert report.cached  # read from the table: the app never recomputes it
    assert info.area_km2 == pytest.approx(
        report.totals["russian_km2"] - report.totals["slivers_km2"]
        + report.totals["specks_km2"], rel=1e-6)


def test_stats_series_json_csv_and_table(series):
    assert run("import", str(series), "--source", "DeepStateMap").exit_code == 0
    doc = json.loads(run("stats", "--source", "deepstatemap", "--from", "2025-11-02",
                         "--to", "2025-11-04", "--format", "json").stdout)
    assert [s["date"] for s in doc["snapshots"]] == ["2025-11-02", "2025-11-03", "2025-11-04"]
    donetsk = [next(r for r in s["regions"] if r["region"] == "UA-14")["russian_km2"]
               for s in doc["snapshots"]]
    assert donetsk[0] < donetsk[1] < donetsk[2]
    assert "EPSG:3035" in doc["method"] and doc["source"] == "DeepStateMap"
    lines = run("stats", "--source", "DeepStateMap", "--from", "2025-11-04",
                "--format", "csv").stdout.splitlines()
    assert lines[0] == ("date,region,name,area_km2,russian_km2,russian_share,ukrainian_km2,"
                        "slivers_km2,source,credit")
    assert len(lines) == 1 + 2 * 27 and lines[1].startswith("2025-11-04,UA-05,")
    table = run("stats", "--source", "DeepStateMap", "--to", "2025-11-02").stdout
    assert "2025-11-01" in table and "2025-11-02" in table and "2025-11-03" not in table
    both = run("stats", "--source", "DeepStateMap", "--date", "2025-11-01", "--from",
               "2025-11-01")
    assert both.exit_code == 1 and "either --date or --from/--to" in both.stderr
    none = run("stats", "--source", "DeepStateMap", "--from", "2026-01-01")
    assert none.exit_code == 1 and "cached: 2025-11-01 to 2025-11-05" in none.stderr


def test_glob_single_file_and_bad_files(series, tmp_path):
    result = run("import", str(series / "deepstatemap_data_2025110[12].geojson"),
                 "--source", "T")
    assert result.exit_code == 0 and "imported 2 snapshot(s)" in result.stdout
    one = run("import", str(series / "deepstatemap_data_20251105.geojson"), "--source", "T")
    assert one.exit_code == 0 and "imported T 2025-11-05" in one.stdout  # date from name
    (series / "deepstatemap_data_20251106.geojson").write_text("{ half a file")
    bad = run("import", str(series), "--source", "T")
    assert bad.exit_code == 1
    assert "deepstatemap_data_20251106.geojson: not JSON" in bad.stderr
    assert "imported 2 snapshot(s), 2025-11-03 to 2025-11-04; 3 unchanged, 1 failed" \
        in bad.stdout
    refused = run("import", str(series), "--source", "T", "--date", "2025-11-01")
    assert refused.exit_code == 1 and "--date: only for one file" in refused.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = run("import", str(empty), "--source", "T")
    assert nothing.exit_code == 1 and "no files with a date in their name" in nothing.stderr


def test_dates_from_names():
    assert str(history.date_from_name("deepstatemap_data_20240708.geojson")) == "2024-07-08"
    assert history.date_from_name("deepstatemap_data_20241340.geojson") is None
    assert history.date_from_name("notes.geojson") is None


def test_overlays_are_kept_for_the_slider(series, tmp_path):
    from claims_atlas.core.control import timeline

    result = run("import", str(series), "--source", "DeepStateMap", "--overlays")
    assert result.exit_code == 0, result.output
    assert "drawing 5 overlay(s)" in result.stderr
    db = tmp_path / "cache" / "control" / "figures.sqlite"
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM overlays").fetchone()[0] == 5
    timeline._overlay_cached.cache_clear()  # as a new process would be
    kept = timeline.overlay_for("DeepStateMap", "2025-11-04")
    parts = {(f["properties"]["id"], f["properties"]["part"]) for f in kept["parts"]["features"]}
    assert ("UA-14", "russian_held") in parts and kept["date"] == "2025-11-04"
    archive_file(series, "20251104", 36.9)  # re-imported: its kept overlay is dropped
    assert run("import", str(series), "--source", "DeepStateMap").exit_code == 0
    with sqlite3.connect(db) as con:
        dates = [r[0] for r in con.execute("SELECT date FROM overlays ORDER BY date")]
    assert "2025-11-04" not in dates and len(dates) == 4
