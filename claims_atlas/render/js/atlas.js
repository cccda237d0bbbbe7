/* claims-atlas map core: colours a Leaflet map's regions for one proposal and draws a
 * control overlay (split parts and line of contact), from JSON data only.
 *
 * Runs in the document that holds the Leaflet map (needs the global `L`). Nothing here
 * knows about Streamlit: the app's adapter (frame.js) and a static page call the same
 * functions. Catalog text reaches the DOM through textContent only.
 *
 *   claimsAtlas.init(map, config)  config: {vocab, regions, places, parts, states, bounds}
 *   claimsAtlas.apply(state)       state: {proposal, title, date, asOf, legend, regions,
 *                                          highlight, selected}  (render.map.map_state)
 *   claimsAtlas.applyId(id)        the preloaded state of proposal `id`, keeping the
 *                                  highlight and the selection; false if unknown
 *   claimsAtlas.setOverlay(o)      o: {key, credit, digits, parts: [{id, part, rings} or
 *                                  {id, part, rest: true} (the unit less its other parts)],
 *                                  line: [encoded]} (render.map.overlay_payload) or null
 *   claimsAtlas.decodeLine(s, d)   an encoded polyline (render.map.encode_line) ->
 *                                  [[lat, lon], ...]
 *   claimsAtlas.timing             {apply: ms, overlay: ms} of the last calls, and
 *                                  overlays: ms of each setOverlay that drew (last 1000)
 */
(function (root) {
  "use strict";
  var A = root.claimsAtlas = root.claimsAtlas || {};
  var NS = "http://www.w3.org/2000/svg";
  var NONE = {d: ["not_addressed"]};

  function svgEl(tag, attrs) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) { e.setAttribute(k, attrs[k]); }
    return e;
  }

  function text(tag, value, parent) {
    var e = document.createElement(tag);
    e.textContent = value;
    if (parent) { parent.appendChild(e); }
    return e;
  }

  // The encoded-polyline format (render.map.encode_line): per point the change in lat then
  // lon, times 10^digits, in 5-bit chunks offset by 63.
  // "(", ")", "*" stand for "\\", "{", "}" (render.map._WIRE: JSON would escape those).
  var WIRE = {40: 92, 41: 123, 42: 125};

  A.decodeLine = function (str, digits) {
    var scale = Math.pow(10, digits), out = [], i = 0, lat = 0, lon = 0;
    function next() {
      var result = 0, shift = 0, b, c;
      do {
        c = str.charCodeAt(i++);
        b = (WIRE[c] || c) - 63;
        result |= (b & 0x1f) << shift;
        shift += 5;
      } while (b >= 0x20);
      return (result & 1) ? ~(result >> 1) : (result >> 1);
    }
    while (i < str.length) {
      lat += next();
      lon += next();
      out.push([lat / scale, lon / scale]);
    }
    return out;
  };

  function now() { return root.performance ? root.performance.now() : Date.now(); }

  A.init = function (map, cfg) {
    var V = cfg.vocab, REG = cfg.regions, PARTS = cfg.parts, ALL = cfg.states || {};
    var overlay = null, overlayLayers = [], parts = {}, state = null;

    function defs() {
      var s = document.getElementById("claims-defs");
      if (!s) {
        s = svgEl("svg", {id: "claims-defs", width: 0, height: 0});
        s.style.position = "absolute";
        s.appendChild(svgEl("defs", {}));
        document.body.appendChild(s);
      }
      return s.firstChild;
    }

    function tile(id, draw) {
      if (document.getElementById(id)) { return id; }
      var p = svgEl("pattern", {id: id, patternUnits: "userSpaceOnUse", width: 10, height: 10});
      draw(p);
      defs().appendChild(p);
      return id;
    }

    function pattern(d) {
      var v = V[d] || V.not_addressed;
      return tile("pat-" + d, function (p) {
        p.appendChild(svgEl("rect", {width: 10, height: 10, fill: v.colour}));
        if (v.marks) {
          p.appendChild(svgEl("path", {d: v.marks, stroke: v.ink, "stroke-width": 1.3,
            "stroke-opacity": 0.7, fill: v.marks.indexOf("a") >= 0 ? v.ink : "none",
            "fill-opacity": 0.7}));
        }
      });
    }

    function split(ds) {
      ds.forEach(pattern);
      return tile("split-" + ds.join("--"), function (p) {
        p.setAttribute("width", 28);
        p.setAttribute("height", 28);
        p.setAttribute("patternTransform", "rotate(45)");
        p.appendChild(svgEl("rect", {width: 14, height: 28, fill: "url(#pat-" + ds[0] + ")"}));
        p.appendChild(svgEl("rect", {x: 14, width: 14, height: 28,
          fill: "url(#pat-" + ds[1] + ")"}));
      });
    }
    Object.keys(V).forEach(pattern);

    function lineOf(info) {
      if ((info.p || []).length > 1) {
        return info.p.map(function (x) { return PARTS[x[0]] + ": " + V[x[1]].short; })
          .join("; ");
      }
      return V[info.d[0]].short;
    }

    function regionLayers() {
      var out = {};
      map.eachLayer(function (l) {
        var p = l.feature && l._path && l.feature.properties;
        if (p && !p.part && REG[p.id]) { out[p.id] = l; }
      });
      return out;
    }

    function clearDisp(path, extra) {
      Array.prototype.slice.call(path.classList).forEach(function (c) {
        if (c.indexOf("disp-") === 0 || extra.indexOf(c) >= 0) { path.classList.remove(c); }
      });
    }

    function tip(rid, line) {
      var d = document.createElement("div");
      text("strong", REG[rid].name, d);
      d.appendChild(document.createElement("br"));
      text("span", line, d);
      return d;
    }

    var legend = L.control({position: "bottomleft"});  // Romania/Moldova: off Ukraine
    map.zoomControl.setPosition("bottomright");
    legend.onAdd = function () {
      var d = L.DomUtil.create("div", "claims-legend");
      d.setAttribute("data-testid", "map-legend");
      return d;
    };
    legend.addTo(map);

    // The frame is a document of its own: a landmark and a heading for screen readers; the
    // page's regions table is the route to the same facts (the shapes are not tab stops).
    (function (box) {
      box.setAttribute("role", "main");
      box.setAttribute("aria-label",
        "Map of Ukraine's regions; the table below the map says the same in words");
      var h1 = document.createElement("h1");
      h1.className = "claims-sr";
      h1.textContent = "Map: what the selected proposal does with each region";
      box.insertBefore(h1, box.firstChild);
    })(map.getContainer());

    function drawLegend() {
      var box = legend.getContainer(), row, sw;
      box.textContent = "";
      if (!state) { return; }
      text("b", state.title, box);
      if (state.asOf && state.date && state.date > state.asOf) {
        var nb = text("span", "Not yet proposed on " + state.asOf, box);
        nb.className = "not-yet";
        nb.setAttribute("data-testid", "map-not-yet");
      }
      state.legend.forEach(function (d) {
        row = document.createElement("div");
        sw = svgEl("svg", {width: 22, height: 16});
        sw.appendChild(svgEl("rect", {width: 22, height: 16, fill: "url(#" + pattern(d) + ")"}));
        row.appendChild(sw);
        text("span", V[d].short, row);
        box.appendChild(row);
      });
      if (overlay) {
        row = document.createElement("div");
        sw = svgEl("svg", {width: 22, height: 16});
        sw.appendChild(svgEl("path", {d: "M0,8 h22", stroke: "#000", "stroke-width": 2.4,
          "stroke-dasharray": "6 3"}));
        row.appendChild(sw);
        text("span", "Line of contact", row);
        box.appendChild(row);
        text("span", overlay.credit, box).className = "credit";
      }
    }

    (cfg.places || []).forEach(function (pl) {
      var cls = "place place-" + pl.id;
      var shape = pl.kind === "line"
        ? L.polyline(pl.coords.map(function (c) { return [c[1], c[0]]; }),
          {color: "#1f4e9c", weight: 3, dashArray: "6 4", className: cls})
        : L.circleMarker([pl.coords[1], pl.coords[0]], {radius: 5, color: "#111",
          weight: 1.5, fillColor: "#ffffff", fillOpacity: 1, className: cls});
      var d = document.createElement("div");
      text("strong", pl.name, d);
      d.appendChild(document.createElement("br"));
      text("span", pl.note, d);
      shape.bindTooltip(d);
      shape.addTo(map);
    });

    var fitted = false, lastSize = "";
    function refit() {
      var el = map.getContainer(), size = el.clientWidth + "x" + el.clientHeight;
      if (size === lastSize || !el.clientWidth) { return; }
      lastSize = size;
      map.invalidateSize({animate: false});
      map.fitBounds(cfg.bounds, {padding: [4, 4], animate: false});
      el.setAttribute("data-fitted", size);
    }
    function fit() {
      if (fitted) { return; }
      fitted = true;
      if (root.ResizeObserver) {
        new root.ResizeObserver(function () {
          try { refit(); } catch (err) { lastSize = ""; }
        }).observe(map.getContainer());
      }
      try { refit(); } catch (err) { lastSize = ""; }
    }

    // Panes for the overlay: the split parts under the regions (whose fill turns
    // transparent where parts show), the line of contact above them.
    function pane(name, z) {
      var p = map.getPane(name) || map.createPane(name);
      p.style.zIndex = z;
      p.style.pointerEvents = "none";
      return name;
    }

    // Every ring of a layer's (multi)polygon, outer rings and holes alike.
    function ringsOf(latlngs) {
      return L.LineUtil.isFlat(latlngs) ? [latlngs]
        : latlngs.reduce(function (all, x) { return all.concat(ringsOf(x)); }, []);
    }

    // A part with rings draws them; a "rest" part (the unit less its other parts) draws the
    // unit's outline with the other parts' rings as holes (SVG's even-odd fill).
    function partLayer(p, digits) {
      var rings;
      if (p.rest) {
        var unit = regionLayers()[p.id];
        if (!unit) { return null; }
        rings = ringsOf(unit.getLatLngs());
        Object.keys(parts[p.id] || {}).forEach(function (other) {
          rings = rings.concat(ringsOf(parts[p.id][other].getLatLngs()));
        });
      } else {
        rings = p.rings.map(function (poly) {
          return poly.map(function (r) { return A.decodeLine(r, digits); });
        });
      }
      var layer = L.polygon(rings, {className: "part part-" + p.id + " part-" + p.part,
        color: "#ffffff", weight: 0, fillColor: "#f4f4f4", fillOpacity: 0, interactive: false,
        fillRule: "evenodd", pane: pane("claimsParts", 390)});
      (parts[p.id] = parts[p.id] || {})[p.part] = layer;
      return layer;
    }

    function lineLayer(lines, digits) {
      return L.polyline(lines.map(function (l) { return A.decodeLine(l, digits); }),
        {className: "contact-line", color: "#000000", weight: 2.4, fill: false,
          interactive: false, pane: pane("claimsLine", 450)});
    }

    function applyParts(rid, info, path) {
      var pl = parts[rid] || {}, byPart = {};
      (info.p || []).forEach(function (x) { byPart[x[0]] = x[1]; });
      var useParts = (info.p || []).length > 1 && Object.keys(pl).length > 0;
      Object.keys(pl).forEach(function (part) {
        var pp = pl[part]._path;
        if (!pp) { return; }
        clearDisp(pp, ["on"]);
        if (useParts && byPart[part]) {
          pp.classList.add("disp-" + byPart[part]);
          pp.classList.add("on");
        }
      });
      if (useParts) { path.classList.add("has-parts"); }
    }

    A.apply = function (next) {
      var t0 = now();
      state = next;
      fit();
      var layers = regionLayers();
      Object.keys(layers).forEach(function (rid) {
        var layer = layers[rid], path = layer._path, info = state.regions[rid] || NONE;
        clearDisp(path, ["split", "highlight", "selected", "has-parts"]);
        info.d.forEach(function (d) { path.classList.add("disp-" + d); });
        applyParts(rid, info, path);
        path.style.fill = info.d.length > 1 ? "url(#" + split(info.d) + ")" : "";
        if (info.d.length > 1) { path.classList.add("split"); }
        if ((state.highlight || []).indexOf(rid) >= 0) { path.classList.add("highlight"); }
        if (state.selected === rid) { path.classList.add("selected"); }
        layer.unbindTooltip();
        layer.bindTooltip(tip(rid, lineOf(info)), {sticky: true});
      });
      var el = map.getContainer();
      el.setAttribute("data-proposal", state.proposal);
      drawLegend();
      A.timing.apply = now() - t0;
      return true;
    };

    A.applyId = function (pid) {
      var s = ALL[pid], cur = state || {};
      if (!s) { return false; }
      return A.apply(Object.assign({}, s, {highlight: cur.highlight || [],
        selected: cur.selected || null, asOf: cur.asOf || null}));
    };

    A.setOverlay = function (next) {
      var t0 = now(), el = map.getContainer();
      if ((overlay && overlay.key) === (next && next.key)) { return false; }
      overlayLayers.forEach(function (l) { map.removeLayer(l); });
      overlayLayers = [];
      parts = {};
      var credits = map.attributionControl;  // escaped text (render.map.leaflet_attribution)
      if (credits && overlay && overlay.attribution) {
        credits.removeAttribution(overlay.attribution);
      }
      overlay = next || null;
      if (credits && overlay && overlay.attribution) { credits.addAttribution(overlay.attribution); }
      if (overlay) {
        // Parts with rings first: a "rest" part is cut from them.
        overlay.parts.filter(function (p) { return !p.rest; })
          .concat(overlay.parts.filter(function (p) { return p.rest; }))
          .forEach(function (p) {
            var layer = partLayer(p, overlay.digits);
            if (layer) { overlayLayers.push(layer); }
          });
        if (overlay.line.length) { overlayLayers.push(lineLayer(overlay.line, overlay.digits)); }
        overlayLayers.forEach(function (l) { l.addTo(map); });
        el.setAttribute("data-overlay", overlay.key);
      } else {
        el.removeAttribute("data-overlay");
      }
      if (state) { A.apply(state); } else { drawLegend(); }
      A.timing.overlay = now() - t0;
      A.timing.overlays.push(A.timing.overlay);
      if (A.timing.overlays.length > 1000) { A.timing.overlays.shift(); }
      return true;
    };

    A.state = function () { return state; };
    A.overlay = function () { return overlay; };
    A.map = map;
    A.ready = true;
    return A;
  };

  A.timing = A.timing || {overlays: []};
})(window);
