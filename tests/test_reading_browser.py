"""Reading at a glance, in Chromium at the sizes readers use: the map and the answer on the
first screen, the URL as the view (links, Back/Forward, other pages), phones, axe-core, and
present mode on a 1280x720 projector."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from claims_atlas.core import catalog as cat
from claims_atlas.core import query
from tests.browser_support import axe_violations, keep_screenshot, watched_page

pytestmark = pytest.mark.browser

FRAME = 'iframe[title="streamlit_folium.st_folium"]'
PANEL = ".st-key-detail_panel"
DESKTOPS = [(1366, 768), (1600, 900), (1920, 1080)]
PHONE = (390, 844)
IDLE = ("() => !document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"],"
        "[data-testid=\"stStatusWidgetRunningManIcon\"],[data-stale=\"true\"]')")


@pytest.fixture
def open_at(chromium, request):
    """A fresh browser context of a given size (a touch phone when narrow)."""
    contexts = []

    def make(width: int, height: int):
        phone = width < 600
        ctx = chromium.new_context(viewport={"width": width, "height": height},
                                   is_mobile=phone, has_touch=phone)
        contexts.append(ctx)
        return watched_page(ctx)

    yield make
    for ctx in contexts:
        if ctx.pages:
            keep_screenshot(ctx.pages[0], request)
        ctx.close()


def map_frame(page):
    page.frame_locator(FRAME).first.locator("path.region").nth(26).wait_for(state="attached")
    return next(f for f in page.frames if "st_folium" in f.url)


def settled(page) -> None:
    """The page drew its second (full) run and nothing is running or stale."""
    page.get_by_text("Filter the timeline").wait_for()
    page.wait_for_function(IDLE)


def on_screen(box: dict, width: int, height: int) -> bool:
    return (box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width + 0.5
            and box["y"] + box["height"] <= height + 0.5)


def params(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def regions_inside_frame(frame) -> list[str]:
    """Region ids whose shape sticks out of the map's visible frame."""
    return frame.evaluate("""() => Array.from(document.querySelectorAll('path.region'))
      .filter(p => { const r = p.getBoundingClientRect();
        return r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight; })
      .map(p => Array.from(p.classList).find(c => c.startsWith('region-')))""")


def regions_under_legend(frame) -> list[str]:
    """Region ids found under the map's legend (a grid of points across it)."""
    return frame.evaluate("""() => { const box = document.querySelector('.claims-legend');
      const r = box.getBoundingClientRect(), hits = new Set();
      if (!r.width) { return ['legend-missing']; }
      for (let i = 0; i <= 12; i++) { for (let j = 0; j <= 12; j++) {
        const x = r.left + r.width * i / 12, y = r.top + r.height * j / 12;
        document.elementsFromPoint(Math.min(x, innerWidth - 1), Math.min(y, innerHeight - 1))
          .forEach(e => { if (e.classList && e.classList.contains('region')) {
            hits.add(Array.from(e.classList).find(c => c.startsWith('region-'))); } }); } }
      return Array.from(hits); }""")


@pytest.mark.parametrize("size", [*DESKTOPS, PHONE], ids=lambda s: f"{s[0]}x{s[1]}")
def test_map_and_region_panel_lie_on_the_first_screen(open_at, app_url, size):
    width, height = size
    page = open_at(width, height)
    page.goto(app_url)
    frame = map_frame(page)
    settled(page)
    box = page.locator(FRAME).first.bounding_box()
    if size != PHONE:
        assert on_screen(box, width, height), box
        assert regions_under_legend(frame) == []
    else:
        assert box["width"] >= 0.9 * width and box["y"] < height / 3  # map first, full width
    assert regions_inside_frame(frame) == []  # all of Ukraine, Crimea included
    assert frame.evaluate("""() => document.querySelector('.leaflet-container')
      .getBoundingClientRect().height >= innerHeight - 2""")  # the map fills its frame
    region = page.frame_locator(FRAME).first.locator("path.region-UA-23")
    region.tap() if size == PHONE else region.click()
    page.wait_for_url(re.compile(r"region=UA-23"))
    panel = page.locator(PANEL)
    panel.get_by_test_id("region-now").wait_for()
    page.wait_for_function(IDLE)
    assert on_screen(panel.bounding_box(), width, height), panel.bounding_box()
    for part in (panel.locator("h2"), panel.locator(".now-line").first):  # name, disposition
        assert on_screen(part.bounding_box(), width, height), part.bounding_box()
    if size != PHONE:
        assert on_screen(page.locator(FRAME).first.bounding_box(), width, height)
    assert "Zaporizhzhia" in panel.locator("h2").inner_text()
    assert panel.locator("tr.current").get_attribute("data-proposal") == "us-28-point-plan"
    assert "Frozen at the line of contact" in panel.get_by_test_id("region-now").inner_text()
    page.frame_locator(FRAME).first.locator("path.region-UA-23.selected").wait_for(
        state="attached")
    page.keyboard.press("Escape")
    panel.wait_for(state="detached")
    page.wait_for_url(lambda url: "region=" not in url)
    assert page.external == []


def test_on_a_phone_the_sidebar_is_closed_text_is_16px_and_nothing_traps_the_scroll(
        open_at, app_url):
    page = open_at(*PHONE)
    page.goto(f"{app_url}/?region=UA-14")
    map_frame(page)
    settled(page)
    page.locator(PANEL).get_by_test_id("region-now").wait_for()
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_attribute("aria-expanded") == "false" or \
        sidebar.bounding_box() is None or sidebar.bounding_box()["x"] + \
        sidebar.bounding_box()["width"] <= 0
    smallest = page.evaluate("""() => { let out = [];
      document.querySelectorAll('[data-testid="stMain"] *').forEach(e => {
        const own = Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
        const r = e.getBoundingClientRect();
        if (own && r.width > 0 && r.height > 0) {
          out.push([parseFloat(getComputedStyle(e).fontSize), e.textContent.trim().slice(0, 40)]);
        } });
      return out.sort((a, b) => a[0] - b[0]).slice(0, 12); }""")
    assert smallest[0][0] >= 16, smallest
    traps = page.evaluate("""() => Array.from(document.querySelectorAll(
        '[data-testid="stMainBlockContainer"] *')).filter(e => {
      const s = getComputedStyle(e).overflowY;
      return (s === 'auto' || s === 'scroll') && e.scrollHeight > e.clientHeight + 1
        && !e.closest('.st-key-detail_panel'); }).map(e => e.className.slice(0, 60))""")
    assert traps == []


def test_a_link_with_filters_reproduces_the_view_in_a_fresh_context(open_at, app_url):
    catalog = cat.load_catalog(cat.seeds_dir())
    expected = query.statements(catalog, query.StatementFilter(
        speakers=("Dmitry Peskov",), newest_first=False))
    assert len(expected) >= 2
    link = (f"{app_url}/?proposal=geneva-framework-2025-11&region=UA-14"
            f"&tl_speaker=Dmitry+Peskov&tl_order=oldest")
    for _ in range(2):  # two fresh contexts, the same view
        page = open_at(1600, 900)
        page.goto(link)
        map_frame(page)
        settled(page)
        page.get_by_text(f"{len(expected)} of {len(catalog.statements)} statements").wait_for()
        ids = page.locator("li.statement").evaluate_all(
            "els => els.map(e => e.dataset.statement)")
        assert ids == [s.id for s in expected]
        page.frame_locator(FRAME).first.locator("path.region-UA-43.disp-deferred").wait_for(
            state="attached")
        assert page.locator(PANEL).get_attribute("class") and \
            page.locator(".region-panel").get_attribute("data-region") == "UA-14"
        got = params(page)
        assert got["tl_speaker"] == ["Dmitry Peskov"] and got["tl_order"] == ["oldest"]
        assert got["proposal"] == ["geneva-framework-2025-11"] and got["region"] == ["UA-14"]


def test_timeline_filters_survive_a_visit_to_compare(open_at, app_url):
    """../shared/cases/timeline-filter-reset: Map -> Compare -> Map kept proposal and
    region but dropped the timeline's filter."""
    catalog = cat.load_catalog(cat.seeds_dir())
    n = len(query.statements(catalog, query.StatementFilter(speakers=("Dmitry Peskov",))))
    caption = f"{n} of {len(catalog.statements)} statements"
    page = open_at(1600, 900)
    page.goto(f"{app_url}/?tl_speaker=Dmitry+Peskov")
    map_frame(page)
    settled(page)
    page.get_by_text(caption).wait_for()
    page.frame_locator(FRAME).first.locator("path.region-UA-09").click()
    page.wait_for_url(re.compile(r"region=UA-09"))
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Compare").click()
    page.get_by_role("heading", name="Compare proposals").wait_for()
    nav.get_by_role("link", name="Map").click()
    map_frame(page)
    settled(page)
    page.get_by_text(caption).wait_for()
    assert params(page)["tl_speaker"] == ["Dmitry Peskov"]
    assert params(page)["region"] == ["UA-09"]


def test_compare_maps_never_rerun_the_page_unasked(open_at, app_url):
    """A map that answers once drawn reruns the page the browser last knew: Compare's two
    maps did, and a reader's click on Map made while they drew was undone (1 run in 4).
    Opening Compare sends one message (the page switch); the maps, drawn, send none."""
    page = open_at(1600, 900)
    page.goto(app_url)
    map_frame(page)
    settled(page)
    sent: list[int] = []  # WebSocket messages from the browser, by length
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.webSocketFrameSent", lambda e: sent.append(len(e["response"]["payloadData"])))
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Compare").click()
    page.get_by_role("heading", name="Compare proposals").wait_for()
    for i in range(2):
        page.frame_locator(FRAME).nth(i).locator("path.region").nth(26).wait_for(
            state="attached")
    page.wait_for_function(IDLE)
    assert len(sent) == 1, f"Compare sent {len(sent)} messages: {sent}"


def test_a_typed_date_range_applies_on_enter(open_at, app_url):
    """The timeline's dates: typed and confirmed with Enter (ui.ENTER_SCRIPT), they filter
    the timeline and enter the link, with no click elsewhere (Streamlit 1.67 applied them
    only when the calendar closed); the region open beside the map stays open."""
    import datetime as dt

    catalog = cat.load_catalog(cat.seeds_dir())
    start, end = dt.date(2025, 12, 1), dt.date(2025, 12, 31)
    n = len(query.statements(catalog, query.StatementFilter(start=start, end=end)))
    assert 0 < n < len(catalog.statements)
    page = open_at(1600, 900)
    page.goto(f"{app_url}/?region=UA-23")
    map_frame(page)
    settled(page)
    page.get_by_text("Filter the timeline").click()
    field = page.get_by_test_id("stDateInput")
    # date segments (year / month / day spin buttons) that move on as they fill
    field.get_by_role("spinbutton", name=re.compile("^year, .* start date")).click()
    page.keyboard.type("20251201")
    field.get_by_role("spinbutton", name=re.compile("^year, .* end date")).click()
    page.keyboard.type("20251231")
    page.keyboard.press("Enter")
    page.get_by_text(f"{n} of {len(catalog.statements)} statements").wait_for()
    page.wait_for_url(re.compile(r"tl_from=2025-12-01"))
    assert params(page)["tl_to"] == ["2025-12-31"]
    page.wait_for_function(IDLE)
    assert params(page)["region"] == ["UA-23"] and page.locator(PANEL).is_visible()


def test_back_and_forward_step_through_views(open_at, app_url):
    page = open_at(1600, 900)
    page.goto(app_url)
    map_frame(page)
    settled(page)
    page.frame_locator(FRAME).first.locator("path.region-UA-23").click()
    page.wait_for_url(re.compile(r"region=UA-23"))
    page.wait_for_function(IDLE)
    page.get_by_test_id("stSidebar").get_by_text("Geneva US–Ukraine framework").click()
    page.wait_for_url(re.compile(r"proposal=geneva-framework-2025-11"))
    crimea = page.frame_locator(FRAME).first.locator("path.region-UA-43")
    page.frame_locator(FRAME).first.locator("path.region-UA-43.disp-deferred").wait_for(
        state="attached")
    page.wait_for_function(IDLE)
    page.go_back()
    page.wait_for_url(re.compile(r"proposal=us-28-point-plan"))
    page.frame_locator(FRAME).first.locator(
        "path.region-UA-43.disp-recognised_russian_de_facto").wait_for(state="attached")
    assert params(page)["region"] == ["UA-23"]
    page.locator(".region-panel[data-region='UA-23']").wait_for()
    page.wait_for_function(IDLE)
    page.go_back()
    page.locator(PANEL).wait_for(state="detached")
    assert "region" not in params(page)
    page.wait_for_function(IDLE)
    page.go_forward()
    page.locator(".region-panel[data-region='UA-23']").wait_for()
    page.go_forward()
    page.frame_locator(FRAME).first.locator("path.region-UA-43.disp-deferred").wait_for(
        state="attached")
    assert "disp-deferred" in crimea.get_attribute("class")
    assert params(page)["proposal"] == ["geneva-framework-2025-11"]


VIEWS = {"map-with-region": "/?region=UA-23", "compare": "/compare?proposal=us-28-point-plan"
         "&compare=european-counter-proposal-2025-11", "sources": "/documents",
         "about": "/about", "present": "/?mode=present&deck=nov-dec-2025&scene=2",
         "bibliography": "/bibliography", "then-and-now": "/then-now"}


@pytest.mark.parametrize("view", VIEWS)
def test_axe_finds_no_violation(open_at, app_url, view):
    page = open_at(1366, 768)
    page.goto(app_url + VIEWS[view])
    if view in ("map-with-region", "compare", "present"):
        map_frame(page)
    if view == "map-with-region":
        settled(page)
        # one at a time: the filters, drawn open, push the table's expander down the page
        page.get_by_text("Filter the timeline").click()
        page.get_by_test_id("stance-legend").wait_for()
        page.get_by_text("The map as a table").click()
        page.get_by_test_id("regions-table").wait_for()
    page.get_by_role("heading").first.wait_for()
    page.wait_for_function(IDLE)
    found = {"page": axe_violations(page)}
    for i, frame in enumerate(f for f in page.frames if "st_folium" in f.url):
        found[f"map frame {i}"] = axe_violations(frame)
    assert found == {k: [] for k in found}


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_present_mode_controls_fit_a_projector_screen(open_at, app_url, size):
    page = open_at(*size)
    page.goto(f"{app_url}/?mode=present&deck=nov-dec-2025&scene=2")
    map_frame(page)
    page.get_by_test_id("scene-changes").wait_for()
    page.wait_for_function(IDLE)
    for key in ("present_prev", "present_next", "present_pdf", "present_pdf_letter",
                "present_png", "present_exit"):
        box = page.locator(f".st-key-{key} button").first.bounding_box()
        assert box and on_screen(box, *size), (key, box)
    assert on_screen(page.locator(FRAME).first.bounding_box(), *size)
    assert "Zaporizhzhia" in page.get_by_test_id("scene-changes").inner_text()
