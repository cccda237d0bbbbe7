"""More `claims-atlas` commands; dashboard.cli attaches them by name (`_attach_optional`).

Each command here is self-contained (its own imports and options): dashboard.cli imports
this module, so it cannot import from dashboard.cli.
"""

from __future__ import annotations

from pathlib import Path

import click

# -- draft ------------------------------------------------------------------------------------


@click.command()
@click.argument("document", type=click.Path(path_type=Path))
@click.option("--seeds", "seeds", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Catalog whose ids, speakers and proposals the draft uses "
                   "(default: $CLAIMS_ATLAS_SEEDS or the repository's seeds/).")
def draft(document: Path, seeds: Path | None) -> None:
    """Print draft statements (YAML) for DOCUMENT, a seeds/documents/*.txt file, to correct
    and save under seeds/statements/."""
    from dashboard.core import draft as drafting

    try:
        result = drafting.draft_file(document, seeds)
    except drafting.DraftError as exc:
        raise click.ClickException(str(exc)) from None
    for problem in result.warnings:
        click.echo(f"warning: {problem}", err=True)
    click.echo(drafting.render_yaml(result), nl=False)
    click.echo(f"{len(result.entries)} draft entries from {result.path}", err=True)
