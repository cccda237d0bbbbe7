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


@click.command("add-document")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--outlet", help="Who published it (e.g. Reuters); else the file's front matter.")
@click.option("--dateline", help="YYYY-MM-DD the copy is dated; else the file's front matter.")
@click.option("--title", help="Default: the front matter's, else the first line of the text.")
@click.option("--id", "doc_id", help="Document id (default: <dateline>-<outlet>-<title words>).")
@click.option("--language", help="Language of the text (default: en).")
@click.option("--url", help="Where it was published.")
@click.option("--state-media/--no-state-media", default=None,
              help="The outlet is state media (TASS, RIA ...).")
@seeds_option
def add_document(file: Path, outlet: str | None, dateline: str | None, title: str | None,
                 doc_id: str | None, language: str | None, url: str | None,
                 state_media: bool | None, seeds: Path | None) -> None:
    """Add FILE (an article's text, with or without front matter) to the catalog: write
    seeds/documents/<id>.txt with its front matter, draft its statements into
    seeds/drafts/<id>.yaml for review, and say where both went."""
    from claims_atlas.core import catalog as cat
    from claims_atlas.core import intake

    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"{file}: no such file")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{file}: cannot read ({getattr(exc, 'strerror', None) or exc})")
    try:
        added = intake.add_document(seeds, text, outlet=outlet, dateline=dateline, title=title,
                                    doc_id=doc_id, language=language, url=url,
                                    state_media=state_media)
    except intake.IntakeError as exc:
        fail(f"{file}: {exc}")
    except OSError as exc:
        fail(f"could not write into the catalog: {exc.strerror or exc}")
    shown = cat.display_path
    click.echo(f"document {added.document_id}: {shown(added.document_path)}")
    click.echo(f"draft: {shown(added.draft_path)} ({added.entries} statements, "
               f"{added.unresolved} with open points)")
    click.echo("review the draft (settle and delete each 'unresolved' list, set 'reviewed: "
               "true'), move it into statements/, then run `claims-atlas validate`", err=True)
