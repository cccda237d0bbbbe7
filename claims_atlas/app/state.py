"""The one place that names session and URL state.

The URL names the view: the page (its path), `proposal`, `region`, `compare`, `control`,
`date`, `mode`, `deck`, `scene`, `doc`, `quote` and the timeline's filters and order
(`tl_*`).
Unknown values fall back to the default with a visible notice, never an exception.

Who wins, the URL or the widgets? The URL, whenever it is not the one this session last
wrote: a link opened in a fresh tab, or Back/Forward (Streamlit reruns the page with the
URL of that history entry). Otherwise the widgets hold the view and the page writes the
URL once per run, in one step, so one reader action is one history entry.

Widgets that are not drawn on a run lose their session value (Streamlit's clean-up of
widget state); `begin_run` keeps the values of `KEPT` so a filter survives a visit to
another page (streamlit/streamlit#389).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import streamlit as st

from claims_atlas.core import query
from claims_atlas.core.control import timeline
from claims_atlas.core.models import Catalog

# -- URL parameters (also the session keys of the widgets that hold them) ---------------------
PROPOSAL, REGION, COMPARE, MODE = "proposal", "region", "compare", "mode"
DECK, SCENE, DOC, QUOTE, CONTROL = "deck", "scene", "doc", "quote", "control"
TL_FROM, TL_TO, TL_SPEAKER, TL_REGION = "tl_from", "tl_to", "tl_speaker", "tl_region"
TL_PROPOSAL, TL_ORDER, TL_ABOUT = "tl_proposal", "tl_order", "tl_about"
CHANGES_ONLY = "changes"
DATE = "date"  # YYYY-MM-DD: the map page's date (line of contact, timeline, proposals)
# The date control's widgets (app/datebar.py): slider, step buttons, play, and play's clock.
DATE_SLIDER, DATE_PREV, DATE_NEXT, DATE_PLAY = "date_slider", "date_prev", "date_next", "date_play"
# The sidebar's line-of-contact picker: a source's slug or None. The snapshot shown is CONTROL,
# which the date control moves; a picker of 769 dated snapshots cost 52 KB per step.
CONTROL_SOURCE = "control_source"
DATE_PLAYING, DATE_TICK = "_claims_date_playing", "_claims_date_tick"
DATE_DIRECTION = "_claims_date_direction"  # +1 / -1: the last step's way; 0: none (picker)
FROM, BACK, STATEMENT = "from", "back", "statement"  # a passage's way back
MODES = ("explore", "present")
ORDERS = ("newest", "oldest")

# -- session keys: widgets ---------------------------------------------------------------------
SEARCH = "region_search"
SEARCH_MATCH = "search_match"  # what the last region search found (query.match_name)
# the editor's "Add an article" form (app_pages/add_article.py)
AA_TEXT, AA_OUTLET, AA_DATELINE, AA_TITLE, AA_URL, AA_STATE = (
    "aa_text", "aa_outlet", "aa_dateline", "aa_title", "aa_url", "aa_state")
TL_DATES, TL_SPEAKERS, TL_LIMIT, TL_FILTER, TL_MORE = (
    "tl_dates", "tl_speakers", "tl_limit", "tl_filter", "tl_more")
CMP_A, CMP_B, CMP_CHANGES = "cmp_a", "cmp_b", "cmp_changes"
DOC_PICK = "doc_pick"
SAVE_VIEW = "save_view"  # the form's key and the prefix of its fields' keys
SESSION_DECK = "_claims_session_deck"  # the reader's own deck, kept for this session
DETAIL_CLOSE = "detail_close"
TABLE_OPEN, TABLE_CSV = "regions_table_open", "regions_table_csv"
# -- session keys: maps (the component's value) and what they opened ---------------------------
MAP, CMP_MAP_A, CMP_MAP_B, PRESENT_MAP = "map", "cmp_map_a", "cmp_map_b", "present_map"
PRESENT_REGION = "present_region"
MAP_ANSWERED = "_claims_map_answered_"  # + map key: the map drew and answered once
# -- session keys: bookkeeping -----------------------------------------------------------------
_READ = "_claims_url_read"
_LINK_NOTICES, _KEPT_NOTICES = "_claims_link_notices", "_claims_kept_notices"
_WRITTEN = "_claims_url_written"

# Values kept across pages (see the module's docstring).
KEPT = (PROPOSAL, REGION, CONTROL, DATE, TL_DATES, TL_SPEAKERS, TL_REGION, TL_PROPOSAL, TL_ORDER,
        TL_ABOUT, CMP_A, CMP_B, CMP_CHANGES)


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


@dataclass(frozen=True)
class Timeline:
    """The timeline's filters and order as the URL names them."""

    start: dt.date | None = None
    end: dt.date | None = None
    speakers: tuple[str, ...] = ()
    region: str | None = None
    proposal: str | None = None
    order: str = "newest"
    about_selection: bool = False


MAX_PARAM = 200  # characters: a longer value names nothing in the catalog
MAX_SCENE_DIGITS = 6


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


def _param(name: str) -> str | None:
    value = st.query_params.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


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
        found = _region(catalog, region)
        if found:
            view.region = found[0]
            if len(found) > 1:  # a name of several units (Kyiv, Donbas): say which is shown
                names = [catalog.region(r).name_en for r in found]
                notices.append(f"{shown(region)} in the link names {', '.join(names[:-1])} "
                               f"and {names[-1]}: showing {names[0]} (find the others by "
                               f"name in the sidebar).")
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
            notices.append(f"Date {shown(date)} in the link is not YYYY-MM-DD (or no such "
                           f"day): the page has no date.")
    scene = _param(SCENE)
    if scene is not None:
        number = scene_number(scene)
        if number is not None:
            view.scene = number
        else:
            notices.append(f"Scene {shown(scene)} is not a scene number: starting at scene 1.")
    return view


def _region(catalog: Catalog, text: str) -> list[str]:
    """The region ids a link's `region=` names: an id, or a name (query.match_name) that may
    name several units (the first is shown); [] for none."""
    return [text] if catalog.region(text) else query.find_regions(catalog, text[:MAX_PARAM])


def _date(name: str, notices: list[str]) -> dt.date | None:
    text = _param(name)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        notices.append(f"{shown(text)} in the link is not a date (YYYY-MM-DD): filter off.")
        return None


def read_timeline(catalog: Catalog, notices: list[str]) -> Timeline:
    """The timeline named by the URL; unknown speakers, regions and proposals are dropped
    with a notice."""
    known = set(query.speakers(catalog))
    speakers = []
    for s in st.query_params.get_all(TL_SPEAKER):
        if s in known:
            speakers.append(s)
        else:
            notices.append(f"No statement in the catalog is by {shown(s)}: speaker filter dropped.")
    region = _param(TL_REGION)
    if region is not None and not catalog.region(region):
        notices.append(f"Unknown region {shown(region)} in the timeline filter: filter off.")
        region = None
    proposal = _param(TL_PROPOSAL)
    if proposal is not None and not catalog.proposal(proposal):
        notices.append(f"Unknown proposal {shown(proposal)} in the timeline filter: filter off.")
        proposal = None
    order = _param(TL_ORDER) or "newest"
    if order not in ORDERS:
        notices.append(f"Unknown order {shown(order)}: newest first.")
        order = "newest"
    return Timeline(_date(TL_FROM, notices), _date(TL_TO, notices), tuple(speakers), region,
                    proposal, order, _param(TL_ABOUT) == "selection")


def timeline_params(t: Timeline) -> dict[str, str | list[str] | None]:
    """The URL parameters of a timeline view; defaults are left out."""
    return {TL_FROM: t.start.isoformat() if t.start else None,
            TL_TO: t.end.isoformat() if t.end else None,
            TL_SPEAKER: list(t.speakers) or None, TL_REGION: t.region,
            TL_PROPOSAL: t.proposal, TL_ORDER: None if t.order == "newest" else t.order,
            TL_ABOUT: "selection" if t.about_selection else None}


# -- the URL and the session ---------------------------------------------------------------

def _url() -> dict[str, tuple[str, ...]]:
    return {k: tuple(st.query_params.get_all(k)) for k in sorted(st.query_params.keys())}


def url_is_new() -> bool:
    """Whether the URL names a view this session did not write: a link or Back/Forward.

    An empty query on a later run is a page reached through the navigation, which names no
    view: the session's view stays."""
    written = st.session_state.get(_WRITTEN)
    if written is None:
        return True
    url = _url()
    return bool(url) and url != written


def write_url(**values: str | int | list[str] | None) -> None:
    """Set (or, for None, drop) URL parameters in one step: one history entry per change."""
    target = {k: tuple(v) if isinstance(v, list) else (v,) for k, v in
              {**{k: list(v) for k, v in _url().items()}, **values}.items() if v is not None}
    target = {k: tuple(str(x) for x in v) for k, v in sorted(target.items())}
    if target != _url():
        st.query_params.from_dict({k: list(v) if len(v) > 1 else v[0]
                                   for k, v in target.items()})
    st.session_state[_WRITTEN] = target


def set_values(values: Mapping[str, object]) -> None:
    """Put values into session keys (before their widgets are drawn on this run)."""
    for name, value in values.items():
        st.session_state[name] = value


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
    for name in KEPT:  # keeps a widget's value while another page is shown
        if name in st.session_state:
            st.session_state[name] = st.session_state[name]


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


def picked_statement(catalog: Catalog) -> tuple[str | None, list[str]]:
    """The statement the URL asks the timeline to bring into view, and notices."""
    sid = _param(STATEMENT)
    if sid is None or catalog.statement(sid):
        return sid, []
    return None, [f"Unknown statement {shown(sid)} in the link: none picked out."]
