"""`claims-atlas people`: the register of people (seeds/people.yaml)."""

from __future__ import annotations

from pathlib import Path

import click

from claims_atlas.cli.common import seeds_option


@click.group()
def people() -> None:
    """The register of people: list it, convert free-text speakers to its ids."""


@people.command("list")
@seeds_option
def people_list(seeds: Path | None) -> None:
    """One line per person: id, name, roles with their dates."""
    from claims_atlas.cli.common import problems_exit
    from claims_atlas.core import catalog as cat
    from claims_atlas.core.people import load_people

    found, problems = load_people(cat.seeds_dir(seeds))
    if problems:
        problems_exit(problems)
    for p in found:
        roles = "; ".join(f"{r.title} ({r.start or '?'} to {r.end or 'now'})" for r in p.roles)
        click.echo(f"{p.id}\t{p.name}\t{roles}")


@people.command("convert")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True,
              help="Change nothing; exit 1 if a file would change or has problems.")
@seeds_option
def people_convert(files: tuple[Path, ...], check: bool, seeds: Path | None) -> None:
    """Rewrite free-text `speaker:` in statement FILES to `speakers: [id]` (or `source:` for
    an unnamed source). Idempotent; names it cannot resolve are reported as path:line with
    the closest person and left as they are. Register: --seeds, else the folder above
    the file's folder when it has people.yaml, else the default catalog."""
    from claims_atlas.core import convert_speakers as conv

    results, fatal = conv.convert_files(list(files), seeds, write=not check)
    status = conv.report(results, fatal, check, lambda line: click.echo(line))
    raise SystemExit(status)
