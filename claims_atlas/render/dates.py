"""The map page at a chosen date: which proposals and statements come after it, as data
and as small escaped HTML pieces (markupsafe). The line of contact itself travels to the
map as an overlay (render.map.overlay_store_script / overlay_show_script); the date
control's instant steps are render/js/dates.js (date_control_script)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from markupsafe import Markup

from claims_atlas.core.models import Proposal, Statement
from claims_atlas.render import js
from claims_atlas.render.html import fmt_date
from claims_atlas.render.map import PAGE_PREFIX


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


def count_after(statements: Sequence[Statement], as_of: dt.date | None) -> int:
    """How many of the statements were made after `as_of` (0 when no date is chosen)."""
    return 0 if as_of is None else sum(1 for s in statements if s.date > as_of)


def after_marks_html(as_of: dt.date | None, count: int, newest_first: bool) -> str:
    """A note and a style rule that mark the `count` statements made after `as_of` in the
    page's timeline (render.html.timeline_html, sorted by date: they are its first items
    when newest first, its last otherwise). The timeline's own markup does not change with
    the date, so Streamlit's message cache keeps it; only this (~600 bytes) travels. ''
    when there is nothing to mark."""
    if as_of is None or count <= 0:
        return ""
    nth = f"nth-child(-n+{count:d})" if newest_first else f"nth-last-child(-n+{count:d})"
    item = f'[data-testid="stMain"] ol.timeline>li.statement:{nth}'
    style = (f"<style>{item}{{border-left-style:dashed;background:#fffbea}}"
             f'{item}>.when::after{{content:" · after the chosen date";color:#5c4800}}</style>')
    note = Markup('<p class="after-note" data-testid="after-note" data-count="{}">{} '
                  'statement{} made after {}, the chosen date, marked “after the chosen '
                  'date”.</p>').format(count, count, "" if count == 1 else "s", fmt_date(as_of))
    return style + str(note)


def date_caption(info_date: dt.date, requested: dt.date, credit: str) -> str:
    """Names the snapshot used for a date: plain text (for st.caption through md_escape)."""
    if info_date == requested:
        return f"Line of contact on {fmt_date(requested)}. {credit}."
    return (f"Line of contact on {fmt_date(requested)}: the nearest earlier snapshot, "
            f"{fmt_date(info_date)}, is shown. {credit}.")


def date_control_script(map_key: str, slug: str, prev_key: str | None, next_key: str | None,
                        boxes: dict[str, str]) -> str:
    """The page script that makes the date control's steps instant (render/js/dates.js):
    the map's key, the source's slug, the neighbouring overlay keys and the Streamlit keys
    of the control's container and buttons (`boxes`: box, prevBox, nextBox)."""
    return js.data_script("dates", {
        "selector": "." + PAGE_PREFIX, "map": map_key, "slug": slug, "prev": prev_key,
        "next": next_key, **boxes})
