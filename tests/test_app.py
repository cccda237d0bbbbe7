"""Every page runs headless in AppTest with no exception; URL state and errors behave."""

from __future__ import annotations

import datetime as dt
import html
import os
import time

import pytest
from streamlit.testing.v1 import AppTest

from claims_atlas import REPO_ROOT
from claims_atlas.app import cache, mapview
from claims_atlas.core import catalog as cat
from tests.apptest_support import drawn_app

MAIN = str(REPO_ROOT / "claims_atlas" / "app" / "main.py")


def app(params: dict | None = None, seeds=None, monkeypatch=None) -> AppTest:
    if seeds is not None:
        monkeypatch.setenv(cat.SEEDS_ENV, str(seeds))
    at = drawn_app()
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def html_text(at: AppTest) -> str:
    return html.unescape("\n".join(str(e.proto.body) for e in at.get("html")))


def test_map_page_runs_and_shows_the_default_proposal():
    at = app()
    assert not at.exception
    assert at.radio(key="proposal").value == "us-28-point-plan"
    assert "US 28-point plan" in html_text(at)
    assert 'data-testid="timeline"' in html_text(at)


def test_switching_proposals_updates_the_url():
    at = app()
    at.radio(key="proposal").set_value("geneva-framework-2025-11").run()
    assert not at.exception
    assert at.query_params["proposal"] == "geneva-framework-2025-11"


def test_url_names_the_view():
    at = app({"proposal": "european-counter-proposal-2025-11", "region": "UA-23"})
    assert not at.exception
    assert at.radio(key="proposal").value == "european-counter-proposal-2025-11"
    assert 'data-region="UA-23"' in html_text(at)


@pytest.mark.parametrize("params,notice", [
    ({"proposal": "no-such-plan"}, "Unknown proposal 'no-such-plan'"),
    ({"region": "UA-99"}, "Unknown region 'UA-99'"),
    ({"mode": "karaoke"}, "Unknown mode 'karaoke'"),
])
def test_unknown_url_values_fall_back_with_a_notice(params, notice):
    at = app(params)
    assert not at.exception
    assert notice in html_text(at)
    assert at.radio(key="proposal").value == "us-28-point-plan"


def test_region_alias_in_url_is_understood():
    at = app({"region": "Zaporozhye"})
    assert 'data-region="UA-23"' in html_text(at)
    assert "in the link names" not in html_text(at)  # one unit: no notice


@pytest.mark.parametrize("name, shown, notice", [
    ("Kyiv", "UA-30", "'Kyiv' in the link names Kyiv and Kyiv Oblast: showing Kyiv"),
    ("Донбас", "UA-14", "'Донбас' in the link names Donetsk and Luhansk: showing Donetsk"),
])
def test_a_link_naming_several_regions_says_which_it_shows(name, shown, notice):
    at = app({"region": name})
    assert not at.exception
    assert f'data-region="{shown}"' in html_text(at)
    assert notice in html_text(at)


def test_region_search_in_any_language():
    at = app()
    at.text_input(key="region_search").input("Луганська").run()
    assert at.selectbox(key="region").value == "UA-09"


def test_timeline_filter_by_speaker_and_order():
    at = app()
    at.multiselect(key="tl_speakers").set_value(["Dmitry Peskov"]).run()
    text = html_text(at)
    assert "Dmitry Peskov" in text and "Rustem Umerov</b>" not in text
    at.radio(key="tl_order").set_value("Oldest first").run()
    assert not at.exception


def test_timeline_speaker_filter_lists_people_once_each():
    at = app()
    options = at.multiselect(key="tl_speakers").options
    assert len(options) == len(set(options)) and "Volodymyr Zelensky" in options
    assert not [o for o in options if ";" in o or "(" in o or "Financial Times" in o]
    at.multiselect(key="tl_speakers").set_value(["Daniel Driscoll"]).run()
    text = html_text(at)  # the joint statement is listed under each of its speakers
    assert 'data-statement="driscoll-zelensky-2025-11-20-meeting"' in text


def test_broken_catalog_shows_file_and_line(make_seeds, monkeypatch):
    root = make_seeds({"statements/all.yaml": "- id: ok\n  date: 2025-02-30\n"})
    at = app(seeds=root, monkeypatch=monkeypatch)
    assert not at.exception
    text = html_text(at)
    assert "all.yaml:2:" in text and "impossible date" in text


def settled(path, seconds: float = 5) -> None:
    """Date the file's change `seconds` back: its edit has settled (cache.SETTLE_SECONDS)."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_catalog_edit_shows_once_settled_and_valid(real_seeds, monkeypatch):
    monkeypatch.setattr(cache, "SETTLE_SECONDS", 60)  # a slow machine's run stays inside it
    for path in real_seeds.rglob("*"):
        settled(path, 600)
    at = app(seeds=real_seeds, monkeypatch=monkeypatch)
    assert not at.exception
    plan = real_seeds / "proposals" / "us-28-point-plan.yaml"
    text = plan.read_text()
    # Caught half-written (valid YAML, cut after a provision): not taken while it changes.
    plan.write_text(text.replace("title: US 28-point plan", "title: US 28-point plan (half)", 1)
                    .split("  - region: UA-09")[0])
    at = app(seeds=real_seeds, monkeypatch=monkeypatch)
    assert "US 28-point plan (half)" not in html_text(at)
    assert "files are changing" in html_text(at)
    plan.write_text(text.replace("title: US 28-point plan", "title: US 28-point plan (edited)", 1))
    settled(plan, 120)
    at = app(seeds=real_seeds, monkeypatch=monkeypatch)
    assert "US 28-point plan (edited)" in html_text(at)
    stamp = dt.datetime.fromtimestamp(plan.stat().st_mtime, dt.UTC)
    assert f"Catalog last changed {stamp:%Y-%m-%d %H:%M:%S} UTC" in [
        c.value for c in at.sidebar.caption]
    plan.write_text("id: [broken\n")
    settled(plan, 90)
    at = app(seeds=real_seeds, monkeypatch=monkeypatch)
    body = html_text(at)
    assert "does not validate; still showing the last good version" in body
    assert "us-28-point-plan.yaml:2: malformed YAML" in body
    assert "US 28-point plan (edited)" in body and not at.exception


def test_compare_page():
    at = drawn_app()
    at.query_params["compare"] = "geneva-framework-2025-11"
    at.run()
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    text = html_text(at)
    assert 'data-testid="compare"' in text and "changed" in text


def test_compare_with_itself_says_nothing_changes():
    at = drawn_app()
    at.query_params["compare"] = "us-28-point-plan"
    at.query_params["proposal"] = "us-28-point-plan"
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    assert "Both sides show US 28-point plan: nothing changes." in html_text(at)
    at.selectbox(key="cmp_b").set_value("geneva-framework-2025-11").run()
    assert "Both sides show" not in html_text(at)


def test_sources_page_highlights_the_passage():
    at = drawn_app()
    at.run()
    at.query_params["doc"] = "seed-2025-11-21-umerov-peskov"
    at.query_params["quote"] = "It is better to negotiate, and this should be done now"
    at.switch_page("app_pages/documents.py").run()
    assert not at.exception
    assert '<mark id="passage" class="passage" data-testid="passage" tabindex="-1">It is better' \
        ' to negotiate' in html_text(at)


def test_about_page():
    at = drawn_app().run()
    at.switch_page("app_pages/about.py").run()
    assert not at.exception
    assert "Natural Earth" in html_text(at)


def test_long_timeline_is_drawn_a_page_at_a_time(make_seeds, monkeypatch):
    from tests.conftest import STATEMENTS

    many = "".join(STATEMENTS.replace("minister-no-deal", f"minister-no-deal-{i}")
                   for i in range(75))
    at = app(seeds=make_seeds({"statements/all.yaml": many}), monkeypatch=monkeypatch)
    assert not at.exception
    assert html_text(at).count('class="statement ') == 60
    at.button(key="tl_more").click().run()
    assert html_text(at).count('class="statement ') == 75
    assert not [b for b in at.button if b.key == "tl_more"]


def test_present_mode_runs_and_steps_through_the_deck():
    at = app({"mode": "present", "deck": "nov-dec-2025"})
    assert not at.exception
    assert 'data-testid="scene-indicator"' in html_text(at) and "1 / 6" in html_text(at)
    assert at.button(key="present_prev").disabled
    at.button(key="present_next").click().run()
    assert at.query_params["scene"] == "2"
    assert "2 / 6" in html_text(at)


def test_a_link_notice_stays_while_its_view_does():
    """The first run corrects the link; a rerun of the same view still says why."""
    at = app({"mode": "present", "deck": "no-such-deck", "scene": "2"})
    assert "Unknown deck 'no-such-deck'" in html_text(at)
    assert at.query_params["deck"] == "nov-dec-2025"
    at.run()  # e.g. the map's first answer
    assert "Unknown deck 'no-such-deck'" in html_text(at)
    at.button(key="present_next").click().run()  # the reader moves on
    assert at.query_params["scene"] == "3"
    assert "Unknown deck" not in html_text(at)


def test_an_explorer_link_notice_survives_a_rerun_and_goes_with_a_switch():
    at = app({"proposal": "no-such-plan"})
    at.run()
    assert "Unknown proposal 'no-such-plan'" in html_text(at)
    at.radio(key="proposal").set_value("geneva-framework-2025-11").run()
    assert "Unknown proposal" not in html_text(at)


def test_a_compare_link_notice_survives_a_rerun():
    at = drawn_app()
    at.query_params["compare"] = "no-such-plan"
    at.switch_page("app_pages/compare.py").run()
    at.run()
    assert "Unknown proposal 'no-such-plan' to compare with" in html_text(at)
    at.selectbox(key="cmp_b").set_value("european-counter-proposal-2025-11").run()
    assert "no-such-plan" not in html_text(at)


def test_the_map_comes_first_and_the_rest_with_its_first_answer():
    """A session's first run draws header, map and legend only; the map's first answer
    (stood in for here: AppTest has no browser) brings the controls and the timeline."""
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    assert not at.exception
    text = html_text(at)
    assert 'data-testid="legend"' in text and "US 28-point plan" in text
    assert len(at.get("component_instance")) == 1
    assert not at.radio and 'data-testid="timeline"' not in text
    at.session_state[mapview.answered_key("map")] = True
    at.run()
    assert at.radio(key="proposal").value == "us-28-point-plan"
    assert 'data-testid="timeline"' in html_text(at)


def test_bibliography_page_lists_filters_and_exports():
    import re

    from claims_atlas.core import sources as src

    at = drawn_app().run()
    at.switch_page("app_pages/bibliography.py").run()
    assert not at.exception
    catalog = cat.load_catalog()
    everything = src.bibliography(catalog)
    text = html_text(at)
    share = round(100 * src.counts(catalog).share(*src.STRONG))
    words = " ".join(re.sub(r"<[^>]+>", "", text).split())
    assert f"{share} % of evidence from wire services or the original outlet" in words
    assert text.count('class="bib-row') == len(everything)
    for s in everything:
        if s.url:
            assert text.count(f'data-url="{s.url}"') == 1
    assert 'data-citer="us-28-point-plan/UA-14/russian_held"' in text
    at.selectbox(key="bib_state").set_value("state media only").run()
    text = html_text(at)
    state = [s for s in everything if s.state_media]
    assert text.count('class="bib-row') == len(state)
    assert "state media" in text and "kyivindependent.com" not in text
    assert [b.proto.label for b in at.get("download_button")] == [
        "Bibliography (CSV)", "Bibliography (CSL-JSON, for Zotero)"]
    at.selectbox(key="bib_state").set_value("any").run()
    at.selectbox(key="bib_proposal").set_value("us-28-point-plan").run()
    cited = src.filter_sources(everything, proposal="us-28-point-plan")
    assert html_text(at).count('class="bib-row') == len(cited) < len(everything)


def test_a_statements_passages_are_all_marked_with_a_way_back():
    catalog = cat.load_catalog()
    s = catalog.statement("umerov-2025-11-21-red-lines")
    quotes = [e.quote for e in s.evidence if e.document]
    assert len(quotes) == 2
    at = drawn_app()
    at.run()
    at.query_params["doc"] = "seed-2025-11-21-umerov-peskov"
    at.query_params["quote"] = quotes
    at.query_params["from"] = s.id
    at.query_params["back"] = "proposal=geneva-framework-2025-11&tl_speaker=Rustem+Umerov&evil=1"
    at.switch_page("app_pages/documents.py").run()
    assert not at.exception
    text = html_text(at)
    assert text.count('class="passage" data-testid="passage"') == 2
    assert text.count("<mark id=\"passage\"") == 1
    assert ('href="./?proposal=geneva-framework-2025-11&tl_speaker=Rustem%20Umerov'
            f'&statement={s.id}"') in text
    assert "evil" not in text
    assert any("scrollIntoView" in str(e.proto.body) for e in at.get("html"))


def test_region_search_says_what_it_found_groups_highlight_and_choices_offer():
    at = app()
    at.text_input(key="region_search").input("Донбас").run()
    assert not at.exception
    assert at.selectbox(key="region").value == "UA-14"
    text = html_text(at)
    assert 'data-kind="group"' in text and "Donetsk and Luhansk, all highlighted" in text
    assert '"highlight":["UA-14","UA-09"]' in text  # the map's state: both members marked
    at.text_input(key="region_search").input("Kyiv").run()
    assert 'data-kind="choice"' in html_text(at)
    assert at.selectbox(key="region").value == "UA-14"  # an ambiguous name does not guess
    labels = [b.label for b in at.button if b.key and b.key.startswith("search_pick_")]
    assert labels == ["Kyiv (city)", "Kyiv Oblast (oblast)"]
    at.button(key="search_pick_UA-32").click().run()
    assert at.selectbox(key="region").value == "UA-32"
    assert '"highlight":[]' in html_text(at)
    at.text_input(key="region_search").input("ДНР").run()
    assert at.selectbox(key="region").value == "UA-14"
    at.text_input(key="region_search").input("Atlantis").run()
    assert "No region or place is called “Atlantis”" in html_text(at)


def test_header_says_how_far_the_record_reaches():
    from claims_atlas.core import query

    at = app()
    text = html_text(at)
    reach = query.record_reach(cat.load_catalog())
    assert 'data-testid="record-reach"' in text
    assert f"Record current to {reach.day} {reach:%B %Y}; stored sources are thin" in text
    labels = at.radio(key="proposal").options
    assert labels[0].startswith("2015 · Minsk II") and any("· leaked" in x for x in labels)


@pytest.mark.parametrize("value", ["²", "x" * 10_000, "<script>alert(1)</script>", "{# x",
                                   "javascript:alert(1)", "%00\x00"])
def test_odd_passage_and_way_back_values_never_break_a_page(value):
    at = drawn_app()
    at.query_params.update({"statement": value, "from": value, "back": value,
                            "doc": "seed-2025-11-21-umerov-peskov", "quote": value})
    at.run()
    assert not at.exception
    assert "Unknown statement" in html_text(at)
    at.switch_page("app_pages/documents.py").run()
    assert not at.exception
    raw = "\n".join(str(e.proto.body) for e in at.get("html"))  # as the browser gets it
    assert "<script>alert" not in raw and 'href="javascript' not in raw
