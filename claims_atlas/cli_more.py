"""More `claims-atlas` commands; claims_atlas.cli attaches them by name (`_attach_optional`).

Each command here is self-contained (its own imports and options): claims_atlas.cli imports
this module, so it cannot import from claims_atlas.cli.
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
    from claims_atlas.core import draft as drafting

    try:
        result = drafting.draft_file(document, seeds)
    except drafting.DraftError as exc:
        raise click.ClickException(str(exc)) from None
    for problem in result.warnings:
        click.echo(f"warning: {problem}", err=True)
    click.echo(drafting.render_yaml(result), nl=False)
    click.echo(f"{len(result.entries)} draft entries from {result.path}", err=True)


# -- deck -------------------------------------------------------------------------------------


def _deck_problems(problems) -> None:
    """Print path:line: problem for each, then exit 1 (no traceback)."""
    for problem in problems:
        click.echo(str(problem), err=True)
    raise SystemExit(1)


@click.group()
def deck() -> None:
    """Briefing decks (seeds/briefings/*.yaml): list them, export handouts."""


@deck.command("list")
@click.option("--seeds", "seeds", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Catalog folder (default: $CLAIMS_ATLAS_SEEDS or the repository's seeds/).")
def deck_list(seeds: Path | None) -> None:
    """One line per deck: id, number of scenes, title, file."""
    from claims_atlas.core import catalog as cat

    try:
        catalog = cat.load_catalog(seeds)
    except cat.CatalogInvalid as exc:
        _deck_problems(exc.problems)
    for b in catalog.briefings:
        click.echo(f"{b.id}\t{len(b.scenes)} scenes\t{b.title}\t{b.loc.path}")


@deck.command("export")
@click.argument("deck_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["pdf", "png"]), default="pdf",
              show_default=True, help="One PDF page per scene, or one 1920x1080 PNG per scene.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The PDF file (pdf), or the folder for the PNG slides (png).")
@click.option("--seeds", "seeds", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Catalog the deck refers to (default: the deck file's folder's parent).")
def deck_export(deck_file: Path, fmt: str, output: Path, seeds: Path | None) -> None:
    """Handouts of DECK_FILE (a briefing YAML): a PDF, or PNG slides named 01-<proposal>.png."""
    from claims_atlas.core import briefing, control, geo
    from claims_atlas.core.files import atomic_write
    from claims_atlas.render import handouts

    try:
        catalog, shown = briefing.load_deck(deck_file, seeds)
    except briefing.DeckInvalid as exc:
        _deck_problems(exc.problems)
    except briefing.BriefingError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        if fmt == "pdf":
            target = output / f"{shown.id}.pdf" if output.is_dir() else output
            atomic_write(target, handouts.deck_pdf(catalog, shown))
        else:
            target = output
            for i, (scene, png) in enumerate(
                    zip(shown.scenes, handouts.deck_pngs(catalog, shown), strict=True), 1):
                atomic_write(output / f"{i:02d}-{scene.proposal}.png", png)
    except (control.ControlError, geo.GeodataError) as exc:
        raise click.ClickException(f"{deck_file}: {exc}") from None
    except OSError as exc:
        raise click.ClickException(f"could not write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {len(shown.scenes)} {'pages' if fmt == 'pdf' else 'slides'} of deck "
               f"{shown.id!r} to {target}", err=True)
