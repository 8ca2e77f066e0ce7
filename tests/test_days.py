"""Publication dates read as days and moments (storytrace.days)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from storytrace.days import epoch_day, publication_date, publication_moment


def test_a_publication_day_from_dates_and_date_times() -> None:
    assert epoch_day("1970-01-02") == 1
    # The day is the one the page states, whatever its zone: 22:02 in Moscow is still the 23rd there.
    assert epoch_day("2021-12-23T22:02:00+03:00") == epoch_day("2021-12-23")
    assert publication_date("2021-12-23T22:02:00+03:00") == date(2021, 12, 23)


@pytest.mark.parametrize("value", [None, "", "yesterday", "2021-12", "2021", "2021-13-01"])
def test_no_day_where_none_is_stated(value: str | None) -> None:
    assert publication_date(value) is None and epoch_day(value) is None


def test_moments_are_naive_utc() -> None:
    assert publication_moment("2021-12-23T22:02:00+03:00") == datetime(2021, 12, 23, 19, 2)
    assert publication_moment("2021-12-23T09:30:00") == datetime(2021, 12, 23, 9, 30)  # no zone: UTC
    assert publication_moment("2021-12-23") == datetime(2021, 12, 23)
    assert publication_moment("not a date") is None and publication_moment(None) is None
