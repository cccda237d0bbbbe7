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
from markupsafe import escape

from claims_atlas.core import control_view, geo, query, vocab
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


def leaflet_attribution(text: str) -> str:
    """Plain text for Leaflet's attribution control, which sets innerHTML: HTML-escaped
    (markupsafe), and braces as character references so the text cannot become Jinja
    syntax in branca's template either."""
    return str(escape(text)).replace("{", "&#123;").replace("}", "&#125;")


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
        "path:focus{outline:none}path.region:focus-visible{stroke:#000;stroke-width:4}",
        # a click focuses the shape or the map: no box, the keyboard still gets its ring
        ".leaflet-interactive:focus:not(:focus-visible),svg:focus:not(:focus-visible),"
        ".leaflet-container:focus:not(:focus-visible){outline:none}",
        # the credit wraps in the right part of the map, clear of the scale bar (bottom left)
        ".leaflet-control-attribution{font-size:12px;max-width:62%}",
        # the page sizes the frame to the screen (app/ui.py); the map fills the frame
        "#map_div{height:100vh!important}",
        ".claims-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);"
        "white-space:nowrap;margin:-1px}",
        "path.region.highlight{stroke:#000;stroke-width:3.5}",
        "path.region.selected{stroke:#000;stroke-width:3;stroke-dasharray:6 3}",
        "path.neighbour{pointer-events:none}",
        ".claims-legend{background:rgba(255,255,255,.94);padding:6px 8px;border-radius:6px;"
        "box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:200px;color:#111;font-size:14px}",
        # bottom left is Romania and Moldova: the legend covers no part of Ukraine; a
        # narrow map (a phone) leaves the legend to the page below it
        "@media (max-width:560px){.claims-legend{display:none}}",
        ".claims-legend b{display:block;margin-bottom:4px}",
        ".claims-legend div{display:flex;align-items:center;gap:6px;margin:2px 0}",
        ".claims-legend svg{flex:none;border:1px solid #555}",
        ".leaflet-tooltip{font-size:16px;max-width:340px;white-space:normal}",
    ]
    rules += [
        "path.part{fill-opacity:0;stroke:none;pointer-events:none}",
        "path.part.on{fill-opacity:.92;stroke:#fff;stroke-width:.6}",
        "path.region.has-parts{fill-opacity:0}",
        "path.contact-line{stroke:#000;stroke-width:2.4;stroke-dasharray:8 4;fill:none;"
        "pointer-events:none}",
        ".claims-legend .credit{font-size:12px;color:#333;display:block;margin-top:4px}",
        ".claims-legend .not-yet{display:block;margin:2px 0 4px;padding:1px 4px;"
        "background:#fff3b0;border:1px solid #8a6d00;font-weight:600}",
    ]
    rules += [f"path.disp-{d.id}{{fill:url(#pat-{d.id})}}" for d in vocab.DISPOSITIONS]
    return "<style>" + "".join(rules) + "</style>"


class Behaviour(MacroElement):
    """Patterns, tooltips, legend and the map core (js/atlas.js) for the regions layer,
    with every proposal's state preloaded; js/frame.js takes what the page around the map
    has said for it (page_script, overlay_show_script)."""

    _template = Template("""
{% macro script(this, kwargs) %}
{{ this.code }}
claimsAtlas.init({{ this._parent.get_name() }}, {{ this.config }});
claimsAtlas.fromPage({{ this.prefix }});
{% endmacro %}
""")

    def __init__(self, regions: Mapping[str, str], places: list[dict],
                 states: Mapping[str, dict]):
        super().__init__()
        self._name = "ClaimsBehaviour"
        self.code = "\n".join(js.body(f) for f in ("atlas.js", "frame.js"))
        self.config = js_json({
            "vocab": vocab_payload(), "parts": PART_LABELS, "states": states,
            "regions": {rid: {"name": name} for rid, name in regions.items()},
            "places": places, "bounds": BOUNDS})
        self.prefix = js_json(PAGE_PREFIX)


class DrawOverlay(MacroElement):
    """Draws a control overlay as the map is built (base_map(overlay=...): a map with its
    snapshot drawn in, for standalone pages and exports; the app sends it beside the map)."""

    _template = Template("""
{% macro script(this, kwargs) %}
claimsAtlas.setOverlay({{ this.overlay }});
{% endmacro %}
""")

    def __init__(self, overlay: dict):
        super().__init__()
        self._name = "ClaimsOverlay"
        self.overlay = js_json(overlay)


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


OVERLAY_DIGITS = 3  # decimals of a degree kept for the browser: a vertex moves <= ~55 m, well
# under the display simplification (core.control_view.DISPLAY_TOLERANCE, ~300-400 m) and half
# a pixel at the map's closest zoom (10); a real day travels as 7.9 KB instead of 10.1 KB.


def overlay_payload(overlay, digits: int = OVERLAY_DIGITS) -> dict | None:
    """A control overlay (core.control_view.Overlay) as the JSON `setOverlay` takes, or None:
    {"key", "credit", "digits", "parts": [{"id", "part", "rings": [[ring, ...], ...]} or
    {"id", "part", "rest": true}], "line": [line, ...]}, each ring or line a string in the
    encoded-polyline format (encode_line: lat/lon deltas, `digits` decimals).

    A Ukrainian-held part travels as `"rest": true`, no rings: it is the unit less its
    Russian-held part, which the browser draws from the unit's own outline with the
    Russian-held rings as holes (js/atlas.js partLayer). That halves a real DeepStateMap day
    (17.3 KB -> 9.6 KB; ~87 KB as GeoJSON) and leaves no gap between the two parts."""
    if overlay is None:
        return None
    parts = [_part_payload(f, digits) for f in overlay.parts["features"]]
    line = [encode_line(c, digits) for f in overlay.line["features"]
            for c in _lines(f["geometry"])]
    return {"key": overlay.key, "credit": overlay.credit, "digits": digits, "parts": parts,
            "line": line, "attribution": leaflet_attribution(overlay.credit)}


def _part_payload(feature: dict, digits: int) -> dict:
    props = feature["properties"]
    out = {"id": props["id"], "part": props["part"]}
    if props["part"] == "ukrainian_held":
        out["rest"] = True  # cut in the browser from the unit's outline
    else:
        out["rings"] = [[encode_line(r, digits) for r in poly]
                        for poly in _polygons(feature["geometry"])]
    return out


def _polygons(geometry: dict) -> list:
    kind, coords = geometry["type"], geometry.get("coordinates")
    if kind == "Polygon":
        return [coords]
    if kind == "MultiPolygon":
        return list(coords)
    if kind == "GeometryCollection":
        return [p for g in geometry["geometries"] for p in _polygons(g)]
    return []


def _lines(geometry: dict) -> list:
    kind, coords = geometry["type"], geometry.get("coordinates")
    if kind == "LineString":
        return [coords]
    if kind in ("MultiLineString", "Polygon"):
        return list(coords)
    if kind == "MultiPolygon":
        return [ring for poly in coords for ring in poly]
    if kind == "GeometryCollection":
        return [x for g in geometry["geometries"] for x in _lines(g)]
    return []


# Three characters of the polyline alphabet travel as others: js_json writes a brace inside a
# string as \u007b (branca re-parses map scripts as Jinja) and a backslash as "\\", which
# doubled a real day's overlay as sent (9.6 KB -> 18 KB). Outside the alphabet (63-126) and
# plain in JSON and HTML: "(", ")", "*". js/atlas.js decodeLine maps them back.
_WIRE = str.maketrans({"\\": "(", "{": ")", "}": "*"})


def _encode_int(value: int) -> str:
    value = ~(value << 1) if value < 0 else value << 1
    out = []
    while value >= 0x20:
        out.append(chr((0x20 | (value & 0x1F)) + 63))
        value >>= 5
    out.append(chr(value + 63))
    return "".join(out)


def encode_line(coords, digits: int = OVERLAY_DIGITS) -> str:
    """[(lon, lat), ...] in the encoded-polyline format (Google's algorithm): for each point
    the change in lat then lon, times 10**digits, as 5-bit chunks in ASCII 63-126, except
    that "\\", "{" and "}" are written "(", ")" and "*" (_WIRE: JSON escapes them, and
    the overlay would travel twice as large). Decoded by js/atlas.js `decodeLine`."""
    scale, out, last_lat, last_lon = 10 ** digits, [], 0, 0
    for lon, lat, *_ in coords:
        ilat, ilon = round(lat * scale), round(lon * scale)
        out.append(_encode_int(ilat - last_lat) + _encode_int(ilon - last_lon))
        last_lat, last_lon = ilat, ilon
    return "".join(out).translate(_WIRE)


def base_map(catalog: Catalog, height: int = 620, prefix: str = LEAFLET_PREFIX,
             overlay=None) -> folium.Map:
    """The map that stays the same whatever the selection and the control snapshot: the app
    sends the overlay beside it (overlay_store_script, overlay_show_script). `overlay` (a
    core.control_view.Overlay) draws one in as the map is built, with every proposal's
    state fitted to it (map_state `parts`), for a standalone page or an export.

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
                   control=False, attribution=leaflet_attribution(geo.ATTRIBUTION)).add_to(m)
    names = {r.id: r.name_en for r in catalog.regions}
    parts = control_view.parts_present(overlay.parts) if overlay is not None else None
    states = {p.id: map_state(catalog, p.id, parts=parts) for p in catalog.proposals}
    Behaviour(names, place_payload(catalog), states).add_to(m)
    if overlay is not None:
        DrawOverlay(overlay_payload(overlay)).add_to(m)
    return m


def map_state(catalog: Catalog, proposal_id: str, highlight: Iterable[str] = (),
              selected: str | None = None, as_of: str | None = None,
              parts: dict | None = None) -> dict:
    """What the selected proposal shows, as the JSON `claimsAtlas.apply` takes. `as_of`
    (YYYY-MM-DD, the page's date) makes the map's legend say "Not yet proposed on <as_of>"
    for a proposal dated after it (the proposal's own date travels as "date"). `parts`:
    with a control snapshot, `control_view.parts_present(overlay.parts)`, so that a
    provision on a part the snapshot does not have (Russia withdrawing from Chernihiv, 0 km²
    held) is not drawn."""
    p = catalog.proposal(proposal_id)
    return {"proposal": proposal_id, "title": p.title if p else proposal_id,
            "date": p.date.isoformat() if p else None, "asOf": as_of,
            "highlight": list(highlight), "selected": selected,
            "legend": [d.id for d in query.legend(catalog, [proposal_id])],
            "regions": {r.id: st for r in catalog.regions
                        if (st := _region_state(catalog, proposal_id, r.id, parts))}}


def _region_state(catalog: Catalog, proposal_id: str, region_id: str,
                  parts: dict | None = None) -> dict | None:
    """{"d": disposition ids, "p": [[part, id], ...] when split}; None when not addressed
    (the browser's default). The tooltip line is derived in the browser (`lineOf`), as
    query.one_line derives it here."""
    shown = query.shown_for(catalog, proposal_id, region_id)
    if parts is not None:
        shown = control_view.on_existing_parts(shown, parts.get(region_id, ("ukrainian_held",)))
    if all(s.provision is None for s in shown):
        return None
    out = {"d": [s.disposition for s in shown]}
    if len(shown) > 1:
        out["p"] = [[s.part, s.disposition] for s in shown]
    return out


def page_script(key: str, state: dict) -> str:
    """A script for the page around the map under `key`: keep `state` for it and apply it
    there now if the map has drawn (if not, the map takes it as it draws: js/frame.js).
    Key and state travel as escaped JSON data (js/page.js `put`, queued for page_library)."""
    return js.data_script("put", "." + PAGE_PREFIX, key, "state", state)


PAGE_FILES = ("page.js", "dates.js")


def page_library() -> str:
    """The page's library for the maps (js/page.js, js/dates.js), one element per map
    container whose text never changes: the data scripts beside it queue their calls."""
    return js.library_script(PAGE_FILES)


def overlay_store_script(key: str, overlay: dict) -> str:
    """A script for the page around the map under `key`: keep this overlay
    (overlay_payload) for it, to draw when it is shown. Its text depends only on the key
    and the overlay, so Streamlit's message cache sends a stored overlay once (>= 10 KB)."""
    return js.data_script("store", "." + PAGE_PREFIX, key, overlay)


def overlay_show_script(key: str, overlay_key: str | None) -> str:
    """A script for the page around the map under `key`: draw the stored overlay named
    `overlay_key` in the living map (None: no overlay). A few hundred bytes."""
    return js.data_script("put", "." + PAGE_PREFIX, key, "show", overlay_key)


def standalone_html(catalog: Catalog, proposal_id: str, prefix: str = LEAFLET_PREFIX,
                    overlay: dict | None = None) -> str:
    """One self-contained page (for tests and exports): base map plus the selection and
    the control overlay (overlay_payload) if any."""
    m = base_map(catalog, prefix=prefix)
    Apply(map_state(catalog, proposal_id), overlay).add_to(m)
    return m.get_root().render()
