"""The register of people: one id for every spelling, dated roles, speaker ids checked by
validate with path:line and the closest person, and the conversion of free-text speakers."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from claims_atlas.core import catalog as cat
from claims_atlas.core import convert_speakers as conv
from claims_atlas.core import people as pp
from claims_atlas.core import query
from tests.conftest import PEOPLE, SEEDS, STATEMENTS

LEGACY = Path(__file__).parent / "fixtures" / "people" / "legacy-statements.yaml"


@pytest.fixture(scope="module")
def register() -> pp.Register:
    people, problems = pp.load_people(SEEDS)
    assert problems == []
    return pp.Register(people)


@pytest.mark.parametrize("spelling", [
    "Volodymyr Zelensky", "Volodymyr Zelenskiy", "Volodymyr Zelenskyy", "Zelenskiy",
    "Zelenskyy", "President Volodymyr Zelenskiy", "Володимир Зеленський", "Зеленский"])
def test_every_wire_spelling_is_one_person(register, spelling):
    assert register.resolve(spelling).id == "volodymyr-zelensky"


def test_cyrillic_names_with_case_endings_are_found(register):
    text = "Заява Пєскова і слова Володимира Зеленського, передані Ушакову"
    assert [(f.person.id, f.text) for f in register.find(text)] == [
        ("dmitry-peskov", "Пєскова"), ("volodymyr-zelensky", "Володимира Зеленського"),
        ("yuri-ushakov", "Ушакову")]


def test_roles_change_with_the_date(register):
    yermak, umerov = register.get("andriy-yermak"), register.get("rustem-umerov")
    assert pp.roles_on(yermak, dt.date(2025, 6, 1)) == \
        "Head of the Office of the President of Ukraine"
    assert "Head of Ukraine's negotiating delegation" in pp.roles_on(yermak, dt.date(2025, 11, 25))
    assert pp.roles_on(yermak, dt.date(2025, 12, 5)) == ""  # resigned on 28 Nov 2025
    assert pp.roles_on(umerov, dt.date(2025, 3, 1)) == "Minister of Defence of Ukraine"
    on_dec_1 = pp.roles_on(umerov, dt.date(2025, 12, 1))
    assert "Secretary of the National Security and Defence Council" in on_dec_1
    assert "Minister of Defence" not in on_dec_1


def test_closest_person_for_a_misspelt_id(register):
    assert register.closest("volodymyr-zelenskyy")[0].id == "volodymyr-zelensky"
    assert register.closest("dmitri-peskow")[0].id == "dmitry-peskov"
    assert register.closest("dublin") == []


def test_statement_names_and_roles_come_from_the_register():
    catalog = cat.load_catalog(SEEDS)
    joint = catalog.statement("driscoll-zelensky-2025-11-20-meeting")
    assert joint.speakers == ("daniel-driscoll", "volodymyr-zelensky")
    assert joint.speaker == "Daniel Driscoll; Volodymyr Zelensky"
    ft = catalog.statement("ft-2025-08-16-anchorage-demands")
    assert ft.speakers == () and ft.source.outlet == "Financial Times"
    assert ft.speaker == "four people with direct knowledge of the talks (Financial Times)"


def test_speaker_filter_lists_people_only_once_each():
    catalog = cat.load_catalog(SEEDS)
    names = query.speakers(catalog)
    assert len(names) == len(set(names))
    assert {"Daniel Driscoll", "Volodymyr Zelensky", "Dmitry Peskov"} <= set(names)
    assert not [n for n in names if ";" in n or "(" in n or "Financial Times" in n]
    people = {p.name for p in catalog.people}
    assert set(names) <= people
    driscoll = query.statements(catalog, query.StatementFilter(speakers=("Daniel Driscoll",)))
    assert {s.id for s in driscoll} >= {"driscoll-zelensky-2025-11-20-meeting",
                                        "driscoll-2025-11-21-ambassadors"}
    zelensky = query.statements(catalog, query.StatementFilter(speakers=("Volodymyr Zelensky",)))
    assert "driscoll-zelensky-2025-11-20-meeting" in {s.id for s in zelensky}


def test_validate_names_an_unknown_speaker_id_with_its_line_and_the_closest(make_seeds):
    root = make_seeds({"statements/all.yaml": STATEMENTS.replace(
        "speakers: [the-minister]", "speakers:\n    - the-minister\n    - the-ministr")})
    problems = [str(p) for p in cat.check(root)]
    assert len(problems) == 1, problems
    assert problems[0].endswith(":5: statement 'minister-no-deal': unknown speaker "
                                "'the-ministr' (not in people.yaml) (did you mean "
                                "'the-minister', The Minister?)")
    assert problems[0].startswith(str(Path("seeds") / "statements" / "all.yaml")) or \
        "statements/all.yaml:5:" in problems[0]


def test_free_text_speaker_is_refused_with_the_id_to_write(make_seeds):
    root = make_seeds({"statements/all.yaml": STATEMENTS.replace(
        "speakers: [the-minister]", "speaker: Minister Testov")})
    problems = [str(p) for p in cat.check(root)]
    assert len(problems) == 1, problems
    assert "all.yaml:3: statement: 'speaker' is free text ('Minister Testov'); write " \
           "'speakers: [the-minister]'" in problems[0]


def test_statement_without_speaker_or_source_is_refused(make_seeds):
    root = make_seeds({"statements/all.yaml": STATEMENTS.replace(
        "  speakers: [the-minister]\n", "")})
    problems = [str(p) for p in cat.check(root)]
    assert len(problems) == 1 and "all.yaml:1: statement: name who spoke" in problems[0]


@pytest.mark.parametrize(("edit", "line", "message"), [
    (("from: 2020-01-01", "from: 2020-13-01"), 9, "role: 'from' '2020-13-01' is an impossible"),
    (("from: 2020-01-01", "from: 2020-01-01\n      to: 2019-01-01"), 10,
     "role: 'to' 2019-01-01 is before 'from' 2020-01-01"),
    (("  roles:", "  roles:\n    - role: Envoy\n      since: 2020-01-01"), 9,
     "role: unknown field 'since'"),
])
def test_register_problems_name_path_and_line(make_seeds, edit, line, message):
    root = make_seeds({"people.yaml": PEOPLE.replace(*edit)})
    problems = [str(p) for p in cat.check(root)]
    assert any(f"people.yaml:{line}: {message}" in p for p in problems), problems


def test_one_name_for_two_people_is_refused(make_seeds):
    twin = PEOPLE.replace("id: the-minister", "id: the-other-minister").replace(
        "name: The Minister", "name: Another Minister").replace("Міністр", "Інший").replace(
        "Министр", "Другой").replace("[Minister Testov, Testov]", "[Testov]")
    root = make_seeds({"people.yaml": PEOPLE + twin})
    problems = [str(p) for p in cat.check(root)]
    assert any("people.yaml:14: person 'the-other-minister': the name 'testov' already "
               "names 'the-minister'" in p for p in problems), problems


# -- converting free-text speakers ------------------------------------------------------------

def test_conversion_rewrites_only_the_speaker_lines(register):
    text = LEGACY.read_text(encoding="utf-8")
    result = conv.convert_text(text, "legacy.yaml", register)
    assert result.changed == ["zelenskiy-2025-12-02-dublin", "witkoff-umerov-2025-12-01-miami",
                              "wsj-2025-12-03-officials", "official-2025-12-04",
                              "politico-2025-12-06-officials"]
    new = result.text.split("\n")
    old = text.split("\n")
    assert len(new) == len(old)
    changed = [(o, n) for o, n in zip(old, new, strict=True) if o != n]
    assert [n for _, n in changed] == [
        "  speakers: [volodymyr-zelensky]  # the Reuters spelling",
        "  speakers: [steve-witkoff, rustem-umerov]",
        '  source: {outlet: "Wall Street Journal", description: "two European officials"}',
        '  source: {outlet: "Kyiv Wire", description: "a senior Ukrainian official"}',
        '  source: {outlet: "Politico", description: "US officials (unnamed)"}']
    assert [str(p) for p in result.problems] == [
        "legacy.yaml:71: statement 'zelenksy-2025-12-05-typo': unknown speaker "
        "'Volodymyr Zelenksy' (did you mean 'volodymyr-zelensky', Volodymyr Zelensky?); add "
        "them to people.yaml and run again"]


def test_conversion_is_idempotent_and_the_result_validates(real_seeds):
    target = real_seeds / "statements" / "new.yaml"
    shutil.copy(LEGACY, target)
    results, fatal = conv.convert_files([target])
    assert fatal == [] and len(results[0].changed) == 5
    once = target.read_text(encoding="utf-8")
    again, _ = conv.convert_files([target])
    assert again[0].changed == [] and target.read_text(encoding="utf-8") == once
    problems = [str(p) for p in cat.check(real_seeds)]
    assert len(problems) == 1 and "new.yaml:71: statement: 'speaker' is free text" in \
        problems[0], problems
    catalog, _ = cat.read_catalog(real_seeds)
    miami = catalog.statement("witkoff-umerov-2025-12-01-miami")
    assert miami.speaker_names == ("Steve Witkoff", "Rustem Umerov")
    assert miami.affiliation == "United States / Ukraine"  # from the register, by date


def test_conversion_check_mode_writes_nothing(tmp_path):
    target = tmp_path / "statements.yaml"
    shutil.copy(LEGACY, target)
    assert conv.main([str(target), "--check", "--seeds", str(SEEDS)]) == 1
    assert target.read_text(encoding="utf-8") == LEGACY.read_text(encoding="utf-8")


def test_the_shipped_statements_are_converted():
    results, fatal = conv.convert_files(sorted((SEEDS / "statements").glob("*.yaml")),
                                        write=False)
    assert fatal == [] and all(not r.changed and not r.problems for r in results)
