"""The comparison stage's acceptance checks on the five real seed articles (read from ../shared/seeds).

The expectations are the issue's: Putin's "ball is in their court" statement grouped across the
original, its spun copy and the independent report, with the translated report's variant linked;
Psaki's, Truss's and Ryabkov's quotes attributed to them; the 13,000 vs 14,000 death toll and the
Geneva vs "no determination" venue flagged. Quotes and facts are looked up by their words, never
by which seed file holds them.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from storytrace import Report, analyze, to_dict
from storytrace.model import QuoteGroup, StoryComparison
from storytrace.report import load_schema


@pytest.fixture(scope="module")
def report(seeds: Path, tmp_path_factory: pytest.TempPathFactory) -> Report:
    return analyze(seeds, db=tmp_path_factory.mktemp("db") / "seeds.db", workers=1, embedder="none")


@pytest.fixture(scope="module")
def comparisons(report: Report) -> dict[str, StoryComparison]:
    return {comparison.story: comparison for comparison in report.comparisons}


def _texts(report: Report) -> dict[str, str]:
    return {article.id: article.text for article in report.articles}


def _group_quoting(comparisons: dict[str, StoryComparison], words: str) -> QuoteGroup:
    found = [g for c in comparisons.values() for g in c.quotes if any(words in q.text for q in g.quotes)]
    assert len(found) == 1, f"{words!r} is in {len(found)} quote groups"
    return found[0]


def test_every_story_is_compared(report: Report, comparisons: dict[str, StoryComparison]) -> None:
    assert {story.id for story in report.stories} == set(comparisons)


def test_ball_in_their_court_grouped_across_outlets_with_the_translated_variant(
    report: Report, comparisons: dict[str, StoryComparison]
) -> None:
    group = _group_quoting(comparisons, "ball is in their court")
    assert group.speaker == "Vladimir Putin"
    holding = {q.article for q in group.quotes if "ball is in their court" in q.text.replace("The ball", "the ball")}
    assert len(holding) == 3  # the original, its spun copy, the independent report
    # The report translated from French words the second half differently ("So far we are seeing a
    # positive reaction"): it is linked to the same statement without sharing the famous phrase.
    translated = {q.article for q in group.quotes} - holding
    assert len(translated) == 1
    variant = next(q for q in group.quotes if q.article in translated)
    assert "positive reaction" in variant.text and variant.speaker == "Vladimir Putin"
    # A spun variant is shown with its own wording.
    assert any("gimmicks" in q.text for q in group.quotes) and any("tricks" in q.text for q in group.quotes)


@pytest.mark.parametrize(
    ("words", "speaker"),
    [
        ("There have been proposals put forward by the Russians", "Jen Psaki"),
        ("massive strategic mistake", "Liz Truss"),
        ("The only way out of the current situation", "Liz Truss"),
        ("lack of progress towards a political-diplomatic solution", "Sergei Ryabkov"),
        ("Do we put our missiles close to US borders?", "Vladimir Putin"),
    ],
)
def test_quotes_attributed_to_their_speakers(comparisons: dict[str, StoryComparison], words: str, speaker: str) -> None:
    group = _group_quoting(comparisons, words)
    assert group.speaker == speaker
    assert all(q.speaker == speaker for q in group.quotes if words in q.text)


def test_unnamed_sources_stay_unnamed(comparisons: dict[str, StoryComparison]) -> None:
    group = _group_quoting(comparisons, "Our concern is with actions, not just words")
    assert group.speaker is None  # "the US official": an unnamed source, not the last person named


def test_death_toll_disagreement_flagged(comparisons: dict[str, StoryComparison]) -> None:
    flagged = [f for c in comparisons.values() for f in c.facts if f.disagreement and f.kind == "number"]
    tolls = [f for f in flagged if {"13,000", "14,000"} <= {v.split()[-1] for v, _ in f.values}]
    assert len(tolls) == 1
    sides = {value.split()[-1]: {fact.article for fact in facts} for value, facts in tolls[0].values}
    assert sides["13,000"].isdisjoint(sides["14,000"])


def test_venue_disagreement_flagged(comparisons: dict[str, StoryComparison]) -> None:
    venue = [f for c in comparisons.values() for f in c.facts if f.about == "place of talks"]
    assert len(venue) == 1 and venue[0].disagreement
    values = dict(venue[0].values)
    assert set(values) == {"Geneva", "undetermined"}
    assert len({fact.article for fact in values["Geneva"]}) >= 3


def test_no_disagreement_between_a_copy_and_its_original(
    report: Report, comparisons: dict[str, StoryComparison]
) -> None:
    copy = report.copies[0]
    for comparison in comparisons.values():
        for fact in comparison.facts:
            if not fact.disagreement:
                continue
            sides = [{f.article for f in facts} for _, facts in fact.values]
            # Some side must hold an article outside the copy pair: the pair alone never disagrees.
            assert any(side - {copy.copy, copy.original} for side in sides)


def test_spans_point_at_the_cleaned_text(report: Report, comparisons: dict[str, StoryComparison]) -> None:
    texts = _texts(report)
    for comparison in comparisons.values():
        for group in comparison.quotes:
            for quote in group.quotes:
                assert texts[quote.article][quote.span[0] : quote.span[1]] == quote.text
        for fact in comparison.facts:
            for _, facts in fact.values:
                for item in facts:
                    assert texts[item.article][item.span[0] : item.span[1]] == item.text
        for sentence in comparison.summary:
            assert texts[sentence.article][sentence.span[0] : sentence.span[1]] == sentence.text
        for event in comparison.timeline:
            assert texts[event.article][event.span[0] : event.span[1]] == event.text
        for coverage in comparison.coverage:
            assert [texts[coverage.article][a:b] for a, b in coverage.adds] == list(coverage.added)


def test_summary_cites_every_article_carrying_each_sentence(
    report: Report, comparisons: dict[str, StoryComparison]
) -> None:
    story = max(report.stories, key=lambda s: len(s.articles))
    summary = comparisons[story.id].summary
    assert 1 <= len(summary) <= 7
    for sentence in summary:
        assert sentence.article in sentence.sources and set(sentence.sources) <= set(story.articles)
    # The statement every outlet reports is in the summary, citing all four articles.
    assert any(len(s.sources) == 4 for s in summary)


def test_timeline_is_dated_and_ordered(comparisons: dict[str, StoryComparison]) -> None:
    for comparison in comparisons.values():
        dates = [event.date for event in comparison.timeline]
        assert dates == sorted(dates)
    events = [e for c in comparisons.values() for e in c.timeline]
    assert any(e.date == "2021-12-23" for e in events)  # "on Thursday", resolved against the publication day
    assert any(e.date == "2014" and "Crimea" in e.text for e in events)


def test_coverage_counts_copies_as_one_outlet(report: Report, comparisons: dict[str, StoryComparison]) -> None:
    copy = report.copies[0]
    comparison = next(c for c in comparisons.values() if any(cov.article == copy.copy for cov in c.coverage))
    by_article = {coverage.article: coverage for coverage in comparison.coverage}
    # The spun copy and its original carry the same content: what they add, only they carry.
    assert by_article[copy.copy].adds and by_article[copy.original].adds
    assert all(len(c.adds) > 0 for c in comparison.coverage)


def test_report_validates_with_the_comparison(report: Report) -> None:
    document = to_dict(report)
    jsonschema.validate(document, load_schema())
    story = max(document["stories"], key=lambda s: len(s["articles"]))
    assert story["quotes"] and story["facts"] and story["summary"] and story["timeline"] and story["coverage"]
