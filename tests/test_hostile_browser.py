"""Catalog text is text in the browser too (issue 10 §2): a served hostile catalog runs no
script, shows no autolink, and Leaflet's attribution shows the credit as written."""

from __future__ import annotations

import pytest

from claims_atlas.core import control
from tests.browser_support import serve
from tests.test_hostile_catalog import hostile_seeds, snapshot

pytestmark = pytest.mark.browser

TEXT = ('Plan https://evil.example/x www.evil.example **bold** {# tip '
        '<img src=x onerror="window.top.__xss=(window.top.__xss||0)+1">')


def test_served_hostile_catalog_is_text(page, tmp_path, monkeypatch):
    seeds = hostile_seeds(tmp_path / "seeds", TEXT)
    cache = tmp_path / "cache"
    key = snapshot(cache, TEXT)
    monkeypatch.setenv(control.CACHE_ENV, str(cache))
    with serve(seeds=seeds, log=tmp_path / "server.log") as url:
        page.goto(f"{url}/?proposal=plan-h&control={key}")
        frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
        attribution = frame.locator(".leaflet-control-attribution")
        attribution.wait_for()
        frame.locator("path.region-UA-14").first.wait_for()
        page.get_by_text("What this proposal would move").wait_for()
        assert "<img src=x" in attribution.inner_text()  # the credit, as written
        assert frame.locator(".leaflet-control-attribution img").count() == 0
        outside = 'a[href^="http"][href*="evil"]'  # (links to the cited passage are ours)
        # the credit as written in the date control's caption (Markdown), never a link
        main = page.get_by_test_id("stMain")
        assert "https://evil.example/x" in main.inner_text().replace("\u2060", "")
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_test_id("stRadio").wait_for()  # the proposal picker, drawn
        page.wait_for_function("""() => document.querySelector('[data-testid="stApp"]')
          .getAttribute('data-test-script-state') !== 'running'""")
        side = sidebar.inner_text().replace("\u2060", "")
        assert "Plan https://evil.example/x" in side, side
        assert page.locator(outside).count() == 0  # no autolink anywhere
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.evaluate("window.__xss") is None
        assert page.external == []
