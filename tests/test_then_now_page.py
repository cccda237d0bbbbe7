"""The "Then and now" page in AppTest (a synthetic cached series), and the map PNG that
follows the selected control snapshot."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from claims_atlas.core import catalog as cat
from claims_atlas.core import control, then_now
from claims_atlas.render import formats
from tests.apptest_support import MAIN
from tests.control_series import SOURCE, import_series

# Before and after the 28-point plan's date (2025-11-20): the west edge moves east, so
# Ukraine holds more of Donetsk later and the plan would pass more of it to Russia.
SERIES = [("2025-11-10", 37.2), ("2025-11-19", 37.4), ("2026-02-01", 37.9)]
PLAN = "us-28-point-plan"


@pytest.fixture
def series(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMS_ATLAS_CACHE", str(tmp_path / "cache"))
    return import_series(tmp_path, SERIES)


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMS_ATLAS_CACHE", str(tmp_path / "cache"))


def page(proposal: str = PLAN) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params["proposal"] = proposal
    at.run()
    return at.switch_page("app_pages/then_now.py").run()


def texts(at) -> str:
    return "\n".join(t.value for t in at.text)


def test_the_table_shows_each_region_then_and_now_with_both_dates(series):
    at = page()
    assert not at.exception
    frame = at.dataframe[0].value
    donetsk = frame[frame["Region"] == "Donetsk"].iloc[0]
    doc = then_now.then_and_now(cat.load_catalog(), PLAN, SOURCE)
    expected = {r["region"]: r for r in doc["regions"]}["UA-14"]
    then_km2 = donetsk["To Russia km², 2025-11-19"]
    now_km2 = donetsk["To Russia km², 2026-02-01"]
    assert then_km2 == pytest.approx(expected["then"]["to_russia_km2"])
    assert now_km2 == pytest.approx(expected["now"]["to_russia_km2"])
    assert now_km2 > then_km2 > 1000  # the line moved east: more of Donetsk to hand over
    assert donetsk["To Russia share, 2026-02-01"] == pytest.approx(
        now_km2 / expected["area_km2"])
    assert 0 < donetsk["To Russia share, 2025-11-19"] < 1
    assert frame.iloc[-1]["Region"] == "All regions"
    text = texts(at)
    assert ("Proposal dated 2025-11-20. Then: snapshot of 2025-11-19 (the nearest on or "
            "before it); now: snapshot of 2026-02-01 (the latest). Source: Test Source.") in text
    assert "snapshot of 2025-11-19" in text and "snapshot of 2026-02-01" in text
    (chart,) = at.get("vega_lite_chart")
    label = cat.load_catalog().proposal(PLAN).label
    # the plan's date is marked, with its short title (in the chart's Arrow data)
    assert any(label.encode() in d.data.data for d in chart.proto.datasets)
    assert "Occupied km² per snapshot (2025-11-10 to 2026-02-01, 3 dates)" in text


def test_a_proposal_older_than_every_snapshot_shows_only_now(series):
    at = page("istanbul-communique-2022")
    assert not at.exception
    assert "No Test Source snapshot on or before the proposal's date (2022-03-29)" in texts(at)
    frame = at.dataframe[0].value
    then_cols = [c for c in frame.columns if "no snapshot" in c]
    assert then_cols and frame[then_cols].isna().all().all()


def test_without_snapshots_the_page_says_how_to_import(empty_cache):
    at = page()
    assert not at.exception
    assert "No control snapshots are cached" in at.info[0].value
    assert at.code[0].value.startswith("claims-atlas control import ")
    assert not at.dataframe


def test_the_map_png_follows_the_control_selection(series):
    catalog = cat.load_catalog()
    png = formats.get("png")
    plain = png.build(catalog, PLAN, ())
    with_line = png.build(catalog, PLAN, (), control=("2025-11-20", SOURCE))
    assert plain != with_line
    for data in (plain, with_line):
        assert Image.open(io.BytesIO(data)).format == "PNG"
    with pytest.raises(control.SnapshotNotFound):
        png.build(catalog, PLAN, (), control=("2020-01-01", SOURCE))


def test_export_png_takes_a_control_selection(series, tmp_path):
    from click.testing import CliRunner

    from claims_atlas.cli import main

    out = tmp_path / "plan.png"
    ok = CliRunner().invoke(main, ["export", "--format", "png", "--proposal", PLAN,
                                   "--control", f"{SOURCE}/2025-11-20", "-o", str(out)])
    assert ok.exit_code == 0, ok.output
    assert out.read_bytes() == formats.get("png").build(
        cat.load_catalog(), PLAN, (), control=("2025-11-20", SOURCE))
    missing = CliRunner().invoke(main, ["export", "--format", "png", "--proposal", PLAN,
                                        "--control", f"{SOURCE}/2020-01-01"])
    assert missing.exit_code == 1
    assert "claims-atlas: error: no Test Source snapshot on or before 2020-01-01" in \
        missing.output
    bad = CliRunner().invoke(main, ["export", "--format", "png", "--control", "2025-11-20"])
    assert bad.exit_code == 2 and "SOURCE/YYYY-MM-DD" in bad.output


@pytest.mark.parametrize("fmt", ["csv", "geojson", "json"])
def test_export_refuses_a_control_snapshot_it_would_not_draw(fmt):
    """`--control` draws a line of contact in the PNG; other formats used to accept it and
    leave it out in silence."""
    from click.testing import CliRunner

    from claims_atlas.cli import main

    result = CliRunner().invoke(main, ["export", "--format", fmt, "--proposal",
                                       "us-28-point-plan", "--control",
                                       "DeepStateMap/2025-11-20"])
    assert result.exit_code == 2
    assert "--control" in result.output and f"applies to --format png only, not {fmt}" in \
        result.output
