"""A probe app: the dashboard's map component and nothing else (no sidebar widgets, timeline,
downloads). Served next to the floor and the dashboard, it splits the dashboard's extra first
paint into "the map" and "the rest of the page".

run.py copies this file into a temporary folder with a `static` link to the dashboard's
static files (Leaflet), because Streamlit serves `static/` next to the main script.
"""

import streamlit as st

from claims_atlas.app import cache, mapview
from claims_atlas.core import query
from claims_atlas.render import map as rmap

st.set_page_config(page_title="map only", layout="wide", initial_sidebar_state="collapsed")
catalog = cache.catalog()
pid = query.default_proposal_id(catalog)
state = rmap.map_state(catalog, pid)
left, _right = st.columns([3, 2], gap="medium")
with left:
    mapview.show(cache.prepared_map(catalog), key="map", height=620, state=state,
                 returned_objects=["last_active_drawing"])
