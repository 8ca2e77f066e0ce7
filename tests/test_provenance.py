"""Copy relations: kinds, direction, shared quotations and nearest sources (storytrace.provenance)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from storytrace.align import article_features
from storytrace.embed import PassageCosines
from storytrace.model import Article, Copy, Passage
from storytrace.provenance import compare_articles, detect_copies, nearest_sources
from storytrace.settings import Settings
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


# Invented page furniture and reporting for the shared-passage tests (no real text).
_OWN_LEDE = [
    "Readers across the valley woke to sirens and closed roads as the river kept rising overnight.",
    "Our reporter spent the night with volunteers filling sandbags outside the old mill.",
    "Several schools said they would stay shut until the water level falls below the warning mark.",
    "The county has opened two shelters in sports halls on the higher side of town.",
]
_COMMENTS = [
    "Comments are closed for this article after two days, as our house rules explain.",
    "I grew up by that river and have never seen the water this high in sixty years.",
    "Who is going to pay for all of this when the insurers refuse to cover the damage?",
    "Thoughts with everyone in the lower quarter tonight, stay safe and look after each other.",
]


def test_two_cut_excerpts_sharing_a_passage_are_copies_with_the_direction_undecided() -> None:
    # Each page covers well under half of the other (its own lede, reader comments), yet both
    # carry the same three sentences of one text: the case real pages cut at 2,000 characters make.
    first = _article("first", _OWN_LEDE + STORY[:3])
    second = _article("second", STORY[:3] + _COMMENTS)
    relation = _relations([first, second])[("first", "second")]
    assert relation.direction == "undecided"
    assert relation.kind == "excerpt"
    assert len(relation.passages) == 1


def test_an_edited_sentence_beside_a_copied_one_makes_a_shared_passage() -> None:
    # A copy keeps one sentence of a paragraph and rewrites half of the next (lexical
    # similarity between copy_min_similarity and copy_passage_similarity): together a passage,
    # though the kept sentence is too short to count alone.
    edited = "Engineers said on Thursday that the new barrier would protect some four thousand homes in the east."
    first = _article("first", [*_OWN_LEDE, *STORY[:2]])
    second = _article("second", [STORY[0], edited, *_COMMENTS])
    assert set(_relations([first, second])) == {("first", "second")}
    # Edited sentences alone, with no copied one among them, are no passage.
    other_edit = "The regional council backed a new flood wall for the river harbour on Wednesday."
    third = _article("third", [other_edit, edited, *_COMMENTS])
    assert _relations([first, third]) == {}


def test_one_short_shared_sentence_is_not_a_copy() -> None:
    # One sentence under copy_passage_lone_chars (the length of reused background lines).
    first = _article("first", [*_OWN_LEDE, "The mill was built in 1820."])
    second = _article("second", ["The mill was built in 1820.", *_COMMENTS])
    assert _relations([first, second]) == {}


def test_a_statement_printed_without_marks_after_a_colon_is_a_quotation() -> None:
    statement = STORY[1:5]
    first = _article(
        "first", [OTHER[0], "The council issued the following statement:", *statement, "– Regional Council"]
    )
    second = _article("second", [_OWN_LEDE[0], "Here is the council's statement in full:", *statement, _COMMENTS[1]])
    assert _relations([first, second]) == {}
    # The same sentences as narrative, not introduced as a statement, are a shared passage.
    third = _article("third", [_OWN_LEDE[0], *statement, _COMMENTS[1]])
    assert _relations([first, third]) == {} and _relations([third, _article("fourth", [OTHER[1], *statement])])


def test_an_agency_dateline_marks_the_text_nearer_the_source() -> None:
    wire = _article("wire", ["RIVERTON (AP) — " + STORY[0], *STORY[1:3], *_COMMENTS[:2]])
    site = _article("site", [*_OWN_LEDE[:2], *STORY[:3]])
    relation = _relations([site, wire])[("wire", "site")]
    assert relation.direction == "agency dateline"


@pytest.mark.parametrize("credit", ["Associated Press", "dpa", "AP/dpa"])
def test_an_agency_dateline_outweighs_containment(credit: str) -> None:
    # An agency's short text wholly contained in a site's longer write-through is still the
    # source: the site's own additions make the agency text look like an excerpt of it.
    wire = _article("wire", [f"RIVERTON ({credit}) — " + STORY[0], *STORY[1:4]])
    site = _article("site", [*_OWN_LEDE[:2], *STORY[:4], *_COMMENTS[:2]])
    relation = _relations([site, wire])[("wire", "site")]
    assert relation.direction == "agency dateline"


def test_the_shorter_of_two_translations_is_the_source() -> None:
    # Translations run longer than their sources: the German here carries an extra clause per sentence.
    longer = [sentence[:-1] + ", wie die Behörden am Abend mitteilten." for sentence in GERMAN]
    english = _article("en", STORY[:4], language="en")
    german = _article("de", longer, language="de")
    embedder = _DictionaryEmbedder(list(zip(STORY[:4], longer, strict=True)))
    relation = _relations([german, english], embedder=embedder)[("en", "de")]
    assert relation.direction == "shorter translation"
    # Lengths within direction_translation_min_expansion decide nothing.
    same_length = _article("xx", STORY[:4], language="de")
    (only,) = _relations([english, same_length], embedder=_DictionaryEmbedder([])).values()
    assert only.direction == "undecided"


class _ParaphraseEmbedder(_DictionaryEmbedder):
    """Sentences listed together get one vector; everything else a vector of its own (hash of the text)."""

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(sentences), self.dimensions), dtype=np.float32)
        for row, sentence in enumerate(sentences):
            rows[row, self.vector.get(sentence, 8 + sum(map(ord, sentence)) % 8)] = 1.0
        return rows


def test_reworded_sentences_count_only_when_the_embedder_confirms_a_run_of_them() -> None:
    reworded = [  # STORY[1:4] through a spinner: a third of the words swapped, lexically below 0.8
        "Engineers stated the barrier would protect four thousand houses along the eastern bank.",
        "Construction is anticipated to begin next spring and to last roughly eighteen months overall.",
        "Opposition members challenged the cost, which has grown by a third since the initial estimate.",
    ]
    source = _article("source", [*_OWN_LEDE, *STORY[1:4]])
    spun = _article("spun", [*reworded, *_COMMENTS])
    # Without an embedder (or when it sees different meanings) the rewording is no evidence.
    assert _relations([source, spun]) == {}
    assert _relations([source, spun], embedder=_ParaphraseEmbedder([])) == {}
    # Confirmed sentence by sentence, the run of three is a shared passage...
    confirming = _ParaphraseEmbedder([(a, b) for a, b in zip(STORY[1:4], reworded, strict=True)])
    (relation,) = _relations([source, spun], embedder=confirming).values()
    assert {relation.original, relation.copy} == {"source", "spun"}
    # ...but one confirmed reworded sentence alone is not: two reporters paraphrase one fact alike.
    one = _ParaphraseEmbedder([(STORY[1], reworded[0])])
    assert _relations([source, spun], embedder=one) == {}


def test_compare_articles_gives_the_batch_verdict() -> None:
    first = _article("first", _OWN_LEDE + STORY[:3])
    second = _article("second", STORY[:3] + _COMMENTS)
    (batch,) = _relations([first, second]).values()
    _, single = compare_articles(first, second)
    assert single == batch


def test_compare_articles_judges_the_features_it_is_given() -> None:
    first = _article("first", _OWN_LEDE + STORY[:3])
    second = _article("second", STORY[:3] + _COMMENTS)
    settings = Settings()
    given = (article_features(first, settings), article_features(second, settings))
    assert compare_articles(first, second, settings, features=given) == compare_articles(first, second, settings)
    # Given features are what is aligned: those of two unrelated texts make no copy of the pair.
    unrelated = (article_features(_article("first", OTHER), settings), given[1])
    assert compare_articles(first, second, settings, features=unrelated)[1] is None


def test_a_passage_shared_across_a_long_gap_is_background_not_a_copy() -> None:
    # An agency reuses its background paragraph for a later event: dated weeks apart, only the
    # passage in common. The same pages dated days apart are a copy.
    later = _article("later", [*_OWN_LEDE, *STORY[:3]], published="2024-04-20")
    for published, expected in (("2024-03-06", {}), ("2024-04-18", {("earlier", "later")})):
        earlier = _article("earlier", [*STORY[:3], *_COMMENTS], published=published)
        assert set(_relations([earlier, later])) == set(expected)
