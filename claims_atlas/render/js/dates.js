/* The date control made instant: a step ("Earlier" / "Later" buttons, or the slider moved
 * to a date) draws the stored overlay of that date in the living map at once, before the
 * Streamlit rerun that follows confirms it (page.js keeps the overlays of the dates next
 * to the current one). Only the page's data says where the buttons and the slider are.
 *
 *   claimsAtlas.dates(cfg)  cfg: {selector, map, slug, prev, next, box, prevBox, nextBox}
 *     selector/map: the map's container selector and key (page.js); slug: the source's
 *     slug; prev/next: the neighbouring overlay keys (or null); box, prevBox, nextBox: the
 *     Streamlit keys of the control's container and buttons
 *   claimsAtlas.stepTimes   ms from each instant step's event to its overlay drawn
 */
(function (root) {
  "use strict";
  var A = root.claimsAtlas = root.claimsAtlas || {};
  A.stepTimes = A.stepTimes || [];

  function now() { return root.performance.now(); }

  function step(overlayKey, t0) {
    var c = A.dateCfg;
    if (!c || !overlayKey) { return false; }
    var m = A.maps && A.maps[c.map];
    if (m && m.show === overlayKey) { return true; }
    if (!A.showOverlay(c.selector, c.map, overlayKey)) { return false; }
    A.stepTimes.push(now() - t0);
    if (A.stepTimes.length > 1000) { A.stepTimes.shift(); }
    return true;
  }

  function onClick(e) {
    var c = A.dateCfg, t = e.target, b = t && t.closest && t.closest("button");
    if (!c || !b || b.disabled) { return; }
    if (b.closest(".st-key-" + c.nextBox)) { step(c.next, now()); }
    else if (b.closest(".st-key-" + c.prevBox)) { step(c.prev, now()); }
  }

  function onSlide(records) {
    var c = A.dateCfg, t0 = now();
    records.forEach(function (r) {
      var el = r.target;
      if (c && el.getAttribute && el.getAttribute("role") === "slider" &&
          el.closest(".st-key-" + c.box)) {
        step(c.slug + "/" + el.getAttribute("aria-valuetext"), t0);
      }
    });
  }

  A.dates = function (cfg) {
    A.dateCfg = cfg;
    if (A.datesOn) { return; }
    A.datesOn = true;
    document.addEventListener("click", onClick, true);
    new MutationObserver(onSlide).observe(document.body, {subtree: true, attributes: true,
      attributeFilter: ["aria-valuetext"]});
  };
})(window);
