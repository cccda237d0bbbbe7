"""Compare two proposals (or two versions of one) region by region; changes highlighted."""

from __future__ import annotations

import streamlit as st

from claims_atlas.app import cache, mapview, state, ui
from claims_atlas.core import query
from claims_atlas.render import html as h
from claims_atlas.render import map as rmap

catalog = cache.catalog()
view = state.read_view(catalog)
ids = [p.id for p in query.proposals_by_date(catalog)]
default_b = view.compare or next(
    (rel_id for rel, rel_id in query.lineage(catalog, view.proposal) if rel == "revised by"),
    ids[-1])
state.once("cmp_a", view.proposal)
state.once("cmp_b", default_b)
notices = st.empty()  # filled once the URL is written: see state.link_notices

st.title("Compare proposals")
title = lambda pid: catalog.proposal(pid).title  # noqa: E731
c1, c2 = st.columns(2)
a = c1.selectbox("First", ids, key="cmp_a", format_func=title)
b = c2.selectbox("Second", ids, key="cmp_b", format_func=title)
state.write_url(proposal=a, compare=b)
with notices.container():
    ui.notices(state.link_notices(view.notices))

chain = query.versions_chain(catalog, a)
if len(chain) > 1:
    st.caption("Versions of this plan: " + " → ".join(h.md_escape(catalog.proposal(p).label)
                                                      for p in chain))

rows = query.compare(catalog, a, b)
changed = [r.name for r in rows if r.changed]
st.markdown(f"**{len(changed)}** of {len(rows)} regions touched by either proposal change: "
            + (", ".join(h.esc(n) for n in changed) or "none"))
m1, m2 = st.columns(2)
for col, pid, key in ((m1, a, "cmp_map_a"), (m2, b, "cmp_map_b")):
    with col:
        st.html(h.proposal_header(catalog, catalog.proposal(pid)))
        mapview.show(cache.prepared_map(catalog, height=480), key=key, height=480,
                     state=rmap.map_state(
                         catalog, pid, highlight=[r.region for r in rows if r.changed]))
st.html(h.legend_html(query.legend(catalog, [a, b]), "What the colours mean"))
st.html(h.compare_html(catalog, a, b))
