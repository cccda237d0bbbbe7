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
from dataclasses import dataclass, field
from pathlib import Path

from claims_atlas.core import catalog as cat
from claims_atlas.core import models as m
from claims_atlas.core.files import FileRefused
from claims_atlas.core.validate import normalise
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

@dataclass(frozen=True)
class DateCue:
    """Words in the text that name a day, and the day they resolve to."""

    text: str
    date: dt.date
    start: int  # offset in the sentence
    end: int


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

    @classmethod
    def from_catalog(cls, catalog: m.Catalog) -> Context:
        return cls(catalog.regions, catalog.groups, catalog.statements, catalog.proposals)


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


# -- text: paragraphs, quotes, sentences ------------------------------------------------------

_OPEN_CLOSE = {"“": "”", '"': '"', "«": "»"}
_ABBREV = {"mr", "mrs", "ms", "dr", "st", "gen", "col", "lt", "sen", "rep", "gov", "jr", "sr",
           "u.s", "u.k", "u.n", "e.u", "no", "vs", "prof", "sgt", "capt", "maj", "adm"}
_BOUNDARY = re.compile(r"[.!?]+[\"”»’)]*\s+")


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
    """Sentences of the body, never split inside a quote; paragraphs end sentences."""
    out = []
    for para in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", body):
        text, base = para.group(0), para.start()
        spans = quote_spans(text)
        cuts = [0]
        for b in _BOUNDARY.finditer(text):
            end = b.end()
            if end >= len(text) or any(s < end < e for s, e in spans):
                continue
            if not re.match(r"[\"“«(A-Z0-9À-ÞА-ЯЁІЇЄҐ]", text[end]):
                continue
            word = re.search(r"([\w.]+)[.!?]+[\"”»’)]*\s+$", text[: end])
            if word and text[b.start()] == "." and (
                    word.group(1).lower().rstrip(".") in _ABBREV or len(word.group(1)) == 1):
                continue
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


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# -- dates ------------------------------------------------------------------------------------

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_WD, _MON = "|".join(_WEEKDAYS), "|".join(_MONTHS)
_CUE_RE = re.compile(
    r"(?P<rel>\b(?i:the day before yesterday|yesterday|today|tonight|tomorrow|last night"
    r"|this (?:morning|afternoon|evening))\b)"
    rf"|(?P<wd>\b(?:(?P<mod>(?i:this coming|this past|last|next|this|on))\s+)?(?P<day>{_WD})\b)"
    r"|(?P<iso>\b\d{4}-\d{2}-\d{2}\b)"
    rf"|(?P<dm>\b(?P<d1>\d{{1,2}})\s+(?P<m1>{_MON})(?:,?\s+(?P<y1>\d{{4}}))?\b)"
    rf"|(?P<md>\b(?P<m2>{_MON})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y2>\d{{4}})\b)?)")
_RELATIVE = {"the day before yesterday": -2, "yesterday": -1, "last night": -1, "today": 0,
             "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
             "tomorrow": 1}


def date_cues(text: str, dateline: dt.date) -> list[DateCue]:
    """Every day-naming phrase in `text`, resolved against the dateline."""
    out = []
    for mt in _CUE_RE.finditer(text):
        day = _resolve(mt, dateline)
        if day is not None:
            out.append(DateCue(mt.group(0), day, mt.start(), mt.end()))
    return out


def resolve_date(phrase: str, dateline: dt.date) -> dt.date | None:
    """The day one phrase ("yesterday", "last Monday", "(Friday)", "3 December") names."""
    cues = date_cues(phrase, dateline)
    return cues[0].date if cues else None


def _resolve(mt: re.Match, dateline: dt.date) -> dt.date | None:
    if mt.group("rel"):
        return dateline + dt.timedelta(days=_RELATIVE[mt.group("rel").lower()])
    if mt.group("wd"):
        target = _WEEKDAYS.index(mt.group("day"))
        mod = (mt.group("mod") or "").lower()
        if mod in ("next", "this coming"):
            return dateline + dt.timedelta(days=(target - dateline.weekday()) % 7 or 7)
        back = (dateline.weekday() - target) % 7
        if mod in ("last", "this past"):
            back = back or 7
        return dateline - dt.timedelta(days=back)
    try:
        if mt.group("iso"):
            return dt.date.fromisoformat(mt.group("iso"))
        day, month, year = ((mt.group("d1"), mt.group("m1"), mt.group("y1")) if mt.group("dm")
                            else (mt.group("d2"), mt.group("m2"), mt.group("y2")))
        month_no = _MONTHS.index(month) + 1
        if year:
            return dt.date(int(year), month_no, int(day))
        dt.date(2024, month_no, int(day))  # a leap year: raises only for impossible days
    except ValueError:
        return None
    candidates = []  # no year given: the year that puts the day nearest the dateline
    for y in (dateline.year - 1, dateline.year, dateline.year + 1):
        try:
            candidates.append(dt.date(y, month_no, int(day)))
        except ValueError:  # 29 February
            continue
    return min(candidates, key=lambda c: abs((c - dateline).days), default=None)


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
    """Persons the document names (full name -> role), plus what the catalog knows."""

    roles: dict[str, str | None] = field(default_factory=dict)
    known: dict[str, tuple[str, str]] = field(default_factory=dict)  # name: (role, affiliation)

    def add(self, name: str, role: str | None) -> None:
        if self.roles.get(name) is None:
            self.roles[name] = role

    def by_surname(self, word: str) -> str | None:
        for name in (*self.roles, *self.known):
            if name.split()[-1] == word:
                return name
        return None


def _people(sents: list[Sentence], statements: Iterable[m.Statement]) -> People:
    people = People()
    for s in statements:
        names = [re.sub(r"\s*\(.*", "", n).strip() for n in s.speaker.split(";")]
        roles = [r.strip() for r in s.role.split(";")]
        for i, name in enumerate(names):
            if len(name.split()) >= 2:
                role = roles[i] if len(roles) == len(names) else s.role
                people.known[name] = (role, s.affiliation if len(names) == 1 else "")
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
          "remarked|posted|tweeted|stipulated|spoke|asked|according to")
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


@dataclass(frozen=True)
class Speech:
    start: int  # the verb, sentence offsets
    end: int
    verb: str
    speaker: Speaker | None
    clause: tuple[int, int]
    attribution: tuple[int, int]  # the part that says who spoke, where and when


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
    pre = pre.rstrip()
    base = clause[0]
    if verb == "according to" or not pre.strip(" ,\0"):
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
        full = name or people.by_surname(apposed.group(1).split()[-1])
        if full:
            return Speaker(full, True)
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
        return Speaker(full, True, None if full in people.roles else
                       f'"{word}" = {full} (a speaker in the catalog), check')
    if word in _STARTERS:
        return None
    if (word in _GROUP_CAPS or re.search(r"\b[Tt]he\s+$", before)
            or (not before.strip() and word.endswith("s"))):
        return Speaker(word, False, "not a named person, check")
    return Speaker(word, True, "surname only, check")


def _noun_phrase(pre: str) -> Speaker | None:
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


def _speeches(sent: Sentence, people: People, last: str | None) -> list[Speech]:
    masked = sent.masked
    out = []
    for mt in _VERB_RE.finditer(masked):
        clause = _clause(masked, mt.start())
        speaker = _subject(masked, clause, mt.start(), mt.end(), mt.group(0), people, last)
        if speaker is not None and speaker.person:
            last = speaker.name
        pre_empty = not masked[clause[0]:mt.start()].strip(" ,\0")
        if mt.group(0) == "according to" or pre_empty:
            attribution = (mt.start(), clause[1])
        else:
            tail = re.search(r"\sthat\s|\0|:", masked[mt.end():clause[1]])
            attribution = (clause[0], mt.end() + tail.start() if tail else clause[1])
        out.append(Speech(mt.start(), mt.end(), mt.group(0), speaker, clause, attribution))
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
    patterns = [(re.compile(rf"(?<= ){re.escape(n.strip())}(?:n|s)?(?= )"), ids)
                for n, ids in names]

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
        speaker, span = None, (0, 0)
        if before:
            used.add(before[-1].start)
            speaker, span = before[-1].speaker, before[-1].attribution
        elif after:
            used.add(after[0].start)
            speaker, span = after[0].speaker, (qe, after[0].clause[1])
        elif previous is not None and qs <= 1:
            speaker = Speaker(previous.name, previous.person, "from the previous sentence, check")
        first = qs + 1 + len(inner) - len(inner.lstrip())
        out.append(_Found(qs, speaker, span, quote, None, quote, sent.start + first))
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
                          words, sent.start + a + lead))
    return out


def _cited_in(needle: str, cited: list[tuple[str, str]]) -> tuple[str, ...]:
    """Catalog statements whose evidence from this document overlaps the passage."""
    needle = normalise(needle).casefold()
    return tuple(dict.fromkeys(
        sid for sid, q in cited
        if min(len(q), len(needle)) >= 15 and (needle in q or q in needle)))


def draft_document(doc: m.Document, context: Context | None = None) -> DocumentDraft:
    """Draft statements for one document: plain data, in document order."""
    context = context or Context()
    body = doc.text
    sents = sentences(body)
    people = _people(sents, context.statements)
    find_regions = region_matcher(context.regions, context.groups)
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
        regions = find_regions(sent.text)
        for f in found:
            speech_cues = tuple(c for c in cues if f.span[0] <= c.start and c.end <= f.span[1]
                                and not any(s <= c.start < e for s, e in sent.quotes))
            mentioned = tuple(c for c in cues if c not in speech_cues)
            entry = _entry(f.speaker, people, speech_cues[0].date if speech_cues
                           else doc.dateline, speech_cues, mentioned, f.evidence,
                           f.paraphrase, f.words, doc.body_line + body.count("\n", 0, f.offset),
                           regions, sent.masked, f.span, taken)
            entry.in_catalog = _cited_in(f.evidence, cited)
            entries.append((sent.start + f.pos, entry))
            if f.speaker is not None:
                previous = (index, f.speaker)
    return DocumentDraft(doc, doc.id, [e for _, e in sorted(entries, key=lambda t: t[0])],
                         proposal_hints(body, context.proposals, doc.dateline))


def _entry(speaker: Speaker | None, people: People, date: dt.date, speech_cues, mentioned,
           evidence: str, paraphrase: str | None, words: str, line: int,
           regions: tuple[str, ...], masked: str, span: tuple[int, int],
           taken: set[str]) -> Entry:
    role = role_note = None
    affiliation = affiliation_note = None
    if speaker is not None and speaker.person:
        role = people.roles.get(speaker.name)
        known = people.known.get(speaker.name)
        if known:
            affiliation = known[1] or None
            affiliation_note = "as in the catalog" if affiliation else None
            if role is None:
                role, role_note = known[0], "as in the catalog, check"
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
    return Entry(
        id=make_id(speaker, date, words, taken), line=line,
        speaker=speaker.name if speaker else UNKNOWN_SPEAKER,
        speaker_note=(speaker.note if speaker else "not found, fill in"),
        role=role, role_note=role_note, date=date, date_cues=tuple(speech_cues),
        mentioned=tuple(mentioned), evidence_quote=evidence,
        quote=None if paraphrase else evidence, paraphrase=paraphrase,
        affiliation=affiliation, affiliation_note=affiliation_note, venue=venue,
        regions=regions)


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


def render_yaml(draft: DocumentDraft) -> str:
    """Statements YAML for seeds/statements/, with comments saying what to check."""
    doc = draft.document
    out = [f"# Draft statements from {draft.path} (document {doc.id}, dateline "
           f"{doc.dateline.isoformat()}, a {doc.dateline.strftime('%A')}).",
           "# Made by `claims-atlas draft`: check every entry against the text, set stance,",
           "# fill concerns.proposals, delete what is not worth keeping, then save the file under",
           "# seeds/statements/ and run `claims-atlas validate`.",
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
            out.append(f"# the sentence also names: {_cue_list(e.mentioned)}")
        date_comment = (f"date: {_cue_list(e.date_cues)}" if e.date_cues
                        else "date: dateline, check")
        if len({c.date for c in e.date_cues}) > 1:
            date_comment += " (the cues disagree)"
        out += [
            f"- id: {e.id}  # line {e.line}",
            _line("reviewed", "false", "set true once checked against the text"),
            _line("kind", e.kind),
            _line("date", e.date.isoformat(), date_comment),
            _line("date_precision", e.date_precision),
            _line("date_note", "null"),
            _line("speaker", scalar(e.speaker), e.speaker_note and f"speaker: {e.speaker_note}"),
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
            "  evidence:",
            f"    - document: {doc.id}",
            f"      quote: {_quoted(e.evidence_quote)}",
        ]
    return "\n".join(out) + "\n"
