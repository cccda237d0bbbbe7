"""The map page: proposal picker, map, legend, timeline, region detail, downloads."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from claims_atlas.app import cache, datebar, mapview, present, save_view, state, ui
from claims_atlas.core import control_view, geo, query
from claims_atlas.core.export import CATALOG_CREDIT
from claims_atlas.render import dates as rdates
from claims_atlas.render import html as h
from claims_atlas.render import map as rmap
from claims_atlas.render.templating import fragment

TIMELINE_PAGE = 60  # statements drawn at once: 5,000 in one block cost seconds in the browser

catalog = cache.catalog()
view = state.read_view(catalog)

if view.mode == "present":
    present.show(catalog, view)
    state.end_run()  # session state is out of reach once st.stop() has been called
    st.stop()

ids = [p.id for p in query.proposals_by_date(catalog)]
state.once(state.PROPOSAL, view.proposal)
state.once(state.REGION, view.region)
if st.session_state[state.PROPOSAL] not in ids:
    st.session_state[state.PROPOSAL] = query.default_proposal_id(catalog)
if st.session_state[state.REGION] is not None and not catalog.region(
        st.session_state[state.REGION]):
    st.session_state[state.REGION] = None


def _region_from_map() -> None:
    clicked = (st.session_state.get("map") or {}).get("last_active_drawing") or {}
    rid = (clicked.get("properties") or {}).get("id")
    if rid and catalog.region(rid):
        st.session_state[state.REGION] = rid


def _region_from_search() -> None:
    found = query.find_regions(catalog, st.session_state.get("region_search", ""))
    if found:
        st.session_state[state.REGION] = found[0]


snapshots = {control_view.snapshot_key(i): i for i in cache.snapshots()}
state.once(state.CONTROL, view.control if view.control in snapshots else None)
if view.control and view.control not in snapshots:
    view.notices.append(f"Control snapshot {state.shown(view.control)} is not in the local "
                        f"cache: showing no line of contact (import it with `claims-atlas "
                        f"control import`).")
if st.session_state[state.CONTROL] not in (None, *snapshots):
    st.session_state[state.CONTROL] = None
datebar.reconcile(view, snapshots)  # `date=`: the nearest earlier snapshot stands for it


def _region_label(rid: str | None) -> str:
    if rid is None:
        return "— none —"
    r = catalog.region(rid)
    return f"{r.name_en} · {r.name_uk} · {r.name_ru}"


def _downloads(proposal_id: str, region_id: str | None) -> None:
    """One button per export format (render/formats.py), each with its source lines."""
    from claims_atlas.render.formats import FORMATS

    key = cache.key(catalog)
    highlight = (region_id,) if region_id else ()
    # Each file is built when asked for (a callable), not on every rerun: the GeoJSON alone
    # cost ~19 ms per switch and 52 KB per page view.
    for column, fmt in zip(st.columns(len(FORMATS)), FORMATS, strict=True):
        column.download_button(
            fmt.label, lambda fmt=fmt: cache.export_file(catalog, key, fmt.id, proposal_id,
                                                         highlight),
            file_name=fmt.file_name(proposal_id), mime=fmt.media_type, on_click="ignore")


# The map first. On a session's first view the page draws the header, the map and its
# legend; the controls, the timeline and the downloads follow on the rerun that the map's
# first answer causes. Drawn at once, their widgets cost the browser's main thread hundreds
# of milliseconds before the map's frame could even start (bench/README.md, "first paint").
full = mapview.answered("map")

if full:
    with st.sidebar:
        st.radio("Proposal (by year; status after the title)", ids, key=state.PROPOSAL,
                 format_func=lambda pid: h.md_escape(query.picker_label(catalog.proposal(pid))))
        st.html(h.picker_script({h.no_autolink(query.picker_label(catalog.proposal(p))): p
                                  for p in ids}),
                unsafe_allow_javascript=True)
        st.text_input("Find a region (English, українська, русский, aliases)", key="region_search",
                      on_change=_region_from_search, placeholder="e.g. Zaporozhye, Донбас, Lugansk")
        st.selectbox("Region detail", [None, *sorted(r.id for r in catalog.regions)],
                     key=state.REGION, format_func=_region_label)
        st.selectbox("Line of contact", [None, *snapshots], key=state.CONTROL,
                     format_func=lambda k: "— none —" if k is None else snapshots[k].credit,
                     on_change=datebar.from_picker, args=(snapshots,),
                     help="Control snapshots you imported or fetched (`claims-atlas control`). "
                          "None is bundled.")
        present.sidebar_link(catalog)
        save_view.sidebar_form(catalog, st.session_state[state.PROPOSAL],
                               st.session_state[state.REGION])

proposal_id = st.session_state[state.PROPOSAL]
region_id = st.session_state[state.REGION]
snapshot = st.session_state[state.CONTROL]
proposal = catalog.proposal(proposal_id)
as_of = datebar.as_of()
state.write_url(proposal=proposal_id, region=region_id, compare=None, control=snapshot,
                date=as_of.isoformat() if as_of else None)
ui.notices(state.link_notices(view.notices))
search = st.session_state.get("region_search", "")
if search and not query.find_regions(catalog, search):
    ui.notices([f"No region is called {search!r}."])

left, right = st.columns([3, 2], gap="medium")
with left:
    st.html(h.proposal_header(catalog, proposal))
    with st.container():  # always there, so the map after it keeps its place (and frame)
        if rdates.not_yet(proposal, as_of):
            st.html(rdates.not_yet_html(proposal, as_of))
    date_slot = st.container()  # over the map, filled after it: the map's message goes first
    mapview.show(cache.prepared_map(catalog), key="map", height=620,
                 state=rmap.map_state(catalog, proposal_id, selected=region_id,
                                      as_of=as_of.isoformat() if as_of else None,
                                      parts=control_view.parts_present(
                                          cache.overlay(snapshots[snapshot]).parts)
                                      if snapshot else None),
                 overlay=cache.overlay_payload(snapshots[snapshot] if snapshot else None),
                 nearby=[cache.overlay_payload(i) for i in datebar.neighbours(snapshots)],
                 returned_objects=["last_active_drawing", "last_object_clicked_count"],
                 on_change=_region_from_map)
    st.html(h.legend_html(query.legend(catalog, [proposal_id]), "What the colours mean"))
    with date_slot:
        datebar.show(snapshots)
    credit = f" {snapshots[snapshot].credit}." if snapshot else ""
    st.html(fragment("paragraph", f"{geo.ATTRIBUTION} {CATALOG_CREDIT}{credit}", "attribution"))
    if full:
        _downloads(proposal_id, region_id)


@st.fragment
def timeline() -> None:
    """The timeline and its filters: a filter change reruns only this, not the map."""
    st.subheader("Timeline")
    dates = [s.date for s in catalog.statements] or [dt.date.today()]
    with st.expander("Filter the timeline", expanded=False):
        span = st.date_input("Dates", (min(dates), max(dates)), min_value=min(dates),
                             max_value=max(dates), key="tl_dates")
        who = st.multiselect("Speakers", query.speakers(catalog), key="tl_speakers")
        about_region = st.selectbox("About region", [None, *sorted(r.id for r in catalog.regions)],
                                    format_func=_region_label, key="tl_region")
        about_proposal = st.selectbox("About proposal", [None, *ids], key="tl_proposal",
                                      format_func=lambda p: "— any —" if p is None
                                      else catalog.proposal(p).title)
        order = st.radio("Order", ["Newest first", "Oldest first"], horizontal=True,
                         key="tl_order")
    start, end = (span if isinstance(span, tuple) and len(span) == 2 else (None, None))
    f = query.StatementFilter(start=start, end=end, speakers=tuple(who), region=about_region,
                              proposal=about_proposal, newest_first=order == "Newest first")
    shown = query.statements(catalog, f)
    if st.session_state.get("tl_filter") != f:  # a new filter starts at the first page
        st.session_state["tl_filter"] = f
        st.session_state["tl_limit"] = TIMELINE_PAGE
    limit = st.session_state["tl_limit"]
    st.caption(f"{len(shown)} of {len(catalog.statements)} statements"
               + (f" · showing the first {limit}" if len(shown) > limit else ""))
    after = rdates.count_after(shown[:limit], datebar.as_of())
    if after:  # said after the page's date: marked by a small rule, the list unchanged
        st.html(rdates.after_marks_html(datebar.as_of(), after, f.newest_first))
    with st.container(height=900, border=False):
        st.html(h.timeline_html(catalog, shown[:limit]))
        if len(shown) > limit:
            st.button(f"Show {min(TIMELINE_PAGE, len(shown) - limit)} more", key="tl_more",
                      on_click=lambda: st.session_state.update(tl_limit=limit + TIMELINE_PAGE))


with right:
    if full:
        timeline()
    else:
        st.subheader("Timeline")

if full and snapshot:
    st.divider()
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

if full and region_id:
    st.divider()
    st.subheader("What every proposal says about this region")
    st.html(h.region_detail_html(catalog, region_id))
