"""Run generated batches through the Python API, the CLI and the web API, and check what every
run must satisfy.

``write_batch`` lays a batch out in a folder; ``run_api``, ``run_cli`` and ``run_web`` each
return an :class:`Outcome`; ``violations`` lists every broken property as a
:class:`Violation` (a class, for counting, and a message naming the input). The tests assert
that the list is empty; ``benchmarks/fuzz.py`` counts the classes.

Properties: nothing escapes (no exception, no traceback, CLI exit code 0 or 1 matching the
report); every good article is stored; every bad file is named by an error; every other file is
accounted for (stored, duplicate or named); no article comes from a file that holds none;
rerunning the batch changes nothing; each run ends within ``LIMIT_S``.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storytrace.model import Article, ProblemKind, Report
from storytrace.pipeline import analyze
from storytrace.settings import DEFAULT_SETTINGS
from storytrace.store import Store
from tests.fuzz.generators import Entry, Expect, Spec

# Seconds one run of a small batch may take (the slowest generated inputs take a few seconds).
LIMIT_S = float(os.environ.get("STORYTRACE_FUZZ_LIMIT_S", "60"))
STORYTRACE = Path(sys.executable).with_name("storytrace")
# How an undecodable byte of a file name may be spelled once decoded: escaped, replaced or surrogate.
_UNDECODABLE = re.compile(r"\\x[0-9a-fA-F]{2}|\ufffd|[\udc80-\udcff]")


@dataclass(frozen=True)
class Violation:
    """One broken property: ``kind`` is its class (crash, hang, lost, unaccounted, …)."""

    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


@dataclass
class Outcome:
    """One run's result in a form common to the three interfaces."""

    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (source, reason, kind)
    sources: list[str] = field(default_factory=list)  # sources of the articles the run reported
    articles: list[str] = field(default_factory=list)  # ids of the articles the run reported
    duplicates: list[str] = field(default_factory=list)  # ids reported as duplicates
    stored: dict[str, int] | None = None  # new / unchanged / … counts, where the interface gives them
    seconds: float = 0.0
    failures: list[Violation] = field(default_factory=list)  # crashes and hangs seen while running


# --------------------------------------------------------------------------- writing a batch


def write_batch(folder: Path, specs: Sequence[Spec]) -> dict[str, Spec]:
    """Create every entry of the batch in ``folder``; return them by the source path they will have."""
    root = os.fsencode(folder)
    entries: dict[str, Spec] = {}
    for spec in specs:
        path = os.path.join(root, spec.name)
        if spec.entry is Entry.FILE:
            with open(path, "wb") as stream:
                stream.write(spec.data)
        elif spec.entry is Entry.FIFO:
            os.mkfifo(path)
        elif spec.entry is Entry.SOCKET:
            server = socket.socket(socket.AF_UNIX)
            server.bind(path)
            server.close()
        elif spec.entry is Entry.SYMLINK_LOOP:
            os.symlink(spec.name + b".loop", path)
            os.symlink(spec.name, path + b".loop")
        elif spec.entry is Entry.DANGLING:
            os.symlink(b"/nonexistent/storytrace-fuzz", path)
        else:
            os.mkdir(path)
            os.symlink(b"..", os.path.join(path, b"up"))
        entries[os.fsdecode(path)] = spec
    return entries


@contextmanager
def fifo_watchdog(folder: Path, limit: float) -> Iterator[list[str]]:
    """Unblock a reader stuck on a FIFO of ``folder`` after ``limit`` seconds; yields the FIFOs it had to open."""
    fifos = [os.path.join(root, name) for root, _, names in os.walk(folder) for name in names]
    fifos = [path for path in fifos if os.path.exists(path) and _is_fifo(path)]
    opened: list[str] = []
    done = threading.Event()

    def unblock() -> None:
        while not done.wait(limit):
            for path in fifos:
                try:
                    os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:
                    continue  # nobody is reading it
                opened.append(path)

    thread = threading.Thread(target=unblock, daemon=True)
    if fifos:
        thread.start()
    try:
        yield opened
    finally:
        done.set()
        if fifos:
            thread.join()


def _is_fifo(path: str) -> bool:
    import stat

    return stat.S_ISFIFO(os.lstat(path).st_mode)


# --------------------------------------------------------------------------- the three interfaces


def _from_report(report: Report) -> Outcome:
    return Outcome(
        problems=[(p.source, p.reason, p.kind.value) for p in report.problems],
        sources=[a.source for a in report.articles],
        articles=[a.id for a in report.articles],
        duplicates=list(report.duplicates),
        stored=dict(report.stored),
    )


def run_api(paths: Sequence[str], db: str, folder: Path) -> Outcome:
    """``storytrace.analyze`` in this process (no comparison, no embedder, one worker)."""
    start = time.perf_counter()
    with fifo_watchdog(folder, LIMIT_S) as unblocked:
        try:
            outcome = _from_report(analyze(list(paths), db=db, compare=False, embedder=None, workers=1))
        except Exception as error:  # noqa: BLE001 - the property under test: nothing escapes
            outcome = Outcome(failures=[Violation("crash", _describe(error))])
    outcome.seconds = time.perf_counter() - start
    if unblocked:
        outcome.failures.append(Violation("hang", f"blocked on {', '.join(unblocked)} until unblocked"))
    return outcome


def run_cli(paths: Sequence[str], db: str, timeout: float = LIMIT_S) -> Outcome:
    """``storytrace analyze … --json -`` in a child process; exit code, stderr and the JSON are checked."""
    command = [
        os.fsencode(STORYTRACE),
        b"analyze",
        b"--db",
        os.fsencode(db),
        b"--no-compare",
        b"--embedder",
        b"none",
        b"--workers",
        b"1",
        b"--json",
        b"-",
        b"--",
        *(os.fsencode(path) for path in paths),
    ]
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return Outcome(
            seconds=time.perf_counter() - start, failures=[Violation("hang", f"CLI ran over {timeout:.0f} s")]
        )
    seconds = time.perf_counter() - start
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode not in (0, 1) or "Traceback" in stderr:
        return Outcome(
            seconds=seconds, failures=[Violation("crash", f"CLI exit code {done.returncode}: {stderr[-3000:]}")]
        )
    try:
        document = json.loads(done.stdout)
    except ValueError as error:
        return Outcome(
            seconds=seconds, failures=[Violation("crash", f"CLI wrote no JSON report ({error}): {stderr[-2000:]}")]
        )
    outcome = Outcome(
        problems=[(p["source"], p["reason"], p["kind"]) for p in document["problems"]],
        sources=[a["source"] for a in document["articles"]],
        articles=[a["id"] for a in document["articles"]],
        seconds=seconds,
    )
    partial = any(kind == ProblemKind.ERROR.value for _, _, kind in outcome.problems)
    if done.returncode != (1 if partial else 0):
        outcome.failures.append(
            Violation("exit-code", f"exit code {done.returncode} for a report with partial={partial}")
        )
    return outcome


def run_web(
    client: Any, files: Sequence[tuple[str, bytes]] | None = None, body: bytes | None = None
) -> tuple[int, Any, Outcome]:
    """``POST /api/articles`` through a FastAPI test client: multipart ``files`` or a raw JSONL ``body``.

    Returns the status, the decoded JSON and the outcome; problem sources are the names the server
    gave the uploaded files (``0000-name``), as the response reports them.
    """
    start = time.perf_counter()
    try:
        if files is not None:
            response = client.post(
                "/api/articles", files=[("files", (name, data, "application/octet-stream")) for name, data in files]
            )
        else:
            response = client.post("/api/articles", content=body, headers={"content-type": "application/x-ndjson"})
    except Exception as error:  # noqa: BLE001 - the property under test: nothing escapes
        return 0, None, Outcome(seconds=time.perf_counter() - start, failures=[Violation("crash", _describe(error))])
    seconds = time.perf_counter() - start
    try:
        document = response.json()
    except ValueError:
        return (
            response.status_code,
            None,
            Outcome(
                seconds=seconds,
                failures=[Violation("crash", f"status {response.status_code}, not JSON: {response.text[:300]}")],
            ),
        )
    if response.status_code >= 500:
        failure = Violation("crash", f"status {response.status_code}: {document}")
        return response.status_code, document, Outcome(seconds=seconds, failures=[failure])
    outcome = Outcome(
        problems=[(p["source"], p["reason"], p["kind"]) for p in document.get("problems", [])],
        articles=list(document.get("articles", [])),
        stored=dict(document.get("stored", {})) if response.status_code == 200 else None,
        seconds=seconds,
    )
    return response.status_code, document, outcome


def _describe(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))[-4000:]


# --------------------------------------------------------------------------- properties


def _norm(text: str) -> str:
    """A path string with undecodable bytes folded alike (``?``), however a reader chose to spell them."""
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        data = text.encode("utf-8", "replace")
    return _UNDECODABLE.sub("?", data.decode("utf-8", "backslashreplace"))


def names(source: str, key: str) -> bool:
    """True when a problem or article ``source`` is the file ``key`` or a part of it (``key:3``, ``key#url``)."""
    source, key = _norm(source), _norm(key)
    return source == key or (source.startswith(key) and source[len(key)] in ":#[")


def stored_articles(db: str) -> list[Article]:
    """Every article in the database."""
    with Store(db, DEFAULT_SETTINGS) as store:
        return store.load_articles()


def contains(source: str, key: str) -> bool:
    """True when ``source`` mentions ``key`` anywhere: uploads, whose server-side names wrap the client's."""
    return _norm(key) in _norm(source)


def violations(
    entries: dict[str, Spec],
    outcome: Outcome,
    articles: Sequence[Article],
    match: Callable[[str, str], bool] = names,
) -> list[Violation]:
    """Every property the run broke, given the batch's entries by source key and the stored articles;
    ``match(source, key)`` tells whether a problem's or article's source is that entry's."""
    found = list(outcome.failures)
    if outcome.seconds > LIMIT_S:
        found.append(Violation("slow", f"run took {outcome.seconds:.1f} s (limit {LIMIT_S:.0f} s)"))
    if any(f.kind == "crash" for f in found):
        return found
    errors = [source for source, _, kind in outcome.problems if kind == ProblemKind.ERROR.value]
    problems = [source for source, _, _ in outcome.problems]
    for key, spec in entries.items():
        for good in spec.goods:
            word = re.compile(rf"\b{good.marker}\b")
            matches = [a for a in articles if word.search(a.text)]
            if not matches:
                found.append(Violation("lost", f"{spec.label}: good article {good.marker} of {key!r} not stored"))
            elif good.id is not None and all(a.id != good.id for a in matches):
                found.append(
                    Violation("lost", f"{spec.label}: {good.marker} stored as {matches[0].id!r}, not {good.id!r}")
                )
        if spec.expect is Expect.GOOD and any(match(source, key) for source in errors):
            reasons = [r for s, r, k in outcome.problems if match(s, key) and k == ProblemKind.ERROR.value]
            found.append(Violation("error-on-good", f"{spec.label}: {key!r} reported as {reasons}"))
        if spec.expect is Expect.BAD and not any(match(source, key) for source in errors):
            found.append(Violation("unaccounted", f"{spec.label}: bad input {key!r} is not named by an error"))
        if spec.expect is Expect.ANY and spec.entry is not Entry.DIR_LOOP:
            accounted = any(match(s, key) for s in problems + outcome.sources + [a.source for a in articles])
            if not accounted and spec.stem not in outcome.duplicates:
                found.append(Violation("unaccounted", f"{spec.label}: {key!r} is neither stored nor named"))
        if spec.barren and any(match(a.source, key) for a in articles):
            found.append(Violation("stored-bad", f"{spec.label}: an article was stored from {key!r}"))
    reported = {_norm(s) for s in outcome.sources}
    if reported and outcome.sources and not reported <= {_norm(a.source) for a in articles}:
        found.append(Violation("lost", f"reported articles missing from the store: {sorted(reported)[:3]}"))
    return found


def rerun_violations(
    first: Outcome, second: Outcome, before: Sequence[Article], after: Sequence[Article]
) -> list[Violation]:
    """Rerunning the same batch must store nothing new, change nothing and report the same problems."""
    found = [f for f in second.failures]
    if second.stored is not None and set(second.stored) - {"unchanged", "duplicate"}:
        found.append(Violation("diverged", f"rerun stored {second.stored}"))
    if {(a.id, a.text) for a in before} != {(a.id, a.text) for a in after}:
        found.append(Violation("diverged", f"rerun changed the stored articles ({len(before)} -> {len(after)})"))
    if Counter(first.problems) != Counter(second.problems):
        found.append(
            Violation("diverged", f"rerun problems differ: {sorted(set(first.problems) ^ set(second.problems))[:3]}")
        )
    return found
