"""Compare two proposals (or two versions of one) region by region: one line per change,
both maps (with the line of contact the map page shows), the table, changes-only toggle."""

from __future__ import annotations

import streamlit as st

from claims_atlas.app import cache, mapview, state, ui
from claims_atlas.core import control_view, query
from claims_atlas.render import html as h
from claims_atlas.render import map as rmap
from claims_atlas.render import reading

catalog = cache.catalog()
view = state.read_view(catalog)
ids = [p.id for p in query.proposals_by_date(catalog)]
snapshots = {control_view.snapshot_key(i): i for i in cache.snapshots()}


def _successor(pid: str) -> str:
    return next((rel_id for rel, rel_id in query.lineage(catalog, pid) if rel == "revised by"),
                ids[-1])


if state.url_is_new() and state.COMPARE in st.query_params:
    state.set_values({state.CMP_A: view.proposal,
                      state.CMP_B: view.compare or _successor(view.proposal),
                      state.CMP_CHANGES: st.query_params.get(state.CHANGES_ONLY) == "only"})
first = st.session_state.get(state.PROPOSAL) or view.proposal  # the map's proposal
state.once(state.CMP_A, first)
state.once(state.CMP_B, view.compare or _successor(st.session_state[state.CMP_A]))
state.once(state.CMP_CHANGES, False)
snapshot = st.session_state.get(state.CONTROL)
snapshot = snapshot if snapshot in snapshots else None
notices = st.empty()  # filled once the URL is written: see state.link_notices

st.title("Compare proposals")
title = lambda pid: catalog.proposal(pid).title  # noqa: E731
c1, c2 = st.columns(2)
a = c1.selectbox("First", ids, key=state.CMP_A, format_func=title)
b = c2.selectbox("Second", ids, key=state.CMP_B, format_func=title)
only = st.toggle("Show only the regions that change", key=state.CMP_CHANGES)
state.write_url(proposal=a, compare=b, control=snapshot,
                **{state.CHANGES_ONLY: "only" if only else None})
with notices.container():
    ui.notices(state.link_notices(view.notices))
if a == b:  # not a link's fault, so not a link notice: said on every run it holds
    ui.notices([f"Both sides show {title(a)}: nothing changes. Pick another proposal as "
                f"First or Second."])

chain = query.versions_chain(catalog, a)
if len(chain) > 1:
    st.caption("Versions of this plan: " + " → ".join(h.md_escape(catalog.proposal(p).label)
                                                      for p in chain))

rows = query.compare(catalog, a, b)
changed = [r for r in rows if r.changed]
st.header(f"What changes: {len(changed)} of {len(rows)} regions either proposal touches")
st.html(reading.change_lines_html(catalog, a, b))
m1, m2 = st.columns(2)
for col, pid, key in ((m1, a, state.CMP_MAP_A), (m2, b, state.CMP_MAP_B)):
    with col:
        st.html(reading.summary_line(catalog, catalog.proposal(pid), level=2))
        mapview.show(cache.prepared_map(catalog, height=480), key=key, height=480,
                     state=rmap.map_state(catalog, pid, highlight=[r.region for r in changed]),
                     overlay=cache.overlay_payload(snapshots[snapshot] if snapshot else None))
if snapshot:
    st.caption(f"Dashed line: the line of contact, {h.md_escape(snapshots[snapshot].credit)}.")
st.html(h.legend_html(query.legend(catalog, [a, b]), "What the colours mean", 2))
with st.container(key=ui.CHANGES_ONLY if only else None):  # CSS hides unchanged rows
    st.html(h.compare_html(catalog, a, b))
