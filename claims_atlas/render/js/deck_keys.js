/* Present mode's keys: → / PageDown, ← / PageUp, Esc / Backspace press the deck's buttons
 * (found by the `st-key-<key>` class Streamlit gives them), in the page and inside the
 * map's frame, whose legend the slide hides (the deck shows its own).
 *
 *   claimsAtlas.deckKeys(keys, mapBox)  keys: {key name: button key}; mapBox: the map's
 *                                       container key
 */
(function (root) {
  "use strict";
  var A = root.claimsAtlas = root.claimsAtlas || {};
  var main = document;
  var FRAME_CSS = ".claims-legend{display:none!important}#map_div{height:100vh!important}" +
    ".leaflet-tooltip{font-size:22px!important;max-width:460px!important;padding:8px 12px}" +
    ".leaflet-interactive:focus{outline:none}";

  function press(e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) { return; }
    var t = e.target, tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" ||
        (t && t.isContentEditable)) { return; }
    var key = A.deckKeyMap[e.key];
    if (!key) { return; }
    var bs = main.querySelectorAll(".st-key-" + key + ":not([data-stale=true]) button");
    var b = bs.length ? bs[bs.length - 1] : main.querySelector(".st-key-" + key + " button");
    if (!b || b.disabled) { return; }
    e.preventDefault();
    b.click();
  }

  function attach(f) {
    try {
      var d = f.contentWindow && f.contentWindow.document;
      if (!d || !d.body) { return; }
      if (!d.claimsDeckKeys) {
        d.claimsDeckKeys = true;
        d.addEventListener("keydown", press, true);
      }
      if (d.getElementById("claims-present-style")) { return; }
      var s = d.createElement("style");
      s.id = "claims-present-style";
      s.textContent = FRAME_CSS;
      (d.head || d.documentElement).appendChild(s);
    } catch (err) { /* another origin */ }
  }

  function hook() {
    main.querySelectorAll(".st-key-" + A.deckMapBox + " iframe").forEach(function (f) {
      attach(f);
      if (!f.claimsDeckHooked) {
        f.claimsDeckHooked = true;
        f.addEventListener("load", function () { attach(f); });
      }
    });
  }

  A.deckKeys = function (keys, mapBox) {
    A.deckKeyMap = keys;
    A.deckMapBox = mapBox;
    if (A.deckKeysOn) { return; }
    A.deckKeysOn = true;
    main.addEventListener("keydown", press, true);
    var queued = false;
    new MutationObserver(function () {
      if (queued) { return; }
      queued = true;
      root.requestAnimationFrame(function () { queued = false; hook(); });
    }).observe(main.body, {childList: true, subtree: true});
    hook();
  };
})(window);
