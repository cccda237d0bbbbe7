"""The map component, rendered once per catalog and snapshot; only the selection travels.

`st_folium` renders the whole folium map on every rerun (about 100 ms for the 27 regions and
the neighbours, and a 200 KB script). The base map never changes with the selection, so its
rendered pieces are computed once (cached in cache.py) and handed to the very component
`st_folium` uses. The selection does not travel as a component argument (streamlit-folium's
`feature_group_to_add` would make every rerun resend the whole ~200 KB element) but in a
small script beside the map (render.map.page_script), and so does the control overlay
(render.map.overlay_store_script, overlay_show_script): the component's arguments never change,
the frontend keeps its iframe and Leaflet map, and Streamlit's message cache sends the map
once per browser session.

This mirrors `streamlit_folium.st_folium` (0.27.4, pinned in pyproject.toml); the browser
tests fail if a future version changes the component's arguments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import folium
import streamlit as st
import streamlit_folium as sf

from claims_atlas.app import state
from claims_atlas.render import map as rmap


@dataclass(frozen=True)
class Prepared:
    """What the component needs of a base map, rendered once."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


def prepare(m: folium.Map) -> Prepared:
    """Render a base map the way `st_folium` does, once."""
    m.get_root().render()
    m.render()
    html, header = sf._get_html(m), _zoomable(sf._get_header(m))
    script = sf._get_map_string(m)
    css, js = [], []
    for elem in _walk(m):
        css.extend(href for _, href in getattr(elem, "default_css", []))
        js.extend(src for _, src in getattr(elem, "default_js", []))
    return Prepared(script, header, html, sf.get_full_id(m), tuple(dict.fromkeys(css)),
                    tuple(dict.fromkeys(js)))


def _zoomable(header: str) -> str:
    """folium's viewport tag forbids pinch-zoom (WCAG 1.4.4): let readers zoom."""
    return re.sub(r",\s*maximum-scale=1\.0,\s*user-scalable=no", "", header)


def _walk(element):
    if isinstance(element, folium.elements.JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


# The component's first value differs from its default only if the default holds something
# the frontend never sends: this key. So a map asked to (`answer_once_drawn`) answers, and
# reruns the page, once drawn.
NOT_DRAWN = "claims_not_drawn_yet"

# What the frontend sends before any click, in its key order (it compares JSON strings): a
# map whose default is exactly this never answers unasked. An unasked answer is a rerun of
# the page the browser last knew, and it overrode a reader's click on another page made while
# the map was still drawing (Compare -> Map stayed on Compare, 1 run in 4).
FRONTEND_FIRST_VALUE = {"last_object_clicked_count": 0, "last_active_drawing": None}


def answered(key: str) -> bool:
    """Whether this session's map under `key` has drawn and answered at least once."""
    return bool(st.session_state.get(answered_key(key)))


def answered_key(key: str) -> str:
    """The session-state flag `answered` reads (AppTest sets it to stand in for a browser)."""
    return f"{state.MAP_ANSWERED}{key}"


def show(prepared: Prepared, state: dict, key: str, height: int,
         returned_objects: Sequence[str] = (), on_change: Callable | None = None,
         overlay: dict | None = None, nearby: Sequence[dict] = (), answer_once_drawn=False):
    """Draw the map (once) and show `state` (map.map_state) and `overlay` (the control
    snapshot, map.overlay_payload, or None) in it; returns what the map sends back. The
    component's arguments depend only on the base map, so a rerun with another state or
    overlay changes nothing in the component: the page scripts beside it apply them in place
    (render.map.page_script, overlay_store_script, overlay_show_script), each in an element
    of its own so a proposal switch does not resend the overlay nor a snapshot switch the
    selection. `nearby` overlays (the dates next to this one) are stored in the page too, so
    a date step draws at once (render/js/dates.js); each is sent once per session.

    `answer_once_drawn`: the map reruns the page once it has drawn (`answered` turns True);
    otherwise it speaks only when clicked. `returned_objects` is a subset of
    FRONTEND_FIRST_VALUE's keys; ValueError otherwise."""
    hash_key = sf.generate_js_hash(prepared.script, key, False)

    def changed() -> None:
        st.session_state[answered_key(key)] = True
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    unknown = set(returned_objects) - set(FRONTEND_FIRST_VALUE)
    if unknown:
        raise ValueError(f"map {key!r}: cannot return {sorted(unknown)}")
    default = {k: v for k, v in FRONTEND_FIRST_VALUE.items() if k in returned_objects}
    if answer_once_drawn:
        default[NOT_DRAWN] = True
    with st.container(key=rmap.BOX_PREFIX + key):
        st.html(rmap.page_library(), unsafe_allow_javascript=True)
        value = sf._component_func(
            script=prepared.script, header=prepared.header, html=prepared.html,
            id=prepared.map_id, key=hash_key, height=height, width=None,
            returned_objects=list(returned_objects),
            default=default,
            zoom=None, center=None, feature_group="", return_on_hover=False,
            layer_control=None, pixelated=False, css_links=list(prepared.css_links),
            js_links=list(prepared.js_links), on_change=changed, wrap_longitude=False)
        for payload in (*nearby, overlay):
            if payload is not None:
                st.html(rmap.overlay_store_script(key, payload), unsafe_allow_javascript=True)
        st.html(rmap.overlay_show_script(key, overlay["key"] if overlay else None),
                unsafe_allow_javascript=True)
        st.html(rmap.page_script(key, state), unsafe_allow_javascript=True)
    return value
