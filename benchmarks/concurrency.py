"""Two writers at once on one database: both must store everything, the later one waiting its turn.

Two halves of real ECB+ articles (read from ``../shared/data/ecbplus`` at run time) are written
into one database by two ``storytrace`` processes started together, on SQLite and, with a URL,
PostgreSQL. Baseline, in the same run: the same two commands one after the other, in both
orders (stories depend on the order articles arrive in). While the
writers run, a reader lists the stories every 0.2 s; its latency is set beside the same reader
on the idle database afterwards.

    .venv/bin/python benchmarks/concurrency.py --articles 300 \
        --pg-url postgresql://postgres:storytrace@127.0.0.1:5432/postgres --json docs/concurrency-benchmark.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from storytrace import Settings, Store

REPO = Path(__file__).resolve().parents[1]
ECBPLUS = REPO.parent / "shared" / "data" / "ecbplus" / "ecbplus_docs.jsonl"


def _halves(count: int, folder: Path) -> list[Path]:
    """Two JSONL files of ``count`` ECB+ articles each (the first 2 × count documents)."""
    records = []
    with ECBPLUS.open(encoding="utf-8") as stream:
        for line in stream:
            record = json.loads(line)
            records.append({"id": record["doc_id"], "text": record["text"]})
            if len(records) == 2 * count:
                break
    paths = []
    for half in range(2):
        path = folder / f"half{half}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in records[half::2]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


@contextmanager
def _database(kind: str, folder: Path, pg_url: str | None) -> Iterator[str]:
    """A fresh database: a SQLite file, or a throwaway PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        yield str(folder / f"{uuid.uuid4().hex[:8]}.db")
        return
    assert pg_url is not None
    name = f"st_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{pg_url.rpartition('/')[0]}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _command(command: str, path: Path, db: str) -> list[str]:
    return [sys.executable, "-m", "storytrace.cli", command, str(path), "--db", db, "--no-compare",
            "--embedder", "none", "--workers", "1"]  # fmt: skip


class _Reader(threading.Thread):
    """Lists the stories every 0.2 s until stopped, recording each listing's latency and failures."""

    def __init__(self, db: str) -> None:
        super().__init__(daemon=True)
        self.db = db
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            started = time.perf_counter()
            try:
                with Store(self.db, Settings(), must_exist=True) as store:
                    store.load_stories()
                self.latencies.append(time.perf_counter() - started)
            except Exception as error:  # noqa: BLE001 - a reader's failure is a finding, counted
                if "no database at" not in str(error):  # the writers have not created it yet
                    self.errors.append(str(error))
            self.stopped.wait(0.2)


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _stories(db: str) -> tuple[int, set[frozenset[str]]]:
    with Store(db, Settings()) as store:
        return store.count_articles(), {frozenset(story.articles) for story in store.load_stories()}


def _run(command: str, halves: list[Path], db: str, together: bool) -> dict[str, Any]:
    """Both halves into ``db``, at once or one after the other, with a reader alongside."""
    reader = _Reader(db)
    reader.start()
    started = time.perf_counter()
    outcomes = []
    if together:
        runs = [subprocess.Popen(_command(command, path, db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 text=True) for path in halves]  # fmt: skip
        outcomes = [(run.wait(), run.stderr.read() if run.stderr else "") for run in runs]
    else:
        for path in halves:
            done = subprocess.run(_command(command, path, db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True, check=False)  # fmt: skip
            outcomes.append((done.returncode, done.stderr))
    seconds = time.perf_counter() - started
    reader.stopped.set()
    reader.join()
    idle = _Reader(db)
    idle.start()
    time.sleep(3)
    idle.stopped.set()
    idle.join()
    articles, stories = _stories(db)
    return {
        "seconds": round(seconds, 1),
        "exit_codes": [code for code, _ in outcomes],
        "waited": sum("waiting for another run" in err for _, err in outcomes),
        "articles": articles,
        "stories": stories,
        "reader_p50_ms": round(1000 * _percentile(reader.latencies, 0.5), 1),
        "reader_p99_ms": round(1000 * _percentile(reader.latencies, 0.99), 1),
        "reader_errors": len(reader.errors),
        "idle_reader_p50_ms": round(1000 * _percentile(idle.latencies, 0.5), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300, help="articles per writer")
    parser.add_argument("--commands", default="analyze,add")
    parser.add_argument("--pg-url", default=None, help="a PostgreSQL server URL (PostgreSQL rows are skipped without)")
    parser.add_argument("--json", type=Path, default=None)
    options = parser.parse_args()
    kinds = ["sqlite", *(["postgresql"] if options.pg_url else [])]
    rows = []
    with tempfile.TemporaryDirectory(prefix="storytrace-concurrency-") as tmp:
        folder = Path(tmp)
        halves = _halves(options.articles, folder)
        for command in options.commands.split(","):
            for kind in kinds:
                results = {}
                modes = (("first then second (baseline)", halves, False),
                         ("second then first (baseline)", halves[::-1], False), ("at once", halves, True))  # fmt: skip
                for mode, order, together in modes:
                    with _database(kind, folder, options.pg_url) as db:
                        results[mode] = _run(command, order, db, together)
                # Stories depend on the order articles arrive in; two writers at once must give
                # the stories of one of the two orders in which they can take turns.
                orders = [results[mode]["stories"] for mode, _, together in modes if not together]
                for mode, result in results.items():
                    same = result["stories"] in orders
                    row = {"command": command, "database": kind, "mode": mode, "stories_as_one_order": same}
                    row |= {key: value for key, value in result.items() if key != "stories"}
                    row["story_count"] = len(result["stories"])
                    rows.append(row)
    header = ("command", "database", "mode", "exit_codes", "waited", "articles", "story_count",
              "stories_as_one_order", "seconds", "reader_p50_ms", "reader_p99_ms", "reader_errors",
              "idle_reader_p50_ms")  # fmt: skip
    print(f"{2 * options.articles} ECB+ articles in two writers of {options.articles}")
    print(" | ".join(header))
    for row in rows:
        print(" | ".join(str(row[name]) for name in header))
    if options.json:
        options.json.write_text(json.dumps({"articles_per_writer": options.articles, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
