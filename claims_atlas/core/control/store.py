"""The snapshot cache: one normalised GeoJSON per source and date, and a derived index.

See the package docstring ("Storage") for the layout. Every write goes through
:func:`_atomic_write` (one seam, so tests can fail a write).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import stat
import time
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, mapping, shape

from claims_atlas import __version__
from claims_atlas.core.control import figures
from claims_atlas.core.control.common import (
    _DATE_RE,
    DEEPSTATE_ATTRIBUTION,
    DEEPSTATE_SOURCE,
    MAX_INPUT_BYTES,
    ControlCacheError,
    ControlImportError,
    ImportResult,
    ParsedControl,
    RegionsError,
    SnapshotInfo,
    SnapshotNotFound,
    _now,
    _sha256,
    control_dir,
    parse_date,
    slugify,
)
from claims_atlas.core.control.geometry import area_km2, as_multipolygon
from claims_atlas.core.control.parse import parse_control
from claims_atlas.core.control.units import inside_outside_km2
from claims_atlas.core.files import atomic_write, exclusive


def _atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically (one seam, so tests can fail a write)."""
    atomic_write(path, data)


# --- cache: index, import ------------------------------------------------------------------


def _index_path(cache: Path) -> Path:
    return cache / "index.json"


def _read_index(cache: Path) -> dict[str, dict]:
    """Index entries by relative path; {} when missing or unreadable (it gets rebuilt)."""
    try:
        doc = json.loads(_index_path(cache).read_text(encoding="utf-8"))
        return {e["path"]: e for e in doc["snapshots"] if isinstance(e, dict) and "path" in e}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _entry_from_file(path: Path, rel: str) -> dict | None:
    """An index entry rebuilt from the snapshot file itself (None when unreadable)."""
    try:
        doc = json.loads(path.read_bytes())
        feat = doc["features"][0]
        props = feat["properties"]
        geom = shape(feat["geometry"])
        return {"path": rel, "source": props["source"], "date": props["date"],
                "attribution": props["attribution"], "imported_at": props["imported_at"],
                "original_file_sha256": props.get("original_file_sha256", ""),
                **_area_fields(geom)}
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError,
            shapely.errors.GEOSException):
        return None


# A temp file (atomic_write's ".<name>.<random>.tmp") older than this was left by a writer
# that died (kill -9, power cut): a live write holds one for milliseconds.
STALE_TMP_SECONDS = 300.0


def sweep_tmp(cache: Path, older_than: float = STALE_TMP_SECONDS) -> list[Path]:
    """Remove temp files left in the control cache by interrupted writes; return them."""
    cutoff = time.time() - older_than
    gone = []
    for tmp in [*cache.glob(".*.tmp"), *cache.glob("*/.*.tmp")]:
        with contextlib.suppress(OSError):
            if tmp.is_file() and tmp.lstat().st_mtime < cutoff:
                tmp.unlink()
                gone.append(tmp)
    return gone


def _area_fields(geom) -> dict:
    """area_km2 (inside the 27 units: the only area any total counts) and outside_units_km2
    (sea, Russia, far-away polygons); the raw area when the boundary file is unusable."""
    try:
        inside, outside = inside_outside_km2(geom)
    except RegionsError:
        return {"area_km2": round(area_km2(geom), 3), "outside_units_km2": None}
    return {"area_km2": round(inside, 3), "outside_units_km2": round(outside, 3)}


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _current_entries(cache: Path) -> list[dict]:
    """Index entries checked against the files: stale ones are rebuilt, orphans dropped."""
    index = _read_index(cache)
    out = []
    for path in sorted(cache.glob("*/*.geojson")):
        if path.name.startswith(".") or not _DATE_RE.match(path.stem):
            continue
        rel = f"{path.parent.name}/{path.name}"
        try:
            size, mtime = _stamp(path)
        except OSError:
            continue
        entry = index.get(rel)
        if not entry or entry.get("size") != size or entry.get("mtime_ns") != mtime:
            entry = _entry_from_file(path, rel)
            if entry is None:
                continue
            entry.update(size=size, mtime_ns=mtime)
        out.append(entry)
    return out


def _info(cache: Path, e: dict) -> SnapshotInfo:
    return SnapshotInfo(source=e["source"], date=dt.date.fromisoformat(e["date"]),
                        attribution=e["attribution"], path=cache / e["path"],
                        imported_at=e.get("imported_at", ""), area_km2=e.get("area_km2"),
                        outside_units_km2=e.get("outside_units_km2"),
                        original_file_sha256=e.get("original_file_sha256", ""),
                        original_name=e.get("original_name", ""), kind=e.get("kind", ""))


def list_snapshots(cache_dir: str | os.PathLike | None = None) -> list[SnapshotInfo]:
    """Every cached snapshot, sorted by source then date. Reads only."""
    cache = control_dir(cache_dir)
    if not cache.is_dir():
        return []
    infos = []
    for e in _current_entries(cache):
        with contextlib.suppress(KeyError, ValueError, TypeError):
            infos.append(_info(cache, e))
    return sorted(infos, key=lambda i: (i.source.lower(), i.date))


def find_snapshot(source: str, date: str | dt.date,
                  cache_dir: str | os.PathLike | None = None) -> SnapshotInfo:
    """The snapshot of `source` (name or slug, any case) on `date`; SnapshotNotFound else."""
    day = parse_date(date)
    slug = slugify(source)
    infos = list_snapshots(cache_dir)
    same = [i for i in infos if i.slug == slug]
    for info in same:
        if info.date == day:
            return info
    if same:
        dates = ", ".join(i.date.isoformat() for i in same[-8:])
        raise SnapshotNotFound(f"no {same[0].source} snapshot of {day}; cached dates: {dates}"
                               f"{' (latest 8)' if len(same) > 8 else ''}")
    names = sorted({i.source for i in infos})
    have = f"cached sources: {', '.join(names)}" if names else "the cache is empty"
    raise SnapshotNotFound(f"no snapshot of source {source!r}; {have} "
                           "(import one with `claims-atlas control import` or `fetch`)")


def _default_attribution(source: str) -> str:
    return DEEPSTATE_ATTRIBUTION if slugify(source) == slugify(DEEPSTATE_SOURCE) \
        else f"Control: {source}"


@dataclass(frozen=True)
class Prepared:
    """One parsed snapshot ready to store, with what a worker may have computed for it:
    ``areas`` (_area_fields) and ``stats`` ((region_stats rows, snapshot km²) against the
    boundary file whose sha256 is ``regions_sha256``)."""

    parsed: ParsedControl
    date: dt.date
    original_sha256: str
    original_name: str
    areas: dict | None = None
    stats: tuple[list[dict], float] | None = None
    regions_sha256: str | None = None


def _canonical_source(cache: Path, slug: str, source: str) -> str:
    """One source, one name: "deepstatemap" and "DeepStateMap" are the same source; the
    spelling already in the cache (or DeepStateMap's own) is kept."""
    if slug == slugify(DEEPSTATE_SOURCE):
        return DEEPSTATE_SOURCE
    same = [e for e in _current_entries(cache) if e["path"].startswith(f"{slug}/")]
    if same:
        source = max(same, key=lambda e: e.get("imported_at", ""))["source"]
    return source.strip()


def _write_index(cache: Path, entries: list[dict]) -> None:
    """The index is derived from the snapshot files (list_snapshots rebuilds a stale one),
    so failing to refresh it does not undo a committed import."""
    entries.sort(key=lambda e: e["path"])
    index = {"format": 1, "generator": f"claims-atlas {__version__}", "snapshots": entries}
    with contextlib.suppress(OSError):
        _atomic_write(_index_path(cache),
                      json.dumps(index, indent=1, ensure_ascii=False).encode("utf-8"))


def store_snapshots(items: list[Prepared], *, source: str, attribution: str | None,
                    cache_dir: str | os.PathLike | None = None
                    ) -> list[tuple[SnapshotInfo, SnapshotInfo | None]]:
    """Write normalised snapshots (each replacing the same source+date), their figures (when
    given) and the index once; [(info, the replaced snapshot or None)] in `items` order."""
    slug = slugify(source)
    if not slug:
        raise ControlImportError(f"source name {source!r} needs at least one letter or digit")
    cache = control_dir(cache_dir)
    done: list[tuple[str, SnapshotInfo | None]] = []
    try:
        with exclusive(cache):
            sweep_tmp(cache)
            source = _canonical_source(cache, slug, source)
            attribution = (attribution or "").strip() or _default_attribution(source)
            entries = {e["path"]: e for e in _current_entries(cache)}
            with figures.connect(cache) as con:
                for item in items:
                    rel, previous = _write_one(cache, con, item, slug, source, attribution,
                                               entries)
                    done.append((rel, previous))
            _write_index(cache, list(entries.values()))
    except OSError as exc:
        raise ControlCacheError(f"cannot write to the cache {cache}: "
                                f"{exc.strerror or exc}") from None
    return [(_info(cache, entries[rel]), previous) for rel, previous in done]


def _write_one(cache: Path, con, item: Prepared, slug: str, source: str, attribution: str,
               entries: dict[str, dict]) -> tuple[str, SnapshotInfo | None]:
    day = item.date.isoformat()
    rel = f"{slug}/{day}.geojson"
    path = cache / rel
    props = {"source": source, "date": day, "attribution": attribution,
             "imported_at": _now(), "original_file_sha256": item.original_sha256}
    doc = {"type": "FeatureCollection",
           "features": [{"type": "Feature", "properties": props,
                         "geometry": mapping(item.parsed.geometry)}]}
    body = json.dumps(doc, separators=(",", ":")).encode("utf-8")
    previous = None
    if path.exists():
        old = entries.get(rel) or _entry_from_file(path, rel)
        if old is not None:
            previous = _info(cache, old)
    _atomic_write(path, body)  # the commit point: the file is the truth
    size, mtime = _stamp(path)
    entries[rel] = {**props, "path": rel, "size": size, "mtime_ns": mtime,
                    **(item.areas or _area_fields(item.parsed.geometry)),
                    "original_name": item.original_name, "kind": item.parsed.kind}
    figures.forget(con, slug, day)  # the old snapshot's figures and overlay
    if item.stats is not None and item.regions_sha256:
        rows, snapshot_km2 = item.stats
        figures.put(con, slug, day, rows,
                    figures.stats_key(_sha256(body), item.regions_sha256), snapshot_km2)
    return rel, previous


def store_snapshot(parsed: ParsedControl, *, source: str, date: dt.date,
                   attribution: str | None, original_sha256: str, original_name: str,
                   cache_dir: str | os.PathLike | None = None) -> tuple[SnapshotInfo,
                                                                        SnapshotInfo | None]:
    """Write one normalised snapshot (replacing the same source+date) and update the index."""
    (result,) = store_snapshots([Prepared(parsed, date, original_sha256, original_name)],
                                source=source, attribution=attribution, cache_dir=cache_dir)
    return result


def import_bytes(raw: bytes, name: str, *, source: str, date: str | dt.date,
                 attribution: str | None = None, cache_dir: str | os.PathLike | None = None,
                 repair: bool = False, deepstate: bool | None = None) -> ImportResult:
    """Parse and cache one snapshot. Nothing is written unless parsing succeeds."""
    day = parse_date(date)
    if not slugify(source):
        raise ControlImportError(f"{name}: source name {source!r} needs a letter or digit")
    parsed = parse_control(raw, name, date=day, deepstate=deepstate, repair=repair)
    info, previous = store_snapshot(parsed, source=source, date=day, attribution=attribution,
                                    original_sha256=_sha256(raw), original_name=name,
                                    cache_dir=cache_dir)
    return ImportResult(info=info, parsed=parsed, replaced=previous)


def read_input(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_INPUT_BYTES; ControlImportError otherwise.

    Opened without blocking and checked with fstat, so a named pipe, a device or a socket is
    refused at once instead of hanging the import.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        raise ControlImportError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise ControlImportError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ControlImportError(f"{path}: is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise ControlImportError(f"{path}: not a regular file (a named pipe, device or "
                                     "socket); refused")
        if st.st_size > MAX_INPUT_BYTES:
            raise ControlImportError(f"{path}: {st.st_size >> 20} MB, more than "
                                     f"{MAX_INPUT_BYTES >> 20} MB; refused")
        try:
            return fh.read(MAX_INPUT_BYTES + 1)
        except OSError as exc:
            raise ControlImportError(f"{path}: cannot read ({exc.strerror or exc})") from None


def import_file(path: str | os.PathLike, *, source: str, date: str | dt.date,
                attribution: str | None = None, cache_dir: str | os.PathLike | None = None,
                repair: bool = False) -> ImportResult:
    """Import a control file (see the module docstring for the accepted shapes)."""
    path = Path(path)
    raw = read_input(path)
    result = import_bytes(raw, str(path), source=source, date=date, attribution=attribution,
                          cache_dir=cache_dir, repair=repair)
    m = re.search(r"((?:19|20)\d{2})(\d{2})(\d{2})", path.name)
    if m and m.group(0) != result.info.date.strftime("%Y%m%d"):
        notes = result.parsed.notes + (
            f"the file name says {m.group(1)}-{m.group(2)}-{m.group(3)}, "
            f"imported as {result.info.date}",)
        result = replace(result, parsed=replace(result.parsed, notes=notes))
    return result


# --- geometry: loading and splitting -------------------------------------------------------


@lru_cache(maxsize=32)
def _load(path: str, size: int, mtime_ns: int) -> MultiPolygon:
    doc = json.loads(Path(path).read_bytes())
    return as_multipolygon(shape(doc["features"][0]["geometry"]))


def load_snapshot(info: SnapshotInfo) -> MultiPolygon:
    """The occupied area of a cached snapshot, EPSG:4326."""
    try:
        size, mtime = _stamp(info.path)
        return _load(str(info.path), size, mtime)
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError,
            shapely.errors.GEOSException) as exc:
        raise ControlCacheError(f"{info.path}: not a readable snapshot ({exc}); "
                                "import it again") from None


