"""The README documents every command and both make targets."""

from __future__ import annotations

import click

from claims_atlas import REPO_ROOT
from claims_atlas.cli import main

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "claims-atlas"):
    for name, cmd in group.commands.items():
        yield f"{prefix} {name}"
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, f"{prefix} {name}")


def test_every_command_is_in_the_readme():
    missing = [c for c in _commands(main) if c not in README and
               c.replace("claims-atlas ", "", 1) not in README]
    assert missing == []


def test_the_two_commands_are_in_the_readme():
    assert "make run" in README and "make test" in README


def test_ci_runs_the_readmes_test_command():
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text()


def test_readmes_command_reference_matches_help():
    """Regenerate with `python -m claims_atlas.cli.reference --write`."""
    from claims_atlas.cli.reference import current_block, reference

    assert current_block(README) == reference(main)


def test_readmes_catalog_counts_match_the_shipped_catalog():
    """'How far the record reaches' states how many proposals and statements ship."""
    import re

    from claims_atlas.core import catalog as cat

    c = cat.load_catalog(None)
    said = re.search(r"\((\d+) proposals, (\d+) statements\)", README)
    assert said is not None
    assert (int(said[1]), int(said[2])) == (len(c.proposals), len(c.statements))
