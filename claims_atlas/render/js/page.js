/* The page around the maps: keeps, per map key, what the map shows (the selection, and
 * which control overlay) and the overlays the page has been given, and applies them at
 * once in the living map, or leaves them for the map to take as it draws (frame.js).
 * Nothing is rebuilt: the map's frame and Leaflet map stay.
 *
 *   claimsAtlas.put(selector, key, "state", state)    render.map.map_state
 *   claimsAtlas.put(selector, key, "show", overlayKey) which stored overlay to draw (null:
 *                                                     none); drawn when it is stored
 *   claimsAtlas.store(selector, key, overlay)         render.map.overlay_payload; kept
 *                                                     (the last STORE_MAX) for instant steps
 *   claimsAtlas.showOverlay(selector, key, overlayKey) draw a stored overlay now; false if
 *                                                     it is not stored
 *     selector: the CSS class selector of the container before the key
 *   claimsAtlas.run()   runs the calls queued before this file (render.js.data_script)
 */
(function (root) {
  "use strict";
  var A = root.claimsAtlas = root.claimsAtlas || {};
  var STORE_MAX = 40;
  A.maps = A.maps || {};
  A.q = A.q || [];

  A.run = function () {
    while (A.q.length && typeof A[A.q[0][0]] === "function") {
      var c = A.q.shift();
      A[c[0]].apply(A, c[1]);
    }
  };

  function own(key) {
    return A.maps[key] = A.maps[key] || {store: {}, order: []};
  }

  A.frames = function (selector, key) {
    var out = [];
    document.querySelectorAll(selector + key + " iframe").forEach(function (f) {
      try {
        var M = f.contentWindow && f.contentWindow.claimsAtlas;
        if (M && M.ready) { out.push(M); }
      } catch (err) { /* another origin: nothing to do */ }
    });
    return out;
  };

  A.showOverlay = function (selector, key, overlayKey) {
    var m = own(key), overlay = overlayKey ? m.store[overlayKey] : null;
    if (overlayKey && !overlay) { return false; }
    m.show = overlayKey;
    A.frames(selector, key).forEach(function (M) { M.setOverlay(overlay); });
    return true;
  };

  A.put = function (selector, key, what, value) {
    var m = own(key);
    if (what === "show") {
      m.show = value;
      A.showOverlay(selector, key, value);
      return;
    }
    m[what] = value;
    A.frames(selector, key).forEach(function (M) { M.apply(value); });
  };

  A.store = function (selector, key, overlay) {
    var m = own(key);
    if (!m.store[overlay.key]) {
      m.order.push(overlay.key);
      if (m.order.length > STORE_MAX) { delete m.store[m.order.shift()]; }
    }
    m.store[overlay.key] = overlay;
    if (m.show === overlay.key) { A.showOverlay(selector, key, overlay.key); }
  };
})(window);
