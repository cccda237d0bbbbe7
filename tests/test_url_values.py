"""Every URL value gets a notice, never a traceback (issue 10 §3).

Each parameter the app reads is driven with odd values (superscript and Arabic-Indic
digits, a 4,301-digit number, negative and zero numbers, markup, Jinja, NUL, path tricks,
10 kB); each page must run without an exception, show a notice for a value it cannot use,
and show no server path.
"""

from __future__ import annotations

import html

import pytest
from streamlit.testing.v1 import AppTest

from claims_atlas import REPO_ROOT
from claims_atlas.app import state
from tests.apptest_support import drawn_app

MAIN = str(REPO_ROOT / "claims_atlas" / "app" / "main.py")
ODD = ["²", "٣", "１", "9" * 4301, "-1", "0", "1e3", "NaN", "<script>alert(1)</script>",
       "{# x", "%00\x00", "../../etc/passwd", "x" * 10_000, "🙂"]
PARAMS = [state.PROPOSAL, state.REGION, state.COMPARE, state.MODE, state.DECK, state.SCENE,
          state.CONTROL, state.DOC, state.QUOTE]


def page_text(at: AppTest) -> str:
    return html.unescape("\n".join(str(e.proto.body) for e in at.get("html")))


def notices(at: AppTest) -> str:
    body = page_text(at)
    return body.split('data-testid="notices"', 1)[1] if 'data-testid="notices"' in body else ""


def check(at: AppTest) -> str:
    assert not at.exception, [e.value for e in at.exception]
    text = page_text(at) + " ".join(str(e.value) for e in at.get("markdown"))
    assert str(REPO_ROOT) not in text  # no server path
    return notices(at)


@pytest.mark.parametrize("value", ODD)
def test_every_parameter_with_an_odd_value(value):
    # The explorer reads proposal, region, compare, mode, control.
    at = drawn_app()
    at.query_params.update({p: value for p in PARAMS if p not in (state.MODE,)})
    at.run()
    said = check(at)
    for what in ("Unknown proposal", "Unknown region", "Control snapshot"):
        assert what in said, said[:500]
    # Present mode reads deck and scene.
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params.update(mode="present", deck=value, scene=value)
    at.run()
    said = check(at)
    assert "Unknown deck" in said and "is not a scene number" in said, said[:500]
    # An odd mode falls back to the explorer.
    at = drawn_app()
    at.query_params.update(mode=value)
    at.run()
    assert "Unknown mode" in check(at)
    # The sources page reads doc and quote.
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params.update(doc=value, quote=value)
    at.run()
    at.switch_page("app_pages/documents.py").run()
    assert "Unknown document" in check(at)


def test_scene_numbers_are_ascii_digits_of_bounded_length():
    assert [state.scene_number(v) for v in ("3", "000002", "999999")] == [3, 2, 999999]
    assert [state.scene_number(v) for v in ("²", "٣", "１", "0", "-1", "1e3", "9" * 7,
                                            "9" * 4301, " 1")] == [None] * 9


def test_a_huge_scene_number_falls_back_with_a_notice(monkeypatch):
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params.update(mode="present", scene="9" * 4301)
    at.run()
    said = check(at)
    assert f"Scene '{'9' * 59}…' is not a scene number: starting at scene 1." in said
    assert at.query_params["scene"] == ["1"] or at.query_params["scene"] == "1"
