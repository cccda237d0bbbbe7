/* claims-atlas static site: the page around the map core (atlas.js) on a static host.
 *
 * Loads data/geo.json and data/atlas.json (render/site.py: site_data), draws the Leaflet map
 * with the app's styles, hands it to claimsAtlas.init and switches proposals in place with
 * claimsAtlas.applyId. Every catalog string reaches the DOM through textContent; links take
 * only http(s) URLs, as attributes. The URL names the view with the app's parameters:
 * `proposal`, `region`, `compare` (on compare/).
 *
 *   claimsAtlas.site.start()    reads <body data-page="atlas|compare|embed"> and runs it
 *   claimsAtlas.site.timing     {data: ms, firstApply: ms, switch: ms, filter: ms}
 */
(function (root) {
  "use strict";
  var NS = root.claimsAtlas = root.claimsAtlas || {};
  var S = NS.site = NS.site || {};
  var PAGE = 60;  // statements drawn at once, as the app's TIMELINE_PAGE
  S.timing = {};

  function now() { return root.performance ? root.performance.now() : Date.now(); }

  function el(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }

  function httpUrl(u) { return typeof u === "string" && /^https?:\/\/[^\s/]+/i.test(u); }

  function link(href, text, parent) {
    var a = el("a", null, text, parent);
    if (httpUrl(href)) {
      a.setAttribute("href", href);
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener noreferrer");
    }
    return a;
  }

  function option(select, value, label) {
    var o = el("option", null, label, select);
    o.value = value;
    return o;
  }

  // -- data -------------------------------------------------------------------------------

  function getJSON(path) {
    return root.fetch(path).then(function (r) {
      if (!r.ok) { throw new Error(path + ": HTTP " + r.status); }
      return r.json();
    });
  }

  function index(D) {
    D.byId = {};
    D.proposals.forEach(function (p) { D.byId[p.id] = p; });
    D.regionById = {};
    D.regions.forEach(function (r) { D.regionById[r.id] = r; });
    D.order = D.proposals.map(function (p) { return p.id; });
    return D;
  }

  // -- URL (the app's parameters) ---------------------------------------------------------

  function params() { return new root.URLSearchParams(root.location.search); }

  function writeUrl(values) {
    var q = params();
    Object.keys(values).forEach(function (k) {
      if (values[k] === null || values[k] === undefined) { q.delete(k); } else { q.set(k, values[k]); }
    });
    var s = q.toString();
    root.history.replaceState(null, "", root.location.pathname + (s ? "?" + s : ""));
  }

  // query.fold: lower case, no accents, letters, digits and spaces only.
  S.fold = function (text) {
    return String(text).normalize("NFKD").toLowerCase().replace(/\p{M}/gu, "")
      .replace(/[^\p{L}\p{N} ]/gu, "").trim();
  };

  // query.find_regions: exact name matches, else names containing the text; groups expand.
  S.findRegions = function (D, text) {
    var needle = S.fold(text);
    if (!needle) { return []; }
    function matches(hit) {
      var out = [];
      D.names.forEach(function (entry) {
        if (entry[0].some(hit)) {
          entry[1].forEach(function (id) { if (out.indexOf(id) < 0) { out.push(id); } });
        }
      });
      return out;
    }
    var exact = matches(function (k) { return k === needle; });
    return exact.length ? exact : matches(function (k) { return k.indexOf(needle) >= 0; });
  };

  function findRegion(D, text) {
    if (D.regionById[text]) { return text; }
    var found = S.findRegions(D, text);
    return found.length ? found[0] : null;
  }

  // The view the URL names, unknown values replaced by the default with the app's notices.
  function readView(D) {
    var q = params(), notices = [], view = {proposal: D.default, region: null, compare: null};
    var p = (q.get("proposal") || "").trim(), r = (q.get("region") || "").trim();
    var c = (q.get("compare") || "").trim();
    if (p) {
      if (D.byId[p]) { view.proposal = p; } else {
        notices.push("Unknown proposal '" + p + "' in the link: showing " +
          (D.byId[D.default] ? D.byId[D.default].title : "nothing") + ".");
      }
    }
    if (r) {
      view.region = findRegion(D, r);
      if (!view.region) { notices.push("Unknown region '" + r + "' in the link: no region selected."); }
    }
    if (c) {
      if (D.byId[c]) { view.compare = c; } else {
        notices.push("Unknown proposal '" + c + "' to compare with: comparison off.");
      }
    }
    if ((q.get("mode") || "").trim() === "present" || q.get("deck")) {
      notices.push("Present mode is in the live app only: showing the map.");
    }
    // control= (and date=, the page's date in the app): the site carries one snapshot a
    // month, so a day it lacks shows the nearest earlier one it has, and says so.
    var ctl = (q.get("control") || "").trim(), day = (q.get("date") || "").trim();
    view.control = null;
    if (ctl || day) {
      var steps = D.control ? D.control.steps : [];
      var cut = ctl.lastIndexOf("/");
      var slug = cut > 0 ? ctl.slice(0, cut).toLowerCase() : null;
      var want = /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : ctl.slice(cut + 1);
      var earlier = steps.filter(function (st) {
        return (!slug || st.key.slice(0, st.key.lastIndexOf("/")) === slug) && st.date <= want;
      });
      if (earlier.length) {
        var at = earlier[earlier.length - 1];  // steps run by date
        view.control = at.key;
        if (at.date !== want) {
          notices.push("This site carries the line of contact of the last day of each " +
            "month: showing " + at.date + ", the nearest on or before " + want + ".");
        }
      } else if (steps.length) {
        notices.push("Control snapshot '" + (ctl || day) + "' is not in this site: showing " +
          "no line of contact.");
      } else {
        notices.push("The line of contact (control=) is in the live app only: showing no line.");
      }
    }
    view.notices = notices;
    return view;
  }

  function showNotices(list) {
    var box = document.getElementById("notices");
    if (!box) { return; }
    clear(box);
    list.forEach(function (m) { el("li", null, m, box); });
  }

  // -- the map ----------------------------------------------------------------------------

  function drawMap(D, G, container, onRegionClick) {
    var cfg = D.map, styles = cfg.styles;
    var map = root.L.map(container, {center: cfg.centre, zoom: 6, minZoom: 5, maxZoom: 10,
      zoomSnap: 0.25, keyboard: false, attributionControl: true});
    root.L.control.scale().addTo(map);
    root.L.geoJSON(G.neighbours, {interactive: false,
      style: function () { return styles.neighbour; }}).addTo(map);
    var regions = root.L.geoJSON(G.regions, {style: function (f) {
      return Object.assign({}, styles.region, {className: "region region-" + f.properties.id});
    }});
    if (onRegionClick) {
      regions.on("click", function (e) {
        var id = e.layer && e.layer.feature && e.layer.feature.properties.id;
        if (id) { onRegionClick(id); }
      });
    }
    regions.addTo(map);
    map.fitBounds(cfg.bounds, {padding: [4, 4], animate: false});
    var A = NS.init(map, cfg);
    // atlas.js marks the map as the main landmark of its own frame (the app's map document);
    // here it sits inside the page's <main>: a named region, its heading a level down.
    var box = map.getContainer(), h = box.querySelector("h1.claims-sr");
    box.setAttribute("role", "region");
    if (h) {
      var h2 = el("h2", h.className, h.textContent);
      box.replaceChild(h2, h);
    }
    return A;
  }

  // The map states now in force: the catalog's, or those fitted to the control snapshot
  // shown (data/control/<key>.json).
  function stateFor(D, pid, extra) {
    return Object.assign({}, (S.states || D.map.states)[pid], extra || {});
  }

  // -- pieces of text -----------------------------------------------------------------------

  function swatch(D, d, parent) {
    var v = D.map.vocab[d] || D.map.vocab.not_addressed;
    var s = el("span", "swatch", null, parent);
    s.setAttribute("aria-hidden", "true");
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", "27");
    svg.setAttribute("height", "18");
    var rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    rect.setAttribute("width", "27");
    rect.setAttribute("height", "18");
    rect.setAttribute("fill", "url(#pat-" + d + ")");
    svg.appendChild(rect);
    s.style.backgroundColor = v.colour;
    s.appendChild(svg);
    return s;
  }

  function evidenceItem(ev, parent) {
    var span = el("span", "ev", "\u201c" + ev.quote + "\u201d \u2014 ", parent);
    if (ev.document) {
      el("span", null, "source document (" + ev.document + ")", span);
    } else {
      if (ev.url) { link(ev.url, ev.outlet || "source", span); } else {
        el("span", null, ev.outlet || "source", span);
      }
      if (ev.via) { span.appendChild(document.createTextNode(" via " + ev.via)); }
      if (ev.state_media) {
        span.appendChild(document.createTextNode(" "));
        el("span", "state-media", "state media", span);
      }
      if (ev.date) { span.appendChild(document.createTextNode(", " + ev.date)); }
    }
    if (ev.note) { span.appendChild(document.createTextNode(" ")); el("span", "note", "(" + ev.note + ")", span); }
    return span;
  }

  function evidenceList(list, parent) {
    if (!list || !list.length) { return null; }
    var ul = el("ul", "evidence", null, parent);
    list.forEach(function (ev) { evidenceItem(ev, el("li", null, null, ul)); });
    return ul;
  }

  function legend(D, ids, title, box) {
    clear(box);
    el("h3", null, title, box);
    ids.forEach(function (d) {
      var row = el("div", "legend-row", null, box), v = D.dispositions[d];
      row.setAttribute("data-disp", d);
      swatch(D, d, row);
      var t = el("span", null, null, row);
      el("b", null, v.label, t);
      el("br", null, null, t);
      el("small", null, v.definition, t);
    });
  }

  function proposalHeader(D, pid, box, level) {
    var p = D.byId[pid];
    clear(box);
    box.setAttribute("data-proposal", pid);
    el(level || "h2", null, p.title, box);
    var meta = el("p", "meta", null, box);
    el("span", "status", p.status, meta);
    meta.appendChild(document.createTextNode(" \u00b7 " + p.sponsor + " \u00b7 " + p.date));
    if (p.lineage.length) {
      meta.appendChild(document.createTextNode(" \u00b7 " + p.lineage.map(function (x) {
        return x[0] + " " + D.byId[x[1]].title;
      }).join("; ")));
    }
    el("p", null, p.summary, box);
    var det = el("details", null, null, box);
    el("summary", null, "Sources for this proposal", det);
    evidenceList(p.evidence, det);
  }

  function shownBlock(D, list, parent) {
    list.forEach(function (s) {
      var box = el("div", "shown", null, parent);
      swatch(D, s.d, box);
      box.appendChild(document.createTextNode(" "));
      if (s.part !== "whole") { el("span", "part", D.map.parts[s.part] + ": ", box); }
      el("b", null, D.dispositions[s.d].label, box);
      el("p", null, s.summary, box);
      if (s.conditions) { el("p", "conditions", "Conditions: " + s.conditions.join("; "), box); }
      if (s.readings) {
        var dis = el("div", "disputed", null, box);
        el("span", "tag", "disputed", dis);
        dis.appendChild(document.createTextNode(" sources disagree:"));
        var ul = el("ul", null, null, dis);
        s.readings.forEach(function (r) {
          var li = el("li", null, r.summary + (r.short ? " (" + r.short + ")" : ""), ul);
          evidenceList(r.evidence, li);
        });
      }
      if (s.touched) { evidenceList(s.evidence, box); } else {
        el("p", "note", "No provision in this proposal.", box);
      }
    });
  }

  function regionDetail(D, rid, current, box) {
    clear(box);
    if (!rid) {
      el("p", "caption", "Click a region on the map (or pick it under Region detail) to see " +
        "what every proposal says about it.", box);
      return;
    }
    var r = D.regionById[rid];
    var wrap = el("div", "region-detail", null, box);
    wrap.setAttribute("data-region", rid);
    var h = el("h2", null, r.en + " \u00b7 " + r.uk + " \u00b7 " + r.ru + " ", wrap);
    el("small", null, "(" + rid + ")", h);
    var tb = el("tbody", null, null, el("table", "detail", null, wrap));
    D.proposals.forEach(function (p) {
      var tr = el("tr", p.id === current ? "current" : null, null, tb);
      tr.setAttribute("data-proposal", p.id);
      var th = el("th", null, p.title, tr);
      th.setAttribute("scope", "row");
      el("br", null, null, th);
      el("small", null, p.date + " \u00b7 " + p.status, th);
      shownBlock(D, D.shown[p.id][rid], el("td", null, null, tr));
    });
  }

  // -- the timeline (query.StatementFilter / query.statements, in the browser) -------------

  function statementItem(s, parent) {
    var li = el("li", "statement stance-" + s.stance, null, parent);
    li.id = "st-" + s.id;
    li.setAttribute("data-statement", s.id);
    var when = el("div", "when", s.when, li);
    if (s.note) { when.appendChild(document.createTextNode(" ")); el("span", "note", "(" + s.note + ")", when); }
    var who = el("div", "who", null, li);
    el("b", null, s.speaker, who);
    who.appendChild(document.createTextNode(", " + s.role + (s.affiliation ? " (" + s.affiliation + ")" : "") +
      (s.venue ? " \u00b7 " + s.venue : "") + " "));
    el("span", "stance", s.stance, who);
    if (s.quote !== null && s.quote !== undefined) {
      el("blockquote", "quote", "\u201c" + s.quote + "\u201d", li);
    } else {
      var para = el("p", "paraphrase", null, li);
      el("span", "tag", "paraphrase", para);
      para.appendChild(document.createTextNode(" " + s.paraphrase));
    }
    if (s.concerns.length) { el("p", "concerns", "Concerns: " + s.concerns.join(", "), li); }
    evidenceList(s.evidence, li);
  }

  S.filterStatements = function (statements, f) {
    var kept = statements.filter(function (s) {
      return (!f.start || s.iso >= f.start) && (!f.end || s.iso <= f.end) &&
        (!f.speakers.length || s.names.some(function (n) { return f.speakers.indexOf(n) >= 0; })) &&
        (!f.region || s.regions.indexOf(f.region) >= 0) &&
        (!f.proposal || s.proposals.indexOf(f.proposal) >= 0);
    });
    kept.sort(function (a, b) {
      var ka = a.iso + "\u0000" + a.id, kb = b.iso + "\u0000" + b.id;
      var c = ka < kb ? -1 : ka > kb ? 1 : 0;
      return f.newestFirst ? -c : c;
    });
    return kept;
  };

  // The timeline's filters in the URL, as the app's state.read_timeline: tl_from, tl_to,
  // tl_speaker (repeatable, the English name), tl_region, tl_proposal, tl_order=oldest.
  // Unknown values are dropped with the app's notices.
  var TL_KEYS = ["tl_from", "tl_to", "tl_speaker", "tl_region", "tl_proposal", "tl_order"];

  function readTimeline(D, notices) {
    var q = params(), t = {start: null, end: null, speakers: [], region: null,
      proposal: null, newestFirst: true};
    ["tl_from", "tl_to"].forEach(function (k) {
      var v = (q.get(k) || "").trim();
      if (!v) { return; }
      var d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(v + "T00:00:00Z") : null;
      if (d && !isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v) {
        t[k === "tl_from" ? "start" : "end"] = v;
      } else { notices.push("'" + v + "' in the link is not a date (YYYY-MM-DD): filter off."); }
    });
    q.getAll("tl_speaker").forEach(function (v) {
      if (D.speakers.indexOf(v) >= 0) { t.speakers.push(v); } else {
        notices.push("No statement in the catalog is by '" + v + "': speaker filter dropped.");
      }
    });
    var r = (q.get("tl_region") || "").trim(), p = (q.get("tl_proposal") || "").trim();
    var o = (q.get("tl_order") || "").trim();
    if (r) {
      if (D.regionById[r]) { t.region = r; } else {
        notices.push("Unknown region '" + r + "' in the timeline filter: filter off.");
      }
    }
    if (p) {
      if (D.byId[p]) { t.proposal = p; } else {
        notices.push("Unknown proposal '" + p + "' in the timeline filter: filter off.");
      }
    }
    if (o && o !== "newest") {
      if (o === "oldest") { t.newestFirst = false; } else {
        notices.push("Unknown order '" + o + "': newest first.");
      }
    }
    return t;
  }

  function writeTimeline(t, first, last) {
    var q = params();
    TL_KEYS.forEach(function (k) { q.delete(k); });
    if (t.start && t.start !== first) { q.set("tl_from", t.start); }
    if (t.end && t.end !== last) { q.set("tl_to", t.end); }
    t.speakers.forEach(function (s) { q.append("tl_speaker", s); });
    if (t.region) { q.set("tl_region", t.region); }
    if (t.proposal) { q.set("tl_proposal", t.proposal); }
    if (!t.newestFirst) { q.set("tl_order", "oldest"); }
    var s = q.toString();
    root.history.replaceState(null, "", root.location.pathname + (s ? "?" + s : ""));
  }

  function timeline(D, notices) {
    var from = document.getElementById("tl-from"), to = document.getElementById("tl-to");
    var who = document.getElementById("tl-speakers"), reg = document.getElementById("tl-region");
    var prop = document.getElementById("tl-proposal"), list = document.getElementById("timeline");
    var count = document.getElementById("tl-count"), more = document.getElementById("tl-more");
    var dates = D.statements.map(function (s) { return s.iso; }).sort();
    if (dates.length) {
      from.value = from.min = to.min = dates[0];
      to.value = from.max = to.max = dates[dates.length - 1];
    }
    D.speakers.forEach(function (s) { option(who, s, s); });
    option(reg, "", "\u2014 any \u2014");
    D.regions.slice().sort(function (a, b) { return a.id < b.id ? -1 : 1; }).forEach(function (r) {
      option(reg, r.id, r.en + " \u00b7 " + r.uk + " \u00b7 " + r.ru);
    });
    option(prop, "", "\u2014 any \u2014");
    D.proposals.forEach(function (p) { option(prop, p.id, p.title); });
    var limit = PAGE, shown = [], first = dates[0] || null, last = dates[dates.length - 1] || null;
    var linked = readTimeline(D, notices || []);
    if (linked.start) { from.value = linked.start; }
    if (linked.end) { to.value = linked.end; }
    Array.prototype.forEach.call(who.options, function (o) {
      o.selected = linked.speakers.indexOf(o.value) >= 0;
    });
    reg.value = linked.region || "";
    prop.value = linked.proposal || "";
    document.querySelectorAll("input[name=tl-order]").forEach(function (c) {
      c.checked = c.value === (linked.newestFirst ? "newest" : "oldest");
    });
    var box = document.getElementById("tl-filters");
    if (box && (linked.start || linked.end || linked.speakers.length || linked.region ||
        linked.proposal || !linked.newestFirst)) { box.open = true; }

    function current() {
      var order = document.querySelector("input[name=tl-order]:checked");
      return {start: from.value || null, end: to.value || null,
        speakers: Array.prototype.filter.call(who.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; }),
        region: reg.value || null, proposal: prop.value || null,
        newestFirst: !order || order.value === "newest"};
    }

    function draw() {
      clear(list);
      if (!shown.length) { el("p", "timeline-empty", "No statement matches these filters.", list); }
      shown.slice(0, limit).forEach(function (s) { statementItem(s, list); });
      count.textContent = shown.length + " of " + D.statements.length + " statements" +
        (shown.length > limit ? " \u00b7 showing the first " + limit : "");
      more.hidden = shown.length <= limit;
      more.textContent = "Show " + Math.min(PAGE, shown.length - limit) + " more";
    }

    function refilter(event) {
      var t0 = now(), f = current();
      if (event) { writeTimeline(f, first, last); }
      shown = S.filterStatements(D.statements, f);
      limit = PAGE;
      draw();
      S.timing.filter = now() - t0;
    }
    [from, to, who, reg, prop].forEach(function (c) { c.addEventListener("change", refilter); });
    document.querySelectorAll("input[name=tl-order]").forEach(function (c) {
      c.addEventListener("change", refilter);
    });
    more.addEventListener("click", function () { limit += PAGE; draw(); });
    refilter();
  }

  // -- pages --------------------------------------------------------------------------------

  function atlasPage(D, G) {
    document.getElementById("view-map").hidden = false;
    document.getElementById("nav-map").setAttribute("aria-current", "page");
    var view = readView(D), pid = view.proposal, rid = view.region;
    var picker = document.getElementById("picker"), regionSel = document.getElementById("region-select");
    var A, shownKey = null, loaded = {};

    // The date slider over the control snapshots the site carries (render.site
    // control_history): each step's overlay and states load once, on demand.
    function showControl(key, fromUser) {
      if (!key) {
        shownKey = null;
        S.states = null;
        A.setOverlay(null);
        A.apply(stateFor(D, pid, {selected: rid, highlight: []}));
        update(fromUser !== false);
        return Promise.resolve(null);
      }
      var step = D.control.steps.filter(function (st) { return st.key === key; })[0];
      var got = loaded[key] || (loaded[key] = getJSON(step.file));
      return got.then(function (o) {
        shownKey = key;
        S.states = o.states;
        A.setOverlay(o.overlay);
        A.apply(stateFor(D, pid, {selected: rid, highlight: []}));
        document.getElementById("control-date").textContent = step.date;
        document.getElementById("control-credit").textContent = step.credit;
        update(fromUser !== false);
        return key;
      });
    }

    function controlBox(initial) {
      var box = document.getElementById("control");
      if (!D.control || !D.control.steps.length) { return; }
      box.hidden = false;
      var on = document.getElementById("control-on"), slider = document.getElementById("control-slider");
      var steps = D.control.steps;
      slider.min = 0;
      slider.max = steps.length - 1;
      var at = initial ? steps.map(function (st) { return st.key; }).indexOf(initial) : steps.length - 1;
      slider.value = at;
      on.checked = !!initial;
      slider.disabled = !initial;
      document.getElementById("control-date").textContent = steps[at].date;
      function current() { return on.checked ? steps[Number(slider.value)].key : null; }
      on.addEventListener("change", function () { slider.disabled = !on.checked; showControl(current()); });
      slider.addEventListener("input", function () {
        document.getElementById("control-date").textContent = steps[Number(slider.value)].date;
        if (on.checked) { showControl(current()); }
      });
      if (initial) { showControl(initial, false); }
    }

    function update(fromUser) {
      writeUrl({proposal: pid, region: rid, compare: null, control: shownKey});
      document.getElementById("nav-compare").setAttribute("href", "compare/?" +
        new root.URLSearchParams({proposal: pid}).toString());
      proposalHeader(D, pid, document.getElementById("proposal-header"));
      legend(D, D.byId[pid].legend, "What the colours mean", document.getElementById("legend"));
      regionDetail(D, rid, pid, document.getElementById("detail"));
      regionSel.value = rid || "";
      if (fromUser) { showNotices([]); }
    }

    function pick(next) {
      var t0 = now();
      pid = next;
      A.apply(stateFor(D, pid, {selected: rid, highlight: []}));
      S.timing.switch = now() - t0;
      update(true);
    }

    function select(next) {
      rid = next;
      A.apply(stateFor(D, pid, {selected: rid, highlight: []}));
      update(true);
    }

    D.proposals.forEach(function (p) {
      var lab = el("label", null, null, picker), input = el("input", null, null, lab);
      input.type = "radio";
      input.name = "proposal";
      input.value = p.id;
      input.checked = p.id === pid;
      el("span", null, p.title, lab);
      input.addEventListener("change", function () { if (input.checked) { pick(p.id); } });
    });
    option(regionSel, "", "\u2014 none \u2014");
    D.regions.slice().sort(function (a, b) { return a.id < b.id ? -1 : 1; }).forEach(function (r) {
      option(regionSel, r.id, r.en + " \u00b7 " + r.uk + " \u00b7 " + r.ru);
    });
    regionSel.addEventListener("change", function () { select(regionSel.value || null); });
    var search = document.getElementById("region-search");
    search.addEventListener("change", function () {
      if (!search.value.trim()) { return; }
      var found = S.findRegions(D, search.value);
      if (found.length) { select(found[0]); } else {
        showNotices(["No region is called '" + search.value.trim() + "'."]);
      }
    });
    document.getElementById("attribution").textContent = D.attribution + " " + D.credit;
    var t0 = now();
    A = drawMap(D, G, document.getElementById("map"), function (id) {
      picker.querySelectorAll("input").forEach(function (i) { i.checked = i.value === pid; });
      select(id);
    });
    A.apply(stateFor(D, pid, {selected: rid, highlight: []}));
    S.timing.firstApply = now() - t0;
    update(false);
    timeline(D, view.notices);
    showNotices(view.notices);
    controlBox(view.control);
  }

  function comparePage(D) {
    document.getElementById("view-compare").hidden = false;
    document.getElementById("nav-compare").setAttribute("aria-current", "page");
    var view = readView(D), a = view.proposal;
    var revised = D.byId[a].lineage.filter(function (x) { return x[0] === "revised by"; });
    var b = view.compare || (revised.length ? revised[0][1] : D.order[D.order.length - 1]);
    var selA = document.getElementById("cmp-a"), selB = document.getElementById("cmp-b");
    D.proposals.forEach(function (p) { option(selA, p.id, p.title); option(selB, p.id, p.title); });
    selA.value = a;
    selB.value = b;
    var only = document.getElementById("cmp-only");  // the app's changes=only
    only.checked = (params().get("changes") || "").trim() === "only";
    var frames = {a: document.getElementById("cmp-map-a"), b: document.getElementById("cmp-map-b")};

    function rows() {
      return D.regions.filter(function (r) {
        return D.shown[a][r.id].concat(D.shown[b][r.id]).some(function (s) { return s.touched; });
      }).map(function (r) {
        var key = function (l) { return l.map(function (s) { return s.part + "/" + s.d; }).join(","); };
        return {region: r, changed: key(D.shown[a][r.id]) !== key(D.shown[b][r.id])};
      });
    }

    function applyIn(frame, pid, highlight) {
      var w = frame.contentWindow;
      if (w && w.claimsAtlas && w.claimsAtlas.ready) {
        w.claimsAtlas.apply(stateFor(D, pid, {highlight: highlight, selected: null}));
      } else {
        frame.setAttribute("data-pending", pid);
      }
    }

    function update() {
      writeUrl({proposal: a, compare: b, region: null, changes: only.checked ? "only" : null});
      document.getElementById("nav-map").setAttribute("href", "./?" +
        new root.URLSearchParams({proposal: a}).toString());
      var rs = rows(), changed = rs.filter(function (r) { return r.changed; });
      var hl = changed.map(function (r) { return r.region.id; });
      var chain = D.byId[a].versions;
      document.getElementById("cmp-versions").textContent = chain.length > 1
        ? "Versions of this plan: " + chain.map(function (p) { return D.byId[p].label; }).join(" \u2192 ")
        : "";
      document.getElementById("cmp-summary").textContent = changed.length + " of " + rs.length +
        " regions touched by either proposal change: " +
        (changed.map(function (r) { return r.region.en; }).join(", ") || "none");
      proposalHeader(D, a, document.getElementById("cmp-head-a"), "h3");
      proposalHeader(D, b, document.getElementById("cmp-head-b"), "h3");
      var used = [];
      [a, b].forEach(function (p) { D.byId[p].legend.forEach(function (d) { if (used.indexOf(d) < 0) { used.push(d); } }); });
      legend(D, Object.keys(D.dispositions).filter(function (d) { return used.indexOf(d) >= 0; }),
        "What the colours mean", document.getElementById("cmp-legend"));
      document.getElementById("cmp-th-a").textContent = D.byId[a].title;
      document.getElementById("cmp-th-b").textContent = D.byId[b].title;
      var tb = clear(document.querySelector("#compare tbody"));
      rs.forEach(function (r) {
        var tr = el("tr", r.changed ? "changed" : "same", null, tb);
        tr.hidden = only.checked && !r.changed;
        tr.setAttribute("data-region", r.region.id);
        var th = el("th", null, r.region.en, tr);
        th.setAttribute("scope", "row");
        if (r.changed) { th.appendChild(document.createTextNode(" ")); el("span", "tag", "changed", th); }
        shownBlock(D, D.shown[a][r.region.id], el("td", null, null, tr));
        shownBlock(D, D.shown[b][r.region.id], el("td", null, null, tr));
      });
      applyIn(frames.a, a, hl);
      applyIn(frames.b, b, hl);
      S.highlight = hl;
    }
    selA.addEventListener("change", function () { a = selA.value; showNotices([]); update(); });
    selB.addEventListener("change", function () { b = selB.value; showNotices([]); update(); });
    only.addEventListener("change", update);
    S.onFrameReady = function (w) {
      Object.keys(frames).forEach(function (k) {
        if (frames[k].contentWindow === w) { applyIn(frames[k], k === "a" ? a : b, S.highlight || []); }
      });
    };
    update();
    // The maps load only here: hidden on the map view, they would cost its first paint.
    frames.a.src = frames.b.src = "embed.html?bare=1";
    showNotices(view.notices);
  }

  function embedPage(D, G) {
    var q = params(), bare = q.get("bare") === "1";
    if (bare) { document.body.classList.add("bare"); }
    var view = readView(D), pid = view.proposal;
    var sel = document.getElementById("proposal-select"), full = document.getElementById("full-link");
    D.proposals.forEach(function (p) { option(sel, p.id, p.title); });
    sel.value = pid;

    function update() {
      if (!bare) { writeUrl({proposal: pid}); }
      full.setAttribute("href", "index.html?" + new root.URLSearchParams({proposal: pid}).toString());
      var src = clear(document.getElementById("sources"));
      src.appendChild(document.createTextNode("Sources: "));
      var p = D.byId[pid], n = 0;
      p.evidence.forEach(function (ev) {
        if (n) { src.appendChild(document.createTextNode("; ")); }
        n += 1;
        if (ev.url) { link(ev.url, ev.outlet || "source", src); } else {
          src.appendChild(document.createTextNode(ev.outlet || ("document " + ev.document)));
        }
        if (ev.date) { src.appendChild(document.createTextNode(", " + ev.date)); }
      });
      if (!n) { src.appendChild(document.createTextNode("see the full atlas")); }
    }
    sel.addEventListener("change", function () {
      var t0 = now();
      pid = sel.value;
      A.applyId(pid);
      S.timing.switch = now() - t0;
      update();
    });
    document.getElementById("attribution").textContent = D.attribution + " " + D.credit;
    var A = drawMap(D, G, document.getElementById("map"), null);
    A.apply(stateFor(D, pid, {selected: null, highlight: []}));
    update();
    var parentSite = root.parent !== root && root.parent.claimsAtlas && root.parent.claimsAtlas.site;
    if (parentSite && parentSite.onFrameReady) { parentSite.onFrameReady(root); }
  }

  S.start = function () {
    var page = document.body.getAttribute("data-page"), t0 = now();
    var wantGeo = page !== "compare";
    Promise.all([getJSON("data/atlas.json"), wantGeo ? getJSON("data/geo.json") : null])
      .then(function (got) {
        S.timing.data = now() - t0;
        var D = index(got[0]);
        S.data = D;
        if (page === "embed") { embedPage(D, got[1]); } else if (page === "compare") {
          comparePage(D);
        } else { atlasPage(D, got[1]); }
        document.body.setAttribute("data-ready", "1");
      })
      .catch(function (err) {
        showNotices(["The atlas could not load its data: " + err.message]);
        document.body.setAttribute("data-error", "1");
      });
  };

  S.start();
})(window);
