"""The bibliography: every cited source once, classified from its host, exported as CSV and
CSL-JSON, and the maintainers' report of what each item's evidence rests on."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from claims_atlas.core import catalog as cat
from claims_atlas.core import sources as S
from claims_atlas.core import validate


@pytest.fixture(scope="module")
def catalog():
    return cat.load_catalog()


@pytest.mark.parametrize("url,kwargs,kind", [
    ("https://www.reuters.com/world/europe/x", {}, S.WIRE),
    ("https://en.interfax.com.ua/news/general/1.html", {}, S.WIRE),
    ("https://kyivindependent.com/a-story/", {}, S.ORIGINAL),
    ("https://edition.cnn.com/2025/11/20/politics/x", {}, S.ORIGINAL),
    ("https://www.ndtv.com/world-news/x", {"via": "AFP", "outlet": "NDTV (AFP)"}, S.REPUBLISHER),
    ("https://www.irishtimes.com/x", {"outlet": "The Irish Times (Financial Times)"},
     S.REPUBLISHER),
    ("https://www.europesays.com/x", {}, S.REPUBLISHER),
    ("https://tass.com/politics/1", {}, S.STATE_MEDIA),
    ("https://italy.news-pravda.com/x", {}, S.STATE_MEDIA),
    ("https://kyivindependent.com/x", {"state_media": True}, S.STATE_MEDIA),
    ("https://nobody-knows-this.example/x", {}, S.UNKNOWN),
    (None, {"via": "AFP"}, S.REPUBLISHER),
    (None, {}, S.UNKNOWN),
])
def test_classify_from_the_host_table(url, kwargs, kind):
    assert S.classify(url, **kwargs) == kind


def test_state_media_come_from_the_validators_one_list():
    for domain in validate.STATE_MEDIA_DOMAINS:
        assert S.host_kind(f"https://{domain}/a") == S.STATE_MEDIA
        assert domain not in S.HOSTS  # one list, not two


def test_every_cited_url_is_listed_once_with_its_citers(catalog):
    sources = S.bibliography(catalog)
    urls = [s.url for s in sources if s.url]
    assert len(urls) == len(set(urls))
    cited = {e.url.strip() for e in validate.all_evidence(catalog) if e.url}
    assert cited == set(urls) - {d.url for d in catalog.documents if d.url}
    docs = {s.document for s in sources if s.document}
    assert docs == {d.id for d in catalog.documents}
    by_url = {s.url: s for s in sources}
    for p in catalog.proposals:
        for prov in p.provisions:
            for ev in prov.evidence:
                if ev.url:
                    ids = [c.id for c in by_url[ev.url.strip()].citing("provision")]
                    assert f"{p.id}/{prov.region}/{prov.part}" in ids
    for s in catalog.statements:
        for ev in s.evidence:
            row = by_url[ev.url.strip()] if ev.url else next(
                r for r in sources if r.document == ev.document)
            assert s.id in [c.id for c in row.citing("statement")]
    assert sum(s.evidence_count for s in sources) == len(list(validate.all_evidence(catalog)))


def test_counts_add_up_and_share_is_a_fraction(catalog):
    n = S.counts(catalog)
    assert n.evidence == sum(n.by_kind.values())
    strong = n.share(*S.STRONG)
    assert strong == pytest.approx((n.by_kind[S.WIRE] + n.by_kind[S.ORIGINAL]) / n.evidence)
    assert 0 < strong < 1


def test_filters(catalog):
    sources = S.bibliography(catalog)
    state = S.filter_sources(sources, state_media=True)
    assert state and all(s.state_media for s in state)
    plan = S.filter_sources(sources, proposal="us-28-point-plan")
    assert plan and all(any(c.proposal == "us-28-point-plan" for c in s.citers) for s in plan)
    assert len(plan) < len(sources)
    outlet = sources[1].outlet
    assert {s.outlet for s in S.filter_sources(sources, outlets=[outlet])} == {outlet}


def test_csv_round_trips_through_pandas(catalog):
    sources = S.bibliography(catalog)
    frame = pd.read_csv(io.StringIO(S.to_csv(sources)), keep_default_na=False, dtype=str)
    assert tuple(frame.columns) == S.CSV_FIELDS
    assert len(frame) == len(sources)
    assert list(frame["url"]) == [s.url for s in sources]
    assert list(frame["outlet"]) == [s.outlet for s in sources]
    first = sources[0]
    assert frame.loc[0, "statements"].split("; ") == [c.id for c in first.citing("statement")]


def test_csl_json_round_trips_with_its_fields(catalog, tmp_path):
    sources = S.bibliography(catalog)
    path = tmp_path / "sources.json"
    path.write_text(S.csl_json(sources), encoding="utf-8")
    with path.open(encoding="utf-8") as fh:
        items = json.load(fh)
    assert len(items) == len(sources)
    assert len({i["id"] for i in items}) == len(items)
    for item, source in zip(items, sources, strict=True):
        assert {"id", "type", "title", "container-title"} <= set(item)
        assert item["title"] and item["container-title"] == source.outlet
        if source.url:
            assert item["URL"] == source.url
        if source.date:
            y, m, d = (int(p) for p in source.date.split("-"))
            assert item["issued"] == {"date-parts": [[y, m, d]]}
    assert any("issued" in i for i in items) and any("URL" in i for i in items)


def test_report_names_what_each_item_rests_on(make_seeds):
    seeds = make_seeds({"statements/all.yaml": """\
        - id: only-state
          date: 2025-11-21
          speakers: [the-minister]
          role: B
          quote: x
          concerns: {proposals: [plan-a]}
          stance: rejects
          evidence:
            - url: https://tass.com/politics/1
              outlet: TASS
              date: 2025-11-21
              state_media: true
              quote: x
        - id: only-copy
          date: 2025-11-22
          speakers: [the-minister]
          role: B
          quote: y
          concerns: {proposals: [plan-a]}
          stance: rejects
          evidence:
            - url: https://www.europesays.com/2
              outlet: Europe Says (Reuters)
              date: 2025-11-22
              via: Reuters
              quote: y
        - id: has-wire
          date: 2025-11-23
          speakers: [the-minister]
          role: B
          quote: z
          concerns: {proposals: [plan-a]}
          stance: rejects
          evidence:
            - url: https://www.europesays.com/3
              outlet: Europe Says
              date: 2025-11-23
              quote: z
            - url: https://www.reuters.com/3
              outlet: Reuters
              date: 2025-11-23
              quote: z
        """})
    rep = S.report(cat.load_catalog(seeds))
    by_id = {s["id"]: s for s in rep["statements"]}
    assert by_id["only-state"]["basis"] == "state_media_only"
    assert by_id["only-copy"]["basis"] == "republishers_only"
    assert by_id["has-wire"]["basis"] == "includes_wire_or_original"
    assert by_id["has-wire"]["kinds"] == {"wire": 1, "republisher": 1}
    plan = rep["proposals"][0]
    # doc-a (no URL, no wire) and example.org are unclassified
    assert plan["basis"] == "unclassified"
    assert {p["id"] for p in plan["provisions"]} == {"plan-a/UA-14/russian_held",
                                                     "plan-a/UA-14/ukrainian_held"}
    assert rep["unclassified_hosts"] == ["example.org"]


def _cli(*args: str):
    from click.testing import CliRunner

    from claims_atlas.cli import main

    return CliRunner().invoke(main, ["sources", *args], catch_exceptions=False)


def test_cli_json_lists_every_proposal_and_statement(catalog):
    result = _cli("--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [p["id"] for p in data["proposals"]] == [p.id for p in catalog.proposals]
    assert [s["id"] for s in data["statements"]] == [s.id for s in catalog.statements]
    assert {i["basis"] for i in [*data["proposals"], *data["statements"]]} <= set(S.BASES)
    expected = S.report(catalog)
    assert data == json.loads(json.dumps(expected))


def test_cli_weak_table_hides_items_with_a_wire_or_original(make_seeds):
    seeds = make_seeds()
    result = _cli("--weak", "--seeds", str(seeds))
    assert result.exit_code == 0, result.output
    assert "minister-no-deal" in result.output and "plan-a/UA-14/russian_held" in result.output
    assert "hosts to classify" in result.output and "example.org" in result.output
    strong = make_seeds({"statements/all.yaml": """\
        - id: wire-backed
          date: 2025-11-21
          speakers: [the-minister]
          role: B
          quote: x
          concerns: {proposals: [plan-a]}
          stance: rejects
          evidence:
            - url: https://apnews.com/article/1
              outlet: AP
              date: 2025-11-21
              quote: x
        """})
    result = _cli("--weak", "--format", "json", "--seeds", str(strong))
    assert json.loads(result.output)["statements"] == []


def test_bibliography_markup_escapes_catalog_text_and_links_only_http():
    from claims_atlas.render import sources as rsrc

    evil = S.Source(id="web-x", kind=S.UNKNOWN, outlet='<img src=x onerror="alert(1)">',
                    wire="", date="2025-11-21", language="en", state_media=False,
                    url="javascript:alert(1)", title="</td><script>x</script>",
                    citers=[S.Citer("statement", 'st"1', "<b>who</b>")])
    out = rsrc.bibliography_html([evil])
    assert "<img" not in out and "<script>x" not in out and "<b>who" not in out
    assert 'href="javascript:' not in out
    assert 'href="./?statement=st%221"' in out
    assert "&lt;img src=x" in out


def test_counts_sentence_names_the_strong_share(catalog):
    from claims_atlas.render import sources as rsrc

    n = S.counts(catalog)
    text = " ".join(rsrc.counts_html(n).split())
    assert (f"<b>{round(100 * n.share(*S.STRONG))} %</b> of evidence from wire services or "
            f"the original outlet") in text
    assert f"{round(100 * n.share(S.STATE_MEDIA))} % from state media" in text


def test_cli_prints_the_bibliography_as_csv_and_csl(catalog):
    sources = S.bibliography(catalog)
    frame = pd.read_csv(io.StringIO(_cli("--bibliography", "csv").output), dtype=str,
                        keep_default_na=False)
    assert list(frame["id"]) == [s.id for s in sources]
    items = json.loads(_cli("--bibliography", "csl-json").output)
    assert [i["id"] for i in items] == [s.id for s in sources]


def test_bibliography_labels_a_title_guessed_from_the_web_address(catalog):
    """A web source's title is words taken from its URL, not the page's own title (which is
    not stored): the page says so; a stored document's title is its own."""
    import re

    from claims_atlas.render import sources as rsrc

    rows = S.bibliography(catalog)
    web = next(s for s in rows if s.document is None and s.title)
    doc = next(s for s in rows if s.document is not None)
    out = rsrc.bibliography_html([web, doc])
    cells = re.findall(r'<tr class="bib-row[^>]*>.*?</td>', out, flags=re.S)
    assert len(cells) == 2
    assert web.title in cells[0] and "(words from the web address)" in cells[0]
    assert doc.title.replace("'", "&#39;") in cells[1]
    assert "web address" not in cells[1]
