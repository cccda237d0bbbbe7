"""The map page at a chosen date: which proposals and statements come after it, as data
and as small escaped HTML pieces (markupsafe). The line of contact itself travels to the
map as an overlay (render.map.overlay_script)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from markupsafe import Markup

from claims_atlas.core.models import Proposal, Statement
from claims_atlas.render.html import fmt_date


def not_yet(proposal: Proposal, as_of: dt.date | None) -> bool:
    """Whether the proposal is dated after `as_of` (never when no date is chosen)."""
    return as_of is not None and proposal.date > as_of


def not_yet_html(proposal: Proposal, as_of: dt.date | None) -> str:
    """'Not yet proposed on <date>' for a proposal dated after `as_of`, else ''."""
    if not not_yet(proposal, as_of):
        return ""
    return str(Markup('<p class="not-yet" data-testid="not-yet" data-date="{}">'
                      '<b>Not yet proposed on {}</b>: this proposal dates from {}.</p>').format(
        as_of.isoformat(), fmt_date(as_of), fmt_date(proposal.date, proposal.date_precision)))


def split_after(statements: Sequence[Statement], as_of: dt.date | None
                ) -> tuple[list[Statement], list[Statement]]:
    """(statements made after `as_of`, the others), each in the given order."""
    if as_of is None:
        return [], list(statements)
    return ([s for s in statements if s.date > as_of],
            [s for s in statements if s.date <= as_of])


def after_heading_html(as_of: dt.date, count: int) -> str:
    """The line over the statements made after the chosen date."""
    return str(Markup('<p class="after-note" data-testid="after-note">{} statement{} made '
                      'after {}, the chosen date:</p>').format(
        count, "" if count == 1 else "s", fmt_date(as_of)))


def date_caption(info_date: dt.date, requested: dt.date, credit: str) -> str:
    """Names the snapshot used for a date: plain text (for st.caption through md_escape)."""
    if info_date == requested:
        return f"Line of contact on {fmt_date(requested)}. {credit}."
    return (f"Line of contact on {fmt_date(requested)}: the nearest earlier snapshot, "
            f"{fmt_date(info_date)}, is shown. {credit}.")
