"""Frozen models of the catalog. Plain data: no I/O, no UI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

PARTS = ("whole", "russian_held", "ukrainian_held")
PART_LABELS = {"whole": "whole region", "russian_held": "Russian-held part",
               "ukrainian_held": "Ukrainian-held part"}
STATUSES = ("leaked", "reported", "described_by_official", "official", "position")
STATUS_LABELS = {"leaked": "leaked", "reported": "reported",
                 "described_by_official": "described by an official", "official": "official",
                 "position": "stated position"}
PRECISIONS = ("day", "month", "about")
STANCES = ("supports", "rejects", "clarifies", "denies", "proposes", "reports")
STATEMENT_KINDS = ("statement", "event")


@dataclass(frozen=True)
class Loc:
    """Where a value was written: a file and a 1-based line."""

    path: str
    line: int
    keys: tuple[tuple[str, int], ...] = ()

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"

    def of(self, key: str) -> int:
        """The line of one field of the entry (the entry's own line if absent)."""
        return dict(self.keys).get(key, self.line)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the catalog, printed as `path:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Evidence:
    quote: str
    loc: Loc
    document: str | None = None
    url: str | None = None
    outlet: str | None = None
    date: dt.date | None = None
    via: str | None = None
    state_media: bool = False
    language: str | None = None
    note: str | None = None
    translation: str | None = None  # the project's English rendering of a non-English quote


@dataclass(frozen=True)
class Reading:
    summary: str
    evidence: tuple[Evidence, ...]
    loc: Loc
    disposition: str | None = None


@dataclass(frozen=True)
class Provision:
    region: str
    part: str
    disposition: str
    summary: str
    evidence: tuple[Evidence, ...]
    loc: Loc
    conditions: tuple[str, ...] = ()
    disputed: bool = False
    readings: tuple[Reading, ...] = ()
    estimate_km2: float | None = None  # a published figure for the area concerned
    estimate_note: str = ""  # who published it, from what data


@dataclass(frozen=True)
class PlaceProvision:
    place: str
    summary: str
    evidence: tuple[Evidence, ...]
    loc: Loc
    disputed: bool = False
    readings: tuple[Reading, ...] = ()


@dataclass(frozen=True)
class Proposal:
    id: str
    title: str
    sponsor: str
    date: dt.date
    status: str
    summary: str
    evidence: tuple[Evidence, ...]
    provisions: tuple[Provision, ...]
    loc: Loc
    short_title: str = ""
    date_precision: str = "day"
    revises: str | None = None
    counters: str | None = None
    derived_from: str | None = None
    place_provisions: tuple[PlaceProvision, ...] = ()

    @property
    def label(self) -> str:
        return self.short_title or self.title


@dataclass(frozen=True)
class Source:
    """An unnamed source a statement rests on: not a person, never listed as a speaker."""

    description: str  # "four people with direct knowledge of the talks"
    outlet: str = ""  # who reported it: "Financial Times"

    @property
    def label(self) -> str:
        return f"{self.description} ({self.outlet})" if self.outlet else self.description


@dataclass(frozen=True)
class Statement:
    id: str
    kind: str
    date: dt.date
    speaker: str  # for display: the speakers' names joined by "; ", or the source's label
    role: str  # the statement's own 'role', else the register's roles on its date
    stance: str
    evidence: tuple[Evidence, ...]
    loc: Loc
    date_precision: str = "day"
    date_note: str | None = None
    affiliation: str = ""
    venue: str = ""
    quote: str | None = None
    paraphrase: str | None = None
    proposals: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()  # person ids from seeds/people.yaml
    speaker_names: tuple[str, ...] = ()  # their English names, same order (unknown ids: the id)
    speaker_lines: tuple[int, ...] = field(default=(), compare=False)  # file line of each id
    source: Source | None = None  # an unnamed source with its outlet, instead of speakers
    translation: str | None = None  # the project's English rendering of a non-English quote
    quote_is_translation: bool = False  # the quote renders a passage in another language

    @property
    def words(self) -> str:
        return self.quote if self.quote is not None else (self.paraphrase or "")


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    outlet: str
    language: str
    dateline: dt.date
    text: str
    body_line: int  # the file line on which `text` starts
    loc: Loc
    via: str | None = None
    url: str | None = None
    original_language: str | None = None
    state_media: bool = False
    notes: str | None = None


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    region: str
    kind: str
    coordinates: tuple
    precision: str
    source: str
    loc: Loc
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Role:
    """One office a person held: `start`/`end` inclusive; None: not known / still held."""

    title: str
    loc: Loc
    start: dt.date | None = None
    end: dt.date | None = None
    affiliation: str = ""  # when it differs from the person's

    def held_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Person:
    """One entry of seeds/people.yaml."""

    id: str
    name: str  # English, as printed
    loc: Loc
    name_uk: str = ""
    name_ru: str = ""
    spellings: tuple[str, ...] = ()  # other transliterations and surnames alone
    affiliation: str = ""
    roles: tuple[Role, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.name, self.name_uk, self.name_ru, *self.spellings) if n)

    def roles_on(self, day: dt.date) -> tuple[Role, ...]:
        return tuple(r for r in self.roles if r.held_on(day))


@dataclass(frozen=True)
class Scene:
    proposal: str
    caption: str
    loc: Loc
    compare: str | None = None
    regions: tuple[str, ...] = ()
    control: tuple[str, str] | None = None  # (date ISO, source)


@dataclass(frozen=True)
class Briefing:
    id: str
    title: str
    author: str
    date: dt.date
    scenes: tuple[Scene, ...]
    loc: Loc


@dataclass(frozen=True)
class Region:
    id: str
    adm1_code: str
    name_en: str
    name_uk: str
    name_ru: str
    kind: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name_en, self.name_uk, self.name_ru, *self.aliases)


@dataclass(frozen=True)
class Group:
    id: str
    name_en: str
    members: tuple[str, ...]
    name_uk: str = ""
    name_ru: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name_en, self.name_uk, self.name_ru, *self.aliases)


@dataclass(frozen=True)
class Ambiguous:
    """A name that means more than one unit (Kyiv: the city or the oblast): ask, don't guess."""

    names: tuple[str, ...]
    choices: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    """Everything the atlas knows, loaded once, never mutated."""

    seeds_dir: str
    regions: tuple[Region, ...]
    groups: tuple[Group, ...] = ()
    documents: tuple[Document, ...] = ()
    proposals: tuple[Proposal, ...] = ()
    statements: tuple[Statement, ...] = ()
    places: tuple[Place, ...] = ()
    briefings: tuple[Briefing, ...] = ()
    people: tuple[Person, ...] = ()
    ambiguous: tuple[Ambiguous, ...] = ()
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def _by_id(self, kind: str) -> dict:
        if kind not in self._index:
            self._index[kind] = {item.id: item for item in getattr(self, kind)}
        return self._index[kind]

    def region(self, region_id: str) -> Region | None:
        return self._by_id("regions").get(region_id)

    def proposal(self, proposal_id: str) -> Proposal | None:
        return self._by_id("proposals").get(proposal_id)

    def document(self, document_id: str) -> Document | None:
        return self._by_id("documents").get(document_id)

    def place(self, place_id: str) -> Place | None:
        return self._by_id("places").get(place_id)

    def statement(self, statement_id: str) -> Statement | None:
        return self._by_id("statements").get(statement_id)

    def briefing(self, briefing_id: str) -> Briefing | None:
        return self._by_id("briefings").get(briefing_id)

    def person(self, person_id: str) -> Person | None:
        return self._by_id("people").get(person_id)
