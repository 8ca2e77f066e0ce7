"""Facts: dates resolved against the publication day, numbers with what they count, places, disagreements."""

from __future__ import annotations

from datetime import date

import pytest

from storytrace.facts import compare_facts, extract_facts, resolve_date
from storytrace.facts.extract import parse_number
from storytrace.model import Article, Fact
from storytrace.quotes.nlp import load_pipeline
from storytrace.settings import Settings

THURSDAY = date(2021, 12, 23)


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("on Thursday", "2021-12-23"),  # the publication day itself, not a week earlier
        ("on Tuesday", "2021-12-21"),
        ("last Thursday", "2021-12-16"),
        ("next Monday", "2021-12-27"),
        ("yesterday", "2021-12-22"),
        ("last week", "2021-12-13"),  # a week is given by its Monday
        ("next year", "2022"),
        ("last month", "2021-11"),
        ("in early January", "2022-01"),  # the nearest January: the coming one
        ("since mid-November", "2021-11"),
        ("Dec. 23, 2021", "2021-12-23"),
        ("23 December 2021", "2021-12-23"),
        ("a July 2020 ceasefire", "2020-07"),
        ("in 2014", "2014"),
    ],
)
def test_dates_resolve_against_the_publication_day(expression: str, value: str) -> None:
    resolved = resolve_date(expression, THURSDAY)
    assert resolved is not None and resolved.value == value


def test_relative_dates_need_a_reference_and_absolute_ones_do_not() -> None:
    assert resolve_date("last week", None) is None
    assert resolve_date("Dec. 23, 2021", None).value == "2021-12-23"  # type: ignore[union-attr]
    assert resolve_date("the past seven years", THURSDAY) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("more than 13,000", 13000), ("1.5 million", 1_500_000), ("two", 2), ("$4bn", 4e9), ("40%", 40), ("14", 14)],
)
def test_numbers_as_written(text: str, value: float) -> None:
    assert parse_number(text) == value


def _facts(text: str, article_id: str = "a") -> list[Fact]:
    nlp = load_pipeline("en")
    return extract_facts(Article(id=article_id, source="t", text=text), nlp(text), THURSDAY)  # type: ignore[operator]


def test_numbers_say_what_they_count_and_places_what_they_locate() -> None:
    facts = _facts("The conflict has claimed more than 13,000 lives. Talks are set to take place in Geneva next year.")
    numbers = [(f.about, f.value) for f in facts if f.kind == "number"]
    assert numbers == [("people (kill)", "more than 13,000")]
    assert [(f.about, f.value) for f in facts if f.kind == "place"] == [("place of talks", "Geneva")]
    assert ("date", "2022") in [(f.kind, f.value) for f in facts]
    for fact in facts:
        assert fact.text in (
            "The conflict has claimed more than 13,000 lives. Talks are set to take place in Geneva next year."
        )


def test_an_undecided_place_is_a_place_fact() -> None:
    facts = _facts("There has been no determination of where the talks will take place, a spokeswoman said.")
    assert [(f.about, f.value) for f in facts if f.kind == "place"] == [("place of talks", "undetermined")]


def _number(article: str, value: str) -> Fact:
    return Fact(article, (0, 5), "number", "people (kill)", value, value)


@pytest.mark.parametrize(
    "text",
    [
        "The conflict has claimed more than 14,000 lives.",
        "The war has killed more than 14,000 people.",
        "There have been more than 14,000 deaths in the conflict.",
    ],
)
def test_tolls_told_different_ways_meet(text: str) -> None:
    assert [(f.about, f.value) for f in _facts(text) if f.kind == "number"] == [("people (kill)", "more than 14,000")]


def test_disagreement_needs_independent_outlets_on_both_sides() -> None:
    settings = Settings()
    facts = [_number("a", "more than 13,000"), _number("b", "more than 13,000"), _number("c", "more than 14,000")]
    independent = compare_facts(facts, {"a": "a", "b": "b", "c": "c"}, settings)
    assert len(independent) == 1 and independent[0].disagreement
    assert [value for value, _ in independent[0].values] == ["more than 13,000", "more than 14,000"]
    # One outlet (an original and its copy) stating both values is not a disagreement between outlets.
    copied = compare_facts(facts[:1] + facts[2:], {"a": "a", "c": "a"}, settings)
    assert copied == []  # and a thing only one outlet states is not compared at all


def test_rounded_numbers_agree() -> None:
    facts = [_number("a", "about 100,000"), _number("b", "100,000"), _number("c", "101,000")]
    result = compare_facts(facts, {"a": "a", "b": "b", "c": "c"}, Settings())
    assert len(result) == 1 and not result[0].disagreement and len(result[0].values) == 1


def test_event_dates_are_compared_and_saying_dates_are_not() -> None:
    first = _facts("Talks are set to take place in Geneva next year, Putin said on Thursday.", "a")
    second = _facts("The talks will be held in March 2023, officials said on Tuesday.", "b")
    compared = compare_facts(first + second, {"a": "a", "b": "b"}, Settings())
    dates = [c for c in compared if c.kind == "date"]
    assert [(c.about, {v for v, _ in c.values}, c.disagreement) for c in dates] == [
        ("date of talks", {"2022", "2023-03"}, True)
    ]
