"""Drafting, the people: names and roles in the copy, speech verbs and who they belong to.

"Kremlin spokesman Dmitry Peskov said", '"...," Ushakov said', "President Volodymyr
Zelenskiy, speaking in Dublin, said:", "He noted that", "According to him": each speech verb
gets its speaker (a person through the register, or a group or unnamed source to settle),
the clause it governs and the attribution where its day and venue are looked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from claims_atlas.core.draft_text import Sentence
from claims_atlas.core.draft_text import collapse as _collapse
from claims_atlas.core.people import Register
from claims_atlas.core.wiredates import MONTHS as _MONTHS
from claims_atlas.core.wiredates import WEEKDAYS as _WEEKDAYS

_WD = "|".join(_WEEKDAYS)


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
          "remarked|posted|tweeted|stipulated|spoke|asked|[Aa]ccording to|"
          # Ukrainian and Russian copy: заявив / заявил, сказав / сказал, ...
          "заяви(?:в|ла|ли)|заявил[аи]?|сказа(?:в|ла|ли)|сказал[аи]?|повідоми(?:в|ла|ли)|"
          "сообщил[аи]?|зазначи(?:в|ла|ли)|отметил[аи]?|наголоси(?:в|ла|ли)|подчеркнул[аи]?")
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
    r"\b(?:[Aa]n?|[Tt]he|[Oo]ne|[Tt]wo|[Tt]hree|[Ss]everal|[Ff]our|[Ff]ive)\s+"
    r"((?:[\w.'’-]+\s+){0,3}?"
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

