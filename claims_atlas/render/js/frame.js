/* The Streamlit adapter inside the map's frame: as the map draws, it takes what the page
 * around it has already said for this map (page.js keeps it under the map's key, found
 * from the `st-key-<prefix><key>` class of the container around this frame). If the page
 * has not said yet, page.js applies it when it does.
 *
 *   claimsAtlas.fromPage(prefix)   prefix: the container class before the key
 */
(function (root) {
  "use strict";
  var A = root.claimsAtlas = root.claimsAtlas || {};

  A.fromPage = function (prefix) {
    try {
      var fe = root.frameElement, key = null;
      var box = fe && fe.closest('[class*="' + prefix + '"]');
      if (box) {
        Array.prototype.forEach.call(box.classList, function (c) {
          if (c.indexOf(prefix) === 0) { key = c.slice(prefix.length); }
        });
      }
      var page = key && root.parent.claimsAtlas;
      if (page && page.run) { page.run(); }
      var own = page && page.maps && page.maps[key];
      if (!own) { return false; }
      if (own.show && own.store[own.show]) { A.setOverlay(own.store[own.show]); }
      if (own.state) { A.apply(own.state); }
      return true;
    } catch (err) {
      return false;
    }
  };
})(window);
