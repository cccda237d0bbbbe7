"""Present mode in a real browser at 1920x1080: full screen, big type, keys, region detail."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

FRAME = 'iframe[title="streamlit_folium.st_folium"]'
DECK = "?mode=present&deck=nov-dec-2025"
WIDTH, HEIGHT = 1920, 1080
TOTAL = 6  # scenes in the deck
# Scene -> (its caption's first words, Crimea's disposition on the map)
SCENES = {1: ("20 November: Washington", "recognised_russian_de_facto"),
          2: ("23 November: the UK, France", "negotiate_from_contact_line"),
          3: ("23 November, Geneva", "deferred"),
          4: ("Around 10 December", "recognised_russian_de_facto")}


@pytest.fixture
def screen(page):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    return page


def open_deck(page, url: str, scene: int = 1):
    page.goto(f"{url}/{DECK}" + (f"&scene={scene}" if scene != 1 else ""))
    return at_scene(page, scene)


def at_scene(page, n: int):
    """Wait until scene n is on screen: the indicator, the caption and the map's colours."""
    caption, crimea = SCENES[n]
    page.wait_for_url(re.compile(rf"[?&]scene={n}(&|$)"))
    page.get_by_test_id("scene-indicator").filter(has_text=f"{n} / {TOTAL}").wait_for()
    page.get_by_test_id("scene-caption").filter(has_text=caption).wait_for()
    frame = page.frame_locator(FRAME).first
    frame.locator(f"path.region-UA-43.disp-{crimea}").wait_for(state="attached")
    # The step buttons come after the indicator in the script: wait until they are this
    # scene's too (not a stale copy), else a key pressed now meets the previous scene's.
    for key, enabled in (("present_prev", n > 1), ("present_next", n < TOTAL)):
        page.locator(f".st-key-{key}:not([data-stale=true]) "
                     f"button:{'enabled' if enabled else 'disabled'}").wait_for()
    return frame


def font_px(locator) -> float:
    return float(locator.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))


def test_full_screen_big_type_map_dominant(screen, app_url):
    frame = open_deck(screen, app_url)
    frame.locator("[data-fitted]").wait_for(state="attached")
    sidebar = screen.get_by_test_id("stSidebar")
    assert sidebar.count() == 0 or not sidebar.is_visible()
    for testid in ("stHeader", "stToolbar", "stDecoration", "stMainMenu"):
        found = screen.get_by_test_id(testid)
        assert found.count() == 0 or not found.first.is_visible(), testid
    box = screen.locator(FRAME).bounding_box()
    visible_h = min(box["y"] + box["height"], HEIGHT) - max(box["y"], 0)
    assert box["width"] * visible_h >= 0.55 * WIDTH * HEIGHT
    assert font_px(screen.get_by_test_id("scene-caption")) >= 26
    for body in (screen.locator(".present-legend .legend-row b").first,
                 screen.locator(".deck-top .meta"), screen.locator(".st-key-present_next p")):
        assert font_px(body) >= 20
    legend = screen.get_by_test_id("present-legend").inner_text()
    assert "Recognised as Russian in practice" in legend
    frame.locator(".claims-legend").wait_for(state="hidden")  # the big legend beside the map
    main = screen.get_by_test_id("stMain")  # the slide fits: nothing to scroll to
    assert main.evaluate("m => m.scrollHeight <= m.clientHeight + 1")
    assert screen.external == []


def test_keys_step_without_a_click_and_the_url_follows(screen, app_url):
    open_deck(screen, app_url)
    screen.keyboard.press("ArrowRight")
    at_scene(screen, 2)
    screen.keyboard.press("ArrowLeft")
    at_scene(screen, 1)
    screen.keyboard.press("PageDown")
    at_scene(screen, 2)
    screen.keyboard.press("PageDown")
    at_scene(screen, 3)
    screen.keyboard.press("PageUp")
    at_scene(screen, 2)
    screen.reload()
    at_scene(screen, 2)  # a reload keeps the place
    assert screen.external == []


def test_keys_reach_the_deck_while_the_map_has_focus(screen, app_url):
    frame = open_deck(screen, app_url)
    frame.locator("#map_div").click(position={"x": 40, "y": 40})  # a neighbour: no region
    assert screen.evaluate("() => document.activeElement.tagName") == "IFRAME"
    screen.keyboard.press("ArrowRight")
    at_scene(screen, 2)
    assert screen.external == []


def test_region_click_shows_detail_and_escape_returns(screen, app_url):
    frame = open_deck(screen, app_url, scene=3)
    frame.locator("path.region-UA-65").click()
    detail = screen.get_by_test_id("present-region")
    detail.wait_for()
    assert "Kherson" in detail.inner_text() and font_px(detail.locator("h3")) >= 26
    assert "Geneva" in screen.get_by_test_id("region-now").inner_text()
    screen.keyboard.press("Escape")
    detail.wait_for(state="detached")
    at_scene(screen, 3)
    frame.locator("path.region-UA-65").click()  # the same region again opens it again
    detail.wait_for()
    screen.get_by_role("button", name=re.compile("Back to the deck")).click()
    detail.wait_for(state="detached")
    screen.keyboard.press("ArrowRight")
    at_scene(screen, 4)
    assert screen.external == []


def test_present_link_from_the_explorer_and_exit(screen, app_url):
    screen.goto(app_url)
    link = screen.get_by_test_id("stSidebar").get_by_text("Present a briefing")
    link.click()
    at_scene(screen, 1)
    screen.get_by_role("button", name="Exit").click()
    screen.get_by_test_id("stSidebar").get_by_text("Present a briefing").wait_for()
    screen.wait_for_url(re.compile(r"proposal=us-28-point-plan"))
    assert "mode=present" not in screen.url
    explorer_map = screen.frame_locator(FRAME).first
    explorer_map.locator("[data-fitted]").wait_for(state="attached")  # the explorer's own map
    explorer_map.get_by_test_id("map-legend").wait_for()  # ... untouched by present mode
    assert screen.external == []


def test_unknown_deck_shows_a_notice(screen, app_url):
    screen.goto(f"{app_url}/?mode=present&deck=no-such-deck&scene=2")
    notice = screen.get_by_test_id("notices")
    notice.wait_for()
    assert "Unknown deck 'no-such-deck'" in notice.inner_text()
    at_scene(screen, 2)
