"""The `claims-atlas` command: thin glue over core and render, one module per command group.

| module        | commands                         |
|---------------|----------------------------------|
| catalog.py    | validate, export                 |
| serve.py      | serve                            |
| control.py    | control import/fetch/list/stats  |
| draft.py      | draft, add-document              |
| people.py     | people list/convert              |
| deck.py       | deck list/export                 |
| site.py       | build-site                       |
| sources.py    | sources                          |

Shared options and the one error style live in :mod:`claims_atlas.cli.common`.
"""

from __future__ import annotations

import click

from claims_atlas.cli import catalog, control, deck, draft, people, serve, site, sources


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claims-atlas")
def main() -> None:
    """claims-atlas: who would get what under each plan to end the war in Ukraine."""


for _command in (catalog.validate, catalog.export_cmd, serve.serve, control.control,
                 draft.draft, draft.add_document, deck.deck, people.people, site.build_site,
                 sources.sources):
    main.add_command(_command)

__all__ = ["main"]
