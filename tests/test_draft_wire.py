"""Drafts on wire copy: five invented articles in the styles of Reuters, AP, AFP, Ukrinform
and TASS (plus the draft-wire case), each matched against its expected draft."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from claims_atlas import REPO_ROOT
from claims_atlas.cli import main
from claims_atlas.core import catalog as cat
from claims_atlas.core import draft as d
from claims_atlas.core import wiredates

FIXTURES = Path(__file__).parent / "fixtures" / "draft"
ARTICLES = sorted(p.name for p in FIXTURES.glob("*.txt")
                  if p.with_name(p.stem + ".expected.yaml").exists())
DAY = dt.date


def projection(e: d.Entry, expected: dict) -> dict:
    """The entry in the fixture's terms (only the keys the fixture gives for optional ones)."""
    out = {"line": e.line, "speakers": list(e.speakers), "date": e.date.isoformat(),
           "regions": list(e.regions),
           "unresolved": sorted({u.split(":")[0] for u in e.unresolved})}
    if e.quote is not None:
        out["quote"] = e.quote
    else:
        out["evidence"] = e.evidence_quote
    if "written" in expected:
        out["written"] = e.written
    if e.date_precision != "day" or "date_precision" in expected:
        out["date_precision"] = e.date_precision
    if e.places or "places" in expected:
        out["places"] = list(e.places)
    return out


def expected_entries(name: str) -> list[dict]:
    data = yaml.safe_load((FIXTURES / name).with_suffix(".expected.yaml").read_text("utf-8"))
    for item in data:
        item["date"] = item["date"].isoformat()
        item["unresolved"] = sorted(item["unresolved"])
    return data


def test_five_wire_styles_are_covered():
    assert {n.split("-")[1] for n in ARTICLES if n.startswith("wire-")} == {
        "reuters", "ap", "afp", "ukrinform", "tass"}


@pytest.mark.parametrize("name", ARTICLES)
def test_draft_matches_the_expected_fixture(name):
    draft = d.draft_file(FIXTURES / name)
    expected = expected_entries(name)
    got = [projection(e, x) for e, x in zip(draft.entries, expected, strict=False)]
    assert got == expected
    assert len(draft.entries) == len(expected), [e.evidence_quote for e in draft.entries]


@pytest.mark.parametrize("name", ARTICLES)
def test_every_quote_is_verbatim_on_its_line(name):
    lines = (FIXTURES / name).read_text(encoding="utf-8").split("\n")
    for e in d.draft_file(FIXTURES / name).entries:
        assert e.evidence_quote in lines[e.line - 1], (e.line, e.evidence_quote)


@pytest.mark.parametrize("name", ARTICLES)
def test_yaml_of_the_draft_loads_and_lists_open_points(name):
    draft = d.draft_file(FIXTURES / name)
    data = yaml.safe_load(d.render_yaml(draft))
    assert [item["speakers"] for item in data] == [list(e.speakers) for e in draft.entries]
    assert all(item["reviewed"] is False for item in data)
    assert [len(item.get("unresolved", [])) for item in data] == [
        len(e.unresolved) for e in draft.entries]


# -- the pieces -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "count"), [
    ("Talks resumed on Dec. 1 in Miami, Umerov said. Peskov said nothing.", 2),
    ("Gen. Valery Gerasimov met Lt. Col. J. D. Smith of the U.S. Army. Then he left.", 2),
    ("Sybiha said the plan, discussed on Sept. 30, was dead. Umerov agreed.", 2),
    ('He said: "The talks were useful. We will continue." Then he left.', 2),
])
def test_sentences_know_wire_abbreviations(text, count):
    found = [s.text for s in d.sentences(text)]
    assert len(found) == count, found
    assert "".join(found).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize(("phrase", "day", "rule"), [
    ("on Dec. 1", DAY(2025, 12, 1), "no year: the year nearest the dateline (Tue 2025-12-02)"),
    ("Nov. 30", DAY(2025, 11, 30), "no year"),
    ("Sept. 30", DAY(2025, 9, 30), "no year"),
    ("Jan. 3", DAY(2026, 1, 3), "no year"),
    ("on Monday", DAY(2025, 12, 1), "the latest Monday on or before the dateline"),
    ("said Tuesday", DAY(2025, 12, 2), "the latest Tuesday on or before the dateline"),
    ("last Tuesday", DAY(2025, 11, 25), "the latest Tuesday before the dateline"),
    ("next Friday", DAY(2025, 12, 5), "the first Friday after the dateline"),
    ("yesterday", DAY(2025, 12, 1), "dateline Tue 2025-12-02 -1 day"),
    ("last week", DAY(2025, 11, 24), "the Monday of the week before the dateline's"),
    ("this week", DAY(2025, 12, 1), "the Monday of the week of the dateline's"),
])
def test_date_cues_carry_their_rule(phrase, day, rule):
    cue = wiredates.date_cues(phrase, DAY(2025, 12, 2))[0]
    assert cue.date == day and rule in cue.rule
    assert cue.precision == ("about" if "week" in phrase else "day")


def test_rules_are_shown_in_the_yaml():
    text = d.render_yaml(d.draft_file(FIXTURES / "test-2025-12-02-min.txt"))
    assert ('date: 2025-12-01  # date: "Dec. 1" = 2025-12-01 (no year: the year nearest the '
            'dateline (Tue 2025-12-02))') in text
    assert ('# the sentence also names: "Nov. 30" = 2025-11-30 (no year: the year nearest the '
            'dateline (Tue 2025-12-02))') in text
    assert 'speakers: [volodymyr-zelensky]  # speaker: "Volodymyr Zelenskiy" in the copy' in text
    assert "dublin-2025" not in text and "venue: Remarks in Dublin" in text


def test_a_speaker_not_in_the_register_is_listed_not_guessed(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("---\nid: doc-x\ntitle: T\noutlet: O\nlanguage: en\ndateline: 2025-12-02\n"
                   '---\nForeign Minister Jean-Noel Barrot said on Monday: "Europe must be at '
                   'the table."\n', encoding="utf-8")
    (e,) = d.draft_file(doc).entries
    assert e.speakers == () and e.speaker == "Jean-Noel Barrot"
    assert e.date == DAY(2025, 12, 1)
    assert e.unresolved == ("speaker: 'Jean-Noel Barrot' is not in people.yaml; add them or "
                            "correct the name",)


# -- add-document -----------------------------------------------------------------------------

def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def body_of(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8").split("---\n", 2)[2]


def test_add_document_writes_the_document_and_its_draft(tmp_path):
    root = tmp_path / "seeds"
    shutil.copytree(REPO_ROOT / "seeds", root)
    article = tmp_path / "article.txt"
    article.write_text(body_of("wire-reuters-2025-12-02.txt"), encoding="utf-8")
    result = run("add-document", str(article), "--outlet", "Reuters", "--dateline",
                 "2025-12-02", "--seeds", str(root))
    assert result.exit_code == 0, result.output
    doc_id = "2025-12-02-reuters-president-volodymyr-zelenskiy-speaking-in"
    doc_path = root / "documents" / f"{doc_id}.txt"
    draft_path = root / "drafts" / f"{doc_id}.yaml"
    assert f"document {doc_id}: {doc_path}" in result.stdout
    assert f"draft: {draft_path} (7 statements, 3 with open points)" in result.stdout
    text = doc_path.read_text(encoding="utf-8")
    assert text.startswith(f'---\nid: "{doc_id}"\n')
    assert 'outlet: "Reuters"\n' in text and "dateline: 2025-12-02\n" in text
    assert text.endswith(body_of("wire-reuters-2025-12-02.txt").strip("\n") + "\n")
    assert not list(root.rglob(".*.tmp"))  # the temp files were renamed away
    # the catalog is untouched by the draft until it is reviewed and moved
    assert [str(p) for p in cat.check(root)] == []
    again = run("add-document", str(article), "--outlet", "Reuters", "--dateline",
                "2025-12-02", "--seeds", str(root))
    assert again.exit_code == 1
    assert again.stderr.startswith("claims-atlas: error: ") and "already in the catalog" in \
        again.stderr
    # review: keep the settled entries, mark them reviewed, move the file into statements/
    data = yaml.safe_load(draft_path.read_text(encoding="utf-8"))
    kept = [dict(item, reviewed=True) for item in data if item["speakers"]]
    for item in kept:
        item.pop("unresolved", None)
        item["date"] = str(item["date"])
    (root / "statements" / f"{doc_id}.yaml").write_text(yaml.safe_dump(kept, sort_keys=False),
                                                         encoding="utf-8")
    assert [str(p) for p in cat.check(root)] == []
    catalog = cat.load_catalog(root)
    assert {s.speaker for s in catalog.statements if s.evidence[0].document == doc_id} == {
        "Volodymyr Zelensky", "Dmitry Peskov", "Andrii Sybiha", "Rustem Umerov", "Marco Rubio"}


@pytest.mark.parametrize(("args", "message"), [
    (["--dateline", "2025-12-02"], "give the outlet (--outlet)"),
    (["--outlet", "Reuters"], "give the dateline (--dateline YYYY-MM-DD)"),
    (["--outlet", "Reuters", "--dateline", "2025-02-30"], "is an impossible date"),
    (["--outlet", "Reuters", "--dateline", "2025-12-02", "--id", "Bad Id"],
     "is not a lowercase slug"),
])
def test_add_document_refuses_bad_options(tmp_path, args, message):
    root = tmp_path / "seeds"
    shutil.copytree(REPO_ROOT / "seeds", root)
    article = tmp_path / "article.txt"
    article.write_text("Peskov said on Monday that talks went well.\n", encoding="utf-8")
    result = run("add-document", str(article), "--seeds", str(root), *args)
    assert result.exit_code == 1 and message in result.stderr, result.output
    assert not (root / "drafts").exists()
    assert sorted(p.name for p in (root / "documents").iterdir()) == [
        "seed-2025-11-21-umerov-peskov.txt"]


def test_add_document_keeps_the_files_front_matter(tmp_path):
    root = tmp_path / "seeds"
    shutil.copytree(REPO_ROOT / "seeds", root)
    result = run("add-document", str(FIXTURES / "wire-tass-2025-12-03.txt"), "--seeds",
                 str(root))
    assert result.exit_code == 0, result.output
    text = (root / "documents" / "wire-tass-2025-12-03.txt").read_text(encoding="utf-8")
    assert "state_media: true\n" in text and 'outlet: "Test copy in the style of TASS' in text


def test_people_convert_cli_is_idempotent(tmp_path):
    root = tmp_path / "seeds"
    shutil.copytree(REPO_ROOT / "seeds", root)
    target = root / "statements" / "new.yaml"
    shutil.copy(Path(__file__).parent / "fixtures" / "people" / "legacy-statements.yaml", target)
    first = run("people", "convert", str(target))
    assert first.exit_code == 1  # one name is not in the register
    assert f"{target}: converted 5 statement(s)" in first.stdout
    assert "unknown speaker 'Volodymyr Zelenksy' (did you mean 'volodymyr-zelensky'" in \
        first.stdout
    second = run("people", "convert", str(target))
    assert f"{target}: converted 0 statement(s)" in second.stdout
    listed = run("people", "list", "--seeds", str(root))
    assert "andriy-yermak\tAndriy Yermak\tHead of the Office of the President of Ukraine " \
           "(2020-02-11 to 2025-11-28)" in listed.stdout


def test_people_convert_of_a_missing_file_says_only_that(tmp_path):
    missing = tmp_path / "gone.yaml"
    result = run("people", "convert", str(missing))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"{missing}:0: cannot read: No such file or directory"]
    broken = tmp_path / "broken.yaml"
    broken.write_text("- id: s1\n  speaker: [unclosed\n", encoding="utf-8")
    result = run("people", "convert", str(broken))
    assert result.exit_code == 1 and "converted" not in result.stdout
    assert result.stdout.startswith(f"{broken}:")


def test_cyrillic_speech_a_former_official_and_one_diplomat(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text(
        "---\nid: doc-y\ntitle: T\noutlet: O\nlanguage: en\ndateline: 2025-12-04\n---\n"
        'Песков заявил журналистам: "Позиция России по Донбассу не изменилась."\n\n'
        "Andriy Yermak said on Thursday that the talks were over.\n\n"
        '"Nobody knows what happens next," one diplomat said on Thursday.\n', encoding="utf-8")
    peskov, yermak, diplomat = d.draft_file(doc).entries
    assert (peskov.speakers, peskov.written, peskov.regions) == (
        ("dmitry-peskov",), "Песков", ("UA-14", "UA-09"))
    assert peskov.quote == "Позиция России по Донбассу не изменилась."
    assert yermak.speakers == ("andriy-yermak",)  # resigned on 28 Nov 2025: no role to guess
    assert yermak.unresolved == ("role: the register gives Andriy Yermak no role on "
                                 "2025-12-04",)
    assert (diplomat.speakers, diplomat.speaker) == ((), "diplomat")
    assert diplomat.unresolved[0].startswith("speaker: 'diplomat' is not a person")


def test_add_document_does_not_draft_the_headline_as_a_statement(tmp_path):
    """Plain text whose first line is the headline: the title comes from it and the text is
    kept verbatim, but "X rejects Y, Zelenskiy says" is a headline, not a dated statement."""
    root = tmp_path / "seeds"
    shutil.copytree(REPO_ROOT / "seeds", root)
    article = FIXTURES / "headline-reuters-2026-01-14.txt"
    result = run("add-document", str(article), "--outlet", "Reuters", "--dateline",
                 "2026-01-14", "--seeds", str(root))
    assert result.exit_code == 0, result.output
    doc_id = "2026-01-14-reuters-ukraine-rejects-ceding-donbas-zelenskiy"
    text = (root / "documents" / f"{doc_id}.txt").read_text(encoding="utf-8")
    assert 'title: "Ukraine rejects ceding Donbas, Zelenskiy says (test copy)"' in text
    assert "\nUkraine rejects ceding Donbas, Zelenskiy says (test copy)\n" in text
    data = yaml.safe_load((root / "drafts" / f"{doc_id}.yaml").read_text(encoding="utf-8"))
    quoted = [ev["quote"] for item in data for ev in item["evidence"]]
    assert quoted == [
        "Ukrainian President Volodymyr Zelenskiy said on Tuesday that Kyiv would never "
        "withdraw from the parts of Donetsk region it still holds.",
        "We will not give up Sloviansk and Kramatorsk. This is our land",
        "Kremlin spokesman Dmitry Peskov said on Monday that Russia's conditions \"remain "
        "unchanged\" and that the Zaporizhzhia nuclear power plant would stay under Russian "
        "control.",
        "A senior U.S. official, speaking on condition of anonymity, said the talks would "
        "resume next week."]
    assert "4 statements" in result.stdout
