"""Then and now: what each plan would move at its own date and at the latest snapshot.

Pure plain data from the catalog and the cached control snapshots (figures read from the
stored table, never recomputed here). Every answer names both snapshots' dates and the
source.

``then_and_now(catalog, proposal_id, source, cache_dir=None) -> dict | None``
    None when `source` has no cached snapshot. Otherwise::

        {"proposal": "us-28-point-plan", "proposal_date": "2025-11-20",
         "source": "DeepStateMap", "method": "...",
         "then": {"date": "2025-11-20", "credit": "Control: ..., snapshot of 2025-11-20"}
                 | None,            # None: no snapshot on or before the proposal's date
         "now": {"date": "2026-08-22", "credit": "..."},
         "regions": [{"region": "UA-14", "name": "Donetsk", "area_km2": 26594.1,
                      "then": {"to_russia_km2": 6257.6, "to_russia_share": 0.2353,
                               "to_ukraine_km2": 0.0, "to_ukraine_share": 0.0,
                               "net_to_russia_km2": 6257.6} | None,
                      "now": {... the same keys ...},
                      "published_estimate": "5,000 km² (AFP, ISW data)"}, ...,
                     {"region": "total", ...}]}

    One row per region the proposal touches (then a "total" row). km² in EPSG:3035; shares
    0-1 of the region's area (the total's: of all 27 units). "to_russia": the Ukrainian-held
    part a provision passes to Russia; "to_ukraine": the Russian-held part it returns.
``occupied_series(source, regions=DEFAULT_REGIONS, start=None, end=None, cache_dir=None)``
    Rows ``{"date", "region", "name", "russian_km2", "russian_share", "area_km2"}`` by date
    then region: occupied km² per region per snapshot date, for a chart.
``proposal_marks(catalog) -> list[dict]``
    ``{"proposal", "label", "date"}`` per proposal, by date: the marks to draw on that chart.
``default_source(cache_dir=None) -> str | None``
    The source to show when none is chosen: DeepStateMap if cached, else the first cached
    source, else None.
``flat(then_now_doc) -> dict[region id, dict]``
    The figures of one then_and_now document as flat columns (for CSV): ``then_date``,
    ``then_to_russia_km2``, ... ``now_to_ukraine_share``, ``control_source``,
    ``control_credit``; see FLAT_COLUMNS.
"""

from __future__ import annotations

import datetime as dt
import os

from claims_atlas.core import control, control_view
from claims_atlas.core.control import timeline
from claims_atlas.core.models import Catalog

CacheDir = str | os.PathLike | None
# The regions the plans argue about (the chart's default).
DEFAULT_REGIONS = ("UA-14", "UA-09", "UA-23", "UA-65", "UA-43", "UA-40", "UA-63")
MOVED = ("to_russia_km2", "to_russia_share", "to_ukraine_km2", "to_ukraine_share",
         "net_to_russia_km2")
FLAT_COLUMNS = ("control_source", "then_date", *(f"then_{k}" for k in MOVED[:4]), "now_date",
                *(f"now_{k}" for k in MOVED[:4]), "control_credit")


def default_source(cache_dir: CacheDir = None) -> str | None:
    """DeepStateMap if cached, else the first cached source, else None."""
    try:
        infos = control.list_snapshots(cache_dir)
    except control.ControlError:
        return None
    sources = [i.source for i in infos]
    if control.DEEPSTATE_SOURCE in sources:
        return control.DEEPSTATE_SOURCE
    return sources[0] if sources else None


def _moved(catalog: Catalog, proposal_id: str, info: control.SnapshotInfo | None
           ) -> dict[str, dict]:
    if info is None:
        return {}
    return {r["region"]: r for r in control_view.moved_rows(catalog, proposal_id, info)}


def then_and_now(catalog: Catalog, proposal_id: str, source: str,
                 cache_dir: CacheDir = None) -> dict | None:
    """The km² and share each region would move then and now (see module doc)."""
    proposal = catalog.proposal(proposal_id)
    if proposal is None:
        raise KeyError(proposal_id)
    now = timeline.latest_snapshot(source, cache_dir)
    if now is None:
        return None
    then = timeline.nearest_snapshot(source, proposal.date, cache_dir)
    at_then, at_now = _moved(catalog, proposal_id, then), _moved(catalog, proposal_id, now)
    rows = []
    for rid, now_row in at_now.items():
        then_row = at_then.get(rid)
        rows.append({"region": rid, "name": now_row["name"], "area_km2": now_row["area_km2"],
                     "then": {k: then_row[k] for k in MOVED} if then_row else None,
                     "now": {k: now_row[k] for k in MOVED},
                     "published_estimate": now_row.get("published_estimate", "")})
    return {"proposal": proposal_id, "proposal_date": proposal.date.isoformat(),
            "source": now.source, "method": control.METHOD,
            "then": None if then is None else {"date": then.date.isoformat(),
                                               "credit": then.credit},
            "now": {"date": now.date.isoformat(), "credit": now.credit},
            "regions": rows}


def flat(doc: dict | None) -> dict[str, dict]:
    """Region id -> FLAT_COLUMNS values of a then_and_now document ({} for None)."""
    if doc is None:
        return {}
    out = {}
    for row in doc["regions"]:
        cols = {"control_source": doc["source"],
                "then_date": doc["then"]["date"] if doc["then"] else "",
                "now_date": doc["now"]["date"],
                "control_credit": "; ".join(c for c in (
                    doc["then"]["credit"] if doc["then"] else "", doc["now"]["credit"]) if c)}
        for when in ("then", "now"):
            for k in MOVED[:4]:
                v = row[when][k] if row[when] else None
                cols[f"{when}_{k}"] = "" if v is None else round(v, 5 if "share" in k else 1)
        out[row["region"]] = cols
    return out


def occupied_series(source: str, regions: tuple[str, ...] | list[str] | None = DEFAULT_REGIONS,
                    start: str | dt.date | None = None, end: str | dt.date | None = None,
                    cache_dir: CacheDir = None) -> list[dict]:
    """Occupied km² per region per snapshot date (see module doc)."""
    return timeline.series(source, regions=regions, start=start, end=end, cache_dir=cache_dir)


def proposal_marks(catalog: Catalog) -> list[dict]:
    """{"proposal", "label", "date"} per proposal, by date."""
    return [{"proposal": p.id, "label": p.label, "date": p.date.isoformat()}
            for p in sorted(catalog.proposals, key=lambda p: (p.date, p.id))]
