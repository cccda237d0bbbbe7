"""A new article into the catalog: its document file with front matter, and a draft of its
statements for review.

    add_document(seeds, text, outlet=..., dateline=...) ->
        seeds/documents/<id>.txt      the text verbatim under its front matter (new file)
        seeds/drafts/<id>.yaml        draft statements, `reviewed: false`, open points listed

Both files are written atomically (a temp file in the same folder, then rename). Drafts live
outside seeds/statements/, so the catalog and the running app are untouched until a person
has reviewed the draft and moved it into seeds/statements/.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from claims_atlas.core import catalog as cat
from claims_atlas.core import draft as drafting
from claims_atlas.core.files import atomic_write, exclusive

DRAFTS = "drafts"


class IntakeError(Exception):
    """The article cannot be added (bad option, id taken, unreadable text)."""


@dataclass(frozen=True)
class Added:
    document_id: str
    document_path: Path
    draft_path: Path
    entries: int  # draft statements
    unresolved: int  # of them, entries with open points


def split_front_matter(text: str) -> tuple[dict, str]:
    """(front matter fields, body) of a text that may start with '---' front matter."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise IntakeError("front matter has no closing '---'")
    from claims_atlas.core.yamlsrc import YamlSyntaxError, loads

    try:
        head = loads("\n".join(lines[1:end]), Path("front matter"), first_line=2)
    except YamlSyntaxError as exc:
        raise IntakeError(f"line {exc.line}: {exc.message}") from None
    if not isinstance(head, dict):
        raise IntakeError("front matter must be a mapping")
    return dict(head), "\n".join(lines[end + 1:])


def document_id(outlet: str, dateline: dt.date, title: str) -> str:
    """'<dateline>-<outlet>-<first words of the title>', a lowercase slug."""
    words = [w for w in drafting.slug(title).split("-") if w][:5]
    outlet_slug = "-".join(drafting.slug(outlet).split("-")[:2])
    return "-".join(filter(None, (dateline.isoformat(), outlet_slug, *words)))


def render_document(fields: dict, body: str) -> str:
    """The document file: front matter (JSON-quoted strings, valid YAML) then the body."""
    out = ["---"]
    for key, value in fields.items():
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            out.append(f"{key}: {'true' if value else 'false'}")
        elif isinstance(value, dt.date):
            out.append(f"{key}: {value.isoformat()}")
        else:
            out.append(f"{key}: {json.dumps(str(value), ensure_ascii=False)}")
    out.append("---")
    return "\n".join(out) + "\n" + body.strip("\n") + "\n"


def add_document(seeds: str | Path | None, text: str, *, outlet: str | None = None,
                 dateline: str | None = None, title: str | None = None,
                 doc_id: str | None = None, language: str | None = None,
                 url: str | None = None, state_media: bool | None = None) -> Added:
    """Write the document and its draft into the catalog at `seeds`; see the module doc.

    Options override the text's own front matter, if it has one. Raises IntakeError for a
    missing outlet or dateline, an impossible date, an id already in use."""
    head, body = split_front_matter(text.replace("\r\n", "\n"))
    if not body.strip():
        raise IntakeError("the article has no text")
    outlet = outlet or _str(head.get("outlet"))
    raw_date = dateline or _str(head.get("dateline"))
    if not outlet:
        raise IntakeError("give the outlet (--outlet)")
    if not raw_date:
        raise IntakeError("give the dateline (--dateline YYYY-MM-DD)")
    problems: list[str] = []
    day = cat.parse_date(raw_date.strip(), problems.append)
    if day is None or problems:
        raise IntakeError(f"dateline {problems[0] if problems else raw_date!r}")
    title = title or _str(head.get("title")) or _first_line(body)
    doc_id = doc_id or _str(head.get("id")) or document_id(outlet, day, title)
    if not cat.ID_RE.match(doc_id):
        raise IntakeError(f"id {doc_id!r} is not a lowercase slug (a-z, 0-9, -)")
    root = cat.seeds_dir(seeds)
    doc_path = root / "documents" / f"{doc_id}.txt"
    draft_path = root / DRAFTS / f"{doc_id}.yaml"
    fields = {"id": doc_id, "title": title, "outlet": outlet,
              "language": language or _str(head.get("language")) or "en", "dateline": day,
              "url": url or _str(head.get("url")),
              "state_media": state_media if state_media is not None
              else bool(head.get("state_media", False))}
    fields |= {k: v for k, v in head.items() if k not in fields and isinstance(k, str)}
    with exclusive(root / "documents"):
        taken = {d.id for d in cat.read_catalog(root)[0].documents}
        if doc_id in taken or doc_path.exists():
            raise IntakeError(f"a document with id {doc_id!r} is already in the catalog "
                              f"({cat.display_path(doc_path)})")
        atomic_write(doc_path, render_document(fields, body))
    try:
        result = drafting.draft_file(doc_path, root)
    except drafting.DraftError as exc:
        doc_path.unlink(missing_ok=True)
        raise IntakeError(str(exc)) from None
    result.path = f"documents/{doc_path.name}"  # as the catalog names it, no server path
    atomic_write(draft_path, drafting.render_yaml(result))
    return Added(doc_id, doc_path, draft_path, len(result.entries),
                 sum(1 for e in result.entries if e.unresolved))


def _str(value) -> str | None:
    return None if value is None else str(value).strip() or None


def _first_line(body: str) -> str:
    line = next((ln.strip() for ln in drafting.blank_wire_leads(body).split("\n")
                 if ln.strip()), "")
    line = re.sub(r"\s+", " ", line)
    return line if len(line) <= 90 else line[:89].rsplit(" ", 1)[0] + "…"
