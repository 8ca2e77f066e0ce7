"""Story grouping on the real labelled sets: gold stories, storytrace's run, BCubed, the reference scorer, dating.

Shared by ``benchmarks/stories.py`` and ``tests/test_quality_stories_real.py``; needs no scikit-learn.
The runner and the set loaders are those of ``benchmarks/copies_real.py`` and
``benchmarks/real_copies_scoring.py`` (imported, not repeated):

* ``pages-dev`` gold, as its README scores stories: each labelled story, each distractor event its
  own story, each single distractor its own (``real_copies_scoring.pages_dev_events``);
* ``meantime`` gold: the four versions of one article (one ``doc_key``) are one story;
* ``ecbplus`` gold: ECB+'s event (``cluster``), given by the caller.

Predicted stories are ``Report.stories``; an input the report names as a duplicate goes with the
article it duplicates, and an input in no story (one refused for having no text) is a story of
its own, so that every labelled item is scored.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from contextlib import suppress
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

from copies_real import REFERENCE_SCORER, dataset_inputs, run_storytrace  # beside this script
from real_copies_scoring import MEANTIME, PAGES_DEV, SHARED, load_meantime, load_pages_dev_labels, pages_dev_events

from storytrace.model import Article, Report
from storytrace.settings import DEFAULT_SETTINGS, Settings

ECBPLUS = SHARED / "data" / "ecbplus" / "ecbplus_docs.jsonl"
SEEDS = SHARED / "seeds"
PAGES_DEV_FILES = (PAGES_DEV / "articles.jsonl", PAGES_DEV / "labels.json")
MEANTIME_FILES = (MEANTIME / "documents.jsonl",)
NEEDED = (*PAGES_DEV_FILES, *MEANTIME_FILES)


def require_data(paths: Sequence[Path] = NEEDED) -> None:
    """Stop with a clear message when the shared data are not beside the repository."""
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(
                f"{path} not found: the shared/ folder with the labelled data must sit beside the repository"
            )


def gold_stories(dataset: str) -> dict[str, str]:
    """Item id -> gold story, in the set's order (pages-dev and MEANTIME)."""
    if dataset == "pages-dev":
        return pages_dev_events(load_pages_dev_labels())
    if dataset == "meantime":
        documents, _ = load_meantime()
        return {document["id"]: document["doc_key"] for document in documents}
    raise ValueError(f"no gold stories here for {dataset!r}")


def bcubed(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> tuple[float, float, float]:
    """BCubed precision, recall and F1 (Bagga & Baldwin 1998).

    Per item, precision is the share of its predicted cluster that shares its gold class and
    recall the share of its gold class that shares its predicted cluster; both are averaged
    over all items, and F1 is the harmonic mean of the two averages. Unlike pair counts, every
    item weighs the same whatever the size of its cluster.
    """
    cells = Counter(zip(predicted, gold, strict=True))
    predicted_sizes, gold_sizes = Counter(predicted), Counter(gold)
    # The ``count`` items of a cell share its overlap, ``count``: their terms sum to count² / size.
    precision = sum(count * count / predicted_sizes[p] for (p, _), count in cells.items()) / len(gold)
    recall = sum(count * count / gold_sizes[g] for (_, g), count in cells.items()) / len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def predicted_labels(
    clusters: Sequence[Sequence[str]], ids: Sequence[str], duplicates: Mapping[str, str] | None = None
) -> list[str]:
    """A predicted story per item id: its cluster's, its duplicated article's, else its own."""
    story_of: dict[str, str] = {}
    for number, members in enumerate(clusters):
        for member in members:
            story_of.setdefault(str(member), f"c{number}")
    for duplicate, original in (duplicates or {}).items():
        if original in story_of:
            story_of.setdefault(duplicate, story_of[original])
    return [story_of.get(item, "single:" + item) for item in ids]


def score(gold: Mapping[str, str], labels: Sequence[str]) -> dict[str, float | int]:
    """BCubed P/R/F1 of one prediction (one label per gold item, in ``gold``'s order)."""
    precision, recall, f1 = bcubed(list(gold.values()), labels)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "stories": len(set(labels)),
        "gold_stories": len(set(gold.values())),
        "items": len(labels),
    }


def report_scores(report: Report, gold: Mapping[str, str]) -> dict[str, float | int]:
    """storytrace's stories (``Report.stories``) scored against ``gold``."""
    clusters = [story.articles for story in report.stories]
    return score(gold, predicted_labels(clusters, list(gold), report.duplicates))


def storytrace_scores(dataset: str, workdir: Path, settings: Settings = DEFAULT_SETTINGS) -> dict[str, Any]:
    """storytrace as a user runs it on pages-dev or MEANTIME, scored (what the quality gate asserts on)."""
    report, seconds = run_storytrace(dataset_inputs(dataset), workdir / f"{dataset}-stories.db", settings)
    return {**report_scores(report, gold_stories(dataset)), "seconds": seconds}


def bcubed_line(scores: Mapping[str, Any]) -> str:
    """Our figures as the reference scorer prints them."""
    return f"stories BCubed F1 {scores['f1']:.3f} (P {scores['precision']:.2f} R {scores['recall']:.2f})"


def reference_bcubed(report: Report, workdir: Path) -> str | None:
    """The stories part of ``../shared/tools/score-pages-dev`` on the report as ``analyze --json`` writes it."""
    if not REFERENCE_SCORER.is_file():
        return None
    from storytrace.report.document import write_json

    path = workdir / "reference-stories-report.json"
    write_json(report, path)
    result = subprocess.run([sys.executable, str(REFERENCE_SCORER), str(path)], capture_output=True, text=True)
    found = re.search(r"stories BCubed F1 [0-9.]+ \(P [0-9.]+ R [0-9.]+\)", result.stdout)
    return found.group(0) if found else (result.stdout + result.stderr).strip()


# --- dating ------------------------------------------------------------------------------------


def dating_available() -> bool:
    """Whether articles say where their date came from (``Article.date_source``)."""
    return "date_source" in {field.name for field in fields(Article)}


def dating(articles: Sequence[Article], dataset: str) -> dict[str, Any]:
    """Share of articles dated, by ``date_source``; on pages-dev, story pages dated within a day of the label."""
    dated = [article for article in articles if article.published]
    result: dict[str, Any] = {
        "articles": len(articles),
        "dated": len(dated),
        "sources": dict(Counter(str(getattr(article, "date_source", None)) for article in dated)),
    }
    if dataset == "pages-dev":
        published = {article.id: article.published for article in articles}
        within = total = 0
        for entry in load_pages_dev_labels()["stories"].values():
            story_day = date.fromisoformat(entry["date"][:10])
            for page in entry["articles"]:
                total += 1
                stated = published.get(page)
                with suppress(ValueError):  # a partial date (YYYY-MM) is not within a day
                    within += bool(stated) and abs((date.fromisoformat(str(stated)[:10]) - story_day).days) <= 1
        result.update(story_pages=total, story_pages_within_a_day=within)
    return result
