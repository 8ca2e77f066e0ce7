"""How often the story index's state is written while a batch is grouped, and what it costs.

What it runs
    One corpus from ``benchmarks/copy_corpus.py`` (``build_scale_corpus(N, seed)``: the labelled
    real articles and their copies among background articles of the same real text), written
    once to a JSONL file, then ``storytrace.analyze(..., compare=False, embedder=None,
    workers=1)`` into a fresh SQLite database once per ``story_save_articles`` value, each run
    in a forked process of its own (``measure.measured``). The named baseline is 200, the
    interval the index was written at before the setting existed (``store_batch_size``'s
    default); the others are the values given.

What it reports
    Per run: the ``analyze`` seconds, the wall seconds of the ``grouping stories`` stage (the
    story features, the index and its writes), and whether the stories and storylines equal
    the baseline's exactly (they must: the interval changes when the state is written, not
    what it is).

Command (from the repository root; needs the bench extra, ``scripts/bench-setup.sh``)::

    .venv/bin/python benchmarks/grouping_writes.py                          # 20,000 articles, about 3 minutes
    .venv/bin/python benchmarks/grouping_writes.py --articles 40000 --every 200,2000
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

from copy_corpus import build_scale_corpus, write_corpus  # beside this script
from measure import measured  # beside this script
from spark_scale import StageClock  # beside this script

from storytrace import Settings, analyze, to_dict

BASELINE_EVERY = 200


def run(every: int, documents: Path, folder: Path) -> dict[str, Any]:
    """In the forked process: one ``analyze`` writing the index every ``every`` articles."""
    clock = StageClock()
    started = time.perf_counter()
    report = analyze([str(documents)], db=folder / f"every-{every}.db", settings=Settings(story_save_articles=every),
                     progress=clock, workers=1, embedder=None, compare=False)  # fmt: skip
    seconds = time.perf_counter() - started
    clock.finish()
    tables = to_dict(report)
    return {"seconds": seconds, "grouping": clock.seconds.get("grouping stories", 0.0),
            "stories": (tables["stories"], tables["storylines"])}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    """Build the corpus once, run the baseline and each interval, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000, help="articles in the corpus (default 20000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--every", default="2000", help="story_save_articles values besides the baseline's 200")
    args = parser.parse_args(argv)
    values = [BASELINE_EVERY, *(n for n in map(int, args.every.split(",")) if n != BASELINE_EVERY)]
    corpus = build_scale_corpus(args.articles, args.seed)
    print(f"corpus: {len(corpus.documents)} articles, seed {args.seed}; load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="grouping-writes-") as name:
        folder = Path(name)
        write_corpus(corpus, folder)
        baseline: dict[str, Any] | None = None
        print(f"{'story_save_articles':>20}  {'analyze s':>9}  {'grouping s':>10}  same stories as baseline")
        for every in values:
            outcome = measured(f"every {every}", partial(run, every, folder=folder), folder / "documents.jsonl").output
            baseline = baseline or outcome
            label = f"{every} (baseline)" if every == BASELINE_EVERY else str(every)
            same = "yes" if outcome["stories"] == baseline["stories"] else "NO"
            print(f"{label:>20}  {outcome['seconds']:9.1f}  {outcome['grouping']:10.1f}  {same}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
