"""``storytrace export``: everything a database holds as flat tables (CSV, JSONL or Parquet) for
people who continue in pandas, R, Spark or a spreadsheet; ``analyze --out`` writes a batch's.

Tables (columns in ``storytrace.report.tables.TABLES``): ``articles`` (with their story),
``copies``, ``copy_families`` (one row per member), ``stories``, ``storylines``, and, when the
stories are compared (their analyses are cached by ``analyze``), ``quotes`` and ``facts``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from storytrace.comparisons import compare_stories, comparing_embedder
from storytrace.embed import Embedder
from storytrace.executor import LocalExecutor
from storytrace.model import Report
from storytrace.progress import ProgressSink, SilentProgress
from storytrace.provenance.families import copy_families
from storytrace.report.tables import (
    Row,
    article_rows,
    copy_rows,
    fact_rows,
    family_rows,
    problem_rows,
    quote_rows,
    story_rows,
    storyline_rows,
    write_tables,
)
from storytrace.settings import DEFAULT_SETTINGS, Settings
from storytrace.store import Store
from storytrace.tracker import Tracker

__all__ = ["export", "report_tables", "stored_report"]


def stored_report(
    db: str | Path,
    settings: Settings = DEFAULT_SETTINGS,
    compare: bool = True,
    embedder: Embedder | str | None = "auto",
    progress: ProgressSink | None = None,
) -> Report:
    """The whole database as one report: every article, copy, story and storyline, and with
    ``compare`` every story's comparison (cached analyses are reused; the rest are parsed in this
    process and cached). The embedder loads only when a story spans languages."""
    sink = progress or SilentProgress()
    with Store(db, settings, must_exist=True) as store:
        articles = store.load_articles()
        copies = store.load_copies()
        stories, storylines = Tracker(store, settings).stories_of(article.id for article in articles)
        comparisons = []
        if compare and stories:
            by_id = {article.id: article for article in articles}
            model = comparing_embedder(embedder, ([by_id[i] for i in story.articles] for story in stories))
            comparisons = compare_stories(store, stories, articles, settings, model, sink, LocalExecutor())
    return Report(
        articles=tuple(articles),
        copies=tuple(copies),
        stories=tuple(stories),
        storylines=tuple(storylines),
        comparisons=tuple(comparisons),
    )


def report_tables(report: Report, problems: bool = False) -> dict[str, Iterator[Row]]:
    """A report's tables by name: quotes and facts when it holds comparisons, problems when asked."""
    tables: dict[str, Iterator[Row]] = {
        "articles": article_rows(report.articles, report.stories),
        "copies": copy_rows(report.copies),
        "copy_families": family_rows(copy_families(report.copies)),
        "stories": story_rows(report.stories, report.storylines),
        "storylines": storyline_rows(report.storylines),
    }
    if report.comparisons:
        tables["quotes"] = quote_rows(report.comparisons)
        tables["facts"] = fact_rows(report.comparisons)
    if problems:
        tables["problems"] = problem_rows(report.problems)
    return tables


def export(
    db: str | Path,
    out_dir: str | Path,
    fmt: str = "csv",
    settings: Settings = DEFAULT_SETTINGS,
    compare: bool = True,
    embedder: Embedder | str | None = "auto",
    progress: ProgressSink | None = None,
) -> dict[str, tuple[Path, int]]:
    """Write the database's tables under ``out_dir`` as ``fmt`` (csv, jsonl, parquet); returns
    each table's file and row count."""
    report = stored_report(db, settings, compare, embedder, progress)
    return write_counted(report_tables(report), out_dir, fmt)


def write_counted(tables: Mapping[str, Iterable[Row]], out_dir: str | Path, fmt: str) -> dict[str, tuple[Path, int]]:
    """``write_tables`` that also counts each table's rows as they are written."""
    counts = dict.fromkeys(tables, 0)

    def counted(name: str, rows: Iterable[Row]) -> Iterator[Row]:
        for row in rows:
            counts[name] += 1
            yield row

    written = write_tables({name: counted(name, rows) for name, rows in tables.items()}, out_dir, fmt)
    return {name: (path, counts[name]) for name, path in written.items()}
