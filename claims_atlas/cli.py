"""The `claims-atlas` command: thin glue over core and render.

Domain errors are named exceptions in core; they become one-line messages here, never a
traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from claims_atlas.core import catalog as cat
from claims_atlas.core import export, geo

APP_SCRIPT = Path(__file__).resolve().parent / "app" / "main.py"

seeds_option = click.option(
    "--seeds", "seeds", type=click.Path(file_okay=False, path_type=Path), default=None,
    help=f"Catalog folder (default: ${cat.SEEDS_ENV} or the repository's seeds/).")


def load(seeds: Path | None):
    """The validated catalog, or exit 1 printing every problem as path:line: message."""
    try:
        return cat.load_catalog(seeds)
    except cat.CatalogInvalid as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(1) from None
    except geo.GeodataError as exc:
        raise click.ClickException(str(exc)) from None


def write_out(text: str | bytes, output: Path | None) -> None:
    """To stdout, or atomically to a file."""
    if output is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            click.echo(text, nl=False)
        return
    from claims_atlas.core.files import atomic_write

    atomic_write(output, text)
    click.echo(f"wrote {output}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claims-atlas")
def main() -> None:
    """claims-atlas: who would get what under each plan to end the war in Ukraine."""


@main.command()
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


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "geojson"]), default="json",
              show_default=True)
@click.option("--proposal", default=None, help="Proposal id (GeoJSON; CSV: only this one).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of stdout.")
@seeds_option
def export_cmd(fmt: str, proposal: str | None, output: Path | None, seeds: Path | None) -> None:
    """Export the catalog as JSON, a CSV of proposal x region, or GeoJSON of one proposal."""
    catalog = load(seeds)
    if proposal is not None and catalog.proposal(proposal) is None:
        known = ", ".join(p.id for p in catalog.proposals)
        raise click.BadParameter(f"unknown proposal {proposal!r} (known: {known})",
                                 param_hint="--proposal")
    if fmt == "json":
        text = export.dumps(export.to_json(catalog))
    elif fmt == "csv":
        text = export.to_csv(catalog, [proposal] if proposal else None)
    else:
        from claims_atlas.core.query import default_proposal_id

        text = export.dumps(export.to_geojson(catalog, proposal or default_proposal_id(catalog)))
    write_out(text, output)


@main.command()
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@seeds_option
def serve(port: int, host: str, seeds: Path | None) -> None:
    """Serve the dashboard (what `make run` starts)."""
    env = dict(os.environ)
    if seeds is not None:
        env[cat.SEEDS_ENV] = str(seeds.resolve())
    args = [sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT),
            "--server.port", str(port), "--server.address", host,
            "--server.headless", "true", "--server.enableStaticServing", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            "--client.toolbarMode", "viewer", "--theme.base", "light",
            # Streamlit calls gc.collect() after every run by default: with a large catalog
            # in memory that full collection (~70 ms for 5,000 statements) sat between a
            # timeline filter's last element and "run finished". Python's own generational
            # GC still runs; bench/README.md reports the server's memory under load.
            "--runner.postScriptGC", "false"]
    click.echo(f"claims-atlas: serving on http://{host}:{port}", err=True)
    os.execve(sys.executable, args, env)


def _attach_optional() -> None:
    """Sub-command groups that live in their own modules."""
    import importlib

    for module, name in (("claims_atlas.cli_control", "control"),
                         ("claims_atlas.cli_more", "draft"), ("claims_atlas.cli_more", "deck")):
        try:
            main.add_command(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue


_attach_optional()

if __name__ == "__main__":
    main()
