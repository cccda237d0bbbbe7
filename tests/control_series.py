"""A small synthetic series of dated control snapshots, imported into a temp cache.

Made-up rectangles in the east of Ukraine whose west edge moves with the date: not real
lines of contact, only enough to see the map, the tables and the slider follow a date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

SOURCE, SLUG = "Test Source", "test-source"


def east_of(lon: float) -> dict:
    """Everything east of `lon` between 46.5 and 50.5 N (to 41 E)."""
    return {"type": "Polygon", "coordinates": [[
        [lon, 46.5], [41.0, 46.5], [41.0, 50.5], [lon, 50.5], [lon, 46.5]]]}


def jagged_east_of(lon: float, teeth: int = 650, depth: float = 0.03) -> dict:
    """east_of(lon) with a west edge of `teeth` saw teeth `depth` degrees deep: a line about
    as long in vertices as a real day's after display simplification (DeepStateMap,
    2026-08-22: a 9.6 KB overlay), so byte budgets are tried at a real size."""
    step = 4.0 / (2 * teeth)
    edge = [[round(lon + (depth if i % 2 else 0.0), 4), round(50.5 - i * step, 4)]
            for i in range(2 * teeth + 1)]
    return {"type": "Polygon", "coordinates": [[*edge, [41.0, 46.5], [41.0, 50.5], edge[0]]]}


def import_series(folder: Path, dates_and_lons, shape=east_of) -> list[str]:
    """Import one snapshot per (YYYY-MM-DD, west edge) into $CLAIMS_ATLAS_CACHE, each
    `shape(lon)`; returns their keys (`test-source/<date>`)."""
    from claims_atlas.core import control

    keys = []
    for day, lon in dates_and_lons:
        src = Path(folder) / f"east-{day}.geojson"
        src.write_text(json.dumps(shape(lon)))
        control.import_file(src, source=SOURCE, date=day)
        keys.append(f"{SLUG}/{day}")
    return keys


def daily(start: str, count: int, lon: float = 37.0, step: float = 0.05):
    """`count` consecutive days from `start`, the edge moving east by `step` a day."""
    first = dt.date.fromisoformat(start)
    return [((first + dt.timedelta(days=i)).isoformat(), round(lon + i * step, 4))
            for i in range(count)]
