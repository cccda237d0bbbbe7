"""Importing a history: many dated files at once, in parallel, idempotent.

``import_series(paths, *, source, ...) -> SeriesResult`` takes archive files named like
``deepstatemap_data_YYYYMMDD.geojson`` (the date comes from the name; ``dated_files``
finds them in a folder or a glob). Each file is read, parsed and measured (region_stats
against the boundary file) in worker processes; the main process writes the snapshots,
their rows of the figures table and the index in batches. A file whose snapshot is already
cached from the same bytes, with figures for the current boundary file and method, is
skipped without being parsed: re-running an import costs one read and hash per file.

Errors: a file that cannot be imported is reported in ``SeriesResult.failed`` as
"NAME: what is wrong" and the others are still imported; ControlCacheError /
RegionsError stop the import.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from claims_atlas.core.control import figures
from claims_atlas.core.control.areas import region_stats, totals_of
from claims_atlas.core.control.common import (
    REGIONS_GEOJSON,
    ControlError,
    ControlImportError,
    RegionsError,
    control_dir,
    slugify,
)
from claims_atlas.core.control.parse import parse_control
from claims_atlas.core.control.store import (
    Prepared,
    _current_entries,
    read_input,
    store_snapshots,
)
from claims_atlas.core.control.units import read_regions

NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
PATTERN = "*.geojson*"  # what a folder contributes: .geojson and .geojson.gz files
BATCH = 32  # snapshots written per lock, figures transaction and index refresh


@dataclass
class SeriesResult:
    imported: list[dt.date] = field(default_factory=list)
    skipped: list[dt.date] = field(default_factory=list)  # unchanged: nothing to do
    failed: list[str] = field(default_factory=list)  # "NAME: what is wrong"
    notes: list[str] = field(default_factory=list)


def date_from_name(path: str | os.PathLike) -> dt.date | None:
    """The date in a file name like deepstatemap_data_20251120.geojson, else None."""
    m = NAME_DATE.search(Path(path).name)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def dated_files(spec: str | os.PathLike) -> list[tuple[Path, dt.date]]:
    """(file, date from its name) for a folder (its *.geojson[.gz] files) or a glob, by
    date; ControlImportError when nothing dated matches, or two files give one date."""
    text = str(spec)
    if Path(text).is_dir():
        paths = sorted(Path(text).glob(PATTERN))
    elif glob.has_magic(text):
        paths = sorted(Path(p) for p in glob.glob(text))
    else:
        paths = [Path(text)]
    found = [(p, d) for p in paths if (d := date_from_name(p)) is not None]
    if not found:
        raise ControlImportError(f"{text}: no files with a date in their name "
                                 "(like deepstatemap_data_20251120.geojson)")
    seen: dict[dt.date, Path] = {}
    for p, d in found:
        if d in seen:
            raise ControlImportError(f"{p}: dated {d} like {seen[d]}; keep one of them")
        seen[d] = p
    return sorted(found, key=lambda x: x[1])


# --- the worker ----------------------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(regions_path: str) -> None:
    _WORKER["regions"] = read_regions(regions_path)
    _WORKER["path"] = regions_path


def _measure(job: tuple[str, str, bytes | None]) -> tuple:
    """Parse and measure one file: ("ok", Prepared) or ("failed", message)."""
    path, day, raw = job
    try:
        if raw is None:
            raw = read_input(Path(path))
        date = dt.date.fromisoformat(day)
        parsed = parse_control(raw, path, date=date)
        rows = region_stats(parsed.geometry, _WORKER["regions"])
        totals = totals_of(rows, parsed.geometry)
        # What lies inside the units, from the figures (the sum over units of the plain
        # intersection) rather than another intersection with the land.
        inside = totals["russian_km2"] - totals["slivers_km2"] + totals["specks_km2"]
        areas = {"area_km2": round(inside, 3),
                 "outside_units_km2": round(max(0.0, totals["snapshot_km2"] - inside), 3)}
        return "ok", Prepared(parsed=parsed, date=date,
                              original_sha256=hashlib.sha256(raw).hexdigest(),
                              original_name=path, areas=areas,
                              stats=(rows, totals["snapshot_km2"]))
    except ControlError as exc:
        return "failed", str(exc)
    except Exception as exc:  # noqa: BLE001 - one bad file never stops a series
        return "failed", f"{path}: cannot import ({type(exc).__name__}: {exc})"


# --- the import ----------------------------------------------------------------------------


def _unchanged(cache: Path, slug: str, regions_sha: str) -> dict[str, str]:
    """date -> original sha256 of the snapshots cached with valid figures."""
    have = {e["date"]: e.get("original_file_sha256", "") for e in _current_entries(cache)
            if e["path"].startswith(f"{slug}/")} if cache.is_dir() else {}
    if not have:
        return {}
    with figures.connect(cache) as con:
        stored = figures.keys(con, slug)
    return {d: sha for d, sha in have.items()
            if d in stored and stored[d][1:] == (regions_sha, figures.METHOD_VERSION)}


def import_series(files: Iterable[tuple[str | os.PathLike, dt.date]], *, source: str,
                  attribution: str | None = None, cache_dir: str | os.PathLike | None = None,
                  jobs: int | None = None, regions_path: str | os.PathLike | None = None,
                  progress: Callable[[int], None] | None = None) -> SeriesResult:
    """Import dated files (see module doc). `jobs`: worker processes (default:
    os.cpu_count()); `progress(n)` is called as n more files are done."""
    slug = slugify(source)
    if not slug:
        raise ControlImportError(f"source name {source!r} needs at least one letter or digit")
    rpath = str(Path(regions_path) if regions_path else REGIONS_GEOJSON)
    try:
        regions_sha = hashlib.sha256(Path(rpath).read_bytes()).hexdigest()
    except OSError:
        raise RegionsError(f"{rpath}: missing (the 27 units; rebuild geodata)") from None
    cache = control_dir(cache_dir)
    done = _unchanged(cache, slug, regions_sha)
    result = SeriesResult()
    todo: list[tuple[str, str, bytes | None]] = []
    for path, day in files:
        try:
            raw = read_input(Path(path))
        except ControlImportError as exc:
            result.failed.append(str(exc))
            _tick(progress)
            continue
        if done.get(day.isoformat()) == hashlib.sha256(raw).hexdigest():
            result.skipped.append(day)
            _tick(progress)
        else:
            todo.append((str(path), day.isoformat(), raw))
    if todo:
        _run(todo, rpath, regions_sha, source, attribution, cache_dir, jobs, progress, result)
    result.imported.sort()
    return result


def _tick(progress: Callable[[int], None] | None, n: int = 1) -> None:
    if progress is not None:
        progress(n)


def _run(todo, rpath, regions_sha, source, attribution, cache_dir, jobs, progress,
         result: SeriesResult) -> None:
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    batch: list[Prepared] = []

    def flush() -> None:
        if batch:
            store_snapshots(batch, source=source, attribution=attribution,
                            cache_dir=cache_dir)
            result.imported.extend(p.date for p in batch)
            batch.clear()

    def take(outcome: tuple) -> None:
        kind, value = outcome
        if kind == "ok":
            batch.append(replace(value, regions_sha256=regions_sha))
            if len(batch) >= BATCH:
                flush()
        else:
            result.failed.append(value)
        _tick(progress)

    if workers == 1:
        _init_worker(rpath)
        for job in todo:
            take(_measure(job))
    else:
        # The bytes were read once for the idempotence check; workers read the file again
        # rather than receive them through a pipe (cheaper than pickling 769 x 80 KB).
        light = [(p, d, None) for p, d, _ in todo]
        with ProcessPoolExecutor(workers, initializer=_init_worker,
                                 initargs=(rpath,)) as pool:
            for outcome in pool.map(_measure, light, chunksize=4):
                take(outcome)
    flush()
