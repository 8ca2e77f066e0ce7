"""Candidate indexes and passage alignment (storytrace.align)."""

from __future__ import annotations

import random
from itertools import combinations

import numpy as np
import pytest

from storytrace.align import (  # the chain DP is checked against brute force
    Block,
    _best_chain,
    align_pair,
    article_features,
    quoted_spans,
    shingle_candidates,
    sketch_candidates,
    strongest,
)
from storytrace.align.lexical import paired_similarity
from storytrace.clean.segment import sentence_spans
from storytrace.model import Article
from storytrace.settings import Settings

SETTINGS = Settings()

STORY = [
    "The regional council approved a new flood barrier for the river port on Wednesday evening.",
    "Engineers said the barrier would protect four thousand homes along the eastern embankment.",
    "Construction is expected to begin next spring and to last about eighteen months in total.",
    "Opposition members questioned the cost, which has risen by a third since the first estimate.",
    "The mayor said the town could not afford another winter like the floods of two years ago.",
    "Residents of the lower quarter have been asking for better protection since that disaster.",
]
OTHER = [
    "A local football club has signed a young striker from a rival team in the northern league.",
    "The player scored twelve goals last season and is expected to start in the opening match.",
    "Tickets for the first home game went on sale this morning at the stadium box office.",
]


def _article(identifier: str, sentences: list[str], language: str = "en", published: str | None = None) -> Article:
    text = "\n\n".join(sentences)
    return Article(
        id=identifier,
        source=identifier,
        text=text,
        language=language,
        published=published,
        sentences=sentence_spans(text, language),
    )


def _spin(sentence: str, rng: random.Random) -> str:
    """Swap about a third of the longer words for unrelated ones (a crude spinner)."""
    words = sentence.split()
    return " ".join(f"x{rng.randrange(10**6)}" if len(w) > 4 and rng.random() < 0.33 else w for w in words)


def test_identical_articles_align_as_one_passage() -> None:
    article = _article("a", STORY)
    features = article_features(article, SETTINGS)
    alignment = align_pair(features, features, SETTINGS)
    assert len(alignment.passages) == 1
    (first, second, similarity) = alignment.passages[0]
    assert first == second == (0, len(article.text))
    assert similarity == pytest.approx(1.0)


def test_unrelated_articles_do_not_align() -> None:
    alignment = align_pair(
        article_features(_article("a", STORY), SETTINGS), article_features(_article("b", OTHER), SETTINGS), SETTINGS
    )
    assert alignment.blocks == ()


def test_reordered_paragraphs_are_aligned_as_moved_passages() -> None:
    reordered = STORY[3:] + STORY[:3]
    alignment = align_pair(
        article_features(_article("a", STORY), SETTINGS), article_features(_article("b", reordered), SETTINGS), SETTINGS
    )
    assert alignment.aligned(0) == set(range(len(STORY)))
    assert alignment.aligned(1) == set(range(len(STORY)))
    assert len(alignment.passages) == 2  # two blocks swapped: each is one passage


def test_a_split_sentence_is_one_two_to_one_block() -> None:
    joined = STORY[1].rstrip(".") + ", and " + STORY[2][0].lower() + STORY[2][1:]
    combined = [STORY[0], joined, *STORY[3:]]
    alignment = align_pair(
        article_features(_article("a", STORY), SETTINGS), article_features(_article("b", combined), SETTINGS), SETTINGS
    )
    assert any(block.a_end - block.a_start == 2 and block.b_end - block.b_start == 1 for block in alignment.blocks)
    assert alignment.aligned(0) == set(range(len(STORY)))


def test_passage_spans_point_at_the_aligned_text() -> None:
    copy = _article("b", ["Breaking news from the river port.", *STORY[:3]])
    original = _article("a", STORY)
    alignment = align_pair(article_features(original, SETTINGS), article_features(copy, SETTINGS), SETTINGS)
    for (a_start, a_end), (b_start, b_end), _ in alignment.passages:
        assert original.text[a_start:a_end] == copy.text[b_start:b_end]


def _brute_force_best(items: list[Block], floor: float) -> float:
    def gain(block: Block) -> float:
        return (block.similarity - floor) * (block.a_end - block.a_start + block.b_end - block.b_start) / 2

    best: list[float] = []
    ordered = sorted(items, key=lambda b: (b.a_end, b.b_end))
    for k, block in enumerate(ordered):
        before = [best[j] for j in range(k) if ordered[j].a_end <= block.a_start and ordered[j].b_end <= block.b_start]
        best.append(gain(block) + max(before, default=0.0))
    return max(best)


@pytest.mark.parametrize("seed", range(20))
def test_chain_dynamic_programme_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    rows, columns, floor = rng.randint(2, 12), rng.randint(2, 12), 0.5
    items = []
    for i in range(rows):
        for j in range(columns):
            if rng.random() < 0.4:
                items.append(Block(i, i + 1, j, j + 1, rng.uniform(floor, 1)))
            if i + 1 < rows and rng.random() < 0.1:
                items.append(Block(i, i + 2, j, j + 1, rng.uniform(floor, 1)))
    if not items:
        return
    chain = _best_chain(items, floor, columns)
    for earlier, later in zip(chain, chain[1:], strict=False):
        assert earlier.a_end <= later.a_start and earlier.b_end <= later.b_start
    total = sum((b.similarity - floor) * (b.a_end - b.a_start + b.b_end - b.b_start) / 2 for b in chain)
    assert total == pytest.approx(_brute_force_best(items, floor))


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ('He said "we will build it" on Monday.', ['"we will build it"']),
        ("She said “not this year” and left.", ["“not this year”"]),
        ("Il a dit « pas question » hier.", ["« pas question »"]),
        ("Er sagte „nie wieder“ am Abend.", ["„nie wieder“"]),
        ('An unbalanced "quote runs on without an end.', []),
    ],
)
def test_quoted_spans(text: str, quoted: list[str]) -> None:
    assert [text[start:end] for start, end in quoted_spans(text)] == quoted


def test_sketches_find_a_spun_copy_that_shingles_miss() -> None:
    rng = random.Random(7)
    original = _article("a", STORY)
    spun = _article("b", [_spin(sentence, rng) for sentence in STORY])
    other = _article("c", OTHER)
    features = [article_features(a, SETTINGS) for a in (original, spun, other)]
    assert (0, 1) in sketch_candidates(features, SETTINGS)
    assert (0, 1) not in shingle_candidates(features, Settings(copy_lsh_threshold=0.5))
    assert all(pair[1] != 2 for pair in sketch_candidates(features, SETTINGS))


LONG_SENTENCE = (
    "The harbour authority confirmed late on Thursday that the damaged container vessel, stranded since "
    "Monday near the northern breakwater, would be towed to the shipyard at Kessen once the storm had passed."
)


def test_one_long_copied_sentence_makes_a_candidate_and_is_checked_lexically() -> None:
    # One copied sentence of copy_passage_lone_chars is a shared passage on its own, so a pair
    # sharing only that (far below the count of shared sentences) is still a candidate...
    source = _article("a", [*STORY, LONG_SENTENCE])
    # Function words added: the same content words (so every band collides), a lower similarity.
    edited = LONG_SENTENCE.replace("would be towed", "would then be towed").replace("the storm", "that storm")
    borrower = _article("b", [*OTHER, "Fishermen were told to stay in port for the rest of the week.", edited])
    features = [article_features(source, SETTINGS), article_features(borrower, SETTINGS)]
    assert len(LONG_SENTENCE) >= SETTINGS.copy_passage_lone_chars
    assert (0, 1) in sketch_candidates(features, SETTINGS)
    # ... because that sentence is copied: a collision alone does not do, as the same pair with a
    # copy bar above the edited sentence's similarity shows.
    similarity = float(paired_similarity([(features[0].sentences[-1], features[1].sentences[-1])], SETTINGS)[0])
    assert SETTINGS.copy_passage_similarity <= similarity < 1
    assert (0, 1) not in sketch_candidates(features, Settings(copy_passage_similarity=(similarity + 1) / 2))
    assert (0, 1) not in sketch_candidates(features, Settings(copy_passage_lone_chars=len(LONG_SENTENCE) + 1))


def test_shingles_find_a_near_duplicate() -> None:
    features = [
        article_features(_article("a", STORY), SETTINGS),
        article_features(_article("b", STORY[:5] + OTHER[:1]), SETTINGS),
    ]
    estimate = shingle_candidates(features, SETTINGS)[(0, 1)]
    assert 0.5 < estimate <= 1.0


def test_each_article_keeps_only_its_strongest_candidates() -> None:
    scores = {pair: 1.0 / (1 + pair[1]) for pair in combinations(range(30), 2)}
    kept = strongest(scores, 3)
    per_article = {index: sum(index in pair for pair in kept) for index in range(30)}
    # Every article keeps its own best three, and is kept by others' best three at most.
    assert all(count >= 3 for count in per_article.values())
    assert len(kept) < len(scores) / 4
    assert (0, 1) in kept and (28, 29) in kept


def test_cross_language_alignment_uses_the_vectors() -> None:
    english = article_features(_article("en", STORY[:3], language="en"), SETTINGS)
    german = article_features(_article("de", ["Eins.", "Zwei.", "Drei."], language="de"), SETTINGS)
    identity = np.eye(3, 8, dtype=np.float32)
    alignment = align_pair(english, german, SETTINGS, (identity, identity[[1, 0, 2]]))
    pairs = {(b.a_start, b.b_start) for b in alignment.blocks}
    assert pairs == {(0, 1), (1, 0), (2, 2)}  # the swap is kept as a moved pair


def test_a_dateline_is_looked_for_in_the_configured_first_sentences() -> None:
    lines = ["Photo: a crane over the harbour.", "Listen to this article.", "OSLO (AP) — The port reopened today."]
    article = _article("d", lines)
    assert article_features(article, SETTINGS).dateline == "AP"
    assert article_features(article, Settings(direction_dateline_sentences=2)).dateline is None
