"""The store: idempotent re-ingest, updates, schema versioning, and crash safety (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select, text, update

from storytrace import Article, Settings, Store, StoreError, analyze
from storytrace.model import Copy, Passage, Removal, RemovedLine
from storytrace.pipeline import Tracker
from storytrace.store.db import text_hash
from storytrace.store.schema import SCHEMA_VERSION, articles, meta, stories, story_merges
from storytrace.stories import IndexChanges, Merge, StoryIndex, StoryState, describe, story_features

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


# --- the story index ----------------------------------------------------------------------------

STORY_TEXTS = {
    "s1": ("Harbour bridge collapses", "The old harbour bridge collapsed on Tuesday morning in Valmora."),
    "s2": ("Bridge collapse injures twelve", "Twelve people were hurt when the harbour bridge in Valmora collapsed."),
    "s3": ("Football club wins derby", "Harbour FC beat Castellmar Athletic three goals to one on Saturday."),
}


def _story_articles() -> list[Article]:
    return [
        replace(ARTICLE, id=key, url=None, title=title, text=text, published=f"2025-10-1{n}", outlet=f"o{n}.example")
        for n, (key, (title, text)) in enumerate(STORY_TEXTS.items(), start=4)
    ]


def _state(state: StoryState) -> tuple[object, ...]:
    lead = None if state.lead is None else state.lead.tolist()
    return (state.id, sorted(state.articles), state.terms, state.names, state.keys, state.first_day, state.last_day,
            state.languages, lead, state.storyline, state.terms_norm, state.names_norm)  # fmt: skip


def _grow(store: Store, settings: Settings, batch: list[Article], index: StoryIndex | None = None) -> StoryIndex:
    """Add ``batch`` to the stored index (with made-up lead vectors) and save the changes."""
    index = index or store.load_story_index(settings)
    store.save_articles(batch)
    done = [index.add(story_features(a), np.full(4, 0.5, dtype=np.float32) / (n + 1), ()) for n, a in enumerate(batch)]
    changes = index.take_changes()
    stories, _ = describe(changes.stories, {a.id: a for a in batch}, ())
    store.save_story_changes(changes, done, stories)
    return index


def test_story_index_round_trips(db: str) -> None:
    settings = Settings()
    with Store(db, settings) as store:
        built = _grow(store, settings, _story_articles())
        loaded = store.load_story_index(settings)
        assert loaded.documents == built.documents == 3
        assert loaded.df == built.df
        assert sorted(map(_state, loaded.stories.values())) == sorted(map(_state, built.stories.values()))
        assert loaded.story_of == built.story_of
        (lead,) = {type(s.lead) for s in loaded.stories.values()}
        assert lead is np.ndarray and all(s.lead.dtype == np.float32 for s in loaded.stories.values())
        listed = store.load_stories()
        assert sorted(a for s in listed for a in s.articles) == ["s1", "s2", "s3"]
        assert all(s.title in {t for t, _ in STORY_TEXTS.values()} for s in listed)
        assert store.story_of("s1") == built.story_of["s1"] and store.story_of("nope") is None
        assert store.unassigned_articles() == []


def test_story_language_counts_round_trip(db: str) -> None:
    settings = Settings()
    batch = _story_articles()
    batch[1] = replace(batch[1], language=None)  # the bridge story: one English member, one of unknown language
    with Store(db, settings) as store:
        built = _grow(store, settings, batch)
        bridge = built.story_of["s1"]
        assert built.story_of["s2"] == bridge and built.stories[bridge].languages == {"en": 1, "": 1}
        loaded = store.load_story_index(settings)
        assert {s.id: s.languages for s in loaded.stories.values()} == {
            s.id: s.languages for s in built.stories.values()
        }
        assert store.load_story(bridge).languages == ("en",)  # type: ignore[union-attr]
        # A tracker adding to the reloaded index writes the grown counts.
        tracker = Tracker(store, settings)
        more = replace(batch[0], id="s4", text=batch[0].text + " Divers searched the river.", language="de")
        tracker.add(more)
    with Store(db, settings) as store:
        assert store.load_story_index(settings).stories[bridge].languages == {"en": 1, "": 1, "de": 1}


def test_version_5_database_gets_story_language_counts(db: str) -> None:
    settings = Settings()
    batch = _story_articles()
    batch[1] = replace(batch[1], language="de")
    with Store(db, settings) as store:
        built = _grow(store, settings, batch)
        with store.engine.begin() as connection:
            # Schema 5: the sorted codes, and each language's member count among the names.
            for state in built.stories.values():
                names = state.names | {f"lang:{code}": float(n) for code, n in state.languages.items()}
                row = stories.update().where(stories.c.id == state.id)
                connection.execute(row.values(languages=sorted(state.languages), names=names))
            connection.execute(update(meta).where(meta.c.key == "schema_version").values(value="5"))
    with Store(db, settings) as store:
        assert store.schema_version == SCHEMA_VERSION
        loaded = store.load_story_index(settings)
        assert sorted(map(_state, loaded.stories.values())) == sorted(map(_state, built.stories.values()))
        assert loaded.stories[built.story_of["s1"]].languages == {"de": 1, "en": 1}
        assert sorted(s.languages for s in store.load_stories()) == [("de", "en"), ("en",)]


def test_merges_move_articles_and_are_kept_in_history(db: str) -> None:
    settings = Settings()
    with Store(db, settings) as store:
        index = _grow(store, settings, _story_articles())
        keep, gone = index.story_of["s1"], index.story_of["s3"]
        assert keep != gone
        state = index.stories[keep]
        state.articles.extend(index.stories.pop(gone).articles)
        changes = IndexChanges(index.documents, {}, [state], [gone], [Merge(gone, keep, "s3", 0.7)])
        store.save_story_changes(changes, [])
        assert store.story_of("s3") == keep and store.resolve_story(gone) == keep
        assert store.load_story(gone) == store.load_story(keep)  # a merged id names the story it joined
        assert set(store.load_story(keep).articles) >= {"s1", "s3"}  # type: ignore[union-attr]
        with store.engine.connect() as connection:
            history = connection.execute(select(story_merges.c.merged, story_merges.c.into)).all()
        assert [tuple(row) for row in history] == [(gone, keep)]


def test_a_failed_story_write_leaves_nothing_behind(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings()
    with Store(db, settings) as store:
        _grow(store, settings, _story_articles()[:1])
        before = store.load_story_index(settings)

        def broken(*_: object) -> None:  # fails after the stories and terms were written
            raise StoreError("disk full")

        monkeypatch.setattr(Store, "_place", broken)
        with pytest.raises(StoreError, match="disk full"):
            _grow(store, settings, _story_articles()[1:])
        after = store.load_story_index(settings)
        assert (after.documents, after.df) == (before.documents, before.df)
        assert sorted(map(_state, after.stories.values())) == sorted(map(_state, before.stories.values()))
        assert [a.id for a in store.unassigned_articles()] == ["s2", "s3"]


def test_two_writers_cannot_overwrite_each_other(db: str) -> None:
    settings = Settings()
    with Store(db, settings) as store:
        stale = store.load_story_index(settings)
        _grow(store, settings, _story_articles()[:1])
        with pytest.raises(StoreError, match="changed while this run"):
            _grow(store, settings, _story_articles()[1:], index=stale)


def test_version_2_database_gets_its_stories_on_next_use(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    with Store(path, Settings()) as store:
        store.save_articles(_story_articles())
        with store.engine.begin() as connection:
            for table in ("story_merges", "story_terms", "story_articles", "stories"):
                connection.execute(text(f"DROP TABLE {table}"))
            connection.execute(update(meta).where(meta.c.key == "schema_version").values(value="2"))
    with Store(path, Settings()) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert [a.id for a in store.unassigned_articles()] == ["s1", "s2", "s3"]
        tracker = Tracker(store, Settings())
        tracker.catch_up()
        assert set(tracker.index.story_of) == {"s1", "s2", "s3"}
        assert store.unassigned_articles() == []
        assert store.load_story_index(Settings()).documents == 3


def test_kill_9_mid_add_leaves_a_consistent_story_index(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    words = [f"{stem}{suffix}" for stem in ("harbour", "council", "budget", "ferry", "school", "storm", "court")
             for suffix in ("s", "ing", "ed", "er", "ly", "ment", "ness", "al", "ic", "ous")]  # fmt: skip
    records = []
    for n in range(1500):  # texts drawn at random: no copies, many small stories
        pick = random.Random(n).choices
        body = ". ".join(" ".join(pick(words, k=12)) for _ in range(6))
        records.append(json.dumps({"id": f"k{n}", "title": " ".join(pick(words, k=5)), "text": body + "."}))
    (corpus / "batch.jsonl").write_text("\n".join(records), encoding="utf-8")
    path = tmp_path / "add.db"
    command = [sys.executable, "-m", "storytrace.cli", "add", str(corpus), "--db", str(path), "--embedder", "none"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if _count(path, "story_articles") > 20:
            break
        time.sleep(0.05)
    assert process.poll() is None, "add finished before it could be killed; make the corpus larger"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    _assert_consistent_index(path)
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    _assert_consistent_index(path)
    assert _count(path, "story_articles") == _count(path, "articles") == 1500


def _count(path: Path, table: str) -> int:
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path, timeout=1) as connection:
            return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def _assert_consistent_index(path: Path) -> None:
    """Every placed article's story exists and counts it; the document count matches the placements."""
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute(
            "SELECT count(*) FROM story_articles WHERE story_id NOT IN (SELECT id FROM stories)"
        ).fetchone() == (0,)
        placed, counted = connection.execute(
            "SELECT (SELECT count(*) FROM story_articles), (SELECT coalesce(sum(article_count), 0) FROM stories)"
        ).fetchone()
        assert placed == counted
        documents = connection.execute("SELECT value FROM storytrace_meta WHERE key = 'story_documents'").fetchone()
        assert int(documents[0]) == placed
