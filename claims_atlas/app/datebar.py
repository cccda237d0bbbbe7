"""The map page's date control: a slider over the days of the line of contact's source,
step buttons and play.

A step changes the page's date (state.DATE, `date=` in the URL) and the snapshot shown
(state.CONTROL, the nearest on or before the date; the sidebar picks only the source); the
rerun sends only the new overlay beside the living map (render.map.overlay_show_script), so
the map's frame stays. The overlays of the neighbouring dates are stored in the page
beforehand (`neighbours`), so "Earlier", "Later" and the slider draw them at once
(render/js/dates.js) before the rerun confirms. Play steps once every PLAY_SECONDS through a
fragment that reruns the page.
"""

from __future__ import annotations

import datetime as dt
import time

import streamlit as st

from claims_atlas.app import state
from claims_atlas.core import control_view
from claims_atlas.render import dates as rdates
from claims_atlas.render.html import md_escape

PLAY_SECONDS = 1.0


def _series_of(snapshots: dict, slug: str) -> list:
    """The snapshots of the source `slug`, by date."""
    return sorted((i for i in snapshots.values() if i.slug == slug), key=lambda i: i.date)


def _series(snapshots: dict, key: str) -> list:
    """The snapshots of the same source as `key`, by date."""
    return _series_of(snapshots, snapshots[key].slug)


def _on_or_before(series: list, day: dt.date):
    """The last snapshot of `series` (by date) on or before `day`, or None."""
    earlier = [i for i in series if i.date <= day]
    return earlier[-1] if earlier else None


def nearest_linked(key: str | None, snapshots: dict, notices: list[str]) -> str | None:
    """A link's snapshot, or when that day has none cached, its source's nearest earlier
    one (with a notice, as `date=` does); an unknown source or a day before them all stays
    as it is (the page then says it is not cached)."""
    if not key or key in snapshots:
        return key
    slug, _, day = key.rpartition("/")
    try:
        info = _on_or_before(_series_of(snapshots, slug), dt.date.fromisoformat(day))
    except ValueError:
        return key
    if info is None:
        return key
    notices.append(f"No line of contact of {info.source} on {day} is cached: showing the "
                   f"nearest earlier snapshot, {info.date.isoformat()}.")
    return control_view.snapshot_key(info)


def _main_source(snapshots: dict) -> str | None:
    """The source with the most cached snapshots (the first by name on a tie)."""
    counts: dict[str, int] = {}
    for info in snapshots.values():
        counts[info.slug] = counts.get(info.slug, 0) + 1
    return min(counts, key=lambda s: (-counts[s], s)) if counts else None


def as_of() -> dt.date | None:
    """The page's date, or None."""
    value = st.session_state.get(state.DATE)
    return dt.date.fromisoformat(value) if value else None


def reconcile(view: state.View, snapshots: dict) -> None:
    """On a session's first run: the date of the link, and the snapshot that stands for it
    (the nearest on or before it, of the linked snapshot's source or else the source with
    the most snapshots); a notice when there is none."""
    if state.DATE in st.session_state:
        return
    st.session_state[state.DATE] = view.date
    if not view.date:
        return
    key = st.session_state.get(state.CONTROL)
    slug = snapshots[key].slug if key else _main_source(snapshots)
    if slug is None:
        return
    info = _on_or_before(_series_of(snapshots, slug), dt.date.fromisoformat(view.date))
    if info is None:  # readers see the source's name, not its slug
        name = next(i.source for i in snapshots.values() if i.slug == slug)
        view.notices.append(f"No line of contact of {name} on or before {view.date} is "
                            f"cached: showing none.")
        st.session_state[state.CONTROL] = None
    else:
        st.session_state[state.CONTROL] = control_view.snapshot_key(info)


def neighbours(snapshots: dict) -> list:
    """The snapshot next to the shown one in the way the reader is stepping (later, unless
    the last step went back; none right after the sidebar's picker, so a snapshot switch
    sends one overlay only). The page stores it for an instant next step."""
    key = st.session_state.get(state.CONTROL)
    way = st.session_state.get(state.DATE_DIRECTION, 1)
    if not key or key not in snapshots or not way:
        return []
    series = _series(snapshots, key)
    at = series.index(snapshots[key]) + way
    return [series[at]] if 0 <= at < len(series) else []


def sources(snapshots: dict) -> dict[str, str]:
    """Slug -> "<source> (<n> dates)" of each source with cached snapshots, by name."""
    out: dict[str, list] = {}
    for info in snapshots.values():
        out.setdefault(info.slug, []).append(info)
    return {slug: f"{infos[0].source} ({len(infos)} dates)" if len(infos) > 1
            else f"{infos[0].source} ({infos[0].date.isoformat()})"
            for slug, infos in sorted(out.items())}


def sync_source(snapshots: dict) -> None:
    """Before the sidebar's picker is drawn: it names the source of the snapshot shown
    (written only when it differs, so an unchanged picker is not sent again)."""
    key = st.session_state.get(state.CONTROL)
    slug = snapshots[key].slug if key in snapshots else None
    if st.session_state.get(state.CONTROL_SOURCE, ...) != slug:
        st.session_state[state.CONTROL_SOURCE] = slug


def source_picked(snapshots: dict) -> None:
    """The sidebar's picker chose a source (or none): show its snapshot nearest on or before
    the page's date, or its latest when the page has no date (or none that early)."""
    slug = st.session_state.get(state.CONTROL_SOURCE)
    st.session_state[state.DATE_PLAYING] = False
    st.session_state[state.DATE_DIRECTION] = 0
    if slug is None:
        st.session_state[state.CONTROL] = None
        return
    series = _series_of(snapshots, slug)
    here = as_of()
    info = (here and _on_or_before(series, here)) or series[-1]
    st.session_state[state.CONTROL] = control_view.snapshot_key(info)


def _go(info) -> None:
    here = st.session_state.get(state.DATE)
    if here:
        st.session_state[state.DATE_DIRECTION] = -1 if info.date.isoformat() < here else 1
    st.session_state[state.CONTROL] = control_view.snapshot_key(info)
    st.session_state[state.DATE] = info.date.isoformat()


def _step(series: list, delta: int) -> bool:
    keys = [control_view.snapshot_key(i) for i in series]
    here = st.session_state.get(state.CONTROL)
    at = keys.index(here) + delta if here in keys else -1
    if not 0 <= at < len(series):
        return False
    _go(series[at])
    return True


def _slid(series: list) -> None:
    """The slider names the page's date; the snapshot nearest on or before it is shown."""
    chosen = st.session_state.get(state.DATE_SLIDER)
    info = _on_or_before(series, chosen) if chosen else None
    if info is None:
        return
    here = st.session_state.get(state.DATE)
    st.session_state[state.DATE_DIRECTION] = -1 if here and chosen.isoformat() < here else 1
    st.session_state[state.CONTROL] = control_view.snapshot_key(info)
    st.session_state[state.DATE] = chosen.isoformat()


def _toggle_play(series: list) -> None:
    playing = not st.session_state.get(state.DATE_PLAYING, False)
    if playing and control_view.snapshot_key(series[-1]) == st.session_state.get(state.CONTROL):
        _go(series[0])  # play from the start when at the end
    st.session_state[state.DATE_PLAYING] = playing
    st.session_state[state.DATE_TICK] = time.monotonic()


def show(snapshots: dict, map_key: str = "map") -> None:
    """The date control of the map under `map_key`, when a line of contact is shown."""
    key = st.session_state.get(state.CONTROL)
    if not key or key not in snapshots:
        if snapshots:
            st.caption("Choose a line of contact in the sidebar to move through its dates.")
        return
    series = _series(snapshots, key)
    here = snapshots[key]
    at = series.index(here)
    day = min(max(as_of() or here.date, series[0].date), series[-1].date)
    if st.session_state.get(state.DATE_SLIDER) != day:  # unchanged: the slider is not resent
        st.session_state[state.DATE_SLIDER] = day
    playing = bool(st.session_state.get(state.DATE_PLAYING))
    with st.container(key="datebar"):
        # One row, so the map keeps the screen: ◀ Earlier, the slider, Later ▶, Play (the
        # row wraps on a phone). A slider over days, not a list of the dates: 769 snapshots
        # as options were 9.5 KB sent again on every step. A day with no snapshot shows the
        # nearest earlier one.
        with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
            st.button("◀ Earlier", key=state.DATE_PREV, on_click=_step, args=(series, -1),
                      disabled=at == 0)
            st.slider(f"Date of the line of contact ({len(series)} snapshots, "
                      f"{series[0].date.isoformat()} to {series[-1].date.isoformat()})",
                      min_value=series[0].date, max_value=max(
                          series[-1].date, series[0].date + dt.timedelta(1)),
                      step=dt.timedelta(days=1), format="YYYY-MM-DD", key=state.DATE_SLIDER,
                      on_change=_slid, args=(series,), disabled=len(series) < 2,
                      label_visibility="collapsed", width="stretch")
            st.button("Later ▶", key=state.DATE_NEXT, on_click=_step, args=(series, 1),
                      disabled=at == len(series) - 1)
            st.button("Pause" if playing else "Play", key=state.DATE_PLAY,
                      on_click=_toggle_play, args=(series,), disabled=len(series) < 2)
        keys = [control_view.snapshot_key(i) for i in series]
        st.html(rdates.date_control_script(
            map_key, here.slug, keys[at - 1] if at > 0 else None,
            keys[at + 1] if at + 1 < len(series) else None,
            {"box": "datebar", "prevBox": state.DATE_PREV, "nextBox": state.DATE_NEXT}),
            unsafe_allow_javascript=True)
    requested = as_of() or here.date
    st.caption(md_escape(rdates.date_caption(here.date, requested, here.credit)))
    _ticker(series, playing)


def _ticker(series: list, playing: bool) -> None:
    @st.fragment(run_every=PLAY_SECONDS if playing else None)
    def tick() -> None:
        if not st.session_state.get(state.DATE_PLAYING):
            return
        last = st.session_state.get(state.DATE_TICK, 0.0)
        if time.monotonic() - last < PLAY_SECONDS * 0.8:
            return  # the page's own run, not a tick
        st.session_state[state.DATE_TICK] = time.monotonic()
        if not _step(series, 1):
            st.session_state[state.DATE_PLAYING] = False
        st.rerun()

    tick()
