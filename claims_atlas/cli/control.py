"""`claims-atlas control ...`: import, fetch, list and measure territorial-control snapshots.

Domain errors are the named exceptions of :mod:`claims_atlas.core.control`; here they become
one line on stderr, ``claims-atlas: error: ...``, and exit status 1, never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path

import click

from claims_atlas.cli.common import fail, seeds_option
from claims_atlas.core import control as ctl


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
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--date", "date_text", required=True, metavar="YYYY-MM-DD",
              help="The date the snapshot shows.")
@click.option("--source", required=True, help='Source name, e.g. "DeepStateMap" or "ISW".')
@click.option("--attribution", default=None,
              help='Credit line (default: "Control: <source>", or DeepStateMap\'s own).')
@repair_option
@seeds_option
def import_cmd(file: Path, date_text: str, source: str, attribution: str | None,
               repair: bool, seeds: Path | None) -> None:
    """Import FILE: a DeepStateMap archive or API file, or any GeoJSON of polygons.

    Importing the same source and date again replaces that snapshot.
    """
    day = _date(date_text)
    try:
        result = ctl.import_file(file, source=source, date=day, attribution=attribution,
                                 repair=repair)
    except ctl.ControlError as exc:
        fail(exc)
    except Exception as exc:  # never a traceback for a bad file
        fail(f"{file}: cannot import ({type(exc).__name__}: {exc})")
    _report(result)


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
@click.option("--date", "date_text", required=True, metavar="YYYY-MM-DD")
@click.option("--source", required=True, help="Source name (as imported; any case).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "table"]), default="table",
              show_default=True)
@click.option("--regions", "regions_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Boundary file (default: geodata/ukraine_regions.geojson).")
@seeds_option
def stats_cmd(date_text: str, source: str, fmt: str, regions_path: Path | None,
              seeds: Path | None) -> None:
    """Occupied and Ukrainian-held area per unit for one cached snapshot."""
    day = _date(date_text)
    try:
        info = ctl.find_snapshot(source, day)
        report = ctl.snapshot_stats(info, regions_path)
    except ctl.ControlError as exc:
        fail(exc)
    if fmt == "json":
        doc = report.as_dict()
        doc["regions"] = [_rounded(r) for r in doc["regions"]]
        doc["totals"] = _rounded(doc["totals"])
        doc["credit"] = info.credit
        click.echo(json.dumps(doc, indent=1, ensure_ascii=False))
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
