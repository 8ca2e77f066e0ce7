"""The story index's records: a live story's state, a merge, the changes the store writes and
where an added article went (``index.py`` makes them; the store keeps them)."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from operator import mul

import numpy as np


def story_id_for(first_article: str) -> str:
    """A story's id: stable, short, and the same however the articles arrived (its first article's)."""
    return "st-" + hashlib.sha1(first_article.encode("utf-8")).hexdigest()[:12]


def euclidean_norm(weights: list[float]) -> float:
    """The length of a vector of weights (its squares summed in C, by ``map``)."""
    return math.sqrt(sum(map(mul, weights, weights)))


@dataclass(slots=True)
class StoryState:
    """One live story in the index: the sums of its members' unit vectors and its day range.

    ``terms`` and ``names`` are centroids (sums, truncated to the heaviest entries) whose norms
    are kept beside them. ``languages`` counts the members of each language ("" for members of
    unknown language), so that similarity knows how many pairs are in two languages. ``keys``
    are the terms that find this story in the postings; ``lead`` is the sum of its members' lead
    embeddings (with an embedder only).
    """

    id: str
    articles: list[str]
    terms: dict[str, float]
    names: dict[str, float]
    keys: set[str]
    first_day: int | None = None
    last_day: int | None = None
    languages: dict[str, int] = field(default_factory=dict)
    lead: np.ndarray | None = None
    storyline: str = ""
    terms_norm: float = 0.0
    names_norm: float = 0.0

    def __post_init__(self) -> None:
        self.storyline = self.storyline or self.id
        self.refresh_norms()

    def refresh_norms(self) -> None:
        """Recompute the centroids' norms (after loading or truncating)."""
        self.terms_norm = euclidean_norm(list(self.terms.values()))
        self.names_norm = euclidean_norm(list(self.names.values()))

    def members_in(self, language: str | None) -> int:
        """How many members are in ``language`` (None: of unknown language)."""
        return self.languages.get(language or "", 0)


@dataclass(frozen=True, slots=True)
class Merge:
    """Story ``merged`` was found to report the same event as ``into`` when ``article`` arrived."""

    merged: str
    into: str
    article: str
    similarity: float


@dataclass(frozen=True, slots=True)
class IndexChanges:
    """What the index changed since it last reported: the store writes exactly this.

    ``documents`` is the new article count, ``df`` the new frequencies of changed terms
    ("t:" lemma or "n:" name), ``stories`` the live stories added or changed (whole),
    ``removed`` the ids of stories merged away, ``merges`` the merges in the order they happened.
    """

    documents: int
    df: dict[str, int]
    stories: list[StoryState]
    removed: list[str]
    merges: list[Merge]


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where one added article went, and the merges it caused."""

    article: str
    story: str
    similarity: float  # to the story it joined (1.0 when linked by a copy, 0.0 when it opened one)
    reason: str  # "similar" | "copy" | "new"
    merges: tuple[Merge, ...] = ()
