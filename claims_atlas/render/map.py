"""The Leaflet map (folium), built to be switched between proposals without re-creation.

The base map holds what never changes with the selection: the boundaries, the region and
place names, the disposition patterns, every proposal's dispositions and two JavaScript
functions, `claimsApply(state)` and `claimsApplyId(proposal id)`. What the selected proposal
does travels separately, in a small script for the page around the map (`page_script`):
it keeps the state for the map under its key and applies it in the living map, or the map
picks it up as it draws. So the component's arguments never change with the selection: the
frontend keeps its iframe, and Streamlit's message cache sends the ~200 KB map once per
browser session instead of on every rerun. The page's picker also calls `claimsApplyId` the
moment it is clicked (see render.html.picker_script), so the map changes before the rerun
returns.

Nothing from the catalog is ever written into HTML: names, one-liners and legend labels go
into the page as JSON data and reach the DOM through `textContent`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

import folium
from branca.element import Element, MacroElement
from jinja2 import Template
from markupsafe import escape

from claims_atlas.core import control_view, geo, query, vocab
from claims_atlas.core.models import PART_LABELS, Catalog

LEAFLET_PREFIX = "/app/static/leaflet"
BOX_PREFIX = "claimsmap_"  # the key of the page container around a map is BOX_PREFIX + key
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


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def js_json(data) -> str:
    """JSON that is safe to place inside a <script> (no '</', no line separators) and inside
    a Jinja template: branca re-parses every rendered map script as a new jinja2.Template,
    so no brace of a string may reach it (`{#`, `{%`, `{{` would be template syntax). Braces
    inside strings travel as \\u007b / \\u007d; the JSON's own braces never start a Jinja
    tag (an object opens with `{"` or `{}`)."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return _JSON_STRING.sub(
        lambda m: m.group(0).replace("{", "\\u007b").replace("}", "\\u007d"), text)


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
        ".leaflet-control-attribution{font-size:12px}",
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
    ]
    rules += [f"path.disp-{d.id}{{fill:url(#pat-{d.id})}}" for d in vocab.DISPOSITIONS]
    return "<style>" + "".join(rules) + "</style>"


class Behaviour(MacroElement):
    """Patterns, tooltips, legend and `claimsApply` for the regions layer."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function(map){
  var V = {{ this.vocab }}, REG = {{ this.regions }}, PLACES = {{ this.places }};
  var CONTROL = {{ this.control }}, ALL = {{ this.states }}, PARTS = {{ this.parts }};
  var NONE = {d: ["not_addressed"]};
  function lineOf(info){ if ((info.p || []).length > 1) {
      return info.p.map(function(x){ return PARTS[x[0]] + ": " + V[x[1]].short; }).join("; "); }
    return V[info.d[0]].short; }
  var NS = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs){ var e = document.createElementNS(NS, tag);
    for (var k in attrs) { e.setAttribute(k, attrs[k]); } return e; }
  function defs(){ var s = document.getElementById("claims-defs");
    if (!s) { s = svgEl("svg", {id: "claims-defs", width: 0, height: 0});
      s.style.position = "absolute"; s.appendChild(svgEl("defs", {}));
      document.body.appendChild(s); }
    return s.firstChild; }
  function tile(id, draw){ if (document.getElementById(id)) { return id; }
    var p = svgEl("pattern", {id: id, patternUnits: "userSpaceOnUse", width: 10, height: 10});
    draw(p); defs().appendChild(p); return id; }
  function pattern(d){ var v = V[d] || V["not_addressed"];
    return tile("pat-" + d, function(p){
      p.appendChild(svgEl("rect", {width: 10, height: 10, fill: v.colour}));
      if (v.marks) { p.appendChild(svgEl("path", {d: v.marks, stroke: v.ink, "stroke-width": 1.3,
        "stroke-opacity": .7, fill: v.marks.indexOf("a") >= 0 ? v.ink : "none",
        "fill-opacity": .7})); } }); }
  function split(ds){ ds.forEach(pattern);
    return tile("split-" + ds.join("--"), function(p){
      p.setAttribute("width", 28); p.setAttribute("height", 28);
      p.setAttribute("patternTransform", "rotate(45)");
      p.appendChild(svgEl("rect", {width: 14, height: 28, fill: "url(#pat-" + ds[0] + ")"}));
      p.appendChild(svgEl("rect", {x: 14, width: 14, height: 28,
        fill: "url(#pat-" + ds[1] + ")"})); }); }
  Object.keys(V).forEach(pattern);
  function regionLayers(){ var out = {};
    map.eachLayer(function(l){ if (l.feature && l._path && l.feature.properties &&
      !l.feature.properties.part && REG[l.feature.properties.id]) {
      out[l.feature.properties.id] = l; } });
    return out; }
  function partLayers(){ var out = {};
    map.eachLayer(function(l){ var p = l.feature && l._path && l.feature.properties;
      if (p && p.part) { (out[p.id] = out[p.id] || {})[p.part] = l; } });
    return out; }
  function clearDisp(path, extra){
    Array.prototype.slice.call(path.classList).forEach(function(c){
      if (c.indexOf("disp-") === 0 || extra.indexOf(c) >= 0) { path.classList.remove(c); } }); }
  function text(tag, value, parent){ var e = document.createElement(tag);
    e.textContent = value; if (parent) { parent.appendChild(e); } return e; }
  function tip(rid, line){ var d = document.createElement("div");
    text("strong", REG[rid].name, d); d.appendChild(document.createElement("br"));
    text("span", line, d); return d; }
  var legend = L.control({position: "bottomleft"});
  map.zoomControl.setPosition("bottomright");
  legend.onAdd = function(){ var d = L.DomUtil.create("div", "claims-legend");
    d.setAttribute("data-testid", "map-legend"); return d; };
  legend.addTo(map);
  // The frame is a document of its own: a landmark and a heading for screen readers; the
  // page's regions table is the route to the same facts (the shapes are not tab stops).
  (function(box){ box.setAttribute("role", "main"); box.setAttribute("aria-label",
      "Map of Ukraine's regions; the table below the map says the same in words");
    var h1 = document.createElement("h1"); h1.className = "claims-sr";
    h1.textContent = "Map: what the selected proposal does with each region";
    box.insertBefore(h1, box.firstChild); })(map.getContainer());
  function drawLegend(state){ var box = legend.getContainer(); box.textContent = "";
    text("b", state.title, box);
    state.legend.forEach(function(d){ var row = document.createElement("div");
      var sw = svgEl("svg", {width: 22, height: 16});
      sw.appendChild(svgEl("rect", {width: 22, height: 16, fill: "url(#" + pattern(d) + ")"}));
      row.appendChild(sw); text("span", V[d].short, row); box.appendChild(row); });
    if (CONTROL) { var row = document.createElement("div");
      var sw = svgEl("svg", {width: 22, height: 16});
      sw.appendChild(svgEl("path", {d: "M0,8 h22", stroke: "#000", "stroke-width": 2.4,
        "stroke-dasharray": "6 3"}));
      row.appendChild(sw); text("span", "Line of contact", row); box.appendChild(row);
      text("span", CONTROL, box).className = "credit"; } }
  PLACES.forEach(function(pl){
    var shape = pl.kind === "line"
      ? L.polyline(pl.coords.map(function(c){ return [c[1], c[0]]; }),
          {color: "#1f4e9c", weight: 3, dashArray: "6 4", className: "place place-" + pl.id})
      : L.circleMarker([pl.coords[1], pl.coords[0]], {radius: 5, color: "#111",
          weight: 1.5, fillColor: "#ffffff", fillOpacity: 1, className: "place place-" + pl.id});
    var d = document.createElement("div"); text("strong", pl.name, d);
    d.appendChild(document.createElement("br")); text("span", pl.note, d);
    shape.bindTooltip(d); shape.addTo(map); });
  var fitted = false, lastSize = "";
  function refit(){ var el = map.getContainer(), size = el.clientWidth + "x" + el.clientHeight;
    if (size === lastSize || !el.clientWidth) { return; } lastSize = size;
    map.invalidateSize({animate: false});
    map.fitBounds({{ this.bounds }}, {padding: [4, 4], animate: false});
    el.setAttribute("data-fitted", size); }
  function fit(){ if (fitted) { return; } fitted = true;
    if (window.ResizeObserver) { new ResizeObserver(function(){
      try { refit(); } catch (err) { lastSize = ""; } }).observe(map.getContainer()); }
    try { refit(); } catch (err) { lastSize = ""; } }
  window.claimsApplyId = function(pid){
    var s = ALL[pid], cur = window.__claimsState || {};
    if (!s) { return false; }
    window.claimsApply(Object.assign({}, s, {highlight: cur.highlight || [],
                                             selected: cur.selected || null}));
    return true; };
  window.claimsApply = function(state){
    window.__claimsState = state;
    fit();
    var layers = regionLayers(), parts = partLayers();
    Object.keys(layers).forEach(function(rid){
      var layer = layers[rid], path = layer._path;
      var info = state.regions[rid] || NONE;
      clearDisp(path, ["split", "highlight", "selected", "has-parts"]);
      info.d.forEach(function(d){ path.classList.add("disp-" + d); });
      var byPart = {}; (info.p || []).forEach(function(x){ byPart[x[0]] = x[1]; });
      var pl = parts[rid] || {};
      var useParts = (info.p || []).length > 1 && Object.keys(pl).length > 0;
      Object.keys(pl).forEach(function(part){ var pp = pl[part]._path; clearDisp(pp, ["on"]);
        if (useParts && byPart[part]) {
          pp.classList.add("disp-" + byPart[part]); pp.classList.add("on"); } });
      if (useParts) { path.classList.add("has-parts"); }
      path.style.fill = info.d.length > 1 ? "url(#" + split(info.d) + ")" : "";
      if (info.d.length > 1) { path.classList.add("split"); }
      if (state.highlight.indexOf(rid) >= 0) { path.classList.add("highlight"); }
      if (state.selected === rid) { path.classList.add("selected"); }
      layer.unbindTooltip(); layer.bindTooltip(tip(rid, lineOf(info)), {sticky: true}); });
    map.getContainer().setAttribute("data-proposal", state.proposal);
    drawLegend(state);
  };
  // The state the page left for this map (page_script), found by the key of the container
  // around this frame; if the page has not said yet, its script applies it when it runs.
  try { var fe = window.frameElement, box = fe && fe.closest('[class*="st-key-{{ this.box }}"]');
    var pre = "st-key-{{ this.box }}", key = null;
    if (box) { Array.prototype.forEach.call(box.classList, function(c){
      if (c.indexOf(pre) === 0) { key = c.slice(pre.length); } }); }
    var own = key && window.parent.__claimsMapStates && window.parent.__claimsMapStates[key];
    if (own) { window.claimsApply(own); } } catch (err) {}
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, regions: Mapping[str, str], places: list[dict], control: str | None,
                 states: Mapping[str, dict]):
        super().__init__()
        self.control = js_json(control)
        self.states = js_json(states)
        self.parts = js_json(PART_LABELS)
        self._name = "ClaimsBehaviour"
        self.vocab = js_json(vocab_payload())
        self.regions = js_json({rid: {"name": name} for rid, name in regions.items()})
        self.places = js_json(places)
        self.bounds = js_json(BOUNDS)
        self.box = BOX_PREFIX


class Apply(MacroElement):
    """Calls `claimsApply(state)` as the map is built: the selection of a standalone page
    (in the app it travels beside the map instead: `page_script`)."""

    _template = Template("""
{% macro script(this, kwargs) %}
if (window.claimsApply) { window.claimsApply({{ this.state }}); }
{% endmacro %}
""")

    def __init__(self, state: dict):
        super().__init__()
        self._name = "ClaimsApply"
        self.state = js_json(state)


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


def _part_style(feature: dict) -> dict:
    p = feature["properties"]
    return {"className": f"part part-{p['id']} part-{p['part']}", "color": "#ffffff",
            "weight": 0, "fillColor": "#f4f4f4", "fillOpacity": 0}


def _line_style(_feature: dict) -> dict:
    return {"className": "contact-line", "color": "#000000", "weight": 2.4, "fill": False}


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
    if overlay is not None:
        folium.GeoJson(overlay.parts, name="parts", style_function=_part_style, control=False,
                       interactive=False).add_to(m)
    folium.GeoJson(geo.regions_geojson(), name="regions", style_function=_region_style,
                   control=False, attribution=leaflet_attribution(geo.ATTRIBUTION)).add_to(m)
    if overlay is not None:
        folium.GeoJson(overlay.line, name="line of contact", style_function=_line_style,
                       control=False, interactive=False,
                       attribution=leaflet_attribution(overlay.credit)).add_to(m)
    names = {r.id: r.name_en for r in catalog.regions}
    parts = control_view.parts_present(overlay.parts) if overlay is not None else None
    states = {p.id: map_state(catalog, p.id, parts=parts) for p in catalog.proposals}
    Behaviour(names, place_payload(catalog), overlay.credit if overlay else None,
              states).add_to(m)
    return m


def map_state(catalog: Catalog, proposal_id: str, highlight: Iterable[str] = (),
              selected: str | None = None, parts: dict | None = None) -> dict:
    """What the selected proposal shows, as the JSON `claimsApply` takes. `parts`: with a
    control snapshot, `control_view.parts_present(overlay.parts)`, so that a provision on a
    part the snapshot does not have (Russia withdrawing from Chernihiv, 0 km² held) is not
    drawn."""
    p = catalog.proposal(proposal_id)
    return {"proposal": proposal_id, "title": p.title if p else proposal_id,
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
    there now if the map has drawn (if not, the map picks it up as it draws: Behaviour).
    Key and state travel as escaped JSON data."""
    return ("<script>(function(){var k=" + js_json(key) + ",s=" + js_json(state) + ";"
            "(window.__claimsMapStates=window.__claimsMapStates||{})[k]=s;"
            "document.querySelectorAll('.st-key-" + BOX_PREFIX + "'+k+' iframe')"
            ".forEach(function(f){try{var w=f.contentWindow;"
            "if(w&&w.claimsApply){w.claimsApply(s);}}catch(e){}});})();</script>")


def standalone_html(catalog: Catalog, proposal_id: str, prefix: str = LEAFLET_PREFIX) -> str:
    """One self-contained page (for tests and exports): base map plus the selection."""
    m = base_map(catalog, prefix=prefix)
    Apply(map_state(catalog, proposal_id)).add_to(m)
    return m.get_root().render()
