"""The analyze and add APIs: batches, workers, inputs that clean to nothing, and stories."""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace import Report, Settings, Store, analyze
from storytrace.model import ProblemKind
from storytrace.pipeline import add, compare_pair
from storytrace.stories import arrival_order

from .conftest import EXAMPLES


def test_pages_of_pure_clutter_are_problems_not_duplicates(tmp_path: Path) -> None:
    report = analyze(
        [{"id": "a", "text": "Share this article"}, {"id": "b", "text": "Leave a Reply"}], db=tmp_path / "p.db"
    )
    assert report.articles == ()
    assert report.duplicates == {}
    assert [(p.kind, p.reason) for p in report.problems] == [
        (ProblemKind.ERROR, "no article text left after removing boilerplate")
    ] * 2


def test_parallel_and_serial_cleaning_agree(tmp_path: Path) -> None:
    records = [
        {
            "id": f"p{n}",
            "title": f"Report {n} on the harbour",
            "text": f"Share this article\n\nThe council met for session {n} and agreed that the harbour "
            f"would stay open through the winter, officials said on Monday.\n\nLeave a Reply",
        }
        for n in range(450)  # above the size at which a process pool is used
    ]
    serial = analyze(records, db=tmp_path / "s.db", workers=1)
    parallel = analyze(records, db=tmp_path / "p.db", workers=2)
    assert serial.articles == parallel.articles
    assert len(serial.articles) == 450
    # The report says how each step ran: the cleaning in two processes only when asked for.
    cleaning = {step.name: step for step in parallel.steps}["cleaning"]
    assert (cleaning.items, cleaning.processes) == (450, 2)
    assert {step.name: step.processes for step in serial.steps}["cleaning"] == 1
    assert [step.name for step in serial.steps][:2] == ["cleaning", "aligning candidates"]


# --- stories ------------------------------------------------------------------------------------


def _partition(report: Report) -> set[tuple[str, frozenset[str]]]:
    return {(story.id, frozenset(story.articles)) for story in report.stories}


def _lines(report: Report) -> set[frozenset[str]]:
    return {frozenset(line.stories) for line in report.storylines}


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str | None]]:
    """The example corpus' cleaned articles as JSONL-shaped records, without the copies (the
    articles that copy another), in arrival order."""
    report = analyze(EXAMPLES, db=tmp_path_factory.mktemp("ex") / "e.db", workers=1, embedder="none")
    copied = {relation.copy for relation in report.copies}
    return [
        {key: getattr(a, key) for key in ("id", "title", "text", "published", "outlet", "language", "url")}
        for a in arrival_order(report.articles)
        if a.id not in copied
    ]


def test_analyze_puts_every_article_in_one_story(tmp_path: Path) -> None:
    report = analyze(EXAMPLES, db=tmp_path / "s.db", workers=1, embedder="none")
    members = [article for story in report.stories for article in story.articles]
    assert sorted(members) == sorted(article.id for article in report.articles)
    assert sorted(s for line in report.storylines for s in line.stories) == sorted(s.id for s in report.stories)
    assert report.grouped["new"] == len(report.stories) - report.grouped.get("merged", 0)
    for story in report.stories:
        assert story.title and story.start and story.end and story.start <= story.end
        assert set(story.originals) <= set(story.articles)


def test_seed_stories_and_storyline(seeds: Path, tmp_path: Path) -> None:
    # The seeds: 000-003 report one event (Putin's security demands answered), 004 an earlier
    # one (the call for talks with NATO); together they are one storyline.
    report = analyze(seeds, db=tmp_path / "s.db", workers=1, embedder="none")
    by_prefix = {story.id: {a[:3] for a in story.articles} for story in report.stories}
    assert sorted(map(sorted, by_prefix.values())) == [["000", "001", "002", "003"], ["004"]]
    assert len(report.storylines) == 1 and len(report.storylines[0].stories) == 2


def test_analyze_twice_changes_no_story(tmp_path: Path) -> None:
    db = tmp_path / "twice.db"
    first = analyze(EXAMPLES, db=db, workers=1, embedder="none")
    with Store(db, Settings()) as store:
        before = store.load_stories()
    second = analyze(EXAMPLES, db=db, workers=1, embedder="none")
    assert second.grouped == {"known": len(first.articles)}
    assert (second.stories, second.storylines) == (first.stories, first.storylines)
    with Store(db, Settings()) as store:
        assert store.load_stories() == before


def test_a_second_batch_joins_the_stored_stories(records: list[dict[str, str | None]], tmp_path: Path) -> None:
    whole = analyze(records, db=tmp_path / "whole.db", workers=1, embedder="none")
    assert whole.copies == ()
    half = len(records) // 2
    db = tmp_path / "halves.db"
    first = analyze(records[:half], db=db, workers=1, embedder="none")
    second = analyze(records[half:], db=db, workers=1, embedder="none")
    # The second batch's articles joined stories the first batch opened...
    assert {s.id for s in second.stories} & {s.id for s in first.stories}
    # ...and two batches in arrival order build what one batch builds.
    assert _partition(second) | _partition(first) >= _partition(whole)
    with Store(db, Settings()) as store:
        stored = {(s.id, frozenset(s.articles)) for s in store.load_stories()}
    assert stored == _partition(whole)


def test_add_one_by_one_equals_analyze(records: list[dict[str, str | None]], tmp_path: Path) -> None:
    batch = analyze(records, db=tmp_path / "batch.db", workers=1, embedder="none")
    streamed = add(records, db=tmp_path / "stream.db", embedder="none")
    assert streamed.copies == batch.copies == ()
    assert _partition(streamed) == _partition(batch)
    assert _lines(streamed) == _lines(batch)
    assert [s.title for s in streamed.stories] == [s.title for s in batch.stories]


def test_add_finds_a_copy_of_a_stored_article(seeds: Path, tmp_path: Path) -> None:
    batch = analyze(seeds, db=tmp_path / "batch.db", workers=1, embedder="none")
    (relation,) = batch.copies
    copy_file = next(seeds.glob(f"{relation.copy}.*"))
    db = tmp_path / "stream.db"
    first = add([path for path in sorted(seeds.iterdir()) if path != copy_file], db=db, embedder="none")
    assert first.copies == () and relation.original in {a.id for a in first.articles}
    second = add(copy_file, db=db, embedder="none")
    assert [(c.original, c.copy, c.kind) for c in second.copies] == [(relation.original, relation.copy, relation.kind)]
    assert second.grouped == {"copy": 1}
    (story,) = [s for s in second.stories if relation.copy in s.articles]
    assert relation.original in story.articles and relation.copy not in story.originals
    with Store(db, Settings()) as store:
        assert store.load_copies([relation.copy]) == list(second.copies)


def test_every_door_gives_one_copy_verdict(tmp_path: Path) -> None:
    # analyze, add and compare_pair (behind `storytrace compare` and the web's side-by-side view),
    # all with the default embedder, on the example corpus (translated, spun and verbatim copies).
    batch = analyze(EXAMPLES, db=tmp_path / "batch.db", compare=False)
    streamed = add(EXAMPLES, db=tmp_path / "stream.db", compare=False)
    verdicts = {(c.original, c.copy): (c.kind, c.direction) for c in batch.copies}
    assert {(c.original, c.copy): (c.kind, c.direction) for c in streamed.copies} == verdicts
    assert {kind for kind, _ in verdicts.values()} >= {"translated", "spun", "verbatim"}
    for relation in batch.copies:
        # Either order of the ids: the same relation, passages given with the first id's spans as original.
        for first, second in ((relation.original, relation.copy), (relation.copy, relation.original)):
            left, right, passages, found = compare_pair(first, second, tmp_path / "batch.db")
            assert found == relation and (left.id, right.id) == (first, second)
            spans = [p.original for p in passages] if first == relation.original else [p.copy for p in passages]
            assert spans == [p.original for p in relation.passages]
    # A pair analyze did not relate is judged afresh, with the same evidence: still no copy.
    ids = sorted({a.id for a in batch.articles})
    unrelated = next((a, b) for a in ids for b in ids if a < b and not {(a, b), (b, a)} & set(verdicts))
    assert compare_pair(*unrelated, tmp_path / "batch.db")[3] is None


class _Recorder:
    """A progress sink that keeps every stage with its total and advances."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, int | None, list[int]]] = []

    def stage(self, name: str, total: int | None) -> None:
        self.stages.append((name, total, []))

    def advance(self, count: int = 1) -> None:
        self.stages[-1][2].append(count)

    def note(self, message: str) -> None:
        pass


def test_progress_moves_article_by_article_while_grouping(tmp_path: Path) -> None:
    # A large store batch: the bar moved once a batch before, so it stood still for its whole time.
    sink = _Recorder()
    report = analyze([str(EXAMPLES)], db=tmp_path / "p.db", settings=Settings(store_batch_size=500), progress=sink,
                     embedder=None, compare=False)  # fmt: skip
    ((name, total, advances),) = [stage for stage in sink.stages if stage[0] == "grouping stories"]
    assert total == len(report.articles) and advances == [1] * total
