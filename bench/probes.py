"""JavaScript the harness installs in every page it measures (via `add_init_script`).

All times are epoch milliseconds, `performance.timeOrigin + performance.now()`, so that the
top page and the map's iframe (same origin, different time origins) share one clock.

Top page (`window.__bench`):
  navStart        the top document's time origin (navigation start)
  readyAt         floor mode: first moment a markdown block reads exactly "ready"
  mapReadyAt      map mode: first moment the iframe has N `path.region`, each with a disp- class
  down, keys      pointerdown times / [key, time] of keydowns (event.timeStamp)
  ws              ["s"|"r", time, bytes, carriesClaimsApply] per WebSocket message (optional)
  iframeAt        when the map component's iframe element entered the page (map mode)
  frameDclAt      DOMContentLoaded of the map component's first document (map mode)
  longtasks       [start, duration] of main-thread tasks over 50 ms (Long Tasks API)
  frameDocs       how many component documents the probe was installed in (1 = never
                  re-created)
  states          [state, time] transitions of stApp's data-test-script-state
  expected        {proposal, regions: {id: [disp, ...]}, hitAt}: set by the harness before a
                  switch; the iframe records hitAt when every region's classes equal it
Map iframe: `window.__benchMatchNow()` says whether the classes equal `expected` right now;
`window.__benchCheck()` re-checks and returns hitAt (or mapReadyAt when nothing is
expected); a MutationObserver calls it on every class change, so the recorded time is the
end of the DOM update, before paint.
"""

from __future__ import annotations

import json

_SCRIPT = r"""
(() => {
  const CFG = __CFG__;
  const epoch = () => performance.timeOrigin + performance.now();
  const MAX = 200000;
  if (window === window.top) {
    const b = window.__bench = {navStart: performance.timeOrigin, down: [], keys: [], ws: [],
                                states: [], scan: false, expected: null};
    // event.timeStamp: when the input happened, even if the page was too busy to dispatch it
    const when = (e) => performance.timeOrigin + (e.timeStamp || performance.now());
    document.addEventListener("pointerdown", (e) => {
      if (b.down.length < MAX) b.down.push(when(e)); }, true);
    document.addEventListener("keydown", (e) => {
      if (b.keys.length < MAX) b.keys.push([e.key, when(e)]); }, true);
    if (CFG.wsProbe && window.WebSocket) {
      const Native = window.WebSocket;
      const size = (d) => d == null ? 0 : (d.byteLength ?? d.size ?? d.length ?? 0);
      const dec = new TextDecoder();
      class BenchWS extends Native {
        constructor(...args) {
          super(...args);
          this.addEventListener("message", (ev) => {
            const t = epoch();
            let apply = false;
            if ((b.scan || CFG.scanAll) && ev.data instanceof ArrayBuffer) {
              apply = dec.decode(ev.data).indexOf("\"state\",{") >= 0;
            }
            if (b.ws.length < MAX) { b.ws.push(["r", t, size(ev.data), apply]); }
          });
        }
        send(data) {
          if (b.ws.length < MAX) { b.ws.push(["s", epoch(), size(data), false]); }
          return super.send(data);
        }
      }
      window.WebSocket = BenchWS;
    }
    let lastState = null;
    const floorReady = () => {
      for (const el of document.querySelectorAll('[data-testid="stMarkdownContainer"]')) {
        if (el.textContent.trim() === "ready") { return true; }
      }
      return false;
    };
    const note = (s) => {
      if (s !== lastState && b.states.length < MAX) { lastState = s; b.states.push([s, epoch()]); }
    };
    const onTop = (records) => {
      // A busy page delivers several changes in one callback: a short rerun's "running"
      // survives only as the oldValue of the next record, so replay them in order.
      const changes = (records || []).filter((r) => r.attributeName === "data-test-script-state");
      changes.slice(1).forEach((r) => note(r.oldValue));
      const app = document.querySelector('[data-testid="stApp"]');
      note(app ? app.getAttribute("data-test-script-state") : null);
      if (CFG.mode === "floor" && !b.readyAt && floorReady()) { b.readyAt = epoch(); }
      if (CFG.mode === "map" && !b.iframeAt && document.querySelector(
          'iframe[title="streamlit_folium.st_folium"]')) { b.iframeAt = epoch(); }
    };
    b.longtasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          if (b.longtasks.length < MAX) {
            b.longtasks.push([performance.timeOrigin + e.startTime, e.duration]);
          }
        }
      }).observe({type: "longtask", buffered: true});
    } catch (e) { /* no long task timing */ }
    new MutationObserver(onTop).observe(document, {subtree: true, childList: true,
      attributes: true, attributeFilter: ["data-test-script-state"], attributeOldValue: true,
      characterData: CFG.mode === "floor"});
    return;
  }
  if (CFG.mode !== "map") { return; }
  // The component's iframe starts as about:blank and navigates to the component; Chromium
  // keeps the same Window for that navigation (and Playwright runs init scripts only once),
  // so install on DOMContentLoaded of the component's document.
  const isMap = () => location.pathname.indexOf("streamlit_folium") >= 0;
  const install = () => {
    if (!isMap() || window.__benchDoc === document) { return; }
    let top;
    try { top = window.top.__bench; } catch (e) { return; }
    if (!top) { return; }
    window.__benchDoc = document;
    top.frameDocs = (top.frameDocs || 0) + 1;
    if (!top.frameDclAt) { top.frameDclAt = epoch(); }
    const scan = () => {
      const out = {};
      let withDisp = 0, n = 0;
      for (const p of document.querySelectorAll("path.region")) {
        n += 1;
        let rid = null;
        const ds = [];
        for (const c of p.classList) {
          if (c.startsWith("region-")) { rid = c.slice(7); }
          else if (c.startsWith("disp-")) { ds.push(c.slice(5)); }
        }
        if (ds.length) { withDisp += 1; }
        if (rid) { out[rid] = ds.sort(); }
      }
      return {n, withDisp, regions: out};
    };
    const same = (a, b) => a && b && a.length === b.length && a.every((x, i) => x === b[i]);
    const matches = (exp, got) => {
      const want = Object.keys(exp.regions);
      if (Object.keys(got.regions).length !== want.length) { return false; }
      for (const rid of want) { if (!same(got.regions[rid], exp.regions[rid])) { return false; } }
      const box = document.querySelector(".leaflet-container[data-proposal]");
      return !box || box.getAttribute("data-proposal") === exp.proposal;
    };
    window.__benchMatchNow = () => !!(top.expected && matches(top.expected, scan()));
    window.__benchCheck = () => {
      const now = epoch();
      const got = scan();
      if (!top.mapReadyAt && got.n >= CFG.regions && got.withDisp === got.n) {
        top.mapReadyAt = now;
      }
      const exp = top.expected;
      if (exp && !exp.hitAt && matches(exp, got)) { exp.hitAt = now; }
      return exp ? (exp.hitAt || null) : (top.mapReadyAt || null);
    };
    new MutationObserver(() => window.__benchCheck()).observe(document, {subtree: true,
      childList: true, attributes: true, attributeFilter: ["class", "data-proposal"]});
    window.__benchCheck();
  };
  if (isMap()) { install(); }
  window.addEventListener("DOMContentLoaded", install);
})();
"""


def init_script(mode: str, regions: int = 27, ws_probe: bool = False,
                scan_all: bool = False) -> str:
    """The probe for a context: mode "floor" (wait for "ready") or "map" (wait for the map).

    ws_probe logs WebSocket messages; scan_all also flags, from the first message on, those
    that carry the selection script (render.map.page_script: `"state",{`);
    otherwise only while `scan` is set.
    """
    if mode not in ("floor", "map"):
        raise ValueError(mode)
    cfg = json.dumps({"mode": mode, "regions": regions, "wsProbe": ws_probe,
                      "scanAll": scan_all})
    return _SCRIPT.replace("__CFG__", cfg)


READY = "() => (window.__bench && (window.__bench.readyAt || window.__bench.mapReadyAt)) || null"
CHECK = "() => (window.__benchCheck ? window.__benchCheck() : null)"
IDLE = """() => { const a = document.querySelector('[data-testid="stApp"]');
  return !!a && a.getAttribute('data-test-script-state') !== 'running'; }"""
# Not running, and no script-state change for `quiet` ms (a page load may rerun once more
# when a component reports its first value; typing into a widget then would be lost).
SETTLED = """(quiet) => { const b = window.__bench, s = b.states;
  const a = document.querySelector('[data-testid="stApp"]');
  if (!a || a.getAttribute('data-test-script-state') === 'running' || !s.length) {
    return false; }
  return performance.timeOrigin + performance.now() - s[s.length - 1][1] >= quiet; }"""
# A rerun that started at or after `since` (epoch ms) has finished.
RERUN_DONE = """(want) => { const b = window.__bench;
  const a = document.querySelector('[data-testid="stApp"]');
  if (!a || a.getAttribute('data-test-script-state') === 'running') { return false; }
  // Seen running since the click; or, as a loaded page may render a short rerun's running
  // and finished states in one go, the URL names the proposal (only a rerun writes it).
  const started = b.states.some(x => x[0] === 'running' && x[1] >= want.since);
  const param = new URLSearchParams(location.search).get('proposal');
  return started || (want.proposal !== null && param === want.proposal); }"""
