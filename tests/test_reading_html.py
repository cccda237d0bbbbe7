"""What a reader sees, as HTML: the proposal's one line, the region panel, the map's text
alternative, the compare lines, translations beside originals, no catalog ids."""

from __future__ import annotations

import html
import re

from claims_atlas.core import catalog as cat
from claims_atlas.core import query, vocab
from claims_atlas.render import html as h
from claims_atlas.render import reading
from tests.conftest import PROPOSAL


def shipped():
    return cat.load_catalog(cat.seeds_dir())


def test_compare_says_how_each_changed_region_changes():
    catalog = shipped()
    lines = reading.changes(catalog, "us-28-point-plan", "geneva-framework-2025-11")
    said = {(c.where, c.before, c.after) for c in lines}
    assert ("Donetsk, Russian-held part", "recognised_russian_de_facto", "deferred") in said
    assert ("Donetsk, Ukrainian-held part", "demilitarised_zone", "deferred") in said
    assert not any(c.where == "Donetsk" for c in lines)  # the parts say it, once each
    changed = {r.region for r in query.compare(catalog, "us-28-point-plan",
                                               "geneva-framework-2025-11") if r.changed}
    assert {c.region for c in lines} == changed
    text = html.unescape(reading.change_lines_html(catalog, "us-28-point-plan",
                                                   "geneva-framework-2025-11"))
    assert "Donetsk, Russian-held part</b>: Russian (de facto) → Deferred" in text


def test_summary_line_is_one_heading_and_escapes_catalog_text(make_seeds):
    catalog = cat.load_catalog(make_seeds({"proposals/plan-a.yaml": PROPOSAL.replace(
        "title: Plan A", "title: 'Plan <b>A</b>'")}))
    out = reading.summary_line(catalog, catalog.proposal("plan-a"))
    assert "<h1 class=\"proposal-title\">Plan &lt;b&gt;A&lt;/b&gt;</h1>" in out
    assert out.count("<h1") == 1 and "<details" in out and "A test plan." in out
    assert "<h2" in reading.summary_line(catalog, catalog.proposal("plan-a"), level=2)


def test_region_panel_marks_the_proposal_on_the_map():
    catalog = shipped()
    out = reading.region_panel_html(catalog, "UA-23", "geneva-framework-2025-11")
    assert out.count('class="current"') == 1
    assert re.search(r'<tr data-proposal="geneva-framework-2025-11" class="current">', out)
    assert "On the map: Geneva" in out and "Zaporizhzhia" in out
    assert out.count("<tr ") == len(catalog.proposals)


def test_regions_table_names_every_region_with_its_disposition_and_sources():
    catalog = shipped()
    rows = reading.table_rows(catalog, "us-28-point-plan")
    assert {r.region for r in rows} == {r.id for r in catalog.regions}
    donetsk = [r for r in rows if r.region == "UA-14"]
    assert [r.disposition for r in donetsk] == ["recognised_russian_de_facto",
                                                 "demilitarised_zone"]
    assert all(r.sources for r in rows if r.disposition != vocab.NOT_ADDRESSED)
    out = reading.regions_table_html(catalog, "us-28-point-plan")
    assert "<caption>" in out and out.count('scope="row"') == len(rows)


def test_a_quote_in_another_language_shows_our_translation_beside_it():
    catalog = shipped()
    ev = next(e for p in catalog.proposals for v in p.provisions for e in v.evidence
              if e.translation and e.language not in (None, "en"))
    out = h.evidence_html(ev)
    assert f'lang="{ev.language}"' in out
    assert "our translation" in out and h.esc(ev.translation) in out
    statement = next((s for s in catalog.statements if s.translation), None)
    if statement is not None:
        assert "our translation" in h.statement_html(catalog, statement)


def test_document_evidence_shows_no_catalog_id():
    catalog = shipped()
    ev = next(e for p in catalog.proposals for v in p.provisions for e in v.evidence
              if e.document)
    out = h.evidence_html(ev)
    assert "source passage" in out
    assert f"({ev.document})" not in out


def test_timeline_about_the_selection_keeps_statements_about_either():
    catalog = shipped()
    about = query.statements(catalog, query.StatementFilter(about=("UA-23",
                                                                   "us-28-point-plan")))
    assert about and all("UA-23" in s.regions or "us-28-point-plan" in s.proposals
                         for s in about)
    assert len(about) < len(catalog.statements)


def test_stance_legend_names_every_stance():
    from claims_atlas.core.models import STANCES

    out = reading.stance_legend_html()
    assert all(f"stance-{s}" in out for s in STANCES)


def test_handouts_and_slides_name_documents_by_title():
    from claims_atlas.render import handouts, slides

    catalog = shipped()
    pid = next(p.id for p in catalog.proposals
               if any(e.document for e in query.proposal_evidence(catalog, p.id)))
    titles = {d.title for d in catalog.documents}
    for text in (" ".join(handouts._sources(catalog, pid)),
                 html.unescape(slides.sources_html(catalog, pid))):
        assert "document seed-" not in text and "seed-20" not in text
        assert any(t in text for t in titles) or " more" in text
