"""Corpus-level cleaning: lines one outlet repeats across its articles are its template."""

from __future__ import annotations

from storytrace.clean import clean_documents
from storytrace.model import RawDocument, Removal
from storytrace.settings import Settings

TEMPLATE = "Lindqvist Post is an independent newspaper serving the northern coast since 1921."
PLACES = ["north pier", "old quay", "fish market", "ferry terminal", "lighthouse", "dry dock", "marina", "boatyard"]
STORY = (
    "The harbour authority of Lindqvist said that the {place} would close for repairs after inspectors "
    "found cracks in the concrete around the {place}."
)


def _documents(outlet: str | None, count: int) -> list[RawDocument]:
    return [
        RawDocument(
            source=f"{outlet}-{n}",
            id=f"{outlet}-{n}",
            outlet=outlet,
            title=f"Ferry news {n}",
            text=f"{STORY.format(place=PLACES[n])}\n\n{STORY.format(place=PLACES[-n - 1])}\n\n{TEMPLATE}",
        )
        for n in range(count)
    ]


def test_a_line_repeated_across_one_outlet_is_removed_with_spans_rebuilt() -> None:
    articles = clean_documents(_documents("lindqvist-post.example", 5), Settings())
    for article in articles:
        assert TEMPLATE not in article.text
        assert any(line.reason is Removal.REPEATED_IN_OUTLET and line.text == TEMPLATE for line in article.removed)
        assert article.sentences[-1][1] == len(article.text)


def test_too_few_articles_or_unknown_outlet_keep_the_line() -> None:
    settings = Settings()
    few = clean_documents(_documents("small.example", settings.outlet_repeat_min_articles - 1), settings)
    unknown = clean_documents(_documents(None, 4), settings)
    assert all(TEMPLATE in article.text for article in few + unknown)


def test_long_repeated_paragraphs_are_story_text() -> None:
    settings = Settings(outlet_repeat_max_chars=50)
    articles = clean_documents(_documents("lindqvist-post.example", 5), settings)
    assert all(TEMPLATE in article.text for article in articles)
