"""Shared page pieces: styles, the error view, notices. Only built, escaped HTML goes out."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from claims_atlas.app import state
from claims_atlas.core import query
from claims_atlas.core.models import Problem
from claims_atlas.render import map as rmap
from claims_atlas.render.html import notice_html
from claims_atlas.render.templating import fragment

DETAIL_PANEL = "detail_panel"  # the region panel's container: st-key-detail_panel
NOT_YET_SLOT, DATE_SLOT = "not_yet_slot", "date_slot"  # empty most of the time: no gap
CHANGES_ONLY = "compare_changes_only"  # the compare table's container when only changes show
_MAP_BOX = f".st-key-{rmap.BOX_PREFIX}{state.MAP}"
_DATE_WRAP = f'[data-testid="stLayoutWrapper"]:has(> .st-key-{DATE_SLOT})'

# The map first: the page's own chrome shrinks, the map takes the screen's height, the
# region panel sits beside it (a bottom sheet on a phone); text stays >= 16 px on phones and
# grey text dark enough for 4.5:1.
LAYOUT = f"""
[data-testid="stMainBlockContainer"]{{padding:3.2rem 1.5rem 2rem 1.5rem;max-width:none}}
{_MAP_BOX} iframe{{height:clamp(340px,calc(100vh - 150px),1100px)!important}}
[data-testid="stMain"]:has(.st-key-{DATE_SLOT} [data-testid="stCaptionContainer"])
  {_MAP_BOX} iframe{{height:clamp(340px,calc(100vh - 190px),1100px)!important}}
[data-testid="stMain"]:has(.st-key-{DATE_SLOT} .st-key-datebar [data-testid="stSlider"])
  {_MAP_BOX} iframe{{height:clamp(340px,calc(100vh - 250px),1100px)!important}}
[data-testid="stMain"]:has(.st-key-{NOT_YET_SLOT} [data-testid="stHtml"]) {_MAP_BOX} iframe{{
  height:clamp(340px,calc(100vh - 360px),1100px)!important}}
[data-testid="stMain"]:has(.st-key-{NOT_YET_SLOT} [data-testid="stHtml"])
  :has(.st-key-{DATE_SLOT} .st-key-datebar [data-testid="stSlider"])
  {_MAP_BOX} iframe{{height:clamp(340px,calc(100vh - 305px),1100px)!important}}
.proposal-line{{display:flex;flex-wrap:wrap;align-items:baseline;gap:0 .8rem;margin:0}}
.proposal-line h1.proposal-title{{font-size:1.45rem;line-height:1.25;margin:0;padding:0}}
.proposal-line .proposal-meta{{margin:0;font-size:.95rem;color:#333}}
.proposal-line details{{font-size:.95rem}}
.proposal-line details[open]{{flex-basis:100%}}
.proposal-line summary{{cursor:pointer;color:#0b5394;text-decoration:underline}}
.sr-heading{{font-size:1rem;margin:.4rem 0 0 0;padding:0}}
.st-key-{DETAIL_PANEL}{{max-height:calc(100vh - 84px);overflow:auto;border:2px solid #333;
  border-radius:8px;padding:8px 12px;background:#fff;position:sticky;top:56px;z-index:5}}
.region-panel h2{{font-size:1.4rem;margin:0 0 6px 0;padding:0}}
.region-panel h2 .names{{font-size:1rem;font-weight:400;color:#333}}
.region-panel h3{{font-size:1.1rem;margin:10px 0 4px 0;padding:0}}
.region-panel .now{{border:2px solid #000;border-radius:8px;background:#fff3b0;padding:6px 10px}}
.region-panel .now-title{{font-weight:700;margin:0 0 4px 0}}
.region-panel tr.current{{background:#fff3b0}}
.hint{{color:#333;border:1px dashed #666;border-radius:8px;padding:8px 12px}}
[data-testid="stCaptionContainer"],[data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] p,small{{color:#333!important}}
.regions-table{{border-collapse:collapse;width:100%}}
.regions-table caption{{text-align:left;font-weight:600;padding:4px 0}}
.regions-table th,.regions-table td{{border-top:1px solid #ccc;padding:6px;vertical-align:top;
  text-align:left}}
.stance-legend{{display:grid;grid-template-columns:1fr;gap:2px;margin:4px 0}}
.stance-legend div{{display:flex;gap:8px;align-items:baseline}}
.stance-legend dt,.stance-legend dd{{margin:0}}
.change-lines{{margin:0 0 8px 0}}
.st-key-{CHANGES_ONLY} tr.same{{display:none}}
.translation{{font-style:normal;color:#333}}
[data-stale="true"],[data-testid="stCaptionContainer"]{{opacity:1!important}}
[data-testid="stHeader"]{{background:transparent;pointer-events:none}}
[data-testid="stHeader"] *{{pointer-events:auto}}
/* the reach line is placed in the header band but scrolls with the page (stMain is the
   scroller): pinned there, the page's text ran under it */
[data-testid="stMain"]{{position:relative}}
[data-testid="stElementContainer"]:has([data-testid="record-reach"]){{position:absolute;
  top:.9rem;left:1.5rem;right:4rem;z-index:999991}}
[data-testid="record-reach"]{{margin:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}}
@media (max-width:640px){{
  [data-testid="stMainBlockContainer"]{{padding:3.2rem .5rem 60vh .5rem}}
  [data-testid="stElementContainer"]:has([data-testid="record-reach"]){{left:3.5rem;
    top:.7rem;white-space:normal}}
  [data-testid="record-reach"]{{white-space:normal!important;font-size:16px;
    line-height:1.2}}
  {_MAP_BOX} iframe{{height:64vh!important}}
  /* the date control goes under the map: over it, it pushed the map under the sheet */
  {_DATE_WRAP},{_DATE_WRAP} ~ *{{order:1}}
  {_DATE_WRAP} ~ [data-testid="stLayoutWrapper"]:has(> {_MAP_BOX}){{order:0}}
  .st-key-{DETAIL_PANEL}{{position:fixed;top:auto;left:0;right:0;bottom:0;max-height:46vh;
    z-index:999990;border-radius:14px 14px 0 0;box-shadow:0 -6px 24px rgba(0,0,0,.35);
    overscroll-behavior:contain;padding:6px 12px}}
  small,.tag,.stance,.state-media,ul.evidence,.attribution,.status,.legend-row small,
  [data-testid="stCaptionContainer"],[data-testid="stCaptionContainer"] p,
  [data-testid="stWidgetLabel"] p,.proposal-line .proposal-meta,.proposal-line details,
  .region-panel h2 .names,[data-testid="stMarkdownContainer"] p,
  [data-testid="stBaseButton-secondary"] p,[data-testid="stMain"] input,
  [data-testid="stMain"] textarea,[data-testid="stMain"] [data-baseweb] *,
  [data-testid="stMain"] summary *,[data-testid="stMain"] td,[data-testid="stMain"] th,
  [data-testid="stMain"] li,[data-testid="stMain"] .stDateInput *{{font-size:16px!important}}
}}
"""

# Esc closes the region panel, from the page or from inside the map's frame.
ESC_SCRIPT = """<script>(function(){
function close(e){if(e.key!=="Escape"){return;}
if(e.target&&e.target.closest&&e.target.closest('[data-testid="stDateInput"]')){return;}
var b=document.querySelector('.st-key-""" + state.DETAIL_CLOSE + """ button');
if(b){e.preventDefault();b.click();}}
if(!window.__claimsEsc){window.__claimsEsc=true;document.addEventListener('keydown',close,true);}
document.querySelectorAll('iframe').forEach(function(f){try{var d=f.contentDocument;
if(d&&!d.__claimsEsc){d.__claimsEsc=true;d.addEventListener('keydown',close,true);}}
catch(err){}});})();</script>"""

# A box that scrolls on its own is reachable by keyboard (WCAG 2.1.1): a tab stop.
FOCUSABLE_SCRIPT = """<script>document.querySelectorAll('.st-key-present_info')
.forEach(function(e){e.tabIndex=0;e.setAttribute('aria-label','Scene notes');});</script>"""

# Enter in a date field applies the typed date. Streamlit (1.67, react-aria date segments)
# applies it when the calendar closes, which Escape or a click elsewhere does, not Enter: so
# Enter closes it as Escape would (an Escape of a date field is the field's, see ESC_SCRIPT).
ENTER_SCRIPT = """<script>(function(){if(window.__claimsEnter){return;}window.__claimsEnter=true;
document.addEventListener('keydown',function(e){var t=e.target;
if(e.key==="Enter"&&t&&t.closest&&t.closest('[data-testid="stDateInput"]')){
e.preventDefault();e.stopPropagation();
t.dispatchEvent(new KeyboardEvent('keydown',{key:'Escape',code:'Escape',keyCode:27,
bubbles:true,cancelable:true}));}},true);
})();</script>"""

# The map's page script (render.map.page_script) sits in an element of its own: no gap for it.
_MAP_SCRIPT_HIDDEN = (f'[class*="st-key-{rmap.BOX_PREFIX}"] [data-testid="stElementContainer"]'
                      ':has(> [data-testid="stHtml"]){display:none}\n'
                      '.st-key-datebar [data-testid="stElementContainer"]'
                      ':has(> [data-testid="stHtml"]){display:none}\n')

CSS = "\n<style>\n" + _MAP_SCRIPT_HIDDEN + LAYOUT + """
.timeline{list-style:none;padding-left:0;margin:0}
.timeline .statement{border-left:4px solid #88CCEE;padding:4px 10px;margin:0 0 12px 0}
.timeline .stance-rejects,.timeline .stance-denies{border-left-color:#CC6677}
.timeline .stance-supports,.timeline .stance-proposes{border-left-color:#117733}
.timeline .when{font-weight:600;color:#333}
.timeline .stance{font-size:.8em;background:#eee;border-radius:4px;padding:0 5px}
blockquote.quote{margin:4px 0;padding-left:8px;border-left:2px solid #ccc;font-style:italic}
.tag{font-size:.75em;background:#444;color:#fff;border-radius:4px;padding:1px 5px}
.state-media{font-size:.75em;background:#882255;color:#fff;border-radius:4px;padding:1px 5px}
ul.evidence{margin:2px 0 0 0;padding-left:18px;font-size:.85em;color:#333}
.legend-row{display:flex;gap:8px;align-items:center;margin:4px 0}
.swatch{flex:none;vertical-align:middle}
table.detail,table.compare{border-collapse:collapse;width:100%}
table.detail th,table.detail td,table.compare th,table.compare td{border-top:1px solid #ddd;
  padding:6px;vertical-align:top;text-align:left}
table.compare tr.changed{background:#fff6d5}
.status{font-weight:600;text-transform:uppercase;font-size:.8em;padding:1px 6px;
  border:1px solid #333;border-radius:4px}
.notices{background:#fff3cd;border:1px solid #e0c36a;border-radius:6px;padding:8px 24px}
mark#passage{background:#ffe066;padding:2px}
.document-text{white-space:pre-wrap;font-family:Georgia,serif;line-height:1.5}
.attribution{font-size:.8em;color:#444}
.after-note,.not-yet{font-weight:600;color:#5c4800;margin:0 0 6px 0}
.not-yet{background:#fff3b0;border:1px solid #8a6d00;border-radius:4px;padding:2px 8px}
</style>
"""


def style() -> None:
    st.html(CSS)


def record_reach(catalog) -> None:
    """One line under the page title: how far the record reaches (computed from the catalog)."""
    st.html(fragment("paragraph", query.record_reach_text(catalog), "attribution",
                     "record-reach"))


def notices(messages: Sequence[str]) -> None:
    if messages:
        st.html(notice_html(messages))


def hide_root(text: str, seeds: str | os.PathLike) -> str:
    """`text` with the catalog folder's server path written `seeds`: visitors never see
    an absolute server path."""
    root = Path(seeds)
    for form in sorted({str(root.resolve()), str(root.absolute())}, key=len, reverse=True):
        text = text.replace(form, "seeds")
    return text


def catalog_error(problems: Sequence[Problem]) -> None:
    """A readable error: what is wrong, in which file and on which line. No traceback."""
    from claims_atlas.core.catalog import seeds_dir

    st.error(f"The catalog has {len(problems)} problem(s); fix them and reload the page.")
    st.html(fragment("problems", [hide_root(str(p), seeds_dir()) for p in problems]))


def catalog_status(status, sidebar: bool = True) -> None:
    """When the catalog last changed (in the sidebar) and, if a newer state of its files is
    not shown yet, why (a notice, with the problems as path:line)."""
    from claims_atlas.core.catalog import seeds_dir

    if sidebar and status.changed is not None:
        st.sidebar.caption(f"Catalog last changed {status.changed:%Y-%m-%d %H:%M:%S} UTC")
    if status.waiting:
        notices([status.waiting, *(hide_root(str(p), seeds_dir()) for p in status.problems)])
