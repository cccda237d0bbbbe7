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
