"""Publication dates as every stage reads them: ``Article.published`` as a day or a moment.

Cleaning writes ``published`` as an ISO 8601 date ("2021-12-23") or date-time, with its zone
when the page stated one ("2021-12-23T09:30:00+01:00"). Stories, copies, facts, the summary
and the web pages read it through these functions, so a value one of them cannot read is no
date for all of them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

EPOCH = date(1970, 1, 1)


def publication_date(published: str | None) -> date | None:
    """The calendar day of an ISO date or date-time; None when absent, shorter than a day or unreadable."""
    if not published or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def epoch_day(published: str | None) -> int | None:
    """Days since 1970-01-01 of an ISO date or date-time (None as for :func:`publication_date`)."""
    day = publication_date(published)
    return None if day is None else (day - EPOCH).days


def publication_moment(published: str | None) -> datetime | None:
    """The moment of an ISO date or date-time as a naive UTC datetime; None when absent or unreadable.

    A time without a zone is taken as UTC, as cleaning normalises feed times to UTC.
    """
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published)
    except ValueError:
        return None
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)
