"""Briefing decks: validation with file:line, saving scenes safely, handouts, present mode."""

from __future__ import annotations

import html
import os
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from claims_atlas import REPO_ROOT
from claims_atlas.cli import main
from claims_atlas.core import briefing
from claims_atlas.core import catalog as cat
from claims_atlas.render import slides
from tests.apptest_support import drawn_app
from tests.conftest import DECK

MAIN = str(REPO_ROOT / "claims_atlas" / "app" / "main.py")
REAL_DECK = REPO_ROOT / "seeds" / "briefings" / "01-nov-dec-2025.yaml"
CHAIN = ["us-28-point-plan", "european-counter-proposal-2025-11", "geneva-framework-2025-11",
         "us-package-2025-12", "twenty-point-framework-2025-12"]

def problems(root) -> list[str]:
    return [str(p) for p in cat.check(root)]


def only(root, needle: str) -> str:
    found = [p for p in problems(root) if needle in p]
    assert len(found) == 1, problems(root)
    return found[0]


def where(problem: str) -> tuple[str, int]:
    path, line, _ = problem.split(":", 2)
    return Path(path).name, int(line)


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# -- the shipped deck -------------------------------------------------------------------------

def test_shipped_deck_tells_nov_dec_2025_first():
    catalog = cat.load_catalog()
    first = catalog.briefings[0]
    assert first.id == "nov-dec-2025" and Path(first.loc.path).name == REAL_DECK.name
    assert sorted((REPO_ROOT / "seeds" / "briefings").glob("*.yaml"))[0] == REAL_DECK
    assert len(first.scenes) >= 5
    order = list(dict.fromkeys(s.proposal for s in first.scenes))
    assert order[:5] == CHAIN
    assert any(s.compare for s in first.scenes) and all(s.regions for s in first.scenes)
    assert all(20 <= len(s.caption) <= 400 for s in first.scenes)


# -- validation -------------------------------------------------------------------------------

def test_small_deck_is_clean(make_seeds):
    assert problems(make_seeds({"briefings/deck-a.yaml": DECK})) == []


def test_unknown_proposal_in_a_scene(make_seeds):
    root = make_seeds({"briefings/deck-a.yaml": DECK.replace("proposal: plan-a",
                                                             "proposal: plan-z")})
    found = only(root, "unknown proposal")
    assert where(found) == ("deck-a.yaml", 7) and "'plan-z'" in found


@pytest.mark.parametrize("control,needle", [
    ("{date: 2025-13-40, source: DeepStateMap}", "impossible date"),
    ("{date: 2025-11-20}", "missing required field 'source'"),
    ("{date: 2025-11-20, source: '!!'}", "does not name a source"),
    ("yes", "'control' must be a mapping"),
    ("{date: 2999-01-01, source: DeepStateMap}", "out of range"),
])
def test_bad_control_names_its_line(make_seeds, control, needle):
    root = make_seeds({"briefings/deck-a.yaml": DECK.replace(
        "    caption: First scene.", f"    control: {control}\n    caption: First scene.")})
    assert where(only(root, needle)) == ("deck-a.yaml", 9)


def test_empty_scenes(make_seeds):
    text = DECK.split("scenes:")[0] + "scenes: []\n"
    found = only(make_seeds({"briefings/deck-a.yaml": text}), "at least one scene")
    assert where(found) == ("deck-a.yaml", 2)


def test_compare_with_itself_and_unknown_region(make_seeds):
    root = make_seeds({"briefings/deck-a.yaml": DECK.replace(
        "    regions: [UA-14]", "    compare: plan-a\n    regions: [UA-99]")})
    assert where(only(root, "own proposal")) == ("deck-a.yaml", 8)
    assert where(only(root, "unknown region 'UA-99'")) == ("deck-a.yaml", 9)


def test_validate_command_reports_deck_problems(make_seeds):
    root = make_seeds({"briefings/deck-a.yaml": DECK.replace("proposal: plan-a",
                                                             "proposal: plan-z")})
    result = run("validate", "--seeds", str(root))
    assert result.exit_code == 1
    assert "deck-a.yaml:7: scene: unknown proposal 'plan-z'" in result.output


# -- choosing a scene -------------------------------------------------------------------------

def test_pick_falls_back_with_notices():
    catalog = cat.load_catalog()
    deck, number, notices = briefing.pick(catalog, "nov-dec-2025", 2)
    assert (deck.id, number, notices) == ("nov-dec-2025", 2, [])
    deck, number, notices = briefing.pick(catalog, "no-such-deck", 1)
    assert deck.id == "nov-dec-2025" and "Unknown deck 'no-such-deck'" in notices[0]
    deck, number, notices = briefing.pick(catalog, "nov-dec-2025", 99)
    assert number == len(deck.scenes) and "not 99" in notices[0]


def test_pick_without_decks(make_seeds):
    deck, number, notices = briefing.pick(cat.load_catalog(make_seeds()), None, 1)
    assert deck is None and "no briefing deck" in notices[0]


# -- saving a scene ---------------------------------------------------------------------------

HOSTILE = 'Kherson: "frozen" # not a comment\n<script>alert(1)</script> – ok'


def test_add_scene_keeps_the_file_and_round_trips(real_seeds):
    path = real_seeds / "briefings" / REAL_DECK.name
    before = path.read_text(encoding="utf-8")
    scene = {"proposal": "geneva-framework-2025-11", "compare": "us-28-point-plan",
             "regions": ["UA-65", "UA-23"], "caption": HOSTILE,
             "control": {"date": "2025-11-20", "source": "DeepStateMap"}}
    written = briefing.add_scene(real_seeds, "nov-dec-2025", scene)
    assert written == path
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)  # comments, blank lines and every scene kept as written
    deck = cat.load_catalog(real_seeds).briefing("nov-dec-2025")
    last = deck.scenes[-1]
    assert len(deck.scenes) == 7
    assert (last.proposal, last.compare, last.regions, last.caption, last.control) == (
        "geneva-framework-2025-11", "us-28-point-plan", ("UA-65", "UA-23"), HOSTILE,
        ("2025-11-20", "DeepStateMap"))


def test_add_scene_inserts_before_later_keys(make_seeds):
    text = (DECK.replace("date: 2025-11-22\n", "")
            + "\n# kept with the key below\ndate: 2025-11-22\n")
    root = make_seeds({"briefings/deck-a.yaml": text})
    briefing.add_scene(root, "deck-a", {"proposal": "plan-a", "caption": "Second."})
    after = (root / "briefings" / "deck-a.yaml").read_text()
    assert after.endswith("caption: Second.\n\n# kept with the key below\ndate: 2025-11-22\n")
    assert [s.caption for s in cat.load_catalog(root).briefing("deck-a").scenes] == [
        "First scene.", "Second."]


def test_add_scene_to_a_flow_list(make_seeds):
    root = make_seeds({"briefings/deck-a.yaml": DECK.split("scenes:")[0]
                       + "scenes: [{proposal: plan-a, caption: One.}]\n"})
    briefing.add_scene(root, "deck-a", {"proposal": "plan-a", "caption": "Two."})
    assert len(cat.load_catalog(root).briefing("deck-a").scenes) == 2


def test_add_scene_starts_a_new_deck(make_seeds):
    root = make_seeds({"briefings/deck-a.yaml": DECK})
    path = briefing.add_scene(root, "deck-b", {"proposal": "plan-a", "regions": ["UA-14"],
                                               "caption": "New."}, title="Deck: B")
    assert path == root / "briefings" / "deck-b.yaml"
    deck = cat.load_catalog(root).briefing("deck-b")
    assert deck.title == "Deck: B" and [s.caption for s in deck.scenes] == ["New."]


def test_invalid_scene_is_not_written(real_seeds):
    path = real_seeds / "briefings" / REAL_DECK.name
    before = path.read_bytes()
    lines = before.decode().count("\n")
    with pytest.raises(briefing.DeckInvalid) as err:
        briefing.add_scene(real_seeds, "nov-dec-2025",
                           {"proposal": "no-such-plan", "regions": ["UA-14"], "caption": "x"})
    found = [str(p) for p in err.value.problems]
    assert len(found) == 1 and "unknown proposal 'no-such-plan'" in found[0]
    assert where(found[0]) == (REAL_DECK.name, lines + 2)
    assert str(real_seeds.name) in found[0]  # the real file's path, not the temp copy's
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [REAL_DECK.name]


def test_failed_write_leaves_the_old_file(real_seeds, monkeypatch):
    path = real_seeds / "briefings" / REAL_DECK.name
    before = path.read_bytes()

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("claims_atlas.core.files.os.replace", full_disk)
    with pytest.raises(briefing.DeckWriteError, match="No space left on device"):
        briefing.add_scene(real_seeds, "nov-dec-2025",
                           {"proposal": "us-28-point-plan", "caption": "Lost?"})
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [REAL_DECK.name]


def test_deck_id_must_be_a_slug(make_seeds):
    root = make_seeds()
    with pytest.raises(briefing.BriefingError, match="lowercase slug"):
        briefing.add_scene(root, "../escape", {"proposal": "plan-a", "caption": "x"})
    assert not (root / "briefings").exists() and not (root.parent / "escape.yaml").exists()


# -- what a scene shows -----------------------------------------------------------------------

def test_changes_group_the_focus_and_name_the_rest():
    catalog = cat.load_catalog()
    rows = slides.changes(catalog, "us-28-point-plan", "geneva-framework-2025-11")
    assert ("UA-43", "Crimea", "recognised_russian_de_facto", "deferred") in rows
    assert ("UA-14", "Donetsk (Ukrainian-held part)", "demilitarised_zone", "deferred") in rows
    text = slides.changes_html(catalog, "us-28-point-plan", "geneva-framework-2025-11",
                               ["UA-43", "UA-40"])
    assert "<b>Sevastopol, Crimea</b>" in text and "Also changed:" in text


def test_scene_text_is_escaped(make_seeds):
    root = make_seeds({"briefings/deck-a.yaml": DECK.replace(
        "caption: First scene.", "caption: '<img src=x onerror=alert(1)>'")})
    catalog = cat.load_catalog(root)
    deck = catalog.briefing("deck-a")
    assert "<img" not in slides.caption_html(deck.scenes[0])
    assert "1 / 1" in slides.top_html(catalog, deck, 1, "plan-a")


# -- handouts ---------------------------------------------------------------------------------

def test_deck_export_pdf_has_a_page_per_scene(tmp_path):
    out = tmp_path / "deck.pdf"
    result = run("deck", "export", str(REAL_DECK), "--format", "pdf", "-o", str(out))
    assert result.exit_code == 0, result.output
    pages = PdfReader(out).pages  # pypdf: no program outside the venv
    assert len(pages) == len(cat.load_catalog().briefing("nov-dec-2025").scenes)
    # every page carries the licences' credit whole: the evidence lines give way to it
    # (it was cut to "quotes from ..." where a proposal cites many sources)
    from claims_atlas.core.export import CATALOG_CREDIT

    for page in pages:
        assert CATALOG_CREDIT in " ".join(page.extract_text().split())


def test_deck_export_png_slides(tmp_path):
    result = run("deck", "export", str(REAL_DECK), "--format", "png", "-o", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "s").iterdir())
    deck = cat.load_catalog().briefing("nov-dec-2025")
    assert [f.name for f in files] == [f"{i:02d}-{s.proposal}.png"
                                       for i, s in enumerate(deck.scenes, 1)]
    for f in files:
        head = f.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
        assert struct.unpack(">II", head[16:24]) == (1920, 1080)


def test_deck_export_bad_file_names_file_and_line(make_seeds, tmp_path):
    root = make_seeds({"briefings/deck-a.yaml": DECK.replace("proposal: plan-a",
                                                             "proposal: plan-z")})
    result = run("deck", "export", str(root / "briefings" / "deck-a.yaml"), "-o",
                 str(tmp_path / "x.pdf"))
    assert result.exit_code == 1
    assert "deck-a.yaml:7: scene: unknown proposal 'plan-z'" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "x.pdf").exists()
    broken = make_seeds({"briefings/deck-a.yaml": DECK.replace("title: Deck A",
                                                               "title: [unclosed")})
    result = run("deck", "export", str(broken / "briefings" / "deck-a.yaml"), "-o",
                 str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "malformed YAML" in result.output
    assert where(result.output.splitlines()[0]) in (("deck-a.yaml", 3), ("deck-a.yaml", 4))
    result = run("deck", "export", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "no such deck file" in result.output


def test_deck_file_outside_the_catalog(make_seeds, tmp_path):
    root = make_seeds()
    outside = tmp_path / "elsewhere" / "mine.yaml"
    outside.parent.mkdir()
    outside.write_text(DECK)
    result = run("deck", "export", str(outside), "--seeds", str(root), "-o", str(tmp_path / "o"),
                 "--format", "png")
    assert result.exit_code == 0, result.output
    assert [f.name for f in (tmp_path / "o").iterdir()] == ["01-plan-a.png"]


def test_deck_list():
    result = run("deck", "list")
    assert result.exit_code == 0
    assert result.output.startswith("nov-dec-2025\t6 scenes\tFrom 28 points to 20\t")


# -- present mode (AppTest) -------------------------------------------------------------------

def present(params: dict) -> AppTest:
    at = drawn_app()
    for key, value in {"mode": "present", **params}.items():
        at.query_params[key] = value
    return at.run()


def text_of(at: AppTest) -> str:
    return html.unescape("\n".join(str(e.proto.body) for e in at.get("html")))


def indicator(at: AppTest) -> str:
    body = text_of(at)
    return body.split('data-testid="scene-indicator"', 1)[1].split(">", 1)[1].split("<", 1)[0]


def test_present_mode_steps_and_the_url_follows():
    at = present({"deck": "nov-dec-2025"})
    assert not at.exception
    assert indicator(at) == "1 / 6" and "US 28-point plan" in text_of(at)
    assert at.button(key="present_prev").disabled
    at.button(key="present_next").click().run()
    assert not at.exception
    assert at.query_params["scene"] == "2" and at.query_params["deck"] == "nov-dec-2025"
    assert indicator(at) == "2 / 6" and "Changed from 28 points" in text_of(at)
    at.button(key="present_next").click().run()
    at.button(key="present_prev").click().run()
    assert indicator(at) == "2 / 6" and at.query_params["scene"] == "2"
    assert len(at.sidebar.children) == 0


def test_present_unknown_deck_and_scene_out_of_range():
    at = present({"deck": "no-such-deck"})
    assert not at.exception
    assert "Unknown deck 'no-such-deck'" in text_of(at) and indicator(at) == "1 / 6"
    at = present({"deck": "nov-dec-2025", "scene": "99"})
    assert not at.exception
    assert "has 6 scenes, not 99" in text_of(at) and indicator(at) == "6 / 6"
    assert at.button(key="present_next").disabled


def test_present_region_detail_and_back():
    at = present({"deck": "nov-dec-2025", "scene": "3"})
    at.session_state["present_region"] = ("nov-dec-2025", 3, "UA-65")
    at.run()
    assert not at.exception
    assert 'data-testid="present-region"' in text_of(at) and "Kherson" in text_of(at)
    at.button(key="present_back").click().run()
    assert 'data-testid="present-region"' not in text_of(at) and indicator(at) == "3 / 6"


def test_present_exit_returns_to_the_explorer():
    at = present({"deck": "nov-dec-2025", "scene": "4"})
    at.button(key="present_exit").click().run()
    assert not at.exception
    assert at.radio(key="proposal").value == "us-package-2025-12"
    assert "mode" not in at.query_params


def test_present_without_decks(make_seeds, monkeypatch):
    monkeypatch.setenv(cat.SEEDS_ENV, str(make_seeds()))
    at = present({})
    assert not at.exception and "no briefing deck" in text_of(at)


def test_save_view_form_adds_a_scene(real_seeds, monkeypatch):
    monkeypatch.setenv(cat.SEEDS_ENV, str(real_seeds))
    monkeypatch.setenv(briefing.EDITOR_ENV, "1")  # `serve --editor`
    path = real_seeds / "briefings" / REAL_DECK.name
    at = drawn_app()
    at.query_params["proposal"] = "geneva-framework-2025-11"
    at.query_params["region"] = "UA-23"
    at.run()
    assert not at.exception
    assert at.multiselect(key="save_view_regions").value == ["UA-23"]
    at.text_area(key="save_view_caption").input("Geneva leaves Zaporizhzhia open.")
    next(b for b in at.button if b.label == "Add scene").click().run()
    assert not at.exception
    assert "Saved as scene 7 of nov" in "".join(e.value for e in at.success)
    deck = cat.load_catalog(real_seeds).briefing("nov-dec-2025")
    assert deck.scenes[-1].caption == "Geneva leaves Zaporizhzhia open."
    assert deck.scenes[-1].regions == ("UA-23",)
    assert os.path.getsize(path) > REAL_DECK.stat().st_size


def test_concurrent_saves_to_one_deck_lose_nothing(make_seeds):
    """Two readers saving views at once: each save reads, validates and rewrites the deck;
    without a lock the slower one would overwrite the other's scene."""
    from concurrent.futures import ThreadPoolExecutor

    root = make_seeds({"briefings/deck-a.yaml": DECK})
    captions = [f"Saved view {i}." for i in range(6)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(lambda c: briefing.add_scene(root, "deck-a", {
            "proposal": "plan-a", "caption": c}), captions))
    saved = [s.caption for s in cat.load_catalog(root).briefing("deck-a").scenes]
    assert saved[0] == "First scene." and sorted(saved[1:]) == captions
