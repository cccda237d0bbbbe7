/* The page around the maps: keeps, per map key, what the map shows (the selection and the
 * control overlay) and applies it at once in the living map, or leaves it for the map to
 * take as it draws (frame.js). Nothing is rebuilt: the map's frame and Leaflet map stay.
 *
 *   claimsAtlas.put(selector, key, what, value)
 *     selector: the CSS class selector of the container before the key
 *     what: "state" (render.map.map_state) or "overlay" (render.map.overlay_payload, or null)
 */
(function (root) {
  "use strict";
  var A = root.claimsAtlas = root.claimsAtlas || {};
  A.maps = A.maps || {};

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

  A.put = function (selector, key, what, value) {
    var own = A.maps[key] = A.maps[key] || {};
    own[what] = value;
    A.frames(selector, key).forEach(function (M) {
      if (what === "overlay") { M.setOverlay(value); } else { M.apply(value); }
    });
  };
})(window);
