"""Entry script: page set-up, the catalog (or its errors), navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from claims_atlas import REPO_ROOT
from claims_atlas.app import cache, state, ui
from claims_atlas.core.briefing import editor_mode
from claims_atlas.core.catalog import CatalogInvalid
from claims_atlas.core.geo import GeodataError
from claims_atlas.render.html import md_escape

ICON = str(Path(__file__).parent / "static" / "favicon.png")  # local: no icon CDN

st.set_page_config(page_title="claims-atlas", page_icon=ICON, layout="wide",
                   initial_sidebar_state="auto")  # closed on a phone: the map first
ui.style()

try:
    catalog = cache.catalog()
except CatalogInvalid as exc:
    ui.catalog_error(exc.problems)
    st.stop()
except GeodataError as exc:
    st.error(f"Boundary data problem: {md_escape(ui.hide_root(str(exc), REPO_ROOT))}")
    st.stop()

state.begin_run()
present = st.query_params.get(state.MODE) == "present"
ui.catalog_status(cache.catalog_status(), sidebar=not present)
if not present:
    ui.record_reach(catalog)
pages = [
    st.Page("app_pages/explore.py", title="Map", icon=":material/map:", default=True),
    st.Page("app_pages/present.py", title="Present", icon=":material/slideshow:",
            url_path="present", visibility="hidden"),
    st.Page("app_pages/compare.py", title="Compare", icon=":material/compare:",
            url_path="compare"),
    st.Page("app_pages/then_now.py", title="Then and now", icon=":material/timeline:",
            url_path="then-now"),
    st.Page("app_pages/documents.py", title="Sources", icon=":material/description:",
            url_path="documents"),
    st.Page("app_pages/bibliography.py", title="Bibliography", icon=":material/menu_book:",
            url_path="bibliography"),
    st.Page("app_pages/about.py", title="About & licences", icon=":material/info:",
            url_path="about"),
]
if editor_mode():  # `serve --editor`: paste an article, get its draft (core/intake.py)
    pages.append(st.Page("app_pages/add_article.py", title="Add an article",
                         icon=":material/post_add:", url_path="add-article"))
st.navigation(pages, position="hidden" if present else "sidebar").run()
state.end_run()  # not reached after st.stop(): a page that stops calls it itself
