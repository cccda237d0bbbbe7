"""The editor-mode page 'Add an article': the form writes the document and its draft, says
where, shows the draft; readers never get the page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from claims_atlas.core import briefing
from claims_atlas.core import catalog as cat
from claims_atlas.render.html import md_escape
from tests.apptest_support import drawn_app

ARTICLE = Path(__file__).parent / "fixtures" / "draft" / "wire-afp-2025-12-03.txt"


def page(real_seeds, monkeypatch, editor: bool):
    monkeypatch.setenv(cat.SEEDS_ENV, str(real_seeds))
    if editor:
        monkeypatch.setenv(briefing.EDITOR_ENV, "1")  # `serve --editor`
    else:
        monkeypatch.delenv(briefing.EDITOR_ENV, raising=False)
    at = drawn_app().run()
    return at


def test_pasted_article_is_saved_and_drafted(real_seeds, monkeypatch):
    at = page(real_seeds, monkeypatch, editor=True)
    at.switch_page("app_pages/add_article.py").run()
    assert not at.exception and at.title[0].value == "Add an article"
    body = ARTICLE.read_text(encoding="utf-8").split("---\n", 2)[2]
    at.text_area(key="aa_text").input(body)
    at.text_input(key="aa_outlet").input("AFP")
    at.date_input(key="aa_dateline").set_value(dt.date(2025, 12, 3))
    at.button[0].click().run()
    assert not at.exception and not at.error
    doc_id = "2025-12-03-afp-russia-will-take-all-of"
    assert at.success[0].value == (
        f"Saved documents/{md_escape(doc_id + '.txt')}; drafted 5 statements (2 with open "
        f"points) into drafts/{md_escape(doc_id + '.yaml')}.")
    assert (real_seeds / "documents" / f"{doc_id}.txt").is_file()
    draft = (real_seeds / "drafts" / f"{doc_id}.yaml").read_text(encoding="utf-8")
    assert at.code[0].value == draft.rstrip("\n") and "speakers: [yuri-ushakov]" in draft
    assert cat.check(real_seeds) == []  # the draft waits outside statements/


def test_missing_dateline_is_refused_in_the_page(real_seeds, monkeypatch):
    at = page(real_seeds, monkeypatch, editor=True)
    at.switch_page("app_pages/add_article.py").run()
    at.text_area(key="aa_text").input("Peskov said on Monday that talks went well.")
    at.text_input(key="aa_outlet").input("AFP")
    at.button[0].click().run()
    assert "Not saved: give the dateline" in at.error[0].value
    assert not (real_seeds / "drafts").exists()


def test_readers_do_not_get_the_page(real_seeds, monkeypatch):
    at = page(real_seeds, monkeypatch, editor=False)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/add_article.py")
