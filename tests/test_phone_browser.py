"""On a phone (390x844) the page opens on the content, not behind the sidebar."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def test_phone_opens_on_the_map_page_with_the_sidebar_closed(page, app_url):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(app_url)
    page.frame_locator(FRAME).first.locator("path.region").nth(26).wait_for(state="attached")
    sidebar = page.get_by_test_id("stSidebar")
    right = sidebar.evaluate("e => e.getBoundingClientRect().right")
    assert right <= 0  # off screen: the content is what a phone shows first
    box = page.get_by_text("US 28-point plan", exact=True).first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.external == []


def test_phone_link_with_a_date_and_a_region_shows_the_map_above_the_sheet(
        page, tmp_path, monkeypatch):
    """A shared link naming a date and a region, opened on a phone: the map shows between the
    title and the region's bottom sheet, the date control under it. Over the map, the date
    control (~220 px) pushed the map wholly under the sheet."""
    from tests.browser_support import serve
    from tests.control_series import daily, import_series

    monkeypatch.setenv("CLAIMS_ATLAS_CACHE", str(tmp_path / "cache"))
    import_series(tmp_path, daily("2025-11-01", 3))
    page.set_viewport_size({"width": 390, "height": 844})
    with serve() as url:
        page.goto(f"{url}/?date=2025-11-02&region=UA-23")
        page.frame_locator(FRAME).first.locator("path.region").nth(26).wait_for(state="attached")
        slider = page.get_by_test_id("stMain").get_by_role("slider")
        slider.wait_for()
        sheet = page.locator(".st-key-detail_panel").first
        sheet.wait_for()
        top = page.locator(FRAME).first.bounding_box()["y"]
        assert sheet.bounding_box()["y"] - top >= 150  # px of map in view
        assert slider.bounding_box()["y"] > top  # the date control follows the map
        assert page.external == []
