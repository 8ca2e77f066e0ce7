"""Copy relations: kinds, direction, shared quotations and nearest sources (storytrace.provenance)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from storytrace.embed import PassageCosines
from storytrace.model import Article, Copy, Passage
from storytrace.provenance import compare_articles, detect_copies, nearest_sources
from tests.test_align import OTHER, STORY, _article

EXTRA = [
    "A spokesperson for the port authority welcomed the decision in a short statement.",
    "Local businesses hope the work will bring new customers to the harbour district.",
]


def _relations(articles: Sequence[Article], **options: object) -> dict[tuple[str, str], Copy]:
    return {(c.original, c.copy): c for c in detect_copies(articles, **options)}  # type: ignore[arg-type]


def test_verbatim_copy_is_found_and_dated_original_wins() -> None:
    copy = _article("wire", STORY, published="2024-03-06T14:00:00+00:00")
    original = _article("herald", STORY, published="2024-03-06T09:30:00+00:00")
    relations = _relations([copy, original, _article("sport", OTHER)])
    assert list(relations) == [("herald", "wire")]
    relation = relations[("herald", "wire")]
    assert relation.kind == "verbatim"
    assert relation.direction == "publication date"
    assert relation.score == pytest.approx(1.0)


def test_edited_copy_with_dropped_and_added_sentences() -> None:
    original = _article("a", STORY + EXTRA, published="2024-03-06")
    edited = _article(
        "b", ["Councillors finally agreed on the barrier."] + STORY[:4] + STORY[5:], published="2024-03-07"
    )
    relation = _relations([original, edited])[("a", "b")]
    assert relation.kind == "edited"


def test_excerpt_points_to_the_fuller_article_without_dates() -> None:
    full = _article("full", STORY + EXTRA)
    excerpt = _article("short", STORY[:3])
    relation = _relations([excerpt, full])[("full", "short")]
    assert relation.kind == "excerpt"
    assert relation.direction == "containment"


def test_spun_copy_is_spun() -> None:
    spun_sentences = [
        "The regional council backed a new flood wall for the river harbour on Wednesday night.",
        "Engineers stated the wall would shield four thousand houses along the eastern bank.",
        "Building is anticipated to start next spring and to take roughly eighteen months in all.",
        "Opposition members challenged the price, which has grown by a third since the initial estimate.",
        "The mayor stated the town could not afford one more winter like the floods of two years back.",
        "Inhabitants of the lower quarter have been requesting better defence since that catastrophe.",
    ]
    relations = _relations([_article("a", STORY), _article("b", spun_sentences)])
    assert len(relations) == 1
    assert next(iter(relations.values())).kind == "spun"


def test_independent_reports_sharing_quotations_are_not_copies() -> None:
    quote_one = '"We will not let the river take our homes again," the mayor said.'
    quote_two = '"This barrier is the most important thing we will build this decade," she added.'
    first = _article("a", [STORY[0], quote_one, STORY[1], STORY[3], quote_two])
    second = _article(
        "b",
        [
            "Work on the long-awaited flood defences was approved by councillors late on Wednesday.",
            quote_one,
            "The plan had been delayed twice by disputes over funding from the national government.",
            quote_two,
            "Critics argue the money would be better spent on moving families away from the banks.",
        ],
    )
    assert _relations([first, second]) == {}


def test_unrelated_articles_are_not_copies() -> None:
    assert _relations([_article("a", STORY), _article("b", OTHER)]) == {}


def test_copy_of_a_copy_points_to_its_nearest_source() -> None:
    original = _article("o", STORY + EXTRA, published="2024-03-06T08:00:00")
    first_copy = _article("c1", STORY + EXTRA[:1], published="2024-03-06T09:00:00")
    second_copy = _article("c2", STORY + EXTRA[:1] + ["Reporting by the wire desk."], published="2024-03-06T10:00:00")
    relations = _relations([original, first_copy, second_copy])
    assert set(relations) == {("o", "c1"), ("c1", "c2")}


def test_a_stitched_copy_keeps_both_sources() -> None:
    first = Copy("s1", "x", "edited", 0.6, (Passage((0, 100), (0, 100), 1.0),))
    second = Copy("s2", "x", "edited", 0.5, (Passage((0, 90), (100, 190), 1.0),))
    overlapping = Copy("s3", "x", "edited", 0.4, (Passage((0, 90), (10, 95), 1.0),))
    kept = nearest_sources([first, second, overlapping], {"s1": 100, "s2": 100, "s3": 100, "x": 200})
    assert [(c.original, c.copy) for c in kept] == [("s1", "x"), ("s2", "x")]


class _DictionaryEmbedder:
    """A test embedder: sentences listed together get one vector, so translations match exactly."""

    name = "dictionary"
    dimensions = 16
    match_cosine = 0.9
    passage = PassageCosines(translation=0.95, lone_translation=0.95, paraphrase=0.95)

    def __init__(self, groups: list[tuple[str, ...]]) -> None:
        self.vector = {sentence: index for index, group in enumerate(groups) for sentence in group}

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(sentences), self.dimensions), dtype=np.float32)
        for row, sentence in enumerate(sentences):
            rows[row, self.vector.get(sentence, self.dimensions - 1)] = 1.0
        return rows


GERMAN = [
    "Der Regionalrat hat am Mittwochabend eine neue Hochwasserschutzmauer für den Flusshafen genehmigt.",
    "Ingenieure sagten, die Mauer werde viertausend Häuser am östlichen Damm schützen.",
    "Der Bau soll im nächsten Frühjahr beginnen und insgesamt etwa achtzehn Monate dauern.",
    "Oppositionsmitglieder stellten die Kosten in Frage, die seit der ersten Schätzung um ein Drittel gestiegen sind.",
]


def test_translation_is_found_with_an_embedder_and_not_without() -> None:
    english = _article("en", STORY[:4], language="en", published="2024-03-06T08:00:00")
    german = _article("de", GERMAN, language="de", published="2024-03-06T12:00:00")
    embedder = _DictionaryEmbedder(list(zip(STORY[:4], GERMAN, strict=True)))
    relations = _relations([english, german], embedder=embedder)
    assert list(relations) == [("en", "de")]
    assert relations[("en", "de")].kind == "translated"
    assert _relations([english, german]) == {}


def test_packaged_embedder_finds_a_real_translation() -> None:
    from storytrace.embed import load_embedder

    embedder = load_embedder("use")
    english = _article("en", STORY[:4], language="en", published="2024-03-06T08:00:00")
    german = _article("de", GERMAN, language="de", published="2024-03-06T12:00:00")
    other = _article("sport", OTHER, language="en")
    relations = _relations([english, german, other], embedder=embedder)
    assert [(key, c.kind) for key, c in relations.items()] == [(("en", "de"), "translated")]


def test_compare_articles_returns_passages_even_without_a_copy() -> None:
    quote = '"We will not let the river take our homes again," the mayor said.'
    first = _article("a", [STORY[0], quote, STORY[1]])
    second = _article("b", [OTHER[0], quote, OTHER[1]])
    passages, relation = compare_articles(first, second)
    assert relation is None
    assert len(passages) == 1
    start, end = passages[0].original
    assert first.text[start:end] == quote
