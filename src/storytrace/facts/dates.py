"""Resolve the date expressions news uses against a publication date: "Thursday", "last week", "next year".

Written by hand because dateparser, the library for this, reads a bare weekday as the one a week
before the reference day (news means the reference day itself or the days just before it), has no
notion of how precise a date is ("next year" becomes a full day), misses "early January" and
"mid-November", and takes about 10 ms an expression, too slow for a story compared on demand.
Values are ISO strings as precise as the words: ``2021-12-23``, ``2021-12`` or ``2021``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: number
    for number, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_PATTERNS = [
    ("month_day", re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?\b", re.I)),
    (
        "day_month",
        re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?\b", re.I),
    ),
    ("month_year", re.compile(rf"\b(?:(?P<part>early|mid|late)[-\s]+)?{_MONTH}(?:\s+(?P<year>\d{{4}}))?\b", re.I)),
    ("iso", re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")),
    ("relative_day", re.compile(r"\b(?P<word>today|yesterday|tomorrow|tonight)\b", re.I)),
    (
        "weekday",
        re.compile(
            r"\b(?:(?P<which>last|next|this)\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|friday"
            r"|saturday|sunday)\b",
            re.I,
        ),
    ),
    ("relative_period", re.compile(r"\b(?P<which>last|next|this|past|coming)\s+(?P<unit>week|month|year)\b", re.I)),
    ("year", re.compile(r"\b(?P<year>(?:19|20)\d{2})\b")),
]


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    """An ISO date as precise as its words."""

    value: str


def _month_value(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _shift_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def resolve_date(expression: str, reference: date | None) -> ResolvedDate | None:
    """The date an expression names, relative ones against ``reference`` (None: only absolute dates resolve).

    A month or a day without a year takes the year that puts it nearest the reference.
    """
    for kind, pattern in _PATTERNS:
        match = pattern.search(expression)
        if match is None:
            continue
        groups = match.groupdict()
        if kind == "iso":
            return ResolvedDate(f"{groups['year']}-{groups['month']}-{groups['day']}")
        if kind in ("month_day", "day_month", "month_year"):
            month = MONTHS[groups["month"].lower()]
            if kind == "month_year" and groups["month"].lower() == "may" and not groups.get("year"):
                continue  # "may" is far more often the verb
            year_text = groups.get("year")
            if year_text:
                year = int(year_text)
            elif reference is not None:
                # The year putting the month nearest the reference: December news saying "early January"
                # means the coming one, "November" the one just past; "next January" is always ahead.
                years = (
                    (reference.year + 1,)
                    if "next" in expression.lower() and month <= reference.month
                    else (reference.year - 1, reference.year, reference.year + 1)
                )
                year = min(years, key=lambda y: (abs((y - reference.year) * 12 + month - reference.month), y))
            else:
                return None
            if kind == "month_year":
                return ResolvedDate(_month_value(year, month))
            day = int(groups["day"])
            try:
                return ResolvedDate(date(year, month, day).isoformat())
            except ValueError:
                return None
        if kind == "year":
            return ResolvedDate(groups["year"])
        if reference is None:
            return None
        if kind == "relative_day":
            shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[groups["word"].lower()]
            return ResolvedDate((reference + timedelta(days=shift)).isoformat())
        if kind == "weekday":
            target = WEEKDAYS[groups["weekday"].lower()]
            which = (groups.get("which") or "").lower()
            if which == "next":
                ahead = (target - reference.weekday()) % 7 or 7
                return ResolvedDate((reference + timedelta(days=ahead)).isoformat())
            back = (reference.weekday() - target) % 7  # a bare weekday is the latest one on or before the day
            if which == "last" and back == 0:
                back = 7
            return ResolvedDate((reference - timedelta(days=back)).isoformat())
        which, unit = groups["which"].lower(), groups["unit"].lower()
        step = {"last": -1, "past": -1, "next": 1, "coming": 1, "this": 0}[which]
        if unit == "year":
            return ResolvedDate(f"{reference.year + step:04d}")
        if unit == "month":
            return ResolvedDate(_month_value(*_shift_months(reference, step)))
        monday = reference - timedelta(days=reference.weekday()) + timedelta(weeks=step)
        return ResolvedDate(monday.isoformat())  # a week is given by its Monday
    return None
