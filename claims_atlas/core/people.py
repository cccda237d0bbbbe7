"""The register of people (seeds/people.yaml): loading, checking, and finding people by name.

Every spelling a wire service uses (Zelenskiy, Zelenskyy, Zelensky, Зеленський) leads to one
id; statements name speakers by that id, and drafts find people in copy through the same
names. Roles carry dates, so "what was Umerov on 2025-11-21" has one answer.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from claims_atlas.core import models as m
from claims_atlas.core.yamlsrc import LineDict, LineList, YamlSyntaxError, load_file

PEOPLE_FILE = "people.yaml"
_ROLE_KEYS = ("role", "from", "to", "affiliation")
# Case endings of Ukrainian and Russian surnames ("Пєскова", "Зеленського", "Путіну").
_CYRILLIC_STEM = re.compile(r"(?:ий|ій|ый|ой|ая|а|я|ь)$", re.IGNORECASE)
_CYRILLIC_ENDINGS = (r"(?:ого|ому|ові|ову|ими|ыми|ою|ої|ий|ій|ый|ой|им|ым|ім|ом|ем|ей|а|у|ю|я|е|"
                     r"і|и|ы|ь)?")


def fold(text: str) -> str:
    """Lower-case, accent-free, apostrophes and dots dropped, single spaces: for matching."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’`.]", "", text)
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


# -- reading ----------------------------------------------------------------------------------

def read_people(path: Path, shown: str, problems: list[m.Problem]) -> tuple[m.Person, ...]:
    """seeds/people.yaml -> people; each mistake appended to `problems` as path:line."""
    from claims_atlas.core.catalog import Reader, parse_date

    try:
        data = load_file(path)
    except YamlSyntaxError as exc:
        problems.append(m.Problem(shown, exc.line, exc.message))
        return ()
    if data is None:
        return ()
    if not isinstance(data, LineList):
        problems.append(m.Problem(shown, 1, "must be a list of people ('- id: ...')"))
        return ()
    out = []
    for i, entry in enumerate(data):
        if not isinstance(entry, LineDict):
            problems.append(m.Problem(shown, data.line_of(i), "each person must be a mapping"))
            continue
        r = Reader(shown, entry, problems, "person")
        roles = []
        for raw in r.mappings("roles", required=True):
            rr = r.child(raw, "role")
            for key in raw:
                if key not in _ROLE_KEYS:
                    rr.problem(key, f"role: unknown field {key!r} "
                                    f"(one of: {', '.join(_ROLE_KEYS)})")
            start, end = (_role_date(rr, k, parse_date) for k in ("from", "to"))
            if start and end and end < start:
                rr.problem("to", f"role: 'to' {end} is before 'from' {start}")
            roles.append(m.Role(title=rr.text("role") or "", loc=rr.loc(), start=start, end=end,
                                affiliation=rr.text("affiliation", False, "")))
        out.append(m.Person(
            id=r.ident() or "", name=r.text("name") or "", loc=r.loc(),
            name_uk=r.text("name_uk", False, ""), name_ru=r.text("name_ru", False, ""),
            spellings=r.strings("spellings"), affiliation=r.text("affiliation", False, ""),
            roles=tuple(roles)))
    return tuple(out)


def _role_date(r, key: str, parse_date) -> dt.date | None:
    value = r.raw(key, False)
    if value is None:
        return None
    return parse_date(str(value).strip(), lambda msg: r.problem(key, f"role: '{key}' {msg}"))


def load_people(seeds: str | Path) -> tuple[tuple[m.Person, ...], list[m.Problem]]:
    """The register of the catalog at `seeds` and every problem in it (file missing: one)."""
    from claims_atlas.core.catalog import display_path

    path = Path(seeds) / PEOPLE_FILE
    shown = display_path(path)
    if not path.is_file():
        return (), [m.Problem(shown, 0, "the register of people is missing")]
    problems: list[m.Problem] = []
    people = read_people(path, shown, problems)
    return people, problems + register_problems(people)


def register_problems(people: Iterable[m.Person]) -> list[m.Problem]:
    """Duplicate ids, and one name leading to two people (which would make drafts guess)."""
    problems, ids, names = [], {}, {}
    for p in people:
        if p.id in ids:
            problems.append(m.Problem(p.loc.path, p.loc.line,
                                      f"duplicate person id {p.id!r} (first at {ids[p.id].loc})"))
        ids.setdefault(p.id, p)
        for name in dict.fromkeys(fold(n) for n in p.names):
            other = names.setdefault(name, p)
            if other is not p and other.id != p.id:
                problems.append(m.Problem(
                    p.loc.path, p.loc.of("spellings"),
                    f"person {p.id!r}: the name {name!r} already names {other.id!r}; "
                    f"a name must lead to one person"))
    return problems


# -- looking people up ------------------------------------------------------------------------

@dataclass(frozen=True)
class Mention:
    """A person's name found in text: offsets in that text, and the words as written."""

    person: m.Person
    start: int
    end: int
    text: str


class Register:
    """Lookups over the register: by id, by any spelling, by the closest spelling."""

    def __init__(self, people: Iterable[m.Person]):
        self.people = tuple(people)
        self.by_id = {p.id: p for p in self.people}
        self._names: dict[str, m.Person] = {}
        for p in self.people:
            for name in p.names:
                self._names.setdefault(fold(name), p)
        self._compiled: tuple[re.Pattern | None, dict[str, str]] | None = None

    def _matcher(self) -> tuple[re.Pattern | None, dict[str, str]]:
        """One alternation of every spelling, longest first; compiled on first use (loading
        the catalog only needs ids, so it never pays for it)."""
        if self._compiled is None:
            spellings = sorted({(n, p.id) for p in self.people for n in p.names},
                               key=lambda t: (-len(t[0]), t[0]))
            pattern = re.compile("|".join(
                f"(?P<p{i}>{_name_pattern(n)})" for i, (n, _) in enumerate(spellings)),
                re.IGNORECASE) if spellings else None
            self._compiled = (pattern, {f"p{i}": pid for i, (_, pid) in enumerate(spellings)})
        return self._compiled

    def get(self, person_id: str) -> m.Person | None:
        return self.by_id.get(person_id)

    def resolve(self, name: str) -> m.Person | None:
        """The person a whole name stands for ('President Zelenskiy' included), else None."""
        folded = fold(name)
        if folded in self._names:
            return self._names[folded]
        found = self.find(name)
        if len({f.person.id for f in found}) == 1 and len(fold(found[0].text).split()) == len(
                [w for w in folded.split() if w not in _TITLE_WORDS]):
            return found[0].person
        return None

    def find(self, text: str) -> list[Mention]:
        """Every mention of a registered person in `text`, longest spelling first, in order."""
        pattern, groups = self._matcher()
        if pattern is None:
            return []
        out = []
        for mt in pattern.finditer(text):
            pid = groups[mt.lastgroup]
            out.append(Mention(self.by_id[pid], mt.start(), mt.end(), mt.group(0)))
        return out

    def closest(self, text: str, n: int = 1) -> list[m.Person]:
        """The people whose id or a spelling is nearest to `text` (difflib), best first."""
        keys = {fold(p.id.replace("-", " ")): p for p in self.people} | self._names
        hits = difflib.get_close_matches(fold(text.replace("-", " ")), list(keys), n=n * 4,
                                         cutoff=0.6)
        out: list[m.Person] = []
        for key in hits:
            if keys[key] not in out:
                out.append(keys[key])
        return out[:n]

    def hint(self, text: str) -> str:
        """' (did you mean ...?)' naming the closest person, or ''."""
        best = self.closest(text)
        return f" (did you mean {best[0].id!r}, {best[0].name}?)" if best else ""


_TITLE_WORDS = frozenset(("president", "mr", "mrs", "ms", "dr", "minister", "secretary", "gen",
                          "general", "sen", "senator", "chancellor", "premier", "prime"))


def _name_pattern(name: str) -> str:
    words = name.split()
    parts = []
    for w in words:
        if re.search("[а-яёіїєґ]", w, re.IGNORECASE):
            esc = re.escape(_CYRILLIC_STEM.sub("", w)) + _CYRILLIC_ENDINGS
        else:
            esc = re.escape(w).replace("'", "['’]").replace("’", "['’]")
        parts.append(esc)
    return r"(?<![\w])" + r"\s+".join(parts) + r"(?![\w])"


def roles_on(person: m.Person, day: dt.date) -> str:
    """'; '-joined titles the person held on `day` ('' when the register knows none)."""
    return "; ".join(dict.fromkeys(r.title for r in person.roles_on(day)))


def affiliation_on(person: m.Person, day: dt.date) -> str:
    held = [r.affiliation for r in person.roles_on(day) if r.affiliation]
    return held[0] if held else person.affiliation
