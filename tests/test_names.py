"""Names that find: abbreviations and occupation-era names, spellings, groups that select all
their members, ambiguous names that offer choices, places that lead to their region."""

from __future__ import annotations

from collections import defaultdict

import pytest

from claims_atlas.core import catalog as cat
from claims_atlas.core import query


@pytest.fixture(scope="module")
def catalog():
    return cat.load_catalog()


@pytest.mark.parametrize("name,region", [
    # abbreviations of the occupation-era "republics", in three scripts and cases
    ("ДНР", "UA-14"), ("DNR", "UA-14"), ("DPR", "UA-14"), ("dpr", "UA-14"),
    ("ЛНР", "UA-09"), ("LNR", "UA-09"), ("LPR", "UA-09"), ("лнр", "UA-09"),
    # their full names
    ("Donetsk People's Republic", "UA-14"), ("Донецкая Народная Республика", "UA-14"),
    ("Lugansk People's Republic", "UA-09"), ("Луганська Народна Республіка", "UA-09"),
    # Russian-style spellings and oblast names
    ("Zaporozhye oblast", "UA-23"), ("Zaporozhskaya Oblast", "UA-23"),
    ("Khersonskaya oblast", "UA-65"), ("Lugansk", "UA-09"), ("Kharkov", "UA-63"),
    ("Sevastopol federal city", "UA-40"), ("Республика Крым", "UA-43"),
    # official names in three languages, ids
    ("Донецька область", "UA-14"), ("Запорожская область", "UA-23"), ("ua-65", "UA-65"),
])
def test_a_name_selects_its_region(catalog, name, region):
    found = query.match_name(catalog, name)
    assert (found.kind, found.regions) == ("region", (region,))
    assert query.find_regions(catalog, name) == [region]


@pytest.mark.parametrize("name,members,label", [
    ("Донбас", ("UA-14", "UA-09"), "Donbas"), ("Donbass", ("UA-14", "UA-09"), "Donbas"),
    ("Crimean peninsula", ("UA-43", "UA-40"), "Crimean peninsula"),
    ("новые регионы", ("UA-14", "UA-09", "UA-23", "UA-65"),
     "The four regions Russia claimed to annex in 2022"),
])
def test_a_group_name_selects_every_member(catalog, name, members, label):
    found = query.match_name(catalog, name)
    assert (found.kind, found.regions, found.name) == ("group", members, label)


@pytest.mark.parametrize("name", ["Kyiv", "Kiev", "Київ", "Киев", "kyiv"])
def test_an_ambiguous_name_offers_its_choices(catalog, name):
    found = query.match_name(catalog, name)
    assert (found.kind, found.regions) == ("choice", ("UA-30", "UA-32"))


@pytest.mark.parametrize("name,region", [("Kyiv City", "UA-30"), ("Kyiv Oblast", "UA-32"),
                                         ("Київщина", "UA-32")])
def test_a_qualified_name_is_not_ambiguous(catalog, name, region):
    assert query.match_name(catalog, name).regions == (region,)


@pytest.mark.parametrize("name,region,place", [
    ("Energodar", "UA-23", "Enerhodar"), ("Энергодар", "UA-23", "Enerhodar"),
    ("ЗАЭС", "UA-23", "Zaporizhzhia nuclear power plant"), ("Славянск", "UA-14", "Sloviansk"),
])
def test_a_place_name_leads_to_its_region(catalog, name, region, place):
    found = query.match_name(catalog, name)
    assert (found.kind, found.regions, found.name) == ("place", (region,), place)


def test_a_partial_name_hitting_several_regions_offers_them(catalog):
    found = query.match_name(catalog, "Kher")
    assert found.kind == "region" and found.regions == ("UA-65",)
    found = query.match_name(catalog, "Don")  # Donetsk, and the group Donbas
    assert (found.kind, found.regions) == ("choice", ("UA-14", "UA-09"))


def test_nothing_found(catalog):
    assert query.match_name(catalog, "Atlantis") == query.NameMatch("none")
    assert query.match_name(catalog, "  ") == query.NameMatch("none")


def test_the_gazetteer_is_consistent(catalog):
    """Every group member and choice is a unit, and no name silently means two units: a name
    shared by regions must be declared ambiguous (and then offers both)."""
    ids = {r.id for r in catalog.regions}
    for g in catalog.groups:
        assert set(g.members) <= ids and len(g.members) >= 2
    declared = set()
    for a in catalog.ambiguous:
        assert set(a.choices) <= ids and len(a.choices) >= 2
        declared |= {query.fold(n) for n in a.names}
    owners = defaultdict(set)
    for r in catalog.regions:
        for n in r.names:
            owners[query.fold(n)].add(r.id)
    shared = {n: o for n, o in owners.items() if len(o) > 1 and n not in declared}
    assert shared == {}


@pytest.mark.parametrize("text", ["²", "2", "22", "-", "'", "x", "{# x", "Kh"])
def test_digits_marks_and_short_parts_name_nothing(catalog, text):
    assert query.match_name(catalog, text).kind == "none"
