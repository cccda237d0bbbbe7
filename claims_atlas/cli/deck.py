"""`claims-atlas deck ...`: briefing decks (seeds/briefings/*.yaml) listed and exported."""

from __future__ import annotations

from pathlib import Path

import click

from claims_atlas.cli.common import fail, problems_exit, seeds_option


@click.group()
def deck() -> None:
    """Briefing decks (seeds/briefings/*.yaml): list them, export handouts."""


@deck.command("list")
@seeds_option
def deck_list(seeds: Path | None) -> None:
    """One line per deck: id, number of scenes, title, file."""
    from claims_atlas.core import catalog as cat

    try:
        catalog = cat.load_catalog(seeds)
    except cat.CatalogInvalid as exc:
        problems_exit(exc.problems)
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
        problems_exit(exc.problems)
    except briefing.BriefingError as exc:
        fail(exc)
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
        fail(f"{deck_file}: {exc}")
    except OSError as exc:
        fail(f"could not write {output}: {exc.strerror or exc}")
    click.echo(f"wrote {len(shown.scenes)} {'pages' if fmt == 'pdf' else 'slides'} of deck "
               f"{shown.id!r} to {target}", err=True)
