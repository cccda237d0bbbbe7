"""Drafting, the text: paragraphs, quoted passages, sentences (pysbd), wire leads.

Offsets are kept exact everywhere so that every quote maps back to its file line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# "KYIV, Dec 2 (Reuters) - ", "KYIV, Ukraine (AP) — ", "MOSCOW, December 3. /TASS/. ": the
# wire's own dateline line, not part of any statement (its date is the document's dateline).
WIRE_LEAD = re.compile(
    r"^[^\S\n]*[^\n()/]{0,60}?(?:\([A-Z][\w .-]{1,20}\)[^\S\n]*[-–—]+|/[A-Z]{2,10}/\.?)"
    r"[^\S\n]*", re.M)


def blank_wire_leads(body: str) -> str:
    """The body with each paragraph's wire lead blanked to spaces (offsets and lines kept)."""
    return WIRE_LEAD.sub(lambda mt: " " * len(mt.group(0)), body)
