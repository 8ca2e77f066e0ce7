"""Article metadata that cleaning derives: publication date, language and outlet."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

import dateparser
import py3langid

from storytrace.clean.patterns import DATE_ONLY, DATELINE_LABEL
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
# Published stamps win over updated ones; bare date lines (with a year) come last.
_LABEL_RANK = (("publish", 0), ("post", 0), ("date", 0), ("updat", 1), ("modif", 1))
# "/2021/12/23/" or "/2021-12-23-": the same Y-M-D pattern htmldate applies to URLs (its URL
# extractor is internal API, so the one regex is kept here).
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:[/_-]|\.html?|$)")


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
    """The publication date stated in the article's removed dateline lines, if any."""
    candidates: list[tuple[int, str]] = []
    for line in removed:
        if line.reason is not Removal.DATELINE:
            continue
        label = DATELINE_LABEL.match(line.text)
        if label:
            rank = next((r for stem, r in _LABEL_RANK if stem in line.text[: label.start("rest")].lower()), 1)
            text = label["rest"]
        elif DATE_ONLY.match(line.text):
            rank, text = 2, line.text
        else:
            continue
        parsed = parse_date(text, language)
        if parsed:
            candidates.append((rank, parsed))
    return min(candidates)[1] if candidates else None


def date_from_url(url: str | None) -> str | None:
    """A date written in the URL path (``/2021/12/23/``)."""
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    try:
        return datetime(int(match[1]), int(match[2]), int(match[3])).date().isoformat()
    except ValueError:
        return None


def outlet_from_url(url: str | None) -> str | None:
    """The site's domain without ``www.``; ``None`` when there is no URL (never invented)."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


def detect_language(paragraphs: Sequence[str], settings: Settings) -> str | None:
    """ISO 639-1 code of the longest paragraphs (the story body), through py3langid."""
    sample: list[str] = []
    size = 0
    for paragraph in sorted(paragraphs, key=len, reverse=True):
        sample.append(paragraph)
        size += len(paragraph)
        if size >= settings.language_sample_chars:
            break
    text = " ".join(sample)[: settings.language_sample_chars]
    if len(text) < settings.language_min_chars:
        return None
    code, _score = py3langid.classify(text)
    return str(code)
