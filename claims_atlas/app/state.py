"""The one place that names session and URL state.

The URL names the view (`proposal`, `region`, `compare`, `mode`, `deck`, `scene`, `control`,
`date`); unknown values fall back to the default with a visible notice, never an exception.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import streamlit as st

from claims_atlas.core import query
from claims_atlas.core.control import timeline
from claims_atlas.core.models import Catalog

PROPOSAL, REGION, COMPARE, MODE = "proposal", "region", "compare", "mode"
DECK, SCENE, DOC, QUOTE, CONTROL = "deck", "scene", "doc", "quote", "control"
DATE = "date"  # YYYY-MM-DD: the map page's date (line of contact, timeline, proposals)
# The date control's widgets (app/datebar.py): slider, step buttons, play, and play's clock.
DATE_SLIDER, DATE_PREV, DATE_NEXT, DATE_PLAY = "date_slider", "date_prev", "date_next", "date_play"
DATE_PLAYING, DATE_TICK = "_claims_date_playing", "_claims_date_tick"
DATE_DIRECTION = "_claims_date_direction"  # +1 / -1: the last step's way; 0: none (picker)
MODES = ("explore", "present")
_READ = "_claims_url_read"
_LINK_NOTICES, _KEPT_NOTICES = "_claims_link_notices", "_claims_kept_notices"


@dataclass
class View:
    proposal: str
    region: str | None = None
    compare: str | None = None
    mode: str = "explore"
    deck: str | None = None
    scene: int = 1
    control: str | None = None
    date: str | None = None  # YYYY-MM-DD
    notices: list[str] = field(default_factory=list)


MAX_PARAM = 200  # characters: a longer value names nothing in the catalog
MAX_SCENE_DIGITS = 6


def _param(name: str) -> str | None:
    value = st.query_params.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def shown(value: str, size: int = 60) -> str:
    """A URL value as a notice quotes it: repr, clipped (a 10 kB value stays short)."""
    text = value if len(value) <= size else value[: size - 1] + "…"
    return repr(text)


def scene_number(text: str) -> int | None:
    """A 1-based scene number from the URL: ASCII digits only (not '²' or '٣'), at most
    MAX_SCENE_DIGITS of them (no 4,301-digit int); None otherwise."""
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_SCENE_DIGITS:
        return None
    number = int(text)
    return number if number >= 1 else None


def read_view(catalog: Catalog) -> View:
    """The view named by the URL, each unknown value replaced by the default, with a notice."""
    default = query.default_proposal_id(catalog)
    view = View(proposal=default)
    notices = view.notices
    proposal = _param(PROPOSAL)
    if proposal is not None:
        if catalog.proposal(proposal):
            view.proposal = proposal
        else:
            notices.append(f"Unknown proposal {shown(proposal)} in the link: showing "
                           f"{catalog.proposal(default).title if default else 'nothing'}.")
    region = _param(REGION)
    if region is not None:
        found = region if catalog.region(region) else next(
            iter(query.find_regions(catalog, region[:MAX_PARAM])), None)
        if found:
            view.region = found
        else:
            notices.append(f"Unknown region {shown(region)} in the link: no region selected.")
    compare = _param(COMPARE)
    if compare is not None:
        if catalog.proposal(compare):
            view.compare = compare
        else:
            notices.append(f"Unknown proposal {shown(compare)} to compare with: comparison off.")
    mode = _param(MODE)
    if mode is not None:
        if mode in MODES:
            view.mode = mode
        else:
            notices.append(f"Unknown mode {shown(mode)} in the link: showing the explorer.")
    view.deck = _param(DECK)
    control = _param(CONTROL)
    view.control = timeline.key_from_link(control) if control else None  # any spelling
    date = _param(DATE)
    if date is not None:
        try:
            view.date = dt.date.fromisoformat(date).isoformat() if len(date) == 10 else None
        except ValueError:
            view.date = None
        if view.date is None:
            notices.append(f"Date {date!r} in the link is not YYYY-MM-DD: showing the latest "
                           f"line of contact chosen.")
    scene = _param(SCENE)
    if scene is not None:
        number = scene_number(scene)
        if number is not None:
            view.scene = number
        else:
            notices.append(f"Scene {shown(scene)} is not a scene number: starting at scene 1.")
    return view


def _url() -> dict[str, str]:
    return {k: st.query_params.get(k) for k in sorted(st.query_params.keys())}


def _kept_notices() -> list[str]:
    """What the last full run said about its link, while the (corrected) link is unchanged.

    A link's notices are computed from the link as typed; the first run then corrects the
    URL, so a later rerun (the map's first answer, a filter) would find nothing to say. They
    stay on screen until the reader moves to another view.
    """
    kept = st.session_state.get(_KEPT_NOTICES)
    if kept and kept[1] == _url():
        return list(kept[0])
    return []


def begin_run() -> None:
    st.session_state[_LINK_NOTICES] = []


def link_notices(messages: list[str]) -> list[str]:
    """Notices about the link (unknown values and their fallback) to show now: these, and
    those of the last run while the URL, as this run has written it, is the same.

    Call it after the page has written the URL, so a widget that moved the view counts."""
    shown = st.session_state.setdefault(_LINK_NOTICES, [])
    for m in [*messages, *_kept_notices()]:
        if m not in shown:
            shown.append(m)
    return list(shown)


def end_run() -> None:
    """Keep this run's link notices with the URL they explain (see _kept_notices)."""
    st.session_state[_KEPT_NOTICES] = (tuple(st.session_state.get(_LINK_NOTICES, ())), _url())


def write_url(**values: str | int | None) -> None:
    """Set (or, for None, drop) URL parameters, touching only those that change."""
    for name, value in values.items():
        current = st.query_params.get(name)
        if value is None:
            if current is not None:
                del st.query_params[name]
        elif current != str(value):
            st.query_params[name] = str(value)


def once(name: str, value) -> None:
    """Seed a widget's session value from the URL on the first run of a session only."""
    if name not in st.session_state:
        st.session_state[name] = value


def first_run() -> bool:
    """True on the first script run of a browser session."""
    if st.session_state.get(_READ):
        return False
    st.session_state[_READ] = True
    return True
