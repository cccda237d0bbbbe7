""""Add this view to a deck": the explorer's sidebar form that saves the view as a scene.

The scene goes through claims_atlas.core.briefing.add_scene, which validates the whole catalog
with it before writing (atomically); a problem is shown as path:line and nothing is written.
"""

from __future__ import annotations

import streamlit as st

from claims_atlas.app import state
from claims_atlas.core import briefing, query
from claims_atlas.core.models import Catalog
from claims_atlas.render.html import esc, md_escape, notice_html

NEW = "__new__"
FORM = state.SAVE_VIEW


def sidebar_form(catalog: Catalog, proposal_id: str, region_id: str | None) -> None:
    """The form, in an expander; call it inside `with st.sidebar:`."""
    decks = {b.id: b for b in catalog.briefings}
    proposals = [p.id for p in query.proposals_by_date(catalog)]
    regions = sorted(r.id for r in catalog.regions)
    with st.expander("Add this view to a deck"), st.form(FORM, border=False):
        deck = st.selectbox("Deck", [*decks, NEW], key=f"{FORM}_deck",
                            format_func=lambda d: "New deck…" if d == NEW else decks[d].title)
        new_id = st.text_input("New deck id", key=f"{FORM}_new_id",
                               placeholder="e.g. kherson-questions",
                               help="Lowercase letters, digits and dashes; used when the deck "
                                    "above is 'New deck…'.")
        new_title = st.text_input("New deck title", key=f"{FORM}_new_title")
        compare = st.selectbox("Compare with", [None, *proposals], key=f"{FORM}_compare",
                               format_func=lambda p: "— nothing —" if p is None
                               else catalog.proposal(p).title)
        highlight = st.multiselect("Regions to highlight", regions, key=f"{FORM}_regions",
                                   default=[region_id] if region_id in regions else [],
                                   format_func=lambda r: catalog.region(r).name_en)
        caption = st.text_area("Caption", key=f"{FORM}_caption", max_chars=600,
                               placeholder="One or two sentences, in your own words.")
        saved = st.form_submit_button("Add scene")
    if saved:
        deck_id = new_id.strip() if deck == NEW else deck
        scene = {"proposal": proposal_id, "compare": compare if compare != proposal_id else None,
                 "regions": highlight, "caption": caption.strip()}
        _save(catalog, deck_id, scene, new_title.strip() or None)


def _save(catalog: Catalog, deck_id: str, scene: dict, title: str | None) -> None:
    try:
        path = briefing.add_scene(catalog.seeds_dir, deck_id, scene, title=title)
    except briefing.DeckInvalid as exc:
        st.error("Not saved: the deck would not validate.")
        st.html(notice_html(str(p) for p in exc.problems))
        return
    except briefing.BriefingError as exc:
        st.error(f"Not saved: {md_escape(exc)}")
        return
    existing = catalog.briefing(deck_id)
    number = len(existing.scenes) + 1 if existing else 1
    st.success(f"Saved as scene {number} of {md_escape(deck_id)} ({md_escape(path.name)}).")
    st.page_link("app_pages/explore.py", label="Present it", icon=":material/slideshow:",
                 query_params={state.MODE: "present", state.DECK: deck_id,
                               state.SCENE: str(number)})
    st.html(f'<p class="attribution">Written to {esc(path)}</p>')
