"""Every source the catalog cites, classified, with the items citing it. Plain data only.

A *source* is one seeds document (keyed by its id) or one web page (keyed by its URL): each
appears once however many evidence entries cite it. Each is classified from its URL host by
`HOSTS` (one table, below) and the validator's state-media list (`validate.STATE_MEDIA_DOMAINS`):

- ``wire``: a news agency's own site (Reuters, AP, AFP, Interfax-Ukraine, ...);
- ``original``: the outlet that reported the story, on its own site;
- ``republisher``: a site carrying someone else's copy: an aggregator, or an outlet whose
  page is syndicated copy (the evidence names a wire in ``via``, or its outlet reads
  "Outlet (Other outlet)");
- ``state_media``: state media or state-aligned aggregators (the evidence's
  ``state_media`` flag, or the host is on the validator's list);
- ``unknown``: a host the table does not know yet, or a document with no URL whose outlet
  the catalog does not name.

Errors: none; an unparsable URL counts as an unknown host.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from claims_atlas.core.models import Catalog, Evidence
from claims_atlas.core.validate import is_state_media

WIRE, ORIGINAL, REPUBLISHER, STATE_MEDIA, UNKNOWN = (
    "wire", "original", "republisher", "state_media", "unknown")
KINDS = (WIRE, ORIGINAL, REPUBLISHER, STATE_MEDIA, UNKNOWN)
KIND_LABELS = {WIRE: "wire service", ORIGINAL: "original outlet", REPUBLISHER: "re-publisher",
               STATE_MEDIA: "state media", UNKNOWN: "unclassified host"}
STRONG = (WIRE, ORIGINAL)

# Host (without "www.", matched with its subdomains) -> what the site is. State media are not
# listed here: they come from validate.STATE_MEDIA_DOMAINS, the one list of them.
HOSTS: dict[str, str] = {
    # wire services and news agencies
    "reuters.com": WIRE, "apnews.com": WIRE, "afp.com": WIRE, "bloomberg.com": WIRE,
    "interfax.com.ua": WIRE, "ukrinform.net": WIRE, "ukrinform.ua": WIRE, "dpa.com": WIRE,
    "belganewsagency.eu": WIRE, "unn.ua": WIRE, "ansa.it": WIRE, "efe.com": WIRE,
    "interfax.ru": WIRE, "unian.ua": WIRE, "unian.net": WIRE, "report.az": WIRE,
    # outlets reporting on their own sites
    "kyivindependent.com": ORIGINAL, "cnn.com": ORIGINAL, "independent.co.uk": ORIGINAL,
    "themoscowtimes.com": ORIGINAL, "24tv.ua": ORIGINAL, "liga.net": ORIGINAL,
    "rbc.ua": ORIGINAL, "irishtimes.com": ORIGINAL, "hindustantimes.com": ORIGINAL,
    "ndtv.com": ORIGINAL, "intellinews.com": ORIGINAL, "euromaidanpress.com": ORIGINAL,
    "thepage.ua": ORIGINAL, "empr.media": ORIGINAL, "breitbart.com": ORIGINAL,
    "okaz.com.sa": ORIGINAL, "gandul.ro": ORIGINAL, "g4media.ro": ORIGINAL,
    "novyny.live": ORIGINAL, "caliber.az": ORIGINAL, "channelnewsasia.com": ORIGINAL,
    "thequint.com": ORIGINAL, "tbsnews.net": ORIGINAL, "vedomosti.ru": ORIGINAL,
    "finansavisen.no": ORIGINAL, "san.com": ORIGINAL, "tag24.com": ORIGINAL,
    "regionews.ua": ORIGINAL, "ft.com": ORIGINAL, "washingtonpost.com": ORIGINAL,
    "nytimes.com": ORIGINAL, "theguardian.com": ORIGINAL, "bbc.com": ORIGINAL,
    "bbc.co.uk": ORIGINAL, "axios.com": ORIGINAL, "politico.eu": ORIGINAL,
    "politico.com": ORIGINAL, "pravda.com.ua": ORIGINAL, "zn.ua": ORIGINAL,
    "kommersant.ru": ORIGINAL, "aljazeera.com": ORIGINAL, "president.gov.ua": ORIGINAL,
    "kremlin.ru": ORIGINAL, "whitehouse.gov": ORIGINAL, "state.gov": ORIGINAL,
    "mid.ru": ORIGINAL, "mfa.gov.ua": ORIGINAL, "censor.net": ORIGINAL, "babel.ua": ORIGINAL,
    "kyivpost.com": ORIGINAL, "straitstimes.com": ORIGINAL, "rbc.ru": ORIGINAL,
    "comments.ua": ORIGINAL, "almayadeen.net": ORIGINAL, "glavnoe.in.ua": ORIGINAL,
    "online.ua": ORIGINAL, "lbcgroup.tv": ORIGINAL, "voz.us": ORIGINAL,
    "nikvesti.com": ORIGINAL, "portfolio.hu": ORIGINAL, "radiosvoboda.org": ORIGINAL,
    "libertatea.ro": ORIGINAL, "indiatvnews.com": ORIGINAL, "vesti.bg": ORIGINAL,
    "newindianexpress.com": ORIGINAL, "glavcom.ua": ORIGINAL, "freeradio.com.ua": ORIGINAL,
    "tsn.ua": ORIGINAL, "hvylya.net": ORIGINAL, "osw.waw.pl": ORIGINAL,
    "suspilne.media": ORIGINAL, "rferl.org": ORIGINAL, "wsj.com": ORIGINAL,
    # aggregators and copy sites
    "frontnews.ge": REPUBLISHER, "myglobalnews.net": REPUBLISHER, "statement.com": REPUBLISHER,
    "europesays.com": REPUBLISHER, "kursiv.media": REPUBLISHER, "pledgetimes.com": REPUBLISHER,
    "newsbytesapp.com": REPUBLISHER, "britbrief.co.uk": REPUBLISHER,
    "uanews.net": REPUBLISHER, "globalnewsviews.com": REPUBLISHER,
    "devdiscourse.com": REPUBLISHER, "liveindia.tv": REPUBLISHER,
    "nucnet.herokuapp.com": REPUBLISHER, "o-abroad.com": REPUBLISHER,
    "muenchenerpost.de": REPUBLISHER, "sfg.media": REPUBLISHER, "234radio.com": REPUBLISHER,
    "menafn.com": REPUBLISHER, "ifpnews.com": REPUBLISHER, "lnginnorthernbc.ca": REPUBLISHER,
    "odessa-journal.com": REPUBLISHER, "newser.com": REPUBLISHER,
    "msn.com": REPUBLISHER, "yahoo.com": REPUBLISHER, "consumersadvisory.com": REPUBLISHER,
    "theupdatedesk.com": REPUBLISHER, "quews.news": REPUBLISHER,
    "scmp.sxfx.eu.org": REPUBLISHER, "collector.com.tr": REPUBLISHER,
    "thelocalreport.in": REPUBLISHER, "themonexus.com": REPUBLISHER,
    "millichronicle.com": REPUBLISHER, "tve24.ru": REPUBLISHER,
}

_CREDITED = re.compile(r"\((?:via |citing )?[^)]+\)\s*$")


def host(url: str | None) -> str:
    """The URL's host, lower case, without a leading "www." ("" when there is none)."""
    try:
        name = (urlparse((url or "").strip()).hostname or "").lower()
    except ValueError:
        return ""
    return name[4:] if name.startswith("www.") else name


def host_kind(url: str | None) -> str:
    """What the site at `url` is, from its host alone: one of KINDS."""
    if url and is_state_media(url):
        return STATE_MEDIA
    name = host(url)
    while name:
        if name in HOSTS:
            return HOSTS[name]
        name = name.partition(".")[2]
    return UNKNOWN


def classify(url: str | None, *, state_media: bool = False, via: str | None = None,
             outlet: str | None = None) -> str:
    """What one cited page is (one of KINDS): the host's kind, made `republisher` when an
    original outlet's page is someone else's copy (a wire in `via`, or an outlet written
    "Outlet (Source)"), and `state_media` whenever the catalog flags it so."""
    if state_media:
        return STATE_MEDIA
    kind = host_kind(url)
    copied = bool(via or _CREDITED.search(outlet or ""))
    if copied and (kind == ORIGINAL or (kind == UNKNOWN and not url)):
        return REPUBLISHER  # syndicated copy, on a known outlet's site or an unnamed one
    return kind


@dataclass(frozen=True)
class Citer:
    """An item that cites a source: kind is "proposal", "provision" or "statement"."""

    kind: str
    id: str  # proposal id, "proposal-id/region/part" (or ".../place") or statement id
    label: str
    proposal: str | None = None  # the proposal it belongs to (proposals and provisions)
    region: str | None = None


@dataclass
class Source:
    """One cited source (a document or a URL) with everything that cites it."""

    id: str
    kind: str  # one of KINDS
    outlet: str
    wire: str
    date: str  # ISO date, or ""
    language: str
    state_media: bool
    url: str
    title: str
    document: str | None = None
    evidence_count: int = 0
    citers: list[Citer] = field(default_factory=list)

    def citing(self, kind: str) -> list[Citer]:
        return [c for c in self.citers if c.kind == kind]


def _evidence_by_item(c: Catalog) -> Iterator[tuple[Citer, Evidence]]:
    """(citing item, evidence) for every evidence entry, in catalog order."""
    for p in c.proposals:
        own = Citer("proposal", p.id, p.label, proposal=p.id)
        for ev in p.evidence:
            yield own, ev
        for prov in p.provisions:
            region = c.region(prov.region)
            name = region.name_en if region else prov.region
            part = "" if prov.part == "whole" else f" ({prov.part.replace('_', '-')})"
            citer = Citer("provision", f"{p.id}/{prov.region}/{prov.part}",
                          f"{p.label}: {name}{part}", proposal=p.id, region=prov.region)
            for ev in (*prov.evidence, *(e for r in prov.readings for e in r.evidence)):
                yield citer, ev
        for pp in p.place_provisions:
            place = c.place(pp.place)
            citer = Citer("provision", f"{p.id}/{pp.place}",
                          f"{p.label}: {place.name if place else pp.place}", proposal=p.id,
                          region=place.region if place else None)
            for ev in (*pp.evidence, *(e for r in pp.readings for e in r.evidence)):
                yield citer, ev
    for s in c.statements:
        citer = _statement_citer(s)
        for ev in s.evidence:
            yield citer, ev


def _statement_citer(s) -> Citer:
    return Citer("statement", s.id, f"{s.speaker}, {s.date.isoformat()}")


def evidence_kind(c: Catalog, ev: Evidence) -> str:
    """The kind (one of KINDS) of the source one evidence entry rests on."""
    if ev.document is not None:
        doc = c.document(ev.document)
        if doc is None:
            return UNKNOWN
        return classify(doc.url, state_media=doc.state_media, via=doc.via, outlet=doc.outlet)
    return classify(ev.url, state_media=ev.state_media, via=ev.via, outlet=ev.outlet)


def _source_id(url: str) -> str:
    return "web-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:10]


def _title_from_url(url: str) -> str:
    """A readable title guessed from the URL's last path segment ("" if it has no words)."""
    segments = [s for s in urlparse(url).path.split("/") if s]
    for segment in reversed(segments):
        stem = re.sub(r"\.(html?|php|aspx?)$", "", unquote(segment), flags=re.I)
        words = [w for w in re.split(r"[-_+\s]+", stem) if w.isalpha()]
        if len(words) >= 3:
            text = " ".join(words)
            return text[0].upper() + text[1:]
    return ""


def bibliography(c: Catalog) -> list[Source]:
    """Every cited source once: documents first (catalog order), then web pages in order of
    first citation. A web URL that is also a document's URL joins the document's row.
    Dates are ISO strings; fields the catalog lacks are ""."""
    rows: dict[str, Source] = {}
    doc_urls = {d.url.strip(): d.id for d in c.documents if d.url}
    for d in c.documents:
        rows[d.id] = Source(
            id=d.id, kind=classify(d.url, state_media=d.state_media, via=d.via,
                                   outlet=d.outlet),
            outlet=d.outlet, wire=d.via or "", date=d.dateline.isoformat(),
            language=d.language, state_media=d.state_media or (
                bool(d.url) and is_state_media(d.url)), url=d.url or "", title=d.title,
            document=d.id)
    for citer, ev in _evidence_by_item(c):
        if ev.document is not None:
            key = ev.document
            if key not in rows:  # an unknown document: the validator reports it
                continue
        elif ev.url:
            url = ev.url.strip()
            key = doc_urls.get(url, url)
            if key not in rows:
                rows[key] = Source(
                    id=_source_id(url),
                    kind=classify(url, state_media=ev.state_media, via=ev.via,
                                  outlet=ev.outlet),
                    outlet=ev.outlet or host(url), wire=ev.via or "",
                    date=ev.date.isoformat() if ev.date else "", language=ev.language or "",
                    state_media=ev.state_media or is_state_media(url), url=url,
                    title=_title_from_url(url))
        else:
            continue
        row = rows[key]
        row.evidence_count += 1
        if citer not in row.citers:
            row.citers.append(citer)
    return [r for r in rows.values() if r.citers or r.document]


@dataclass(frozen=True)
class Counts:
    sources: int
    evidence: int
    by_kind: dict  # kind -> number of evidence entries

    def share(self, *kinds: str) -> float:
        """The fraction (0..1) of evidence entries whose source is one of `kinds`."""
        return sum(self.by_kind.get(k, 0) for k in kinds) / self.evidence if self.evidence else 0.0


def counts(c: Catalog, sources: Iterable[Source] | None = None) -> Counts:
    """How many sources, how many evidence entries, and entries per source kind."""
    sources = list(bibliography(c) if sources is None else sources)
    by_kind = {k: 0 for k in KINDS}
    for s in sources:
        by_kind[s.kind] += s.evidence_count
    return Counts(len(sources), sum(s.evidence_count for s in sources), by_kind)


def filter_sources(sources: Iterable[Source], *, outlets: Iterable[str] = (),
                   state_media: bool | None = None, proposal: str | None = None,
                   kinds: Iterable[str] = ()) -> list[Source]:
    """The sources matching every filter given: outlet among `outlets`, state-media flag
    equal to `state_media`, cited by `proposal` (its own evidence or a provision's), kind
    among `kinds`. Empty filters keep everything."""
    outlets, kinds = set(outlets), set(kinds)
    return [s for s in sources
            if (not outlets or s.outlet in outlets)
            and (state_media is None or s.state_media == state_media)
            and (proposal is None or any(ct.proposal == proposal for ct in s.citers))
            and (not kinds or s.kind in kinds)]


# --- exports ---------------------------------------------------------------------------

CSV_FIELDS = ("id", "kind", "outlet", "wire", "date", "language", "state_media", "url",
              "title", "document", "evidence_count", "proposals", "provisions", "statements")


def rows(sources: Iterable[Source]) -> list[dict]:
    """One flat dict per source (CSV_FIELDS); citing items joined with "; "."""
    out = []
    for s in sources:
        out.append({
            "id": s.id, "kind": s.kind, "outlet": s.outlet, "wire": s.wire, "date": s.date,
            "language": s.language, "state_media": s.state_media, "url": s.url,
            "title": s.title, "document": s.document or "", "evidence_count": s.evidence_count,
            "proposals": "; ".join(c.id for c in s.citing("proposal")),
            "provisions": "; ".join(c.id for c in s.citing("provision")),
            "statements": "; ".join(c.id for c in s.citing("statement")),
        })
    return out


def to_csv(sources: Iterable[Source]) -> str:
    """The bibliography as CSV, header on line 1 (CSV_FIELDS), UTF-8 text."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(sources))
    return buf.getvalue()


def to_csl(sources: Iterable[Source]) -> list[dict]:
    """CSL-JSON items (what Zotero and other reference managers import): id, type, title,
    container-title, issued ({"date-parts": [[y, m, d]]}, omitted without a date), URL
    (omitted without one), language, note. Web pages without a headline in the catalog get
    a title guessed from the URL, else "<outlet>, <date>"."""
    items = []
    for s in sources:
        item = {"id": s.id, "type": "article-newspaper" if s.document is None else "article",
                "title": s.title or ", ".join(filter(None, (s.outlet, s.date))),
                "container-title": s.outlet}
        if s.date:
            item["issued"] = {"date-parts": [[int(p) for p in s.date.split("-")]]}
        if s.url:
            item["URL"] = s.url
        if s.language:
            item["language"] = s.language
        notes = [KIND_LABELS[s.kind]] + ([f"via {s.wire}"] if s.wire else [])
        item["note"] = "; ".join(notes)
        items.append(item)
    return items


def csl_json(sources: Iterable[Source]) -> str:
    return json.dumps(to_csl(sources), ensure_ascii=False, indent=1) + "\n"


# --- the maintainers' report ------------------------------------------------------------

BASES = ("includes_wire_or_original", "state_media_only", "republishers_only",
         "republishers_and_state_media", "unclassified", "no_evidence")
BASIS_LABELS = {
    "includes_wire_or_original": "includes the wire or the original outlet",
    "state_media_only": "only state media",
    "republishers_only": "only re-publishers",
    "republishers_and_state_media": "only re-publishers and state media",
    "unclassified": "no wire or original outlet (some hosts unclassified)",
    "no_evidence": "no evidence",
}


def basis(kinds: Iterable[str]) -> str:
    """What a set of evidence kinds rests on: one of BASES."""
    found = set(kinds)
    if not found:
        return "no_evidence"
    if found & set(STRONG):
        return "includes_wire_or_original"
    if UNKNOWN in found:
        return "unclassified"
    if found == {STATE_MEDIA}:
        return "state_media_only"
    if found == {REPUBLISHER}:
        return "republishers_only"
    return "republishers_and_state_media"


def report(c: Catalog) -> dict:
    """Per proposal (all its evidence, and per provision) and per statement: the evidence
    kinds counted and the basis (BASES). Shape::

        {"proposals": [{"id", "title", "basis", "kinds": {kind: n},
                        "provisions": [{"id", "label", "basis", "kinds"}]}],
         "statements": [{"id", "label", "basis", "kinds"}],
         "unclassified_hosts": [host, ...]}
    """
    per: dict[Citer, list[str]] = {}
    unknown_hosts: set[str] = set()
    for citer, ev in _evidence_by_item(c):
        kind = evidence_kind(c, ev)
        per.setdefault(citer, []).append(kind)
        if kind == UNKNOWN and ev.url:
            unknown_hosts.add(host(ev.url))

    def entry(citer: Citer, kinds: list[str]) -> dict:
        tally = {k: kinds.count(k) for k in KINDS if k in kinds}
        return {"id": citer.id, "label": citer.label, "basis": basis(kinds), "kinds": tally}

    proposals = []
    for p in c.proposals:
        mine = [(ct, ks) for ct, ks in per.items() if ct.proposal == p.id]
        all_kinds = [k for _, ks in mine for k in ks]
        proposals.append({
            "id": p.id, "title": p.title, "basis": basis(all_kinds),
            "kinds": {k: all_kinds.count(k) for k in KINDS if k in all_kinds},
            "provisions": [entry(ct, ks) for ct, ks in mine if ct.kind == "provision"]})
    citers = [_statement_citer(s) for s in c.statements]
    statements = [entry(ct, per.get(ct, [])) for ct in citers]
    return {"proposals": proposals, "statements": statements,
            "unclassified_hosts": sorted(unknown_hosts)}
