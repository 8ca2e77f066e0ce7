"""Fuzzing campaign: the generators of ``tests/fuzz`` run for a given time over the Python API
and the CLI, counting what broke.

Command (from the repository root)::

    .venv/bin/python benchmarks/fuzz.py --minutes 10 --json docs/fuzz-campaign.json --crashes fuzz-crashes

(``--minutes 600`` for a night). Each example is a batch of generated files (every format, good
articles among hostile inputs, odd names, FIFOs and symlink loops) analyzed twice into a fresh
SQLite database: one batch in ``--cli-every`` through ``storytrace analyze … --json -`` in a child
process, the others through ``storytrace.analyze`` in a forked child, so that a hang is killed
after ``--limit`` seconds instead of stopping the campaign. The properties checked are those of
``tests/fuzz/harness.py``. Counted: batches and input files tried, crashes (exceptions,
tracebacks, exit codes other than 0/1, children that died) by class, hangs, lost good articles,
the other broken properties by kind, and the peak RSS of any child. Every failing batch is
written to ``--crashes/<n>-<kind>/in`` (re-run ``storytrace analyze`` on that folder to
reproduce) with ``violations.txt`` beside it. A summary table is printed; the JSON goes to
``--json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import platform
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402

from tests.fuzz.generators import Spec, batches  # noqa: E402
from tests.fuzz.harness import (  # noqa: E402
    Outcome,
    Violation,
    rerun_violations,
    run_api,
    run_cli,
    stored_articles,
    violations,
    write_batch,
)


class _TimeUp(Exception):
    """Raised inside the generated test once the campaign's time is spent."""


@dataclass
class Tally:
    """What the campaign has seen so far."""

    batches: Counter[str] = field(default_factory=Counter)  # by interface
    files: int = 0
    labels: Counter[str] = field(default_factory=Counter)  # generated input kinds
    broken: Counter[str] = field(default_factory=Counter)  # violations by kind
    crashes: Counter[str] = field(default_factory=Counter)  # crashes by class
    saved: list[str] = field(default_factory=list)


def _crash_class(message: str) -> str:
    """A crash's class: the exception type and message head from its traceback's last line."""
    lines = [line for line in message.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else message
    found = re.search(r"([A-Za-z_.]*(?:Error|Exception|Exit|Interrupt)\b[^\n]{0,60})", last)
    return (found.group(1) if found else last[:80]).strip()


def _check_api(specs: tuple[Spec, ...], folder: Path) -> list[Violation]:
    inputs = folder / "in"
    inputs.mkdir()
    entries = write_batch(inputs, specs)
    db = str(folder / "fuzz.db")
    first = run_api([str(inputs)], db, inputs)
    before = stored_articles(db) if not first.failures else []
    found = violations(entries, first, before)
    if not found:
        second = run_api([str(inputs)], db, inputs)
        found = rerun_violations(first, second, before, stored_articles(db))
    return found


def _check_cli(specs: tuple[Spec, ...], folder: Path, limit: float) -> list[Violation]:
    inputs = folder / "in"
    inputs.mkdir()
    entries = write_batch(inputs, specs)
    db = str(folder / "fuzz.db")
    first: Outcome = run_cli([str(inputs)], db, limit)
    before = stored_articles(db) if not first.failures else []
    found = violations(entries, first, before)
    if not found:
        second = run_cli([str(inputs)], db, limit)
        found = rerun_violations(first, second, before, stored_articles(db))
    return found


def _child(specs: tuple[Spec, ...], folder: str, connection: Connection) -> None:
    """The API check in a forked process; the violations go back through the pipe."""
    try:
        found = _check_api(specs, Path(folder))
        connection.send([(v.kind, v.message) for v in found])
    except Exception as error:  # noqa: BLE001 - a harness failure is reported as a crash, not lost
        connection.send([("crash", f"harness: {type(error).__name__}: {error}")])


def _forked_api(specs: tuple[Spec, ...], folder: Path, limit: float) -> list[Violation]:
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(specs, str(folder), send))
    process.start()
    # Two runs of the batch, each allowed the limit (the in-process FIFO watchdog fires at it).
    if not receive.poll(2 * limit + 30):
        process.kill()
        process.join()
        return [Violation("hang", f"API check ran over {2 * limit + 30:.0f} s and was killed")]
    result = receive.recv()
    process.join()
    return [Violation(kind, message) for kind, message in result]


def _save(specs: tuple[Spec, ...], found: list[Violation], crashes: Path, number: int) -> str:
    target = crashes / f"{number:04d}-{found[0].kind}"
    (target / "in").mkdir(parents=True)
    write_batch(target / "in", specs)
    (target / "violations.txt").write_text(
        "\n\n".join(str(v) for v in found) + "\n", encoding="utf-8", errors="replace"
    )
    (target / "labels.json").write_text(
        json.dumps([{"name": os.fsdecode(s.name), "label": s.label, "expect": s.expect.value} for s in specs], indent=1)
        + "\n",
        encoding="utf-8",
        errors="replace",
    )
    return str(target)


def campaign(minutes: float, crashes: Path, cli_every: int, limit: float, seed: int | None) -> tuple[Tally, float]:
    """Run generated batches until ``minutes`` are spent; the tally and the seconds it took."""
    tally = Tally()
    start = time.monotonic()
    deadline = start + minutes * 60

    @settings(
        max_examples=10**9,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(specs=batches(odd_names=True))
    def body(specs: tuple[Spec, ...]) -> None:
        if time.monotonic() > deadline:
            raise _TimeUp
        number = sum(tally.batches.values())
        interface = "cli" if number % cli_every == cli_every - 1 else "api"
        tally.batches[interface] += 1
        tally.files += len(specs)
        tally.labels.update(spec.label for spec in specs)
        with tempfile.TemporaryDirectory(prefix="storytrace-fuzz-") as folder:
            if interface == "cli":
                found = _check_cli(specs, Path(folder), limit)
            else:
                found = _forked_api(specs, Path(folder), limit)
        tally.broken.update(v.kind for v in found)
        tally.crashes.update(_crash_class(v.message) for v in found if v.kind == "crash")
        if found:
            tally.saved.append(_save(specs, found, crashes, len(tally.saved)))

    if seed is not None:
        body = hypothesis_seed(seed)(body)
    with contextlib.suppress(_TimeUp):
        body()
    return tally, time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="how long to run (default 5)")
    parser.add_argument(
        "--json", type=Path, default=REPO / "docs" / "fuzz-campaign.json", help="where to write the figures"
    )
    parser.add_argument("--crashes", type=Path, default=REPO / "fuzz-crashes", help="folder for failing batches")
    parser.add_argument("--cli-every", type=int, default=5, help="one batch in this many goes through the CLI")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds one run of a batch may take")
    parser.add_argument("--seed", type=int, default=None, help="seed the generator (default: fresh randomness)")
    args = parser.parse_args()
    os.environ["STORYTRACE_FUZZ_LIMIT_S"] = str(args.limit)
    args.crashes.mkdir(parents=True, exist_ok=True)
    tally, seconds = campaign(args.minutes, args.crashes, args.cli_every, args.limit, args.seed)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures = {
        "command": " ".join(["benchmarks/fuzz.py", *sys.argv[1:]]),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "seconds": round(seconds, 1),
        "batches": dict(tally.batches),
        "input_files": tally.files,
        "crashes": tally.broken["crash"],
        "crash_classes": dict(tally.crashes.most_common()),
        "hangs": tally.broken["hang"],
        "lost_good_articles": tally.broken["lost"],
        "violations": dict(tally.broken.most_common()),
        "peak_child_rss_mb": round(peak_mb, 1),
        "input_kinds": dict(sorted(tally.labels.items())),
        "saved": tally.saved,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    rows = [
        ("time", f"{seconds / 60:.1f} min"),
        ("batches (API / CLI)", f"{tally.batches['api']} / {tally.batches['cli']}"),
        ("input files", str(tally.files)),
        ("crashes", str(figures["crashes"])),
        ("hangs", str(figures["hangs"])),
        ("lost good articles", str(figures["lost_good_articles"])),
        (
            "other violations",
            ", ".join(f"{k} {v}" for k, v in tally.broken.items() if k not in ("crash", "hang", "lost")) or "0",
        ),
        ("peak child RSS", f"{peak_mb:.0f} MB"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    for name, count in tally.crashes.most_common():
        print(f"  crash {count:>4}  {name}")
    print(f"failing batches saved under {args.crashes}; figures in {args.json}")


if __name__ == "__main__":
    main()
