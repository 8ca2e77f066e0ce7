"""``add`` and ``analyze`` give the same stories on real reports: ECB+ topics from ../shared/data.

The topics are the first two in ECB+'s numeric order (the rule of ``benchmarks/stories.py --limit``),
each document given as a dict record with one stated day (ECB+ states none), as the benchmark does.
The three runs share one embedder: a batch, ``add`` of the whole batch in one call, and ``add``
called once per article in the batch's arrival order (a stream).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import storytrace
from storytrace.embed import load_embedder
from storytrace.stories import arrival_order

ECBPLUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecbplus" / "ecbplus_docs.jsonl"
TOPICS = 2
# ECB+ states no dates; one day for every record keeps time out of the grouping (benchmarks/stories.py).
DAY = "2000-01-01"


def _records() -> list[dict[str, Any]]:
    if not ECBPLUS.is_file():
        pytest.fail(f"ECB+ not found at {ECBPLUS} (the shared/ folder must sit beside the repository)")
    documents = [json.loads(line) for line in ECBPLUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    chosen = sorted({document["topic"] for document in documents}, key=int)[:TOPICS]
    return [
        {"id": document["doc_id"], "text": document["text"], "published": DAY}
        for document in documents
        if document["topic"] in chosen
    ]


def _partition(db: Path) -> set[frozenset[str]]:
    with storytrace.Store(db, storytrace.Settings(), must_exist=True) as store:
        return {frozenset(story.articles) for story in store.load_stories()}


def test_add_gives_the_stories_of_analyze_on_ecbplus_topics(tmp_path: Path) -> None:
    records = _records()
    embedder = load_embedder("auto")
    batch = storytrace.analyze(records, db=tmp_path / "batch.db", embedder=embedder, compare=False, workers=1)
    storytrace.add(records, db=tmp_path / "add.db", embedder=embedder, compare=False, workers=1)
    stream = tmp_path / "stream.db"
    by_id = {record["id"]: record for record in records}
    for article in arrival_order(list(batch.articles)):
        storytrace.add([by_id[article.id]], db=stream, embedder=embedder, compare=False, workers=1)
    expected = _partition(tmp_path / "batch.db")
    assert len(expected) > 2 and sum(len(story) > 1 for story in expected) >= 2  # real grouping happened
    assert _partition(tmp_path / "add.db") == expected
    assert _partition(stream) == expected
