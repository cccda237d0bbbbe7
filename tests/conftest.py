"""Shared fixtures: small catalogs written to a temp folder, and the real one."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from claims_atlas import REPO_ROOT

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
  speakers: [the-minister]
  role: Minister of Tests
  affiliation: Testland
  quote: There will be no deal on those terms.
  concerns: {proposals: [plan-a], regions: [UA-14]}
  stance: rejects
  evidence:
    - document: doc-a
      quote: There will be no deal on those terms.
"""


DECK = """\
# A test deck: comments must survive a saved scene.
id: deck-a
title: Deck A
author: tester
date: 2025-11-22
scenes:
  - proposal: plan-a
    regions: [UA-14]
    caption: First scene.
"""

PEOPLE = """\
- id: the-minister
  name: The Minister
  name_uk: Міністр
  name_ru: Министр
  spellings: [Minister Testov, Testov]
  affiliation: Testland
  roles:
    - role: Minister of Tests
      from: 2020-01-01
"""


def textwrap_write(root: Path, files: dict[str, str | None]) -> Path:
    """Write (None: remove) files under `root`, dedented; returns `root`."""
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def make_seeds(tmp_path: Path):
    """Write a small catalog; `files` replaces (None: removes) or adds files by relative path."""

    def make(files: dict[str, str | None] | None = None) -> Path:
        base = {"documents/doc-a.txt": DOC, "proposals/plan-a.yaml": PROPOSAL,
                "statements/all.yaml": STATEMENTS, "people.yaml": PEOPLE}
        return textwrap_write(tmp_path / "seeds", {**base, **(files or {})})

    return make


@pytest.fixture(autouse=True, scope="session")
def isolated_control_cache(tmp_path_factory):
    """No test reads the developer's control cache (~/.cache/claims-atlas, maybe the whole
    archive): the session starts with an empty one, for AppTest and served apps alike. A
    test that needs snapshots imports its own (monkeypatch CLAIMS_ATLAS_CACHE)."""
    patch = pytest.MonkeyPatch()
    patch.setenv("CLAIMS_ATLAS_CACHE", str(tmp_path_factory.mktemp("control-cache")))
    yield
    patch.undo()


@pytest.fixture
def real_seeds(tmp_path: Path) -> Path:
    """A private copy of the shipped catalog, safe to edit."""
    dest = tmp_path / "real-seeds"
    shutil.copytree(SEEDS, dest)
    return dest


# -- browser tests ----------------------------------------------------------------------------

@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash.setdefault("failed", report.failed)
        item.stash["failed"] = report.failed
    return report


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The shipped catalog, served once for the session."""
    from tests.browser_support import serve

    log = tmp_path_factory.mktemp("server") / "server.log"
    with serve(log=log) as url:
        yield url


@pytest.fixture
def page(chromium, request):
    """A fresh browser context; external requests recorded; screenshot kept on failure."""
    from tests.browser_support import keep_screenshot, watched_page

    context = chromium.new_context(viewport={"width": 1600, "height": 1000})
    pg = watched_page(context)
    yield pg
    keep_screenshot(pg, request, full_page=True)
    context.close()
