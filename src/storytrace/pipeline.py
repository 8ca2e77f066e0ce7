"""The Python API: ``analyze`` runs the pipeline (ingest → clean → copies → store) over inputs."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from storytrace.clean import clean_document, remove_outlet_repeats
from storytrace.embed import Embedder, load_embedder
from storytrace.errors import StorytraceError
from storytrace.ingest import InputItem, read_inputs
from storytrace.model import Article, Copy, IngestResult, Problem, RawDocument, Report
from storytrace.progress import ProgressSink, SilentProgress
from storytrace.provenance import detect_copies
from storytrace.settings import DEFAULT_SETTINGS, Settings
from storytrace.store import Store

# Below this many documents a process pool costs more to start than it saves.
_PARALLEL_MIN_DOCUMENTS = 400
_PARALLEL_CHUNK = 64


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
    embedder: Embedder | str | None = None,
) -> Report:
    """Ingest, clean and store articles; return the report of this batch.

    ``inputs`` are paths (files or directories), ``-`` for JSONL on standard input, or dicts
    shaped like JSONL records. ``db`` is a SQLite path or a ``postgresql://`` URL. Inputs that
    cannot be read are listed in ``Report.problems`` while the rest proceeds.

    ``embedder`` (an :class:`~storytrace.embed.Embedder` or a spec for ``load_embedder``, such
    as ``"auto"``) adds translation detection; without one, copies are found lexically.
    """
    sink = progress or SilentProgress()
    model = load_embedder(embedder) if isinstance(embedder, str) else embedder
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
        unique = _unique(articles, results)
        copies = detect_copies(unique, settings, model, sink, worker_count)
        store.save_copies(copies, (article.id for article in unique))
    return _report(unique, copies, results, problems)


def _unique(articles: list[Article], results: list[IngestResult]) -> list[Article]:
    """The batch's articles, each once: duplicates of stored articles are mapped, not repeated."""
    seen: set[str] = set()
    unique: list[Article] = []
    for article, result in zip(articles, results, strict=True):
        if result.status == "duplicate" or article.id in seen:
            continue
        seen.add(article.id)
        unique.append(article)
    return unique


def _report(
    articles: list[Article], copies: list[Copy], results: list[IngestResult], problems: list[Problem]
) -> Report:
    duplicates = {r.article_id: r.duplicate_of for r in results if r.status == "duplicate" and r.duplicate_of}
    return Report(
        articles=tuple(articles),
        copies=tuple(copies),
        problems=tuple(problems),
        duplicates=duplicates,
        stored=dict(Counter(result.status for result in results)),
    )
