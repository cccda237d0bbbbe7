"""Questions about the catalog: what a proposal does with a region, names, timeline, compare."""

from __future__ import annotations

import datetime as dt

import pytest

from claims_atlas.core import catalog as cat
from claims_atlas.core import query


@pytest.fixture(scope="module")
def catalog():
    return cat.load_catalog()


def test_28_point_plan_dispositions(catalog):
    d = query.dispositions(catalog, "us-28-point-plan")
    assert d["UA-43"] == ["recognised_russian_de_facto"]
    assert d["UA-09"] == ["recognised_russian_de_facto"]
    assert d["UA-14"] == ["recognised_russian_de_facto", "demilitarised_zone"]
    assert d["UA-65"] == ["frozen_at_contact_line"]
    assert d["UA-23"] == ["frozen_at_contact_line"]
    assert d["UA-46"] == ["not_addressed"]  # Lviv: the plan says nothing


def test_every_region_has_something_to_show(catalog):
    for p in catalog.proposals:
        assert set(query.dispositions(catalog, p.id)) == {r.id for r in catalog.regions}


def test_part_provision_shows_the_untouched_part(catalog):
    shown = query.shown_for(catalog, "us-28-point-plan", "UA-63")
    assert [(s.part, s.disposition) for s in shown] == [
        ("russian_held", "russian_withdrawal"), ("ukrainian_held", "not_addressed")]


def test_one_line_names_both_parts(catalog):
    line = query.one_line(catalog, "us-28-point-plan", "UA-14")
    assert line == ("Russian-held part: Russian (de facto); "
                    "Ukrainian-held part: Demilitarised zone")


def test_region_detail_lists_every_proposal_oldest_first(catalog):
    entries = query.region_detail(catalog, "UA-14")
    assert len(entries) == len(catalog.proposals)
    dates = [e.proposal.date for e in entries]
    assert dates == sorted(dates)


@pytest.mark.parametrize("name,expected", [
    ("Zaporozhye", ["UA-23"]), ("Lugansk", ["UA-09"]), ("Донецька область", ["UA-14"]),
    ("Донбас", ["UA-14", "UA-09"]), ("donbas", ["UA-14", "UA-09"]), ("UA-43", ["UA-43"]),
    ("Kiev City", ["UA-30"]), ("nowhere-land", []),
    # the names of Russia's proclaimed "republics", as statements and readers write them
    ("ДНР", ["UA-14"]), ("DPR", ["UA-14"]), ("Donetsk People's Republic", ["UA-14"]),
    ("ЛНР", ["UA-09"]), ("LNR", ["UA-09"]), ("Luhansk People's Republic", ["UA-09"]),
    ("Lugansk People's Republic", ["UA-09"]),
])
def test_find_regions_in_three_languages_and_aliases(catalog, name, expected):
    assert query.find_regions(catalog, name) == expected


def test_timeline_filters(catalog):
    everything = query.statements(catalog)
    assert len(everything) >= 25
    assert everything[0].date >= everything[-1].date  # newest first by default
    oldest = query.statements(catalog, query.StatementFilter(newest_first=False))
    assert oldest == list(reversed(everything))
    nov = query.statements(catalog, query.StatementFilter(
        start=dt.date(2025, 11, 1), end=dt.date(2025, 11, 30)))
    assert nov and all(s.date.month == 11 and s.date.year == 2025 for s in nov)
    peskov = query.statements(catalog, query.StatementFilter(speakers=("Dmitry Peskov",)))
    assert peskov and all(s.speaker == "Dmitry Peskov" for s in peskov)
    donetsk = query.statements(catalog, query.StatementFilter(region="UA-14"))
    assert donetsk and all("UA-14" in s.regions for s in donetsk)
    plan = query.statements(catalog, query.StatementFilter(proposal="us-28-point-plan"))
    assert plan and all("us-28-point-plan" in s.proposals for s in plan)


def test_compare_flags_what_changed(catalog):
    rows = {r.region: r for r in query.compare(catalog, "us-28-point-plan",
                                                "geneva-framework-2025-11")}
    assert rows["UA-43"].changed  # de facto recognition struck in Geneva
    same = query.compare(catalog, "us-28-point-plan", "us-28-point-plan")
    assert not any(r.changed for r in same)


def test_versions_chain_follows_revisions(catalog):
    chain = query.versions_chain(catalog, "geneva-framework-2025-11")
    assert chain[:2] == ["us-28-point-plan", "geneva-framework-2025-11"]
    assert chain[-1] == "twenty-point-framework-2025-12"


def test_lineage_both_directions(catalog):
    rel = query.lineage(catalog, "us-28-point-plan")
    assert ("countered by", "european-counter-proposal-2025-11") in rel
    assert ("revised by", "geneva-framework-2025-11") in rel


def test_default_proposal_is_the_28_point_plan(catalog):
    assert query.default_proposal_id(catalog) == "us-28-point-plan"


def test_record_reach_is_the_newest_dated_item(make_seeds):
    from tests.conftest import STATEMENTS

    root = make_seeds({"statements/later.yaml": STATEMENTS.replace(
        "minister-no-deal", "minister-later").replace("date: 2025-11-21", "date: 2026-06-28")})
    small = cat.load_catalog(root)
    assert query.record_reach(small) == dt.date(2026, 6, 28)
    assert query.record_reach_text(small) == (
        "Record current to 28 June 2026; stored sources are thin after March 2026.")


def test_record_reach_of_an_empty_catalog(make_seeds):
    root = make_seeds({"proposals/plan-a.yaml": None, "statements/all.yaml": None})
    small, _ = cat.read_catalog(root)
    assert query.record_reach(small) is None
    assert query.record_reach_text(small) == "The record is empty."


def test_picker_labels_lead_with_the_year_and_end_with_the_status(catalog):
    plan = catalog.proposal("us-28-point-plan")
    assert query.picker_label(plan) == "2025 · US 28-point plan · leaked"
    labels = [query.picker_label(p) for p in query.proposals_by_date(catalog)]
    years = [int(label.split(" · ")[0]) for label in labels]
    assert years == sorted(years) and len(set(labels)) == len(labels)
    assert query.picker_label(catalog.proposal("twenty-point-framework-2025-12")).endswith(
        "· described by an official")
