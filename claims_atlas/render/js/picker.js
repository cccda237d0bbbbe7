/* The page's proposal picker made instant: when a proposal is picked in the sidebar radio,
 * the map is re-coloured at once from the states it already holds (atlas.js applyId); the
 * Streamlit rerun that follows confirms it.
 *
 *   claimsAtlas.picker(titles)   titles: {visible option text: proposal id}
 */
(function (root) {
  "use strict";
  var A = root.claimsAtlas = root.claimsAtlas || {};
  var FRAME = 'iframe[title="streamlit_folium.st_folium"]';
  var RADIO = '[data-testid="stSidebar"] [data-testid="stRadio"]';

  function onPick(e) {
    var t = e.target, label = t && t.closest && t.closest("label");
    if (!label || !label.closest(RADIO)) { return; }
    var pid = A.pickerIds[label.innerText.trim()];
    if (!pid) { return; }
    var f = document.querySelector(FRAME);
    try {
      var M = f && f.contentWindow && f.contentWindow.claimsAtlas;
      if (M && M.applyId) { M.applyId(pid); }
    } catch (err) { /* another origin: the rerun will show it */ }
  }

  A.picker = function (titles) {
    A.pickerIds = titles;
    if (A.pickerOn) { return; }
    A.pickerOn = true;
    document.addEventListener("click", onPick, true);
    document.addEventListener("change", onPick, true);
  };
})(window);
