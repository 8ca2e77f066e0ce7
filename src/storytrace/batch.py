"""A batch read and cleaned: every input read, each document cleaned, the corpus-level pass
over the outlets' repeated lines, and one article per id.

Two ways to the same articles, chosen by the number of files: with at least
``FILES_PER_WORKER`` files per worker of the executor, each worker reads whole files and cleans
their documents (the ``reading and cleaning`` step: raw pages never travel between processes or
machines); with fewer (one large WARC or JSONL), this process reads the documents as the
``cleaning`` step takes them, a window at a time, so a few thousand raw pages at most are held
whatever the input's size. Standard input and record dicts are always read here. File system
URLs (``hdfs://``, ``s3a://``) are listed and read by an executor with file systems of its own
(Spark's), its workers reading and cleaning each file; without one, a ``file://`` URL is read as
its local path and any other URL is a problem saying which engine reads it. URLs are read after
the local paths.

``analyze`` and ``add`` both start here; what could not be read or cleaned becomes a
``Problem`` naming its source, in input order, while the rest proceeds.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from functools import partial
from pathlib import Path

from storytrace.clean import clean_document, remove_outlet_repeats
from storytrace.errors import InputError, StorytraceError
from storytrace.executor import Executor, FetchedFile, FileReadingExecutor, ListedFile, Step
from storytrace.ingest import (
    InputItem,
    JsonlPart,
    LineTally,
    closing_problems,
    discover,
    file_parts,
    printable,
    read_file,
    read_inputs,
    read_part,
    split_inputs,
)
from storytrace.ingest.urls import is_url, local_path, read_fetched
from storytrace.model import Article, Problem, ProblemKind, RawDocument
from storytrace.progress import ProgressSink
from storytrace.settings import Settings
from storytrace.store import text_hash

Cleaned = Article | Problem


def _prepare(settings: Settings, raw: RawDocument | Problem) -> Cleaned:
    """Clean one document (in a worker process); any failure becomes a problem naming it. A
    problem met while reading passes through in its place."""
    if isinstance(raw, Problem):
        return raw
    try:
        article = clean_document(raw, settings)
    except InputError as error:
        return Problem(error.source, error.reason)
    except StorytraceError as error:
        return Problem(raw.source, str(error))
    except Exception as error:  # noqa: BLE001 - hostile input may break any library; report, go on
        return Problem(raw.source, f"cannot extract or clean ({type(error).__name__}: {error})")
    return article


def _read_and_clean(settings: Settings, item: Path | JsonlPart | FetchedFile) -> tuple[list[Cleaned], LineTally | None]:
    """One file (local, or fetched by the engine from a URL; or a stretch of a large JSONL file,
    with what it saw of the file's lines) read and each of its documents cleaned, in a worker, in
    the file's order."""
    found: Iterable[RawDocument | Problem]
    tally: LineTally | None = None
    if isinstance(item, JsonlPart):
        found, tally = read_part(item, settings)
    elif isinstance(item, FetchedFile):
        found = read_fetched(item, settings)
    else:
        found = read_file(item, settings)
    return [result if isinstance(result, Problem) else _prepare(settings, result) for result in found], tally


# Below 400 documents a process pool costs more to start than it saves. Two windows of documents
# are in flight, and one more is being read: 1,500 news pages of 100-200 kB of HTML (174 kB on
# average in the extraction benchmark's real pages) held as text are about 600 MB
# (docs/benchmark-reading.md). A page takes tens of milliseconds to clean, so tasks of 16 pages
# keep the sending cheap and a window's 32 tasks keep up to 16 processes busy.
CLEANING = Step("cleaning", _prepare, parallel_from=400, chunk=16, window=500)
# A file's documents are one result, so few files are in flight at a time (two windows of 32).
READING = Step("reading and cleaning", _read_and_clean, parallel_from=2, chunk=1, window=32)
# Files read by the workers themselves from this many files (or parts) per worker on: fewer
# would leave workers idle while one of them reads a large file alone.
FILES_PER_WORKER = 4
# An uncompressed JSONL file is read by the workers in stretches of whole lines (a gzipped file or
# a WARC cannot be entered in the middle and is read whole): as many as give FILES_PER_WORKER per
# worker, of at most PART_BYTES and at least MIN_PART_BYTES (a smaller file is read whole). With
# 64 MB parts alone, a 256 MB file on 2 cores made 4 parts, too few for the workers to read: the
# driver read 100,000 articles and Spark cleaned them in 200 jobs (docs/spark.md).
PART_BYTES = 64 << 20
MIN_PART_BYTES = 8 << 20


def read_batch(
    inputs: InputItem | Iterable[InputItem], settings: Settings, sink: ProgressSink, executor: Executor
) -> tuple[list[Article], list[Problem]]:
    """Read every input and clean the documents (the corpus-level pass included); an article id
    given twice keeps its first article (see ``_first_of_each_id``)."""
    direct, named = split_inputs(_as_inputs(inputs))
    paths, urls, results = _by_reader(named, executor)
    if direct:
        sink.stage("reading and cleaning", None)
        results.extend(_advancing(executor.map(CLEANING, read_inputs(direct, settings), settings), sink))
    entries = list(discover(paths))
    # Each entry with its parts (a large JSONL file's; None: read whole), in the given order.
    part_bytes = partial(_part_bytes, parallelism=executor.parallelism)
    plan = [(entry, file_parts(entry, part_bytes) if isinstance(entry, Path) else None) for entry in entries]
    items: list[Path | JsonlPart] = []
    for entry, split in plan:
        if isinstance(entry, Path):
            items.extend(split or [entry])
    if len(items) >= FILES_PER_WORKER * executor.parallelism:
        sink.stage("reading and cleaning", len(items))
        results.extend(_files_on_workers(plan, executor.map(READING, items, settings), sink))
    elif entries:
        sink.stage("reading and cleaning", None)
        results.extend(_advancing(executor.map(CLEANING, _read_here(entries, settings), settings), sink))
    if urls and isinstance(executor, FileReadingExecutor):
        results.extend(_fetched_on_workers(urls, settings, executor, sink))
    problems = [result for result in results if isinstance(result, Problem)]
    articles = remove_outlet_repeats([result for result in results if isinstance(result, Article)], settings)
    problems.extend(
        Problem(a.source, "no article text left after removing boilerplate") for a in articles if not a.text
    )
    articles, repeats = _first_of_each_id([article for article in articles if article.text])
    return articles, problems + repeats


def _part_bytes(size: int, parallelism: int) -> int:
    """The stretch a worker reads of a JSONL file of ``size`` bytes: enough of them for
    ``FILES_PER_WORKER`` per worker, within ``MIN_PART_BYTES`` and ``PART_BYTES``."""
    return max(MIN_PART_BYTES, min(PART_BYTES, size // (FILES_PER_WORKER * parallelism)))


def _as_inputs(inputs: InputItem | Iterable[InputItem]) -> list[InputItem]:
    if isinstance(inputs, (str, os.PathLike, Mapping)):
        return [inputs]
    return list(inputs)


def _by_reader(
    named: list[str | os.PathLike[str]], executor: Executor
) -> tuple[list[str | os.PathLike[str]], list[str], list[Cleaned]]:
    """The named inputs as local paths and URLs the executor reads, and a problem for each URL
    nobody here can read (a ``file://`` URL is a local path to an executor without file systems)."""
    paths: list[str | os.PathLike[str]] = []
    urls: list[str] = []
    problems: list[Cleaned] = []
    reads_urls = isinstance(executor, FileReadingExecutor)
    for item in named:
        if not (isinstance(item, str) and is_url(item)):
            paths.append(item)
        elif reads_urls:
            urls.append(item)
        elif (path := local_path(item)) is not None:
            paths.append(path)
        else:
            reason = "a file system URL is read by the Spark engine only (--engine spark, with Hadoop's file systems)"
            problems.append(printable(Problem(item, reason)))
    return paths, urls, problems


def _fetched_on_workers(
    urls: list[str], settings: Settings, executor: FileReadingExecutor, sink: ProgressSink
) -> Iterator[Cleaned]:
    """The files under each URL listed by the executor, then each read and cleaned by one of its
    workers (``READING``), in order; what the listing found wrong kept in place."""
    listed = list(executor.list_files(urls))
    files = [entry for entry in listed if isinstance(entry, ListedFile)]
    sink.stage("reading and cleaning", len(files))
    per_file = executor.map_files(READING, files, settings)
    yield from _files_on_workers([(entry, None) for entry in listed], per_file, sink)


def _files_on_workers(
    plan: Iterable[tuple[Path | ListedFile | Problem, list[JsonlPart] | None]],
    per_item: Iterator[tuple[list[Cleaned], LineTally | None]],
    sink: ProgressSink,
) -> Iterator[Cleaned]:
    """The ``READING`` results of each file (or part) the workers read, in the plan's order; what
    ``discover`` or the listing found wrong kept in place, and a split file's closing problems
    after its last part."""
    for entry, split in plan:
        if isinstance(entry, Problem):
            yield printable(entry)
            continue
        whole = LineTally()
        for _ in range(len(split or ()) or 1):
            results, tally = next(per_item)
            yield from results
            if tally is not None:
                whole.add(tally)
            sink.advance()
        if split:
            yield from map(printable, closing_problems(str(entry), whole))
    next(per_item, None)  # runs the step to its end: the pool closes and its time is counted


def _read_here(entries: list[Path | Problem], settings: Settings) -> Iterator[RawDocument | Problem]:
    for entry in entries:
        if isinstance(entry, Problem):
            yield printable(entry)
        else:
            yield from read_file(entry, settings)


def _advancing(results: Iterable[Cleaned], sink: ProgressSink) -> Iterator[Cleaned]:
    for result in results:
        sink.advance()
        yield result


def _first_of_each_id(articles: list[Article]) -> tuple[list[Article], list[Problem]]:
    """The batch with each article id once. A repeat with the same text is reported as a warning;
    one with another text as an error, since it is not stored (the first is: reruns then agree)."""
    first: dict[str, Article] = {}
    problems: list[Problem] = []
    for article in articles:
        earlier = first.setdefault(article.id, article)
        if earlier is article:
            continue
        if text_hash(earlier.text, earlier.outlet) == text_hash(article.text, article.outlet):
            problems.append(
                Problem(article.source, f"repeats article {article.id} of {earlier.source}", ProblemKind.WARNING)
            )
        else:
            problems.append(
                Problem(
                    article.source, f"id {article.id} was already given to another text by {earlier.source}; not stored"
                )
            )
    return list(first.values()), problems
