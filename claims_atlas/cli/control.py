"""`claims-atlas control ...`: import, fetch, list and measure territorial-control snapshots.

Domain errors are the named exceptions of :mod:`claims_atlas.core.control`; here they become
one line on stderr, ``claims-atlas: error: ...``, and exit status 1, never a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import glob
import io
import json
import sys
import textwrap
import time
from pathlib import Path

import click

from claims_atlas.cli.common import fail, seeds_option
from claims_atlas.core import control as ctl
from claims_atlas.core.control import history, timeline


def _date(text: str, option: str = "--date"):
    try:
        return ctl.parse_date(text)
    except ValueError as exc:
        fail(f"{option}: {exc}")


repair_option = click.option(
    "--repair", is_flag=True,
    help="Mend invalid polygons (shapely.make_valid) instead of refusing the input.")


def _report(result: ctl.ImportResult) -> None:
    info, parsed = result.info, result.parsed
    for note in parsed.notes:
        click.echo(f"note: {note}", err=True)
    left_out = ", ".join(f"{n} {k}" for k, n in sorted(parsed.dropped.items()))
    if result.replaced is not None:
        click.echo(f"replaced the {info.source} snapshot of {info.date} imported "
                   f"{result.replaced.imported_at or 'earlier'} (same source and date)",
                   err=True)
    area = f"{info.area_km2:,.0f} km²" if info.area_km2 is not None else "?"
    if info.outside_units_km2:
        area += (f" in the 27 units ({info.outside_units_km2:,.0f} km² outside them: "
                 "not counted)")
    click.echo(f"imported {info.source} {info.date}: {parsed.kind}, {parsed.polygons} "
               f"polygon(s){'; left out ' + left_out if left_out else ''}; {area} -> "
               f"{info.path}")
    if result.url:
        click.echo(f"fetched {result.url}", err=True)
    click.echo(info.credit, err=True)


@click.group("control", context_settings={"help_option_names": ["-h", "--help"]})
def control() -> None:
    """Territorial-control snapshots (the line of contact): import, fetch, list, stats.

    Snapshots are cached under $CLAIMS_ATLAS_CACHE (default ~/.cache/claims-atlas)/control/.
    Nothing is downloaded except by `fetch`.
    """


@control.command("import")
@click.argument("path", metavar="PATH")
@click.option("--date", "date_text", default=None, metavar="YYYY-MM-DD",
              help="The date the snapshot shows (one file; default: the date in its name).")
@click.option("--source", required=True, help='Source name, e.g. "DeepStateMap" or "ISW".')
@click.option("--attribution", default=None,
              help='Credit line (default: "Control: <source>", or DeepStateMap\'s own).')
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for a folder or glob (default: the CPUs).")
@click.option("--overlays", is_flag=True,
              help="Also draw and keep every snapshot's map overlay (for the date slider).")
@repair_option
@seeds_option
def import_cmd(path: str, date_text: str | None, source: str, attribution: str | None,
               jobs: int | None, overlays: bool, repair: bool, seeds: Path | None) -> None:
    """Import PATH: one file (a DeepStateMap archive or API file, or any GeoJSON of
    polygons), or a folder or quoted glob of archive files named like
    deepstatemap_data_YYYYMMDD.geojson (dates from the names, imported in parallel).

    Importing the same source and date again replaces that snapshot; a folder imported again
    skips the files already imported from the same bytes.
    """
    many = Path(path).is_dir() or glob.has_magic(path)
    if many and date_text is not None:
        fail("--date: only for one file; a folder's dates come from the file names")
    if many:
        _import_series(path, source, attribution, jobs, overlays)
        return
    day = _date(date_text) if date_text is not None else history.date_from_name(path)
    if day is None:
        fail(f"{path}: no date in the file name; give --date YYYY-MM-DD")
    try:
        result = ctl.import_file(Path(path), source=source, date=day,
                                 attribution=attribution, repair=repair)
    except ctl.ControlError as exc:
        fail(exc)
    except Exception as exc:  # never a traceback for a bad file
        fail(f"{path}: cannot import ({type(exc).__name__}: {exc})")
    _measure_now(result.info)
    if overlays:
        _warm(source)
    _report(result)


def _warm(source: str) -> None:
    count = len(timeline.snapshot_dates(source))
    with click.progressbar(length=count, label=f"drawing {count} overlay(s)",
                           file=sys.stderr, show_pos=True, show_eta=True) as bar:
        try:
            timeline.warm_overlays(source, progress=bar.update)
        except ctl.ControlError as exc:
            fail(exc)


def _measure_now(info: ctl.SnapshotInfo) -> None:
    """Store the snapshot's figures now, so that no reader ever computes them."""
    with contextlib.suppress(ctl.ControlError):
        ctl.snapshot_stats(info)


def _import_series(spec: str, source: str, attribution: str | None, jobs: int | None,
                   overlays: bool = False) -> None:
    try:
        files = history.dated_files(spec)
    except ctl.ControlError as exc:
        fail(exc)
    started = time.monotonic()
    with click.progressbar(length=len(files), label=f"importing {len(files)} file(s)",
                           file=sys.stderr, show_pos=True,
                           show_eta=True) as bar:
        try:
            result = history.import_series(files, source=source, attribution=attribution,
                                           jobs=jobs, progress=bar.update)
        except ctl.ControlError as exc:
            fail(exc)
    if overlays:
        _warm(source)
    for message in result.failed:
        click.echo(f"claims-atlas: error: {message}", err=True)
    span = (f", {result.imported[0]} to {result.imported[-1]}" if result.imported else "")
    click.echo(f"imported {len(result.imported)} snapshot(s){span}; "
               f"{len(result.skipped)} unchanged, {len(result.failed)} failed "
               f"({time.monotonic() - started:.1f} s)")
    if result.failed:
        raise SystemExit(1)


@control.command("fetch")
@click.option("--date", "date_text", default=None, metavar="YYYY-MM-DD",
              help="The snapshot for this day (the API's snapshot at 12:00 UTC); "
                   "default: the latest.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds to wait for the server.")
@repair_option
@seeds_option
def fetch_cmd(date_text: str | None, timeout: float, repair: bool, seeds: Path | None) -> None:
    """Download a DeepStateMap snapshot (deepstatemap.live) and cache it.

    The base URL can be changed with $CLAIMS_ATLAS_DEEPSTATE_URL.
    """
    day = None if date_text is None else _date(date_text)
    try:
        result = ctl.fetch_deepstate(day, timeout=timeout, repair=repair)
    except ctl.ControlError as exc:
        fail(exc)
    _measure_now(result.info)
    _report(result)


@control.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@seeds_option
def list_cmd(fmt: str, seeds: Path | None) -> None:
    """List the cached snapshots."""
    infos = ctl.list_snapshots()
    if fmt == "json":
        click.echo(json.dumps([{
            "source": i.source, "date": i.date.isoformat(), "attribution": i.attribution,
            "area_km2": None if i.area_km2 is None else round(i.area_km2, 1),
            "imported_at": i.imported_at, "path": str(i.path)} for i in infos], indent=1,
            ensure_ascii=False))
        return
    if not infos:
        click.echo(f"no snapshots in {ctl.control_dir()} (use `claims-atlas control import` "
                   "or `fetch`)", err=True)
        return
    rows = [("source", "date", "attribution", "area km²", "imported at", "path")]
    rows += [(i.source, i.date.isoformat(), i.attribution,
              "?" if i.area_km2 is None else f"{i.area_km2:,.0f}", i.imported_at, str(i.path))
             for i in infos]
    click.echo(_table(rows, right={3}))


def _table(rows: list[tuple], right: set[int] = frozenset()) -> str:
    widths = [max(len(str(r[c])) for r in rows) for c in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [str(v).rjust(w) if c in right else str(v).ljust(w)
                 for c, (v, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


FIELDS = ("region", "name", "area_km2", "russian_km2", "russian_share", "ukrainian_km2",
          "slivers_km2")


def _rounded(row: dict) -> dict:
    out = {}
    for k, v in row.items():
        if isinstance(v, float):
            v = round(v, 5) if k.endswith("share") else round(v, 2)
        out[k] = v
    return out


@control.command("stats")
@click.option("--date", "date_text", default=None, metavar="YYYY-MM-DD",
              help="One snapshot's figures.")
@click.option("--from", "from_text", default=None, metavar="YYYY-MM-DD",
              help="A series: every snapshot from this date ...")
@click.option("--to", "to_text", default=None, metavar="YYYY-MM-DD",
              help="... to this one (inclusive; either may be left out).")
@click.option("--source", required=True, help="Source name (as imported; any case).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "table"]), default="table",
              show_default=True)
@click.option("--regions", "regions_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Boundary file (default: geodata/ukraine_regions.geojson).")
@seeds_option
def stats_cmd(date_text: str | None, from_text: str | None, to_text: str | None, source: str,
              fmt: str, regions_path: Path | None, seeds: Path | None) -> None:
    """Occupied and Ukrainian-held area per unit: one cached snapshot (--date), or a series
    (--from/--to) read from the stored figures."""
    if date_text is not None and (from_text or to_text):
        fail("--date: give either --date or --from/--to, not both")
    if date_text is None and not (from_text or to_text):
        fail("give --date YYYY-MM-DD, or --from/--to for a series")
    if date_text is None:
        _series(source, from_text, to_text, fmt, regions_path)
        return
    day = _date(date_text)
    try:
        info = ctl.find_snapshot(source, day)
        report = ctl.snapshot_stats(info, regions_path)
    except ctl.ControlError as exc:
        fail(exc)
    if fmt == "json":
        click.echo(json.dumps(_stats_doc(report, info), indent=1, ensure_ascii=False))
    elif fmt == "csv":
        buf = io.StringIO()
        for key, value in (("source", report.source), ("date", report.date.isoformat()),
                           ("attribution", report.attribution), ("credit", info.credit),
                           ("method", report.method)):
            buf.write(f"# {key}: {value}\n")
        t = report.totals
        buf.write(f"# total: area_km2={t['area_km2']:.2f} russian_km2={t['russian_km2']:.2f} "
                  f"russian_share={t['russian_share']:.5f} "
                  f"ukrainian_km2={t['ukrainian_km2']:.2f}\n")
        writer = csv.DictWriter(buf, fieldnames=FIELDS, extrasaction="ignore",
                                lineterminator="\n")
        writer.writeheader()
        for row in report.regions:
            writer.writerow(_rounded(row))
        click.echo(buf.getvalue(), nl=False)
    else:
        click.echo(_stats_table(report, info))


def _stats_doc(report: ctl.StatsReport, info: ctl.SnapshotInfo) -> dict:
    doc = report.as_dict()
    doc["regions"] = [_rounded(r) for r in doc["regions"]]
    doc["totals"] = _rounded(doc["totals"])
    doc["credit"] = info.credit
    return doc


SERIES_FIELDS = ("date", "region", "name", "area_km2", "russian_km2", "russian_share",
                 "ukrainian_km2", "slivers_km2", "source", "credit")
SERIES_TABLE_UNITS = ("UA-14", "UA-09", "UA-23", "UA-65", "UA-43", "UA-63")


def _series(source: str, from_text: str | None, to_text: str | None, fmt: str,
            regions_path: Path | None) -> None:
    lo = _date(from_text, "--from") if from_text else None
    hi = _date(to_text, "--to") if to_text else None
    if lo and hi and lo > hi:
        fail(f"--from {lo} is after --to {hi}")
    try:
        infos = [i for i in ctl.list_snapshots() if i.slug == ctl.slugify(source)]
        if not infos:
            ctl.find_snapshot(source, lo or hi)  # raises the one-line "no snapshot" error
        chosen = [i for i in infos if (lo is None or i.date >= lo) and (hi is None or
                                                                        i.date <= hi)]
        reports = [(i, ctl.snapshot_stats(i, regions_path)) for i in chosen]
    except ctl.ControlError as exc:
        fail(exc)
    if not reports:
        have = f"{infos[0].date} to {infos[-1].date}"
        fail(f"no {infos[0].source} snapshot between {lo or 'the start'} and "
             f"{hi or 'the end'} (cached: {have})")
    first = reports[0][1]
    if fmt == "json":
        click.echo(json.dumps({
            "source": first.source, "attribution": first.attribution, "method": first.method,
            "from": reports[0][0].date.isoformat(), "to": reports[-1][0].date.isoformat(),
            "snapshots": [_stats_doc(r, i) for i, r in reports]}, indent=1,
            ensure_ascii=False))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=SERIES_FIELDS, extrasaction="ignore",
                                lineterminator="\n")
        writer.writeheader()  # header on line 1; provenance in the columns
        for info, report in reports:
            for row in report.regions:
                writer.writerow({**_rounded(row), "date": info.date.isoformat(),
                                 "source": info.source, "credit": info.credit})
        click.echo(buf.getvalue(), nl=False)
    else:
        names = {r["region"]: r["name"] for r in first.regions}
        units = [u for u in SERIES_TABLE_UNITS if u in names]
        rows = [("date", "Russian km²", "Russian %", *[f"{names[u]} %" for u in units])]
        for info, report in reports:
            by = {r["region"]: r for r in report.regions}
            t = report.totals
            rows.append((info.date.isoformat(), f"{t['russian_km2']:,.0f}",
                         f"{100 * t['russian_share']:.2f}",
                         *[f"{100 * by[u]['russian_share']:.2f}" for u in units]))
        click.echo(f"{first.attribution}, {len(reports)} snapshot(s)\n\n"
                   + _table(rows, right=set(range(1, len(rows[0])))) + "\n\n"
                   + textwrap.fill(f"Method: {first.method}", width=96))


def _stats_table(report: ctl.StatsReport, info: ctl.SnapshotInfo) -> str:
    rows = [("region", "name", "area km²", "Russian km²", "Russian %", "Ukrainian km²",
             "slivers km²")]
    ordered = sorted(report.regions, key=lambda r: (-r["russian_share"], r["region"]))
    for r in ordered:
        rows.append((r["region"], r["name"], f"{r['area_km2']:,.0f}",
                     f"{r['russian_km2']:,.0f}", f"{100 * r['russian_share']:.1f}",
                     f"{r['ukrainian_km2']:,.0f}", f"{r.get('slivers_km2', 0.0):,.1f}"))
    t = report.totals
    rows.append(("total", f"{len(report.regions)} units", f"{t['area_km2']:,.0f}",
                 f"{t['russian_km2']:,.0f}", f"{100 * t['russian_share']:.1f}",
                 f"{t['ukrainian_km2']:,.0f}", f"{t.get('slivers_km2', 0.0):,.1f}"))
    head = f"{info.credit}\n\n"
    method = textwrap.fill(f"Method: {report.method}", width=96)
    return head + _table(rows, right={2, 3, 4, 5, 6}) + "\n\n" + method
