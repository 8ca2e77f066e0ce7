"""The store: idempotent re-ingest, updates, schema versioning, and crash safety (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import update

from storytrace import Article, Settings, Store, StoreError, analyze
from storytrace.model import Copy, Passage, Removal, RemovedLine
from storytrace.store.db import text_hash
from storytrace.store.schema import SCHEMA_VERSION, articles, meta

ARTICLE = Article(
    id="a1",
    source="test",
    text="First paragraph of the story.\n\nSecond paragraph.",
    url="https://news.example/a1",
    outlet="news.example",
    title="A title",
    published="2025-05-12",
    language="en",
    sentences=((0, 29), (31, 48)),
    removed=(RemovedLine("Share this article", Removal.SHARE_WIDGET),),
)


def test_round_trip_keeps_every_field(db: str) -> None:
    with Store(db, Settings()) as store:
        assert [r.status for r in store.save_articles([ARTICLE])] == ["new"]
        assert store.load_articles() == [ARTICLE]
        assert store.schema_version == SCHEMA_VERSION


def test_same_id_url_or_text_is_stored_once(db: str) -> None:
    same_url = replace(ARTICLE, id="other-id", text="Entirely different text of the page.")
    same_text = replace(ARTICLE, id="third-id", url="https://mirror.example/x", text=ARTICLE.text.upper() + "  ")
    with Store(db, Settings()) as store:
        store.save_articles([ARTICLE])
        results = store.save_articles([ARTICLE, same_url, same_text])
        assert [(r.status, r.duplicate_of) for r in results] == [
            ("unchanged", None),
            ("duplicate", "a1"),
            ("duplicate", "a1"),
        ]
        assert store.count_articles() == 1


def test_duplicates_within_one_batch(db: str) -> None:
    twin = replace(ARTICLE, id="twin", url=None)
    with Store(db, Settings()) as store:
        results = store.save_articles([ARTICLE, twin, ARTICLE])
        assert [r.status for r in results] == ["new", "duplicate", "unchanged"]
        assert store.count_articles() == 1


def test_changed_article_with_same_id_is_updated(db: str) -> None:
    changed = replace(ARTICLE, text="A corrected first paragraph.", sentences=((0, 28),), title="New title")
    with Store(db, Settings()) as store:
        store.save_articles([ARTICLE])
        assert [r.status for r in store.save_articles([changed])] == ["updated"]
        assert store.load_articles(["a1"]) == [changed]


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with Store(path, Settings()) as store, store.engine.begin() as connection:
        connection.execute(update(meta).where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION + 1)))
    with pytest.raises(StoreError, match="newer than this storytrace"):
        Store(path, Settings())


def test_unusable_database_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        Store(tmp_path / "no-such-dir" / "x.db", Settings())


def test_reanalysing_the_same_inputs_is_idempotent(db: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(30):
        (corpus / f"n{number}.txt").write_text(
            f"Headline number {number} about the harbour\n\n"
            + f"Paragraph {number}: the council met on Monday and decided that the harbour would stay open. " * 3,
            encoding="utf-8",
        )
    first = analyze(corpus, db=db, workers=1)
    second = analyze(corpus, db=db, workers=1)
    assert first.stored == {"new": 30}
    assert second.stored == {"unchanged": 30}
    assert [a.id for a in second.articles] == [a.id for a in first.articles]
    with Store(db, Settings()) as store:
        assert store.count_articles() == 30


def _write_corpus(folder: Path, count: int) -> None:
    folder.mkdir()
    lines = [
        json.dumps({"id": f"k{n}", "title": f"Report {n}", "text": f"Body of report {n}. " * 40}) for n in range(count)
    ]
    (folder / "batch.jsonl").write_text("\n".join(lines), encoding="utf-8")


def test_kill_9_mid_ingest_leaves_a_consistent_database(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _write_corpus(corpus, 5000)
    path = tmp_path / "kill.db"
    command = [
        sys.executable,
        "-m",
        "storytrace.cli",
        "analyze",
        str(corpus),
        "--db",
        str(path),
        "--quiet",
        "--workers",
        "1",
        "--embedder",
        "none",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    # Kill once the first batches are committed and more are still being written.
    while time.monotonic() < deadline and process.poll() is None:
        if path.exists():
            try:
                with sqlite3.connect(path, timeout=1) as connection:
                    stored = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:
                stored = 0
            if stored > 0:
                break
        time.sleep(0.05)
    assert process.poll() is None, "ingest finished before it could be killed; make the corpus larger"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        partial = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert 0 < partial < 5000
        assert partial % Settings().store_batch_size == 0  # whole transactions only
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute(
            "SELECT count(*), count(DISTINCT id), count(DISTINCT text_hash) FROM articles"
        ).fetchone() == (5000, 5000, 5000)


def test_same_text_at_another_outlet_is_a_separate_article(db: str) -> None:
    wire_copy = replace(ARTICLE, id="wire-copy", url="https://wire.example/x", outlet="wire.example")
    with Store(db, Settings()) as store:
        results = store.save_articles([ARTICLE, wire_copy])
        assert [r.status for r in results] == ["new", "new"]


COPY = Copy(
    original="a1",
    copy="a2",
    kind="edited",
    score=0.8,
    passages=(Passage((0, 29), (5, 34), 0.97), Passage((31, 48), (40, 57), 1.0)),
    direction="publication date",
)


def test_copies_round_trip_and_are_replaced_per_article(db: str) -> None:
    with Store(db, Settings()) as store:
        store.save_copies([COPY, replace(COPY, original="b1", copy="b2")], ["a1", "a2", "b1", "b2"])
        assert store.load_copies(["a2"]) == [COPY]
        # Re-analysing a1 and a2 replaces their relations and leaves the others alone.
        store.save_copies([replace(COPY, kind="verbatim")], ["a1", "a2"])
        assert [(c.original, c.kind) for c in store.load_copies()] == [("a1", "verbatim"), ("b1", "edited")]
        # A later batch holding b2 and a new article compares only those two: b1 -> b2 stays.
        store.save_copies([replace(COPY, original="b2", copy="c1")], ["b2", "c1"])
        assert [(c.original, c.copy) for c in store.load_copies()] == [("a1", "a2"), ("b1", "b2"), ("b2", "c1")]


def test_version_1_database_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Store(path, Settings()) as store:
        store.save_articles([ARTICLE])
        with store.engine.begin() as connection:
            connection.execute(update(meta).where(meta.c.key == "schema_version").values(value="1"))
            connection.execute(update(articles).values(text_hash="version-1-hash"))
    with Store(path, Settings()) as store:
        assert store.schema_version == SCHEMA_VERSION
        with store.engine.connect() as connection:
            stored = connection.execute(articles.select()).one()
        assert stored.text_hash == text_hash(ARTICLE.text, ARTICLE.outlet)
        assert [r.status for r in store.save_articles([ARTICLE])] == ["unchanged"]
