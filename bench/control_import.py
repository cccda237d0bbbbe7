"""How long `claims-atlas control import` takes on a history, and its re-run (a no-op).

    .venv/bin/python bench/control_import.py                     # synthetic, 769 files
    .venv/bin/python bench/control_import.py --files 100
    .venv/bin/python bench/control_import.py --archive DIR       # e.g. a checkout's data/

Without --archive it writes a synthetic series of realistic size into a temp folder: one
file a day from 2024-07-08, each a MultiPolygon of ~10,000 vertices over the east and south
(a jagged made-up "occupied area" whose west edge moves a little every day; not a real line
of contact), like the DeepStateMap community archive's ~80 KB days. Nothing is downloaded.
Prints JSON: files, first run and re-run seconds (wall), CPU seconds of the first run (the
import and its workers: what an idle machine would need, shared by its cores), load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def synthetic_day(day: int, vertices: int = 10_000) -> dict:
    """A made-up occupied area: east of a wavy meridian near 37°E (moving with `day`),
    between 46.6°N and 49.9°N, plus a Crimea-sized block; ~`vertices` vertices."""
    n = vertices // 2
    west = []
    for i in range(n + 1):
        lat = 46.6 + 3.3 * i / n
        wobble = 0.08 * math.sin(lat * 40 + day * 0.05) + 0.02 * math.sin(lat * 400)
        west.append([round(37.0 + wobble - 0.0005 * day, 6), round(lat, 6)])
    east = [[40.0, 49.9], [40.0, 46.6]]
    ring = west + east + [west[0]]
    crimea = [[32.5, 44.4], [36.6, 44.4], [36.6, 46.1], [32.5, 46.1], [32.5, 44.4]]
    return {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
            "geometry": {"type": "MultiPolygon", "coordinates": [[ring], [crimea]]}}]}


def write_series(folder: Path, count: int) -> None:
    start = dt.date(2024, 7, 8)
    for i in range(count):
        day = start + dt.timedelta(days=i)
        (folder / f"deepstatemap_data_{day:%Y%m%d}.geojson").write_text(
            json.dumps(synthetic_day(i), separators=(",", ":")))


def timed_import(folder: Path, cache: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the import and its workers, what it printed)."""
    env = {**os.environ, "CLAIMS_ATLAS_CACHE": str(cache)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "claims_atlas.cli", "control", "import",
                           str(folder), "--source", "Bench"], env=env, capture_output=True,
                          text=True, timeout=1800, check=False)
    elapsed = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"import failed: {done.stderr.strip()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=None,
                        help="folder of deepstatemap_data_YYYYMMDD.geojson files")
    parser.add_argument("--files", type=int, default=769)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="claims-atlas-bench-control-"))
    try:
        folder = args.archive
        if folder is None:
            folder = tmp / "series"
            folder.mkdir()
            write_series(folder, args.files)
        files = len(list(folder.glob("*.geojson*")))
        first, cpu, said = timed_import(folder, tmp / "cache")
        again, _, said_again = timed_import(folder, tmp / "cache")
        print(json.dumps({"files": files, "synthetic": args.archive is None,
                          "first_run_s": round(first, 1),
                          "per_file_ms": round(1000 * first / max(files, 1), 1),
                          "cpu_s": round(cpu, 1),
                          "cpu_per_file_ms": round(1000 * cpu / max(files, 1), 1),
                          "rerun_s": round(again, 2), "cpus": os.cpu_count(),
                          "load_average": [round(x, 1) for x in os.getloadavg()],
                          "first_run_said": said, "rerun_said": said_again}, indent=1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
