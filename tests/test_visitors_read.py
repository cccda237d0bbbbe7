"""Visitors read; editors write (issue 10 §1).

`claims-atlas serve` is read-only by default: a reader's "Add this view to a deck" builds the
deck in the browser session and offers it as a download, writing nothing on the server. The
editor mode (`--editor`) is refused on a non-loopback host unless `--allow-remote-editor`.
Saves keep limits, never replace content they did not read and never displace the default
deck. The server accepts WebSocket connections only for known host names (DNS rebinding)
and never imports a `claims_atlas/`, `dashboard/` or `streamlit/` folder from where it was
started.
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims_atlas.cli import main
from claims_atlas.cli import serve as serve_cli
from claims_atlas.core import briefing
from claims_atlas.core import catalog as cat
from tests.apptest_support import drawn_app
from tests.browser_support import free_port, wait_healthy
from tests.conftest import DECK


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


# -- a reader's deck lives in the browser session ---------------------------------------------

def test_reader_builds_a_deck_in_the_session_and_writes_nothing(real_seeds, monkeypatch):
    monkeypatch.setenv(cat.SEEDS_ENV, str(real_seeds))
    monkeypatch.delenv(briefing.EDITOR_ENV, raising=False)
    before = tree_bytes(real_seeds)
    at = drawn_app()
    at.query_params["proposal"] = "geneva-framework-2025-11"
    at.query_params["region"] = "UA-23"
    at.run()
    at.text_input(key="save_view_new_title").input("Zaporizhzhia, four plans")
    at.text_area(key="save_view_caption").input("Geneva leaves Zaporizhzhia open.")
    next(b for b in at.button if b.label == "Add scene").click().run()
    assert not at.exception
    assert "Added as scene 1 of your deck" in "".join(e.value for e in at.success)
    deck = at.session_state["_claims_session_deck"]
    assert deck["title"] == "Zaporizhzhia, four plans"
    assert deck["scenes"] == [{"proposal": "geneva-framework-2025-11", "compare": None,
                               "regions": ["UA-23"],
                               "caption": "Geneva leaves Zaporizhzhia open."}]
    assert tree_bytes(real_seeds) == before  # nothing written on the server
    labels = [b.label for b in at.get("download_button")]
    assert labels[-2:] == ["Deck (YAML)", "Handout (PDF)"]



def test_a_saved_view_keeps_its_line_of_contact(real_seeds, tmp_path, monkeypatch):
    """A view with a line of contact shown is saved with it: the scene names the snapshot's
    source and date (`control: {date, source}`), so presenting the deck draws the line the
    briefer saw. The form dropped it, and the scene showed no line."""
    from tests.control_series import SOURCE, daily, import_series

    monkeypatch.setenv(cat.SEEDS_ENV, str(real_seeds))
    monkeypatch.delenv(briefing.EDITOR_ENV, raising=False)
    monkeypatch.setenv("CLAIMS_ATLAS_CACHE", str(tmp_path / "cache"))
    import_series(tmp_path, [d for d in daily("2025-11-20", 3) if d[0] != "2025-11-21"])
    at = drawn_app()
    at.query_params["proposal"] = "us-28-point-plan"
    at.query_params["date"] = "2025-11-21"  # a day without a snapshot: 2025-11-20's is shown
    at.run()
    at.text_area(key="save_view_caption").input("The line on 20 November.")
    next(b for b in at.button if b.label == "Add scene").click().run()
    assert not at.exception
    scene = at.session_state["_claims_session_deck"]["scenes"][0]
    assert scene["control"] == {"date": "2025-11-20", "source": SOURCE}
    deck = briefing.session_deck("my-deck", "t", [scene])
    assert deck.scenes[0].control == ("2025-11-20", SOURCE)

def test_reader_limits_and_unknown_ids(real_seeds, monkeypatch):
    monkeypatch.setenv(cat.SEEDS_ENV, str(real_seeds))
    monkeypatch.delenv(briefing.EDITOR_ENV, raising=False)
    catalog = cat.load_catalog(real_seeds)
    scene = {"proposal": "no-such-plan", "regions": ["UA-14", "XX-1"], "caption": "c" * 1001}
    found = briefing.scene_problems(catalog, scene, "t" * 201)
    assert found == ["the title has 201 characters (at most 200)",
                     "the caption has 1,001 characters (at most 1000)",
                     "unknown proposal 'no-such-plan'", "unknown region 'XX-1'"]


def test_session_deck_downloads_as_a_valid_deck_file(real_seeds, tmp_path):
    scenes = [{"proposal": "us-28-point-plan", "regions": ["UA-14"], "caption": "One: #1"},
              {"proposal": "geneva-framework-2025-11", "compare": "us-28-point-plan",
               "regions": [], "caption": "Two <b>"}]
    text = briefing.deck_text("my-deck", "Mine {# x", scenes)
    path = real_seeds / "briefings" / "02-my-deck.yaml"
    path.write_text(text, encoding="utf-8")
    deck = cat.load_catalog(real_seeds).briefing("my-deck")
    assert [s.caption for s in deck.scenes] == ["One: #1", "Two <b>"]
    assert deck.title == "Mine {# x"
    model = briefing.session_deck("my-deck", "Mine {# x", scenes)
    assert [s.proposal for s in model.scenes] == [s.proposal for s in deck.scenes]


# -- an editor's save -------------------------------------------------------------------------

def test_huge_title_and_caption_are_refused_before_any_work(make_seeds):
    root = make_seeds({"briefings/deck-a.yaml": DECK})
    before = tree_bytes(root)
    with pytest.raises(briefing.BriefingError, match="20,000,000 characters"):
        briefing.add_scene(root, "deck-b", {"proposal": "plan-a", "caption": "x"},
                           title="T" * 20_000_000)
    with pytest.raises(briefing.BriefingError, match="1,001 characters"):
        briefing.add_scene(root, "deck-a", {"proposal": "plan-a", "caption": "x" * 1001})
    with pytest.raises(briefing.BriefingError, match="lowercase slug"):
        briefing.add_scene(root, "a" * 61, {"proposal": "plan-a", "caption": "x"})
    assert tree_bytes(root) == before


def test_validate_checks_deck_limits_in_hand_written_files(make_seeds):
    long = DECK.replace("title: Deck A", "title: " + "T" * 201).replace(
        "caption: First scene.", "caption: " + "c" * 1001)
    root = make_seeds({"briefings/deck-a.yaml": long})
    found = [str(p) for p in cat.check(root)]
    assert any("deck-a.yaml:3: briefing 'deck-a': title is 201 characters" in p for p in found)
    assert any("deck-a.yaml:9: scene: caption is 1,001 characters" in p for p in found)


def test_a_new_deck_never_displaces_the_default_deck(real_seeds, make_seeds):
    path = briefing.add_scene(real_seeds, "0", {"proposal": "us-28-point-plan", "caption": "x"})
    assert path.name == "02-0.yaml"
    assert cat.load_catalog(real_seeds).briefings[0].id == "nov-dec-2025"
    root = make_seeds({"briefings/a.yaml": DECK})
    before = tree_bytes(root)
    with pytest.raises(briefing.BriefingError, match="would become the default deck"):
        briefing.add_scene(root, "0", {"proposal": "plan-a", "caption": "x"})
    assert tree_bytes(root) == before


def test_a_save_never_replaces_content_it_did_not_read(make_seeds, monkeypatch):
    """A maintainer saves the deck while a visitor's scene is being checked: the visitor's
    save is refused and the maintainer's text stays (no silent revert)."""
    root = make_seeds({"briefings/deck-a.yaml": DECK})
    path = root / "briefings" / "deck-a.yaml"
    maintainer = DECK.replace("First scene.", "First scene, corrected by hand.")
    real_check = briefing.problems_with

    def check_while_maintainer_saves(seeds, where, text):
        found = real_check(seeds, where, text)
        path.write_text(maintainer, encoding="utf-8")
        return found

    monkeypatch.setattr(briefing, "problems_with", check_while_maintainer_saves)
    with pytest.raises(briefing.DeckChanged, match="changed while this scene was being checked"):
        briefing.add_scene(root, "deck-a", {"proposal": "plan-a", "caption": "Visitor."})
    assert path.read_text(encoding="utf-8") == maintainer


def test_flow_list_keeps_comments_and_flow_style(make_seeds):
    text = ("# keep me\nid: deck-a  # the id\ntitle: Deck A\nauthor: t\ndate: 2025-11-22\n"
            "scenes: [{proposal: plan-a, caption: One.}]  # flow\n")
    root = make_seeds({"briefings/deck-a.yaml": text})
    briefing.add_scene(root, "deck-a", {"proposal": "plan-a", "caption": "Two: yes"})
    after = (root / "briefings" / "deck-a.yaml").read_text()
    assert after.replace("] # flow", "]  # flow") == (
        "# keep me\nid: deck-a  # the id\ntitle: Deck A\nauthor: t\n"
        "date: 2025-11-22\nscenes: [{proposal: plan-a, caption: One.}, "
        "{proposal: plan-a, caption: 'Two: yes'}]  # flow\n")
    assert [s.caption for s in cat.load_catalog(root).briefing("deck-a").scenes] == [
        "One.", "Two: yes"]


def test_a_deck_that_cannot_be_edited_safely_is_refused(make_seeds):
    odd = ("id:   deck-a\ntitle: Deck A\nauthor: t\ndate: 2025-11-22\n"
           "scenes: [ {proposal: plan-a,   caption: One.} ]\n")
    root = make_seeds({"briefings/deck-a.yaml": odd})
    with pytest.raises(briefing.DeckLayout, match="add the scene by hand"):
        briefing.add_scene(root, "deck-a", {"proposal": "plan-a", "caption": "Two."})
    assert (root / "briefings" / "deck-a.yaml").read_text() == odd


def test_editor_messages_show_no_server_path(real_seeds, monkeypatch):
    monkeypatch.setenv(cat.SEEDS_ENV, str(real_seeds))
    monkeypatch.setenv(briefing.EDITOR_ENV, "1")
    at = drawn_app()
    at.run()
    at.text_area(key="save_view_caption").input("Saved by an editor.")
    next(b for b in at.button if b.label == "Add scene").click().run()
    shown = " ".join(str(getattr(e, "value", "")) for e in [*at.success, *at.markdown])
    shown = shown.replace("\\", "")  # Markdown escapes
    assert "briefings/01-nov-dec-2025.yaml" in shown
    assert str(real_seeds) not in shown and str(real_seeds.resolve()) not in shown


# -- serve ------------------------------------------------------------------------------------

def test_editor_is_refused_on_a_network_host(monkeypatch):
    calls = []
    monkeypatch.setattr(os, "execve", lambda *a: calls.append(a))
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--editor"])
    assert result.exit_code == 1 and calls == []
    assert "claims-atlas: error: --editor on 0.0.0.0" in result.output
    assert "--allow-remote-editor" in result.output
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--editor",
                                       "--allow-remote-editor"])
    assert result.exit_code == 0 and calls[0][2][briefing.EDITOR_ENV] == "1"
    result = CliRunner().invoke(main, ["serve", "--host", "127.0.0.1"])
    assert result.exit_code == 0 and briefing.EDITOR_ENV not in calls[1][2]
    assert "(read-only)" in result.output


def test_server_flags_hide_errors_and_name_the_hosts():
    flags = serve_cli.streamlit_flags("192.0.2.7", ("atlas.example.org",))
    pairs = list(zip(flags[::2], flags[1::2], strict=True))
    assert ("--client.showErrorDetails", "none") in pairs
    assert ("--server.enableCORS", "true") in pairs
    assert ("--server.enableXsrfProtection", "true") in pairs
    assert [v for k, v in pairs if k == "--server.allowedHosts"] == [
        "localhost", "127.0.0.1", "::1", "192.0.2.7", "atlas.example.org"]
    assert serve_cli.is_loopback("127.0.0.2") and serve_cli.is_loopback("localhost")
    assert not serve_cli.is_loopback("0.0.0.0") and not serve_cli.is_loopback("192.0.2.7")


def handshake(port: int, host: str) -> str:
    """The status line of a WebSocket upgrade to Streamlit's stream, with this Host header."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
               f"Sec-WebSocket-Version: 13\r\nOrigin: http://{host}\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request.encode())
        return s.recv(200).decode("latin-1").split("\r\n", 1)[0]


def test_server_ignores_packages_in_its_folder_and_foreign_hosts(tmp_path):
    """Started from a folder holding `claims_atlas/`, `dashboard/` and `streamlit/` packages,
    the server imports none of them; a WebSocket for a foreign Host is refused (DNS
    rebinding) while 127.0.0.1 and localhost are answered."""
    marker = tmp_path / "imported.txt"
    for name in ("claims_atlas", "dashboard", "streamlit"):
        pkg = tmp_path / name
        pkg.mkdir()
        (pkg / "__init__.py").write_text(
            f"open({str(marker)!r}, 'a').write({name!r} + '\\n')\n", encoding="utf-8")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("CLAIMS_ATLAS_SEEDS", "PYTHONPATH")}
    script = Path(sys.executable).parent / "claims-atlas"
    proc = subprocess.Popen([str(script), "serve", "--port", str(port)], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        assert "101" in handshake(port, f"127.0.0.1:{port}")
        assert "101" in handshake(port, f"localhost:{port}")
        assert "101" not in handshake(port, f"attacker.example:{port}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert not marker.exists(), marker.read_text()


def test_make_run_binds_the_loopback():
    from claims_atlas import REPO_ROOT

    text = (REPO_ROOT / "Makefile").read_text()
    assert "HOST   ?= 127.0.0.1" in text and "--host $(HOST)" in text
