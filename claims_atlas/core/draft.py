"""A source document -> draft statements for seeds/statements/, to be corrected by hand.

`draft_file` reads a document (front matter + verbatim text) and finds, sentence by sentence,

- quoted passages (between “ ” or " ", at least three words) with the speaker the nearest
  speech verb attributes them to ("Kremlin spokesman Dmitry Peskov said, "..."",
  ""...," Ushakov said", "He stated: "..."" -> the previous named speaker);
- reported speech without quote marks ("He noted that ...", "Umerov indirectly denied this")
  as paraphrases whose evidence is the whole sentence;

each with the speaker's role (from appositions anywhere in the document), a date (cues such as
"today", "yesterday", "on Friday", "last Monday", "21 November" resolved against the
dateline; the dateline itself when there is no cue), the file line, the regions the sentence
names and a unique id. `render_yaml` turns the result into statements YAML with comments
saying what to check. Heuristics, not parsing: the output is a draft for a person to correct.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from claims_atlas.core import catalog as cat
from claims_atlas.core import models as m
from claims_atlas.core.people import Register, affiliation_on, roles_on
from claims_atlas.core.validate import normalise
from claims_atlas.core.wiredates import MONTHS, WEEKDAYS, DateCue, date_cues, resolve_date

__all__ = ["DateCue", "date_cues", "resolve_date"]  # re-exported: drafting's date vocabulary
from claims_atlas.core.yamlsrc import YamlSyntaxError

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
    except UnicodeDecodeError as exc:
        raise DraftError(m.Problem(shown, 1, f"not UTF-8 text ({exc.reason})")) from None
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


# -- text: paragraphs, quotes, sentences ------------------------------------------------------

_OPEN_CLOSE = {"“": "”", '"': '"', "«": "»"}


@dataclass(frozen=True)
class Sentence:
    text: str  # raw text, a slice of the body
    start: int  # offset in the body
    quotes: tuple[tuple[int, int], ...]  # spans including the marks, sentence offsets

    @property
    def masked(self) -> str:
        """The text with every quote (marks included) blanked to NULs; offsets unchanged."""
        out = self.text
        for s, e in self.quotes:
            out = out[:s] + "\0" * (e - s) + out[e:]
        return out


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted passages, marks included; an unclosed quote runs to the end."""
    spans, opened = [], None
    for i, ch in enumerate(text):
        if opened is None:
            if ch in _OPEN_CLOSE:
                opened = (ch, i)
        elif ch == _OPEN_CLOSE[opened[0]]:
            spans.append((opened[1], i + 1))
            opened = None
    if opened is not None:
        spans.append((opened[1], len(text)))
    return spans


def sentences(body: str) -> list[Sentence]:
    """Sentences of the body, never split inside a quote; paragraphs end sentences.

    Boundaries inside a paragraph come from pysbd (rule-based, knows "Nov. 30", "Gen.",
    "U.S.", initials); a boundary that falls inside a quoted passage is dropped, so a quote
    of several sentences stays whole with its attribution.
    """
    out = []
    for para in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", body):
        text, base = para.group(0), para.start()
        spans = quote_spans(text)
        cuts = [0]
        for end in _boundaries(text):
            if 0 < end < len(text) and not any(s < end < e for s, e in spans):
                cuts.append(end)
        cuts.append(len(text))
        for a, z in zip(cuts, cuts[1:], strict=False):
            piece = text[a:z].rstrip()
            if not piece.strip():
                continue
            lead = len(piece) - len(piece.lstrip())
            piece = piece.lstrip()
            s0 = a + lead
            out.append(Sentence(piece, base + s0, tuple(
                (s - s0, min(e, s0 + len(piece)) - s0) for s, e in spans
                if s0 <= s < s0 + len(piece))))
    return out


_SEGMENTER = None


def _boundaries(text: str) -> list[int]:
    """Offsets where pysbd starts a new sentence in one paragraph (newlines as spaces)."""
    global _SEGMENTER
    if _SEGMENTER is None:
        import pysbd

        _SEGMENTER = pysbd.Segmenter(language="en", clean=False, char_span=True)
    flat = text.replace("\n", " ")
    return [span.start for span in _SEGMENTER.segment(flat)][1:]


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# -- dates: see wiredates -----------------------------------------------------------------

_WEEKDAYS, _MONTHS = WEEKDAYS, MONTHS
_WD = "|".join(_WEEKDAYS)


# -- names and roles --------------------------------------------------------------------------

_UP, _LO = "A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ", "a-zß-öø-ÿа-яёіїєґ"
_CAP = rf"(?:[{_UP}][{_LO}]+(?:[{_UP}][{_LO}]+)?(?:[-'’][{_UP}{_LO}][{_LO}]+)*|[{_UP}]\.)"
_NAME = rf"{_CAP}(?:[ \t\n]+(?:(?:de|da|van|von|der|al|bin|le|la|du|di|dos)[ \t\n]+)?{_CAP})*"
_NAME_RE = re.compile(_NAME)

ROLE_WORDS = frozenset((
    "president", "minister", "secretary", "spokesman", "spokeswoman", "spokesperson", "aide",
    "adviser", "advisor", "envoy", "negotiator", "chief", "head", "chairman", "chairwoman",
    "chair", "director", "ambassador", "chancellor", "senator", "lawmaker", "official",
    "commander", "general", "leader", "representative", "deputy", "counsellor", "counselor",
    "governor", "mayor", "member", "speaker", "diplomat", "premier", "king", "ceo", "founder",
    "analyst", "correspondent",
))
_ROLE_EXTRA = frozenset((
    "foreign", "prime", "special", "vice", "defence", "defense", "army", "navy", "state",
    "national", "security", "first", "former", "acting", "senior", "top", "interior", "finance",
    "presidential", "press", "kremlin",
))
_NATIONALITIES = frozenset((
    "Ukrainian", "Russian", "American", "European", "British", "French", "German", "Chinese",
    "Turkish", "Polish", "Italian", "Hungarian", "Belarusian", "Georgian", "Finnish", "Swedish",
    "Norwegian", "Danish", "Dutch", "Belgian", "Spanish", "Japanese", "Indian", "Iranian",
    "Israeli", "Saudi", "Qatari", "Emirati", "Swiss", "Austrian", "Czech", "Slovak", "Romanian",
    "Moldovan", "Estonian", "Latvian", "Lithuanian", "Canadian", "Australian", "Arab", "Arabic",
    "Western", "Soviet",
))
_NOT_NAMES = frozenset((
    "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "In", "On", "At", "For", "As",
    "But", "And", "Or", "If", "When", "While", "After", "Before", "During", "Since", "Meanwhile",
    "However", "According", "This", "That", "These", "Those", "There", "His", "Her", "Its",
    "Their", "Our", "My", "Mr", "Mrs", "Ms", "Dr", "Sir", "By", "With", "From", "To", "Of",
    "Sources", "Asked", "Kremlin", "White", "House", "Council", "Ministry", "Office", "Agency",
    "Committee", "Party", "Post", "Times", "News", "Plan", "Peninsula", "Republic", "Federation",
    "Union", "States", "Nations", "Kingdom", "Army", "Forces", "Government", "Parliament",
    "Administration", "Department", "Security", "National", "Defence", "Defense", "Foreign",
    "Affairs", "Service", "Bank", "Fund", "Court", "Senate", "Congress", "Duma", "Rada", "Oblast",
    "Region", "City", "Street", "Square", "Palace", "Embassy", "Facebook", "Telegram", "Twitter",
    "Reuters", "Russia", "Ukraine", "Moscow", "Kyiv", "Kiev", "Washington", "Europe", "America",
    "Geneva", "Istanbul", "Paris", "London", "Berlin", "Brussels", "Donbas", "Crimea",
)) | frozenset(_WEEKDAYS) | frozenset(_MONTHS) | _NATIONALITIES
_STARTERS = frozenset((
    "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "In", "On", "At", "For", "As",
    "But", "And", "Or", "If", "When", "While", "After", "Before", "During", "Since", "Meanwhile",
    "However", "According", "This", "That", "These", "Those", "There", "His", "Her", "Its",
    "Their", "Our", "My", "By", "With", "From", "To", "Of", "Asked",
))
_GROUP_CAPS = frozenset((
    "Kremlin", "Moscow", "Kyiv", "Kiev", "Washington", "Russia", "Ukraine", "Brussels", "Beijing",
    "London", "Paris", "Berlin", "NATO", "EU", "UN", "Pentagon", "Ankara", "Minsk", "Warsaw",
))


def _is_role_prefix_word(word: str) -> bool:
    low = word.lower()
    return (low in ROLE_WORDS or low in _ROLE_EXTRA or word in _NOT_NAMES
            or (len(word) > 1 and word.replace(".", "").isupper()))


def split_name(run: str) -> tuple[str, str | None]:
    """'Ukrainian President Volodymyr Zelensky' -> ('Ukrainian President', 'Volodymyr Zelensky');
    the name is None when what is left is not a person's name of two or more words."""
    words = run.split()
    i = 0
    while i < len(words) and _is_role_prefix_word(words[i]):
        i += 1
    name = words[i:]
    caps = [w for w in name if w[:1].isupper()]
    if len(caps) < 2 or any(w in _NOT_NAMES or w.lower() in ROLE_WORDS for w in name):
        return " ".join(words[:i]), None
    return " ".join(words[:i]), " ".join(name)


def _has_role_word(text: str) -> bool:
    return any(w.lower().strip(".,'’") in ROLE_WORDS for w in text.split())


def _clean_role(text: str) -> str:
    text = _collapse(re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=re.I))
    return text[:1].upper() + text[1:]


def _role_before(text: str) -> str | None:
    """'... Kremlin spokesman ' before a name -> 'Kremlin spokesman'."""
    words = []
    rest = text
    while len(words) < 8:
        mt = re.search(r"(?:^|(?<=\s))([\w.'’-]+)\s+$", rest)
        if not mt:
            break
        word = mt.group(1)
        low = word.lower()
        ok = (low in ROLE_WORDS or low in _ROLE_EXTRA or low in ("of", "the", "and", "for")
              or (word in _NOT_NAMES and word not in _STARTERS) or word in _GROUP_CAPS
              or (len(word) > 1 and word.replace(".", "").isupper())
              or re.search(r"[’']s$", word) is not None)  # "Putin's aide"
        if not ok:
            break
        words.insert(0, word)
        rest = rest[: mt.start()]
    while words and words[0].lower() in ("of", "the", "and", "for"):
        words.pop(0)
    role = " ".join(words)
    return _clean_role(role) if role and _has_role_word(role) else None


_ROLE_AFTER = re.compile(r"^,\s+(?:(?:the|a|an)\s+)?(?P<role>[^,\0;:()\"“”]{2,100}?)\s*,")
_ROLE_BEFORE = re.compile(r"\b(?:[Tt]he|[Aa]n?)\s+(?P<role>[^,\0;:()\"“”]{2,150}?),\s+$")


def role_at(masked: str, start: int, end: int) -> str | None:
    """The role written around the name at masked[start:end], if any."""
    after = _ROLE_AFTER.match(masked[end:])
    if after and _has_role_word(after.group("role")):
        return _clean_role(after.group("role"))
    before = _ROLE_BEFORE.search(masked[:start])
    if before and _has_role_word(before.group("role")):
        return _clean_role(before.group("role"))
    return _role_before(masked[:start])


@dataclass
class People:
    """Persons the document names (name as written -> role the copy gives), and the register
    that turns any spelling into one person."""

    roles: dict[str, str | None] = field(default_factory=dict)
    register: Register = field(default_factory=lambda: Register(()))

    def add(self, name: str, role: str | None) -> None:
        if self.roles.get(name) is None:
            self.roles[name] = role

    def by_surname(self, word: str) -> str | None:
        """A full name for a surname: one written in the document, else the register's."""
        for name in self.roles:
            if name.split()[-1] == word:
                return name
        person = self.register.resolve(word)
        return person.name if person else None

    def role_of(self, name: str) -> str | None:
        """The role the copy gives this person under any spelling it uses."""
        if self.roles.get(name):
            return self.roles[name]
        person = self.register.resolve(name)
        if person is None:
            return None
        return next((r for n, r in self.roles.items()
                     if r and self.register.resolve(n) is person), None)


def _people(sents: list[Sentence], register: Register) -> People:
    people = People(register=register)
    for sent in sents:
        masked = sent.masked
        for mt in _NAME_RE.finditer(masked):
            prefix, name = split_name(mt.group(0))
            if name is None:
                continue
            start = mt.start() + mt.group(0).index(name)
            people.add(name, role_at(masked, start, mt.end()))
    return people


# -- speech -----------------------------------------------------------------------------------

_VERBS = ("said|says|stated|announced|told|added|noted|stressed|emphasi[sz]ed|underlined|"
          "underscored|confirmed|denied|reported|revealed|advised|urged|warned|wrote|declared|"
          "insisted|argued|explained|acknowledged|admitted|replied|responded|commented|"
          "remarked|posted|tweeted|stipulated|spoke|asked|[Aa]ccording to")
_VERB_RE = re.compile(rf"\b(?:{_VERBS})\b")
_CLAUSE_SPLIT = re.compile(r";|,?\s+\b(?:although|though|while|whereas|but)\b\s+")
_TRIM_RE = re.compile(
    rf"(?:^|\s+)(?:[a-z]+ly|also|has|have|had|then|later|again|once|earlier|further|first|"
    rf"today|yesterday|(?:on|last)\s+(?:{_WD}))\s*$")
_FUNCTION = frozenset((
    "that", "which", "who", "whom", "whose", "and", "or", "but", "of", "to", "in", "on", "at",
    "for", "by", "with", "from", "as", "than", "it", "this", "these", "those", "there", "they",
    "we", "i", "you", "he", "she", "his", "her", "its", "their", "our", "not", "no", "also", "has",
    "have", "had", "is", "was", "were", "are", "be", "been", "would", "will", "could", "should",
    "may", "might", "can", "must", "do", "does", "did", "so", "if", "when", "while", "although",
    "though", "after", "before", "since", "because", "once", "then", "said",
    "one", "no-one", "nobody", "none", "someone", "anyone", "everyone", "everybody", "all",
))
# "X, speaking in Dublin, said" / "X, who met Witkoff on Monday, said": the aside is not the
# subject; it is cut before the subject is looked for.
_PARTICIPLE = re.compile(
    r",\s*(?:speaking|writing|addressing|talking|appearing|standing|visiting|arriving|responding"
    r"|asked|interviewed|quoted|who|according|in\s+(?:a|an|his|her)\s+\w+)\b[^,\0]*,?$")
_VENUE_RE = re.compile(
    r"\b(?:in|on|at|during|via)\s+(?:(?:a|an|the|his|her|their|its)\s+)?(?P<v>(?:[\w'’-]+\s+){0,3}?"
    r"(?:post|conference|briefing|interview|statement|address|speech|meeting|message|video|"
    r"call|session|summit|forum|broadcast|appearance|letter))\b", re.I)


@dataclass(frozen=True)
class Speaker:
    name: str
    person: bool  # False: a group or an unnamed source ("Kremlin", "American official")
    note: str | None = None
    pronoun: tuple[int, int] | None = None  # where "He" stands, to replace in a paraphrase
    person_id: str | None = None  # the register's id, when the name is registered
    written: str | None = None  # the name as the copy writes it, when it differs


@dataclass(frozen=True)
class Speech:
    start: int  # the verb, sentence offsets
    end: int
    verb: str
    speaker: Speaker | None
    clause: tuple[int, int]
    attribution: tuple[int, int]  # the part that says who spoke, where and when
    aside: tuple[int, int] | None = None  # ", who was in Paris on Monday,": not the speech's day


def _clause(masked: str, pos: int) -> tuple[int, int]:
    start, end = 0, len(masked)
    for mt in _CLAUSE_SPLIT.finditer(masked):
        if mt.end() <= pos:
            start = mt.end()
        elif mt.start() >= pos:
            end = mt.start()
            break
    return start, end


def _subject(masked: str, clause: tuple[int, int], vstart: int, vend: int, verb: str,
             people: People, last: str | None) -> Speaker | None:
    pre = masked[clause[0]:vstart]
    while True:
        trimmed = _TRIM_RE.sub("", pre.rstrip())
        if trimmed == pre.rstrip():
            break
        pre = trimmed
    pre = _PARTICIPLE.sub("", pre.rstrip()).rstrip()
    base = clause[0]
    him = re.match(r"\s*(?:him|her)\b", masked[vend:clause[1]])
    if verb.lower() == "according to" and him:  # "According to him, ..."
        if last is None:
            return None
        return Speaker(last, True, f'"{him.group(0).strip()}" = the previous speaker, check')
    if verb.lower() == "according to" or not pre.strip(" ,\0"):
        return _inverted(masked[vend:clause[1]], people)
    if re.search(r"\b(?:was|were|is|are|be|been|being)$", pre):
        return None  # passive: "was told"
    pron = re.search(r"\b(?:[Hh]e|[Ss]he)$", pre)
    if pron:
        if last is None:
            return None
        return Speaker(last, True, f'"{pron.group(0)}" = the previous speaker, check',
                       (base + pron.start(), base + pron.end()))
    apposed = re.search(rf"({_NAME}),\s+(?:(?:the|a|an)\s+)?([^,\0;:()\"“”]{{2,100}}?),?$", pre)
    if apposed and _has_role_word(apposed.group(2)):  # "Yuri Ushakov, a Kremlin aide,"
        _, name = split_name(apposed.group(1))
        surname = apposed.group(1).split()[-1]
        full = name or people.by_surname(surname)
        if full:
            return Speaker(full, True, written=None if name else surname)
    mt = re.search(rf"({_NAME}),?$", pre)
    if mt:
        _, name = split_name(mt.group(1))
        if name:
            return Speaker(name, True)
        word = mt.group(1).split()[-1]
        return _single(word, pre[: mt.start(1) + mt.group(1).rindex(word)], people)
    return _noun_phrase(pre)


def _single(word: str, before: str, people: People) -> Speaker | None:
    full = people.by_surname(word)
    if full:
        return Speaker(full, True, None, written=word)
    if word in _STARTERS:
        return None
    if (word in _GROUP_CAPS or re.search(r"\b[Tt]he\s+$", before)
            or (not before.strip() and word.endswith("s"))):
        return Speaker(word, False, "not a named person, check")
    return Speaker(word, True, "surname only, check")


_UNNAMED = re.compile(
    r"\b(?:[Aa]n?|[Tt]he|[Tt]wo|[Tt]hree|[Ss]everal|[Ff]our|[Ff]ive)\s+((?:[\w.'’-]+\s+){0,3}?"
    r"(?:officials?|sources?|diplomats?|people|persons?|insiders?|aides?)\b[^\0]*?)\s*,?$")


def _noun_phrase(pre: str) -> Speaker | None:
    unnamed = _UNNAMED.search(pre)
    if unnamed:  # "An official familiar with the talks": a source, not a person
        return Speaker(_collapse(unnamed.group(1)), False, "an unnamed source")
    tokens = re.findall(r"[\w'’-]+|[^\w\s]", pre)
    if tokens and tokens[-1].lower() in ("that", "who", "which"):
        tokens.pop()
    words: list[str] = []
    while tokens and len(words) < 4:
        tok = tokens.pop()
        low = tok.lower()
        if low in ("the", "a", "an"):
            break
        if (not re.match(r"[^\W\d]", tok) or low in _FUNCTION or low.endswith("ing")
                or _VERB_RE.fullmatch(low)):
            break
        words.insert(0, tok)
    if not words:
        return None
    name = " ".join(words)
    return Speaker(name[:1].upper() + name[1:], False, "not a named person, check")


def _inverted(post: str, people: People) -> Speaker | None:
    """'"...," said Kremlin spokesman Dmitry Peskov' or 'according to the plan'."""
    head = post[:120]
    for mt in _NAME_RE.finditer(head):
        _, name = split_name(mt.group(0))
        if name:
            return Speaker(name, True)
        full = people.by_surname(mt.group(0).split()[-1])
        if full:
            return Speaker(full, True)
    words = re.match(r"\s*((?:[\w'’-]+\s*){1,5})", head)
    if not words:
        return None
    phrase = re.split(r"\s+(?:that|who|which|on|in|at|to|after|before)\b", words.group(1))[0]
    phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase.strip(), flags=re.I)
    if not phrase or phrase.lower() in _FUNCTION:
        return None
    return Speaker(phrase[:1].upper() + phrase[1:], False, "not a named person, check")


_NOUN_BEFORE = re.compile(r"\b(?:[Aa]n?|[Tt]he|[Hh]is|[Hh]er|[Ii]ts|[Tt]heir)\s+[a-z][\w-]*\s+$")
_OUTLET_TAG = re.compile(r"(?:,\s*|\s)[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?\s+(?:reports|reported)[\s.]*")
_WHO_ASIDE = re.compile(r",\s*who\b[^,\0]*,")
_SPEAKING_IN = re.compile(rf",\s*speaking\s+(?:in|at)\s+({_NAME})\s*,")
_ADVERBIAL_STOP = re.compile(
    r"[,;:\0\"“”]|\s(?:that|would|will|was|were|is|are|had|has|have|could|should|must|if|"
    r"because|after|before|when|while|as)\b")


def _adverbial(after: str) -> int:
    """How much of the text after a speech verb still says when and where it was said
    ("said on Monday", "told reporters in Moscow on Tuesday"): up to the first comma, quote,
    "that" or verb of the reported clause, and at most eight words."""
    stop = _ADVERBIAL_STOP.search(after)
    stretch = after[: stop.start()] if stop else after
    words = list(re.finditer(r"\S+", stretch))
    return words[min(len(words), 8) - 1].end() if words else 0


def _registered(sp: Speaker | None, register: Register) -> Speaker | None:
    """The speaker under the register's name and id when the name (any spelling) is known."""
    if sp is None or not sp.person or sp.person_id:
        return sp
    person = register.resolve(sp.name)
    if person is None:
        return sp
    written = sp.written or sp.name
    note = sp.note if sp.note and "previous" in sp.note else None
    return Speaker(person.name, True, note, sp.pronoun, person.id,
                   written if written != person.name else None)


def _speeches(sent: Sentence, people: People, last: str | None) -> list[Speech]:
    masked = sent.masked
    out = []
    for mt in _VERB_RE.finditer(masked):
        clause = _clause(masked, mt.start())
        speaker = _registered(
            _subject(masked, clause, mt.start(), mt.end(), mt.group(0), people, last),
            people.register)
        if speaker is not None and speaker.person:
            last = speaker.name
        pre_empty = not masked[clause[0]:mt.start()].strip(" ,\0")
        if (mt.group(0).endswith("ed") and _NOUN_BEFORE.search(masked, clause[0], mt.start())
                and re.match(r"\s+(?:on|in|by|at|from|via|during)\b", masked[mt.end():])):
            continue  # "a statement posted on Telegram": a participle, not a speech
        if _OUTLET_TAG.fullmatch(masked[clause[0]:clause[1]], mt.start()):
            continue  # ", Ukrinform reports.": the outlet naming itself, not a statement
        if mt.group(0).lower() == "according to" or pre_empty:
            attribution = (mt.start(), clause[1])
        else:
            attribution = (clause[0], mt.end() + _adverbial(masked[mt.end():clause[1]]))
        who = _WHO_ASIDE.search(masked, clause[0], mt.start())
        out.append(Speech(mt.start(), mt.end(), mt.group(0), speaker, clause, attribution,
                          (who.start(), who.end()) if who else None))
    return out


# -- regions and proposals ---------------------------------------------------------------------

def _words_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " " + " ".join(re.sub(r"[\W_]+", " ", text).split()) + " "


_CAPITAL_ONLY = {" kyiv ", " kiev ", " киів ", " киев ", " київ "}


def region_matcher(regions: Iterable[m.Region], groups: Iterable[m.Group]):
    """text -> region ids its words name, in order of first mention; groups expand."""
    names: list[tuple[str, tuple[str, ...]]] = []
    for r in regions:
        names += [(_words_fold(n), (r.id,)) for n in r.names if n]
    for g in groups:
        names += [(_words_fold(n), g.members) for n in g.names if n]
    names = [(n, ids) for n, ids in names if n.strip() and n not in _CAPITAL_ONLY]
    patterns = [(re.compile(rf"(?<= ){_folded_pattern(n)}(?= )"), ids) for n, ids in names]

    def find(text: str) -> tuple[str, ...]:
        folded = _words_fold(text)
        hits = []
        for pattern, ids in patterns:
            mt = pattern.search(folded)
            if mt:
                hits += [(mt.start(), i, rid) for i, rid in enumerate(ids)]
        out: list[str] = []
        for _, _, rid in sorted(hits):
            if rid not in out:
                out.append(rid)
        return tuple(out)

    return find


_FOLDED_STEM = re.compile(r"(?:ии|іи|ыи|ои|ая|а|я|ь)$")
_FOLDED_ENDINGS = (r"(?:ого|ому|ові|ову|ими|ыми|ою|оі|ии|іи|ыи|ои|им|ым|ім|ом|ем|еи|а|у|ю|я|е|"
                   r"і|и|ы|ь)?")


def _folded_pattern(folded: str) -> str:
    """A folded name as a pattern: Latin words take "n"/"s" ("Crimean", "Donbas's"),
    Ukrainian and Russian words their case endings ("Запорізької області")."""
    words = []
    for w in folded.split():
        if re.search("[а-яёіїєґ]", w):
            words.append(re.escape(_FOLDED_STEM.sub("", w)) + _FOLDED_ENDINGS)
        else:
            words.append(re.escape(w))
    tail = "" if re.search("[а-яёіїєґ]", folded.split()[-1]) else "(?:n|s)?"
    return " ".join(words) + tail


def place_matcher(places: Iterable[m.Place]):
    """text -> (place ids, their regions) for the gazetteer places its words name."""
    patterns = [(re.compile(rf"(?<= ){_folded_pattern(_words_fold(n))}(?= )"), p)
                for p in places for n in (p.name, *p.aliases) if _words_fold(n).strip()]

    def find(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        folded = _words_fold(text)
        hits = sorted((mt.start(), p.id, p.region) for pattern, p in patterns
                      if (mt := pattern.search(folded)))
        ids = tuple(dict.fromkeys(h[1] for h in hits))
        regions = tuple(dict.fromkeys(h[2] for h in hits if h[2]))
        return ids, regions

    return find


def proposal_hints(body: str, proposals: Iterable[m.Proposal], dateline: dt.date
                   ) -> tuple[str, ...]:
    folded = _words_fold(body)
    out = []
    for p in sorted(proposals, key=lambda p: (p.date, p.id)):
        if p.date > dateline:
            continue
        if any(t and _words_fold(t) in folded for t in (p.short_title, p.title)):
            out.append(p.id)
    return tuple(out)


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


# "KYIV, Dec 2 (Reuters) - ", "KYIV, Ukraine (AP) — ", "MOSCOW, December 3. /TASS/. ": the
# wire's own dateline line, not part of any statement (its date is the document's dateline).
WIRE_LEAD = re.compile(
    r"^[^\S\n]*[^\n()/]{0,60}?(?:\([A-Z][\w .-]{1,20}\)[^\S\n]*[-–—]+|/[A-Z]{2,10}/\.?)"
    r"[^\S\n]*", re.M)


def blank_wire_leads(body: str) -> str:
    """The body with each paragraph's wire lead blanked to spaces (offsets and lines kept)."""
    return WIRE_LEAD.sub(lambda mt: " " * len(mt.group(0)), body)


def draft_document(doc: m.Document, context: Context | None = None) -> DocumentDraft:
    """Draft statements for one document: plain data, in document order."""
    context = context or Context()
    body = doc.text
    sents = sentences(blank_wire_leads(body))
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


# -- YAML -------------------------------------------------------------------------------------

_PLAIN_OK = re.compile(r"^[A-Za-z][A-Za-z0-9 .,;()'’/&-]*$")
_YAML_WORDS = {"yes", "no", "true", "false", "null", "on", "off", "y", "n"}


def scalar(text: str | None) -> str:
    """A YAML scalar: plain when that is unambiguous, else double-quoted."""
    if text is None:
        return "null"
    if _PLAIN_OK.match(text) and text.lower() not in _YAML_WORDS and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def _quoted(text: str | None) -> str:
    return "null" if text is None else json.dumps(text, ensure_ascii=False)


def _line(key: str, value: str, comment: str | None = None, indent: str = "  ") -> str:
    text = f"{indent}{key}: {value}"
    return f"{text}  # {comment}" if comment else text


def _cue_list(cues: Iterable[DateCue]) -> str:
    return ", ".join(f'"{c.text}" = {c.date.isoformat()}' for c in cues)


def _cue_rules(cues: Iterable[DateCue]) -> str:
    return "; ".join(f'"{c.text}" = {c.date.isoformat()} ({c.rule})' for c in cues)


def render_yaml(draft: DocumentDraft) -> str:
    """Statements YAML for seeds/statements/, with comments saying what to check.

    Each entry carries `reviewed: false` and an `unresolved` list of what the draft could not
    settle (a speaker not in the register, a day the copy does not give): the catalog refuses
    both until a person has checked the entry, answered each point and deleted the list.
    """
    doc = draft.document
    out = [f"# Draft statements from {draft.path} (document {doc.id}, dateline "
           f"{doc.dateline.isoformat()}, a {doc.dateline.strftime('%A')}).",
           "# Made by `claims-atlas draft`: check every entry against the text, set stance,",
           "# fill concerns.proposals, answer and delete each 'unresolved' list, delete what is",
           "# not worth keeping, set 'reviewed: true', then run `claims-atlas validate`.",
           ""]
    if not draft.entries:
        out += ["# Nothing found: no quoted passage or reported statement.", "[]"]
        return "\n".join(out) + "\n"
    hint = "fill in ids from seeds/proposals/"
    if draft.proposal_hints:
        hint += "; the document seems to name " + ", ".join(draft.proposal_hints)
    for e in draft.entries:
        if e.in_catalog:
            out.append(f"# already in the catalog: {', '.join(e.in_catalog)}")
        if e.paraphrase is not None:
            out.append("# paraphrase: check wording")
        if e.mentioned:
            out.append(f"# the sentence also names: {_cue_rules(e.mentioned)}")
        if e.places:
            out.append(f"# places named (seeds/places.yaml): {', '.join(e.places)}")
        date_comment = (f"date: {_cue_rules(e.date_cues)}" if e.date_cues
                        else "date: dateline, check")
        who = "; ".join(filter(None, (
            f'speaker: "{e.written}" in the copy = {e.speaker}' if e.written
            else f"speaker: {e.speaker}", e.speaker_note)))
        out += [
            f"- id: {e.id}  # line {e.line}",
            _line("kind", e.kind),
            _line("date", e.date.isoformat(), date_comment),
            _line("date_precision", e.date_precision),
            _line("date_note", "null"),
            _line("speakers", "[" + ", ".join(e.speakers) + "]", who),
            _line("role", scalar(e.role), e.role_note and f"role: {e.role_note}"),
            _line("affiliation", scalar(e.affiliation),
                  f"affiliation: {e.affiliation_note}" if e.affiliation_note
                  else "affiliation: Ukraine | Russia | United States | Europe | ..."),
            _line("venue", scalar(e.venue), None if e.venue else "venue: not found"),
            _line("quote", _quoted(e.quote)),
            _line("paraphrase", _quoted(e.paraphrase),
                  "paraphrase: check wording" if e.paraphrase else None),
            "  concerns:",
            _line("proposals", "[]", hint, "    "),
            _line("regions", "[" + ", ".join(e.regions) + "]",
                  "regions: named in the sentence, check" if e.regions
                  else "regions: none named", "    "),
            _line("stance", e.stance,
                  "stance: to correct: " + " | ".join(m.STANCES)),
            _line("reviewed", "true" if e.reviewed else "false",
                  None if e.reviewed else "set true once checked against the text"),
        ]
        if e.unresolved:
            out.append("  unresolved:")
            out += [f"    - {_quoted(u)}" for u in e.unresolved]
        out += [
            "  evidence:",
            f"    - document: {doc.id}",
            f"      quote: {_quoted(e.evidence_quote)}",
        ]
    return "\n".join(out) + "\n"
