"""Rewrite statements from free-text `speaker:` to ids from the register (idempotent).

    claims-atlas people convert seeds/statements/*.yaml [--seeds DIR] [--check]
    python -m claims_atlas.core.convert_speakers seeds/statements/*.yaml      (same, no CLI)

For each statement that still has `speaker: <text>`:

- every ";"-separated name found in seeds/people.yaml (any spelling, a "(...)" note dropped)
  -> `speakers: [id, ...]` (a joint statement names several);
- "Outlet (who)" or an unnamed source ("Unnamed US official") -> `source: {outlet, description}`
  (the outlet from the entry's first evidence, or its seed document's front matter);
- anything else is left as it is and reported as `path:line: unknown speaker ...` with the
  closest registered person, so it can be added to people.yaml and the command run again.

Only the `speaker:` line changes (a comment after a plain value is kept); comments, order
and every other field stay byte for byte.
Entries that already have `speakers:` or `source:` are left alone, so a second run changes
nothing.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from claims_atlas.core import models as m
from claims_atlas.core.people import Register, load_people
from claims_atlas.core.yamlsrc import LineDict, LineList, YamlSyntaxError, loads

_ANONYMOUS = re.compile(r"\b(?:unnamed|anonymous|unidentified|officials?|sources?|people|person|"
                        r"diplomats?|insiders?|aides?)\b", re.IGNORECASE)
_JOINT = re.compile(r"\b(?:statement|communiqu|declaration)", re.IGNORECASE)


@dataclass
class Converted:
    """What converting one file did: entries rewritten, problems left, the new text."""

    path: str
    text: str
    changed: list[str] = field(default_factory=list)  # statement ids rewritten
    problems: list[m.Problem] = field(default_factory=list)
    read: bool = True  # False: the file could not be read or parsed (its problem says why)


def classify(text: str, register: Register, outlet: str = ""
             ) -> tuple[tuple[str, ...], m.Source | None]:
    """Free-text speaker -> (person ids, None) or ((), Source); ((), None) when unknown."""
    text = " ".join(text.split())
    parts = [re.sub(r"\s*\([^)]*\)", "", p).strip() for p in text.split(";")]
    people = [register.resolve(p) for p in parts if p]
    if people and all(people):
        return tuple(dict.fromkeys(p.id for p in people)), None
    paren = re.fullmatch(r"([^;()]+?)\s*\(([^()]+)\)", text)
    if paren and register.resolve(paren.group(1)) is None:
        outer, inner = paren.group(1).strip(), paren.group(2).strip()
        parts = [p.strip() for p in inner.split(",")]
        via = [p[4:].strip() for p in parts if p.lower().startswith("via ")]
        if via:  # "Sources familiar with the talks (via Reuters)", "US officials (unnamed, via X)"
            rest = [p for p in parts if not p.lower().startswith("via ")]
            return (), m.Source(_lower_first(outer) + (f" ({', '.join(rest)})" if rest else ""),
                                via[0])
        if _JOINT.search(inner):  # "United States and Ukraine (joint statement)"
            return (), m.Source(f"{inner} of {outer}", outlet)
        return (), m.Source(inner, outer)
    if ";" not in text and _ANONYMOUS.search(text):
        return (), m.Source(_lower_first(text), outlet)
    return (), None


def _lower_first(text: str) -> str:
    """'Unnamed US official' -> 'unnamed US official'; 'US officials' stays."""
    first = text.split()[0] if text.split() else ""
    return text if len(first) > 1 and first.isupper() else text[:1].lower() + text[1:]


def convert_text(text: str, shown: str, register: Register,
                 document_outlets: dict[str, str] | None = None) -> Converted:
    """The statements file `text` with every convertible `speaker:` rewritten."""
    out = Converted(shown, text)
    try:
        data = loads(text, Path(shown))
    except YamlSyntaxError as exc:  # not read as statements: its problem alone is reported
        out.problems.append(m.Problem(shown, exc.line, exc.message))
        out.read = False
        return out
    if not isinstance(data, LineList):
        return out
    lines = text.split("\n")
    edits: list[tuple[int, int, list[str]]] = []  # (first index, end index, new lines)
    for entry in data:
        if not isinstance(entry, LineDict) or "speaker" not in entry:
            continue
        line = entry.line_of("speaker")
        sid = entry.get("id") or "?"
        if "speakers" in entry or "source" in entry:
            out.problems.append(m.Problem(shown, line, f"statement {sid!r}: has both 'speaker' "
                                                       f"and 'speakers'/'source'; delete one"))
            continue
        legacy = str(entry.get("speaker") or "")
        ids, source = classify(legacy, register, _outlet(entry, document_outlets or {}))
        first = line - 1
        indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
        end = first + 1
        while end < len(lines) and lines[end].strip() and (
                len(lines[end]) - len(lines[end].lstrip()) > len(indent)
                and not lines[end].lstrip().startswith("#")):
            end += 1  # a folded multi-line value
        if ids:
            new = [f"{indent}speakers: [{', '.join(ids)}]"]
        elif source is not None:
            fields = ([f"outlet: {json.dumps(source.outlet, ensure_ascii=False)}"]
                      if source.outlet else [])
            fields.append(f"description: {json.dumps(source.description, ensure_ascii=False)}")
            new = [f"{indent}source: {{{', '.join(fields)}}}"]
        else:
            parts = [p for p in (re.sub(r"\s*\([^)]*\)", "", p).strip()
                                 for p in legacy.split(";")) if p]
            unknown = [p for p in parts if register.resolve(p) is None]
            out.problems.append(m.Problem(shown, line, "; ".join(
                f"statement {sid!r}: unknown speaker {p!r}{register.hint(p)}; add them to "
                f"people.yaml and run again" for p in unknown or [legacy])))
            continue
        comment = _comment(lines[first])
        if comment:
            new[-1] += f"  {comment}"
        edits.append((first, end, new))
        out.changed.append(str(sid))
    for first, end, new in sorted(edits, reverse=True):
        lines[first:end] = new
    out.text = "\n".join(lines)
    return out


def _comment(line: str) -> str:
    """The '# ...' comment after a plain `speaker:` value, kept on the rewritten line."""
    value = line.split(":", 1)[1].strip()
    if value[:1] in ("'", '"'):
        return ""  # a quoted value may hold ' #': leave such lines' comments alone
    mt = re.search(r"\s(#.*)$", value)
    return mt.group(1) if mt else ""


def _outlet(entry: LineDict, document_outlets: dict[str, str]) -> str:
    for ev in entry.get("evidence") or ():
        if isinstance(ev, LineDict):
            if ev.get("outlet"):
                return str(ev["outlet"])
            if ev.get("document") in document_outlets:
                return document_outlets[ev["document"]]
    return ""


def document_outlets(seeds: Path) -> dict[str, str]:
    """Seed document id -> its outlet, from the front matter of seeds/documents/*.txt."""
    from claims_atlas.core import catalog as cat

    out = {}
    for path in sorted((seeds / "documents").glob("*.txt")):
        try:
            doc = cat.read_document(path, str(path), [])
        except (YamlSyntaxError, UnicodeDecodeError, OSError):
            continue
        if doc is not None:
            out[doc.id] = doc.outlet
    return out


def seeds_for(path: Path, seeds: Path | None) -> Path:
    """The catalog whose register converts `path`: explicit, else the folder above the
    statements folder when it has people.yaml, else the default catalog."""
    from claims_atlas.core import catalog as cat

    if seeds is not None:
        return seeds
    guess = path.resolve().parent.parent
    return guess if (guess / "people.yaml").is_file() else cat.seeds_dir(None)


def convert_files(paths: list[Path], seeds: Path | None = None, write: bool = True
                  ) -> tuple[list[Converted], list[m.Problem]]:
    """Convert each file (written atomically when it changed and `write`); (results,
    problems of the register itself)."""
    from claims_atlas.core.catalog import display_path
    from claims_atlas.core.files import atomic_write

    results, fatal = [], []
    cache: dict[Path, tuple[Register, dict[str, str]]] = {}
    for path in paths:
        root = seeds_for(path, seeds)
        if root not in cache:
            people, problems = load_people(root)
            fatal += problems
            cache[root] = (Register(people), document_outlets(root))
        register, outlets = cache[root]
        shown = display_path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            results.append(Converted(shown, "", read=False,
                                     problems=[m.Problem(shown, 0, f"cannot read: {why}")]))
            continue
        result = convert_text(text, shown, register, outlets)
        if write and result.changed and result.text != text:
            atomic_write(path, result.text)
        results.append(result)
    return results, fatal


def main(argv: list[str] | None = None) -> int:
    """`python -m claims_atlas.core.convert_speakers [--seeds DIR] [--check] FILE...`."""
    import argparse

    parser = argparse.ArgumentParser(prog="convert_speakers", description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--seeds", type=Path, default=None)
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a file would change or has problems")
    args = parser.parse_args(argv)
    results, fatal = convert_files(args.files, args.seeds, write=not args.check)
    return report(results, fatal, args.check, print)


def report(results: list[Converted], fatal: list[m.Problem], check: bool, echo) -> int:
    """Print one line per file and one per problem; the exit status."""
    for p in fatal:
        echo(str(p))
    bad = bool(fatal)
    for r in results:
        verb = "would convert" if check else "converted"
        if r.read:  # an unreadable file converted nothing: its problem alone says so
            echo(f"{r.path}: {verb} {len(r.changed)} statement(s)"
                 + (f": {', '.join(r.changed)}" if r.changed else ""))
        for p in r.problems:
            echo(str(p))
        bad = bad or bool(r.problems) or (check and bool(r.changed))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
