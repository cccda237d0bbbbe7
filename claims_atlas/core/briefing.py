"""Briefing decks on disk: pick a scene, read one deck file, add a scene to a deck.

Adding a scene keeps the deck file's own text (comments, blank lines, layout): the scene is
inserted as a YAML block at the end of a block `scenes:` list; a flow list is edited with
ruamel.yaml's round-trip (comments and flow style kept), and a file that ruamel cannot
write back unchanged is refused (:class:`DeckLayout`) rather than re-written. Before anything
is written, the whole catalog is validated with the new text in a temporary copy; a problem
raises :class:`DeckInvalid` naming `path:line`, and the file on disk is untouched. A save
never replaces content it did not read: the file is compared (bytes and mtime) with what was
read just before the atomic rename, under the briefings lock, and a change in between raises
:class:`DeckChanged`. A new deck never becomes the default deck (the first one) silently.
Limits: validate.MAX_TITLE, MAX_CAPTION, MAX_SCENES, MAX_DECKS.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import yaml

from claims_atlas.core import catalog as cat
from claims_atlas.core.files import FileRefused, atomic_write, exclusive, read_text
from claims_atlas.core.models import Briefing, Catalog, Loc, Problem, Scene
from claims_atlas.core.validate import MAX_CAPTION, MAX_DECKS, MAX_SCENES, MAX_TITLE, validate
from claims_atlas.core.yamlsrc import LineDict, LineList, YamlSyntaxError, loads

SCENE_KEYS = ("proposal", "compare", "regions", "control", "caption")
DEFAULT_AUTHOR = "claims-atlas"
MAX_ID = 60  # characters in a deck id
#: Set to "1" by `claims-atlas serve --editor`: the app may then save scenes to briefings/.
EDITOR_ENV = "CLAIMS_ATLAS_EDITOR"


def editor_mode() -> bool:
    """Whether the served app may write deck files (`serve --editor`); else read-only."""
    return os.environ.get(EDITOR_ENV) == "1"


class BriefingError(Exception):
    """A deck cannot be read or written; the message says why."""


class DeckInvalid(BriefingError):
    """The deck (or the catalog with it) has problems, each `path:line: message`."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class DeckNotFound(BriefingError):
    """No such deck file or deck id."""


class DeckWriteError(BriefingError):
    """The deck file could not be written; the old file is unchanged."""


class DeckChanged(BriefingError):
    """The deck file changed on disk while the save was being checked; nothing written."""


class DeckLayout(BriefingError):
    """The deck file cannot take a scene without losing its comments or layout."""


# -- choosing a scene -------------------------------------------------------------------------

def pick(catalog: Catalog, deck_id: str | None, number: int
         ) -> tuple[Briefing | None, int, list[str]]:
    """(deck, 1-based scene number, notices): unknown deck -> the first deck, a scene number
    out of range -> the nearest scene, each with a notice. No decks: (None, 1, [notice])."""
    if not catalog.briefings:
        return None, 1, ["There is no briefing deck in the catalog (seeds/briefings/)."]
    notices = []
    deck = catalog.briefing(deck_id) if deck_id else None
    if deck is None:
        deck = catalog.briefings[0]
        if deck_id:
            shown = deck_id if len(deck_id) <= 60 else deck_id[:59] + "…"
            notices.append(f"Unknown deck {shown!r} in the link: showing {deck.title!r}.")
    total = len(deck.scenes)
    if total and not 1 <= number <= total:
        clamped = min(max(number, 1), total)
        notices.append(f"Deck {deck.title!r} has {total} scenes, not {number}: showing scene "
                       f"{clamped}.")
        number = clamped
    return deck, number, notices


# -- reading one deck file --------------------------------------------------------------------

def load_deck(deck_file: str | os.PathLike, seeds: str | os.PathLike | None = None
              ) -> tuple[Catalog, Briefing]:
    """The deck in `deck_file` and the catalog it is checked against (`seeds`, or the deck
    file's grandparent: seeds/briefings/x.yaml -> seeds/). The file may live outside the
    catalog. Raises DeckNotFound, or DeckInvalid listing every problem as path:line."""
    path = Path(deck_file).resolve()
    if not path.is_file():
        raise DeckNotFound(f"{deck_file}: no such deck file")
    root = Path(seeds).resolve() if seeds is not None else path.parent.parent
    catalog, problems = cat.read_catalog(root)
    shown = cat.display_path(path)
    entries = cat._yaml_entries(path, shown, problems, many=False)
    deck = cat.read_briefing(cat.Reader(shown, entries[0], problems)) if entries else None
    if deck is not None:
        others = tuple(b for b in catalog.briefings if Path(b.loc.path).resolve() != path)
        catalog = dataclasses.replace(catalog, briefings=(*others, deck), _index={})
    problems = sorted(set(problems + validate(catalog)), key=lambda p: (p.path, p.line))
    if problems or deck is None:
        raise DeckInvalid(problems or [Problem(shown, 1, "not a briefing deck")])
    return catalog, deck


# -- adding a scene ---------------------------------------------------------------------------

def deck_files(seeds: str | os.PathLike) -> dict[str, Path]:
    """Deck id -> its file, for every readable deck in seeds/briefings/ (first file wins)."""
    out: dict[str, Path] = {}
    folder = Path(seeds) / "briefings"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            data = loads(read_text(path), path)
        except (YamlSyntaxError, FileRefused):
            continue
        if isinstance(data, LineDict) and isinstance(data.get("id"), str):
            out.setdefault(data["id"].strip(), path)
    return out


class _Flow(list):
    """A list written inline: `regions: [UA-14, UA-09]`."""


class _FlowMap(dict):
    """A mapping written inline: `control: {date: ..., source: ...}`."""


class _SceneDumper(yaml.SafeDumper):
    pass


_SceneDumper.add_representer(
    _Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_SceneDumper.add_representer(
    _FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))


def scene_yaml(scene: dict, indent: int = 2) -> str:
    """One scene as a block item of a YAML list, indented by `indent` spaces."""
    clean = {}
    for key in SCENE_KEYS:
        value = scene.get(key)
        if value in (None, "", [], (), {}):
            continue
        if key == "regions":
            value = _Flow(str(r) for r in value)
        elif key == "control":
            value = _FlowMap((k, str(value[k])) for k in ("date", "source") if k in value)
        else:
            value = str(value)
        clean[key] = value
    text = yaml.dump([clean], Dumper=_SceneDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=88)
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def new_deck_text(deck_id: str, title: str, scene: dict, author: str = DEFAULT_AUTHOR,
                  date: dt.date | None = None) -> str:
    return deck_text(deck_id, title, [scene], author, date)


def deck_text(deck_id: str, title: str, scenes: list[dict], author: str = DEFAULT_AUTHOR,
              date: dt.date | None = None) -> str:
    """A whole deck file: id, title, author, date and `scenes` (dicts as in SCENE_KEYS)."""
    head = yaml.safe_dump({"id": deck_id, "title": title, "author": author},
                          sort_keys=False, allow_unicode=True, width=88)
    day = (date or dt.date.today()).isoformat()
    return f"{head}date: {day}\nscenes:\n" + "".join(scene_yaml(s) for s in scenes)


def session_deck(deck_id: str, title: str, scenes: list[dict],
                 date: dt.date | None = None) -> Briefing:
    """A deck held in a reader's browser session (never written): the model the handout
    renderer takes. Scenes are dicts as in SCENE_KEYS; `control` is {date, source}."""
    where = Loc("(this browser session)", 1)
    made = tuple(Scene(proposal=s["proposal"], caption=s.get("caption") or "", loc=where,
                       compare=s.get("compare"), regions=tuple(s.get("regions") or ()),
                       control=(str(s["control"]["date"]), str(s["control"]["source"]))
                       if s.get("control") else None) for s in scenes)
    return Briefing(id=deck_id, title=title, author=DEFAULT_AUTHOR,
                    date=date or dt.date.today(), scenes=made, loc=where)


def scene_problems(catalog: Catalog, scene: dict, title: str | None = None) -> list[str]:
    """What is wrong with a scene (and a new deck's title) before anything is saved or
    offered: limits (validate.MAX_TITLE, MAX_CAPTION) and ids unknown to `catalog`."""
    out = []
    if title is not None and len(title) > MAX_TITLE:
        out.append(f"the title has {len(title):,} characters (at most {MAX_TITLE})")
    caption = scene.get("caption") or ""
    if len(caption) > MAX_CAPTION:
        out.append(f"the caption has {len(caption):,} characters (at most {MAX_CAPTION})")
    for key in ("proposal", "compare"):
        ref = scene.get(key)
        if (ref or key == "proposal") and catalog.proposal(str(ref)) is None:
            out.append(f"unknown proposal {str(ref)[:80]!r}")
    regions = list(scene.get("regions") or [])
    if len(regions) > len(catalog.regions):
        out.append(f"{len(regions)} regions named (the catalog has {len(catalog.regions)})")
    out += [f"unknown region {str(r)[:80]!r}" for r in regions[:100] if not catalog.region(r)]
    return out


def with_scene(text: str, scene: dict, path: Path) -> str:
    """`text` with `scene` appended to its `scenes:` list, keeping every other line as is.

    A block list (`scenes:` then `- proposal: ...` lines) gets the new item after its last
    one; anything else (a flow list, no list) is re-written whole with safe_dump."""
    data = loads(text, path)
    if not isinstance(data, LineDict):
        raise DeckInvalid([Problem(cat.display_path(path), 1,
                                   "must be a mapping of fields ('id: ...')")])
    lines = text.splitlines(True)
    scenes = data.get("scenes")
    if isinstance(scenes, LineList) and scenes and _is_block(lines, scenes.line_of(0)):
        first = lines[scenes.line_of(0) - 1]
        indent = len(first) - len(first.lstrip(" "))
        end = _block_end(lines, data, data.line_of("scenes"))
        spaced = len(scenes) > 1 and not lines[scenes.line_of(len(scenes) - 1) - 2].strip()
        head = "".join(lines[:end])
        if head and not head.endswith("\n"):
            head += "\n"
        block = ("\n" if spaced else "") + scene_yaml(scene, indent)
        return head + block + "".join(lines[end:])
    return _round_trip(text, scene, path)


def _round_trip(text: str, scene: dict, path: Path) -> str:
    """`text` with `scene` added by ruamel.yaml's round-trip (comments and flow style
    kept); DeckLayout when ruamel would change the file beyond the new scene."""
    import io

    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    rt = YAML(typ="rt")
    rt.width = 4096
    rt.preserve_quotes = True
    shown = cat.display_path(path)
    try:
        data = rt.load(text)
        same = io.StringIO()
        rt.dump(data, same)
    except YAMLError as exc:
        raise DeckLayout(f"{shown}: cannot be edited safely ({exc.__class__.__name__})") from None
    if same.getvalue() != text or not isinstance(data, dict):
        raise DeckLayout(f"{shown}: adding a scene would change its layout or comments; "
                         f"add the scene by hand (nothing written)")
    clean = {k: v for k, v in _plain(scene).items() if v not in (None, "", [], (), {})}
    scenes = data.get("scenes")
    if scenes is None:
        data["scenes"] = [clean]
    elif isinstance(scenes, list):
        scenes.append(clean)
    else:
        raise DeckLayout(f"{shown}: 'scenes' is not a list (nothing written)")
    out = io.StringIO()
    rt.dump(data, out)
    return out.getvalue()


def _is_block(lines: list[str], line: int) -> bool:
    return 0 < line <= len(lines) and lines[line - 1].lstrip().startswith("-")


def _block_end(lines: list[str], data: LineDict, key_line: int) -> int:
    """Index (0-based, exclusive) of the last line that belongs to the block of the top-level
    key on `key_line`: up to the next top-level key, less trailing blanks and column-0
    comments (those belong to what follows)."""
    later = [n for n in data.key_lines.values() if n > key_line]
    end = (min(later) - 1) if later else len(lines)
    while end > key_line and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return end


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def problems_with(seeds: str | os.PathLike, path: Path, text: str) -> list[Problem]:
    """Every catalog problem if `path` (inside `seeds`) held `text`: checked in a copy."""
    root = Path(seeds).resolve()
    rel = path.resolve().relative_to(root)
    with tempfile.TemporaryDirectory(prefix="claims-deck-") as tmp:
        copy = Path(tmp) / "seeds"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".*.tmp"))
        (copy / rel).parent.mkdir(parents=True, exist_ok=True)
        (copy / rel).write_text(text, encoding="utf-8")
        found = cat.check(copy)
        real = copy.resolve()
        return [Problem(_real_path(p.path, real, root), p.line, p.message) for p in found]


def _real_path(shown: str, copy: Path, root: Path) -> str:
    try:
        return cat.display_path(root / Path(shown).resolve().relative_to(copy))
    except ValueError:
        return shown


def add_scene(seeds: str | os.PathLike, deck_id: str, scene: dict, title: str | None = None,
              author: str = DEFAULT_AUTHOR, today: dt.date | None = None) -> Path:
    """Append `scene` (proposal, compare, regions, control, caption) to deck `deck_id`, or
    start a new deck file briefings/<deck_id>.yaml titled `title`. Returns the file written.

    Raises DeckInvalid (nothing written) when the catalog would not validate, DeckWriteError
    when the write fails (the old file is unchanged)."""
    deck_id = (deck_id or "").strip()
    if len(deck_id) > MAX_ID or not cat.ID_RE.match(deck_id):
        raise BriefingError(f"deck id {deck_id[:MAX_ID]!r} is not a lowercase slug (a-z, 0-9, "
                            f"-; at most {MAX_ID} characters)")
    caption = str(scene.get("caption") or "")
    if len(caption) > MAX_CAPTION:
        raise BriefingError(f"the caption has {len(caption):,} characters (at most "
                            f"{MAX_CAPTION})")
    if title is not None and len(title) > MAX_TITLE:
        raise BriefingError(f"the title has {len(title):,} characters (at most {MAX_TITLE})")
    if len(scene.get("regions") or ()) > 100:
        raise BriefingError("too many regions in one scene")
    root = Path(seeds)
    try:
        with exclusive(root / "briefings"):  # one save at a time: read, check, rewrite
            return _add_scene(root, deck_id, scene, title, author, today)
    except OSError as exc:  # the folder could not be made or locked, a file not read
        raise DeckWriteError(f"could not save to {cat.display_path(root / 'briefings')}: "
                             f"{exc.strerror or exc}") from None


def _add_scene(root: Path, deck_id: str, scene: dict, title: str | None, author: str,
               today: dt.date | None) -> Path:
    decks = deck_files(root)
    path = decks.get(deck_id)
    if path is not None:
        try:
            raw = read_text(path)
        except FileRefused as exc:
            raise DeckInvalid([Problem(cat.display_path(path), exc.line, exc.message)]) from None
        stamp = _stamp(path)
        if len(deck_files_scenes(raw)) >= MAX_SCENES:
            raise BriefingError(f"deck {deck_id!r} has {MAX_SCENES} scenes already")
        try:
            text = with_scene(raw, scene, path)
        except YamlSyntaxError as exc:
            raise DeckInvalid([Problem(cat.display_path(path), exc.line, exc.message)]) from None
    else:
        raw, stamp = None, None
        if len(decks) >= MAX_DECKS:
            raise BriefingError(f"the catalog has {MAX_DECKS} decks already")
        path = root / "briefings" / new_deck_name(root / "briefings", deck_id)
        text = new_deck_text(deck_id, (title or "").strip() or deck_id, scene, author, today)
    problems = problems_with(root, path, text)
    if problems:
        raise DeckInvalid(problems)
    if _changed(path, raw, stamp):
        raise DeckChanged(f"{cat.display_path(path)} changed while this scene was being "
                          f"checked; nothing written: reload the page and save again")
    try:
        atomic_write(path, text)
    except OSError as exc:
        raise DeckWriteError(f"could not write {cat.display_path(path)}: "
                             f"{exc.strerror or exc}") from None
    return path


def deck_files_scenes(raw: str) -> list:
    """The scenes list of a deck file's text ([] when unreadable): for the scene limit."""
    try:
        data = loads(raw, Path("deck.yaml"))
    except YamlSyntaxError:
        return []
    scenes = data.get("scenes") if isinstance(data, LineDict) else None
    return scenes if isinstance(scenes, list) else []


def new_deck_name(folder: Path, deck_id: str) -> str:
    """The file name of a new deck: numbered after the existing `NN-...` files, so that it
    sorts after the default deck (the first file). Raises BriefingError if it still would
    sort first (a folder whose first file is not numbered): the default deck is never
    displaced by a save."""
    names = sorted(p.name for p in folder.glob("*.yaml")) if folder.is_dir() else []
    numbers = [int(n.split("-", 1)[0]) for n in names if n.split("-", 1)[0].isdigit()
               and len(n.split("-", 1)[0]) < 6]
    numbered, plain = f"{max(numbers, default=0) + 1:02d}-{deck_id}.yaml", f"{deck_id}.yaml"
    for name in (numbered, plain) if numbers else (plain, numbered):
        if not names or name > names[0]:
            if (folder / name).exists():
                raise BriefingError(f"{name} exists but does not hold deck {deck_id!r}")
            return name
    raise BriefingError(f"a new deck {deck_id!r} would become the default deck (before "
                        f"{names[0]}); add it by hand (nothing written)")


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _changed(path: Path, raw: str | None, stamp: tuple[int, int] | None) -> bool:
    """Whether `path` differs from what was read (`raw` None: it must still not exist)."""
    if raw is None:
        return os.path.lexists(path)
    try:
        return _stamp(path) != stamp or read_text(path) != raw
    except (OSError, FileRefused):
        return True
