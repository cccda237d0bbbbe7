"""seeds/ -> Catalog. Every problem found on the way carries its file and line.

`read_catalog` never raises for bad input: it returns what it could build plus the list of
problems. `load_catalog` is the strict form for the app and the CLI: it runs the full
validation and raises :class:`CatalogInvalid` naming every problem.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import reprlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from claims_atlas import REPO_ROOT
from claims_atlas.core import models as m
from claims_atlas.core.files import FileRefused, read_text
from claims_atlas.core.yamlsrc import LineDict, LineList, YamlSyntaxError, load_file, loads

SEEDS_ENV = "CLAIMS_ATLAS_SEEDS"
GEODATA_DIR = REPO_ROOT / "geodata"
REGIONS_FILE = GEODATA_DIR / "regions.yaml"
EARLIEST = dt.date(1991, 8, 24)  # Ukraine's declaration of independence
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CatalogInvalid(Exception):
    """The catalog has problems; `problems` lists each as path:line: message."""

    def __init__(self, problems: list[m.Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def seeds_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The catalog folder: the explicit one, else $CLAIMS_ATLAS_SEEDS, else the repo's seeds/."""
    chosen = explicit or os.environ.get(SEEDS_ENV) or (REPO_ROOT / "seeds")
    return Path(chosen)


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class Reader:
    """Reads typed fields out of one YAML mapping, recording a problem for each mistake."""

    path: str
    data: LineDict
    problems: list[m.Problem]
    what: str = "entry"
    _seen: set = field(default_factory=set)

    def loc(self, key: str | None = None) -> m.Loc:
        if key:
            return m.Loc(self.path, self.data.line_of(key))
        keys = tuple((k, v) for k, v in getattr(self.data, "key_lines", {}).items()
                     if isinstance(k, str))
        return m.Loc(self.path, self.data.line, keys)

    def problem(self, key: str | None, message: str) -> None:
        self.problems.append(m.Problem(self.path, self.loc(key).line, message))

    def raw(self, key: str, required: bool):
        self._seen.add(key)
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.problem(None, f"{self.what}: missing required field '{key}'")
            return None
        return value

    def text(self, key: str, required: bool = True, default: str | None = None) -> str | None:
        value = self.raw(key, required)
        if value is None:
            return default
        if isinstance(value, LineDict | LineList):
            self.problem(key, f"'{key}' must be text, not a {type(value).__name__[4:].lower()}")
            return default
        if isinstance(value, bool):
            self.problem(key, f"'{key}' must be text, not {str(value).lower()}: quote it "
                              f"('{key}: \"{str(value).lower()}\"')")
            return default
        return str(value).strip()

    def ident(self, key: str = "id") -> str | None:
        value = self.text(key)
        if value is not None and not ID_RE.match(value):
            self.problem(key, f"'{key}' {value!r} is not a lowercase slug (a-z, 0-9, -)")
        return value

    def choice(self, key: str, allowed: tuple[str, ...], required: bool = True,
               default: str | None = None) -> str | None:
        value = self.text(key, required, default)
        if value is not None and value not in allowed:
            self.problem(key, f"'{key}' {value!r} is not one of: {', '.join(allowed)}")
        return value

    def flag(self, key: str) -> bool:
        value = self.raw(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(key, f"'{key}' must be true or false, not {value!r}")
            return False
        return value

    def date(self, key: str, required: bool = True) -> dt.date | None:
        value = self.text(key, required)
        if value is None:
            return None
        return parse_date(value, lambda msg: self.problem(key, f"'{key}' {msg}"))

    def items(self, key: str, required: bool = False) -> list[tuple[object, int]]:
        value = self.raw(key, required)
        if value is None:
            return []
        if not isinstance(value, LineList):
            self.problem(key, f"'{key}' must be a list")
            return []
        return [(item, value.line_of(i)) for i, item in enumerate(value)]

    def strings(self, key: str) -> tuple[str, ...]:
        out = []
        for item, line in self.items(key):
            if isinstance(item, LineDict | LineList) or item is None:
                self.problems.append(m.Problem(self.path, line, f"'{key}' items must be text"))
            else:
                out.append(str(item).strip())
        return tuple(out)

    def mappings(self, key: str, required: bool = False) -> list[LineDict]:
        out = []
        for item, line in self.items(key, required):
            if isinstance(item, LineDict):
                out.append(item)
            else:
                self.problems.append(m.Problem(self.path, line, f"'{key}' items must be mappings"))
        return out

    def child(self, data: LineDict, what: str) -> Reader:
        return Reader(self.path, data, self.problems, what)


def parse_date(value: str, report: Callable[[str], None]) -> dt.date | None:
    if not _DATE_RE.match(value):
        report(f"{value!r} is not a date (YYYY-MM-DD)")
        return None
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        report(f"{value!r} is an impossible date")
        return None
    if not EARLIEST <= date <= dt.date.today():
        report(f"{value!r} is out of range ({EARLIEST} to today)")
    return date


# -- evidence ---------------------------------------------------------------------------------

def read_evidence(r: Reader, required: bool = True) -> tuple[m.Evidence, ...]:
    entries = r.mappings("evidence", required)
    if required and r.data.get("evidence") is not None and not entries:
        r.problem("evidence", f"{r.what}: 'evidence' must list at least one source")
    return tuple(e for e in (_evidence(r.child(d, "evidence")) for d in entries) if e)


def _evidence(r: Reader) -> m.Evidence | None:
    quote = r.text("quote")
    document = r.text("document", required=False)
    url = r.text("url", required=False)
    if document is None and url is None:
        r.problem(None, "evidence: needs either 'document' (a seeds document id) or 'url'")
    if url is not None and not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
        r.problem("url", f"evidence: 'url' {url!r} is not an http(s) address")
    outlet = r.text("outlet", required=url is not None and document is None)
    date = r.date("date", required=url is not None and document is None)
    ev = m.Evidence(quote=quote or "", loc=r.loc(), document=document, url=url, outlet=outlet,
                    date=date, via=r.text("via", False), state_media=r.flag("state_media"),
                    language=r.text("language", False), note=r.text("note", False),
                    translation=r.text("translation", False))
    return ev if quote else None


def _readings(r: Reader) -> tuple[m.Reading, ...]:
    out = []
    for d in r.mappings("readings"):
        rr = r.child(d, "reading")
        out.append(m.Reading(summary=rr.text("summary") or "", evidence=read_evidence(rr),
                             loc=rr.loc(), disposition=rr.text("disposition", False)))
    return tuple(out)


# -- proposals --------------------------------------------------------------------------------

def _provision(r: Reader) -> m.Provision:
    km2, note = _estimate(r)
    return m.Provision(
        region=r.text("region") or "", part=r.choice("part", m.PARTS, False, "whole"),
        disposition=r.text("disposition") or "", summary=r.text("summary") or "",
        evidence=read_evidence(r), loc=r.loc(), conditions=r.strings("conditions"),
        disputed=r.flag("disputed"), readings=_readings(r), estimate_km2=km2,
        estimate_note=note)


def _estimate(r: Reader) -> tuple[float | None, str]:
    """`estimate: {km2: 5000, note: "AFP, from ISW data of 20 Nov 2025"}` (optional)."""
    raw = r.raw("estimate", False)
    if raw is None:
        return None, ""
    if not isinstance(raw, LineDict):
        r.problem("estimate", "'estimate' must be a mapping with 'km2' and 'note'")
        return None, ""
    e = r.child(raw, "estimate")
    km2 = e.raw("km2", True)
    if km2 is not None and (isinstance(km2, bool) or not isinstance(km2, int | float)
                            or km2 < 0):
        e.problem("km2", f"'km2' must be a number of square kilometres, not {km2!r}")
        km2 = None
    return (float(km2) if km2 is not None else None), e.text("note") or ""


def _place_provision(r: Reader) -> m.PlaceProvision:
    return m.PlaceProvision(place=r.text("place") or "", summary=r.text("summary") or "",
                            evidence=read_evidence(r), loc=r.loc(),
                            disputed=r.flag("disputed"), readings=_readings(r))


def read_proposal(r: Reader) -> m.Proposal:
    r.what = "proposal"
    return m.Proposal(
        id=r.ident() or "", title=r.text("title") or "", sponsor=r.text("sponsor") or "",
        date=r.date("date") or EARLIEST, status=r.choice("status", m.STATUSES) or "",
        summary=r.text("summary") or "", evidence=read_evidence(r),
        provisions=tuple(_provision(r.child(d, "provision"))
                         for d in r.mappings("provisions", required=True)),
        loc=r.loc(), short_title=r.text("short_title", False, ""),
        date_precision=r.choice("date_precision", m.PRECISIONS, False, "day"),
        revises=r.text("revises", False), counters=r.text("counters", False),
        derived_from=r.text("derived_from", False),
        place_provisions=tuple(_place_provision(r.child(d, "place provision"))
                               for d in r.mappings("place_provisions")))


# -- statements -------------------------------------------------------------------------------

def review_mark(r: Reader) -> None:
    """A drafted entry carries `reviewed: false` until a person has checked it against its
    source (claims-atlas draft writes it); such an entry is refused at that line."""
    if "reviewed" in r.data and r.data.get("reviewed") is not True:
        r.problem("reviewed", f"{r.what}: drafted and not reviewed; check it against its "
                              f"source, then set 'reviewed: true'")


def read_statement(r: Reader, register=None) -> m.Statement:
    """One statement; `register` (a people.Register) gives names and dated roles to ids."""
    r.what = "statement"
    review_mark(r)
    quote, paraphrase = r.text("quote", False), r.text("paraphrase", False)
    if (quote is None) == (paraphrase is None):
        r.problem(None, "statement: give exactly one of 'quote' or 'paraphrase'")
    concerns = r.data.get("concerns")
    cr = r.child(concerns if isinstance(concerns, LineDict) else LineDict(), "concerns")
    if concerns is not None and not isinstance(concerns, LineDict):
        r.problem("concerns", "'concerns' must be a mapping with 'proposals' and 'regions'")
    date = r.date("date") or EARLIEST
    open_points = r.raw("unresolved", False)
    if open_points:
        count = len(open_points) if isinstance(open_points, list) else 1
        r.problem("unresolved", f"statement: 'unresolved' still lists {count} open point(s) "
                                f"from the draft; settle them and delete the list")
    ids, lines, source = _speakers(r, register)
    people = [register.get(i) if register else None for i in ids]
    names = tuple(p.name if p else i for p, i in zip(people, ids, strict=True))
    role = r.text("role", False)
    affiliation = r.text("affiliation", False)
    if ids and all(people):
        from claims_atlas.core.people import affiliation_on, roles_on

        role = role or "; ".join(roles_on(p, date) or "(role not in the register)"
                                 for p in people)
        if affiliation is None:
            sides = list(dict.fromkeys(affiliation_on(p, date) for p in people))
            affiliation = " / ".join(a for a in sides if a)
    elif role is None and not ids:
        role = "Unnamed source" if source else ""
    return m.Statement(
        id=r.ident() or "", kind=r.choice("kind", m.STATEMENT_KINDS, False, "statement"),
        date=date, speaker="; ".join(names) if ids else (source.label if source else ""),
        role=role or "", stance=r.choice("stance", m.STANCES) or "",
        evidence=read_evidence(r), loc=r.loc(),
        date_precision=r.choice("date_precision", m.PRECISIONS, False, "day"),
        date_note=r.text("date_note", False), affiliation=affiliation or "",
        venue=r.text("venue", False, ""), quote=quote, paraphrase=paraphrase,
        proposals=cr.strings("proposals"), regions=cr.strings("regions"),
        speakers=ids, speaker_names=names, speaker_lines=lines, source=source,
        translation=r.text("translation", False),
        quote_is_translation=r.flag("quote_is_translation"))


def _speakers(r: Reader, register) -> tuple[tuple[str, ...], tuple[int, ...], m.Source | None]:
    """`speakers: [person-id, ...]` and/or `source: {outlet, description}`; the legacy
    free-text `speaker` is refused with the id to write instead."""
    legacy = r.raw("speaker", False)
    if legacy is not None:
        person = register.resolve(str(legacy)) if register else None
        instead = (f"'speakers: [{person.id}]'" if person else
                   "'speakers: [person-id]' (seeds/people.yaml) or 'source: {outlet: ..., "
                   "description: ...}'")
        r.problem("speaker", f"statement: 'speaker' is free text ({str(legacy)!r}); write "
                             f"{instead}; `claims-atlas people convert FILE` does it")
    ids, lines = [], []
    for item, line in r.items("speakers"):
        if not isinstance(item, str) or not ID_RE.match(item.strip()):
            r.problems.append(m.Problem(r.path, line, f"'speakers' items must be person ids "
                                                      f"(lowercase slugs), not {item!r}"))
            continue
        ids.append(item.strip())
        lines.append(line)
    source = None
    raw = r.raw("source", False)
    if isinstance(raw, LineDict):
        sr = r.child(raw, "source")
        source = m.Source(description=sr.text("description") or "",
                          outlet=sr.text("outlet", False, ""))
    elif raw is not None:
        r.problem("source", "'source' must be a mapping: {outlet: ..., description: ...}")
    if not ids and source is None and legacy is None:
        r.problem(None, "statement: name who spoke: 'speakers: [person-id]' (ids from "
                        "seeds/people.yaml), or for an unnamed source 'source: {outlet: ..., "
                        "description: ...}'")
    return tuple(ids), tuple(lines), source


# -- places and briefings ---------------------------------------------------------------------

def read_place(r: Reader) -> m.Place:
    r.what = "place"
    kind = r.choice("kind", ("point", "line"))
    coords = r.raw("coordinates", True)
    if coords is not None and not _coords_ok(coords, kind):
        r.problem("coordinates", f"'coordinates' must be [lon, lat] for a point or a list of "
                                 f"[lon, lat] for a line, inside Ukraine's area; got "
                                 f"{reprlib.repr(coords)}")
        coords = None
    return m.Place(id=r.ident() or "", name=r.text("name") or "", region=r.text("region") or "",
                   kind=kind or "point", coordinates=_freeze(coords or ()),
                   precision=r.choice("precision", ("exact", "approximate")) or "approximate",
                   source=r.text("source") or "", loc=r.loc(), aliases=r.strings("aliases"))


def _coords_ok(coords, kind) -> bool:
    def point(p):
        return (isinstance(p, list) and len(p) == 2
                and all(isinstance(v, int | float) and not isinstance(v, bool) for v in p)
                and 20 <= p[0] <= 42 and 43 <= p[1] <= 56.5)
    if kind == "line":
        return isinstance(coords, list) and len(coords) >= 2 and all(point(p) for p in coords)
    return point(coords)


def _freeze(value):
    return tuple(_freeze(v) for v in value) if isinstance(value, list) else value


def read_briefing(r: Reader) -> m.Briefing:
    r.what = "briefing"
    scenes = []
    for d in r.mappings("scenes", required=True):
        s = r.child(d, "scene")
        control = s.raw("control", False)
        ctl = None
        if isinstance(control, LineDict):
            c = s.child(control, "control")
            date, source = c.date("date"), c.text("source")
            if source is not None and not re.search(r"[A-Za-z0-9]", source):
                c.problem("source", f"control: 'source' {source!r} does not name a source "
                                    f"(e.g. DeepStateMap)")
                source = None
            ctl = (date.isoformat(), source) if date and source else None
        elif control is not None:
            s.problem("control", "'control' must be a mapping with 'date' and 'source'")
        scenes.append(m.Scene(proposal=s.text("proposal") or "", caption=s.text("caption") or "",
                              loc=s.loc(), compare=s.text("compare", False),
                              regions=s.strings("regions"), control=ctl))
    return m.Briefing(id=r.ident() or "", title=r.text("title") or "",
                      author=r.text("author") or "", date=r.date("date") or EARLIEST,
                      scenes=tuple(scenes), loc=r.loc())


# -- documents --------------------------------------------------------------------------------

def read_document(path: Path, shown: str, problems: list[m.Problem]) -> m.Document | None:
    """A source document: `---`, YAML front matter, `---`, the verbatim text. Read by
    files.read_text: a UTF-8 byte-order mark is accepted, other refusals raise FileRefused."""
    text = read_text(path)
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(m.Problem(shown, 1, "document: must start with '---' and front matter"))
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        problems.append(m.Problem(shown, 1, "document: front matter has no closing '---'"))
        return None
    head = loads("\n".join(lines[1:end]), path, first_line=2)
    if not isinstance(head, LineDict):
        problems.append(m.Problem(shown, 2, "document: front matter must be a mapping"))
        return None
    r = Reader(shown, head, problems, "document")
    return m.Document(
        id=r.ident() or "", title=r.text("title") or "", outlet=r.text("outlet") or "",
        language=r.text("language") or "", dateline=r.date("dateline") or EARLIEST,
        text="\n".join(lines[end + 1:]), body_line=end + 2, loc=r.loc(),
        via=r.text("via", False), url=r.text("url", False),
        original_language=r.text("original_language", False),
        state_media=r.flag("state_media"), notes=r.text("notes", False))


# -- regions ----------------------------------------------------------------------------------

def read_regions(path: Path = REGIONS_FILE) -> tuple[tuple[m.Region, ...], tuple[m.Group, ...]]:
    data = load_file(path)
    regions = tuple(
        m.Region(id=d["id"], adm1_code=d["adm1_code"], name_en=d["name_en"],
                 name_uk=d["name_uk"], name_ru=d["name_ru"], kind=d.get("kind", "oblast"),
                 aliases=tuple(d.get("aliases") or ()))
        for d in data["regions"])
    groups = tuple(
        m.Group(id=d["id"], name_en=d["name_en"], members=tuple(d["members"]),
                name_uk=d.get("name_uk", ""), name_ru=d.get("name_ru", ""),
                aliases=tuple(d.get("aliases") or ()))
        for d in data.get("groups") or ())
    return regions, groups


def read_ambiguous(path: Path = REGIONS_FILE) -> tuple[m.Ambiguous, ...]:
    """The names regions.yaml lists under `ambiguous`, each with the units it may mean."""
    return tuple(m.Ambiguous(names=tuple(d["names"]), choices=tuple(d["choices"]))
                 for d in load_file(path).get("ambiguous") or ())


# -- the whole catalog ------------------------------------------------------------------------

def _yaml_entries(path: Path, shown: str, problems: list, many: bool) -> list[LineDict]:
    try:
        data = load_file(path)
    except YamlSyntaxError as exc:
        problems.append(m.Problem(shown, exc.line, exc.message))
        return []
    if many:
        if data is None:
            return []
        if not isinstance(data, LineList):
            problems.append(m.Problem(shown, 1, "must be a list of entries ('- id: ...')"))
            return []
        bad = [data.line_of(i) for i, d in enumerate(data) if not isinstance(d, LineDict)]
        problems.extend(m.Problem(shown, line, "each entry must be a mapping") for line in bad)
        return [d for d in data if isinstance(d, LineDict)]
    if not isinstance(data, LineDict):
        problems.append(m.Problem(shown, 1, "must be a mapping of fields ('id: ...')"))
        return []
    return [data]


def _read_kind(folder: Path, pattern: str, many: bool, build, problems) -> list:
    out = []
    for path in sorted(folder.glob(pattern)) if folder.is_dir() else []:
        shown = display_path(path)
        for data in _yaml_entries(path, shown, problems, many):
            out.append(build(Reader(shown, data, problems)))
    return out


# What makes a folder a catalog: a folder with none of these is the wrong --seeds.
CATALOG_PARTS = (("proposals", "*.yaml"), ("statements", "*.yaml"), ("documents", "*.txt"),
                 ("briefings", "*.yaml"), (".", "places.yaml"), (".", "people.yaml"))


def read_catalog(folder: str | os.PathLike | None = None) -> tuple[m.Catalog, list[m.Problem]]:
    """Read seeds/ as far as possible: (catalog, problems found while reading)."""
    root = seeds_dir(folder)
    problems: list[m.Problem] = []
    if not root.is_dir():
        problems.append(m.Problem(display_path(root), 0, "catalog folder not found"))
    elif not any(any((root / kind).glob(pattern)) for kind, pattern in CATALOG_PARTS):
        problems.append(m.Problem(display_path(root), 0, "no catalog files (proposals/, "
                                  "statements/, documents/, briefings/, places.yaml, "
                                  "people.yaml): is this the catalog folder?"))
    documents = []
    for path in sorted((root / "documents").glob("*.txt")) if root.is_dir() else []:
        try:
            doc = read_document(path, display_path(path), problems)
        except YamlSyntaxError as exc:
            problems.append(m.Problem(display_path(path), exc.line, exc.message))
            doc = None
        except FileRefused as exc:
            problems.append(m.Problem(display_path(path), exc.line, exc.message))
            doc = None
        if doc:
            documents.append(doc)
    regions, groups = read_regions()
    from claims_atlas.core import people as ppl

    people_file = root / ppl.PEOPLE_FILE
    people = (ppl.read_people(people_file, display_path(people_file), problems)
              if people_file.is_file() else ())
    register = ppl.Register(people)
    places_file = root / "places.yaml"
    places = ([read_place(Reader(display_path(places_file), d, problems))
               for d in _yaml_entries(places_file, display_path(places_file), problems, True)]
              if places_file.is_file() else [])
    catalog = m.Catalog(
        seeds_dir=str(root), regions=regions, groups=groups, documents=tuple(documents),
        proposals=tuple(_read_kind(root / "proposals", "*.yaml", False, read_proposal,
                                   problems)),
        statements=tuple(_read_kind(root / "statements", "*.yaml", True,
                                    lambda r: read_statement(r, register), problems)),
        places=tuple(places),
        briefings=tuple(_read_kind(root / "briefings", "*.yaml", False, read_briefing,
                                   problems)),
        people=tuple(people),
        ambiguous=read_ambiguous())
    return catalog, problems


def load_catalog(folder: str | os.PathLike | None = None) -> m.Catalog:
    """The validated catalog, or :class:`CatalogInvalid` listing every problem."""
    catalog, found = read_catalog(folder)
    problems = all_problems(catalog, found)
    if problems:
        raise CatalogInvalid(problems)
    return catalog


def check(folder: str | os.PathLike | None = None) -> list[m.Problem]:
    """Every problem in the catalog at `folder`, in file and line order."""
    return all_problems(*read_catalog(folder))


def all_problems(catalog: m.Catalog, found: list[m.Problem]) -> list[m.Problem]:
    """The problems found while reading plus those validation finds, in file and line order."""
    from claims_atlas.core.validate import validate

    return sorted(set(found + validate(catalog)), key=_problem_order)


def _problem_order(p: m.Problem):
    return (p.path, p.line, p.message)


def catalog_fingerprint(folder: str | os.PathLike | None = None) -> tuple:
    """Cheap change detector: (path, size, mtime_ns) of every catalog file."""
    root = seeds_dir(folder)
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
    stats = []
    for p in files:
        try:
            st = p.stat()
        except FileNotFoundError:
            continue
        stats.append((str(p), st.st_size, st.st_mtime_ns))
    return tuple(stats)
