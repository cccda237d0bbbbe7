"""A source document -> draft statements for seeds/statements/, to be corrected by hand.

`draft_file` reads a document (front matter + verbatim text) and finds, sentence by sentence,

- quoted passages (between “ ” or " ", at least three words) with the speaker the nearest
  speech verb attributes them to ("Kremlin spokesman Dmitry Peskov said, "..."",
  ""...," Ushakov said", "He stated: "..."" -> the previous named speaker);
- reported speech without quote marks ("He noted that ...", "Umerov indirectly denied this")
  as paraphrases whose evidence is the whole sentence;

each with its speakers by register id (any spelling, seeds/people.yaml), the role (the
register's on the day; the copy's words in a comment), a date (cues such as "today", "on
Friday", "last week", "Dec. 1" resolved against the dateline, each with its rule; the
dateline when there is none, listed as unresolved), the file line, the regions and places
the sentence names, and a unique id. What cannot be settled is listed in `unresolved`
instead of guessed. `render_yaml` turns the result into statements YAML with comments saying
what to check. Heuristics, not parsing: the output is a draft for a person to correct.

The jobs live in their own modules: draft_text (sentences), draft_speech (names, roles,
speech verbs), draft_places (regions, places), wiredates (days), draft_yaml (output).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from claims_atlas.core import catalog as cat
from claims_atlas.core import models as m
from claims_atlas.core.draft_places import place_matcher, proposal_hints, region_matcher
from claims_atlas.core.draft_speech import (
    _SPEAKING_IN,
    _VENUE_RE,
    People,
    Speaker,
    Speech,
    _people,
    _speeches,
    split_name,
)
from claims_atlas.core.draft_text import (
    _OPEN_CLOSE,
    Sentence,
    blank_wire_leads,
    quote_spans,
    sentences,
)
from claims_atlas.core.draft_text import collapse as _collapse
from claims_atlas.core.draft_yaml import _cue_list, render_yaml, scalar
from claims_atlas.core.files import FileRefused
from claims_atlas.core.people import Register, affiliation_on, roles_on
from claims_atlas.core.validate import normalise
from claims_atlas.core.wiredates import DateCue, date_cues, resolve_date
from claims_atlas.core.yamlsrc import YamlSyntaxError

# Re-exported: the drafting API in one place (the pieces live in draft_text, draft_speech,
# draft_places, draft_yaml and wiredates).
__all__ = ["DateCue", "DocumentDraft", "DraftError", "Entry", "blank_wire_leads", "date_cues",
           "draft_document", "draft_file", "quote_spans", "region_matcher", "render_yaml",
           "resolve_date", "scalar", "sentences", "split_name"]

UNKNOWN_SPEAKER = "(speaker not found)"
UNKNOWN_ROLE = "(role not found)"
MIN_QUOTE_WORDS = 3  # shorter quoted bits ("now") are scare quotes, not statements


class DraftError(Exception):
    """The document cannot be drafted from; carries one `path:line: message` problem."""

    def __init__(self, problem: m.Problem):
        self.problem = problem
        super().__init__(str(problem))

# -- results ----------------------------------------------------------------------------------

@dataclass
class Entry:
    """One draft statement."""

    id: str
    line: int  # file line of the quote (or of the sentence, for a paraphrase)
    speaker: str
    role: str
    date: dt.date
    evidence_quote: str  # verbatim text of the document
    quote: str | None = None
    paraphrase: str | None = None
    speaker_note: str | None = None  # how the speaker was found, when it needs checking
    role_note: str | None = None
    date_cues: tuple[DateCue, ...] = ()  # empty: the dateline
    mentioned: tuple[DateCue, ...] = ()  # other days the sentence names
    affiliation: str | None = None
    affiliation_note: str | None = None
    venue: str | None = None
    regions: tuple[str, ...] = ()
    in_catalog: tuple[str, ...] = ()  # catalog statements already citing this passage
    stance: str = "reports"
    kind: str = "statement"
    date_precision: str = "day"
    speakers: tuple[str, ...] = ()  # person ids from the register; empty: not resolved
    written: str | None = None  # the speaker's name as the copy writes it
    places: tuple[str, ...] = ()  # gazetteer places the sentence names (seeds/places.yaml)
    unresolved: tuple[str, ...] = ()  # what the draft could not settle, for the reviewer
    reviewed: bool = False  # a person sets it after checking the entry against the text


@dataclass
class DocumentDraft:
    document: m.Document
    path: str  # as shown in messages
    entries: list[Entry]
    proposal_hints: tuple[str, ...] = ()  # catalog proposals the text seems to name
    warnings: list[m.Problem] = field(default_factory=list)


@dataclass
class Context:
    """What the catalog knows that helps drafting; all optional."""

    regions: tuple[m.Region, ...] = ()
    groups: tuple[m.Group, ...] = ()
    statements: tuple[m.Statement, ...] = ()
    proposals: tuple[m.Proposal, ...] = ()
    people: tuple[m.Person, ...] = ()
    places: tuple[m.Place, ...] = ()

    @classmethod
    def from_catalog(cls, catalog: m.Catalog) -> Context:
        return cls(catalog.regions, catalog.groups, catalog.statements, catalog.proposals,
                   catalog.people, catalog.places)

# -- reading ----------------------------------------------------------------------------------

def read_source(path: Path) -> tuple[m.Document, list[m.Problem]]:
    """The document and its non-fatal problems; DraftError when it cannot be used at all."""
    shown = cat.display_path(path)
    if not path.exists():
        raise DraftError(m.Problem(shown, 0, "no such document file"))
    if path.is_dir():
        raise DraftError(m.Problem(shown, 0, "is a folder, not a document file"))
    problems: list[m.Problem] = []
    try:
        doc = cat.read_document(path, shown, problems)
    except YamlSyntaxError as exc:
        raise DraftError(m.Problem(shown, exc.line, exc.message)) from None
    except FileRefused as exc:  # not a regular file, too large, not UTF-8, a NUL byte
        raise DraftError(m.Problem(shown, exc.line, exc.message)) from None
    except OSError as exc:
        raise DraftError(m.Problem(shown, 0, f"cannot read ({exc.strerror})")) from None
    fatal = [p for p in problems if doc is None or "'dateline'" in p.message
             or "'id'" in p.message]
    if fatal:
        raise DraftError(fatal[0])
    return doc, problems


def draft_file(path: str | Path, seeds: str | Path | None = None) -> DocumentDraft:
    """Read a document and draft its statements; ids avoid those of the catalog at `seeds`."""
    path = Path(path)
    doc, problems = read_source(path)
    catalog, _ = cat.read_catalog(seeds)
    result = draft_document(doc, Context.from_catalog(catalog))
    result.path = cat.display_path(path)
    result.warnings = problems
    return result

# -- affiliation, ids -------------------------------------------------------------------------

_AFFILIATIONS = (
    (r"(?:Kremlin|Russian|Russia|Moscow)", "Russia"),
    (r"(?:Ukrainian|Ukraine|Kyiv|Kiev|Verkhovna)", "Ukraine"),
    (r"(?:American|US|U\.S\.|United States|White House|Washington|Pentagon)", "United States"),
    (r"(?:European|EU|E3|NATO|French|German|British|UK)", "Europe"),
)
_CYRILLIC = dict(zip("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяёыэъ",
                     ["a", "b", "v", "h", "g", "d", "e", "ie", "zh", "z", "y", "i", "i", "i", "k",
                      "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh",
                      "shch", "", "iu", "ia", "e", "y", "e", ""], strict=True))


def slug(text: str) -> str:
    text = "".join(_CYRILLIC.get(c, c) for c in text.lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _guess_affiliation(*texts: str) -> tuple[str | None, str | None]:
    for text in texts:
        for pattern, name in _AFFILIATIONS:
            mt = re.search(rf"(?<!\w){pattern}(?!\w)", text or "")
            if mt:
                return name, f'guessed from "{mt.group(0)}", check'
    return None, None


_ID_STOP = {"the", "a", "an", "that", "of", "to"}


def make_id(speaker: Speaker | None, date: dt.date, words: str, taken: set[str]) -> str:
    if speaker is None:
        who = "unknown"
    elif speaker.person:
        who = slug(speaker.name.split()[-1]) or "unknown"
    else:
        who = "-".join(slug(speaker.name).split("-")[:3]) or "unknown"
    firsts = [w for w in slug(words).split("-") if w and w not in _ID_STOP][:3]
    base = "-".join([who, date.isoformat(), *firsts])
    out, n = base, 2
    while out in taken:
        out, n = f"{base}-{n}", n + 1
    taken.add(out)
    return out

# -- the draft --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Found:
    """A quote or a paraphrase found in one sentence, before it becomes an Entry."""

    pos: int  # sentence offset, for ordering
    speaker: Speaker | None
    span: tuple[int, int]  # the attribution: where its date cues and venue are looked for
    evidence: str
    paraphrase: str | None
    words: str  # for the id
    offset: int  # body offset of its first character, for the line
    aside: tuple[int, int] | None = None  # the speech's ", who ...," aside


def _quotes_found(sent: Sentence, speeches: list[Speech],
                  previous: Speaker | None) -> tuple[list[_Found], set[int]]:
    """Quoted passages of three words or more, each given the nearest speech verb before it
    (else the first after it); `previous`: the speaker of the sentence before, if any."""
    out, used = [], set()
    for qs, qe in sent.quotes:
        closed = sent.text[qe - 1] == _OPEN_CLOSE.get(sent.text[qs]) and qe - qs > 1
        inner = sent.text[qs + 1: qe - 1 if closed else qe]
        quote = _collapse(inner).rstrip(",;:").rstrip()
        if len(quote.split()) < MIN_QUOTE_WORDS:
            continue
        before = [sp for sp in speeches if sp.end <= qs and sp.speaker is not None]
        after = [sp for sp in speeches if sp.start >= qe and sp.speaker is not None]
        speaker, span, aside = None, (0, 0), None
        if before:
            used.add(before[-1].start)
            speaker, span, aside = before[-1].speaker, before[-1].attribution, before[-1].aside
        elif after:
            used.add(after[0].start)
            speaker, span, aside = after[0].speaker, (qe, after[0].clause[1]), after[0].aside
        elif previous is not None and qs <= 1:
            speaker = replace(previous, note="from the previous sentence, check", pronoun=None)
        first = qs + 1 + len(inner) - len(inner.lstrip())
        out.append(_Found(qs, speaker, span, quote, None, quote, sent.start + first, aside))
    return out, used


def _paraphrases_found(sent: Sentence, speeches: list[Speech], used: set[int]) -> list[_Found]:
    """Speech verbs that introduce no quote: the clause, its pronoun replaced by the name."""
    out = []
    for sp in speeches:
        if sp.start in used or sp.speaker is None:
            continue
        a, z = sp.clause
        text = sent.text[a:z]
        if sp.speaker.pronoun:
            p0, p1 = sp.speaker.pronoun
            text = sent.text[a:p0] + sp.speaker.name.split()[-1] + sent.text[p1:z]
        text = _collapse(text).rstrip(",;: ")
        text = text[:1].upper() + text[1:]
        if not re.search(r"[.!?][\"”»’)]*$", text):
            text += "."
        words = sp.verb + " " + re.sub(r"^\s*that\b", "", sent.text[sp.end:z])
        lead = len(sent.text[a:]) - len(sent.text[a:].lstrip())
        out.append(_Found(sp.start, sp.speaker, sp.attribution, _collapse(sent.text), text,
                          words, sent.start + a + lead, sp.aside))
    return out


def _cited_in(needle: str, cited: list[tuple[str, str]]) -> tuple[str, ...]:
    """Catalog statements whose evidence from this document overlaps the passage."""
    needle = normalise(needle).casefold()
    return tuple(dict.fromkeys(
        sid for sid, q in cited
        if min(len(q), len(needle)) >= 15 and (needle in q or q in needle)))


def _blank_headline(body: str, title: str) -> str:
    """The body with its first line blanked to spaces (offsets and lines kept) when that
    line is the document's title: a headline ("..., Zelenskiy says") is not a statement."""
    start = len(body) - len(body.lstrip())
    end = body.find("\n", start)
    end = len(body) if end < 0 else end
    line = body[start:end]
    if title and line.strip() and normalise(line).casefold() == normalise(title).casefold():
        return body[:start] + " " * len(line) + body[end:]
    return body


def draft_document(doc: m.Document, context: Context | None = None) -> DocumentDraft:
    """Draft statements for one document: plain data, in document order."""
    context = context or Context()
    body = doc.text
    sents = sentences(_blank_headline(blank_wire_leads(body), doc.title))
    people = _people(sents, Register(context.people))
    find_regions = region_matcher(context.regions, context.groups)
    find_places = place_matcher(context.places)
    taken = {s.id for s in context.statements}
    cited = [(s.id, normalise(ev.quote).casefold()) for s in context.statements
             for ev in s.evidence if ev.document == doc.id]

    entries: list[tuple[int, Entry]] = []
    last: str | None = None  # the previous named speaker, for "He said"
    previous: tuple[int, Speaker] | None = None  # (sentence index, its last speaker)
    for index, sent in enumerate(sents):
        speeches = _speeches(sent, people, last)
        last = next((sp.speaker.name for sp in reversed(speeches)
                     if sp.speaker is not None and sp.speaker.person), last)
        adjacent = previous[1] if previous and previous[0] == index - 1 else None
        quotes, used = _quotes_found(sent, speeches, adjacent)
        found = sorted(quotes + _paraphrases_found(sent, speeches, used), key=lambda f: f.pos)
        cues = date_cues(sent.text, doc.dateline)
        places, place_regions = find_places(sent.text)
        regions = find_regions(sent.text)
        regions += tuple(r for r in place_regions if r not in regions)
        for f in found:
            speech_cues = tuple(c for c in cues if f.span[0] <= c.start and c.end <= f.span[1]
                                and not any(s <= c.start < e for s, e in sent.quotes)
                                and not (f.aside and f.aside[0] <= c.start < f.aside[1]))
            mentioned = tuple(c for c in cues if c not in speech_cues)
            entry = _entry(f.speaker, people, doc.dateline, speech_cues, mentioned, f.evidence,
                           f.paraphrase, f.words, doc.body_line + body.count("\n", 0, f.offset),
                           regions, sent.masked, f.span, taken)
            entry.in_catalog = _cited_in(f.evidence, cited)
            entry.places = places
            entries.append((sent.start + f.pos, entry))
            if f.speaker is not None:
                previous = (index, f.speaker)
    return DocumentDraft(doc, doc.id, [e for _, e in sorted(entries, key=lambda t: t[0])],
                         proposal_hints(body, context.proposals, doc.dateline))


def _entry(speaker: Speaker | None, people: People, dateline: dt.date, speech_cues, mentioned,
           evidence: str, paraphrase: str | None, words: str, line: int,
           regions: tuple[str, ...], masked: str, span: tuple[int, int],
           taken: set[str]) -> Entry:
    unresolved = []
    date, precision = dateline, "day"
    if speech_cues:
        date, precision = speech_cues[0].date, speech_cues[0].precision
        if len({c.date for c in speech_cues}) > 1:
            unresolved.append("date: the cues disagree (" + _cue_list(speech_cues) + ")")
    else:
        unresolved.append(f"date: the passage names no day for the statement; the dateline "
                          f"{dateline.isoformat()} is shown")
    role = role_note = None
    affiliation = affiliation_note = None
    person = people.register.get(speaker.person_id) if speaker and speaker.person_id else None
    if speaker is not None and speaker.person:
        role = people.role_of(speaker.written or speaker.name) or people.role_of(speaker.name)
        role_note = "as the copy puts it" if role else None
    if person is not None:
        affiliation = affiliation_on(person, date) or None
        affiliation_note = "from the register" if affiliation else None
        if roles_on(person, date):  # the register's words; the copy's in the comment
            copy = f'; the copy says "{role}"' if role else ""
            role, role_note = roles_on(person, date), f"from the register on {date}{copy}"
        else:
            unresolved.append(f"role: the register gives {person.name} no role on {date}"
                              + (f' (the copy says "{role}")' if role else ""))
    if speaker is None:
        unresolved.append("speaker: none found for this passage; name a person (an id from "
                          "people.yaml) or the source")
    elif not speaker.person:
        unresolved.append(f"speaker: {speaker.name!r} is not a person; give the person's id, "
                          f"or 'source: {{outlet: ..., description: ...}}'")
    elif person is None:
        unresolved.append(f"speaker: {speaker.name!r} is not in people.yaml"
                          f"{people.register.hint(speaker.name)}; add them or correct the name")
    if role is None:
        role, role_note = UNKNOWN_ROLE, "not found, fill in"
    if affiliation is None:
        affiliation, affiliation_note = _guess_affiliation(
            role, speaker.name if speaker else "")
    venue_match = _VENUE_RE.search(masked[span[0]:span[1]])
    venue = None
    if venue_match:
        venue = _collapse(venue_match.group("v"))
        venue = venue[:1].upper() + venue[1:]
    elif re.search(r"\btold (?:reporters|journalists|the press)\b", masked[span[0]:span[1]]):
        venue = "Remarks to reporters"
    elif where := _SPEAKING_IN.search(masked[:span[1]]):
        venue = f"Remarks in {where.group(1)}"
    return Entry(
        id=make_id(speaker, date, words, taken), line=line,
        speaker=speaker.name if speaker else UNKNOWN_SPEAKER,
        speaker_note=(speaker.note if speaker else "not found, fill in"),
        role=role, role_note=role_note, date=date, date_cues=tuple(speech_cues),
        mentioned=tuple(mentioned), evidence_quote=evidence,
        quote=None if paraphrase else evidence, paraphrase=paraphrase,
        affiliation=affiliation, affiliation_note=affiliation_note, venue=venue,
        regions=regions, date_precision=precision,
        speakers=(person.id,) if person else (), written=speaker.written if speaker else None,
        unresolved=tuple(unresolved))

