"""Story grouping (storytrace.stories): features, the streaming index, storylines, the seeds."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from storytrace.clean import clean_document
from storytrace.embed import PassageCosines
from storytrace.executor import LocalExecutor
from storytrace.ingest import read_inputs
from storytrace.model import Article, Copy, RawDocument
from storytrace.provenance import detect_copies
from storytrace.settings import Settings
from storytrace.stories import (
    StoryIndex,
    StoryState,
    arrival_order,
    group_stories,
    story_features,
    story_id_for,
)

SETTINGS = Settings()

# Three reports of one event (a storm), in different words, and two unrelated events.
STORM = [
    "Storm Idris flooded the harbour of Porthaven on Monday, forcing 300 residents from their homes. "
    "Mayor Elin Sorensen said the sea wall had failed near the old fish market. Rescue teams used boats "
    "to reach families trapped on Quay Street.",
    "Hundreds of Porthaven residents were evacuated after Storm Idris breached the sea wall. Elin Sorensen, "
    "the town's mayor, blamed the failure of the wall by the fish market. Boats carried families from "
    "flooded houses on Quay Street, rescue teams said.",
    "Floodwater from Storm Idris poured into Porthaven harbour. About 300 people left their homes, said "
    "mayor Elin Sorensen, after the sea wall gave way beside the fish market. Families on Quay Street "
    "were taken out by boat.",
]
BUDGET = (
    "The Lindqvist regional assembly approved a budget of 42 million crowns for schools and hospitals. "
    "Finance minister Tomas Okafor said teachers' pay would rise by four percent next year. The opposition "
    "Green Alliance voted against the plan, calling the hospital spending too low."
)
FOOTBALL = (
    "Castellmar Athletic beat Redport United 2-0 in the cup semi-final on Saturday. Striker Ana Duval "
    "scored twice in the second half before a crowd of 18,000 at Northfield Stadium. Redport manager "
    "Piet Janssen said his team had run out of ideas."
)


def article(article_id: str, text: str, published: str | None = None, **fields: str) -> Article:
    """An article as the cleaner would give it (sentences included)."""
    raw = RawDocument(source=article_id, id=article_id, text=text, published=published, language="en")
    return replace(clean_document(raw, SETTINGS), published=published, **fields)


def groups(articles: list[Article], copies: list[Copy] | None = None, settings: Settings = SETTINGS) -> set[frozenset]:
    stories, _ = group_stories(articles, copies or [], settings)
    return {frozenset(story.articles) for story in stories}


# --- features ------------------------------------------------------------------------------


def test_features_lemmatise_words_and_collect_names_numbers_and_dates() -> None:
    features = story_features(
        article("a", "Putin held talks with Emmanuel Macron on December 14. More than 13,000 people died since 2014.")
    )
    assert "talk" in features.terms and "talks" not in features.terms  # lemmas
    assert "the" not in features.terms and "with" not in features.terms  # stop words
    assert {"putin", "emmanuel macron", "macron"} <= features.names.keys()  # names, full names
    assert {"#13000", "year:2014", "date:12-14"} <= features.names.keys()  # numbers, years, dates


def test_dates_however_written_become_one_calendar_date() -> None:
    """ "On Thursday" in an article of Thursday 23 December, "23 December" and "December 23" agree."""
    forms = ["Putin spoke on Thursday.", "Putin spoke on 23 December.", "Putin spoke on December 23."]
    names = [story_features(article("a", text, "2021-12-23T22:00:00")).names for text in forms]
    assert all("date:12-23" in found for found in names)
    yesterday = story_features(article("a", "Putin spoke yesterday.", "2022-01-01")).names
    assert "date:12-31" in yesterday
    undated = story_features(article("a", "Putin spoke on Thursday.")).names
    assert not any(name.startswith("date:") for name in undated)  # nothing to resolve it against


# --- grouping ------------------------------------------------------------------------------


def test_reports_of_one_event_form_one_story_and_others_their_own() -> None:
    articles = [article(f"storm-{i}", text, "2025-03-03") for i, text in enumerate(STORM)]
    articles += [article("budget", BUDGET, "2025-03-03"), article("football", FOOTBALL, "2025-03-03")]
    assert groups(articles) == {
        frozenset({"storm-0", "storm-1", "storm-2"}),
        frozenset({"budget"}),
        frozenset({"football"}),
    }


def test_the_same_words_months_apart_are_another_event() -> None:
    near = [article("a", STORM[0], "2025-03-03"), article("b", STORM[1], "2025-03-04")]
    assert groups(near) == {frozenset({"a", "b"})}
    far = [article("a", STORM[0], "2025-03-03"), article("b", STORM[1], "2025-09-20")]
    assert groups(far) == {frozenset({"a"}), frozenset({"b"})}


def test_a_look_alike_a_week_later_is_another_story_of_the_same_storyline() -> None:
    """Same people and place, another date: another event, continuing the first."""
    first, second = article("a", STORM[0], "2025-03-03"), article("b", STORM[1], "2025-03-10")
    stories, storylines = group_stories([first, second])
    assert {frozenset(story.articles) for story in stories} == {frozenset({"a"}), frozenset({"b"})}
    assert [set(line.stories) for line in storylines] == [{story_id_for("a"), story_id_for("b")}]


def test_a_copy_joins_its_originals_story_whatever_its_words() -> None:
    articles = [article("original", STORM[0], "2025-03-03"), article("copy", BUDGET, "2025-03-03")]
    assert len(groups(articles)) == 2
    relation = Copy(original="original", copy="copy", kind="spun", score=0.6)
    assert groups(articles, [relation]) == {frozenset({"original", "copy"})}


def test_a_batch_equals_adding_its_articles_one_by_one_in_arrival_order() -> None:
    texts = [*STORM, BUDGET, FOOTBALL]
    rng = random.Random(7)
    dates = ["2025-03-03", "2025-03-04", None, "2025-03-02", None]
    articles = [article(f"a{i}", text, dates[i]) for i, text in enumerate(texts)]
    rng.shuffle(articles)
    batch, _ = group_stories(articles)
    index = StoryIndex(SETTINGS)
    assigned = {a.id: index.add(story_features(a)).story for a in arrival_order(articles)}
    one_by_one = {frozenset(i for i, s in assigned.items() if s == story) for story in set(assigned.values())}
    assert {frozenset(story.articles) for story in batch} == one_by_one
    assert {story.id for story in batch} == set(assigned.values())


def test_arrival_order_is_by_day_then_undated_in_input_order() -> None:
    articles = [article("u1", BUDGET), article("late", STORM[0], "2025-03-05"), article("u2", FOOTBALL),
                article("early", STORM[1], "2025-03-01T23:00:00")]  # fmt: skip
    assert [a.id for a in arrival_order(articles)] == ["early", "late", "u1", "u2"]


def test_story_ids_are_stable_and_named_after_the_first_article() -> None:
    stories, _ = group_stories([article("first", STORM[0], "2025-03-03"), article("second", STORM[1], "2025-03-04")])
    assert [story.id for story in stories] == [story_id_for("first")]
    assert story_id_for("first") != story_id_for("second")


def test_adding_an_article_twice_changes_nothing() -> None:
    index = StoryIndex(SETTINGS)
    features = story_features(article("a", STORM[0]))
    first = index.add(features)
    documents = index.documents
    again = index.add(features)
    assert (again.story, again.reason, index.documents) == (first.story, "known", documents)


def test_stories_shown_to_be_one_are_merged_with_history() -> None:
    # Two halves of one report open two stories when joining needs more than they share; the
    # full report then joins one and shows the two to be one event.
    settings = Settings(story_join_similarity=0.6, story_merge_similarity=0.3)
    index = StoryIndex(settings)
    half_a = "Storm Idris flooded the harbour of Porthaven on Monday, forcing 300 residents from their homes."
    half_b = "Rescue teams used boats to reach families trapped on Quay Street, mayor Elin Sorensen said."
    a = index.add(story_features(article("half-a", half_a)))
    b = index.add(story_features(article("half-b", half_b)))
    assert a.story != b.story
    index.take_changes()
    whole = index.add(story_features(article("whole", f"{half_a} {half_b}")))
    assert whole.merges, "the full report should reveal the two halves as one event"
    merge = whole.merges[0]
    assert {merge.merged, merge.into} == {a.story, b.story} and merge.article == "whole"
    survivor = index.stories[merge.into]
    assert set(survivor.articles) == {"half-a", "half-b", "whole"}
    assert merge.merged not in index.stories
    changes = index.take_changes()
    assert changes.removed == [merge.merged] and changes.merges == [merge]
    assert {story.id for story in changes.stories} == {merge.into}


def test_take_changes_reports_each_change_once() -> None:
    index = StoryIndex(SETTINGS)
    index.add(story_features(article("a", STORM[0])))
    changes = index.take_changes()
    assert changes.documents == 1 and len(changes.stories) == 1 and "t:harbour" in changes.df
    empty = index.take_changes()
    assert (empty.stories, empty.removed, empty.merges, empty.df) == ([], [], [], {})


def test_an_index_rebuilt_from_its_state_assigns_like_the_original() -> None:
    original = StoryIndex(SETTINGS)
    for i, text in enumerate([STORM[0], BUDGET, FOOTBALL]):
        original.add(story_features(article(f"a{i}", text, "2025-03-03")))
    copies = [replace(s, articles=list(s.articles), keys=set(s.keys)) for s in original.stories.values()]
    rebuilt = StoryIndex(SETTINGS, original.documents, dict(original.df), copies)
    newcomer = story_features(article("new", STORM[1], "2025-03-04"))
    assert rebuilt.add(newcomer).story == original.add(newcomer).story == story_id_for("a0")


class _LeadEmbedder:
    """Embeds every sentence of a text in one of two languages to its event's direction."""

    name, dimensions, match_cosine = "test", 2, 0.9
    passage = PassageCosines(translation=0.95, lone_translation=0.95, paraphrase=0.95)

    def embed(self, sentences: list[str]) -> np.ndarray:
        storm = [1.0, 0.0]
        other = [0.0, 1.0]
        rows = [storm if ("Idris" in s or "Sturm" in s) else other for s in sentences]
        return np.array(rows, dtype=np.float32)


def test_with_an_embedder_a_report_in_another_language_joins_the_event() -> None:
    german = (  # no name in common with the English report: words alone cannot join them
        "Ein Sturm hat den Hafen der Stadt überflutet. Die Bürgermeisterin sagte, die Schutzmauer am "
        "Fischmarkt sei gebrochen. Rettungskräfte holten Familien mit Booten aus ihren Häusern."
    )
    articles = [article("storm-en", STORM[0], "2025-03-03"), article("budget", BUDGET, "2025-03-03")]
    second_german = (  # in the first German report's words, as two reports of one event in one language are
        "Nach dem Sturm im Hafen mussten viele Familien ihre Häuser verlassen. Rettungskräfte brachten "
        "sie mit Booten in Sicherheit, die Feuerwehr pumpte Keller leer."
    )
    articles.append(replace(article("storm-de", german, "2025-03-03"), language="de"))
    articles.append(replace(article("storm-de-2", second_german, "2025-03-04"), language="de"))
    stories, _ = group_stories(articles, [], SETTINGS)
    assert not any({"storm-en", "storm-de"} <= set(s.articles) for s in stories)
    stories, _ = group_stories(articles, [], SETTINGS, embedder=_LeadEmbedder())
    # The second German report joins too, although the story is mostly English by then.
    assert {frozenset(s.articles) for s in stories} == {
        frozenset({"storm-en", "storm-de", "storm-de-2"}),
        frozenset({"budget"}),
    }


# --- presentation and storylines -------------------------------------------------------------


def test_a_report_in_the_storys_language_is_judged_by_its_words_not_its_foreign_members_leads() -> None:
    # A story of two English reports and a German one; an English report of another event whose
    # lead embedding matches the story's (one topic) but whose words do not. Only its pair with the
    # German member may count the leads: one pair in three is not enough to join.
    index = StoryIndex(SETTINGS)
    storm = np.array([1.0, 0.0], dtype=np.float32)
    german = replace(
        article("storm-de", "Ein Sturm hat den Hafen von Porthaven überflutet.", "2025-03-03"), language="de"
    )
    for item in (article("storm-1", STORM[0], "2025-03-03"), article("storm-2", STORM[1], "2025-03-03"), german):
        index.add(story_features(item), storm)
    assert len(index.stories) == 1
    assignment = index.add(story_features(article("budget", BUDGET, "2025-03-03")), storm)
    assert assignment.reason == "new"
    # A report in a language the story lacks has only foreign pairs: its lead alone can join it.
    spanish = replace(article("storm-es", "Una tormenta inundó el puerto.", "2025-03-03"), language="es")
    assert index.add(story_features(spanish), storm).story == story_id_for("storm-1")


def test_stories_count_their_members_per_language_apart_from_their_names() -> None:
    settings = replace(SETTINGS, story_centroid_terms=5)  # truncated names: the counts are not among them
    index = StoryIndex(settings)
    lead = np.array([1.0, 0.0], dtype=np.float32)
    texts = ("Sturm Idris überflutete den Hafen von Porthaven.", "Der Sturm Idris brach die Mauer in Porthaven.")
    german = [replace(article(f"de{i}", text, "2025-03-03"), language="de") for i, text in enumerate(texts)]
    unknown = replace(article("xx", STORM[2], "2025-03-03"), language=None)
    for item in (article("en", STORM[0], "2025-03-03"), *german, unknown):
        index.add(story_features(item), lead)
    (story,) = index.stories.values()
    assert story.languages == {"en": 1, "de": 2, "": 1}
    assert (story.members_in("en"), story.members_in("de"), story.members_in("fr"), story.members_in(None)) == (
        1, 2, 0, 1,
    )  # fmt: skip
    assert len(story.names) == 5 and story.names_norm == pytest.approx(
        float(np.linalg.norm(list(story.names.values())))
    )
    rebuilt = StoryIndex(settings, index.documents, dict(index.df), [replace(story, languages=dict(story.languages))])
    assert rebuilt.stories[story.id].members_in("de") == 2


def test_merged_stories_add_up_their_language_counts() -> None:
    index = StoryIndex(SETTINGS)
    english = index.add(story_features(article("en", STORM[0], "2025-03-03"))).story
    german = index.add(story_features(replace(article("de", BUDGET, "2025-03-03"), language="de"))).story
    assert english != german
    kept = index.stories[english]
    index._merge(index.stories[german], kept, "de", 1.0)
    assert kept.languages == {"en": 1, "de": 1} and set(kept.articles) == {"en", "de"}


def test_a_story_of_one_headline_is_titled_without_lemmatising_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import storytrace.stories as stories_module

    def refuse(title: str, language: str | None) -> tuple[str, ...]:
        raise AssertionError(f"lemmatised {title!r}")

    monkeypatch.setattr(stories_module, "_title_terms", refuse)
    one = [article("a", STORM[0], "2025-03-03", title="Storm Idris floods Porthaven harbour")]
    reposted = [*one, article("b", STORM[0], "2025-03-04", title="Storm Idris floods Porthaven harbour")]
    state = StoryState("st-a", ["a", "b"], {"storm": 1.0}, {}, set())
    assert stories_module.representative_title(one, state) == "Storm Idris floods Porthaven harbour"
    assert stories_module.representative_title(reposted, state) == "Storm Idris floods Porthaven harbour"
    assert stories_module.representative_title([article("c", STORM[1], "2025-03-03")], state) is None
    with pytest.raises(AssertionError, match="lemmatised"):  # two headlines: their words decide
        stories_module.representative_title([*one, article("d", STORM[1], "2025-03-03", title="Wet week")], state)


def test_stories_have_a_member_headline_and_their_date_range() -> None:
    titles = ["Storm Idris floods Porthaven harbour", "Porthaven evacuates hundreds as Idris breaches sea wall",
              "Weather: a wet week ahead"]  # fmt: skip
    articles = [
        article(f"s{i}", text, date, title=title)
        for i, (text, date, title) in enumerate(
            zip(STORM, ["2025-03-04", "2025-03-03T08:00:00", None], titles, strict=True)
        )
    ]
    (story,), _ = group_stories(articles)
    assert story.title in titles[:2]  # a headline naming the event, not the unrelated one
    assert (story.start, story.end) == ("2025-03-03", "2025-03-04")
    assert story.articles[0] == "s1"  # by date


def test_originals_are_the_members_no_one_copied() -> None:
    articles = [article("original", STORM[0], "2025-03-03"), article("copy", STORM[1], "2025-03-04")]
    relation = Copy(original="original", copy="copy", kind="spun", score=0.6)
    (story,), _ = group_stories(articles, [relation])
    assert story.originals == ("original",)


def test_continuing_stories_form_a_storyline_and_distant_ones_do_not() -> None:
    aftermath = (
        "The Porthaven council voted 9-4 to hire the contractor Brandt & Sons to rebuild its sea wall, damaged "
        "by Storm Idris. Mayor Elin Sorensen told councillors the work would cost two million crowns and last "
        "until the autumn."
    )
    storm = article("storm", STORM[0], "2025-03-03")
    later = article("repairs", aftermath, "2025-03-16")
    much_later = article("repairs", aftermath, "2025-09-11")
    stories, storylines = group_stories([storm, later, article("budget", BUDGET, "2025-03-03")])
    assert len(stories) == 3
    assert {frozenset(line.stories) for line in storylines} == {
        frozenset({story_id_for("storm"), story_id_for("repairs")}),
        frozenset({story_id_for("budget")}),
    }
    _, storylines = group_stories([storm, much_later])
    assert len(storylines) == 2


# --- the seeds -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_articles(seeds: Path) -> list[Article]:
    raws = [item for item in read_inputs([seeds], SETTINGS) if isinstance(item, RawDocument)]
    return [clean_document(raw, SETTINGS) for raw in raws]


def _seed(stories_or_lines: tuple[str, ...], number: str) -> bool:
    return any(member.startswith(number) for member in stories_or_lines)


def test_seeds_group_as_two_stories_of_one_storyline(seed_articles: list[Article]) -> None:
    copies = detect_copies(seed_articles, SETTINGS)
    stories, storylines = group_stories(seed_articles, copies, SETTINGS)
    assert len(seed_articles) == 5
    conference = [s for s in stories if _seed(s.articles, "000")]
    assert len(conference) == 1 and sorted(a[:3] for a in conference[0].articles) == ["000", "001", "002", "003"]
    calls = [s for s in stories if _seed(s.articles, "004")]
    assert len(calls) == 1 and len(calls[0].articles) == 1
    assert len(stories) == 2
    assert len(storylines) == 1 and set(storylines[0].stories) == {conference[0].id, calls[0].id}
    assert storylines[0].title in {a.title for a in seed_articles}


def test_features_from_worker_processes_give_the_same_stories(monkeypatch: pytest.MonkeyPatch) -> None:
    import storytrace.stories as stories

    # Workers from the first article on, several windows in flight, one ahead of the index.
    monkeypatch.setattr(stories, "STORY_FEATURES", replace(stories.STORY_FEATURES, parallel_from=1, window=2))
    articles = [article(f"a{i}", text, "2025-03-03") for i, text in enumerate([*STORM, BUDGET, FOOTBALL])]
    serial, _ = group_stories(articles)
    pool = LocalExecutor(2)
    parallel, _ = group_stories(articles, executor=pool)
    assert serial == parallel
    assert pool.statistics()[0].processes == 2
    assert [f.id for f in stories.features_stream(articles, pool)] == [a.id for a in articles]


def test_a_big_story_keeps_only_its_heaviest_keys_and_the_postings_follow() -> None:
    index = StoryIndex(Settings(story_max_keys=12))
    for i, text in enumerate(STORM):
        index.add(story_features(article(f"s{i}", text, "2025-03-03")))
    (story,) = index.stories.values()
    assert len(story.keys) == 12
    assert {key for key, holders in index.postings.items() if story.id in holders} == story.keys
    assert "n:porthaven" in story.keys  # named in every report: among the heaviest
    # The next report still finds the story through the keys it kept.
    follow_up = article("s3", STORM[0] + " More rain is expected.", "2025-03-04")
    assert index.add(story_features(follow_up)).story == story.id


@pytest.mark.parametrize("seed", range(20))
def test_candidate_stories_come_in_the_order_of_a_full_sort_by_shared_keys_then_id(seed: int) -> None:
    from collections import Counter

    from storytrace.stories.index import _most_shared

    rng = random.Random(seed)
    shared = Counter(
        {f"s{rng.randrange(10_000):05d}": rng.choice((1, 1, 1, 2, 2, 3, 5)) for _ in range(rng.randrange(60))}
    )
    limit = rng.choice((1, 5, 20))
    every = sorted(shared, key=lambda story_id: (-shared[story_id], story_id))
    assert _most_shared(shared, limit) == every[:limit]


@pytest.mark.parametrize("seed", range(20))
def test_heaviest_terms_come_in_the_order_of_a_full_sort_by_weight_then_term(seed: int) -> None:
    from storytrace.stories.index import _heaviest

    rng = random.Random(seed)
    # Few distinct weights, so that ties fall at the cut and inside the kept entries.
    weights = {f"w{rng.randrange(1_000):03d}": rng.choice((0.5, 1.0, 1.0, 2.0, 3.25)) for _ in range(rng.randrange(40))}
    limit = rng.choice((1, 3, 10, 50))
    every = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    assert _heaviest(weights, limit) == every[:limit]
