"""An article's publication date, and where it came from, as cleaning derives it.

Dating (:func:`date_article`) takes the first of, in this order: the stated ``published`` field
(``stated``), the HTML page's metadata (``metadata``), a stamp or dateline on the page (``page``:
the scraper's leading ``date YYYY-MM-DD``, "Published/Veröffentlicht am/Publié le …" stamps,
date-only lines, agency datelines), a date in the URL (``url``), a date in the text (``text``),
the fetch time (``fetched``); else ``none``. Date spans are found with the patterns of
``patterns.py`` first (never by parsing whole paragraphs) and then parsed, with dateparser for
the stamps (explicit languages and settings). A relative expression (a weekday, a date without
a year) resolves against the page's own day, never to a later one; a month-only stamp gives no
day, but bounds the text dates that may count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import dateparser

from storytrace.clean.patterns import (
    AGENCY_DATELINE,
    DATE_ONLY,
    DATELINE_LABEL,
    FILE_PHOTO,
    MONTH_NAMES,
    PAGE_STAMP,
    POST_HANDLE,
    PUBLISHED_LABEL,
    STAMP_IN_LINE,
    TEXT_DATE,
    TODAY_WORD,
    WEEKDAY_DAY,
    WEEKDAY_NAMES,
    WEEKDAY_WORD,
)
from storytrace.model import Removal, RemovedLine
from storytrace.settings import Settings

_TIME_OF_DAY = re.compile(
    r"\b(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::\d{2})?\s*(?P<meridiem>[ap]\.?m\.?)?(?:\s*(?:[A-Z]{2,4}|GMT|UTC))?",
    re.IGNORECASE,
)
# Weekday names, "at", "on", ordinal suffixes and punctuation around the date proper.
_STAMP_NOISE = re.compile(
    r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\b\.?|\b(?:at|on)\b|(?<=\d)(?:st|nd|rd|th)\b|[,|]",
    re.IGNORECASE,
)
_DATE_LAYOUTS = ("%d-%b-%Y", "%d %b %Y", "%d %B %Y", "%B %d %Y", "%b %d %Y", "%b. %d %Y", "%Y-%m-%d", "%d-%B-%Y")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# "/2021/12/23/" or "/2021-12-23-": the same Y-M-D pattern htmldate applies to URLs (its URL
# extractor is internal API, so the one regex is kept here).
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:[/_-]|\.html?|$)")
# Other URL dates: in a slug ("…-service-2022-09-08-806630"), compact ("…-crisis-20230311-p5cr96"),
# day-month-year ("/6feb2023/"). Compact ones must be a real date of this century.
_URL_SLUG_DATE = re.compile(r"[/_-](20\d{2})-(1[0-2]|0[1-9])-([12]\d|3[01]|0[1-9])(?=[/_.-]|$)")
_URL_COMPACT_DATE = re.compile(r"(?<![\da-z])(20\d{2})(1[0-2]|0[1-9])([12]\d|3[01]|0[1-9])(?![\da-z])", re.IGNORECASE)
_URL_DAY_MONTH_YEAR = re.compile(r"/(\d{1,2})([a-z]{3})(20\d{2})(?=[/_.-]|$)", re.IGNORECASE)
# "/2022/12/…": a year and month without the day bound the text dates.
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})[/-](1[0-2]|0?[1-9])/")
_TIME_AFTER_DATE = re.compile(
    r"^[,\s]*(?:at|um|à|a\s+las|às|alle(?:\s+ore)?|ore|saat|в|kl\.?|ob|-|\|)?\s*"
    r"(?P<hour>[01]?\d|2[0-3])[:.hH](?P<minute>[0-5]\d)(?:\s*(?P<meridiem>[ap]\.?m\.?))?",
    re.IGNORECASE,
)
# Where a date came from, best first (``Article.date_source``).
DATE_SOURCES = ("stated", "metadata", "page", "url", "text", "fetched", "none")


def iso_date(value: datetime) -> str:
    """ISO 8601: a date alone when no time of day is known, else the date-time (with offset if known)."""
    if value.hour == value.minute == value.second == 0 and value.tzinfo is None:
        return value.date().isoformat()
    return value.isoformat()


@lru_cache(maxsize=4096)
def parse_date(text: str, language: str | None = None) -> str | None:
    """Parse a stated date ("Updated 09:01, 15-Dec-2021", "2021-12-23T10:00:00Z") to ISO 8601.

    Only texts naming a year are parsed: "Tuesday, January 31" could be any year, and a wrong
    year is worse than none.
    """
    text = text.strip()
    if not _YEAR.search(text):
        return None
    try:
        return iso_date(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    quick = _parse_common_english(text)
    if quick is not None:
        return iso_date(quick)
    parsed = dateparser.parse(
        text,
        languages=[language] if language else None,
        settings={"REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False},
    )
    return iso_date(parsed) if parsed else None


def _parse_common_english(text: str) -> datetime | None:
    """The few English stamp shapes most pages use ("09:01, 15-Dec-2021", "December 23, 2021,
    10:02 PM"), through strptime: dateparser is general but costs milliseconds a call."""
    time_match = _TIME_OF_DAY.search(text)
    date_part = _TIME_OF_DAY.sub(" ", text) if time_match else text
    date_part = _STAMP_NOISE.sub(" ", date_part).strip()
    date_part = " ".join(date_part.split())
    for layout in _DATE_LAYOUTS:
        try:
            day = datetime.strptime(date_part, layout)
        except ValueError:
            continue
        if time_match is None:
            return day
        hour, minute = int(time_match["hour"]), int(time_match["minute"])
        meridiem = (time_match["meridiem"] or "").replace(".", "").lower()
        if meridiem == "pm" and hour < 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            return None
        return day.replace(hour=hour, minute=minute)
    return None


def date_from_datelines(removed: Iterable[RemovedLine], language: str | None) -> str | None:
    """The publication date stated in the article's removed dateline lines, if any.

    Published stamps win over updated ones; bare date lines (with a year) come last.
    """
    candidates: list[tuple[int, str]] = []
    for line in removed:
        if line.reason is not Removal.DATELINE:
            continue
        label = DATELINE_LABEL.match(line.text)
        if label:
            rank = 0 if PUBLISHED_LABEL.match(line.text) else 1
            parsed = stamp_value(label["rest"], language)
        elif DATE_ONLY.match(line.text):
            rank, parsed = 2, parse_date(line.text, language)
        else:
            continue
        if parsed:
            candidates.append((rank, parsed))
    return min(candidates)[1] if candidates else None


def stamp_value(rest: str, language: str | None) -> str | None:
    """The date (and time, when stated) of what follows a stamp's label: the whole of it when it
    is a date ("09:01, 15-Dec-2021"), else the first date span with a year in it and the time
    right after ("08.09.2022 à 19h30 Mis à jour le …")."""
    whole = parse_date(rest, language)
    if whole:
        return whole
    for match in TEXT_DATE.finditer(rest):
        if not _span_year(match):
            continue
        end = match.end()
        clock = _TIME_AFTER_DATE.match(rest[end:])
        span = rest[match.start() : end + (clock.end() if clock else 0)]
        parsed = parse_date(span, language)
        if parsed:
            return parsed
        day = span_date(match, language, None)
        return day.isoformat() if day else None
    return None


def date_from_url(url: str | None) -> str | None:
    """A date written in the URL: ``/2021/12/23/``, a slug's ``-2022-09-08-``, a compact
    ``-20230311-``, or ``/6feb2023/``."""
    url = url or ""
    for pattern in (_URL_DATE, _URL_SLUG_DATE, _URL_COMPACT_DATE):
        match = pattern.search(url)
        if match:
            day = _valid_day(int(match[1]), int(match[2]), int(match[3]))
            if day:
                return day.isoformat()
    match = _URL_DAY_MONTH_YEAR.search(url)
    month = MONTH_NAMES.get(match[2].lower()) if match else None
    if match and month:
        day = _valid_day(int(match[3]), month, int(match[1]))
        return day.isoformat() if day else None
    return None


def _valid_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --- dating -------------------------------------------------------------------------------

Month = tuple[int, int]  # (year, month): a month-only stamp, or a URL's /2022/12/


@dataclass(frozen=True, slots=True)
class DateEvidence:
    """What a document says about its date, gathered by ``draft_article``."""

    stated: str | None = None  # the input's own published field, as written
    metadata: str | None = None  # the HTML page's metadata (htmldate), ISO already
    stamp: str | None = None  # the scraper's leading stamp ("date 2022-09-08"), cut from the text
    removed: tuple[RemovedLine, ...] = ()
    paragraphs: tuple[str, ...] = ()
    url: str | None = None
    fetched: str | None = None  # when a crawler fetched the page
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Dating:
    """An article's publication date (ISO 8601, or ``None``) and where it came from (``DATE_SOURCES``)."""

    published: str | None
    source: str


def split_page_stamp(text: str) -> tuple[str | None, str]:
    """The scraper's leading ``date YYYY-MM-DD`` (or ``date YYYY-MM``) stamp and the text without it."""
    match = PAGE_STAMP.match(text)
    if not match:
        return None, text
    return match.group(0).strip(), text[match.end() :].lstrip(" \t")


def stamp_day(stamp: str | None) -> date | None:
    """The day of a full leading stamp; ``None`` for a month-only one (no day is invented)."""
    match = PAGE_STAMP.match(stamp or "")
    if not match or not match["day"]:
        return None
    return _valid_day(int(match["year"]), int(match["month"]), int(match["day"]))


def stamp_month(stamp: str | None) -> Month | None:
    match = PAGE_STAMP.match(stamp or "")
    return (int(match["year"]), int(match["month"])) if match else None


def month_from_url(url: str | None) -> Month | None:
    match = _URL_MONTH.search(url or "")
    return (int(match[1]), int(match[2])) if match else None


def date_article(evidence: DateEvidence, settings: Settings, today: date | None = None) -> Dating:
    """The publication date by the precedence of the module docstring, with its source."""
    language = evidence.language
    stated = parse_date(evidence.stated, language) if evidence.stated else None
    if stated:
        return Dating(stated, "stated")
    if evidence.metadata:
        return Dating(evidence.metadata, "metadata")
    fetched = parse_date(evidence.fetched) if evidence.fetched else None
    anchor = date.fromisoformat(fetched[:10]) if fetched else None
    latest = _latest_day(anchor, settings, today)
    bound = stamp_month(evidence.stamp) or month_from_url(evidence.url)
    for source, value in (
        ("page", date_from_page(evidence, bound, anchor, settings)),
        ("url", date_from_url(evidence.url)),
        ("text", date_from_text(evidence, bound, anchor, settings)),
    ):
        if value and date.fromisoformat(value[:10]) <= latest:
            return Dating(value, source)
    if fetched:
        return Dating(fetched, "fetched")
    return Dating(None, "none")


def _latest_day(anchor: date | None, settings: Settings, today: date | None) -> date:
    """No page is dated after today, nor after the day it was fetched (a time zone's slack aside)."""
    latest = today or date.today()
    if anchor is not None:
        latest = min(latest, anchor + timedelta(days=settings.dating_future_slack_days))
    return latest


def date_from_page(evidence: DateEvidence, bound: Month | None, anchor: date | None, settings: Settings) -> str | None:
    """A stamp or dateline on the page: the leading stamp, removed stamp lines, stamps inside the
    first lines, then an agency dateline ("BOSTON, June 22 (Reuters) -")."""
    day = stamp_day(evidence.stamp)
    if day:
        return day.isoformat()
    language = evidence.language
    head = evidence.paragraphs[: settings.dating_head_paragraphs]
    # A stamp sharing its line with a site name may have gone with the title or navigation.
    lines = [*head, *(line.text for line in evidence.removed if line.reason is not Removal.DATELINE)]
    found = date_from_datelines(evidence.removed, language) or date_from_stamps(lines, language)
    if found:
        return found
    base = _base_day(bound, anchor)
    for paragraph in head:
        dateline = AGENCY_DATELINE.match(paragraph)
        span = TEXT_DATE.fullmatch(dateline["date"].strip(" ,")) if dateline else None
        if span:
            day = span_date(span, language, base)
            fits = day is not None and _within(day, bound, anchor, settings.dating_bound_slack_days,
                                               settings.dating_text_max_days)  # fmt: skip
            return day.isoformat() if fits and day else None
    return None


def date_from_stamps(paragraphs: Sequence[str], language: str | None) -> str | None:
    """A "Published …"/"Veröffentlicht am …" stamp inside one of the given (first) kept lines (a
    stamp sharing its line with other clutter is not removed, but still dates the page)."""
    candidates: list[tuple[int, str]] = []
    for paragraph in paragraphs:
        for match in STAMP_IN_LINE.finditer(paragraph):
            parsed = stamp_value(match["rest"], language)
            if parsed:
                candidates.append((0 if PUBLISHED_LABEL.match(match["label"]) else 1, parsed))
    return min(candidates)[1] if candidates else None


def _base_day(bound: Month | None, anchor: date | None) -> date | None:
    """The latest day a year-less date may resolve to: the page's own day, else its month's end."""
    if anchor is not None:
        return anchor
    if bound is not None:
        year, month = bound
        following = date(year + month // 12, month % 12 + 1, 1)
        return following - timedelta(days=1)
    return None


def _within(day: date, bound: Month | None, anchor: date | None, slack_days: int, back_days: int) -> bool:
    """A resolved date fits the page: inside its month (or ``slack_days`` before it), and not after
    its own day nor more than ``back_days`` before it."""
    if bound is not None:
        start = date(bound[0], bound[1], 1) - timedelta(days=slack_days)
        end = _base_day(bound, None)
        if not (end is not None and start <= day <= end):
            return False
    return anchor is None or anchor - timedelta(days=back_days) <= day <= anchor


def _span_year(match: re.Match[str]) -> int | None:
    year = match["year"] or match["year2"] or match["nyear"] or match["iyear"]
    return int(year) if year else None


def _span_parts(match: re.Match[str]) -> tuple[int, int, int | None]:
    """(day, month, year or None) of a ``TEXT_DATE`` match, from its groups."""
    if match["iyear"]:
        return int(match["iday"]), int(match["imonth"]), int(match["iyear"])
    if match["nyear"]:
        return int(match["nday"]), int(match["nmonth"]), int(match["nyear"])
    name = (match["month_name"] or match["month_name2"]).lower()
    return int(match["day"] or match["day2"]), MONTH_NAMES[name], _span_year(match)


def span_date(match: re.Match[str], language: str | None, base: date | None) -> date | None:
    """The day a date span names: dateparser reads the span (its explicit language and English;
    day-month-year order for numeric dates; a year-less one as the latest such day on or before
    ``base``), with the pattern's own groups where dateparser lacks the form (Slovenian
    genitives). ``None`` when the span has no year and there is no ``base``, or when its stated
    weekday is not the date's."""
    day, month, year = _span_parts(match)
    if year is None and base is None:
        return None
    text = match.group(0)
    if match["weekday"]:
        text = text[match.end("weekday") :].lstrip(" ,")
    parsed = _dateparser_day(text, language, base.isoformat() if base else None)
    if parsed is None or (parsed.month, parsed.day) != (month, day) or (year and parsed.year != year):
        parsed = _latest_on_or_before(day, month, base) if year is None else _valid_day(year, month, day)
    if parsed is None or (base is not None and year is None and parsed > base):
        return None
    if match["weekday"] and WEEKDAY_NAMES[match["weekday"].lower()] != parsed.weekday():
        return None
    return parsed


@lru_cache(maxsize=4096)
def _dateparser_day(text: str, language: str | None, base: str | None) -> date | None:
    settings: dict[str, object] = {
        "REQUIRE_PARTS": ["day", "month"],
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": "DMY",
    }
    if base:
        settings["RELATIVE_BASE"] = datetime.fromisoformat(base)
    languages = [language, "en"] if language and language != "en" else ["en"]
    try:
        parsed = dateparser.parse(text, languages=languages, settings=settings)  # type: ignore[arg-type]
    except ValueError:  # a language dateparser does not know
        return None
    return parsed.date() if parsed else None


def _latest_on_or_before(day: int, month: int, base: date | None) -> date | None:
    if base is None:
        return None
    for year in (base.year, base.year - 1):
        candidate = _valid_day(year, month, day)
        if candidate is not None and candidate <= base:
            return candidate
    return None


def date_from_text(evidence: DateEvidence, bound: Month | None, anchor: date | None, settings: Settings) -> str | None:
    """The latest date in the text that dates the page (see ``_text_days``)."""
    days = list(_text_days(evidence, bound, anchor, settings))
    return max(days).isoformat() if days else None


def _text_lines(evidence: DateEvidence) -> list[str]:
    """Kept paragraphs and removed captions (a caption often dates its picture: "Thursday, Dec. 23")."""
    captions = [line.text for line in evidence.removed if line.reason is Removal.CAPTION]
    return [*evidence.paragraphs, *captions]


def _text_days(evidence: DateEvidence, bound: Month | None, anchor: date | None, settings: Settings) -> Iterator[date]:
    """Dates in the text that may be the page's.

    With the page's fetch day: any date not after it nor more than ``dating_text_max_days``
    before it (and inside its month, when a stamp or the URL names one); year-less dates resolve
    to the latest such day on or before it, and weekdays alone ("on Thursday", "am Dienstag") to
    the last such day on or before it. Without the fetch day, a date must say it is the news: a
    weekday that agrees with it ("Thursday, Dec. 23, 2021", "samedi 31 décembre", "sábado (31)"),
    a "today" word just before it ("oggi 31 dicembre 2022"), or, inside the page's month only, an
    embedded post's stamp ("(@FDICgov) March 10, 2023"); with only the month, year-less dates take
    its year, and they must fall inside it (or ``dating_bound_slack_days`` before it). With
    neither, the date needs its year. A date beside "file photo" or "archive" never counts.
    """
    language = evidence.language
    base = _base_day(bound, anchor)
    slack, back = settings.dating_bound_slack_days, settings.dating_text_max_days
    for line in _text_lines(evidence):
        for match in TEXT_DATE.finditer(line):
            if _near_file_photo(line, match, settings):
                continue
            day = span_date(match, language, base)
            if day is None or not _within(day, bound, anchor, slack, back):
                continue
            cued = match["weekday"] or _after_today_word(line, match, settings)
            if anchor is not None or cued or (bound is not None and _after_post_handle(line, match)):
                yield day
        if base is None:
            continue
        for match in WEEKDAY_DAY.finditer(line):
            day = _weekday_with_day(int(match["day"]), WEEKDAY_NAMES[match["weekday"].lower()], base)
            if day is not None and _within(day, bound, anchor, slack, back):
                yield day
        if anchor is None:
            continue
        for match in WEEKDAY_WORD.finditer(line):
            weekday = WEEKDAY_NAMES[match["weekday"].lower()]
            yield anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


def _weekday_with_day(day: int, weekday: int, base: date) -> date | None:
    """The latest date on or before ``base`` with this day of the month, if it falls on ``weekday``."""
    for back in range(3):  # this month, or one or two before (a 31st skips short months)
        year, month = base.year, base.month - back
        if month < 1:
            year, month = year - 1, month + 12
        candidate = _valid_day(year, month, day)
        if candidate is not None and candidate <= base:
            return candidate if candidate.weekday() == weekday else None
    return None


def _near_file_photo(line: str, match: re.Match[str], settings: Settings) -> bool:
    reach = settings.dating_cue_chars
    return FILE_PHOTO.search(line[max(0, match.start() - reach) : match.end() + reach]) is not None


def _after_post_handle(line: str, match: re.Match[str]) -> bool:
    """An embedded post's stamp: the date right after its author's handle ("— FDIC (@FDICgov) March 10, 2023")."""
    return POST_HANDLE.search(line[: match.start()]) is not None


def _after_today_word(line: str, match: re.Match[str], settings: Settings) -> bool:
    return TODAY_WORD.search(line[max(0, match.start() - settings.dating_cue_chars) : match.start()]) is not None
