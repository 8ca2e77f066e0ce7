"""Crash campaign (issue 12, item 5): kill ``storytrace analyze`` and ``storytrace add`` at random
moments, rerun the same command, and check the database.

Method (``docs/crash.md`` has the results):

* **Runs.** Every run is the real CLI, ``python -m storytrace.cli analyze|add PATH… --db DB``, in
  its own session, with standard output and error on a pseudo-terminal so that the progress bar
  is drawn; the harness reads it to know the current stage. The code run is one commit's
  ``src/`` (``--commit``, default ``HEAD``) exported to a temporary folder and put first on
  ``PYTHONPATH``, so that uncommitted edits in the checkout do not leak in (``--commit worktree``
  runs the checkout as it is).
* **Corpus.** By default ``ECBPLUS_DOCUMENTS`` real ECB+ documents (``../shared/data/ecbplus``:
  the first three topics, both look-alike events of each, read at run time and written as JSONL
  into the temporary folder; the tokenised URL line of the "plus" half becomes the article's
  ``url``), plus ``examples/corpus`` (copies of every kind, a translation) and the five seed
  articles of ``../shared/seeds``. ``--corpus PATH`` (repeatable) replaces all of it.
* **Baseline.** For each command and database: a clean run into a fresh database (its duration
  and stage timeline are measured), the same command again on that database (a rerun of a
  clean run must change nothing), and a second clean run into another fresh database (the
  pipeline must be deterministic, or convergence could not be judged).
* **Kills.** Each trial starts the command on a fresh database and sends the signal at a moment
  drawn either uniformly over the clean run's duration or aimed at a stage: a uniform offset
  into that stage's clean duration after the progress bar shows it (or at once when a later
  stage shows first; the stage actually showing is recorded). A draw that the run outlives is
  drawn again. ``SIGKILL`` goes to the main process only (``kill -9 PID``; its leftover
  workers are counted at once and ``LINGER_S`` later, then killed); ``SIGINT`` (a share of the
  trials, ``--sigint-share``) goes to the whole process group as Ctrl-C does, and the time the
  main process takes to exit is measured (target < 1 s), with whether anything printed a
  traceback. Then the same command is rerun to completion on the same database.
* **Checks.** After the kill and after the rerun: SQLite's ``PRAGMA integrity_check``, and on
  both databases storytrace's own invariants (``INVARIANTS``: story members are stored
  articles in live stories, ``stories.article_count`` equals the members, copies and analyses
  reference stored articles, ``storytrace_meta.story_documents`` equals the member rows, no two
  articles share a text hash or URL). Duplicates after the rerun: such rows, articles the clean
  run does not have, repeated merge-history entries. Convergence: the articles (ids and text
  hashes), copies (original, copy, kind), stories (as sets of article ids; whether the story
  ids match too is reported apart) and the articles with cached analyses equal the clean
  run's.

Run ``python benchmarks/crash.py --help`` for the options; ``--json`` (default
``docs/crash-campaign.json``) keeps every trial, written again after each one.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import fcntl
import json
import os
import pty
import random
import re
import select
import shlex
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import create_engine, inspect, text

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
ECBPLUS = SHARED / "data" / "ecbplus" / "ecbplus_docs.jsonl"
ECBPLUS_DOCUMENTS = 30
ECBPLUS_TOPICS = 3
DEFAULT_PG = "postgresql://postgres:storytrace@127.0.0.1:5432/postgres"
# How long a SIGINT-ed run may take to exit before it is killed (and counted as hung: it ignored SIGINT).
SIGINT_GRACE_S = 10.0
# How long leftover worker processes get to notice that the main process is gone.
LINGER_S = 1.0
TRACEBACK = "Traceback (most recent call last)"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")
# A progress line: spinner, the stage's name, then the bar.
_STAGE = re.compile(r"^\W*([a-z][a-z' -]*[a-z])\s+[━╸╺]")
_POLL_S = 0.005

# Invariant name -> a query counting its violations (identifiers quoted: "copy" is a keyword).
INVARIANTS = {
    "story member not stored": 'SELECT count(*) FROM "story_articles" m '
    'WHERE NOT EXISTS (SELECT 1 FROM "articles" a WHERE a."id" = m."article_id")',
    "story member of no live story": 'SELECT count(*) FROM "story_articles" m '
    'WHERE NOT EXISTS (SELECT 1 FROM "stories" s WHERE s."id" = m."story_id")',
    "article_count differs from members": 'SELECT count(*) FROM "stories" s WHERE s."article_count" <> '
    '(SELECT count(*) FROM "story_articles" m WHERE m."story_id" = s."id")',
    "copy of an unstored article": 'SELECT count(*) FROM "copies" c '
    'WHERE NOT EXISTS (SELECT 1 FROM "articles" a WHERE a."id" = c."original") '
    'OR NOT EXISTS (SELECT 1 FROM "articles" a WHERE a."id" = c."copy")',
    "analysis of an unstored article": 'SELECT count(*) FROM "article_analyses" n '
    'WHERE NOT EXISTS (SELECT 1 FROM "articles" a WHERE a."id" = n."article_id")',
    "articles sharing a text hash": 'SELECT count(*) FROM (SELECT "text_hash" FROM "articles" '
    'GROUP BY "text_hash" HAVING count(*) > 1) d',
    "articles sharing a URL": 'SELECT count(*) FROM (SELECT "url" FROM "articles" WHERE "url" IS NOT NULL '
    'GROUP BY "url" HAVING count(*) > 1) d',
}
_DUPLICATE_INVARIANTS = ("articles sharing a text hash", "articles sharing a URL")
_TABLES = ("articles", "copies", "stories", "story_articles", "story_merges", "article_analyses", "storytrace_meta")


# --- the database targets --------------------------------------------------------------------


class Target(Protocol):
    """A kind of database: makes fresh ones and drops them."""

    name: str

    def create(self) -> str:
        """A fresh, empty database, as ``--db`` takes it."""
        ...

    def sqlalchemy_url(self, db: str) -> str:
        """The harness's own URL for it."""
        ...

    def drop(self, db: str) -> None:
        """Remove it."""
        ...


class SqliteTarget:
    """SQLite files in the campaign's temporary folder."""

    name = "sqlite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def create(self) -> str:
        return str(self.folder / f"crash-{uuid.uuid4().hex[:10]}.db")

    def sqlalchemy_url(self, db: str) -> str:
        return f"sqlite:///{db}"

    def drop(self, db: str) -> None:
        for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
            Path(db + suffix).unlink(missing_ok=True)


class PostgresTarget:
    """Throwaway databases on a PostgreSQL server (created and dropped like the tests' fixture)."""

    name = "postgresql"

    def __init__(self, admin_url: str) -> None:
        self.base = admin_url.rpartition("/")[0]
        self.admin = create_engine(_psycopg(admin_url), isolation_level="AUTOCOMMIT")

    def create(self) -> str:
        name = f"st_crash_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        return f"{self.base}/{name}"

    def sqlalchemy_url(self, db: str) -> str:
        return _psycopg(db)

    def drop(self, db: str) -> None:
        name = db.rpartition("/")[2]
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


# --- what a database holds -------------------------------------------------------------------


@dataclass
class State:
    """What the checks need of a database."""

    articles: dict[str, str] = field(default_factory=dict)  # id -> text_hash
    copies: set[tuple[str, str, str]] = field(default_factory=set)  # (original, copy, kind)
    stories: dict[str, frozenset[str]] = field(default_factory=dict)  # story id -> its article ids
    analyses: set[str] = field(default_factory=set)
    merges: list[tuple[str, str, str]] = field(default_factory=list)  # (merged, into, article)
    problems: dict[str, int] = field(default_factory=dict)  # integrity violations

    def story_sets(self) -> set[frozenset[str]]:
        """The stories without their ids."""
        return set(self.stories.values())

    def unassigned(self) -> set[str]:
        """Stored articles in no story."""
        members = {article for story in self.stories.values() for article in story}
        return set(self.articles) - members


def snapshot(target: Target, db: str) -> State:
    """Read a database's articles, copies, stories and analyses, and check its integrity."""
    if target.name == "sqlite" and not Path(db).exists():
        return State()  # killed before the store was opened
    engine = create_engine(target.sqlalchemy_url(db))
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            if not set(_TABLES) <= tables:
                return State(problems={"tables missing": len(set(_TABLES) - tables)} if tables else {})
            return _read_state(connection, target.name == "sqlite")
    finally:
        engine.dispose()


def _read_state(connection: Any, sqlite: bool) -> State:
    state = State()
    if sqlite:
        verdict = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
        if verdict != ["ok"]:
            state.problems["sqlite integrity_check"] = len(verdict)
    for name, query in INVARIANTS.items():
        if count := int(connection.execute(text(query)).scalar_one()):
            state.problems[name] = count
    documents = connection.execute(
        text('SELECT "value" FROM "storytrace_meta" WHERE "key" = \'story_documents\'')
    ).scalar()
    members = int(connection.execute(text('SELECT count(*) FROM "story_articles"')).scalar_one())
    if int(documents or 0) != members:
        state.problems["story_documents differs from members"] = abs(int(documents or 0) - members)
    state.articles = dict(connection.execute(text('SELECT "id", "text_hash" FROM "articles"')).all())
    state.copies = {tuple(row) for row in connection.execute(text('SELECT "original", "copy", "kind" FROM "copies"'))}
    grouped: defaultdict[str, set[str]] = defaultdict(set)
    for story_id, article_id in connection.execute(text('SELECT "story_id", "article_id" FROM "story_articles"')):
        grouped[story_id].add(article_id)
    state.stories = {story_id: frozenset(members) for story_id, members in grouped.items()}
    state.analyses = {row[0] for row in connection.execute(text('SELECT "article_id" FROM "article_analyses"'))}
    query = text('SELECT "merged", "into", "article" FROM "story_merges" ORDER BY "id"')
    state.merges = [tuple(row) for row in connection.execute(query)]
    return state


# --- comparing with the clean run ------------------------------------------------------------

_SHOWN = 8  # differing items listed per part


def _listed(items: Iterator[Any] | set[Any]) -> list[Any]:
    return sorted(items)[:_SHOWN]


def differences(clean: State, run: State) -> dict[str, dict[str, Any]]:
    """The parts (articles, copies, stories, analyses) where ``run`` differs from ``clean``."""
    found: dict[str, dict[str, Any]] = {}
    changed = {i for i in clean.articles.keys() & run.articles.keys() if clean.articles[i] != run.articles[i]}
    if clean.articles != run.articles:
        found["articles"] = {
            "missing": _listed(clean.articles.keys() - run.articles.keys()),
            "extra": _listed(run.articles.keys() - clean.articles.keys()),
            "text changed": _listed(changed),
        }
    if clean.copies != run.copies:
        found["copies"] = {
            "missing": [list(c) for c in _listed(clean.copies - run.copies)],
            "extra": [list(c) for c in _listed(run.copies - clean.copies)],
        }
    if clean.story_sets() != run.story_sets():
        found["stories"] = _story_differences(clean, run)
    if clean.analyses != run.analyses:
        found["analyses"] = {
            "missing": _listed(clean.analyses - run.analyses),
            "extra": _listed(run.analyses - clean.analyses),
        }
    return found


def _story_differences(clean: State, run: State) -> dict[str, Any]:
    """Which articles sit with other articles than in the clean run, and with which."""
    home_clean = {a: story for story in clean.story_sets() for a in story}
    home_run = {a: story for story in run.story_sets() for a in story}
    moved = sorted(a for a in home_clean.keys() | home_run.keys() if home_clean.get(a) != home_run.get(a))
    return {
        "stories": [len(clean.stories), len(run.stories)],
        "articles placed differently": len(moved),
        "examples": [
            {"article": a, "clean": sorted(home_clean.get(a, ())), "run": sorted(home_run.get(a, ()))}
            for a in moved[:3]
        ],
    }


def duplicates(clean: State, run: State) -> int:
    """Duplicate rows after a rerun: articles sharing a text hash or URL, articles the clean run
    does not have, repeated merge-history entries."""
    shared = sum(run.problems.get(name, 0) for name in _DUPLICATE_INVARIANTS)
    return shared + len(run.articles.keys() - clean.articles.keys()) + len(run.merges) - len(set(run.merges))


def story_ids_differ(clean: State, run: State) -> int:
    """How many of the clean run's stories exist in ``run`` under another id."""
    ids = {members: story_id for story_id, members in run.stories.items()}
    return sum(1 for story_id, members in clean.stories.items() if members in ids and ids[members] != story_id)


# --- running the CLI -------------------------------------------------------------------------


@dataclass(frozen=True)
class Aim:
    """When to signal a run: ``delay`` seconds after the start, or ``offset`` seconds into
    ``stage`` (at once when a later stage of ``order`` shows first)."""

    signal: int
    delay: float | None = None
    stage: str | None = None
    offset: float = 0.0
    order: tuple[str, ...] = ()

    def due(self, now: float, seen: dict[str, float]) -> bool:
        """Whether to send the signal now."""
        if self.delay is not None:
            return now >= self.delay
        if self.stage in seen:
            return now >= seen[self.stage] + self.offset
        later = self.order[self.order.index(self.stage) + 1 :] if self.stage in self.order else ()
        return any(stage in seen for stage in later)


class StageWatcher:
    """Follows the progress bar in the run's terminal output: which stage shows, since when."""

    def __init__(self) -> None:
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.pending = ""
        self.current: str | None = None
        self.timeline: list[tuple[str, float]] = []
        self.first_seen: dict[str, float] = {}

    def feed(self, data: bytes, now: float) -> None:
        """Take more output; a stage counts from the first line that shows it."""
        pieces = re.split(r"[\r\n]", self.pending + _ANSI.sub("", self.decoder.decode(data)))
        self.pending = pieces[-1]
        for piece in pieces:
            match = _STAGE.match(piece)
            if match and match.group(1) != self.current:
                self.current = match.group(1)
                self.timeline.append((self.current, round(now, 3)))
                self.first_seen.setdefault(self.current, now)


@dataclass
class Run:
    """One CLI run: how it ended and what it showed."""

    rc: int | None
    seconds: float
    timeline: list[tuple[str, float]]
    signalled_at: float | None = None
    stage_at_signal: str | None = None
    exit_seconds: float | None = None  # from the signal to the main process's exit
    hung: bool = False  # still running SIGINT_GRACE_S after SIGINT, then killed
    traceback: bool = False
    leftovers: int = 0  # processes of its group still alive after the main one exited
    lingering: int = 0  # of those, still alive LINGER_S later
    tail: str = ""  # the end of its output, when it failed or printed a traceback


def run_cli(argv: Sequence[str], env: dict[str, str], cwd: Path, aim: Aim | None = None) -> Run:
    """Run the CLI on a pseudo-terminal, signal it when ``aim`` says, and wait for it to exit."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    start = time.monotonic()
    process = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env, cwd=cwd, start_new_session=True
    )
    os.close(slave)
    watcher = StageWatcher()
    output = bytearray()
    run = Run(rc=None, seconds=0.0, timeline=watcher.timeline)
    try:
        while process.poll() is None:
            now = time.monotonic() - start
            if aim is not None and run.signalled_at is None and aim.due(now, watcher.first_seen):
                _send(process.pid, aim.signal)
                run.signalled_at, run.stage_at_signal = round(now, 3), watcher.current
            elif run.signalled_at is not None and not run.hung and now - run.signalled_at > SIGINT_GRACE_S:
                _send(process.pid, signal.SIGKILL)
                run.hung = True
            chunk = _read(master, _POLL_S)
            output += chunk
            watcher.feed(chunk, now)
        ended = time.monotonic() - start
        run.leftovers = len(_group_members(process.pid))
        if run.leftovers:
            time.sleep(LINGER_S)
            run.lingering = len(_group_members(process.pid))
        _kill_group(process.pid)
        output += _drain(master)
    finally:
        os.close(master)
    run.rc, run.seconds = process.returncode, round(ended, 3)
    if run.signalled_at is not None:
        run.exit_seconds = round(ended - run.signalled_at, 3)
    shown = _ANSI.sub("", output.decode("utf-8", errors="replace"))
    run.traceback = TRACEBACK in shown
    if run.traceback or (aim is None and run.rc != 0):
        run.tail = shown[shown.find(TRACEBACK) :][:1500] if run.traceback else shown[-1500:]
    return run


def _send(pid: int, sig: int) -> None:
    """SIGINT to the process group (as Ctrl-C does), any other signal to the main process."""
    with contextlib.suppress(ProcessLookupError):
        if sig == signal.SIGINT:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)


def _read(fd: int, timeout: float) -> bytes:
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return b""
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: every writer has closed the terminal
        return b""


def _drain(fd: int) -> bytes:
    data = bytearray()
    while chunk := _read(fd, 0.1):
        data += chunk
    return bytes(data)


def _group_members(group: int) -> list[int]:
    """Live (not zombie) processes of a process group."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _kill_group(group: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


# --- the campaign ----------------------------------------------------------------------------


@dataclass
class Cell:
    """One command on one kind of database, with its clean run."""

    command: str
    target: Target
    argv: list[str]
    clean: State = field(default_factory=State)
    seconds: float = 0.0
    stages: list[tuple[str, float]] = field(default_factory=list)  # (stage, clean duration)


@dataclass
class Campaign:
    """What every run shares."""

    python: str
    env: dict[str, str]
    work: Path
    corpus: list[str]
    compare: bool

    def argv(self, command: str) -> list[str]:
        """The command line of one command (``--db`` is added per run)."""
        options = () if self.compare else ("--no-compare",)
        return [self.python, "-m", "storytrace.cli", command, *self.corpus, *options]

    def run(self, cell: Cell, db: str, aim: Aim | None = None) -> Run:
        """Run a cell's command on ``db``, signalled when ``aim`` says."""
        return run_cli([*cell.argv, "--db", db], self.env, self.work, aim)


def stage_durations(timeline: list[tuple[str, float]], end: float) -> list[tuple[str, float]]:
    """Each stage of a run with how long it showed (first showing to the next stage)."""
    ends = [t for _, t in timeline[1:]] + [end]
    return [(name, round(stop - start, 3)) for (name, start), stop in zip(timeline, ends, strict=True)]


def baseline(campaign: Campaign, cell: Cell) -> dict[str, Any]:
    """Clean run, rerun on the same database, clean run into another: fills ``cell.clean``."""
    first, second = cell.target.create(), cell.target.create()
    try:
        clean = campaign.run(cell, first)
        cell.clean, cell.seconds = snapshot(cell.target, first), clean.seconds
        cell.stages = stage_durations(clean.timeline, clean.seconds)
        rerun = campaign.run(cell, first)
        again = snapshot(cell.target, first)
        fresh = campaign.run(cell, second)
        other = snapshot(cell.target, second)
    finally:
        cell.target.drop(first)
        cell.target.drop(second)
    return {
        "command": cell.command,
        "db": cell.target.name,
        "clean": asdict(clean),
        "rerun": asdict(rerun),
        "fresh": asdict(fresh),
        "articles": len(cell.clean.articles),
        "copies": len(cell.clean.copies),
        "stories": len(cell.clean.stories),
        "analyses": len(cell.clean.analyses),
        "merges": len(cell.clean.merges),
        "stages": cell.stages,
        "integrity": {"clean": cell.clean.problems, "rerun": again.problems, "fresh": other.problems},
        "unassigned": len(cell.clean.unassigned()),
        "rerun_differences": differences(cell.clean, again),
        "rerun_duplicates": duplicates(cell.clean, again),
        "fresh_differences": differences(cell.clean, other),
        "fresh_story_ids_differ": story_ids_differ(cell.clean, other),
    }


def aims(cell: Cell, count: int, sigint_share: float, rng: random.Random) -> Iterator[Aim]:
    """Endless kill moments for a cell: uniform delays and stage aims in turn, stages in
    order; every so many a SIGINT (``sigint_share`` of them)."""
    order = tuple(name for name, _ in cell.stages)
    for index in range(count):
        sig = signal.SIGINT if int((index + 1) * sigint_share) > int(index * sigint_share) else signal.SIGKILL
        if index % 2 == 0 or not order:
            yield Aim(sig, delay=round(rng.uniform(0, cell.seconds), 3))
        else:
            stage, duration = cell.stages[(index // 2) % len(cell.stages)]
            yield Aim(sig, stage=stage, offset=round(rng.uniform(0, duration), 3), order=order)


def trial(campaign: Campaign, cell: Cell, aim: Aim, rng: random.Random) -> dict[str, Any]:
    """Kill one run (drawing the moment again while the run outlives it), rerun it, check."""
    db = cell.target.create()
    try:
        misses = 0
        killed = campaign.run(cell, db, aim)
        while killed.signalled_at is None and misses < 5:  # it finished first: another moment
            misses += 1
            cell.target.drop(db)
            db = cell.target.create()
            aim = Aim(aim.signal, delay=round(rng.uniform(0, cell.seconds), 3))
            killed = campaign.run(cell, db, aim)
        after_kill = snapshot(cell.target, db)
        rerun = campaign.run(cell, db)
        after = snapshot(cell.target, db)
    finally:
        cell.target.drop(db)
    return {
        "command": cell.command,
        "db": cell.target.name,
        "signal": signal.Signals(aim.signal).name,
        "aim": aim.stage or "uniform",
        "delay": aim.delay,
        "offset": aim.offset if aim.stage else None,
        "misses": misses,
        "killed": asdict(killed),
        "articles_after_kill": len(after_kill.articles),
        "unassigned_after_kill": len(after_kill.unassigned()),
        "integrity_after_kill": after_kill.problems,
        "rerun": asdict(rerun),
        "integrity_after_rerun": after.problems,
        "unassigned_after_rerun": len(after.unassigned()),
        "duplicates": duplicates(cell.clean, after),
        "differences": differences(cell.clean, after),
        "story_ids_differ": story_ids_differ(cell.clean, after),
    }


# --- summaries -------------------------------------------------------------------------------

_PARTS = ("articles", "copies", "stories", "analyses")


def summary_rows(baselines: list[dict[str, Any]], trials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per command × database × signal, after one baseline row per command × database."""
    rows = [_baseline_row(b) for b in baselines]
    groups: defaultdict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for t in trials:
        if t["killed"]["signalled_at"] is not None:
            groups[(t["command"], t["db"], t["signal"])].append(t)
    for (command, db, sig), group in sorted(groups.items()):
        obeyed = [t for t in group if sig == "SIGINT" and not _ignored(t)]
        exits = [t["killed"]["exit_seconds"] for t in obeyed]
        rows.append(
            {
                "command": command,
                "db": db,
                "signal": sig,
                "kills": len(group),
                "integrity_failures": sum(1 for t in group if t["integrity_after_kill"] or t["integrity_after_rerun"]),
                "duplicates": sum(1 for t in group if t["duplicates"]),
                "rerun_failed": sum(1 for t in group if t["rerun"]["rc"] != 0),
                "non_converged": sum(1 for t in group if t["differences"]),
                "differed": {part: sum(1 for t in group if part in t["differences"]) for part in _PARTS},
                "story_ids_differ": sum(1 for t in group if t["story_ids_differ"]),
                "exit_median_s": round(statistics.median(exits), 3) if exits else None,
                "exit_max_s": max(exits) if exits else None,
                "ignored": sum(1 for t in group if sig == "SIGINT" and _ignored(t)),
                "tracebacks": sum(1 for t in group if t["killed"]["traceback"]),
                "leftover_processes": sum(t["killed"]["leftovers"] for t in group),
                "lingering_processes": sum(t["killed"]["lingering"] for t in group),
            }
        )
    return rows


def _ignored(t: dict[str, Any]) -> bool:
    """Whether a SIGINT did not stop the run: still running ``SIGINT_GRACE_S`` later, or finished."""
    return bool(t["killed"]["hung"] or t["killed"]["rc"] == 0)


def _baseline_row(b: dict[str, Any]) -> dict[str, Any]:
    failures = sum(1 for problems in b["integrity"].values() if problems)
    reruns_failed = sum(1 for name in ("clean", "rerun", "fresh") if b[name]["rc"] != 0)
    return {
        "command": b["command"],
        "db": b["db"],
        "signal": "baseline (clean, rerun; fresh)",
        "kills": 0,
        "integrity_failures": failures,
        "duplicates": int(b["rerun_duplicates"] > 0),
        "rerun_failed": reruns_failed,
        "non_converged": int(bool(b["rerun_differences"])) + int(bool(b["fresh_differences"])),
        "differed": {p: int(p in b["rerun_differences"]) + int(p in b["fresh_differences"]) for p in _PARTS},
        "story_ids_differ": int(b["fresh_story_ids_differ"] > 0),
        "exit_median_s": None,
        "exit_max_s": None,
        "ignored": 0,
        "tracebacks": sum(1 for name in ("clean", "rerun", "fresh") if b[name]["traceback"]),
        "leftover_processes": 0,
        "lingering_processes": 0,
    }


def moment_rows(trials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per command and stage showing when the signal came: kills and how many did not converge."""
    groups: defaultdict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for t in trials:
        if t["killed"]["signalled_at"] is not None:
            groups[(t["command"], t["killed"]["stage_at_signal"] or "(starting)")].append(t)
    return [
        {
            "command": command,
            "stage": stage,
            "kills": len(group),
            "non_converged": sum(1 for t in group if t["differences"]),
            "differed": {part: sum(1 for t in group if part in t["differences"]) for part in _PARTS},
            "unassigned_after_kill": sum(t["unassigned_after_kill"] for t in group),
        }
        for (command, stage), group in sorted(groups.items())
    ]


def _parts(differed: dict[str, int]) -> str:
    return ", ".join(f"{part} {count}" for part, count in differed.items() if count) or "-"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def markdown_table(rows: list[dict[str, Any]]) -> str:
    """The results table (Markdown)."""
    lines = [
        "| command | db | signal | kills | integrity failures | duplicates | rerun failed | non-converged (parts)"
        " | story ids differ | SIGINT exit median / max | SIGINT ignored | tracebacks | leftovers (after 1 s) |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | --- | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['command']} | {r['db']} | {r['signal']} | {r['kills']} | {r['integrity_failures']} | "
            f"{r['duplicates']} | {r['rerun_failed']} | {r['non_converged']} ({_parts(r['differed'])}) | "
            f"{r['story_ids_differ']} | {_seconds(r['exit_median_s'])} / {_seconds(r['exit_max_s'])} | "
            f"{r['ignored']} | {r['tracebacks']} | {r['leftover_processes']} ({r['lingering_processes']}) |"
        )
    return "\n".join(lines)


def moments_table(rows: list[dict[str, Any]]) -> str:
    """Kills by the stage showing when the signal came (Markdown)."""
    lines = [
        "| command | stage at the signal | kills | non-converged (parts) | articles left without a story |",
        "| --- | --- | ---: | --- | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['command']} | {r['stage']} | {r['kills']} | {r['non_converged']} ({_parts(r['differed'])}) | "
            f"{r['unassigned_after_kill']} |"
        )
    return "\n".join(lines)


# --- setup -----------------------------------------------------------------------------------


def ecbplus_corpus(path: Path, count: int) -> dict[str, Any]:
    """Write ``count`` ECB+ documents as JSONL: the first topics, their two events interleaved."""
    records = [json.loads(line) for line in ECBPLUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    topics = sorted({r["topic"] for r in records}, key=int)[:ECBPLUS_TOPICS]
    chosen: list[dict[str, Any]] = []
    for topic in topics:
        events: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in records:
            if record["topic"] == topic:
                events[record["subtopic"]].append(record)
        mixed = [r for pair in zip(*events.values(), strict=False) for r in pair]
        chosen.extend(mixed[: -(-count // len(topics))])
    with path.open("w", encoding="utf-8") as out:
        for record in chosen[:count]:
            out.write(json.dumps(_ecbplus_article(record), ensure_ascii=False) + "\n")
    return {"ecbplus_documents": min(count, len(chosen)), "ecbplus_topics": topics}


def _ecbplus_article(record: dict[str, Any]) -> dict[str, str]:
    lines = [line.strip() for line in record["text"].split("\n") if line.strip()]
    article = {"id": "ecb-" + record["doc_id"].replace("/", "-")}
    if lines and lines[0].startswith("http"):  # the "plus" half's URL line, tokenised
        article["url"] = "".join(lines.pop(0).split())
    article["text"] = "\n\n".join(lines)
    return article


def export_source(commit: str, folder: Path) -> tuple[str, Path | None]:
    """The commit's hash and its ``src/`` exported under ``folder`` (None: run the checkout)."""
    if commit == "worktree":
        head = _git("rev-parse", "HEAD")
        dirty = bool(_git("status", "--porcelain", "--", "src"))
        return head + ("+uncommitted" if dirty else ""), None
    digest = _git("rev-parse", "--verify", commit + "^{commit}")
    archive = subprocess.run(["git", "-C", str(REPO), "archive", digest, "src"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return digest, folder / "src"


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True, text=True).stdout.strip()


def child_env(source: Path | None) -> dict[str, str]:
    """The runs' environment: a colour terminal, the exported source first on the path."""
    env = dict(os.environ, TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    if source is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), os.environ.get("PYTHONPATH")]))
    return env


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The options (see ``--help``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=100, help="kills in all, spread over commands and databases")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--commands", default="analyze,add", help="comma-separated: analyze, add")
    parser.add_argument("--compare", action=argparse.BooleanOptionalAction, default=True, help="pass --no-compare")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--json", type=Path, default=REPO / "docs" / "crash-campaign.json", dest="json_out")
    parser.add_argument("--corpus", action="append", help="input path (repeatable), instead of the default corpus")
    parser.add_argument("--ecbplus", type=int, default=ECBPLUS_DOCUMENTS, help="ECB+ documents in the default corpus")
    parser.add_argument("--pg-url", default=os.environ.get("STORYTRACE_TEST_PG_URL", DEFAULT_PG))
    parser.add_argument("--commit", default="HEAD", help="commit whose src/ runs, or 'worktree' for the checkout")
    parser.add_argument("--tables-from", type=Path, help="only summarise this saved campaign again (and update it)")
    parser.add_argument("--sigint-share", type=float, default=0.25, help="share of the kills sent as SIGINT")
    args = parser.parse_args(argv)
    args.commands = [c.strip() for c in args.commands.split(",") if c.strip()]
    if not set(args.commands) <= {"analyze", "add"}:
        parser.error("--commands takes analyze and/or add")
    return args


def corpus_paths(args: argparse.Namespace, work: Path) -> tuple[list[str], dict[str, Any]]:
    """The runs' input paths and a description of them."""
    if args.corpus:
        paths = [str(Path(p).resolve()) for p in args.corpus]
        return paths, {"paths": paths}
    described = ecbplus_corpus(work / "ecbplus.jsonl", args.ecbplus)
    paths = [str(work / "ecbplus.jsonl"), str(REPO / "examples" / "corpus"), str(SHARED / "seeds")]
    return paths, {**described, "paths": ["ecbplus.jsonl (written at run time)", "examples/corpus", "../shared/seeds"]}


def targets(args: argparse.Namespace, work: Path) -> list[Target]:
    """The kinds of database ``--db`` names."""
    chosen: list[Target] = []
    if args.db in ("sqlite", "both"):
        chosen.append(SqliteTarget(work))
    if args.db in ("postgresql", "both"):
        chosen.append(PostgresTarget(args.pg_url))
    return chosen


def _storytrace_location(env: dict[str, str], work: Path) -> str:
    """Where the runs import storytrace from (the exported commit, not the checkout)."""
    script = "import storytrace; print(storytrace.__file__)"
    found = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=work, check=True, capture_output=True, text=True
    )
    return found.stdout.strip().replace(str(work), "<temporary folder>")


def write_json(path: Path, document: dict[str, Any]) -> None:
    """Write the campaign's document (again)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _verdict(t: dict[str, Any]) -> str:
    """One trial's outcome in a few words."""
    bad = [*t["differences"], *(["integrity"] if t["integrity_after_kill"] or t["integrity_after_rerun"] else [])]
    bad += ["duplicates"] if t["duplicates"] else []
    bad += ["rerun failed"] if t["rerun"]["rc"] != 0 else []
    return "ok" if not bad else "DIFFERS: " + ", ".join(bad)


def _trial_line(number: int, total: int, t: dict[str, Any]) -> str:
    killed = t["killed"]
    where = f"signalled at {killed['signalled_at']} s in {killed['stage_at_signal']}"
    return f"[{number}/{total}] {t['command']} {t['db']} {t['signal']} aimed at {t['aim']}, {where}: {_verdict(t)}"


def run_trials(
    campaign: Campaign, cells: list[Cell], args: argparse.Namespace, document: dict[str, Any], rng: random.Random
) -> None:
    """The kills, cells taking turns, each trial written to ``--json`` as soon as it is done."""
    schedule = [
        list(aims(cell, args.kills // len(cells) + (i < args.kills % len(cells)), args.sigint_share, rng))
        for i, cell in enumerate(cells)
    ]
    for index in range(max(map(len, schedule))):
        for cell, planned in zip(cells, schedule, strict=True):
            if index < len(planned):
                document["trials"].append(trial(campaign, cell, planned[index], rng))
                print(_trial_line(len(document["trials"]), args.kills, document["trials"][-1]), flush=True)
                write_json(args.json_out, document)


def summarise(document: dict[str, Any], path: Path) -> None:
    """Add the summary rows to a campaign's document, write it, print the tables."""
    document["rows"] = summary_rows(document["baseline"], document["trials"])
    document["by_stage"] = moment_rows(document["trials"])
    write_json(path, document)
    print("\n" + markdown_table(document["rows"]) + "\n\n" + moments_table(document["by_stage"]))


def main(argv: list[str] | None = None) -> None:
    """Run the campaign (or only summarise a saved one), print the tables, write the JSON."""
    args = parse_args(argv)
    if args.tables_from is not None:
        summarise(json.loads(args.tables_from.read_text(encoding="utf-8")), args.tables_from)
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that databases and files are removed
    rng = random.Random(args.seed)
    command_line = "python benchmarks/crash.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    with tempfile.TemporaryDirectory(prefix="storytrace-crash-") as folder:
        work = Path(folder)
        commit, source = export_source(args.commit, work)
        env = child_env(source)
        corpus, described = corpus_paths(args, work)
        campaign = Campaign(sys.executable, env, work, corpus, args.compare)
        cells = [Cell(c, t, campaign.argv(c)) for t in targets(args, work) for c in args.commands]
        document: dict[str, Any] = {
            "command": command_line,
            "commit": commit,
            "storytrace_from": _storytrace_location(env, work),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "corpus": described,
            "settings": {
                "kills": args.kills,
                "seed": args.seed,
                "compare": args.compare,
                "sigint_share": args.sigint_share,
                "sigint_grace_s": SIGINT_GRACE_S,
            },
            "baseline": [],
            "trials": [],
        }
        print(f"{command_line}\ncommit {commit}; storytrace from {document['storytrace_from']}", flush=True)
        for cell in cells:
            document["baseline"].append(baseline(campaign, cell))
            clean = f"{len(cell.clean.articles)} articles, {len(cell.clean.stories)} stories"
            print(
                f"baseline {cell.command} {cell.target.name}: {cell.seconds:.1f} s, {clean}; {cell.stages}", flush=True
            )
        run_trials(campaign, cells, args, document, rng)
        document["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        summarise(document, args.json_out)


if __name__ == "__main__":
    main()
