"""Drafting, the output: statements YAML with comments saying what to check."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from claims_atlas.core import models as m
from claims_atlas.core.wiredates import DateCue

if TYPE_CHECKING:
    from claims_atlas.core.draft import DocumentDraft

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
            _line("reviewed", "true" if e.reviewed else "false",
                  None if e.reviewed else "set true once checked against the text"),
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
