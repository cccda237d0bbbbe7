"""Loading and validating the catalog: every kind of mistake names file, line and value."""

from __future__ import annotations

import pytest

from claims_atlas.core import catalog as cat
from claims_atlas.core.validate import normalise
from tests.conftest import PROPOSAL, STATEMENTS


def problems(root) -> list[str]:
    return [str(p) for p in cat.check(root)]


def only(root, needle: str) -> str:
    found = [p for p in problems(root) if needle in p]
    assert len(found) == 1, problems(root)
    return found[0]


def test_small_catalog_is_clean(make_seeds):
    assert problems(make_seeds()) == []


def test_shipped_catalog_is_clean():
    assert problems(None) == []


def test_malformed_yaml_names_file_and_line(make_seeds):
    root = make_seeds({"proposals/plan-a.yaml": PROPOSAL.replace(
        "summary: A test plan.", "summary: [unclosed")})
    line = only(root, "malformed YAML")
    assert line.startswith("seeds/proposals/plan-a.yaml:") or "plan-a.yaml:" in line
    assert int(line.split(":")[1]) in (7, 8, 9)


def test_unknown_region_names_the_value(make_seeds):
    root = make_seeds({"proposals/plan-a.yaml": PROPOSAL.replace("region: UA-14\n    part: r",
                                                                 "region: UA-99\n    part: r")})
    line = only(root, "unknown region")
    assert "plan-a.yaml:12:" in line and "'UA-99'" in line


def test_group_instead_of_region_gets_a_hint(make_seeds):
    root = make_seeds({"proposals/plan-a.yaml": PROPOSAL.replace("region: UA-14\n    part: r",
                                                                 "region: Donbas\n    part: r")})
    assert "UA-14, UA-09" in only(root, "unknown region 'Donbas'")


def test_disposition_not_in_vocabulary(make_seeds):
    root = make_seeds({"proposals/plan-a.yaml": PROPOSAL.replace(
        "disposition: demilitarised_zone", "disposition: annexed")})
    line = only(root, "not in the vocabulary")
    assert "plan-a.yaml:21:" in line and "'annexed'" in line


def test_quote_not_verbatim(make_seeds):
    root = make_seeds({"statements/all.yaml": STATEMENTS.replace(
        "      quote: There will be no deal on those terms.",
        "      quote: There will never be a deal.")})
    line = only(root, "not verbatim in document")
    assert "all.yaml:11:" in line and "There will never be a deal." in line


def test_quote_check_ignores_whitespace_and_quote_marks(make_seeds):
    root = make_seeds({"statements/all.yaml": STATEMENTS.replace(
        "      quote: There will be no deal on those terms.",
        "      quote: \"said today:  “There will be\\n no deal on those terms.”\"")})
    assert problems(root) == []


@pytest.mark.parametrize("value,message", [
    ("2025-02-30", "impossible date"),
    ("2031-01-01", "out of range"),
    ("1990-01-01", "out of range"),
    ("21/11/2025", "is not a date"),
])
def test_bad_dates(make_seeds, value, message):
    root = make_seeds({"statements/all.yaml": STATEMENTS.replace(
        "  date: 2025-11-21", f"  date: {value}")})
    line = only(root, message)
    assert "all.yaml:2:" in line and value in line


def test_duplicate_id_across_two_files(make_seeds):
    root = make_seeds({"statements/more.yaml": STATEMENTS})
    line = only(root, "duplicate statement id")
    assert "more.yaml:1:" in line and "all.yaml:1" in line


def test_missing_required_field(make_seeds):
    root = make_seeds({"statements/all.yaml": STATEMENTS.replace(
        "  stance: rejects\n", "")})
    line = only(root, "missing required field 'stance'")
    assert "all.yaml:1:" in line


def test_unknown_proposal_and_document_references(make_seeds):
    root = make_seeds({"statements/all.yaml": STATEMENTS.replace(
        "proposals: [plan-a]", "proposals: [plan-z]").replace(
        "    - document: doc-a", "    - document: doc-z")})
    assert "'plan-z'" in only(root, "unknown proposal")
    assert "'doc-z'" in only(root, "unknown document")


def test_lineage_must_name_a_known_proposal(make_seeds):
    root = make_seeds({"proposals/plan-a.yaml": PROPOSAL.replace(
        "status: leaked", "status: leaked\nrevises: plan-zero")})
    assert "'plan-zero'" in only(root, "'revises' names unknown proposal")


def test_state_media_must_be_marked(make_seeds):
    root = make_seeds({"proposals/plan-a.yaml": PROPOSAL.replace(
        "https://example.org/report", "https://tass.com/world/1")})
    assert "state_media: true" in only(root, "is state media")


def test_two_provisions_for_the_same_part(make_seeds):
    root = make_seeds({"proposals/plan-a.yaml": PROPOSAL.replace(
        "part: ukrainian_held", "part: russian_held")})
    assert "already has a provision at line 12" in only(root, "already has a provision")


def test_every_problem_is_reported_not_only_the_first(make_seeds):
    root = make_seeds({"statements/all.yaml": STATEMENTS.replace(
        "stance: rejects", "stance: shrugs").replace("2025-11-21", "2025-13-01")})
    found = problems(root)
    assert any("'shrugs'" in p for p in found) and any("2025-13-01" in p for p in found)


def test_load_catalog_raises_named_error(make_seeds):
    root = make_seeds({"statements/all.yaml": "- id: [broken\n"})
    with pytest.raises(cat.CatalogInvalid) as info:
        cat.load_catalog(root)
    assert "malformed YAML" in str(info.value)


def test_env_variable_points_at_another_catalog(make_seeds, monkeypatch):
    root = make_seeds()
    monkeypatch.setenv(cat.SEEDS_ENV, str(root))
    assert [p.id for p in cat.load_catalog().proposals] == ["plan-a"]


def test_normalise_quote_marks_and_spaces():
    assert normalise("“Now”,\n  ‘later’ — maybe") == "\"Now\", 'later' - maybe"


def test_proposal_titles_are_unique(make_seeds):
    root = make_seeds({"proposals/plan-b.yaml": PROPOSAL.replace("id: plan-a", "id: plan-b")})
    assert "'plan-a'" in only(root, "is already used by")


@pytest.mark.parametrize("url", ["https://www.tvc.ru/news/show/id/1",
                                 "https://www.globaltimes.cn/page/1.shtml"])
def test_state_broadcasters_and_papers_must_be_marked(make_seeds, url):
    root = make_seeds({"proposals/plan-a.yaml": PROPOSAL.replace(
        "https://example.org/report", url)})
    assert "state_media: true" in only(root, "is state media")


def test_translation_is_loaded_next_to_a_non_english_quote(make_seeds):
    root = make_seeds({"statements/all.yaml": STATEMENTS.replace(
        "  stance: rejects", "  translation: There will be no deal on those terms (ours).\n"
                           "  stance: rejects")})
    catalog = cat.load_catalog(root)
    assert catalog.statement("minister-no-deal").translation == (
        "There will be no deal on those terms (ours).")
    from claims_atlas.core.export import statement_dict

    assert statement_dict(catalog.statement("minister-no-deal"))["translation"] == (
        "There will be no deal on those terms (ours).")


def test_translation_needs_the_quote_language(make_seeds):
    root = make_seeds({"proposals/plan-a.yaml": PROPOSAL.replace(
        "https://example.org/report", "https://example.org/report\n"
        "        translation: An English rendering.")})
    assert "add 'language'" in only(root, "'translation' is for a non-English quote")


def test_a_folder_with_no_catalog_files_is_not_a_catalog(tmp_path):
    """`validate --seeds` on the wrong (or an empty) folder said "ok: 0 proposals" and
    exited 0. A catalog of statements alone is still one (the cases' small catalogs)."""
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.yaml").write_text("- x\n", encoding="utf-8")
    problems = [str(p) for p in cat.check(tmp_path)]
    assert problems == [f"{tmp_path}:0: no catalog files (proposals/, statements/, documents/,"
                        f" briefings/, places.yaml, people.yaml): is this the catalog folder?"]
