"""Bibliography: every source the catalog cites, who cites it, filters and exports."""

from __future__ import annotations

import streamlit as st

from claims_atlas.app import cache
from claims_atlas.core import query
from claims_atlas.core import sources as src
from claims_atlas.render import sources as rsrc

STATE_CHOICES = {"any": None, "state media only": True, "no state media": False}

catalog = cache.catalog()
everything = cache.bibliography(catalog, cache.key(catalog))
counts = src.counts(catalog, everything)

st.title("Bibliography")
st.caption("Every source the catalog cites, once, with the proposals, provisions and "
           "statements resting on it. The kind comes from the page's web address: a wire "
           "service, the outlet that reported it, a site re-publishing others' copy, or "
           "state media.")
st.html(rsrc.counts_html(counts))
with st.expander("Filter", expanded=False):
    c1, c2 = st.columns(2)
    outlets = c1.multiselect("Outlet", sorted({s.outlet for s in everything}),
                             key="bib_outlets")
    kinds = c2.multiselect("Kind", list(src.KINDS), format_func=src.KIND_LABELS.get,
                           key="bib_kinds")
    state = c1.selectbox("State media", list(STATE_CHOICES), key="bib_state")
    proposal = c2.selectbox("Cited for proposal", [None, *(p.id for p in
                                                          query.proposals_by_date(catalog))],
                            key="bib_proposal",
                            format_func=lambda p: "— any —" if p is None
                            else catalog.proposal(p).title)
shown = src.filter_sources(everything, outlets=outlets, state_media=STATE_CHOICES[state],
                           proposal=proposal, kinds=kinds)
st.caption(f"Showing {len(shown)} of {len(everything)} sources.")
d1, d2 = st.columns(2)
d1.download_button("Bibliography (CSV)", src.to_csv(shown), file_name="claims-atlas-sources.csv",
                   mime="text/csv", on_click="ignore")
d2.download_button("Bibliography (CSL-JSON, for Zotero)", src.csl_json(shown),
                   file_name="claims-atlas-sources.json",
                   mime="application/vnd.citationstyles.csl+json",
                   on_click="ignore")
st.html(rsrc.bibliography_html(shown))
