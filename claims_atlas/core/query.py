"""Questions about the catalog, answered with plain data."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from claims_atlas.core import vocab
from claims_atlas.core.models import (
    PART_LABELS,
    STATUS_LABELS,
    Catalog,
    Proposal,
    Provision,
    Statement,
)

DEFAULT_PROPOSAL = "us-28-point-plan"
PART_ORDER = {"whole": 0, "russian_held": 1, "ukrainian_held": 2}


@dataclass(frozen=True)
class Shown:
    """What the map shows for one region (or one part of it) under one proposal."""

    region: str
    part: str
    disposition: str
    summary: str
    provision: Provision | None  # None: the proposal has no provision for the region

    @property
    def label(self) -> str:
        return vocab.get(self.disposition).short


def proposals_by_date(catalog: Catalog) -> list[Proposal]:
    return sorted(catalog.proposals, key=lambda p: (p.date, p.id))


# What the catalog's editors know about their sources (public-record-2026.md, Part 2.0).
RECORD_NOTE = "stored sources are thin after March 2026"


def record_reach(catalog: Catalog) -> dt.date | None:
    """The date of the newest dated item (proposal or statement), or None for an empty catalog."""
    dates = [p.date for p in catalog.proposals] + [s.date for s in catalog.statements]
    return max(dates) if dates else None


def record_reach_text(catalog: Catalog) -> str:
    """'Record current to 28 June 2026; stored sources are thin after March 2026.' (plain text)"""
    reach = record_reach(catalog)
    if reach is None:
        return "The record is empty."
    return f"Record current to {reach.day} {reach:%B %Y}; {RECORD_NOTE}."


def picker_label(proposal: Proposal) -> str:
    """The picker's plain text for a proposal: year, title, status ('2025 · US 28-point plan ·
    leaked'); with the picker sorted by date, the leading year groups the list by year."""
    return (f"{proposal.date.year} · {proposal.title.strip()} · "
            f"{STATUS_LABELS.get(proposal.status, proposal.status)}")


def default_proposal_id(catalog: Catalog) -> str | None:
    if catalog.proposal(DEFAULT_PROPOSAL):
        return DEFAULT_PROPOSAL
    ordered = proposals_by_date(catalog)
    return ordered[-1].id if ordered else None


def proposal_evidence(catalog: Catalog, proposal_id: str) -> list:
    """The proposal's own evidence, then its provisions', in catalog order."""
    p = catalog.proposal(proposal_id)
    return [*p.evidence, *(e for v in p.provisions for e in v.evidence)] if p else []


def shown_for(catalog: Catalog, proposal_id: str, region_id: str) -> list[Shown]:
    """The provisions a proposal makes for a region, Russian-held part first."""
    proposal = catalog.proposal(proposal_id)
    provs = sorted((p for p in proposal.provisions if p.region == region_id),
                   key=lambda p: PART_ORDER.get(p.part, 9)) if proposal else []
    if not provs:
        return [Shown(region_id, "whole", vocab.NOT_ADDRESSED,
                      "The proposal says nothing about this region.", None)]
    shown = [Shown(region_id, p.part, p.disposition, p.summary, p) for p in provs]
    parts = {p.part for p in provs}
    if parts == {"russian_held"}:
        shown.append(Shown(region_id, "ukrainian_held", vocab.NOT_ADDRESSED,
                           "The proposal says nothing about the part Ukraine holds.", None))
    elif parts == {"ukrainian_held"}:
        shown.insert(0, Shown(region_id, "russian_held", vocab.NOT_ADDRESSED,
                              "The proposal says nothing about the part Russia holds.", None))
    return shown


def dispositions(catalog: Catalog, proposal_id: str) -> dict[str, list[str]]:
    """Region id -> disposition ids shown for it (two when parts differ)."""
    return {r.id: [s.disposition for s in shown_for(catalog, proposal_id, r.id)]
            for r in catalog.regions}


def all_dispositions(catalog: Catalog) -> dict[str, dict[str, list[str]]]:
    return {p.id: dispositions(catalog, p.id) for p in catalog.proposals}


def one_line(catalog: Catalog, proposal_id: str, region_id: str) -> str:
    """'Russian-held part: Russian (de facto); Ukrainian-held part: Demilitarised zone'."""
    shown = shown_for(catalog, proposal_id, region_id)
    if len(shown) == 1 and shown[0].part == "whole":
        return shown[0].label
    return "; ".join(f"{PART_LABELS[s.part]}: {s.label}" for s in shown)


def legend(catalog: Catalog, proposal_ids: Iterable[str]) -> list[vocab.Disposition]:
    """The dispositions the given proposals show, in vocabulary order."""
    used = {d for pid in proposal_ids for ds in dispositions(catalog, pid).values() for d in ds}
    return [d for d in vocab.DISPOSITIONS if d.id in used]


@dataclass(frozen=True)
class RegionEntry:
    proposal: Proposal
    shown: tuple[Shown, ...]


def region_detail(catalog: Catalog, region_id: str) -> list[RegionEntry]:
    """What every proposal says about one region, oldest proposal first."""
    return [RegionEntry(p, tuple(shown_for(catalog, p.id, region_id)))
            for p in proposals_by_date(catalog)]


@dataclass(frozen=True)
class CompareRow:
    region: str
    name: str
    a: tuple[Shown, ...]
    b: tuple[Shown, ...]

    @property
    def changed(self) -> bool:
        return ([(s.part, s.disposition) for s in self.a]
                != [(s.part, s.disposition) for s in self.b])


def compare(catalog: Catalog, a: str, b: str, only_touched: bool = True) -> list[CompareRow]:
    """Region by region, what proposal `a` and proposal `b` do; changed rows flagged."""
    rows = []
    for region in catalog.regions:
        sa, sb = shown_for(catalog, a, region.id), shown_for(catalog, b, region.id)
        untouched = all(s.provision is None for s in (*sa, *sb))
        if only_touched and untouched:
            continue
        rows.append(CompareRow(region.id, region.name_en, tuple(sa), tuple(sb)))
    return rows


@dataclass(frozen=True)
class StatementFilter:
    start: dt.date | None = None
    end: dt.date | None = None
    speakers: tuple[str, ...] = ()
    region: str | None = None
    proposal: str | None = None
    newest_first: bool = True
    about: tuple[str, ...] = ()  # proposal or region ids: keep statements about any of them

    def keeps(self, s: Statement) -> bool:
        return ((self.start is None or s.date >= self.start)
                and (not self.about or any(a in s.proposals or a in s.regions
                                           for a in self.about))
                and (self.end is None or s.date <= self.end)
                and (not self.speakers or any(n in self.speakers for n in s.speaker_names))
                and (self.region is None or self.region in s.regions)
                and (self.proposal is None or self.proposal in s.proposals))


def statements(catalog: Catalog, f: StatementFilter = StatementFilter()) -> list[Statement]:
    kept = [s for s in catalog.statements if f.keeps(s)]
    return sorted(kept, key=lambda s: (s.date, s.id), reverse=f.newest_first)


def speakers(catalog: Catalog) -> list[str]:
    """The people who speak in the catalog, by English name, once each (a joint statement
    counts for each of its speakers; unnamed sources and outlets are not speakers)."""
    return sorted({n for s in catalog.statements for n in s.speaker_names})


def fold(text: str) -> str:
    """Lower-case, accent- and apostrophe-free form for name matching."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(c for c in text if c.isalnum() or c == " ").strip()


@dataclass(frozen=True)
class NameMatch:
    """What a name typed by a reader finds.

    kind: "region" (one unit), "group" (several units named together: Donbas), "choice" (a
    name that may mean several units: Kyiv city or Kyiv oblast), "place" (a place inside a
    region: Enerhodar), or "none". regions: the units it selects (group, region, place) or
    offers (choice), in catalog order of the group or choice. name: the group's, place's or
    region's English name, or the ambiguous name as typed.
    """

    kind: str
    regions: tuple[str, ...] = ()
    name: str = ""


MIN_PART = 3  # characters a partial name needs: "x" or "2" is in too many names to mean one


def match_name(catalog: Catalog, text: str) -> NameMatch:
    """The region(s) a name means, matched on ISO id, names (en/uk/ru), aliases (spellings,
    abbreviations such as DPR/ДНР, occupation-era names), group names, ambiguous names and
    place names, ignoring case, accents and apostrophes. Exact matches win; failing those, a
    name containing the text (ids only exactly; a part needs MIN_PART characters and a
    letter).
    Several different hits make a "choice"."""
    needle = fold(text)
    if not needle:
        return NameMatch("none")
    exact = _match(catalog, text, needle, lambda name: fold(name) == needle)
    if exact or len(needle) < MIN_PART or not any(c.isalpha() for c in needle):
        return exact or NameMatch("none")
    return _match(catalog, text, needle, lambda name: needle in fold(name)) or NameMatch("none")


def _match(catalog: Catalog, text: str, needle: str, hit) -> NameMatch | None:
    for a in catalog.ambiguous:
        if any(map(hit, a.names)):
            return NameMatch("choice", a.choices, text.strip())
    regions = [r for r in catalog.regions if fold(r.id) == needle or any(map(hit, r.names))]
    groups = [g for g in catalog.groups if fold(g.id) == needle or any(map(hit, g.names))]
    if len(regions) == 1 and not groups:
        return NameMatch("region", (regions[0].id,), regions[0].name_en)
    if len(groups) == 1 and not regions:
        return NameMatch("group", groups[0].members, groups[0].name_en)
    if regions or groups:
        ids = [r.id for r in regions]
        ids += [m for g in groups for m in g.members if m not in ids]
        return NameMatch("choice", tuple(ids), text.strip())
    places = [p for p in catalog.places if hit(p.name) or any(map(hit, p.aliases))
              if catalog.region(p.region)]
    if len({p.region for p in places}) == 1:
        return NameMatch("place", (places[0].region,), places[0].name)
    if places:
        return NameMatch("choice", tuple(dict.fromkeys(p.region for p in places)), text.strip())
    return None


def find_regions(catalog: Catalog, text: str) -> list[str]:
    """Region ids a name selects or offers (see match_name); groups expand; [] for none."""
    return list(match_name(catalog, text).regions)


def find_proposals(catalog: Catalog, text: str) -> list[str]:
    needle = fold(text)
    return [p.id for p in proposals_by_date(catalog)
            if needle and (needle in fold(p.title) or needle in fold(p.short_title)
                           or needle == fold(p.id))]


def lineage(catalog: Catalog, proposal_id: str) -> list[tuple[str, str]]:
    """(relation, other proposal id) pairs, both directions."""
    p = catalog.proposal(proposal_id)
    if p is None:
        return []
    out = [(rel, getattr(p, rel)) for rel in ("revises", "counters", "derived_from")
           if getattr(p, rel)]
    inverse = {"revises": "revised by", "counters": "countered by",
               "derived_from": "source of"}
    for other in proposals_by_date(catalog):
        for rel, name in inverse.items():
            if getattr(other, rel) == proposal_id:
                out.append((name, other.id))
    return out


def versions_chain(catalog: Catalog, proposal_id: str) -> Sequence[str]:
    """The revision chain through a proposal, oldest first (28 points -> ... -> 20 points)."""
    chain, seen = [proposal_id], {proposal_id}
    p = catalog.proposal(proposal_id)
    while p and p.revises and p.revises not in seen:
        chain.insert(0, p.revises)
        seen.add(p.revises)
        p = catalog.proposal(p.revises)
    tail = proposal_id
    while True:
        nxt = next((o.id for o in catalog.proposals if o.revises == tail and o.id not in seen),
                   None)
        if nxt is None:
            return chain
        chain.append(nxt)
        seen.add(nxt)
        tail = nxt
