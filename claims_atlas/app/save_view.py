""""Add this view to a deck": the explorer's sidebar form that keeps the view as a scene.

Visitors read; editors write. For a reader (the default `claims-atlas serve`) the deck is
built in the browser session and offered as a YAML file and a PDF handout: nothing is
written on the server. In editor mode (`serve --editor`) the scene goes through
claims_atlas.core.briefing.add_scene, which checks limits and ids, validates the whole catalog
with it and writes atomically, never over content it did not read; a problem is shown as
path:line and nothing is written. No absolute server path is ever shown.
"""

from __future__ import annotations

import streamlit as st

from claims_atlas.app import state, ui
from claims_atlas.core import briefing, query
from claims_atlas.core.models import Catalog
from claims_atlas.core.validate import MAX_CAPTION, MAX_SCENES, MAX_TITLE
from claims_atlas.render.html import md_escape, notice_html

NEW = "__new__"
FORM = state.SAVE_VIEW
SESSION_DECK = state.SESSION_DECK  # {"title": str, "scenes": [scene dicts]}
SESSION_DECK_ID = "my-deck"


def sidebar_form(catalog: Catalog, proposal_id: str, region_id: str | None,
                 control: dict | None = None) -> None:
    """The form, in an expander; call it inside `with st.sidebar:`. `control`: the line of
    contact shown, {"date": YYYY-MM-DD, "source": name} (the scene's `control`), or None."""
    if briefing.editor_mode():
        _editor_form(catalog, proposal_id, region_id, control)
    else:
        _reader_form(catalog, proposal_id, region_id, control)


def _scene_fields(catalog: Catalog, region_id: str | None) -> tuple:
    proposals = [p.id for p in query.proposals_by_date(catalog)]
    regions = sorted(r.id for r in catalog.regions)
    compare = st.selectbox("Compare with", [None, *proposals], key=f"{FORM}_compare",
                           format_func=lambda p: "— nothing —" if p is None
                           else catalog.proposal(p).title)
    highlight = st.multiselect("Regions to highlight", regions, key=f"{FORM}_regions",
                               default=[region_id] if region_id in regions else [],
                               format_func=lambda r: catalog.region(r).name_en)
    caption = st.text_area("Caption", key=f"{FORM}_caption", max_chars=MAX_CAPTION,
                           placeholder="One or two sentences, in your own words.")
    return compare, highlight, caption


def _scene(proposal_id: str, compare: str | None, highlight: list[str], caption: str,
           control: dict | None = None) -> dict:
    scene = {"proposal": proposal_id, "compare": compare if compare != proposal_id else None,
             "regions": list(highlight), "caption": caption.strip()}
    if control:  # the line of contact the view shows: presenting the scene draws it
        scene["control"] = dict(control)
    return scene


# -- reader: the deck lives in the browser session --------------------------------------------

def _reader_form(catalog: Catalog, proposal_id: str, region_id: str | None,
                 control: dict | None) -> None:
    deck = st.session_state.setdefault(SESSION_DECK, {"title": "", "scenes": []})
    with st.expander("Add this view to a deck"):
        with st.form(FORM, border=False):
            title = st.text_input("Deck title", key=f"{FORM}_new_title", max_chars=MAX_TITLE,
                                  placeholder="e.g. Kherson questions")
            compare, highlight, caption = _scene_fields(catalog, region_id)
            added = st.form_submit_button("Add scene")
        if added:
            _add_to_session(catalog, deck, title.strip(),
                            _scene(proposal_id, compare, highlight, caption, control))
        _session_downloads(catalog, deck)


def _add_to_session(catalog: Catalog, deck: dict, title: str, scene: dict) -> None:
    problems = briefing.scene_problems(catalog, scene, title)
    if len(deck["scenes"]) >= MAX_SCENES:
        problems.append(f"this deck has {MAX_SCENES} scenes already")
    if problems:
        st.error("Not added: " + "; ".join(md_escape(p) for p in problems) + ".")
        return
    deck["title"] = title or deck["title"]
    deck["scenes"].append(scene)
    st.success(f"Added as scene {len(deck['scenes'])} of your deck.")


def _session_downloads(catalog: Catalog, deck: dict) -> None:
    scenes = list(deck["scenes"])
    if not scenes:
        st.caption("Scenes you add stay in this browser session and download as a deck "
                   "file; nothing is saved on the server.")
        return
    title = deck["title"] or "My deck"
    st.caption(f"Your deck: {len(scenes)} scene(s), kept in this browser session only.")
    text = briefing.deck_text(SESSION_DECK_ID, title, scenes)
    st.download_button("Deck (YAML)", text, file_name=f"{SESSION_DECK_ID}.yaml",
                       mime="application/yaml", on_click="ignore", key=f"{FORM}_yaml",
                       width="stretch")
    st.download_button("Handout (PDF)", lambda: _session_pdf(catalog, title, scenes),
                       file_name=f"{SESSION_DECK_ID}.pdf", mime="application/pdf",
                       on_click="ignore", key=f"{FORM}_pdf", width="stretch")
    st.button("Start a new deck", key=f"{FORM}_clear",
              on_click=lambda: st.session_state.pop(SESSION_DECK, None))


def _session_pdf(catalog: Catalog, title: str, scenes: list[dict]) -> bytes:
    from claims_atlas.render import handouts

    return handouts.deck_pdf(catalog, briefing.session_deck(SESSION_DECK_ID, title, scenes))


# -- editor: saves into the catalog's briefings/ ----------------------------------------------

def _editor_form(catalog: Catalog, proposal_id: str, region_id: str | None,
                 control: dict | None) -> None:
    decks = {b.id: b for b in catalog.briefings}
    with st.expander("Add this view to a deck"), st.form(FORM, border=False):
        deck = st.selectbox("Deck", [*decks, NEW], key=f"{FORM}_deck",
                            format_func=lambda d: "New deck…" if d == NEW else decks[d].title)
        new_id = st.text_input("New deck id", key=f"{FORM}_new_id", max_chars=briefing.MAX_ID,
                               placeholder="e.g. kherson-questions",
                               help="Lowercase letters, digits and dashes; used when the deck "
                                    "above is 'New deck…'.")
        new_title = st.text_input("New deck title", key=f"{FORM}_new_title",
                                  max_chars=MAX_TITLE)
        compare, highlight, caption = _scene_fields(catalog, region_id)
        saved = st.form_submit_button("Add scene")
    if saved:
        deck_id = new_id.strip() if deck == NEW else deck
        _save(catalog, deck_id, _scene(proposal_id, compare, highlight, caption, control),
              new_title.strip() or None)


def _save(catalog: Catalog, deck_id: str, scene: dict, title: str | None) -> None:
    try:
        path = briefing.add_scene(catalog.seeds_dir, deck_id, scene, title=title)
    except briefing.DeckInvalid as exc:
        st.error("Not saved: the deck would not validate.")
        st.html(notice_html(ui.hide_root(str(p), catalog.seeds_dir) for p in exc.problems))
        return
    except briefing.BriefingError as exc:
        st.error(f"Not saved: {md_escape(ui.hide_root(str(exc), catalog.seeds_dir))}")
        return
    existing = catalog.briefing(deck_id)
    number = len(existing.scenes) + 1 if existing else 1
    st.success(f"Saved as scene {number} of {md_escape(deck_id)} "
               f"(briefings/{md_escape(path.name)}).")
    st.page_link("app_pages/explore.py", label="Present it", icon=":material/slideshow:",
                 query_params={state.MODE: "present", state.DECK: deck_id,
                               state.SCENE: str(number)})
