"""The control data in time: nearest earlier snapshot, its overlay and figures, a series."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from shapely.geometry import shape

from claims_atlas.core.control import timeline
from tests.control_series import import_series

# Made-up "occupied areas" (not real lines): everything east of a meridian that moves west
# day by day, so Donetsk's occupied share grows along the series.
SERIES = {"2025-11-01": 38.2, "2025-11-10": 37.9, "2025-11-20": 37.6}


@pytest.fixture
def series_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMS_ATLAS_CACHE", str(tmp_path / "cache"))
    import_series(tmp_path, SERIES.items())
    return tmp_path / "cache"


def test_snapshot_dates_are_sorted_and_source_is_any_spelling(series_cache):
    want = [dt.date.fromisoformat(d) for d in sorted(SERIES)]
    assert timeline.snapshot_dates("Test Source") == want
    assert timeline.snapshot_dates("test-source") == want
    assert timeline.snapshot_dates("Other") == []


def test_nearest_snapshot_is_on_or_before_the_date(series_cache):
    assert timeline.nearest_snapshot("Test Source", "2025-11-10").date == dt.date(2025, 11, 10)
    assert timeline.nearest_snapshot("Test Source", "2025-11-19").date == dt.date(2025, 11, 10)
    assert timeline.nearest_snapshot("Test Source", dt.date(2026, 1, 1)).date == \
        dt.date(2025, 11, 20)
    assert timeline.nearest_snapshot("Test Source", "2025-10-31") is None
    assert timeline.latest_snapshot("Test Source").date == dt.date(2025, 11, 20)
    with pytest.raises(ValueError):
        timeline.nearest_snapshot("Test Source", "20 Nov")


def test_overlay_for_names_the_snapshot_it_used(series_cache):
    o = timeline.overlay_for("Test Source", "2025-11-15")
    assert (o["requested"], o["date"], o["key"]) == \
        ("2025-11-15", "2025-11-10", "test-source/2025-11-10")
    assert o["credit"].endswith("snapshot of 2025-11-10") and o["source"] == "Test Source"
    parts = {(f["properties"]["id"], f["properties"]["part"]): shape(f["geometry"])
             for f in o["parts"]["features"]}
    assert parts[("UA-14", "russian_held")].bounds[0] == pytest.approx(37.9, abs=0.01)
    assert o["line"]["features"][0]["properties"] == {"kind": "contact"}
    donetsk = next(r for r in o["regions"] if r["region"] == "UA-14")
    assert 0 < donetsk["russian_share"] < 1
    assert len(o["regions"]) == 27
    json.dumps(o)  # plain data all the way down
    assert timeline.overlay_for("Test Source", "2025-01-01") is None


def test_series_grows_as_the_line_moves_west(series_cache):
    rows = timeline.series("Test Source", regions=["UA-14"])
    assert [r["date"] for r in rows] == sorted(SERIES)
    km2 = [r["russian_km2"] for r in rows]
    assert km2[0] < km2[1] < km2[2]
    figures = timeline.figures_for("Test Source", "2025-11-20")
    d = next(r for r in figures["regions"] if r["region"] == "UA-14")
    assert km2[2] == pytest.approx(d["russian_km2"])
    assert [r["date"] for r in timeline.series("Test Source", start="2025-11-05",
                                                end="2025-11-10")] == ["2025-11-10"] * 27


@pytest.mark.parametrize("value,key", [
    ("DeepStateMap/2025-11-20", "deepstatemap/2025-11-20"),  # the source as imported
    ("deepstatemap/2025-11-20", "deepstatemap/2025-11-20"),
    (" ISW / CTP/2025-11-20", "isw-ctp/2025-11-20"),
    ("x", "x"), ("x/y", "x/y"),  # not a snapshot: left for the page's notice
])
def test_a_link_names_a_snapshot_by_source_in_any_spelling(value, key):
    assert timeline.key_from_link(value) == key


def test_a_link_with_the_source_as_imported_finds_the_snapshot(series_cache):
    from claims_atlas.core import control_view
    info = control_view.find(timeline.key_from_link("Test Source/2025-11-10"))
    assert info is not None and info.date == dt.date(2025, 11, 10)
