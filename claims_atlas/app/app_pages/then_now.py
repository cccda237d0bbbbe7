"""Then and now: what the selected proposal would move at its own date (the nearest control
snapshot on or before it) and at the latest snapshot, side by side, with both dates and the
source; and a chart of occupied km² over time with every proposal's date marked.

Figures come from core/then_now.py through app/cache.py (read from the stored table, never
recomputed here). Catalog text reaches the page only as plain text (st.text, dataframe
cells, chart labels) or escaped (md_escape, render/reading.py).
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from claims_atlas.app import cache, state, ui
from claims_atlas.core import query, then_now
from claims_atlas.render import reading
from claims_atlas.render.html import md_escape

# The regions the plans argue about: Donetsk, Luhansk, Zaporizhzhia, Kherson, Kharkiv.
CHART_REGIONS = ("UA-14", "UA-09", "UA-23", "UA-65", "UA-63")
SOURCE_PICK = "then_now_source"
IMPORT_HINT = ("No control snapshots are cached, so there is nothing to compare. Import the "
               "archive's occupied-area files first, for example:")
IMPORT_COMMAND = ("claims-atlas control import '/path/to/deepstatemap_data_*.geojson' "
                  "--source DeepStateMap")

catalog = cache.catalog()
view = state.read_view(catalog)
ids = [p.id for p in query.proposals_by_date(catalog)]
if state.url_is_new() and state.PROPOSAL in st.query_params:
    state.set_values({state.PROPOSAL: view.proposal})
state.once(state.PROPOSAL, view.proposal)
if st.session_state[state.PROPOSAL] not in ids:
    st.session_state[state.PROPOSAL] = view.proposal
notices = st.empty()  # filled once the URL is written: see state.link_notices

st.title("Then and now")
proposal_id = st.selectbox("Proposal", ids, key=state.PROPOSAL,
                           format_func=lambda pid: catalog.proposal(pid).title)
state.write_url(proposal=proposal_id)
with notices.container():
    ui.notices(state.link_notices(view.notices))
st.html(reading.summary_line(catalog, catalog.proposal(proposal_id), level=2))

sources = list(dict.fromkeys(i.source for i in cache.snapshots()))
if not sources:
    st.info(IMPORT_HINT)
    st.code(IMPORT_COMMAND, language=None)  # no token colours: theirs fail 4.5:1 (axe)
    st.stop()
default = "DeepStateMap" if "DeepStateMap" in sources else sources[0]
source = (st.selectbox("Control source", sources, index=sources.index(default),
                       key=SOURCE_PICK) if len(sources) > 1 else default)


def _columns(doc: dict) -> list[tuple[str, str, str]]:
    """(header, "then"/"now", figure key) for the table: each figure then and now side by
    side, the snapshot's date in the header."""
    dates = {w: doc[w]["date"] if doc[w] else "no snapshot" for w in ("then", "now")}
    return [(f"{label}, {dates[when]}", when, k)
            for label, k in (("To Russia km²", "to_russia_km2"),
                             ("To Russia share", "to_russia_share"),
                             ("To Ukraine km²", "to_ukraine_km2"),
                             ("To Ukraine share", "to_ukraine_share"))
            for when in ("then", "now")]


def then_now_frame(doc: dict) -> pd.DataFrame:
    """One row per region the proposal touches (then the total): km² and shares (0-1)."""
    cols = _columns(doc)
    rows = []
    for r in doc["regions"]:
        row = {"Region": "All regions" if r["region"] == "total" else r["name"]}
        for header, when, k in cols:
            row[header] = r[when][k] if r[when] else None
        row["Published estimate"] = r.get("published_estimate") or ""
        rows.append(row)
    return pd.DataFrame(rows, columns=["Region", *(c[0] for c in cols), "Published estimate"])


doc = cache.then_and_now(catalog, proposal_id, source)
st.header("What this proposal would move, then and now")
if doc is None:
    st.info(f"No {md_escape(source)} snapshot is cached.")
    st.stop()
if doc["then"] is None:
    st.text(f"No {source} snapshot on or before the proposal's date ({doc['proposal_date']}): "
            f"only the latest figures are shown.")
st.text(f"Proposal dated {doc['proposal_date']}. Then: "
        + (f"snapshot of {doc['then']['date']} (the nearest on or before it)" if doc["then"]
           else "none") + f"; now: snapshot of {doc['now']['date']} (the latest). "
        f"Source: {doc['source']}.")
frame = then_now_frame(doc)
config = {"Region": st.column_config.TextColumn("Region", pinned=True)}  # kept on a phone
config |= {h: st.column_config.NumberColumn(h, format="%.1f") for h, _, k in _columns(doc)
          if k.endswith("km2")}
config |= {h: st.column_config.NumberColumn(h, format="percent") for h, _, k in _columns(doc)
           if k.endswith("share")}
st.dataframe(frame, hide_index=True, column_config=config, width="stretch")
for credit in dict.fromkeys(d["credit"] for d in (doc["then"], doc["now"]) if d):
    st.text(credit)
st.caption("Share: of the region's area (all regions: of all 27 units). To Russia: the "
           "Ukrainian-held part a provision passes to Russia; to Ukraine: the Russian-held "
           "part it returns. " + md_escape(doc["method"]))


def series_chart(series: list[dict], marks: list[dict]) -> alt.LayerChart:
    """Occupied km² per region over time, a rule and a label at each proposal's date."""
    data = pd.DataFrame(series)
    lines = alt.Chart(data).mark_line().encode(
        x=alt.X("date:T", title="Snapshot date"),
        y=alt.Y("russian_km2:Q", title="Occupied km²"),
        color=alt.Color("name:N", title="Region", legend=alt.Legend(orient="bottom", columns=3)),
        tooltip=[alt.Tooltip("date:T"), "name:N",
                 alt.Tooltip("russian_km2:Q", format=",.0f", title="Occupied km²")])
    marks = pd.DataFrame(marks, columns=["proposal", "label", "date"])
    marks["row"] = [i % 3 * 80 for i in range(len(marks))]  # stagger close labels (px)
    rules = alt.Chart(marks)
    rule = rules.mark_rule(color="#555", strokeDash=[4, 3]).encode(
        x="date:T", tooltip=["label:N", "date:T"])
    text = rules.mark_text(angle=270, align="right", baseline="bottom", dx=-4, fontSize=11,
                           color="#333").encode(x="date:T", y=alt.Y("row:Q", scale=None, axis=None),
                                        text="label:N")
    return alt.layer(lines, rule, text).properties(height=440)


series = cache.occupied_series(source, CHART_REGIONS)
st.header("Occupied km² over time")
if series:
    first, last = series[0]["date"], series[-1]["date"]
    inside = [m for m in then_now.proposal_marks(catalog) if first <= m["date"] <= last]
    outside = [m for m in then_now.proposal_marks(catalog) if m not in inside]
    st.altair_chart(series_chart(series, inside), width="stretch")
    st.text(f"Occupied km² per snapshot ({first} to {last}, {len({r['date'] for r in series})}"
            f" dates), {source}; dashed lines: proposals dated within that span.")
    if outside:
        st.text("Outside the snapshots' span: " + "; ".join(
            f"{m['label']} ({m['date']})" for m in outside))
else:
    st.text(f"No {source} figures for these regions.")
