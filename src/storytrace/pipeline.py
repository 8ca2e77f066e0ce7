"""The Python API: ``analyze`` runs the pipeline (ingest → clean → store) over inputs."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Protocol

from storytrace.clean import clean_document, remove_outlet_repeats
from storytrace.errors import StorytraceError
from storytrace.ingest import InputItem, read_inputs
from storytrace.model import Article, IngestResult, Problem, RawDocument, Report
from storytrace.settings import DEFAULT_SETTINGS, Settings
from storytrace.store import Store

# Below this many documents a process pool costs more to start than it saves.
_PARALLEL_MIN_DOCUMENTS = 400
_PARALLEL_CHUNK = 64


class ProgressSink(Protocol):
    """Receives progress: a new stage with its total (``None`` if unknown), then advances."""

    def stage(self, name: str, total: int | None) -> None: ...

    def advance(self, count: int = 1) -> None: ...


class _Silent:
    def stage(self, name: str, total: int | None) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass


def _prepare(raw: RawDocument, settings: Settings) -> Article | Problem:
    """Clean one document (in a worker process); any failure becomes a problem naming it."""
    try:
        article = clean_document(raw, settings)
    except StorytraceError as error:
        return Problem(raw.source, str(error))
    except Exception as error:  # noqa: BLE001 - hostile input may break any library; report, go on
        return Problem(raw.source, f"cannot extract or clean ({type(error).__name__}: {error})")
    return article


def _clean(
    raws: list[RawDocument], settings: Settings, workers: int, progress: ProgressSink
) -> tuple[list[Article], list[Problem]]:
    """Per-document cleaning (in worker processes for large batches), then the corpus-level pass."""
    if workers > 1 and len(raws) >= _PARALLEL_MIN_DOCUMENTS:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(
                _advancing(pool.map(_prepare, raws, [settings] * len(raws), chunksize=_PARALLEL_CHUNK), progress)
            )
    else:
        results = list(_advancing((_prepare(raw, settings) for raw in raws), progress))
    problems = [result for result in results if isinstance(result, Problem)]
    articles = remove_outlet_repeats([result for result in results if isinstance(result, Article)], settings)
    problems.extend(
        Problem(a.source, "no article text left after removing boilerplate") for a in articles if not a.text
    )
    return [article for article in articles if article.text], problems


def _advancing(results: Iterable[Article | Problem], progress: ProgressSink) -> Iterator[Article | Problem]:
    for result in results:
        progress.advance()
        yield result


def _as_inputs(inputs: InputItem | Iterable[InputItem]) -> list[InputItem]:
    if isinstance(inputs, (str, os.PathLike, Mapping)):
        return [inputs]
    return list(inputs)


def analyze(
    inputs: InputItem | Iterable[InputItem],
    db: str | Path = "storytrace.db",
    settings: Settings = DEFAULT_SETTINGS,
    progress: ProgressSink | None = None,
    workers: int | None = None,
) -> Report:
    """Ingest, clean and store articles; return the report of this batch.

    ``inputs`` are paths (files or directories), ``-`` for JSONL on standard input, or dicts
    shaped like JSONL records. ``db`` is a SQLite path or a ``postgresql://`` URL. Inputs that
    cannot be read are listed in ``Report.problems`` while the rest proceeds.
    """
    sink = progress or _Silent()
    worker_count = workers if workers is not None else (os.cpu_count() or 1)
    problems: list[Problem] = []
    raws: list[RawDocument] = []
    sink.stage("reading", None)
    for item in read_inputs(_as_inputs(inputs), settings):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            raws.append(item)
            sink.advance()

    sink.stage("cleaning", len(raws))
    articles, cleaning_problems = _clean(raws, settings, worker_count, sink)
    problems.extend(cleaning_problems)

    sink.stage("storing", len(articles))
    results: list[IngestResult] = []
    with Store(db, settings) as store:
        for start in range(0, len(articles), settings.store_batch_size):
            batch = articles[start : start + settings.store_batch_size]
            results.extend(store.save_articles(batch))
            sink.advance(len(batch))
    return _report(articles, results, problems)


def _report(articles: list[Article], results: list[IngestResult], problems: list[Problem]) -> Report:
    """The batch's articles, each once: duplicates of stored articles are mapped, not repeated."""
    duplicates = {r.article_id: r.duplicate_of for r in results if r.status == "duplicate" and r.duplicate_of}
    seen: set[str] = set()
    unique: list[Article] = []
    for article, result in zip(articles, results, strict=True):
        if result.status == "duplicate" or article.id in seen:
            continue
        seen.add(article.id)
        unique.append(article)
    return Report(
        articles=tuple(unique),
        problems=tuple(problems),
        duplicates=duplicates,
        stored=dict(Counter(result.status for result in results)),
    )
