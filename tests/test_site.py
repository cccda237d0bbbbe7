"""The static atlas (`claims-atlas build-site -o DIR`), served by `python -m http.server`.

The same promises as the app: the 27 region paths with `region-<ISO>` and the `disp-` classes
of the proposal shown, switching in place, the region detail, the timeline and its filters,
Compare, the app's URL parameters, catalog text kept inert, no request to another host.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims_atlas.cli import main as cli_main
from claims_atlas.core import catalog as cat
from claims_atlas.core import query
from claims_atlas.render import site
from tests.browser_support import axe_violations, free_port
from tests.conftest import DOC, PEOPLE, PROPOSAL, STATEMENTS, textwrap_write

pytestmark = pytest.mark.browser


@contextlib.contextmanager
def http_server(root: Path):
    """`python -m http.server` on a free loopback port, serving `root`."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                             "127.0.0.1", "--directory", str(root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{url}/index.html", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("http.server did not start") from None
                time.sleep(0.05)  # polling interval for readiness, not a wait for an effect
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def build(out: Path, seeds: Path | None = None) -> Path:
    args = ["build-site", "-o", str(out)] + (["--seeds", str(seeds)] if seeds else [])
    result = CliRunner().invoke(cli_main, args)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def catalog():
    return cat.load_catalog(None)


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    out = build(tmp_path_factory.mktemp("site") / "public")
    with http_server(out) as url:
        yield url


def classes(page) -> dict[str, list[str]]:
    """Region id -> its sorted disp- classes, as the page shows them now."""
    return page.evaluate("""() => { const out = {};
      document.querySelectorAll('#map path.region').forEach(p => {
        const id = [...p.classList].find(c => c.startsWith('region-')).slice(7);
        out[id] = [...p.classList].filter(c => c.startsWith('disp-')).map(c => c.slice(5)).sort();
      }); return out; }""")


def expected(catalog, pid) -> dict[str, list[str]]:
    return {rid: sorted(set(ds)) for rid, ds in query.dispositions(catalog, pid).items()}


def ready(page, url: str) -> None:
    page.goto(url)
    page.locator("body[data-ready='1']").wait_for()


def test_build_site_writes_the_contract_files(tmp_path):
    out = build(tmp_path / "public")
    for rel in ("index.html", "embed.html", "compare/index.html", "assets/atlas.js",
                "assets/site.js", "assets/leaflet/leaflet.js", "data/atlas.json"):
        assert (out / rel).is_file(), rel
    html = (out / "index.html").read_text()
    assert "http://" not in html and "https://" not in html  # nothing from another host
    assert (out / "assets/atlas.js").read_text() == site.js.source("atlas.js")
    data = json.loads((out / "data/atlas.json").read_text())
    c = cat.load_catalog(None)
    assert [p["id"] for p in data["proposals"]] == [p.id for p in query.proposals_by_date(c)]
    assert len(data["map"]["regions"]) == 27
    result = CliRunner().invoke(cli_main, ["build-site", "-o", str(out / "index.html")])
    assert result.exit_code == 1 and "claims-atlas: error:" in result.output


def test_map_shows_27_regions_and_switches_in_place(page, site_url, catalog):
    ready(page, f"{site_url}/?proposal=us-28-point-plan")
    page.wait_for_function("document.querySelectorAll('#map path.region').length === 27")
    assert classes(page) == expected(catalog, "us-28-point-plan")
    assert not any("embed" in f.url for f in page.frames)  # Compare's maps: on compare/ only
    page.evaluate("window.__marker = 1")  # lost if the page reloaded
    for p in query.proposals_by_date(catalog):
        page.locator(f"#picker input[value='{p.id}']").check()
        assert classes(page) == expected(catalog, p.id), p.id
        assert page.locator("#map").get_attribute("data-proposal") == p.id
        assert page.locator("#proposal-header h2").inner_text() == p.title
        assert f"proposal={p.id}" in page.url
    assert page.evaluate("window.__marker") == 1
    assert page.external == []


def test_region_detail_beside_the_map_from_url_and_click(page, site_url, catalog):
    ready(page, f"{site_url}/?proposal=us-28-point-plan&region=UA-14")
    rows = page.locator("div.region-detail[data-region='UA-14'] tr[data-proposal]")
    assert rows.count() == len(catalog.proposals)
    assert "selected" in page.locator("path.region-UA-14").get_attribute("class")
    page.locator("path.region-UA-09").click()
    page.locator("div.region-detail[data-region='UA-09']").wait_for()
    assert "region=UA-09" in page.url
    ready(page, f"{site_url}/?proposal=nonsense&region=Atlantis")
    notices = page.locator("#notices li").all_inner_texts()
    assert any("Unknown proposal 'nonsense'" in n for n in notices)
    assert any("Unknown region 'Atlantis'" in n for n in notices)
    ready(page, f"{site_url}/?mode=present&deck=x&control=deepstate/2025-11-20")
    notices = page.locator("#notices li").all_inner_texts()
    assert len(notices) == 2 and "live app only" in notices[0] and "live app" in notices[1]
    assert page.locator("#map").get_attribute("data-proposal") == query.default_proposal_id(
        catalog)
    assert page.external == []


def test_region_search_finds_as_query_find_regions(page, site_url, catalog):
    ready(page, site_url)
    queries = ["UA-14", "Zaporozhye", "Донбас", "lugansk", "kherson", "oblast", "Kyiv", "xyz",
               "Крим", "Dnipropetrovsk"]
    for q in queries:
        got = page.evaluate("q => claimsAtlas.site.findRegions(claimsAtlas.site.data, q)", q)
        assert got == query.find_regions(catalog, q), q
    page.locator("#region-search").fill("Zaporozhye")
    page.locator("#region-search").press("Enter")
    want = query.find_regions(catalog, "Zaporozhye")[0]
    page.locator(f"div.region-detail[data-region='{want}']").wait_for()
    assert f"region={want}" in page.url
    ready(page, f"{site_url}/?region=Lugansk")
    page.locator(f"div.region-detail[data-region='{query.find_regions(catalog, 'Lugansk')[0]}']"
                 ).wait_for()


def test_timeline_lists_and_filters_as_query_statements(page, site_url, catalog):
    ready(page, site_url)
    ids = page.locator("#timeline li.statement").evaluate_all(
        "els => els.map(e => e.dataset.statement)")
    assert ids == [s.id for s in query.statements(catalog)][:60]
    n = len(catalog.statements)
    assert page.locator("#tl-count").inner_text().startswith(f"{n} of {n} statements")
    for name in query.speakers(catalog):  # the filter itself, for every speaker
        got = page.evaluate("""name => claimsAtlas.site.filterStatements(
            claimsAtlas.site.data.statements, {start: null, end: null, speakers: [name],
            region: null, proposal: null, newestFirst: true}).map(s => s.id)""", name)
        f = query.StatementFilter(speakers=(name,))
        assert got == [s.id for s in query.statements(catalog, f)], name
    speaker = query.speakers(catalog)[0]
    page.locator("#tl-filters summary").click()
    page.locator("#tl-speakers").select_option([speaker])
    page.locator("input[name=tl-order][value=oldest]").check()
    want = query.statements(catalog, query.StatementFilter(speakers=(speaker,),
                                                           newest_first=False))
    got = page.locator("#timeline li.statement").evaluate_all(
        "els => els.map(e => e.dataset.statement)")
    assert got == [s.id for s in want][:60]
    assert page.locator("#tl-count").inner_text().startswith(f"{len(want)} of {n}")


def test_timeline_takes_and_writes_the_apps_tl_parameters(page, site_url, catalog):
    """An app link with the timeline's filters shows the same statements on the site, and
    changing a filter on the site writes the app's parameters (state.timeline_params)."""
    import datetime as dt
    from urllib.parse import parse_qs, quote, urlsplit

    speaker = "Rustem Umerov"
    ready(page, f"{site_url}/?proposal=us-28-point-plan&tl_from=2025-11-01&tl_to=2025-11-30"
                f"&tl_speaker={quote(speaker)}&tl_order=oldest")
    want = query.statements(catalog, query.StatementFilter(
        start=dt.date(2025, 11, 1), end=dt.date(2025, 11, 30),
        speakers=(speaker,), newest_first=False))
    assert want  # the link must select something for the test to mean anything
    got = page.locator("#timeline li.statement").evaluate_all(
        "els => els.map(e => e.dataset.statement)")
    assert got == [s.id for s in want]
    n = len(catalog.statements)
    assert page.locator("#tl-count").inner_text().startswith(f"{len(want)} of {n}")
    page.locator("input[name=tl-order][value=newest]").check()
    q = parse_qs(urlsplit(page.url).query)
    assert q == {"proposal": ["us-28-point-plan"], "tl_from": ["2025-11-01"],
                 "tl_to": ["2025-11-30"], "tl_speaker": [speaker]}
    ready(page, f"{site_url}/?tl_speaker=nobody&tl_region=UA-99&tl_from=2025-02-30")
    notices = page.locator("#notices li").all_inner_texts()
    assert notices == ["'2025-02-30' in the link is not a date (YYYY-MM-DD): filter off.",
                       "No statement in the catalog is by 'nobody': speaker filter dropped.",
                       "Unknown region 'UA-99' in the timeline filter: filter off."]
    assert page.locator("#tl-count").inner_text().startswith(f"{n} of {n}")
    assert page.external == []


def test_compare_uses_the_apps_url_and_marks_changes(page, site_url, catalog):
    a, b = "us-28-point-plan", "twenty-point-framework-2025-12"
    ready(page, f"{site_url}/compare?proposal={a}&compare={b}")
    rows = query.compare(catalog, a, b)
    got = page.locator("#compare tbody tr").evaluate_all(
        "els => els.map(e => [e.dataset.region, e.classList.contains('changed')])")
    assert got == [[r.region, r.changed] for r in rows]
    frame = page.frame_locator("#cmp-map-b")
    frame.locator(f"#map[data-proposal='{b}']").wait_for()
    changed = [r.region for r in rows if r.changed]
    assert frame.locator("path.region.highlight").count() == len(changed)
    assert page.external == []


def test_compare_takes_and_writes_the_apps_changes_only(page, site_url, catalog):
    """`changes=only` (the app's changes-only switch) hides the unchanged rows on the site
    too, and the site's switch writes it."""
    a, b = "us-28-point-plan", "twenty-point-framework-2025-12"
    rows = query.compare(catalog, a, b)
    changed = [r.region for r in rows if r.changed]
    assert 0 < len(changed) < len(rows)
    ready(page, f"{site_url}/compare/?proposal={a}&compare={b}&changes=only")
    shown = page.locator("#compare tbody tr:visible").evaluate_all(
        "els => els.map(e => e.dataset.region)")
    assert shown == changed
    assert page.locator("#cmp-only").is_checked()
    page.locator("#cmp-only").uncheck()
    assert page.locator("#compare tbody tr:visible").count() == len(rows)
    assert "changes=" not in page.url
    page.locator("#cmp-only").check()
    assert "changes=only" in page.url
    assert page.external == []


def test_embed_has_map_picker_sources_and_link(page, site_url, catalog):
    ready(page, f"{site_url}/embed.html?proposal=us-28-point-plan")
    assert classes(page) == expected(catalog, "us-28-point-plan")
    other = "ukraine-peace-formula"
    page.locator("#proposal-select").select_option(other)
    assert classes(page) == expected(catalog, other)
    assert page.locator("#full-link").get_attribute("href") == f"index.html?proposal={other}"
    assert page.locator("#attribution").inner_text().startswith("Boundaries:")
    assert page.locator("#sources").inner_text().startswith("Sources:")
    assert page.external == []


def test_date_slider_over_cached_control_snapshots(page, tmp_path, monkeypatch, catalog):
    """`build-site --control SOURCE`: one snapshot per month (and the latest), each drawn with
    the map states fitted to it, named in the URL as the app names it (control=key)."""
    from claims_atlas.core import control
    from claims_atlas.render import map as rmap
    from tests.control_series import import_series

    monkeypatch.setenv("CLAIMS_ATLAS_CACHE", str(tmp_path / "cache"))
    import_series(tmp_path, [("2025-10-20", 38.4), ("2025-11-10", 37.9), ("2025-11-20", 37.6)])
    out = tmp_path / "public"
    result = CliRunner().invoke(cli_main, ["build-site", "-o", str(out), "--control",
                                           "Test Source"])
    assert result.exit_code == 0, result.output
    steps = json.loads((out / "data/atlas.json").read_text())["control"]["steps"]
    assert [st["key"] for st in steps] == ["test-source/2025-10-20", "test-source/2025-11-20"]
    step = json.loads((out / "data/control/test-source/2025-11-20.json").read_text())
    assert step["overlay"]["key"] == "test-source/2025-11-20"
    info = control.list_snapshots()[-1]
    from claims_atlas.core import control_view

    parts = control_view.parts_present(control_view.overlay(info).parts)
    assert step["states"]["us-28-point-plan"] == rmap.map_state(catalog, "us-28-point-plan",
                                                                parts=parts)
    bad = CliRunner().invoke(cli_main, ["build-site", "-o", str(out), "--control", "Nobody"])
    assert bad.exit_code == 1 and "no cached control snapshot" in bad.output
    with http_server(out) as url:
        ready(page, f"{url}/?proposal=us-28-point-plan&control=test-source/2025-11-20")
        page.locator("#map[data-overlay='test-source/2025-11-20']").wait_for()
        assert page.locator("#control-date").inner_text() == "2025-11-20"
        assert "control=test-source%2F2025-11-20" in page.url
        page.locator("#control-slider").fill("0")
        page.locator("#map[data-overlay='test-source/2025-10-20']").wait_for()
        page.wait_for_url(lambda u: "control=test-source%2F2025-10-20" in u)
        page.locator("#control-on").uncheck()
        page.wait_for_function("!document.querySelector('#map').hasAttribute('data-overlay')")
        assert "control=" not in page.url
        assert classes(page) == expected(catalog, "us-28-point-plan")
        ready(page, f"{url}/?control=test-source/1999-01-01")
        assert "not in this site" in page.locator("#notices").inner_text()
        # a link the app wrote for a day the site lacks: its nearest earlier month's snapshot
        ready(page, f"{url}/?control=test-source/2025-11-10&date=2025-11-12")
        page.locator("#map[data-overlay='test-source/2025-10-20']").wait_for()
        assert ("showing 2025-10-20, the nearest on or before 2025-11-12"
                in page.locator("#notices").inner_text())
        assert page.external == []


@pytest.mark.parametrize("path", ["/?region=UA-14", "/compare/", "/embed.html"])
def test_pages_pass_axe_core(page, site_url, path):
    """The app's check (tests/test_reading_browser.py): every axe-core rule, no violation."""
    ready(page, site_url + path)
    assert axe_violations(page) == []


XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def test_hostile_catalog_text_stays_inert(page, tmp_path):
    seeds = textwrap_write(tmp_path / "seeds", {
        "documents/doc-a.txt": DOC.replace("There will be no deal on those terms.",
                                           f"There will be no deal {XSS} on those terms."),
        "proposals/plan-a.yaml": PROPOSAL.replace("title: Plan A", f"title: 'Plan A {XSS}'")
        .replace("summary: A test plan.", f"summary: '[click](javascript:alert(1)) {XSS}'")
        .replace("quote: There will be no deal on those terms.",
                 f"quote: 'There will be no deal {XSS} on those terms.'")
        .replace('quote: "There will be no deal on those terms."',
                 f"quote: 'There will be no deal {XSS} on those terms.'")
        .replace("summary: The rest becomes a buffer.", f"summary: '{XSS}'"),
        "people.yaml": PEOPLE.replace("name: The Minister", f"name: 'Minister {XSS}'"),
        "statements/all.yaml": STATEMENTS
        .replace("role: Minister of Tests", "role: '<a href=\"javascript:window.__xss=3\">r</a>'")
        .replace("quote: There will be no deal on those terms.",
                 f"quote: 'There will be no deal {XSS} on those terms.'"),
    })
    out = build(tmp_path / "public", seeds)
    with http_server(out) as url:
        for path in ("/?region=UA-14", "/compare", "/embed.html"):
            ready(page, url + path)
            assert page.evaluate("() => window.__xss") is None
            assert page.locator("img, script:not([src])").count() == 0
            assert page.locator("a[href^='javascript:']").count() == 0
        ready(page, url + "/?region=UA-14")
        assert "<img" in page.locator("#proposal-header h2").inner_text()
        assert "onerror" in page.locator("li.statement").first.inner_text()
        assert "<img" in page.locator("div.region-detail").inner_text()
        assert page.external == []
