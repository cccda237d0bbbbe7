"""The control overlay in the living map: switching snapshots and scrubbing through dates
keep the map's frame (a marker set on its window survives) and send only the overlay."""

from __future__ import annotations

import re

import pytest

from tests.browser_support import serve
from tests.control_series import import_series, jagged_east_of

pytestmark = pytest.mark.browser

FRAME = 'iframe[title="streamlit_folium.st_folium"]'
IDLE = """() => { const a = document.querySelector('[data-testid="stApp"]');
  return !!a && a.getAttribute('data-test-script-state') !== 'running'; }"""


def map_window(page):
    page.frame_locator(FRAME).first.locator("path.region").nth(26).wait_for(state="attached")
    return next(f for f in page.frames if "st_folium" in f.url)


def overlay_shown(page, key: str) -> None:
    page.frame_locator(FRAME).first.locator(f'[data-overlay="{key}"]').wait_for(
        state="attached")


def line_d(frame) -> str:
    return frame.evaluate("() => Array.from(document.querySelectorAll('path.contact-line'))"
                          ".map(p => p.getAttribute('d')).join(' ')")


def test_switching_the_snapshot_keeps_the_map_and_sends_only_the_overlay(
        page, tmp_path, monkeypatch):
    """A snapshot switch (the date control's step, or the sidebar's source picker) keeps
    the map's frame and sends under 30 KB in all: the next date's overlay, the figures,
    nothing else of size. Snapshots as large as a real day's (jagged_east_of, ~10 KB as
    sent); with 769 real days a switch sent 78 KB (a 52 KB picker of every snapshot and a
    9.5 KB slider of every date, sent again on each step)."""
    monkeypatch.setenv("CLAIMS_ATLAS_CACHE", str(tmp_path / "cache"))
    keys = import_series(tmp_path, [("2025-11-20", 37.6), ("2025-11-21", 38.4),
                                    ("2025-11-22", 38.9)], shape=jagged_east_of)
    received: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda data: received.append(
        len(data))))
    with serve() as url:
        page.goto(f"{url}/?control={keys[0]}")
        frame = map_window(page)
        overlay_shown(page, keys[0])
        frame.evaluate("() => { window.sameMap = 'kept'; }")
        before = line_d(frame)
        page.get_by_test_id("stMain").locator("ol.timeline").wait_for()
        page.wait_for_function(IDLE)  # the page's own second run has sent everything
        received.clear()
        page.get_by_role("button", name="Later ▶").click()
        overlay_shown(page, keys[1])
        page.wait_for_url(re.compile(r"date=2025-11-21"))
        page.wait_for_function(IDLE)
        step = sum(received)
        assert frame.evaluate("() => window.sameMap") == "kept"  # same frame, same document
        assert line_d(frame) and line_d(frame) != before  # the line moved
        parts = page.frame_locator(FRAME).first.locator(
            "path.part-UA-14.part-russian_held.on.disp-recognised_russian_de_facto")
        assert parts.count() == 1
        assert "snapshot of 2025-11-21" in page.frame_locator(FRAME).first.get_by_test_id(
            "map-legend").inner_text()
        # the sidebar picks a source: none, then this one again (its snapshot of the date)
        picker = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Line of contact")
        picker.click()
        picker.press("ArrowDown")  # opens the list if the click only focused it
        page.get_by_role("option", name="— none —").click()
        page.frame_locator(FRAME).first.locator("path.contact-line").first.wait_for(
            state="detached")
        page.wait_for_function(IDLE)
        received.clear()
        picker.click()
        picker.press("ArrowDown")
        page.get_by_role("option", name=re.compile("Test Source")).click()
        overlay_shown(page, keys[1])
        page.wait_for_url(re.compile(r"control=test-source"))
        page.wait_for_function(IDLE)
        pick = sum(received)
        assert frame.evaluate("() => window.sameMap") == "kept"
        assert step < 30_000 and pick < 30_000, (step, pick)
        assert page.external == []


def test_the_date_slider_moves_the_line_in_the_living_map(page, tmp_path, monkeypatch):
    """30 dates, one step at a time: each step draws its own line and split in the same
    frame, within 50 ms in the page (median), and play runs to the last date."""
    from tests.control_series import daily

    monkeypatch.setenv("CLAIMS_ATLAS_CACHE", str(tmp_path / "cache"))
    keys = import_series(tmp_path, daily("2025-11-01", 30))
    with serve() as url:
        page.goto(f"{url}/?date=2025-11-01&proposal=us-28-point-plan")
        frame = map_window(page)
        overlay_shown(page, keys[0])
        frame.evaluate("() => { window.sameMap = 'kept'; }")
        slider = page.get_by_test_id("stMain").get_by_role("slider")
        assert slider.get_attribute("aria-valuetext") == "2025-11-01"
        later = page.get_by_role("button", name="Later ▶")
        lines = [line_d(frame)]
        split = page.frame_locator(FRAME).first.locator(
            "path.part-UA-14.part-russian_held.on.disp-recognised_russian_de_facto")
        stored = "(k) => !!window.claimsAtlas.maps.map.store[k]"
        for key in keys[1:]:
            page.wait_for_function(stored, arg=key)  # the next date waits in the page
            later.click()
            overlay_shown(page, key)
            assert frame.evaluate("() => window.sameMap") == "kept"
            lines.append(line_d(frame))
            assert lines[-1] and lines[-1] != lines[-2], key  # this date's own line
            assert split.count() == 1
            assert page.frame_locator(FRAME).first.locator(
                "path.region-UA-14.has-parts.disp-demilitarised_zone").count() == 1
            page.wait_for_url(re.compile("date=" + key.split("/")[1]))  # its rerun ran
            page.wait_for_function(IDLE)
        page.wait_for_url(re.compile(r"date=2025-11-30"))
        assert later.is_disabled()
        drawn = frame.evaluate("() => window.claimsAtlas.timing.overlays")
        assert len(drawn) >= 30 and sorted(drawn)[len(drawn) // 2] <= 50, drawn
        # every step drawn from the page's store at the click, before its rerun
        steps = page.evaluate("() => window.claimsAtlas.stepTimes")
        assert len(steps) == 29 and sorted(steps)[14] <= 50, steps
        assert slider.get_attribute("aria-valuetext") == "2025-11-30"
        # Play from the end starts over and runs on through the dates.
        page.get_by_role("button", name="Play").click()
        overlay_shown(page, keys[2])
        page.get_by_role("button", name="Pause").click()
        assert frame.evaluate("() => window.sameMap") == "kept"
        assert page.external == []


def test_with_a_line_of_contact_the_map_and_its_date_control_fit_the_first_screen(
        chromium, request, tmp_path, monkeypatch):
    """The date control is one row over the map (◀ Earlier, the slider, Later ▶, Play) and
    the map shrinks to fit under it: at 1366x768 the date bar's two rows had pushed the
    map's bottom, Crimea and the zoom buttons to y = 877."""
    from tests.browser_support import axe_violations, keep_screenshot, watched_page

    monkeypatch.setenv("CLAIMS_ATLAS_CACHE", str(tmp_path / "cache"))
    keys = import_series(tmp_path, [("2025-11-10", 37.0), ("2025-11-20", 37.6)])
    with serve() as url:
        for width, height, day in [(1366, 768, "2025-11-25"), (1600, 900, "2025-11-25"),
                                   (1920, 1080, "2025-11-25"), (1366, 768, "2025-11-15")]:
            # 2025-11-15: before the plan (20 Nov), so "Not yet proposed" stands over it too
            context = chromium.new_context(viewport={"width": width, "height": height})
            page = watched_page(context)
            try:
                page.goto(f"{url}/?date={day}&proposal=us-28-point-plan")
                overlay_shown(page, keys[1] if day == "2025-11-25" else keys[0])
                page.get_by_test_id("stMain").locator("ol.timeline").wait_for()
                page.wait_for_function(IDLE)
                assert (page.get_by_text("Not yet proposed on").count() > 0) == (
                    day == "2025-11-15")
                frame = page.locator(FRAME).first.bounding_box()
                assert frame["y"] + frame["height"] <= height, (width, frame)
                for name in ("◀ Earlier", "Later ▶", "Play"):
                    button = page.get_by_role("button", name=name).bounding_box()
                    assert button["y"] + button["height"] < frame["y"], (width, name)
                slider = page.get_by_test_id("stMain").get_by_role("slider").bounding_box()
                assert slider["y"] + slider["height"] < frame["y"]
                if width == 1366:  # the date control, its label hidden, still has its name
                    assert axe_violations(page) == [] and axe_violations(map_window(page)) == []
                    assert "Date of the line of contact" in page.get_by_test_id(
                        "stMain").get_by_role("slider").get_attribute("aria-label")
                assert page.external == []
            finally:
                keep_screenshot(page, request)
                context.close()
