"""Shared vocabulary of the control package: constants, errors, records, small helpers.

Every other module of :mod:`claims_atlas.core.control` imports from here; this one imports
none of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from shapely.geometry import MultiPolygon

from claims_atlas import REPO_ROOT

# --- constants -----------------------------------------------------------------------------

CACHE_ENV = "CLAIMS_ATLAS_CACHE"
DEEPSTATE_URL_ENV = "CLAIMS_ATLAS_DEEPSTATE_URL"
DEEPSTATE_BASE_URL = "https://deepstatemap.live/api"
DEEPSTATE_SOURCE = "DeepStateMap"
DEEPSTATE_ATTRIBUTION = "Control: DeepStateMap (deepstatemap.live)"
REGIONS_GEOJSON = REPO_ROOT / "geodata" / "ukraine_regions.geojson"

EQUAL_AREA = "EPSG:3035"  # ETRS89-LAEA Europe: equal-area, covers Ukraine
BBOX = (20.0, 43.0, 42.0, 56.5)  # lon/lat box every imported coordinate must lie in

# DeepStateMap fill colours (lower case).
OCCUPIED_FILLS = frozenset({"#a52714", "#880e4f", "#000000", "#ff5252"})
LIBERATED_FILLS = frozenset({"#0f9d58", "#0288d1"})
CONTESTED_FILLS = frozenset({"#bcaaa4"})
DEEPSTATE_FILLS = OCCUPIED_FILLS | LIBERATED_FILLS | CONTESTED_FILLS

MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024
# The most JSON text one input may hold (after gzip inflation): a real DeepStateMap day is
# ~0.1 MB as an archive file and a few MB from the API; parsing costs ~10x its size in memory.
MAX_DECODED_BYTES = 64 * 1024 * 1024
MAX_INPUT_BYTES = MAX_DECODED_BYTES  # a file to import, as stored (gzip or not)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# --- errors --------------------------------------------------------------------------------


class ControlError(Exception):
    """Base of every error this module raises on purpose; the message is one line."""


class ControlImportError(ControlError):
    """The input is not usable control data ("NAME: what is wrong"). Nothing was written."""


class ControlFetchError(ControlError):
    """The download failed (offline, timeout, HTTP error). Nothing was written."""


class ControlCacheError(ControlError):
    """The cache cannot be read or written."""


class SnapshotNotFound(ControlError):
    """No cached snapshot for that source and date."""


class RegionsError(ControlError):
    """The boundary file is missing or unusable."""


# --- data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotInfo:
    source: str
    date: dt.date
    attribution: str
    path: Path
    imported_at: str = ""
    area_km2: float | None = None  # occupied km² inside the 27 units
    outside_units_km2: float | None = None  # km² of the polygons outside them (not counted)
    original_file_sha256: str = ""
    original_name: str = ""
    kind: str = ""

    @property
    def slug(self) -> str:
        return slugify(self.source)

    @property
    def credit(self) -> str:
        return f"{self.attribution}, snapshot of {self.date.isoformat()}"


@dataclass(frozen=True)
class ParsedControl:
    """What an input file yielded: the occupied area and what was left out."""

    geometry: MultiPolygon
    kind: str
    polygons: int
    dropped: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    source_datetime: str | None = None


@dataclass(frozen=True)
class ImportResult:
    info: SnapshotInfo
    parsed: ParsedControl
    replaced: SnapshotInfo | None = None
    url: str | None = None


@dataclass(frozen=True)
class StatsReport:
    source: str
    date: dt.date
    attribution: str
    method: str
    regions: list[dict]
    totals: dict
    cached: bool = False

    def as_dict(self) -> dict:
        return {"source": self.source, "date": self.date.isoformat(),
                "attribution": self.attribution, "method": self.method,
                "regions": self.regions, "totals": self.totals}


# --- small helpers -------------------------------------------------------------------------


def slugify(name: str) -> str:
    """'DeepStateMap' -> 'deepstatemap'; 'ISW / CTP' -> 'isw-ctp'."""
    return re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")


def parse_date(text: str | dt.date) -> dt.date:
    """A YYYY-MM-DD string (or date) as a date; ValueError otherwise."""
    if isinstance(text, dt.date):
        return text
    if not _DATE_RE.match(text or ""):
        raise ValueError(f"{text!r} is not a date of the form YYYY-MM-DD")
    return dt.date.fromisoformat(text)


def cache_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The cache root: the explicit one, else $CLAIMS_ATLAS_CACHE, else ~/.cache/claims-atlas."""
    chosen = explicit or os.environ.get(CACHE_ENV)
    return Path(chosen) if chosen else Path.home() / ".cache" / "claims-atlas"


def control_dir(cache: str | os.PathLike | None = None) -> Path:
    return cache_dir(cache) / "control"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


