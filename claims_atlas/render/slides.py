"""Present mode as HTML strings: the scene's header, caption, what changed, legend, sources,
a region's detail in big type, the full-screen style sheet and the key-stepping script.

Every catalog string passes through `esc`; the style sheet and the script are constants.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlparse

from markupsafe import Markup

from claims_atlas.core import query, vocab
from claims_atlas.core.models import STATUS_LABELS, Briefing, Catalog, Scene
from claims_atlas.render import js
from claims_atlas.render.html import legend_html
from claims_atlas.render.templating import fragment

MAP_HEIGHT = 820  # px, before the style sheet stretches the map to the bottom of the screen
MAX_SOURCES = 4
SHORT_PARTS = {"whole": "", "russian_held": "Russian-held part",
               "ukrainian_held": "Ukrainian-held part"}

# Keys: the style sheet and the script find the buttons and the map's container by the
# `st-key-<key>` class Streamlit gives them (the map's iframe is styled only in MAP_BOX).
NEXT, PREV, BACK, MAP_BOX = "present_next", "present_prev", "present_back", "present_mapbox"
INFO_BOX, CONTROLS_BOX = "present_info", "present_controls"
STEP_KEYS = {"ArrowRight": NEXT, "PageDown": NEXT, "ArrowLeft": PREV, "PageUp": PREV,
             "Escape": BACK, "Backspace": BACK}

CSS = """
<style>
[data-testid="stSidebar"],[data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"],[data-testid="stHeader"],[data-testid="stToolbar"],
[data-testid="stDecoration"],[data-testid="stStatusWidget"],[data-testid="stMainMenu"],
[data-testid="stAppDeployButton"],[data-testid="stBottom"],footer,#MainMenu{display:none!important}
.stApp{background:#ffffff;color:#000}
[data-testid="stMain"]{font-size:22px}
[data-testid="stMainBlockContainer"]{padding:14px 28px 0 28px!important;max-width:none!important}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"]{gap:.55rem}
.st-key-present_keys{display:none}
.st-key-present_mapbox iframe{height:max(520px,calc(100vh - 176px))!important}
.st-key-present_info{max-height:calc(100vh - 390px);overflow:auto}
.deck-top{display:flex;align-items:flex-end;justify-content:space-between;gap:24px;
  border-bottom:3px solid #000;padding-bottom:8px}
.deck-top .deck-name{font-size:20px;font-weight:600;letter-spacing:.06em;text-transform:uppercase;
  color:#222;margin:0 0 2px 0}
.deck-top h1{font-size:40px;line-height:1.12;font-weight:750;margin:0;padding:0;color:#000}
.deck-top .meta{font-size:22px;color:#111;margin:6px 0 0 0}
.deck-top .status{font-size:18px;font-weight:700;text-transform:uppercase;letter-spacing:.04em;
  border:2px solid #000;border-radius:6px;padding:1px 8px;margin-right:6px;vertical-align:2px}
.scene-no{flex:none;font-size:34px;font-weight:800;background:#000;color:#fff;border-radius:10px;
  padding:6px 18px;font-variant-numeric:tabular-nums;white-space:nowrap}
.scene-caption{font-size:28px;line-height:1.32;font-weight:500;color:#000;margin:0;
  border-left:8px solid #000;padding:2px 0 2px 16px}
.scene-panel h2{font-size:20px;font-weight:800;text-transform:uppercase;letter-spacing:.05em;
  margin:0 0 6px 0;padding:0;color:#000}
.scene-panel ul.changes{list-style:none;margin:0!important;padding:0!important;font-size:21px;
  line-height:1.3}
.changes .side{white-space:nowrap}
.changes li{margin:0 0 8px 0}
.changes .arrow{font-weight:800;padding:0 4px}
.changes b{font-weight:750}
.scene-panel .also{font-size:19px;margin:2px 0 0 0;color:#111}
.changes .swatch,.present-legend .swatch{width:36px!important;height:24px!important;
  border:1.5px solid #000!important;vertical-align:-4px;margin-right:4px}
.present-legend .legend h4{display:none}
.present-legend .legend-row{gap:12px;margin:0 0 6px 0;font-size:22px;line-height:1.2}
.present-legend .legend-row small,.present-legend .legend-row br{display:none}
.scene-sources{font-size:17px;line-height:1.35;color:#222;margin:0}
.st-key-present_notices .notices{font-size:22px;margin:0}
.stButton button,.stDownloadButton button{min-height:52px;border:2px solid #000;
  border-radius:8px;color:#000}
.stButton button p,.stDownloadButton button p{font-size:22px;font-weight:650}
.st-key-present_pdf button,.st-key-present_pdf_letter button,.st-key-present_png button,
.st-key-present_exit button{min-height:44px;padding:4px 6px}
.st-key-present_pdf button p,.st-key-present_pdf_letter button p,.st-key-present_png button p,
.st-key-present_exit button p{font-size:17px}
.st-key-present_next button{background:#000;color:#fff}
.st-key-present_next button p{color:#fff}
.stButton button:disabled{background:#fff;border-color:#bbb}
.stButton button:disabled p{color:#888}
.st-key-present_detail{position:fixed;inset:20px 36px;z-index:999990;background:#fff;
  border:3px solid #000;border-radius:12px;box-shadow:0 10px 50px rgba(0,0,0,.45);
  padding:22px 36px 28px 36px;overflow:auto;width:auto!important}
.present-region{font-size:22px;line-height:1.4;color:#000}
.present-region .kicker{font-size:20px;font-weight:700;text-transform:uppercase;
  letter-spacing:.05em;margin:0 0 4px 0}
.present-region h3{font-size:36px;line-height:1.15;margin:0 0 12px 0;padding:0}
.present-region table.detail th,.present-region table.detail td{border-top:2px solid #999;
  padding:10px 12px;font-size:22px;vertical-align:top}
.present-region table.detail th{width:26%}
.present-region tr.current{background:#fff3b0}
.present-region p,.present-region li{font-size:20px}
.present-region ul.evidence,.present-region ul.evidence li{font-size:17px}
.present-region .now{border:3px solid #000;border-radius:10px;padding:10px 16px;margin:0 0 16px 0;
  background:#fff3b0}
.present-region .now b{font-size:22px}
.present-region h4{font-size:20px;text-transform:uppercase;letter-spacing:.05em;margin:8px 0}
.present-region .swatch{width:36px!important;height:24px!important;vertical-align:-4px}
@media (max-height:820px){
  [data-testid="stMain"]{font-size:18px}
  .deck-top .deck-name{font-size:15px}.deck-top h1{font-size:28px}.deck-top .meta{font-size:17px}
  .scene-no{font-size:24px;padding:4px 12px}
  .scene-caption{font-size:21px;border-left-width:6px}
  .scene-panel h2{font-size:15px}.scene-panel ul.changes{font-size:16px}
  .scene-panel .also{font-size:15px}
  .present-legend .legend-row{font-size:17px;margin:0 0 3px 0}
  .changes .swatch,.present-legend .swatch{width:27px!important;height:18px!important}
  .scene-sources{font-size:14px}
  .stButton button,.stDownloadButton button{min-height:40px}
  .stButton button p,.stDownloadButton button p{font-size:17px}
  .st-key-present_pdf button p,.st-key-present_pdf_letter button p,
  .st-key-present_png button p,.st-key-present_exit button p{font-size:14px}
  .st-key-present_mapbox iframe{height:max(400px,calc(100vh - 150px))!important}
  .st-key-present_info{max-height:calc(100vh - 300px)}
}
</style>
"""

KEYS_SCRIPT = js.script(("deck_keys.js",), "deckKeys", STEP_KEYS, MAP_BOX)


def top_html(catalog: Catalog, deck: Briefing, number: int, proposal_id: str) -> Markup:
    """Deck title, the proposal's title, status, sponsor and date, and "3 / 6"."""
    p = catalog.proposal(proposal_id)
    return fragment("deck_top", deck, p, STATUS_LABELS.get(p.status, p.status), number,
                    len(deck.scenes))


def caption_html(scene: Scene) -> Markup:
    return fragment("paragraph", scene.caption, "scene-caption", "scene-caption")


def _by_part(shown) -> dict[str, str]:
    """Part -> disposition, a 'whole' provision counting for both parts."""
    out = {s.part: s.disposition for s in shown}
    if set(out) == {"whole"}:
        return {"russian_held": out["whole"], "ukrainian_held": out["whole"], "whole": out["whole"]}
    return out


def changes(catalog: Catalog, before: str, after: str) -> list[tuple[str, str, str, str]]:
    """(region id, label, disposition before, disposition after) for each change, a region
    changed part by part named once per part ("Donetsk (Russian-held part)")."""
    out = []
    for row in query.compare(catalog, before, after):
        if not row.changed:
            continue
        a, b = _by_part(row.a), _by_part(row.b)
        if "whole" in a and "whole" in b:
            out.append((row.region, row.name, a["whole"], b["whole"]))
            continue
        for part in ("russian_held", "ukrainian_held"):
            old, new = (x.get(part, vocab.NOT_ADDRESSED) for x in (a, b))
            if old != new:
                out.append((row.region, f"{row.name} ({SHORT_PARTS[part]})", old, new))
    return out


def changes_html(catalog: Catalog, before: str, after: str,
                 focus: Sequence[str] = ()) -> Markup:
    """What changed from proposal `before` to `after`: the regions in `focus` (all when
    empty) grouped by change, with swatches; the other changed regions named in one line."""
    rows = changes(catalog, before, after)
    shown = [r for r in rows if not focus or r[0] in focus]
    rest = list(dict.fromkeys(catalog.region(r[0]).name_en for r in rows if r not in shown))
    groups: dict[tuple[str, str], list[str]] = {}
    for _rid, label, old, new in shown:
        groups.setdefault((old, new), []).append(label)
    return fragment("changes", catalog.proposal(before).label,
                    [(old, new, labels) for (old, new), labels in groups.items()], rest,
                    bool(rows))


def legend_panel_html(catalog: Catalog, proposal_id: str) -> Markup:
    return fragment("legend_panel",
                    legend_html(query.legend(catalog, [proposal_id]), "What the colours mean"))


def _outlet(ev, titles: dict[str, str]) -> str:
    if ev.document:  # by its title: the catalog id is for maintainers
        return f"“{titles.get(ev.document, 'a source document')}”"
    host = (urlparse(ev.url or "").hostname or "").removeprefix("www.")
    return f"{ev.outlet or host}{' [state media]' if ev.state_media else ''}"


def sources_html(catalog: Catalog, proposal_id: str) -> Markup:
    """The outlets the proposal's map rests on (the first few), for the foot of the panel."""
    titles = {d.id: d.title for d in catalog.documents}
    seen = list(dict.fromkeys(_outlet(ev, titles)
                              for ev in query.proposal_evidence(catalog, proposal_id)))
    more = len(seen) - MAX_SOURCES
    tail = f" and {more} more" if more > 0 else ""
    return fragment("sources", "; ".join(seen[:MAX_SOURCES]) + tail)


def region_html(catalog: Catalog, region_id: str, proposal_id: str, number: int) -> Markup:
    """A region's detail in big type, the current scene's proposal marked."""
    return fragment("present_region", catalog.region(region_id),
                    list(query.region_detail(catalog, region_id)), proposal_id,
                    catalog.proposal(proposal_id),
                    query.shown_for(catalog, proposal_id, region_id), number)


