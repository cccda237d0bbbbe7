"""Drafting, the gazetteer: regions (geodata/regions.yaml) and places (seeds/places.yaml)
by their names and aliases in English, Ukrainian and Russian (with case endings), and the
catalog proposals a text seems to name."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable

from claims_atlas.core import models as m


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

