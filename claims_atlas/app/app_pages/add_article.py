"""Editor mode only (`claims-atlas serve --editor`): paste an article, give its outlet and
dateline; its text is saved under documents/ with front matter and its statements drafted
into drafts/ for review — `claims-atlas add-document` as a form (core/intake.py)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from claims_atlas.app import cache, state, ui
from claims_atlas.core import briefing, intake
from claims_atlas.core.catalog import EARLIEST
from claims_atlas.render.html import md_escape

catalog = cache.catalog()
st.title("Add an article")


def _form() -> None:
    st.caption("The text is saved verbatim under documents/ with its front matter; its "
               "statements are drafted into drafts/ for review. Nothing reaches the timeline "
               "until a person has checked the draft, settled its open points and moved it "
               "into statements/.")
    with st.form("add_article"):
        text = st.text_area("Article text", height=280, max_chars=200_000, key=state.AA_TEXT,
                            placeholder="Paste the copy as published, dateline line included.")
        left, right = st.columns(2)
        outlet = left.text_input("Outlet", max_chars=200, key=state.AA_OUTLET,
                                 placeholder="e.g. Reuters")
        dateline = right.date_input("Dateline", value=None, min_value=EARLIEST,
                                    max_value=dt.date.today(), key=state.AA_DATELINE)
        title = st.text_input("Title (optional)", max_chars=300, key=state.AA_TITLE,
                              help="Default: the first line of the text.")
        url = st.text_input("URL (optional)", max_chars=2000, key=state.AA_URL)
        state_media = st.checkbox("State media (TASS, RIA Novosti, ...)", key=state.AA_STATE)
        go = st.form_submit_button("Save and draft")
    if go:
        _add(text, outlet, dateline, title, url, state_media)


def _add(text: str, outlet: str, dateline: dt.date | None, title: str, url: str,
         state_media: bool) -> None:
    try:
        added = intake.add_document(
            catalog.seeds_dir, text, outlet=outlet.strip() or None,
            dateline=dateline.isoformat() if dateline else None, title=title.strip() or None,
            url=url.strip() or None, state_media=state_media)
    except (intake.IntakeError, OSError) as exc:
        st.error(f"Not saved: {md_escape(ui.hide_root(str(exc), catalog.seeds_dir))}")
        return
    st.success(f"Saved documents/{md_escape(added.document_path.name)}; drafted "
               f"{added.entries} statements ({added.unresolved} with open points) into "
               f"drafts/{md_escape(added.draft_path.name)}.")
    st.code(added.draft_path.read_text(encoding="utf-8"), language=None)  # 4.5:1, as then_now


if briefing.editor_mode():
    _form()
else:
    st.info("Adding articles needs the editor mode: `claims-atlas serve --editor`.")
