"""The map page at a date (`date=YYYY-MM-DD`), in AppTest: the nearest earlier snapshot is
used and named, steps move date and snapshot together, statements after the date and
proposals not yet made are marked."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from tests.apptest_support import drawn_app
from tests.control_series import import_series

SERIES = [("2025-11-10", 37.0), ("2025-11-20", 37.6), ("2025-11-30", 38.4)]


@pytest.fixture
def series(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMS_ATLAS_CACHE", str(tmp_path / "cache"))
    return import_series(tmp_path, SERIES)


def run(params: dict):
    at = drawn_app()
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def page_text(at) -> str:
    parts = [str(e.proto.body) for e in at.get("html")]
    # captions are Markdown with catalog and snapshot text made literal (md_escape)
    parts += [re.sub(r"\\(.)", r"\1", c.value) for c in at.caption]
    parts += [n.value for n in at.markdown]
    return html.unescape("\n".join(parts))


def test_a_date_uses_the_nearest_earlier_snapshot_and_names_it(series):
    at = run({"date": "2025-11-25"})
    assert not at.exception
    assert at.query_params["control"] == "test-source/2025-11-20"
    assert at.query_params["date"] == "2025-11-25"
    text = page_text(at)
    assert ("Line of contact on 25 Nov 2025: the nearest earlier snapshot, 20 Nov 2025, "
            "is shown") in text
    slider = at.slider(key="date_slider")  # the page's date, over the series' days
    assert slider.value == dt.date(2025, 11, 25)
    assert "(3 snapshots, 2025-11-10 to 2025-11-30)" in slider.label


def test_steps_move_the_date_and_the_snapshot_together(series):
    at = run({"date": "2025-11-20"})
    at.button(key="date_next").click().run()
    assert at.query_params["control"] == "test-source/2025-11-30"
    assert at.query_params["date"] == "2025-11-30"
    assert at.button(key="date_next").disabled
    at.button(key="date_prev").click().run()
    at.button(key="date_prev").click().run()
    assert at.query_params["date"] == "2025-11-10" and at.button(key="date_prev").disabled
    at.slider(key="date_slider").set_value(dt.date(2025, 11, 30)).run()
    assert at.query_params["control"] == "test-source/2025-11-30"
    assert '"key":"test-source/2025-11-30"' in page_text(at)  # the overlay beside the map
    # a day with no snapshot of its own: the page takes the day, the map its nearest
    # earlier snapshot, and the caption says so
    at.slider(key="date_slider").set_value(dt.date(2025, 11, 15)).run()
    assert at.query_params["date"] == "2025-11-15"
    assert at.query_params["control"] == "test-source/2025-11-10"
    assert "the nearest earlier snapshot, 10 Nov 2025, is shown" in page_text(at)
    at.button(key="date_next").click().run()  # steps go snapshot to snapshot
    assert at.query_params["date"] == "2025-11-20"


def test_a_proposal_after_the_date_is_not_yet_proposed(series):
    at = run({"date": "2025-11-15", "proposal": "us-28-point-plan"})  # dated 20 Nov 2025
    text = page_text(at)
    assert "Not yet proposed on 15 Nov 2025" in text
    assert '"asOf":"2025-11-15"' in text  # the map's legend says it too
    at = run({"date": "2025-11-25", "proposal": "us-28-point-plan"})
    assert "Not yet proposed" not in page_text(at)


def test_statements_after_the_date_are_marked(series):
    from claims_atlas.core import catalog as cat

    later = sum(1 for s in cat.load_catalog().statements if s.date.isoformat() > "2025-11-25")
    at = run({"date": "2025-11-25"})
    text = page_text(at)
    assert later > 0
    assert f"{later} statements made after 25 Nov 2025, the chosen date" in text
    # newest first: the first `later` items of the timeline are marked
    assert f"ol.timeline>li.statement:nth-child(-n+{later})" in text
    # oldest first: the last items of the page drawn (the first 60 oldest) are marked
    at.radio(key="tl_order").set_value("Oldest first").run()
    marked = re.findall(r"ol\.timeline>li\.statement:nth-last-child\(-n\+(\d+)\)",
                        page_text(at))
    assert marked and 0 < int(marked[0]) <= later


def test_a_date_before_every_snapshot_or_malformed_says_so(series):
    at = run({"date": "2025-01-01"})
    assert not at.exception
    assert "control" not in at.query_params
    assert "No line of contact of Test Source on or before 2025-01-01" in page_text(at)
    at = run({"date": "yesterday"})
    assert not at.exception and "Date 'yesterday' in the link is not YYYY-MM-DD" in page_text(at)


def test_a_linked_snapshot_of_a_day_without_one_shows_the_nearest_earlier(series):
    at = run({"control": "test-source/2025-11-25"})
    assert not at.exception
    assert at.query_params["control"] == "test-source/2025-11-20"
    assert ("No line of contact of Test Source on 2025-11-25 is cached: showing the nearest "
            "earlier snapshot, 2025-11-20.") in page_text(at)
    at = run({"control": "test-source/2025-01-01"})  # before them all: none, and said so
    assert "control" not in at.query_params
    assert "is not in the local cache" in page_text(at)
