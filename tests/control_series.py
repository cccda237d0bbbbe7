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


def import_series(folder: Path, dates_and_lons) -> list[str]:
    """Import one snapshot per (YYYY-MM-DD, west edge) into $CLAIMS_ATLAS_CACHE; returns
    their keys (`test-source/<date>`)."""
    from claims_atlas.core import control

    keys = []
    for day, lon in dates_and_lons:
        src = Path(folder) / f"east-{day}.geojson"
        src.write_text(json.dumps(east_of(lon)))
        control.import_file(src, source=SOURCE, date=day)
        keys.append(f"{SLUG}/{day}")
    return keys


def daily(start: str, count: int, lon: float = 37.0, step: float = 0.05):
    """`count` consecutive days from `start`, the edge moving east by `step` a day."""
    first = dt.date.fromisoformat(start)
    return [((first + dt.timedelta(days=i)).isoformat(), round(lon + i * step, 4))
            for i in range(count)]
