"""Runs that are stopped, killed, raced or refused: nothing lost, nothing half-written, reruns converge."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace import Article, Interrupted, Settings, Store, StoreError, analyze
from storytrace.cli import app
from storytrace.cli.runtime import EXIT_INTERNAL, EXIT_INTERRUPTED
from storytrace.pipeline import add
from storytrace.tracker import Tracker

from .conftest import EXAMPLES

FAST = {"compare": False, "embedder": None}


def _state(db: str) -> tuple[set[str], set[tuple[str, str, str]], set[frozenset[str]]]:
    """A database's articles, copy relations and stories (as sets of article ids)."""
    with Store(db, Settings()) as store:
        articles = {article.id for article in store.load_articles()}
        copies = {(c.original, c.copy, c.kind) for c in store.load_copies()}
        stories = {frozenset(story.articles) for story in store.load_stories()}
    return articles, copies, stories


def _corpus(seeds: Path) -> list[str]:
    return [str(EXAMPLES), str(seeds)]


# --- the same id twice, and the report's account of every input ----------------------------------


def test_one_id_with_two_texts_keeps_the_first_and_says_so(tmp_path: Path) -> None:
    first = {"id": "x", "text": "The harbour council voted on Monday to keep the ferry running through the winter."}
    second = {"id": "x", "text": "A storm closed the mountain road for two days, the transport office said."}
    db = tmp_path / "twice.db"
    report = analyze([first, second], db=db, **FAST)
    assert [a.text for a in report.articles] == [first["text"]]
    assert [(p.source, p.kind.value) for p in report.problems] == [("<records>[2]", "error")]
    assert "<records>[1]" in report.problems[0].reason
    rerun = analyze([first, second], db=db, **FAST)
    assert rerun.stored == {"unchanged": 1}  # not "updated": the rerun agrees with the first run


def test_the_json_report_accounts_for_every_article_read(tmp_path: Path) -> None:
    text = "The harbour council voted on Monday to keep the ferry running through the winter, officials said."
    records = [
        {"id": "a", "text": text, "outlet": "Coast News"},
        {"id": "b", "text": text, "outlet": "Coast News"},  # the same text at the same outlet: a duplicate
        {"id": "c", "text": "Shares in the shipyard rose by a third after the order for four ferries was signed."},
    ]
    out = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["analyze", "-", "--db", str(tmp_path / "r.db"), "--no-compare",
                                      "--embedder", "none", "--json", str(out), "--quiet"],
                                input="\n".join(json.dumps(r) for r in records))  # fmt: skip
    assert result.exit_code == 0, result.output
    inputs = json.loads(out.read_text())["inputs"]
    assert [(i["id"], i["status"], i["duplicate_of"]) for i in inputs] == [
        ("a", "new", None),
        ("b", "duplicate", "a"),
        ("c", "new", None),
    ]
    assert [i["source"] for i in inputs] == ["<stdin>:1", "<stdin>:2", "<stdin>:3"]


# --- what the database refuses ---------------------------------------------------------------------


def test_an_article_the_database_refuses_costs_no_other(db: str) -> None:
    good = [Article(id=f"g{n}", source=f"g{n}.txt", text=f"Story number {n} about the harbour.") for n in range(3)]
    bad = Article(id="bad", source="bad.txt", text="A lone surrogate \ud800 no driver can encode.")
    with Store(db, Settings()) as store:
        results = store.save_articles([good[0], bad, *good[1:]])
        assert [(r.article_id, r.status) for r in results] == [
            ("g0", "new"),
            ("bad", "rejected"),
            ("g1", "new"),
            ("g2", "new"),
        ]
        assert results[1].source == "bad.txt" and results[1].reason
        assert [a.id for a in store.load_articles()] == ["g0", "g1", "g2"]


# --- writers take turns ------------------------------------------------------------------------------


@pytest.fixture
def held(db: str) -> Iterator[tuple[str, threading.Event]]:
    """A database whose writer lock another thread holds until the event is set."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with Store(db, Settings()) as store, store.writer_lock("first writer"):
            taken.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(10)
    yield db, release
    release.set()
    holder.join()


def test_a_second_writer_gives_up_naming_the_first(held: tuple[str, threading.Event]) -> None:
    db, _ = held
    with Store(db, Settings(writer_wait_seconds=0.5)) as store:
        started = time.monotonic()
        with pytest.raises(StoreError, match="first writer, pid"), store.writer_lock("second writer"):
            pass
        assert 0.5 <= time.monotonic() - started < 5


def test_a_second_writer_waits_and_is_told_whom_for(held: tuple[str, threading.Event]) -> None:
    db, release = held
    notes: list[str] = []
    threading.Timer(0.5, release.set).start()
    with Store(db, Settings(writer_wait_seconds=30)) as store, store.writer_lock("second writer", notes.append):
        assert store._meta_value("writer").startswith("second writer")  # noqa: SLF001
    assert len(notes) == 1 and "first writer" in notes[0]


def test_runs_opening_a_new_database_at_once_all_succeed(db: str, tmp_path: Path) -> None:
    failures: list[str] = []
    targets = [db, *(str(tmp_path / f"new{n}.db") for n in range(5))] if "://" in db else [
        str(tmp_path / f"new{n}.db") for n in range(6)]  # fmt: skip

    def open_store(target: str) -> None:
        try:
            with Store(target, Settings()) as store:
                store.load_stories()
        except StoreError as error:
            failures.append(str(error))

    for target in targets:
        openers = [threading.Thread(target=open_store, args=(target,)) for _ in range(6)]
        for opener in openers:
            opener.start()
        for opener in openers:
            opener.join()
    assert failures == []


def test_two_analyses_at_once_both_store_everything(db: str, tmp_path: Path) -> None:
    halves = []
    for half in range(2):
        lines = [
            json.dumps({"id": f"h{half}-{n}", "text": f"Report {n} of batch {half}: the council of town {n} met on "
                        f"Monday and agreed a budget of {n} million for schools, the mayor said."})
            for n in range(40)
        ]  # fmt: skip
        path = tmp_path / f"half{half}.jsonl"
        path.write_text("\n".join(lines))
        halves.append(path)
    command = [sys.executable, "-m", "storytrace.cli", "analyze", "--db", db, "--no-compare", "--embedder", "none"]
    runs = [subprocess.Popen([*command, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for path in halves]  # fmt: skip
    outcomes = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outcomes
    articles, _, stories = _state(db)
    assert len(articles) == 80
    assert sum(len(story) for story in stories) == 80


# --- interrupts and kills ------------------------------------------------------------------------------


def test_an_interrupt_while_parsing_keeps_what_was_parsed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                           seeds: Path) -> None:  # fmt: skip
    import storytrace.comparisons as comparisons

    parsed: list[str] = []
    real = comparisons.iter_parsed

    def stopping(articles, references, settings, executor):  # type: ignore[no-untyped-def]
        for number, parse in enumerate(real(articles, references, settings, executor), start=1):
            if number > 2:
                raise KeyboardInterrupt
            parsed.append(parse.article.id)
            yield parse

    monkeypatch.setattr(comparisons, "iter_parsed", stopping)
    settings = Settings(store_batch_size=2)
    db = tmp_path / "stopped.db"
    with pytest.raises(Interrupted, match=r"while reading quotes and facts; kept: 5 of 5 articles stored, "
                                          r"5 in stories, 2 parsed"):  # fmt: skip
        analyze([str(seeds)], db=db, settings=settings, embedder=None, workers=1)
    parsed_again: list[str] = []

    def counting(articles, references, settings, executor):  # type: ignore[no-untyped-def]
        parsed_again.extend(article.id for article in articles)
        return real(articles, references, settings, executor)

    monkeypatch.setattr(comparisons, "iter_parsed", counting)
    analyze([str(seeds)], db=db, settings=settings, embedder=None, workers=1)
    assert len(parsed_again) == 3 and not set(parsed_again) & set(parsed)


def _assert_rerun_converges(run: Callable[..., object], db: str, tmp_path: Path, seeds: Path,
                            monkeypatch: pytest.MonkeyPatch, kept: str) -> None:  # fmt: skip
    """With a stop planted: the stopped run says what it kept, and a rerun of the same input
    gives a clean run's articles, copies and stories."""
    with pytest.raises(Interrupted, match=kept):
        run(_corpus(seeds), db=db, **FAST)
    monkeypatch.undo()
    clean_db = str(tmp_path / "clean.db")
    run(_corpus(seeds), db=clean_db, **FAST)
    run(_corpus(seeds), db=db, **FAST)
    assert _state(db) == _state(clean_db)


def test_a_run_stopped_before_its_copies_converges_on_rerun(monkeypatch: pytest.MonkeyPatch, db: str,
                                                             tmp_path: Path, seeds: Path) -> None:  # fmt: skip
    """Stopped between storing the articles and saving their copies (the moment that used to
    leave stories no rerun repaired): the rerun gives the clean run's copies and stories."""
    import storytrace.pipeline as pipeline

    def stopped(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "detect_copies", stopped)
    _assert_rerun_converges(analyze, db, tmp_path, seeds, monkeypatch, "kept: 18 of 18 articles stored, 0 in stories")


def test_a_run_stopped_while_grouping_keeps_its_written_stories_and_converges(
    monkeypatch: pytest.MonkeyPatch, db: str, tmp_path: Path, seeds: Path
) -> None:
    """The index's state is written every ``story_save_articles`` articles: stopped at the 11th
    article with writes every 4, the run keeps 8 articles in stories, and the rerun groups the
    rest as a clean run does."""
    from storytrace.stories.index import StoryIndex

    real_add = StoryIndex.add
    added: list[str] = []

    def stopping(self: StoryIndex, features, *arguments):  # type: ignore[no-untyped-def]
        if len(added) == 10:
            raise KeyboardInterrupt
        added.append(features.id)
        return real_add(self, features, *arguments)

    monkeypatch.setattr(StoryIndex, "add", stopping)
    settings = Settings(story_save_articles=4)
    with pytest.raises(Interrupted, match="kept: 18 of 18 articles stored, 8 in stories"):
        analyze(_corpus(seeds), db=db, settings=settings, **FAST)
    monkeypatch.undo()
    clean_db = str(tmp_path / "clean.db")
    analyze(_corpus(seeds), db=clean_db, settings=settings, **FAST)
    analyze(_corpus(seeds), db=db, settings=settings, **FAST)
    assert _state(db) == _state(clean_db)


def test_a_stopped_add_converges_on_rerun(monkeypatch: pytest.MonkeyPatch, db: str, tmp_path: Path,
                                          seeds: Path) -> None:  # fmt: skip
    """Stopped after storing an article but before checking it for copies: the rerun checks it
    (it used to be grouped without, losing its copy relation for good)."""
    real = Tracker._place  # noqa: SLF001
    calls = {"count": 0}

    def stopping(self: Tracker, article: Article, status: str):  # type: ignore[no-untyped-def]
        calls["count"] += 1
        if calls["count"] == 8:
            raise KeyboardInterrupt
        return real(self, article, status)

    monkeypatch.setattr(Tracker, "_place", stopping)
    _assert_rerun_converges(add, db, tmp_path, seeds, monkeypatch, "kept: 8 of 18 articles stored, 7 in stories")


def _has_articles(db: Path) -> bool:
    try:
        with Store(db, Settings(), must_exist=True) as store:
            return store.count_articles() > 0
    except StoreError:  # not made yet, or its schema is being created
        return False


def test_ctrl_c_stops_a_run_within_seconds_and_says_what_was_kept(tmp_path: Path, seeds: Path) -> None:
    db = tmp_path / "ctrl-c.db"
    run = subprocess.Popen(
        [sys.executable, "-m", "storytrace.cli", "analyze", *_corpus(seeds), "--db", str(db), "--embedder", "none",
         "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not _has_articles(db):  # stored: now finding copies, grouping or parsing
        assert run.poll() is None and time.monotonic() < deadline, run.communicate()
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGINT)  # as a terminal does: to the whole process group, workers included
    sent = time.monotonic()
    _, stderr = run.communicate(timeout=30)
    assert time.monotonic() - sent < 3
    assert run.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "interrupted while" in stderr and "kept:" in stderr


@pytest.mark.parametrize("delay", [0.1, 0.4])
def test_ctrl_c_while_the_command_starts_prints_no_traceback(tmp_path: Path, delay: float) -> None:
    run = subprocess.Popen(
        [sys.executable, "-m", "storytrace.cli", "analyze", str(EXAMPLES), "--db", str(tmp_path / "s.db")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(delay)  # while Python imports the libraries
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr


# --- messages instead of tracebacks ------------------------------------------------------------------


def _cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "storytrace.cli", *arguments], capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def test_a_database_path_with_markup_is_printed_literally(tmp_path: Path) -> None:
    shown = _cli("analyze", str(EXAMPLES / "text"), "--db", "/nonexistent/[/bold]x.db", "--no-compare")
    assert shown.returncode == 2
    assert "[/bold]x.db" in shown.stderr and "Traceback" not in shown.stderr


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("shopping list: bread, milk, a new database\n" * 100)
    for arguments in (("stories",), ("analyze", str(EXAMPLES / "text"), "--no-compare")):
        shown = _cli(*arguments, "--db", str(notes))
        assert shown.returncode == 2, shown.stderr
        assert "not a SQLite database" in shown.stderr and "Traceback" not in shown.stderr


def test_readers_do_not_create_a_missing_database(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    for arguments in (("stories",), ("show", "st-x"), ("copies",)):
        shown = _cli(*arguments, "--db", str(missing))
        assert shown.returncode == 2 and "no database at" in shown.stderr
    assert not missing.exists()


def test_a_read_only_database_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seeds: Path) -> None:
    db = tmp_path / "ro.db"
    analyze([str(seeds)], db=db, embedder=None, compare=False)
    monkeypatch.setattr("storytrace.store.db._writable", lambda _path: False)
    with Store(db, Settings(), must_exist=True) as store:
        assert store.readonly
        story = store.load_stories()[0]
        with pytest.raises(StoreError, match="read-only"):
            store.save_articles([Article(id="n", source="n", text="A new article.")])
    from storytrace.pipeline import compare_story

    _, comparison = compare_story(story.id, db=db, embedder=None, workers=1)  # parsed, not cached
    assert comparison.story == story.id
    with Store(db, Settings()) as store:
        assert store.batch_progress(story.articles)["parsed"] == 0


def test_an_internal_error_has_its_own_exit_code_and_no_traceback(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:  # fmt: skip
    def broken(*_: object, **__: object) -> None:
        raise ZeroDivisionError("planted bug")

    monkeypatch.setattr("storytrace.cli.ingest.run_analysis", broken)
    arguments = ["analyze", str(EXAMPLES / "text"), "--db", str(tmp_path / "b.db")]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == EXIT_INTERNAL
    assert "internal error" in result.output and "ZeroDivisionError: planted bug" in result.output
    assert "Traceback" not in result.output and "--debug" in result.output
    debugged = CliRunner().invoke(app, ["--debug", *arguments])
    assert debugged.exit_code == EXIT_INTERNAL and "Traceback" in debugged.output


def test_a_ctrl_c_python_swallowed_still_stops_the_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Python drops a KeyboardInterrupt raised inside a finalizer; the next progress step raises it again."""
    from storytrace.cli import ingest, runtime

    def swallowing(*_: object, progress: object, **__: object) -> None:
        with contextlib.suppress(KeyboardInterrupt):  # what Python does with it inside a __del__
            runtime.Interrupts.handler(signal.SIGINT, None)  # the signal, as it arrives
        progress.stage("cleaning", 1)  # type: ignore[attr-defined]
        raise AssertionError("the run went on after Ctrl-C")

    monkeypatch.setattr(ingest, "run_analysis", swallowing)
    result = CliRunner().invoke(app, ["analyze", str(EXAMPLES / "text"), "--db", str(tmp_path / "s.db")])
    assert result.exit_code == EXIT_INTERRUPTED, result.output
    assert "interrupted" in result.output
