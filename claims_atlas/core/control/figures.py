"""The stored figures: per-date, per-region areas in ONE embedded SQLite table.

``<cache>/control/figures.sqlite``, table ``figures``, one row per (source slug, date,
region)::

    source TEXT, date TEXT (YYYY-MM-DD), region TEXT (ISO 3166-2 id), name TEXT,
    area_km2, russian_km2, russian_share (0-1), ukrainian_km2, slivers_km2, specks_km2,
    snapshot_km2 (the snapshot's whole area, the same on every row of a date) REAL,
    snapshot_sha256, geodata_sha256 TEXT, method_version INTEGER

A second table, ``overlays``, keeps each snapshot's map overlay (simplified split parts and
line, zlib-compressed GeoJSON) once it has been drawn, under the same keys plus the display
version, so a date slider scrubs through dates without recomputing them.

Rows are written when a snapshot is imported (or first measured) and read by the app, the
CLI and the charts, so areas are computed once per snapshot. A row is valid while its
snapshot file, boundary file and METHOD_VERSION are unchanged (the three keys); writing a
snapshot deletes its date's rows. The database is derived data: deleting it loses nothing
but time. WAL mode: readers (the app) never wait for an import.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from claims_atlas.core.control.common import ControlCacheError
from claims_atlas.core.control.geometry import METHOD_VERSION

DB_NAME = "figures.sqlite"
SCHEMA_VERSION = 2
COLUMNS = ("source", "date", "region", "name", "area_km2", "russian_km2", "russian_share",
           "ukrainian_km2", "slivers_km2", "specks_km2", "snapshot_km2", "snapshot_sha256",
           "geodata_sha256", "method_version")
FIGURES = ("area_km2", "russian_km2", "russian_share", "ukrainian_km2", "slivers_km2",
           "specks_km2")
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS figures (
    source TEXT NOT NULL, date TEXT NOT NULL, region TEXT NOT NULL, name TEXT,
    area_km2 REAL, russian_km2 REAL, russian_share REAL, ukrainian_km2 REAL,
    slivers_km2 REAL, specks_km2 REAL, snapshot_km2 REAL,
    snapshot_sha256 TEXT, geodata_sha256 TEXT, method_version INTEGER,
    PRIMARY KEY (source, date, region)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS overlays (
    source TEXT NOT NULL, date TEXT NOT NULL, snapshot_sha256 TEXT, geodata_sha256 TEXT,
    method_version INTEGER, display_version INTEGER, body BLOB,
    PRIMARY KEY (source, date)
);
PRAGMA user_version = {SCHEMA_VERSION};
"""


def stats_key(snapshot_sha: str, regions_sha: str) -> dict:
    """What stored figures must match to be valid: the snapshot file's and the boundary
    file's sha256 and the method's version."""
    return {"snapshot_sha256": snapshot_sha, "geodata_sha256": regions_sha,
            "method_version": METHOD_VERSION}


def db_path(control_folder: Path) -> Path:
    return control_folder / DB_NAME


@contextlib.contextmanager
def connect(control_folder: Path) -> Iterator[sqlite3.Connection]:
    """A connection to the figures table (created on first use); ControlCacheError."""
    try:
        control_folder.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(db_path(control_folder), timeout=60)
    except (OSError, sqlite3.Error) as exc:
        raise ControlCacheError(f"{db_path(control_folder)}: cannot open ({exc})") from None
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        if con.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            con.executescript("DROP TABLE IF EXISTS figures; DROP TABLE IF EXISTS overlays;"
                              + _SCHEMA)
        yield con
        con.commit()
    except sqlite3.Error as exc:
        raise ControlCacheError(f"{db_path(control_folder)}: {exc}") from None
    finally:
        con.close()


def put(con: sqlite3.Connection, source: str, date: str, rows: Iterable[dict],
        key: dict, snapshot_km2: float) -> None:
    """Replace the rows of (source slug, date) with `rows` (region_stats output)."""
    con.execute("DELETE FROM figures WHERE source = ? AND date = ?", (source, date))
    con.executemany(
        f"INSERT INTO figures ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
        [(source, date, r["region"], r.get("name", r["region"]),
          *(float(r.get(k, 0.0)) for k in FIGURES), snapshot_km2, key["snapshot_sha256"],
          key["geodata_sha256"], key["method_version"]) for r in rows])


def forget(con: sqlite3.Connection, source: str, date: str) -> None:
    con.execute("DELETE FROM figures WHERE source = ? AND date = ?", (source, date))
    con.execute("DELETE FROM overlays WHERE source = ? AND date = ?", (source, date))


def put_overlay(con: sqlite3.Connection, source: str, date: str, key: dict,
                display_version: int, doc: dict) -> None:
    """Keep the map overlay of (source slug, date) (zlib-compressed JSON)."""
    body = zlib.compress(json.dumps(doc, separators=(",", ":")).encode("utf-8"), 6)
    con.execute("INSERT OR REPLACE INTO overlays VALUES (?, ?, ?, ?, ?, ?, ?)",
                (source, date, key["snapshot_sha256"], key["geodata_sha256"],
                 key["method_version"], display_version, body))


def get_overlay(con: sqlite3.Connection, source: str, date: str, key: dict,
                display_version: int) -> dict | None:
    """The overlay kept for (source slug, date) under `key`, else None."""
    row = con.execute("SELECT body FROM overlays WHERE source = ? AND date = ? AND "
                      "snapshot_sha256 = ? AND geodata_sha256 = ? AND method_version = ? AND "
                      "display_version = ?", (source, date, key["snapshot_sha256"],
                                              key["geodata_sha256"], key["method_version"],
                                              display_version)).fetchone()
    return None if row is None else json.loads(zlib.decompress(row[0]))


def get(con: sqlite3.Connection, source: str, date: str, key: dict
        ) -> tuple[list[dict], float] | None:
    """(rows, snapshot_km2) stored for (source slug, date) under `key`, else None."""
    cur = con.execute(
        "SELECT region, name, area_km2, russian_km2, russian_share, ukrainian_km2, "
        "slivers_km2, specks_km2, snapshot_km2 FROM figures WHERE source = ? AND date = ? "
        "AND snapshot_sha256 = ? AND geodata_sha256 = ? AND method_version = ? "
        "ORDER BY region", (source, date, key["snapshot_sha256"], key["geodata_sha256"],
                            key["method_version"]))
    found = cur.fetchall()
    if not found:
        return None
    rows = [{"region": r[0], "name": r[1], **dict(zip(FIGURES, r[2:8], strict=True))}
            for r in found]
    return rows, found[0][8]


def keys(con: sqlite3.Connection, source: str) -> dict[str, tuple[str, str, int]]:
    """date -> (snapshot_sha256, geodata_sha256, method_version) of the stored rows."""
    cur = con.execute("SELECT date, snapshot_sha256, geodata_sha256, method_version FROM "
                      "figures WHERE source = ? GROUP BY date", (source,))
    return {d: (s, g, m) for d, s, g, m in cur.fetchall()}


def series(con: sqlite3.Connection, source: str, geodata_sha256: str, method_version: int,
           start: str, end: str, regions: Iterable[str] | None = None) -> list[dict]:
    """Rows {date, region, name, russian_km2, russian_share, area_km2, ukrainian_km2} of one
    source between two dates (inclusive), by date then region."""
    sql = ("SELECT date, region, name, russian_km2, russian_share, area_km2, ukrainian_km2 "
           "FROM figures WHERE source = ? AND geodata_sha256 = ? AND method_version = ? "
           "AND date BETWEEN ? AND ?")
    args: list = [source, geodata_sha256, method_version, start, end]
    if regions is not None:
        wanted = list(regions)
        sql += f" AND region IN ({', '.join('?' * len(wanted))})"
        args += wanted
    cur = con.execute(sql + " ORDER BY date, region", args)
    return [{"date": d, "region": r, "name": n, "russian_km2": rk, "russian_share": rs,
             "area_km2": a, "ukrainian_km2": u} for d, r, n, rk, rs, a, u in cur.fetchall()]
