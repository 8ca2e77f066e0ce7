"""Story grouping in blocks of days (``Settings.story_block_days``) beside the sequential index, at scale.

What it measures
    One generated corpus of real text (``benchmarks/copy_corpus.py``'s ``build_scale_corpus``:
    the labelled ECB+-based corpus with its copies among background articles dated over twelve
    years, 15 % undated), read and cleaned once, its copies found once
    (``detect_copies``, no embedder). Then, for each grouping, a fresh SQLite store gets the
    articles and copies and a ``Tracker`` groups them (``Tracker.assign``, what ``analyze``
    runs), on ``LocalExecutor(2)``, timed:

    * ``sequential`` (the baseline, ``story_block_days = 0``): one index, article by article;
    * ``blocks of N days`` (``--days``, default 7): the dated articles in blocks, each block
      grouped in a worker process (the ``story blocks`` step), joined in time order, then the
      undated ones one by one.

    Reported: seconds of ``assign``, the ``story blocks`` step's seconds, stories made, BCubed
    F1 against the corpus' event labels (the labelled articles only: each real ECB+ article and
    its copies carry their event), and the BCubed agreement of the block grouping with the
    sequential one over every article (1.0: the same partition).

Command (from the repository root; about 5 minutes on 2 cores at the default size)::

    .venv/bin/python benchmarks/stories_blocks.py --articles 20000 --json docs/stories-blocks-benchmark.json
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

from copy_corpus import build_scale_corpus, write_corpus  # beside this script
from real_stories_scoring import bcubed  # beside this script

from storytrace.batch import read_batch
from storytrace.executor import LocalExecutor
from storytrace.model import Article, Copy
from storytrace.progress import SilentProgress
from storytrace.provenance import detect_copies
from storytrace.settings import Settings
from storytrace.store import Store
from storytrace.tracker import Tracker

WORKERS = 2


def group(articles: list[Article], copies: list[Copy], settings: Settings, db: Path) -> dict[str, Any]:
    """The articles and copies stored, grouped by a tracker on 2 processes: partition and times."""
    with Store(db, settings) as store:
        store.save_articles(articles)
        store.save_copies(copies, [article.id for article in articles])
        executor = LocalExecutor(WORKERS)
        with Tracker(store, settings) as tracker:
            started = time.perf_counter()
            tracker.assign(articles, executor=executor)
            seconds = time.perf_counter() - started
            story_of = dict(tracker.index.story_of)
    steps = {step.name: step.seconds for step in executor.statistics()}
    return {"seconds": round(seconds, 2), "steps": steps, "story_of": story_of, "stories": len(set(story_of.values()))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    corpus = build_scale_corpus(options.articles, options.seed)
    settings = Settings()
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as folder:
        write_corpus(corpus, Path(folder, "corpus"))
        inputs = [str(Path(folder, "corpus", "documents.jsonl"))]
        articles, _ = read_batch(inputs, settings, SilentProgress(), LocalExecutor(WORKERS))
        copies = detect_copies(articles, settings, None, SilentProgress(), LocalExecutor(WORKERS))
        print(f"{len(articles)} articles, {len(copies)} copies, {sum(a.published is None for a in articles)} undated")
        for name, days in (("sequential", 0), (f"blocks of {options.days} days", options.days)):
            runs[name] = group(articles, copies, Settings(story_block_days=days), Path(folder, f"{days}.db"))
    labelled = [article.id for article in articles if article.id in corpus.event]
    gold = [corpus.event[i] for i in labelled]
    reference = runs["sequential"]["story_of"]
    rows = []
    for name, run in runs.items():
        precision, recall, f1 = bcubed(gold, [run["story_of"][i] for i in labelled])
        ids = sorted(reference)
        agreement = bcubed([reference[i] for i in ids], [run["story_of"][i] for i in ids])[2]
        rows.append({"grouping": name, "seconds": run["seconds"], "story_blocks_s": run["steps"].get("story blocks"),
                     "stories": run["stories"], "labelled": len(labelled), "bcubed_p": round(precision, 3),
                     "bcubed_r": round(recall, 3), "bcubed_f1": round(f1, 3),
                     "agreement_with_sequential": round(agreement, 3)})  # fmt: skip
    print(f"\n{'grouping':<20} {'seconds':>8} {'blocks s':>8} {'stories':>8} {'P':>6} {'R':>6} {'F1':>6} {'agree':>6}")
    for row in rows:
        blocks = "-" if row["story_blocks_s"] is None else f"{row['story_blocks_s']:.1f}"
        scores = f"{row['bcubed_p']:>6.3f} {row['bcubed_r']:>6.3f} {row['bcubed_f1']:>6.3f}"
        print(f"{row['grouping']:<20} {row['seconds']:>8.1f} {blocks:>8} {row['stories']:>8} {scores}"
              f" {row['agreement_with_sequential']:>6.3f}")  # fmt: skip
    if options.json:
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        meta = {"articles": len(articles), "copies": len(copies), "workers": WORKERS, "days": options.days,
                "python": platform.python_version(), "when": when}  # fmt: skip
        options.json.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
