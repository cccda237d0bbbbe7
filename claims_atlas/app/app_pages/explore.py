"""The map page: the map first, the region's detail beside it, the timeline, the regions
table (the map's text alternative), downloads. The view lives in the URL (state.py)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from claims_atlas.app import cache, datebar, mapview, present, save_view, state, ui
from claims_atlas.core import control_view, geo, query
from claims_atlas.core.export import CATALOG_CREDIT
from claims_atlas.render import dates as rdates
from claims_atlas.render import html as h
from claims_atlas.render import map as rmap
from claims_atlas.render import names, passage, reading
from claims_atlas.render.templating import fragment

TIMELINE_PAGE = 60  # statements drawn at once: 5,000 in one block cost seconds in the browser
ORDER_LABELS = {"newest": "Newest first", "oldest": "Oldest first"}

catalog = cache.catalog()
view = state.read_view(catalog)
if view.mode == "present":  # the link contract: /?mode=present&deck=...
    st.switch_page("app_pages/present.py",
                   query_params={k: st.query_params.get_all(k) for k in st.query_params})
ids = [p.id for p in query.proposals_by_date(catalog)]
snapshots = {control_view.snapshot_key(i): i for i in cache.snapshots()}
dates = [s.date for s in catalog.statements] or [dt.date.today()]
span = (min(dates), max(dates))


def _from_url() -> None:
    """The URL names a view this session did not write (a link, Back/Forward): show it."""
    t = state.read_timeline(catalog, view.notices)
    state.set_values({
        state.PROPOSAL: view.proposal, state.REGION: view.region,
        state.CONTROL: view.control if view.control in snapshots else None,
        state.SEARCH: "",
        state.TL_DATES: (max(t.start or span[0], span[0]), min(t.end or span[1], span[1])),
        state.TL_SPEAKERS: list(t.speakers), state.TL_REGION: t.region,
        state.TL_PROPOSAL: t.proposal, state.TL_ORDER: ORDER_LABELS[t.order],
        state.TL_ABOUT: t.about_selection})
    st.session_state.pop(state.DATE, None)  # datebar.reconcile reads the link's date again


view.control = datebar.nearest_linked(view.control, snapshots, view.notices)
if state.url_is_new():
    _from_url()
if view.control and view.control not in snapshots:
    view.notices.append(f"Control snapshot {state.shown(view.control)} is not in the local "
                        f"cache: showing no line of contact (import it with `claims-atlas "
                        f"control import`).")
for name, fallback in ((state.PROPOSAL, query.default_proposal_id(catalog)),
                       (state.REGION, None), (state.CONTROL, None)):
    state.once(name, fallback)
if st.session_state[state.PROPOSAL] not in ids:
    st.session_state[state.PROPOSAL] = query.default_proposal_id(catalog)
if st.session_state[state.REGION] is not None and not catalog.region(
        st.session_state[state.REGION]):
    st.session_state[state.REGION] = None
if st.session_state[state.CONTROL] not in (None, *snapshots):
    st.session_state[state.CONTROL] = None
datebar.reconcile(view, snapshots)  # `date=`: the nearest earlier snapshot stands for it


def _region_from_map() -> None:
    clicked = (st.session_state.get(state.MAP) or {}).get("last_active_drawing") or {}
    rid = (clicked.get("properties") or {}).get("id")
    if rid and catalog.region(rid):
        st.session_state[state.REGION] = rid


def _region_from_search() -> None:
    found = query.match_name(catalog, st.session_state.get(state.SEARCH, ""))
    st.session_state[state.SEARCH_MATCH] = found
    if found.kind in ("region", "group", "place"):
        st.session_state[state.REGION] = found.regions[0]


def _search_result() -> tuple[str, ...]:
    """Say what the search found, offer the choices of an ambiguous name; the regions to
    highlight (a group's members while one of them is selected)."""
    typed = st.session_state.get(state.SEARCH, "")
    found = st.session_state.get(state.SEARCH_MATCH)
    if not typed.strip() or found is None:
        return ()
    st.html(names.match_html(catalog, typed, found))
    if found.kind == "choice":
        for rid in found.regions:
            st.button(names.region_label(catalog, rid), key=f"search_pick_{rid}",
                      on_click=lambda rid=rid: st.session_state.update({state.REGION: rid}))
    if found.kind == "group" and st.session_state[state.REGION] in found.regions:
        return found.regions
    return ()


def _close_region() -> None:
    st.session_state[state.REGION] = None
    st.session_state[state.SEARCH] = ""


def _region_label(rid: str | None) -> str:
    if rid is None:
        return "— none —"
    r = catalog.region(rid)
    return f"{r.name_en} · {r.name_uk} · {r.name_ru}"


def _timeline_view() -> state.Timeline:
    dates_now = st.session_state.get(state.TL_DATES) or span
    start, end = (dates_now if isinstance(dates_now, tuple | list) and len(dates_now) == 2
                  else (None, None))
    return state.Timeline(
        start if start and start > span[0] else None, end if end and end < span[1] else None,
        tuple(st.session_state.get(state.TL_SPEAKERS) or ()),
        st.session_state.get(state.TL_REGION), st.session_state.get(state.TL_PROPOSAL),
        "oldest" if st.session_state.get(state.TL_ORDER) == ORDER_LABELS["oldest"]
        else "newest",
        bool(st.session_state.get(state.TL_ABOUT)))


def _write_url() -> None:
    """The whole view in the URL, in one step."""
    as_of = datebar.as_of()
    state.write_url(proposal=st.session_state[state.PROPOSAL],
                    region=st.session_state[state.REGION], compare=None,
                    control=st.session_state[state.CONTROL],
                    date=as_of.isoformat() if as_of else None,
                    **state.timeline_params(_timeline_view()))


def _downloads(proposal_id: str, region_id: str | None) -> None:
    """One button per export format (render/formats.py), each with its source lines."""
    from claims_atlas.render.formats import FORMATS

    key = cache.key(catalog)
    highlight = (region_id,) if region_id else ()
    chosen = snapshots[snapshot] if snapshot else None  # the PNG draws the map's snapshot
    control = (chosen.date.isoformat(), chosen.source) if chosen else None
    # Each file is built when asked for (a callable), not on every rerun: the GeoJSON alone
    # cost ~19 ms per switch and 52 KB per page view.
    for column, fmt in zip(st.columns(len(FORMATS)), FORMATS, strict=True):
        column.download_button(
            fmt.label, lambda fmt=fmt: cache.export_file(catalog, key, fmt.id, proposal_id,
                                                         highlight, control),
            file_name=fmt.file_name(proposal_id), mime=fmt.media_type, on_click="ignore")


# The map first. On a session's first view the page draws the header, the map and its
# legend; the controls, the timeline and the downloads follow on the rerun that the map's
# first answer causes. Drawn at once, their widgets cost the browser's main thread hundreds
# of milliseconds before the map's frame could even start (bench/README.md, "first paint").
full = mapview.answered(state.MAP)

highlight: tuple[str, ...] = ()  # a searched group's members
if full:
    with st.sidebar:
        st.radio("Proposal (by year; status after the title)", ids, key=state.PROPOSAL,
                 format_func=lambda pid: h.md_escape(query.picker_label(catalog.proposal(pid))))
        st.html(h.picker_script({h.no_autolink(query.picker_label(catalog.proposal(p))): p
                                  for p in ids}),
                unsafe_allow_javascript=True)
        st.html(ui.ENTER_SCRIPT, unsafe_allow_javascript=True)
        st.text_input("Find a region (English, українська, русский, aliases)", key=state.SEARCH,
                      on_change=_region_from_search, placeholder="e.g. Zaporozhye, Донбас, ДНР")
        highlight = _search_result()
        st.selectbox("Region detail", [None, *sorted(r.id for r in catalog.regions)],
                     key=state.REGION, format_func=_region_label)
        datebar.sync_source(snapshots)
        named = datebar.sources(snapshots)
        st.selectbox("Line of contact", [None, *named], key=state.CONTROL_SOURCE,
                     format_func=lambda slug: "— none —" if slug is None else named[slug],
                     on_change=datebar.source_picked, args=(snapshots,),
                     help="Control snapshots you imported or fetched (`claims-atlas control`), "
                          "by source; the date control under the map picks the day. None is "
                          "bundled.")
        present.sidebar_link(catalog)
        shown = snapshots.get(st.session_state[state.CONTROL])  # saved with the view
        save_view.sidebar_form(catalog, st.session_state[state.PROPOSAL],
                               st.session_state[state.REGION],
                               {"date": shown.date.isoformat(), "source": shown.source}
                               if shown else None)

proposal_id = st.session_state[state.PROPOSAL]
region_id = st.session_state[state.REGION]
snapshot = st.session_state[state.CONTROL]
proposal = catalog.proposal(proposal_id)
if full:
    _write_url()
else:  # the timeline's filters are drawn on the next run: keep the link's as they are
    state.write_url(proposal=proposal_id, region=region_id, compare=None, control=snapshot,
                    date=datebar.as_of().isoformat() if datebar.as_of() else None)
as_of = datebar.as_of()
picked, picked_notices = state.picked_statement(catalog)  # a passage's way back names it
view.notices.extend(picked_notices)
ui.notices(state.link_notices(view.notices))


@st.fragment
def timeline() -> None:
    """The timeline and its filters: a filter change reruns only this, not the map."""
    st.header("Timeline", anchor="timeline")
    state.once(state.TL_DATES, span)
    with st.expander("Filter the timeline", expanded=False):
        st.date_input("Dates (type a date and press Enter, or pick one)", min_value=span[0],
                      max_value=span[1], key=state.TL_DATES)
        st.multiselect("Speakers", query.speakers(catalog), key=state.TL_SPEAKERS)
        st.selectbox("About region", [None, *sorted(r.id for r in catalog.regions)],
                     format_func=_region_label, key=state.TL_REGION)
        st.selectbox("About proposal", [None, *ids], key=state.TL_PROPOSAL,
                     format_func=lambda p: "— any —" if p is None
                     else catalog.proposal(p).title)
        st.toggle("Only statements about the proposal (and region) on the map",
                  key=state.TL_ABOUT)
        st.radio("Order", list(ORDER_LABELS.values()), horizontal=True, key=state.TL_ORDER)
        st.html(reading.stance_legend_html())
    t = _timeline_view()
    about = (st.session_state[state.PROPOSAL], st.session_state[state.REGION]) \
        if t.about_selection else ()
    f = query.StatementFilter(start=t.start, end=t.end, speakers=t.speakers, region=t.region,
                              proposal=t.proposal, newest_first=t.order == "newest",
                              about=tuple(a for a in about if a))
    _write_url()
    shown = query.statements(catalog, f)
    if st.session_state.get(state.TL_FILTER) != f:  # a new filter starts at the first page
        st.session_state[state.TL_FILTER] = f
        st.session_state[state.TL_LIMIT] = TIMELINE_PAGE
    limit = st.session_state[state.TL_LIMIT]
    at = next((i for i, s in enumerate(shown) if s.id == picked), None)
    if at is not None and at >= limit:  # draw down to the statement the link picks out
        limit = st.session_state[state.TL_LIMIT] = (at // TIMELINE_PAGE + 1) * TIMELINE_PAGE
    st.html(passage.timeline_script(picked if at is not None else None),
            unsafe_allow_javascript=True)
    st.caption(f"{len(shown)} of {len(catalog.statements)} statements"
               + (f" · showing the first {limit}" if len(shown) > limit else ""))
    after = rdates.count_after(shown[:limit], datebar.as_of())
    if after:  # said after the page's date: marked by a small rule, the list unchanged
        st.html(rdates.after_marks_html(datebar.as_of(), after, f.newest_first))
    st.html(h.timeline_html(catalog, shown[:limit]))
    if len(shown) > limit:
        st.button(f"Show {min(TIMELINE_PAGE, len(shown) - limit)} more", key=state.TL_MORE,
                  on_click=lambda: st.session_state.update({state.TL_LIMIT: limit + TIMELINE_PAGE}))


left, right = st.columns([3, 2], gap="medium")
with left:
    st.html(reading.summary_line(catalog, proposal))
    with st.container(key=ui.NOT_YET_SLOT):  # always there: the map keeps its place (frame)
        if rdates.not_yet(proposal, as_of):
            st.html(rdates.not_yet_html(proposal, as_of))
    date_slot = st.container(key=ui.DATE_SLOT)  # over the map, filled after it
    mapview.show(cache.prepared_map(catalog), key=state.MAP, height=620,
                 state=rmap.map_state(catalog, proposal_id, selected=region_id,
                                      highlight=highlight,
                                      as_of=as_of.isoformat() if as_of else None,
                                      parts=control_view.parts_present(
                                          cache.overlay(snapshots[snapshot]).parts)
                                      if snapshot else None),
                 overlay=cache.overlay_payload(snapshots[snapshot] if snapshot else None),
                 nearby=[cache.overlay_payload(i) for i in datebar.neighbours(snapshots)],
                 returned_objects=["last_active_drawing", "last_object_clicked_count"],
                 on_change=_region_from_map, answer_once_drawn=True)
    st.html(h.legend_html(query.legend(catalog, [proposal_id]), "What the colours mean", 2))
    with date_slot:
        datebar.show(snapshots)
    credit = f" {snapshots[snapshot].credit}." if snapshot else ""
    st.html(fragment("paragraph", f"{geo.ATTRIBUTION} {CATALOG_CREDIT}{credit}", "attribution"))
    if full:
        _downloads(proposal_id, region_id)

with right:
    if region_id:
        with st.container(key=ui.DETAIL_PANEL):
            st.button("✕ Close (Esc)", key=state.DETAIL_CLOSE, on_click=_close_region,
                      help="Back to the map and the timeline")
            st.html(reading.region_panel_html(catalog, region_id, proposal_id))
        st.html(ui.ESC_SCRIPT, unsafe_allow_javascript=True)
    else:
        st.html('<p class="hint">Click a region on the map, or find one by name in the '
                'sidebar, to read what every proposal says about it.</p>')
    if full:
        timeline()
    else:
        st.header("Timeline", anchor="timeline")

if full:  # drawn when opened: a switch of proposal then sends no 40 KB table
    table = st.expander("The map as a table: every region under this proposal, with sources",
                        key=state.TABLE_OPEN, on_change="rerun")
    with table:
        if table.open:
            st.html(reading.regions_table_html(catalog, proposal_id))
            st.download_button("This table (CSV)", lambda: cache.csv_text(
                catalog, cache.key(catalog), (proposal_id,)),
                file_name=f"{proposal_id}-regions.csv", mime="text/csv", on_click="ignore",
                key=state.TABLE_CSV)

if full and snapshot:
    st.subheader("What this proposal would move")
    info = snapshots[snapshot]
    rows = cache.moved_rows(catalog, cache.key(catalog), proposal_id, snapshot)
    st.caption(f"{h.md_escape(rdates.date_caption(info.date, as_of or info.date, info.credit))}"
               f" Computed per region from the snapshot, beside the estimates published at "
               f"the time. Areas in an equal-area projection (EPSG:3035); contested zones "
               f"count as not occupied; coastal slivers are assigned as described in the "
               f"README.")
    st.dataframe(
        [{"Region": r["name"], "To Russia km²": round(r["to_russia_km2"]),
          "To Russia %": round(100 * r["to_russia_share"], 1),
          "To Ukraine km²": round(r["to_ukraine_km2"]),
          "To Ukraine %": round(100 * r["to_ukraine_share"], 1),
          "Net to Russia km²": round(r["net_to_russia_km2"]),
          "Published estimate": r["published_estimate"]} for r in rows],
        hide_index=True, use_container_width=True)
