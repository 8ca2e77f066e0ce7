"""Stories grouped in parallel (storytrace.stories.blocks): blocks of days, joined in time order."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from storytrace.days import epoch_day
from storytrace.executor import LocalExecutor
from storytrace.model import Article, Copy, Story, Storyline
from storytrace.provenance import detect_copies
from storytrace.settings import Settings
from storytrace.store import Store
from storytrace.stories import day_blocks
from storytrace.tracker import Tracker

from .test_stories import BUDGET, FOOTBALL, STORM, article, seed_articles  # noqa: F401 - the fixture

WEEK = Settings(story_block_days=7)


def _last_day_of_a_block(days: int) -> date:
    """A day whose next day starts another block of ``days`` days."""
    day = date(2025, 3, 1)
    while (epoch_day(day.isoformat()) or 0) % days != days - 1:
        day += timedelta(days=1)
    return day


def _grouped(
    db: Path, articles: list[Article], copies: list[Copy], settings: Settings, workers: int = 1
) -> tuple[list[Story], list[Storyline]]:
    """The articles stored in a new database, their copies saved, and grouped by a tracker as
    ``analyze`` does."""
    with Store(db, settings) as store:
        store.save_articles(articles)
        store.save_copies(copies, [a.id for a in articles])
        with Tracker(store, settings) as tracker:
            tracker.assign(articles, executor=LocalExecutor(workers))
            return tracker.stories_of(a.id for a in articles)


def _partition(stories: list[Story]) -> set[frozenset[str]]:
    return {frozenset(story.articles) for story in stories}


def test_dated_articles_fall_in_blocks_of_days_in_time_order_and_undated_apart() -> None:
    edge = _last_day_of_a_block(7)
    dated = [article(n, STORM[0], (edge + timedelta(days=offset)).isoformat()) for n, offset in
             (("a", 1), ("b", 0), ("c", -6), ("d", 7), ("e", 8))]  # fmt: skip
    blocks = day_blocks([*dated, article("u", BUDGET)], 7)
    assert [[a.id for a in block] for block in blocks] == [["b", "c"], ["a", "d"], ["e"]]  # "u" in none


def test_an_event_reported_across_a_block_edge_is_one_story(tmp_path: Path) -> None:
    edge = _last_day_of_a_block(7)
    before, after = edge.isoformat(), (edge + timedelta(days=1)).isoformat()
    articles = [article("storm-1", STORM[0], before), article("budget", BUDGET, before),
                article("storm-2", STORM[1], after), article("storm-3", STORM[2], after),
                article("football", FOOTBALL, after)]  # fmt: skip
    sequential, _ = _grouped(tmp_path / "sequential.db", articles, [], Settings())
    in_blocks, _ = _grouped(tmp_path / "blocks.db", articles, [], WEEK)
    expected = {frozenset({"storm-1", "storm-2", "storm-3"}), frozenset({"budget"}), frozenset({"football"})}
    assert _partition(sequential) == _partition(in_blocks) == expected


def test_a_copy_in_a_later_block_joins_its_originals_story_whatever_its_words(tmp_path: Path) -> None:
    edge = _last_day_of_a_block(7)
    original = article("original", STORM[0], edge.isoformat())
    copy = article("copy", BUDGET, (edge + timedelta(days=2)).isoformat())
    assert len(_grouped(tmp_path / "apart.db", [original, copy], [], WEEK)[0]) == 2
    relation = Copy(original="original", copy="copy", kind="spun", score=0.6)
    (story,), _ = _grouped(tmp_path / "linked.db", [original, copy], [relation], WEEK)
    assert set(story.articles) == {"original", "copy"}


def test_one_copy_link_does_not_move_a_story_of_many_reports_to_another_event(tmp_path: Path) -> None:
    edge = _last_day_of_a_block(7)
    storm = article("storm", STORM[0], edge.isoformat())
    later = (edge + timedelta(days=2)).isoformat()
    budget = [article(f"budget-{n}", f"{BUDGET} {extra}", later) for n, extra in enumerate(
        ("Schools welcomed the plan.", "Hospitals asked for more.", "The vote was 31 to 20."))]  # fmt: skip
    relation = Copy(original="storm", copy="budget-0", kind="edited", score=0.5)  # a false or partial copy
    stories, _ = _grouped(tmp_path / "s.db", [storm, *budget], [relation], WEEK)
    assert _partition(stories) == {frozenset({"storm"}), frozenset(a.id for a in budget)}


def test_the_same_words_months_apart_stay_apart_and_blocks_in_workers_agree(tmp_path: Path) -> None:
    articles = [article("march", STORM[0], "2025-03-03"), article("march-2", STORM[1], "2025-03-04"),
                article("september", STORM[2], "2025-09-20"), article("undated", FOOTBALL)]  # fmt: skip
    in_blocks, _ = _grouped(tmp_path / "one.db", articles, [], WEEK)
    assert _partition(in_blocks) == {frozenset({"march", "march-2"}), frozenset({"september"}), frozenset({"undated"})}
    in_workers, _ = _grouped(tmp_path / "two.db", articles, [], WEEK, workers=2)
    assert in_workers == in_blocks


def test_seeds_grouped_in_blocks_are_two_stories_of_one_storyline(
    tmp_path: Path,
    seed_articles: list[Article],  # noqa: F811 - the fixture
) -> None:
    copies = detect_copies(seed_articles, WEEK)
    stories, storylines = _grouped(tmp_path / "seeds.db", seed_articles, copies, WEEK)
    by_first = {min(a[:3] for a in story.articles): sorted(a[:3] for a in story.articles) for story in stories}
    assert by_first == {"000": ["000", "001", "002", "003"], "004": ["004"]}
    assert len(storylines) == 1 and set(storylines[0].stories) == {story.id for story in stories}


def test_every_block_starts_from_the_frequencies_before_any_join(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A block grouped in this process, after earlier blocks joined, must start from what a
    # worker forked before the joins starts from, or the stories would depend on where it ran.
    import storytrace.tracker as tracker_module
    from storytrace.executor import Step
    from storytrace.stories.blocks import STORY_BLOCKS

    seen: list[dict[str, int]] = []

    def recording(base, block):  # type: ignore[no-untyped-def]
        seen.append(dict(base.df))
        return STORY_BLOCKS.function(base, block)

    monkeypatch.setattr(tracker_module, "STORY_BLOCKS", Step("story blocks", recording))
    articles = [article(f"storm-{n}", text, f"2025-0{n + 3}-10") for n, text in enumerate(STORM)]
    _grouped(tmp_path / "serial.db", articles, [], WEEK)
    assert len(seen) == len(STORM) >= 3 and seen[0] == {}  # a fresh database: no frequencies yet
    assert all(df == seen[0] for df in seen)
