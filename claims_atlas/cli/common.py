"""What every command shares: the one --seeds option, the one error style, output helpers.

Errors: domain errors are named exceptions in core; a command turns them into
:class:`CLIError`, printed as ``claims-atlas: error: <message>`` on stderr with exit status 1.
Catalog problems keep their own form, one ``path:line: what is wrong`` per line.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from claims_atlas.core import catalog as cat

PROG = "claims-atlas"

seeds_option = click.option(
    "--seeds", "seeds", type=click.Path(file_okay=False, path_type=Path), default=None,
    help=f"Catalog folder (default: ${cat.SEEDS_ENV} or the shipped seeds/).")


class CLIError(click.ClickException):
    """One line ``claims-atlas: error: <message>`` on stderr, exit status 1."""

    def show(self, file=None) -> None:  # click API
        click.echo(f"{PROG}: error: {self.format_message()}", err=True, file=file)


def fail(message: object) -> NoReturn:
    """Stop the command with a one-line error (see :class:`CLIError`)."""
    raise CLIError(str(message))


def problems_exit(problems) -> NoReturn:
    """Print each problem as ``path:line: message`` on stderr, then exit 1."""
    for problem in problems:
        click.echo(str(problem), err=True)
    raise SystemExit(1)


def load(seeds: Path | None):
    """The validated catalog, or exit 1 printing every problem as path:line: message."""
    from claims_atlas.core import geo

    try:
        return cat.load_catalog(seeds)
    except cat.CatalogInvalid as exc:
        problems_exit(exc.problems)
    except geo.GeodataError as exc:
        fail(exc)


def write_out(text: str | bytes, output: Path | None) -> None:
    """To stdout, or atomically to a file (temp file, then rename)."""
    if output is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            click.echo(text, nl=False)
        return
    from claims_atlas.core.files import atomic_write

    try:
        atomic_write(output, text)
    except OSError as exc:
        fail(f"could not write {output}: {exc.strerror or exc}")
    click.echo(f"wrote {output}", err=True)
