"""Present mode: a deck's scenes full screen, stepped with → / ← (PageDown / PageUp).

The URL is the state (`?mode=present&deck=<id>&scene=N`): the buttons write it and the page
reads it, so a reload keeps the place. A region clicked on the map opens its detail over
the slide; Esc, Backspace or "Back to the deck" closes it, on the same scene.
"""

from __future__ import annotations

import streamlit as st

from claims_atlas.app import cache, mapview, state, ui
from claims_atlas.core import briefing, control, control_view
from claims_atlas.core.control import timeline
from claims_atlas.core.models import Briefing, Catalog, Scene
from claims_atlas.render import map as rmap
from claims_atlas.render import slides
from claims_atlas.render.html import md_escape, notice_html

MAP_KEY, REGION_KEY = state.PRESENT_MAP, state.PRESENT_REGION


def show(catalog: Catalog, view: state.View) -> None:
    st.html(slides.CSS)
    deck, number, notices = briefing.pick(catalog, view.deck, view.scene)
    if deck is None:
        _notices(state.link_notices([*view.notices, *notices]))
        _exit_button(None)
        return
    state.write_url(mode="present", deck=deck.id, scene=number)
    scene = deck.scenes[number - 1]
    linked = state.link_notices([*view.notices, *notices])
    missing: list[str] = []  # about this scene's snapshot, not the link: not kept
    overlay_key = _overlay_key(scene, missing)
    _notices([*linked, *missing])
    st.html(slides.top_html(catalog, deck, number, scene.proposal))
    region = _open_region(deck, number)
    left, right = st.columns([3.35, 1], gap="medium")
    with left, st.container(key=slides.MAP_BOX):
        _map(catalog, deck, number, scene, overlay_key, region)
    with right:
        _panel(catalog, deck, number, scene)
    if region:
        _region(catalog, region, scene, number)
    with st.container(key="present_keys"):
        st.html(slides.KEYS_SCRIPT, unsafe_allow_javascript=True)
        st.html(ui.FOCUSABLE_SCRIPT, unsafe_allow_javascript=True)


def _notices(messages: list[str]) -> None:
    if messages:
        with st.container(key="present_notices"):
            st.html(notice_html(messages))


def _overlay_key(scene: Scene, notices: list[str]) -> str | None:
    """The cached control snapshot a scene names, or None with a notice when it is missing."""
    if scene.control is None:
        return None
    date, source = scene.control
    try:  # the scene's date or the nearest snapshot before it, as the handouts draw
        info = timeline.nearest_snapshot(source, date)
    except (control.ControlError, ValueError) as exc:
        info, why = None, str(exc)
    else:
        why = f"no {source} snapshot on or before {date}"
    if info is None:
        notices.append(f"This scene asks for the line of contact ({source}, {date}), but "
                       f"{why}. Shown without it.")
        return None
    return control_view.snapshot_key(info)


def _map(catalog: Catalog, deck: Briefing, number: int, scene: Scene,
         overlay_key: str | None, region: str | None) -> None:
    parts = (control_view.parts_present(cache.overlay(control_view.find(overlay_key)).parts)
             if overlay_key else None)
    state = rmap.map_state(catalog, scene.proposal, highlight=scene.regions, selected=region,
                           parts=parts)
    mapview.show(cache.prepared_map(catalog, height=slides.MAP_HEIGHT),
                 state=state, key=MAP_KEY, height=slides.MAP_HEIGHT,
                 overlay=cache.overlay_payload(control_view.find(overlay_key))
                 if overlay_key else None,
                 returned_objects=["last_active_drawing", "last_object_clicked_count"],
                 on_change=lambda: _region_from_map(catalog, deck.id, number))


def _panel(catalog: Catalog, deck: Briefing, number: int, scene: Scene) -> None:
    # What the scene says scrolls in its own box; the controls below it stay on screen.
    with st.container(key=slides.INFO_BOX):
        st.html(slides.caption_html(scene))
        # One slot whether or not the scene compares, so the elements after it keep their
        # places from scene to scene: no stale twin of a step button while a rerun draws.
        with st.container(key="present_changes"):
            if scene.compare:
                st.html(slides.changes_html(catalog, scene.compare, scene.proposal,
                                            scene.regions))
        st.html(slides.legend_panel_html(catalog, scene.proposal))
        st.html(slides.sources_html(catalog, scene.proposal))
    with st.container(key=slides.CONTROLS_BOX):
        total = len(deck.scenes)
        prev, nxt = st.columns(2, gap="small")
        prev.button("← Previous", key=slides.PREV, disabled=number <= 1, width="stretch",
                    on_click=_go, args=(deck.id, number - 1))
        nxt.button("Next →", key=slides.NEXT, disabled=number >= total, width="stretch",
                   on_click=_go, args=(deck.id, number + 1))
        _downloads(catalog, deck, number, scene)


def _downloads(catalog: Catalog, deck: Briefing, number: int, scene: Scene) -> None:
    key = cache.key(catalog)
    missing = [s.control for s in deck.scenes if s.control and not _cached(s.control)]
    why = (f"Needs the control snapshot {md_escape(missing[0][1])} of "
           f"{md_escape(missing[0][0])}: import it with `claims-atlas control import`."
           if missing else None)
    a4, letter = st.columns(2, gap="small")
    for col, paper, label, widget in ((a4, "a4", "A4 PDF", "present_pdf"),
                                      (letter, "letter", "Letter PDF", "present_pdf_letter")):
        col.download_button(label, lambda paper=paper: cache.deck_pdf(catalog, key, deck.id,
                                                                      paper),
                            file_name=f"{deck.id}-{paper}.pdf", mime="application/pdf",
                            on_click="ignore", disabled=bool(missing),
                            help=why or f"The deck as a handout: one {label[:-4]} page a scene",
                            key=widget, width="stretch")
    png, leave = st.columns(2, gap="small")
    png.download_button("Scene PNG", lambda: cache.scene_png(catalog, key, deck.id, number),
                        file_name=f"{number:02d}-{scene.proposal}.png", mime="image/png",
                        on_click="ignore", disabled=scene.control is not None
                        and not _cached(scene.control), key="present_png", width="stretch")
    with leave:
        _exit_button(scene.proposal)


def _cached(control_key: tuple[str, str]) -> bool:
    date, source = control_key
    try:
        return timeline.nearest_snapshot(source, date) is not None
    except (control.ControlError, ValueError):
        return False


def _exit_button(proposal_id: str | None) -> None:
    st.button("Exit", key="present_exit", on_click=_exit, args=(proposal_id,), width="stretch",
              help="Back to the map explorer, on this scene's proposal")


def _region(catalog: Catalog, region: str, scene: Scene, number: int) -> None:
    with st.container(key="present_detail"):
        st.button("← Back to the deck (Esc)", key=slides.BACK, on_click=_close_region)
        st.html(slides.region_html(catalog, region, scene.proposal, number))


# -- state: the URL names deck and scene; the open region lives in the session ----------------

def _go(deck_id: str, number: int) -> None:
    st.session_state.pop(REGION_KEY, None)
    state.write_url(mode="present", deck=deck_id, scene=number)


def _open_region(deck: Briefing, number: int) -> str | None:
    """The region whose detail is open, if it was opened on this very scene."""
    opened = st.session_state.get(REGION_KEY)
    if opened and opened[:2] == (deck.id, number):
        return opened[2]
    st.session_state.pop(REGION_KEY, None)
    return None


def _region_from_map(catalog: Catalog, deck_id: str, number: int) -> None:
    clicked = (st.session_state.get(MAP_KEY) or {}).get("last_active_drawing") or {}
    rid = (clicked.get("properties") or {}).get("id")
    if rid and catalog.region(rid):
        st.session_state[REGION_KEY] = (deck_id, number, rid)


def _close_region() -> None:
    st.session_state.pop(REGION_KEY, None)


def _exit(proposal_id: str | None) -> None:
    """To the explorer, showing the proposal of the scene that was on screen."""
    st.session_state.pop(REGION_KEY, None)
    if proposal_id:
        st.session_state[state.PROPOSAL] = proposal_id
    state.write_url(mode=None, deck=None, scene=None, proposal=proposal_id, region=None)


def sidebar_link(catalog: Catalog) -> None:
    """The explorer's way in: present the first deck, full screen."""
    if catalog.briefings:
        st.page_link("app_pages/present.py", label="Present a briefing",
                     icon=":material/slideshow:",
                     query_params={state.MODE: "present", state.DECK: catalog.briefings[0].id})
