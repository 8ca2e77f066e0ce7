"""A batch read and cleaned: every input read, each document cleaned (the executor's ``cleaning``
step), the corpus-level pass over the outlets' repeated lines, and one article per id.

``analyze`` and ``add`` both start here; what could not be read or cleaned becomes a
``Problem`` naming its source while the rest proceeds.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping

from storytrace.clean import clean_document, remove_outlet_repeats
from storytrace.errors import InputError, StorytraceError
from storytrace.executor import Executor, Step
from storytrace.ingest import InputItem, read_inputs
from storytrace.model import Article, Problem, ProblemKind, RawDocument
from storytrace.progress import ProgressSink
from storytrace.settings import Settings
from storytrace.store import text_hash


def _prepare(settings: Settings, raw: RawDocument) -> Article | Problem:
    """Clean one document (in a worker process); any failure becomes a problem naming it."""
    try:
        article = clean_document(raw, settings)
    except InputError as error:
        return Problem(error.source, error.reason)
    except StorytraceError as error:
        return Problem(raw.source, str(error))
    except Exception as error:  # noqa: BLE001 - hostile input may break any library; report, go on
        return Problem(raw.source, f"cannot extract or clean ({type(error).__name__}: {error})")
    return article


# Below 400 documents a process pool costs more to start than it saves.
CLEANING = Step("cleaning", _prepare, parallel_from=400, chunk=64)


def _clean(
    raws: list[RawDocument], settings: Settings, executor: Executor, progress: ProgressSink
) -> tuple[list[Article], list[Problem]]:
    """Per-document cleaning (the executor's ``cleaning`` step), then the corpus-level pass."""
    results = list(_advancing(executor.map(CLEANING, raws, settings), progress))
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


def read_batch(
    inputs: InputItem | Iterable[InputItem], settings: Settings, sink: ProgressSink, executor: Executor
) -> tuple[list[Article], list[Problem]]:
    """Read every input and clean the documents (the corpus-level pass included); an article id
    given twice keeps its first article (see ``_first_of_each_id``)."""
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
    articles, cleaning_problems = _clean(raws, settings, executor, sink)
    articles, repeats = _first_of_each_id(articles)
    return articles, problems + cleaning_problems + repeats


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
