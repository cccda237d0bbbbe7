"""`claims-atlas draft`: draft statements for a new source document, to review and save."""

from __future__ import annotations

from pathlib import Path

import click

from claims_atlas.cli.common import fail, seeds_option


@click.command()
@click.argument("document", type=click.Path(path_type=Path))
@seeds_option
def draft(document: Path, seeds: Path | None) -> None:
    """Print draft statements (YAML) for DOCUMENT, a seeds/documents/*.txt file, to correct
    and save under seeds/statements/."""
    from claims_atlas.core import draft as drafting

    try:
        result = drafting.draft_file(document, seeds)
    except drafting.DraftError as exc:
        fail(exc)
    for problem in result.warnings:
        click.echo(f"warning: {problem}", err=True)
    click.echo(drafting.render_yaml(result), nl=False)
    click.echo(f"{len(result.entries)} draft entries from {result.path}", err=True)
