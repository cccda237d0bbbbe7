"""The Leaflet map (folium), built to be switched between proposals without re-creation.

The base map holds what never changes with the selection: the boundaries, the region and
place names, the disposition patterns, every proposal's dispositions and the map core
(render/js/atlas.js: `claimsAtlas.apply(state)`, `claimsAtlas.applyId(proposal id)`,
`claimsAtlas.setOverlay(overlay)`). What the selected proposal does travels separately, in
a small script for the page around the map (`page_script`, render/js/page.js): it keeps the
state for the map under its key and applies it in the living map, or the map picks it up
as it draws (render/js/frame.js). So the component's arguments never change with the
selection: the frontend keeps its iframe, and Streamlit's message cache sends the ~200 KB
map once per browser session instead of on every rerun. The page's picker also calls
`claimsAtlas.applyId` the moment it is clicked (render.html.picker_script), so the map
changes before the rerun returns.

Nothing from the catalog is ever written into HTML: names, one-liners and legend labels go
into the page as JSON data and reach the DOM through `textContent`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from claims_atlas.core import geo, query, vocab
from claims_atlas.core.models import PART_LABELS, Catalog
from claims_atlas.render import js
from claims_atlas.render.js import js_json  # noqa: F401  (re-exported: render.map.js_json)

LEAFLET_PREFIX = "/app/static/leaflet"
BOX_PREFIX = "claimsmap_"  # the key of the page container around a map is BOX_PREFIX + key
PAGE_PREFIX = "st-key-" + BOX_PREFIX  # the class Streamlit gives that container, before key
CENTRE = (48.6, 31.4)
BOUNDS = [[44.2, 22.0], [52.5, 40.3]]

# Marks drawn over each disposition's colour, in a 10x10 tile (SVG path data).
PATTERN_MARKS = {
    "solid": "", "none": "",
    "diagonal": "M-1,1 l2,-2 M0,10 l10,-10 M9,11 l2,-2",
    "back-diagonal": "M-1,9 l2,2 M0,0 l10,10 M9,-1 l2,2",
    "horizontal": "M0,5 h10",
    "vertical": "M5,0 v10",
    "cross": "M0,0 l10,10 M10,0 l-10,10",
    "grid": "M0,5 h10 M5,0 v10",
    "dots": "M4,5 a1.6,1.6 0 1,0 3.2,0 a1.6,1.6 0 1,0 -3.2,0",
    "circles": "M2,5 a3,3 0 1,0 6,0 a3,3 0 1,0 -6,0",
}


def ink(colour: str) -> str:
    """Black or white marks, whichever shows on the colour."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#1a1a1a" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


def vocab_payload() -> dict:
    return {d.id: {"colour": d.colour, "ink": ink(d.colour), "label": d.label,
                   "short": d.short, "marks": PATTERN_MARKS[d.pattern]}
            for d in vocab.DISPOSITIONS}


def css() -> str:
    rules = [
        ".leaflet-container{background:#dfeaf2;font:15px/1.35 system-ui,sans-serif}",
        "path.region{stroke:#ffffff;stroke-width:1.2;fill-opacity:.92}",
        "path.region:hover{stroke:#111;stroke-width:2.5}",
        "path.region.highlight{stroke:#000;stroke-width:3.5}",
        "path.region.selected{stroke:#000;stroke-width:3;stroke-dasharray:6 3}",
        "path.neighbour{pointer-events:none}",
        ".claims-legend{background:rgba(255,255,255,.94);padding:8px 10px;border-radius:6px;"
        "box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:260px;color:#111}",
        ".claims-legend b{display:block;margin-bottom:4px}",
        ".claims-legend div{display:flex;align-items:center;gap:6px;margin:2px 0}",
        ".claims-legend svg{flex:none;border:1px solid #555}",
        ".leaflet-tooltip{font-size:15px;max-width:340px;white-space:normal}",
    ]
    rules += [
        "path.part{fill-opacity:0;stroke:none;pointer-events:none}",
        "path.part.on{fill-opacity:.92;stroke:#fff;stroke-width:.6}",
        "path.region.has-parts{fill-opacity:0}",
        "path.contact-line{stroke:#000;stroke-width:2.4;stroke-dasharray:8 4;fill:none;"
        "pointer-events:none}",
        ".claims-legend .credit{font-size:12px;color:#333;display:block;margin-top:4px}",
    ]
    rules += [f"path.disp-{d.id}{{fill:url(#pat-{d.id})}}" for d in vocab.DISPOSITIONS]
    return "<style>" + "".join(rules) + "</style>"


class Behaviour(MacroElement):
    """Patterns, tooltips, legend and the map core (js/atlas.js) for the regions layer,
    with every proposal's state preloaded; js/frame.js takes what the page around the map
    has said for it (page_script, overlay_script)."""

    _template = Template("""
{% macro script(this, kwargs) %}
{{ this.code }}
claimsAtlas.init({{ this._parent.get_name() }}, {{ this.config }});
claimsAtlas.fromPage({{ this.prefix }});
{% endmacro %}
""")

    def __init__(self, regions: Mapping[str, str], places: list[dict],
                 states: Mapping[str, dict], overlay: dict | None = None):
        super().__init__()
        self._name = "ClaimsBehaviour"
        self.code = "\n".join(js.body(f) for f in ("atlas.js", "frame.js"))
        self.config = js_json({
            "vocab": vocab_payload(), "parts": PART_LABELS, "states": states,
            "regions": {rid: {"name": name} for rid, name in regions.items()},
            "places": places, "bounds": BOUNDS, "overlay": overlay})
        self.prefix = js_json(PAGE_PREFIX)


class Apply(MacroElement):
    """Shows a state (and an overlay) as the map is built: the selection of a standalone
    page (in the app it travels beside the map instead: `page_script`)."""

    _template = Template("""
{% macro script(this, kwargs) %}
claimsAtlas.setOverlay({{ this.overlay }});
claimsAtlas.apply({{ this.state }});
{% endmacro %}
""")

    def __init__(self, state: dict, overlay: dict | None = None):
        super().__init__()
        self._name = "ClaimsApply"
        self.state = js_json(state)
        self.overlay = js_json(overlay)


def _region_style(feature: dict) -> dict:
    return {"className": f"region region-{feature['properties']['id']}", "color": "#ffffff",
            "weight": 1.2, "fillColor": "#f4f4f4", "fillOpacity": 0.92}


def _neighbour_style(_feature: dict) -> dict:
    return {"className": "neighbour", "color": "#9aa5ad", "weight": 0.8,
            "fillColor": "#eceae4", "fillOpacity": 1, "interactive": False}


def offline(m: folium.Map, prefix: str = LEAFLET_PREFIX) -> folium.Map:
    """Point the map at the Leaflet copy the app serves itself; nothing else is needed."""
    m.default_js = [("leaflet", f"{prefix}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{prefix}/leaflet.css")]
    return m


def place_payload(catalog: Catalog) -> list[dict]:
    return [{"id": p.id, "name": p.name, "kind": p.kind,
             "coords": [list(c) for c in p.coordinates] if p.kind == "line"
             else list(p.coordinates),
             "note": f"{'approximate ' if p.precision == 'approximate' else ''}location; "
                     f"{p.source}"} for p in catalog.places]


def overlay_payload(overlay, digits: int = 4) -> dict | None:
    """A control overlay (core.control_view.Overlay) as the JSON `setOverlay` takes:
    {key, credit, parts, line}, coordinates rounded to `digits` decimals (4: ~10 m, finer
    than the display simplification)."""
    if overlay is None:
        return None
    return {"key": overlay.key, "credit": overlay.credit,
            "parts": _rounded(overlay.parts, digits), "line": _rounded(overlay.line, digits)}


def _rounded(value, digits: int):
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, list | tuple):
        return [_rounded(v, digits) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    return value


def base_map(catalog: Catalog, height: int = 620, prefix: str = LEAFLET_PREFIX,
             overlay=None) -> folium.Map:
    """The map that stays the same whatever the selection.

    `keyboard=False`: Leaflet's keyboard handler focuses the container on mousedown, which
    in Chrome moves the mouseup off the clicked path, so no click reaches the region (and
    the arrow keys belong to the presenter's deck, not to panning).
    """
    m = offline(folium.Map(location=CENTRE, zoom_start=6, tiles=None, min_zoom=5, max_zoom=10,
                           zoom_snap=0.25, control_scale=True, height=height, keyboard=False,
                           max_bounds=True, attribution_control=True), prefix)
    m.fit_bounds(BOUNDS)
    m.get_root().header.add_child(Element(css()), name="claims_css")
    folium.GeoJson(geo.neighbours_geojson(), name="neighbours", style_function=_neighbour_style,
                   control=False, interactive=False).add_to(m)
    folium.GeoJson(geo.regions_geojson(), name="regions", style_function=_region_style,
                   control=False, attribution=geo.ATTRIBUTION).add_to(m)
    names = {r.id: r.name_en for r in catalog.regions}
    states = {p.id: map_state(catalog, p.id) for p in catalog.proposals}
    Behaviour(names, place_payload(catalog), states, overlay_payload(overlay)).add_to(m)
    return m


def map_state(catalog: Catalog, proposal_id: str, highlight: Iterable[str] = (),
              selected: str | None = None) -> dict:
    """What the selected proposal shows, as the JSON `claimsApply` takes."""
    p = catalog.proposal(proposal_id)
    return {"proposal": proposal_id, "title": p.title if p else proposal_id,
            "highlight": list(highlight), "selected": selected,
            "legend": [d.id for d in query.legend(catalog, [proposal_id])],
            "regions": {r.id: st for r in catalog.regions
                        if (st := _region_state(catalog, proposal_id, r.id))}}


def _region_state(catalog: Catalog, proposal_id: str, region_id: str) -> dict | None:
    """{"d": disposition ids, "p": [[part, id], ...] when split}; None when not addressed
    (the browser's default). The tooltip line is derived in the browser (`lineOf`), as
    query.one_line derives it here."""
    shown = query.shown_for(catalog, proposal_id, region_id)
    if all(s.provision is None for s in shown):
        return None
    out = {"d": [s.disposition for s in shown]}
    if len(shown) > 1:
        out["p"] = [[s.part, s.disposition] for s in shown]
    return out


def page_script(key: str, state: dict) -> str:
    """A script for the page around the map under `key`: keep `state` for it and apply it
    there now if the map has drawn (if not, the map takes it as it draws: js/frame.js).
    Key and state travel as escaped JSON data (js/page.js `put`)."""
    return js.script(("page.js",), "put", "." + PAGE_PREFIX, key, "state", state)


def standalone_html(catalog: Catalog, proposal_id: str, prefix: str = LEAFLET_PREFIX) -> str:
    """One self-contained page (for tests and exports): base map plus the selection."""
    m = base_map(catalog, prefix=prefix)
    Apply(map_state(catalog, proposal_id)).add_to(m)
    return m.get_root().render()
