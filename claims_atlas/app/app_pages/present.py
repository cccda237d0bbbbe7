"""Present mode: a deck's scenes full screen (`?mode=present&deck=<id>&scene=N`).

The page is thin: app/present.py draws the scene. The map page hands a link with
`mode=present` over to this page (/present?mode=present&...); main.py hides the navigation.
Once the URL no longer says so (Exit), the explorer takes over with the URL as it is."""

from __future__ import annotations

import streamlit as st

from claims_atlas.app import cache, present, state

catalog = cache.catalog()
view = state.read_view(catalog)
if view.mode != "present":
    st.switch_page("app_pages/explore.py",
                   query_params={k: st.query_params.get_all(k) for k in st.query_params})
present.show(catalog, view)
