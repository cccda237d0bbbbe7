"""`claims-atlas validate` and `claims-atlas export`: the catalog checked, and written out."""

from __future__ import annotations

from pathlib import Path

import click

from claims_atlas.cli.common import fail, load, seeds_option, write_out
from claims_atlas.core import catalog as cat
from claims_atlas.core import export, geo, then_now
from claims_atlas.core.control import ControlError
from claims_atlas.render import formats


@click.command()
@seeds_option
def validate(seeds: Path | None) -> None:
    """Check the whole catalog and geodata; print path:line: problem for each mistake."""
    catalog, found = cat.read_catalog(seeds)
    problems = [str(p) for p in cat.all_problems(catalog, found)]
    problems += geo.check_against({r.id for r in catalog.regions})
    for line in problems:
        click.echo(line)
    if problems:
        click.echo(f"{len(problems)} problem(s)", err=True)
        raise SystemExit(1)
    click.echo(f"ok: {len(catalog.proposals)} proposals, {len(catalog.statements)} statements, "
               f"{len(catalog.documents)} documents, {len(catalog.places)} places, "
               f"{len(catalog.briefings)} briefings", err=True)


@click.command("export")
@click.option("--format", "fmt", type=click.Choice([f.id for f in formats.FORMATS]),
              default="json", show_default=True,
              help="; ".join(f"{f.id}: {f.label} ({f.scope})" for f in formats.FORMATS))
@click.option("--proposal", default=None,
              help="Proposal id (per-proposal formats; CSV: only this one).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of stdout.")
@click.option("--control", "control_sel", metavar="SOURCE/DATE", default=None,
              help="png: draw this control snapshot's line of contact and split (the nearest "
                   "snapshot on or before DATE), e.g. DeepStateMap/2025-11-20.")
@seeds_option
def export_cmd(fmt: str, proposal: str | None, output: Path | None, control_sel: str | None,
               seeds: Path | None) -> None:
    """Export the catalog, or one proposal, in one of the export formats."""
    from claims_atlas.core.query import default_proposal_id
    from claims_atlas.render import formats as fm

    catalog = load(seeds)
    if proposal is not None and catalog.proposal(proposal) is None:
        known = ", ".join(p.id for p in catalog.proposals)
        raise click.BadParameter(f"unknown proposal {proposal!r} (known: {known})",
                                 param_hint="--proposal")
    if control_sel is not None and not fm.get(fmt).draws_control:  # not ignored in silence
        drawn = ", ".join(f.id for f in fm.FORMATS if f.draws_control)
        raise click.BadParameter(f"applies to --format {drawn} only, not {fmt}",
                                 param_hint="--control")
    if fmt == "csv" and proposal:
        write_out(export.to_csv(catalog, [proposal],
                                control_source=then_now.default_source()), output)
        return
    control = None
    if control_sel is not None:
        source, _, date = control_sel.rpartition("/")
        if not source or len(date) != 10:
            raise click.BadParameter(f"{control_sel!r} is not SOURCE/YYYY-MM-DD",
                                     param_hint="--control")
        control = (date, source)
    try:
        built = fm.get(fmt).build(catalog, proposal or default_proposal_id(catalog), (),
                                  control=control)
    except ValueError as exc:  # a malformed date
        raise click.BadParameter(str(exc), param_hint="--control") from exc
    except ControlError as exc:  # no snapshot of that source on or before the date
        fail(str(exc))
    write_out(built, output)
