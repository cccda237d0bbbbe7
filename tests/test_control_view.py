"""Control data in the atlas: split parts, the line of contact, and what a plan would move."""

from __future__ import annotations

import html
import json

import pytest
from shapely.geometry import shape

from claims_atlas.core import catalog as cat
from claims_atlas.core import control, control_view, geo
from tests.apptest_support import drawn_app

# A made-up "occupied area": everything east of 37.6°E between 46.5°N and 50.5°N, which
# cuts Donetsk in two and covers all of Luhansk (not a real line of contact).
EAST = {"type": "Polygon", "coordinates": [[[37.6, 46.5], [41.0, 46.5], [41.0, 50.5],
                                            [37.6, 50.5], [37.6, 46.5]]]}
KEY = "test-source/2025-11-20"


@pytest.fixture
def snapshot(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMS_ATLAS_CACHE", str(tmp_path / "cache"))
    src = tmp_path / "east.geojson"
    src.write_text(json.dumps(EAST))
    control.import_file(src, source="Test Source", date="2025-11-20",
                        attribution="Control: test squares (synthetic)")
    return control_view.find(KEY)


def test_overlay_splits_donetsk_along_the_line(snapshot):
    o = control_view.overlay(snapshot)
    parts = {(f["properties"]["id"], f["properties"]["part"]): shape(f["geometry"])
             for f in o.parts["features"]}
    assert ("UA-14", "russian_held") in parts and ("UA-14", "ukrainian_held") in parts
    assert parts[("UA-14", "russian_held")].bounds[0] >= 37.59
    assert parts[("UA-14", "ukrainian_held")].bounds[2] <= 37.61
    assert o.line["features"] and o.credit.endswith("snapshot of 2025-11-20")



def test_overlay_parts_tile_the_unit_so_the_browser_cut_leaves_no_sliver(snapshot):
    """The browser draws the Ukrainian-held part as the unit's outline with the Russian-held
    rings as even-odd holes (js/atlas.js partLayer), so the Russian-held part keeps the
    unit's own border and shares one front edge with the Ukrainian-held part. Simplified on
    its own, its coast and border moved by up to ~400 m: hatched slivers of the wrong side at
    zoom 10 (Kherson's left bank, Tendra spit, the Azov coast; 4-24 km² per unit on
    DeepStateMap 2025-11-20)."""
    o = control_view.overlay(snapshot)
    parts = {(f["properties"]["id"], f["properties"]["part"]): shape(f["geometry"])
             for f in o.parts["features"]}
    unit = geo.regions_frame().loc["UA-14"].geometry
    russian, ukrainian = parts[("UA-14", "russian_held")], parts[("UA-14", "ukrainian_held")]
    assert russian.difference(unit).area < 1e-12  # deg²: nothing outside the unit
    cut = unit.difference(russian)  # what the browser draws
    assert cut.symmetric_difference(ukrainian).area < 1e-12
    assert 0 < ukrainian.area < unit.area  # a real split: both parts there

def test_moved_rows_for_the_28_point_plan(snapshot):
    rows = {r["region"]: r for r in control_view.moved_rows(
        cat.load_catalog(), "us-28-point-plan", snapshot)}
    donetsk = rows["UA-14"]
    stats = {r["region"]: r for r in control.snapshot_stats(snapshot).regions}
    assert donetsk["to_russia_km2"] == pytest.approx(stats["UA-14"]["ukrainian_km2"])
    assert donetsk["to_ukraine_km2"] == 0
    assert "5,000 km²" in donetsk["published_estimate"]
    assert rows["UA-65"]["to_russia_km2"] == 0  # frozen: nothing moves
    total = rows["total"]
    assert total["net_to_russia_km2"] == pytest.approx(
        sum(r["net_to_russia_km2"] for k, r in rows.items() if k != "total"))


def test_app_shows_the_snapshot_and_the_table(snapshot):
    at = drawn_app()
    at.query_params["control"] = KEY
    at.run()
    assert not at.exception
    picker = at.selectbox(key="control_source")  # the source; the date control picks the day
    assert picker.value == KEY.split("/")[0] and picker.options[0] == "— none —"
    assert at.query_params["control"] == KEY
    picker.set_value(None).run()
    assert "control" not in at.query_params and not at.dataframe
    at.selectbox(key="control_source").set_value(KEY.split("/")[0]).run()
    assert at.query_params["control"] == KEY  # its latest snapshot (the page has no date)
    text = html.unescape("\n".join(str(e.proto.body) for e in at.get("html")))
    assert "Control: test squares (synthetic), snapshot of 2025-11-20" in text
    table = at.dataframe[0].value
    assert "Donetsk" in list(table["Region"])


def test_unknown_snapshot_in_url_gives_a_notice(snapshot):
    at = drawn_app()
    at.query_params["control"] = "nowhere/2020-01-01"
    at.run()
    assert not at.exception
    text = html.unescape("\n".join(str(e.proto.body) for e in at.get("html")))
    assert "is not in the local cache" in text


def test_provision_on_ground_the_snapshot_lacks_is_not_drawn(snapshot):
    # Case chernihiv-stripes-with-snapshot: the 28-point plan has Russia withdraw from the
    # Russian-held part of Chernihiv; the snapshot holds none of Chernihiv, so with it loaded
    # Chernihiv is not striped "Russia withdraws", while Donetsk is still split by part.
    from claims_atlas.render import map as rmap

    catalog = cat.load_catalog()
    without = rmap.map_state(catalog, "us-28-point-plan")
    assert len(without["regions"]["UA-77"]["d"]) == 2  # the documented two-provision look
    parts = control_view.parts_present(control_view.overlay(snapshot).parts)
    assert "UA-77" not in parts and parts["UA-14"] == ("russian_held", "ukrainian_held")
    state = rmap.map_state(catalog, "us-28-point-plan", parts=parts)
    assert "UA-77" not in state["regions"]  # nothing drawn: not addressed on this ground
    assert [p for p, _ in state["regions"]["UA-14"]["p"]] == ["russian_held", "ukrainian_held"]
    assert state["regions"]["UA-09"] == without["regions"]["UA-09"]
    drawn = '"UA-77":{"d":["russian_withdrawal"'
    assert drawn in rmap.base_map(catalog).get_root().render()
    page = rmap.base_map(catalog, overlay=control_view.overlay(snapshot)).get_root().render()
    assert drawn not in page


def test_handout_scene_draws_the_nearest_earlier_snapshot_and_credits_it(snapshot):
    # A scene naming 2025-12-01 uses the snapshot of 2025-11-20 (the nearest before), splits
    # Donetsk along that line, says which snapshot it used, and does not give Chernihiv a
    # "Russia withdraws" it cannot have (no Russian-held ground there on that day).
    from claims_atlas.render import handouts

    catalog = cat.load_catalog()
    scene = handouts.scene_for(catalog, "us-28-point-plan",
                               control=("2025-12-01", "Test Source"))
    credit = scene.source_lines[0]
    assert credit == ("Control: test squares (synthetic), snapshot of 2025-11-20 "
                      "(the nearest before 2025-12-01)")
    assert [d for d, _ in scene.split_geoms["UA-14"]] == ["recognised_russian_de_facto",
                                                          "demilitarised_zone"]
    assert scene.split_geoms["UA-14"][0][1].bounds[0] >= 37.59
    assert scene.dispositions["UA-77"] == ["not_addressed"] and "UA-77" not in scene.labels
    assert scene.control is not None
    png = handouts.proposal_png(catalog, "us-28-point-plan", control=("2025-11-20",
                                                                       "test-source"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(control.ControlError, match="no Test Source snapshot on or before"):
        handouts.scene_for(catalog, "us-28-point-plan", control=("2025-01-01", "Test Source"))
