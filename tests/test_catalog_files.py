"""The catalog says only what its sources say; any file gets path:line in bounded time and
memory (issue 10 §4 and §4b). Inputs of the shared cases are kept in tests/fixtures/."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims_atlas import REPO_ROOT
from claims_atlas.cli import main
from claims_atlas.core import catalog as cat
from claims_atlas.core.files import FileRefused, read_text
from claims_atlas.core.validate import quote_in_passages
from tests.conftest import STATEMENTS

FIXTURES = Path(__file__).parent / "fixtures"


def problems(root) -> list[str]:
    return [str(p) for p in cat.check(root)]


# -- a statement's quote stands in its evidence -----------------------------------------------

def test_a_changed_quote_is_refused_at_its_line(make_seeds):
    root = make_seeds({"statements/all.yaml": STATEMENTS.replace(
        "\n  quote: There will be no deal on those terms.",
        "\n  quote: There will be a deal on those terms.")})
    assert [p.split(str(root))[-1] for p in problems(root)] == [
        "/statements/all.yaml:6: statement 'minister-no-deal': quote is not verbatim in any of "
        "its evidence passages: 'There will be a deal on those terms.' (or mark it "
        "'quote_is_translation: true')"]


def test_a_translated_quote_is_marked_so(make_seeds):
    root = make_seeds({"statements/all.yaml": STATEMENTS.replace(
        "\n  quote: There will be no deal on those terms.",
        "\n  quote: Es wird keinen Deal geben.\n  quote_is_translation: true")})
    assert problems(root) == []
    assert cat.load_catalog(root).statements[0].quote_is_translation is True


def test_quote_matching_allows_elision_case_and_end_punctuation_only():
    passages = ['"That\'s the core of the problem. For us, this is unacceptable," he said.',
                "we respect territory that we control - as he appeared to accept"]
    assert quote_in_passages("That's the core of the problem. For us, this is unacceptable.",
                             passages)
    assert quote_in_passages("We respect territory that we control", passages)
    assert quote_in_passages("That's the core … this is unacceptable", passages)
    assert quote_in_passages("That's the core [...] we control", passages)
    assert not quote_in_passages("That's the core of the problem. For us, this is acceptable.",
                                 passages)
    assert not quote_in_passages("That's the core of the problem we control", passages)
    assert not quote_in_passages("…", passages)
    # An editor's insertion in the source may be left out, nothing else.
    trump = ['"Crimea will stay with Russia. And (Ukrainian President) Zelensky understands '
             'that," Trump was quoted as saying.']
    assert quote_in_passages("Crimea will stay with Russia. And Zelensky understands that", trump)
    assert not quote_in_passages("Crimea will stay with Russia. Zelensky understands that", trump)


def test_unreviewed_draft_entries_are_refused_at_their_line(make_seeds):
    text = STATEMENTS.replace("  kind: statement\n", "").replace(
        "- id: minister-no-deal\n", "- id: minister-no-deal\n  reviewed: false\n")
    root = make_seeds({"statements/all.yaml": text})
    assert [p.split(str(root))[-1] for p in problems(root)] == [
        "/statements/all.yaml:2: statement: drafted and not reviewed; check it against its "
        "source, then set 'reviewed: true'"]
    root = make_seeds({"statements/all.yaml": text.replace("reviewed: false",
                                                           "reviewed: true")})
    assert problems(root) == []


# -- YAML 1.1 scalars and the byte-order mark -------------------------------------------------

def test_yaml_norway_case_keeps_no_as_written():
    """shared case yaml-norway: `language: no` is Norwegian, not False."""
    result = CliRunner().invoke(main, ["export", "--format", "json", "--seeds",
                                       str(FIXTURES / "yaml-norway" / "seeds")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    languages = [ev["language"] for s in data["statements"] for ev in s["evidence"]]
    assert languages == ["no"]


def test_yaml_booleans_where_text_is_expected(make_seeds):
    text = STATEMENTS.replace("  role: Minister of Tests", "  role: true").replace(
        "  stance: rejects", "  stance: rejects\n  venue: off")
    root = make_seeds({"statements/all.yaml": text})
    found = [p.split(str(root))[-1] for p in problems(root)]
    assert found == ["/statements/all.yaml:4: 'role' must be text, not true: quote it "
                     "('role: \"true\"')"]
    assert cat.read_catalog(root)[0].statements[0].venue == "off"
    root = make_seeds({"statements/all.yaml": STATEMENTS.replace(
        "      quote: There will be no deal on those terms.",
        "      quote: There will be no deal on those terms.\n      state_media: yes")})
    assert any("'state_media' must be true or false, not 'yes'" in p for p in problems(root))


def test_document_bom_case_is_read():
    """shared case document-bom: a document saved 'UTF-8 with BOM' reads as any other."""
    seeds = FIXTURES / "document-bom" / "seeds"
    path = seeds / "documents" / "test-2025-12-02-bom.txt"
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    assert problems(seeds) == []
    doc = cat.load_catalog(seeds).documents[0]
    assert doc.id == "test-2025-12-02-bom" and doc.text.startswith("KYIV, Dec 2 - The minister")
    result = CliRunner().invoke(main, ["draft", str(path), "--seeds", str(seeds)])
    assert result.exit_code == 0 and "minister-2025-12-02" in result.stdout


# -- any file: bounded time and memory, path:line, never a crash -------------------------------

def hostile_tree(root: Path) -> dict[str, str]:
    """A copy of the shipped catalog with one hostile file of each kind; returns the
    expected message (start) per file, as validate prints it after the path."""
    shutil.copytree(REPO_ROOT / "seeds", root)
    hostile = FIXTURES / "hostile-files"
    shutil.copy(hostile / "deep-list-10000.yaml", root / "statements" / "zz-deep.yaml")
    shutil.copy(hostile / "documents-frontmatter-bomb.txt", root / "documents" / "zz-bomb.txt")
    (root / "statements" / "zz-nested.yaml").write_text(
        "x: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n")
    bomb = (hostile / "places-coordinates-bomb.yaml").read_text()
    (root / "places.yaml").write_text(bomb)
    (root / "proposals" / "zz-dangling.yaml").symlink_to("/nonexistent/zz.yaml")
    (root / "documents" / "zz-folder.txt").mkdir()
    os.mkfifo(root / "statements" / "zz-fifo.yaml")
    (root / "statements" / "zz-bigint.yaml").write_text(f"- id: x\n  date: {'9' * 100_000}\n")
    (root / "statements" / "zz-nul.yaml").write_text(
        "- id: x\n  kind: statement\n  date: 2025-01-01\n  speaker: a\n  role: b\n"
        "  stance: \x00rejects\n")
    return {
        "statements/zz-deep.yaml:": "malformed YAML: nested deeper than 64 levels",
        "statements/zz-nested.yaml:1:": "malformed YAML: nested deeper than 64 levels",
        "documents/zz-bomb.txt:": "malformed YAML: aliases stand for more than 10,000 values",
        "places.yaml:": "malformed YAML: aliases stand for more than 10,000 values",
        "proposals/zz-dangling.yaml:1:": "cannot be read: a link to nothing, or removed",
        "documents/zz-folder.txt:1:": "is a folder, not a regular file: not read",
        "statements/zz-fifo.yaml:1:": "is a named pipe, not a regular file: not read",
        "statements/zz-bigint.yaml:2:": "malformed YAML: a number of 100,000 characters",
        "statements/zz-nul.yaml:6:": "NUL byte: a binary or damaged file",
    }


def test_hostile_files_get_path_line_in_bounded_time_and_memory(tmp_path):
    """shared case hostile-files: before, a segfault (rc 139), 120 s and more, 1.7 GB and
    tracebacks; now one path:line each from one validate run."""
    root = tmp_path / "seeds"
    expected = hostile_tree(root)
    start = time.monotonic()
    with open(tmp_path / "out.txt", "w+") as out_file:
        proc = subprocess.Popen([sys.executable, "-m", "claims_atlas.cli", "validate",
                                 "--seeds", str(root)], stdout=out_file,
                                stderr=subprocess.STDOUT, text=True, cwd=tmp_path)
        watchdog = threading.Timer(60, proc.kill)  # a hang fails the test, not the run
        watchdog.start()
        _, status, usage = os.wait4(proc.pid, 0)  # the child's own peak memory
        watchdog.cancel()
        out_file.seek(0)
        out = err = out_file.read()
    elapsed = time.monotonic() - start
    assert os.waitstatus_to_exitcode(status) == 1, out[-2000:]
    assert "Traceback" not in out + err
    lines = out.splitlines()
    for where, message in expected.items():
        hits = [line for line in lines if f"seeds/{where}" in line and message in line]
        assert hits, (where, message, lines[:20])
    assert elapsed < 30
    assert usage.ru_maxrss < 600_000  # KB: the alias bombs took 1.7 GB before


@pytest.mark.parametrize("name", ["zz-deep", "zz-fifo"])
def test_the_app_shows_hostile_file_problems(name, tmp_path, monkeypatch):
    from tests.apptest_support import drawn_app

    root = tmp_path / "seeds"
    shutil.copytree(REPO_ROOT / "seeds", root)
    if name == "zz-fifo":
        os.mkfifo(root / "statements" / "zz.yaml")
    else:
        shutil.copy(FIXTURES / "hostile-files" / "deep-list-10000.yaml",
                    root / "statements" / "zz.yaml")
    monkeypatch.setenv(cat.SEEDS_ENV, str(root))
    at = drawn_app().run()
    assert not at.exception
    body = "\n".join(str(e.proto.body) for e in at.get("html"))
    assert "statements/zz.yaml:1:" in body and str(tmp_path) not in body


def test_read_text_limits(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a" * 20)
    with pytest.raises(FileRefused, match="larger than 0 MB"):
        read_text(big, limit=10)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(FileRefused) as err:
        read_text(latin)
    assert err.value.line == 2 and "not UTF-8" in err.value.message
