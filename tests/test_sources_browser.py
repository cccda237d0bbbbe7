"""In the browser: a statement's source passage opens with the quote in view, Back returns to
the timeline where the reader was, and a group name highlights every member on the map."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from claims_atlas.core import catalog as cat
from claims_atlas.core import query
from tests.browser_support import keep_screenshot, watched_page

pytestmark = pytest.mark.browser

STATEMENT = "umerov-2025-11-21-red-lines"
IN_VIEW = """el => { const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }"""


@pytest.fixture
def small_page(chromium, request):
    """1366x768, the laptop screen the issue names; external requests recorded."""
    context = chromium.new_context(viewport={"width": 1366, "height": 768})
    pg = watched_page(context)
    yield pg
    keep_screenshot(pg, request)
    context.close()


def test_passage_opens_in_view_and_back_returns_to_the_statement(small_page, app_url):
    page = small_page
    page.goto(f"{app_url}/?region=UA-14&tl_speaker=Rustem+Umerov")
    item = page.locator(f"#st-{STATEMENT}")
    link = item.locator("a.passage-link").first
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_url("**/documents?**")
    marks = page.locator("mark.passage")
    first = page.locator("mark#passage")
    first.wait_for()
    page.wait_for_function(f"() => {{ const el = document.getElementById('passage');"
                           f" return el && document.activeElement === el"
                           f" && ({IN_VIEW})(el); }}")
    assert marks.count() == 2  # the statement cites two passages of this document
    assert first.evaluate(IN_VIEW)
    box = first.bounding_box()
    assert 768 * 0.2 < box["y"] + box["height"] / 2 < 768 * 0.8  # about the middle

    page.get_by_test_id("back-to-timeline").click()
    page.wait_for_url(f"**statement={STATEMENT}**")
    params = parse_qs(urlparse(page.url).query)
    assert params["region"] == ["UA-14"] and params["tl_speaker"] == ["Rustem Umerov"]
    picked = page.locator(f"#st-{STATEMENT}.picked")
    picked.wait_for()
    catalog = cat.load_catalog()  # the timeline's speaker filter came back with the reader
    kept = query.statements(catalog, query.StatementFilter(speakers=("Rustem Umerov",)))
    page.get_by_text(f"{len(kept)} of {len(catalog.statements)} statements").wait_for()
    page.wait_for_function(f"() => {{ const el = document.getElementById('st-{STATEMENT}');"
                           f" return el && ({IN_VIEW})(el); }}")
    assert page.external == []


def test_a_passage_far_down_the_document_is_scrolled_to_the_middle(small_page, app_url):
    page = small_page
    page.goto(f"{app_url}/?statement=peskov-2025-11-21-negotiate-now")
    page.locator("#st-peskov-2025-11-21-negotiate-now.picked a.passage-link").first.click()
    page.wait_for_url("**/documents?**")
    page.wait_for_function(f"() => {{ const el = document.getElementById('passage');"
                           f" return el && document.activeElement === el"
                           f" && ({IN_VIEW})(el); }}")
    assert "It is better to negotiate" in page.locator("mark#passage").inner_text()
    assert page.evaluate("() => document.getElementById('passage').offsetTop") > 768
    assert page.external == []


def test_a_group_name_highlights_every_member_on_the_map(small_page, app_url):
    page = small_page
    page.goto(app_url)
    box = page.get_by_label("Find a region (English, українська, русский, aliases)")
    box.fill("Донбас")
    box.press("Enter")
    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
    for region in ("UA-14", "UA-09"):
        frame.locator(f"path.region-{region}.highlight").wait_for(state="attached")
    assert frame.locator("path.region.highlight").count() == 2
    assert "Donetsk and Luhansk" in page.get_by_test_id("search-result").inner_text()
    assert page.external == []


COVERED = """() => { const reach = document.querySelector('[data-testid="record-reach"]');
  const r = reach.getBoundingClientRect();
  return [...document.querySelectorAll('[data-testid="stMain"] td, [data-testid="stMain"] p')]
    .filter(e => !reach.contains(e)).filter(e => { const b = e.getBoundingClientRect();
      return b.height > 0 && b.top < r.bottom && b.bottom > r.top && b.left < r.right
        && b.right > r.left; }).map(e => e.innerText.slice(0, 40)); }"""


def test_record_reach_line_scrolls_away_instead_of_over_the_text(small_page, app_url):
    """The 'Record current to ...' line sits in the header band at the top of each page; a
    reader scrolling the Bibliography must not see the table's text run under it."""
    page = small_page
    page.goto(f"{app_url}/bibliography")
    page.locator("table tbody tr").first.wait_for()
    reach = page.get_by_test_id("record-reach")
    top = reach.bounding_box()["y"]
    assert 0 <= top < 40 and page.evaluate(COVERED) == []
    page.mouse.move(800, 500)
    page.mouse.wheel(0, 1200)
    page.wait_for_function("() => document.querySelector('[data-testid=stMain]')"
                           ".scrollTop > 600")
    assert page.evaluate(COVERED) == []
    assert reach.bounding_box()["y"] < top  # it went up with the page
