"""Shared fixtures: small catalogs written to a temp folder, and the real one."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from dashboard import REPO_ROOT

SEEDS = REPO_ROOT / "seeds"

DOC = """\
---
id: doc-a
title: A test article
outlet: Test Wire
language: en
dateline: 2025-11-21
---
The minister said today: "There will be no deal on those terms."
Yesterday the envoy met the president in Kyiv.
"""

PROPOSAL = """\
id: plan-a
title: Plan A
short_title: A
sponsor: Testland
date: 2025-11-20
status: leaked
summary: A test plan.
evidence:
  - document: doc-a
    quote: There will be no deal on those terms.
provisions:
  - region: UA-14
    part: russian_held
    disposition: recognised_russian_de_facto
    summary: Held part recognised.
    evidence:
      - document: doc-a
        quote: "There will be no deal on those terms."
  - region: UA-14
    part: ukrainian_held
    disposition: demilitarised_zone
    summary: The rest becomes a buffer.
    evidence:
      - url: https://example.org/report
        outlet: Example Wire
        date: 2025-11-21
        quote: a buffer zone
"""

STATEMENTS = """\
- id: minister-no-deal
  date: 2025-11-21
  speaker: The Minister
  role: Minister of Tests
  affiliation: Testland
  quote: There will be no deal on those terms.
  concerns: {proposals: [plan-a], regions: [UA-14]}
  stance: rejects
  evidence:
    - document: doc-a
      quote: There will be no deal on those terms.
"""


@pytest.fixture
def make_seeds(tmp_path: Path):
    """Write a small catalog; `files` replaces (None: removes) or adds files by relative path."""

    def make(files: dict[str, str | None] | None = None) -> Path:
        root = tmp_path / "seeds"
        base = {"documents/doc-a.txt": DOC, "proposals/plan-a.yaml": PROPOSAL,
                "statements/all.yaml": STATEMENTS}
        for name, text in {**base, **(files or {})}.items():
            path = root / name
            if text is None:
                path.unlink(missing_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return make


@pytest.fixture
def real_seeds(tmp_path: Path) -> Path:
    """A private copy of the shipped catalog, safe to edit."""
    dest = tmp_path / "real-seeds"
    shutil.copytree(SEEDS, dest)
    return dest
