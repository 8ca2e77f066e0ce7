"""Comparing stored stories: per-article parses cached in the store (SQLite and PostgreSQL) and reused."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

import storytrace
from storytrace import Settings, Store
from storytrace.errors import InputError, StoreError
from storytrace.model import Article
from storytrace.summarize import ParsedArticle, compare_coverage, parse_articles
from storytrace.summarize import parsing as parsing_module
from storytrace.summarize.parsing import parsed_from_record, parsed_record
from tests.conftest import EXAMPLES

SETTINGS = Settings()


def _save(store: Store, parsed: list[ParsedArticle]) -> None:
    """Cache parsed as the pipeline does: plain records by article id."""
    store.save_parsed({a.article.id: parsed_record(a) for a in parsed})


def _load(store: Store, wanted: list[Article], reference: date | None) -> dict[str, ParsedArticle]:
    """The still valid stored parsed of ``wanted``, as the pipeline reads them."""
    records = store.load_parsed(a.id for a in wanted)
    return {
        a.id: found for a in wanted if a.id in records and (found := parsed_from_record(a, records[a.id], reference))
    }


def test_analyses_round_trip_and_go_stale(db: str) -> None:
    report = storytrace.analyze(EXAMPLES / "text", db=db, workers=1, embedder="none", compare=False)
    articles = list(report.articles)
    day = date(2025, 10, 14)
    made = parse_articles(articles, {a.id: day for a in articles}, SETTINGS)
    with Store(db, SETTINGS) as store:
        _save(store, made)
        _save(store, made)  # saving again replaces, never duplicates
        loaded = _load(store, articles, day)
        assert {a.article.id: a for a in made} == loaded
        # Another text or another date reference makes a stored parse stale.
        edited = replace(articles[0], text=articles[0].text + " One more sentence.")
        assert _load(store, [edited], day) == {}
        assert _load(store, [articles[0]], date(2025, 10, 15)) == {}


def test_compare_api_caches_and_reuses_analyses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "c.db"
    storytrace.analyze(EXAMPLES, db=db, workers=1, embedder="none", compare=False)
    with Store(db, SETTINGS) as store:
        biggest = max(store.load_stories(), key=lambda story: len(story.articles))
    story, first = storytrace.compare_story(biggest.id, db=db, embedder="none")
    assert story.id == biggest.id and first.quotes and first.summary

    def no_parsing(*args: object, **kwargs: object) -> list[object]:
        if args and args[0]:
            raise AssertionError("a cached article was parsed again")
        return []

    monkeypatch.setattr("storytrace.comparisons.iter_parsed", no_parsing)
    monkeypatch.setattr("storytrace.summarize.parse_articles", no_parsing)
    _, again = storytrace.compare_story(biggest.id, db=db, embedder="none")
    assert again == first


def test_compare_from_cache_equals_a_fresh_comparison(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    report = storytrace.analyze(EXAMPLES, db=db, workers=1, embedder="none")
    by_id = {a.id: a for a in report.articles}
    for comparison in report.comparisons:
        story = next(s for s in report.stories if s.id == comparison.story)
        members = [by_id[i] for i in story.articles]
        fresh = compare_coverage(story.id, members, [c for c in report.copies if c.copy in story.articles], SETTINGS)
        assert fresh == comparison


def test_compare_names_an_unknown_story(tmp_path: Path) -> None:
    Store(tmp_path / "e.db", SETTINGS).close()  # an empty database
    with pytest.raises(InputError, match="no such story"):
        storytrace.compare_story("st-missing", db=tmp_path / "e.db")


def test_compare_does_not_create_a_missing_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database at"):
        storytrace.compare_story("st-missing", db=tmp_path / "typo.db")
    assert not (tmp_path / "typo.db").exists()


def test_analysis_version_is_part_of_the_cache_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    articles = list(
        storytrace.analyze(EXAMPLES / "text", db=tmp_path / "v.db", embedder="none", compare=False).articles
    )
    made = parse_articles(articles[:1], {}, SETTINGS)
    with Store(tmp_path / "v.db", SETTINGS) as store:
        _save(store, made)
        monkeypatch.setattr(parsing_module, "PARSE_VERSION", parsing_module.PARSE_VERSION + 1)
        assert _load(store, [articles[0]], None) == {}
