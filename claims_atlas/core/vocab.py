"""The disposition vocabulary: what a proposal does with a region.

Ids are stable (they appear in seeds/, in CSS classes and in exports); labels may change.
Colours are Paul Tol's colour-blind-safe "muted" scheme, arranged so that warm, dark tones
mean "towards Russia" and cool tones "towards Ukraine"; every disposition also has its own
pattern so that colour never carries meaning alone (projectors wash colours out).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Disposition:
    id: str
    label: str
    short: str
    definition: str
    colour: str
    pattern: str  # one of PATTERNS
    hatch: str  # the matplotlib hatch that draws the same pattern
    moves: str | None = None  # TO_RUSSIA, TO_UKRAINE or None: see MOVE_RULES


# Which way land moves under a disposition (what `control.moved_by` counts).
# TO_RUSSIA: the Ukrainian-held part passes to Russia; TO_UKRAINE: the Russian-held part
# passes to Ukraine; None: nothing moves. demilitarised_zone is counted as Russian (the
# 28-point plan's zone is "recognised as Russian territory"); a zone with other terms needs
# its own reading.
TO_RUSSIA = "to_russia"
TO_UKRAINE = "to_ukraine"
# The parts of a region a provision can name, and the part that moves in each direction.
PARTS = ("whole", "russian_held", "ukrainian_held")
MOVING_PART = {TO_RUSSIA: "ukrainian_held", TO_UKRAINE: "russian_held"}

PATTERNS = ("solid", "diagonal", "dots", "horizontal", "back-diagonal", "cross", "vertical",
            "grid", "circles", "none")

DISPOSITIONS: tuple[Disposition, ...] = (
    Disposition("recognised_russian_de_jure", "Recognised as Russian in law", "Russian (de jure)",
                "Recognised as part of Russia in law.", "#882255", "solid", "", TO_RUSSIA),
    Disposition("recognised_russian_de_facto", "Recognised as Russian in practice",
                "Russian (de facto)", "Recognised as Russian in practice, not in law.",
                "#CC6677", "diagonal", "//", TO_RUSSIA),
    Disposition("ukrainian_withdrawal", "Ukraine withdraws; passes to Russia",
                "Ukrainian withdrawal",
                "Ukraine withdraws from what it holds; the area passes to Russia.",
                "#AA4499", "cross", "xx", TO_RUSSIA),
    Disposition("demilitarised_zone", "Demilitarised zone", "Demilitarised zone",
                "Ukraine (and perhaps Russia) withdraws; a neutral zone. The provision says who "
                "administers it and whose territory it counts as.", "#DDCC77", "dots", "..",
                TO_RUSSIA),
    Disposition("frozen_at_contact_line", "Frozen at the line of contact", "Frozen at the line",
                "Each side keeps what it holds; the line of contact becomes the line.",
                "#999933", "horizontal", "--"),
    Disposition("negotiate_from_contact_line", "Negotiated from the line of contact",
                "Negotiate from the line",
                "To be negotiated, starting from the line of contact.", "#88CCEE",
                "back-diagonal", "\\\\"),
    Disposition("deferred", "Deferred to later talks", "Deferred",
                "Left for later talks or for the leaders.", "#BBBBBB", "grid", "++"),
    Disposition("russian_withdrawal", "Russia withdraws", "Russian withdrawal",
                "Russia withdraws from what it holds there.", "#44AA99", "vertical", "||",
                TO_UKRAINE),
    Disposition("restored_to_ukraine", "Restored to Ukraine (1991 borders)", "Restored to Ukraine",
                "Returned to Ukraine within its 1991 borders.", "#332288", "circles", "oo",
                TO_UKRAINE),
    Disposition("not_addressed", "Not addressed", "Not addressed",
                "The proposal says nothing about it.", "#F4F4F4", "none", ""),
)

BY_ID: dict[str, Disposition] = {d.id: d for d in DISPOSITIONS}
# disposition id -> TO_RUSSIA, TO_UKRAINE or None (nothing moves)
MOVE_RULES: dict[str, str | None] = {d.id: d.moves for d in DISPOSITIONS}
NOT_ADDRESSED = "not_addressed"


def get(disposition_id: str) -> Disposition:
    """The disposition with this id (KeyError when unknown)."""
    return BY_ID[disposition_id]


def ids() -> tuple[str, ...]:
    return tuple(BY_ID)
