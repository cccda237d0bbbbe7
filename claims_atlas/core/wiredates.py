"""Day-naming phrases in wire copy, resolved against the dateline, each with the rule used.

    "today", "yesterday", "last night"        the dateline, minus 0 or 1 day
    "on Monday", "Monday", "this past Monday" the latest Monday on or before the dateline
    "last Monday"                             the latest Monday before the dateline
    "next Monday", "this coming Monday"       the first Monday after the dateline
    "Dec. 1", "1 December", "Sept. 30th"      that day in the year that puts it nearest the
                                              dateline (a year written next to it wins)
    "2025-11-21"                              that day
    "last week" / "this week"                 the Monday of the week (Mon-Sun) before / of the
                                              dateline's week; precision "about"

Past-tense wire copy reports what happened on or before its dateline, hence "on Monday" looks
back. Every cue carries its rule in words so a reviewer sees how the date was reached.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
# AP style abbreviations (Jan. Feb. Aug. Sept. Oct. Nov. Dec.) and the short forms of others.
_MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
               "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_WD = "|".join(WEEKDAYS)
_MON = "|".join(MONTHS) + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_CUE_RE = re.compile(
    r"(?P<rel>\b(?i:the day before yesterday|yesterday|today|tonight|tomorrow|last night"
    r"|this (?:morning|afternoon|evening))\b)"
    r"|(?P<week>\b(?i:last|this|next) week\b)"
    rf"|(?P<wd>\b(?:(?P<mod>(?i:this coming|this past|last|next|this|on))\s+)?(?P<day>{_WD})\b)"
    r"|(?P<iso>\b\d{4}-\d{2}-\d{2}\b)"
    rf"|(?P<dm>\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MON})(?:,?\s+(?P<y1>\d{{4}}))?"
    r"(?!\w))"
    rf"|(?P<md>\b(?P<m2>{_MON})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y2>\d{{4}})\b)?)")
_RELATIVE = {"the day before yesterday": -2, "yesterday": -1, "last night": -1, "today": 0,
             "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
             "tomorrow": 1}


@dataclass(frozen=True)
class DateCue:
    """Words in the text that name a day, the day they resolve to, and how."""

    text: str
    date: dt.date
    start: int  # offset in the text searched
    end: int
    rule: str = ""
    precision: str = "day"  # "about" for a week


def date_cues(text: str, dateline: dt.date) -> list[DateCue]:
    """Every day-naming phrase in `text`, resolved against the dateline."""
    out = []
    for mt in _CUE_RE.finditer(text):
        found = _resolve(mt, dateline)
        if found is not None:
            day, rule, precision = found
            out.append(DateCue(mt.group(0), day, mt.start(), mt.end(), rule, precision))
    return out


def resolve_date(phrase: str, dateline: dt.date) -> dt.date | None:
    """The day one phrase ("yesterday", "last Monday", "Dec. 1") names, else None."""
    cues = date_cues(phrase, dateline)
    return cues[0].date if cues else None


def _month(name: str) -> int:
    key = name.rstrip(".").lower()
    return _MONTH_ABBR[key] if key in _MONTH_ABBR else MONTHS.index(name) + 1


def _resolve(mt: re.Match, dateline: dt.date) -> tuple[dt.date, str, str] | None:
    shown = f"{dateline:%a} {dateline.isoformat()}"
    if mt.group("rel"):
        days = _RELATIVE[mt.group("rel").lower()]
        return (dateline + dt.timedelta(days=days),
                f"dateline {shown} {days:+d} day{'s' if abs(days) != 1 else ''}"
                if days else f"the dateline, {shown}", "day")
    if mt.group("week"):
        which = mt.group("week").split()[0].lower()
        monday = dateline - dt.timedelta(days=dateline.weekday())
        monday += dt.timedelta(days={"last": -7, "this": 0, "next": 7}[which])
        where = {"last": "before", "this": "of", "next": "after"}[which]
        return (monday, f"the Monday of the week {where} the dateline's ({shown}); a week, "
                        f"not a day", "about")
    if mt.group("wd"):
        name = mt.group("day")
        target = WEEKDAYS.index(name)
        mod = (mt.group("mod") or "").lower()
        if mod in ("next", "this coming"):
            ahead = (target - dateline.weekday()) % 7 or 7
            return (dateline + dt.timedelta(days=ahead),
                    f"the first {name} after the dateline ({shown})", "day")
        back = (dateline.weekday() - target) % 7
        if mod == "last":
            back = back or 7
            return (dateline - dt.timedelta(days=back),
                    f"the latest {name} before the dateline ({shown})", "day")
        return (dateline - dt.timedelta(days=back),
                f"the latest {name} on or before the dateline ({shown})", "day")
    try:
        if mt.group("iso"):
            return dt.date.fromisoformat(mt.group("iso")), "written in full", "day"
        day, month, year = ((mt.group("d1"), mt.group("m1"), mt.group("y1")) if mt.group("dm")
                            else (mt.group("d2"), mt.group("m2"), mt.group("y2")))
        month_no = _month(month)
        if year:
            return dt.date(int(year), month_no, int(day)), "written in full", "day"
        dt.date(2024, month_no, int(day))  # a leap year: raises only for impossible days
    except ValueError:
        return None
    candidates = []
    for y in (dateline.year - 1, dateline.year, dateline.year + 1):
        try:
            candidates.append(dt.date(y, month_no, int(day)))
        except ValueError:  # 29 February
            continue
    best = min(candidates, key=lambda c: abs((c - dateline).days), default=None)
    if best is None:
        return None
    return best, f"no year: the year nearest the dateline ({shown})", "day"
