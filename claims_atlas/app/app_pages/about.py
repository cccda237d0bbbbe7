"""What the atlas is, the vocabulary, the data sources and their licences."""

from __future__ import annotations

import streamlit as st

from claims_atlas.app import cache
from claims_atlas.core import geo, vocab
from claims_atlas.core.export import CATALOG_CREDIT
from claims_atlas.render import html as h
from claims_atlas.render.templating import fragment

catalog = cache.catalog()
st.title("About claims-atlas")
st.markdown(
    "A map of what each plan to end the war in Ukraine would do with each region, and a "
    "timeline of who said what, when. No draft has been published officially: each "
    "proposal's **status** says whether its text is leaked, reported, described by an "
    "official, official, or a stated position. Every colour and quote leads to its source; "
    "state media are marked as such.")
st.header("The vocabulary")
st.html(h.legend_html(vocab.DISPOSITIONS, "Dispositions", 3))
st.header("Data and licences")
st.html(fragment("items", [geo.ATTRIBUTION, CATALOG_CREDIT,
                           "Map library: Leaflet 1.9.3 (BSD-2-Clause), served by this app."]))
st.caption(f"{len(catalog.proposals)} proposals · {len(catalog.statements)} statements · "
           f"{len(catalog.documents)} documents · {len(catalog.places)} places")
