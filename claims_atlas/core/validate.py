"""Catalog -> problems: ids known and unique, quotes verbatim, vocabulary respected."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlparse

from claims_atlas.core import vocab
from claims_atlas.core.models import Catalog, Evidence, Problem

# Outlets that are state media or state-aligned aggregators: evidence from them must say so.
STATE_MEDIA_DOMAINS = ("tass.com", "tass.ru", "ria.ru", "rt.com", "pravda.ru", "news-pravda.com",
                       "sputniknews.com", "rg.ru", "tvzvezda.ru", "xinhuanet.com", "news.cn",
                       "tvc.ru", "vesti.ru", "1tv.ru", "globaltimes.cn", "cgtn.com",
                       "people.cn", "pravda-7pd.pages.dev", "pravda-en.com", "gazeta.ru",
                       "lenta.ru", "sputnikglobe.com", "trtworld.com")

_QUOTES = str.maketrans({c: '"' for c in "“”„‟«»″〝〞＂"} | {c: "'" for c in "‘’‚‛‹›′`´"})
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−"})


def normalise(text: str) -> str:
    """Text for verbatim comparison: NFC, one kind of quote mark and dash, single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES).translate(_DASHES)
    return re.sub(r"\s+", " ", text).strip()


def validate(catalog: Catalog) -> list[Problem]:
    problems: list[Problem] = []
    for check in (_duplicates, _people, _proposals, _statements, _places, _briefings, _evidence):
        problems.extend(check(catalog))
    return problems


def _at(item, message: str, key: str | None = None) -> Problem:
    return Problem(item.loc.path, item.loc.of(key) if key else item.loc.line, message)


def _duplicates(c: Catalog) -> Iterable[Problem]:
    for kind in ("documents", "proposals", "statements", "places", "briefings"):
        items = getattr(c, kind)
        counts = Counter(i.id for i in items if i.id)
        first = {}
        for item in items:
            if counts[item.id] > 1:
                if item.id in first:
                    yield _at(item, f"duplicate {kind[:-1]} id {item.id!r} "
                                    f"(first defined at {first[item.id].loc})")
                else:
                    first[item.id] = item


def _region(c: Catalog, item, region: str, what: str, key: str = "region"
            ) -> Iterable[Problem]:
    if not region or c.region(region):
        return
    group = next((g for g in c.groups if region.lower() in {n.lower() for n in g.names}
                  or region == g.id), None)
    hint = (f" ('{group.name_en}' is a group: write one entry per member, "
            f"{', '.join(group.members)})" if group else " (use an ISO 3166-2 id such as UA-14)")
    yield _at(item, f"{what}: unknown region {region!r}{hint}", key)


def _disposition(item, value: str | None, what: str) -> Iterable[Problem]:
    if value and value not in vocab.BY_ID:
        yield _at(item, f"{what}: disposition {value!r} is not in the vocabulary "
                        f"({', '.join(vocab.ids())})", "disposition")


def _proposals(c: Catalog) -> Iterable[Problem]:
    titles: dict[str, object] = {}
    for p in c.proposals:
        first = titles.setdefault(p.title.strip().casefold(), p)
        if first is not p and p.title:
            yield _at(p, f"proposal {p.id!r}: title {p.title!r} is already used by "
                         f"{first.id!r} (the picker shows titles: make them unique)", "title")
        for field in ("revises", "counters", "derived_from"):
            ref = getattr(p, field)
            if ref and not c.proposal(ref):
                yield _at(p, f"proposal {p.id!r}: '{field}' names unknown proposal {ref!r}",
                          field)
            if ref == p.id:
                yield _at(p, f"proposal {p.id!r}: '{field}' cannot name itself")
        seen = {}
        for prov in p.provisions:
            yield from _region(c, prov, prov.region, "provision")
            yield from _disposition(prov, prov.disposition, "provision")
            key = (prov.region, prov.part)
            if key in seen:
                yield _at(prov, f"provision: {prov.region} ({prov.part}) already has a "
                                f"provision at line {seen[key].loc.line}", "part")
            seen.setdefault(key, prov)
            parts = {q.part for q in p.provisions if q.region == prov.region}
            if prov.part == "whole" and len(parts) > 1:
                yield _at(prov, f"provision: {prov.region} has a 'whole' provision and "
                                f"provisions for parts; use parts only")
            yield from _readings(prov)
        for pp in p.place_provisions:
            if pp.place and not c.place(pp.place):
                yield _at(pp, f"place provision: unknown place {pp.place!r}", "place")
            yield from _readings(pp)


def _readings(item) -> Iterable[Problem]:
    if item.disputed and len(item.readings) < 2:
        yield _at(item, "disputed: list at least two 'readings', each with its evidence")
    if item.readings and not item.disputed:
        yield _at(item, "'readings' given but 'disputed' is not true")
    for reading in item.readings:
        yield from _disposition(reading, reading.disposition, "reading")


def _people(c: Catalog) -> Iterable[Problem]:
    from claims_atlas.core.people import register_problems

    yield from register_problems(c.people)


def _statements(c: Catalog) -> Iterable[Problem]:
    register = None
    for s in c.statements:
        for i, person_id in enumerate(s.speakers):
            if c.person(person_id) is None:
                if register is None:
                    from claims_atlas.core.people import Register
                    register = Register(c.people)
                line = s.speaker_lines[i] if i < len(s.speaker_lines) else s.loc.of("speakers")
                missing = "" if c.people else "; seeds/people.yaml is missing or empty"
                yield Problem(s.loc.path, line,
                              f"statement {s.id!r}: unknown speaker {person_id!r} "
                              f"(not in people.yaml){register.hint(person_id)}{missing}")
        for ref in s.proposals:
            if not c.proposal(ref):
                yield _at(s, f"statement {s.id!r}: concerns unknown proposal {ref!r}",
                          "concerns")
        for region in s.regions:
            yield from _region(c, s, region, f"statement {s.id!r}", "concerns")
        if s.quote is not None and not s.quote_is_translation and not quote_in_passages(
                s.quote, [ev.quote for ev in s.evidence]):
            yield _at(s, f"statement {s.id!r}: quote is not verbatim in any of its evidence "
                         f"passages: {_clip(s.quote)!r} (or mark it 'quote_is_translation: "
                         f"true')", "quote")


_ELISION = re.compile(r"\s*(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)\s*")
_EDGES = " .,;:!?\"'"
_INSERTION = re.compile(r"\s*[(\[][^()\[\]]{1,80}[)\]]")


def quote_in_passages(quote: str, passages: Iterable[str]) -> bool:
    """Whether a statement's quote stands verbatim in one of its evidence passages.

    Compared after `normalise`, ignoring case and the punctuation or quote marks at either
    end (a quoted sentence may end in "," in the source); an elision mark (…, ..., […])
    splits the quote into parts, each of which must stand in one passage. An editor's
    insertion in the passage, "(Ukrainian President)" or "[the president]", may be left
    out of the quote."""
    texts = [normalise(p).casefold() for p in passages]
    texts += [normalise(_INSERTION.sub("", t)) for t in texts if _INSERTION.search(t)]
    parts = [normalise(part).strip(_EDGES).casefold() for part in _ELISION.split(quote)]
    parts = [part for part in parts if part]
    return bool(parts) and all(any(part in t for t in texts) for part in parts)


def _places(c: Catalog) -> Iterable[Problem]:
    for place in c.places:
        yield from _region(c, place, place.region, f"place {place.id!r}")


#: Limits on a deck, whoever wrote it: a title, a caption, scenes per deck, decks.
MAX_TITLE, MAX_CAPTION, MAX_SCENES, MAX_DECKS = 200, 1000, 100, 50


def _briefings(c: Catalog) -> Iterable[Problem]:
    if len(c.briefings) > MAX_DECKS:
        yield _at(c.briefings[MAX_DECKS], f"more than {MAX_DECKS} briefing decks")
    for b in c.briefings:
        if not b.scenes:
            yield _at(b, f"briefing {b.id!r}: needs at least one scene")
        if len(b.title) > MAX_TITLE:
            yield _at(b, f"briefing {b.id!r}: title is {len(b.title):,} characters "
                         f"(at most {MAX_TITLE})", "title")
        if len(b.scenes) > MAX_SCENES:
            yield _at(b, f"briefing {b.id!r}: {len(b.scenes)} scenes (at most {MAX_SCENES})")
        for scene in b.scenes:
            if len(scene.caption) > MAX_CAPTION:
                yield _at(scene, f"scene: caption is {len(scene.caption):,} characters "
                                 f"(at most {MAX_CAPTION})", "caption")
            for ref in filter(None, (scene.proposal, scene.compare)):
                if not c.proposal(ref):
                    yield _at(scene, f"scene: unknown proposal {ref!r}",
                              "compare" if ref == scene.compare else "proposal")
            if scene.compare and scene.compare == scene.proposal:
                yield _at(scene, f"scene: 'compare' names the scene's own proposal "
                                 f"{scene.proposal!r}", "compare")
            for region in scene.regions:
                yield from _region(c, scene, region, "scene", "regions")


def all_evidence(c: Catalog) -> Iterable[Evidence]:
    for p in c.proposals:
        yield from p.evidence
        for prov in (*p.provisions, *p.place_provisions):
            yield from prov.evidence
            for reading in prov.readings:
                yield from reading.evidence
    for s in c.statements:
        yield from s.evidence


def _evidence(c: Catalog) -> Iterable[Problem]:
    bodies = {d.id: normalise(d.text) for d in c.documents}
    for ev in all_evidence(c):
        if ev.document is not None:
            if ev.document not in bodies:
                yield _at(ev, f"evidence: unknown document {ev.document!r}", "document")
            elif normalise(ev.quote) not in bodies[ev.document]:
                yield _at(ev, f"evidence: quote is not verbatim in document {ev.document!r}: "
                              f"{_clip(ev.quote)!r}", "quote")
        if ev.translation and (ev.language or "en") == "en":
            yield _at(ev, "evidence: 'translation' is for a non-English quote; "
                          "add 'language' (e.g. uk, ru)", "translation")
        if ev.url and not ev.state_media and is_state_media(ev.url):
            yield _at(ev, f"evidence: {urlparse(ev.url).hostname} is state media; "
                          f"add 'state_media: true'", "url")


def is_state_media(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in STATE_MEDIA_DOMAINS)


def _clip(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"
