"""Sentences of a story matched across its articles: the basis of coverage, the summary and the timeline.

Two sentences of different articles carry the same content when the cosine of their content-word
sets reaches ``Settings.sentence_match_cosine`` (or, across languages with an embedder, their
vectors' cosine reaches the translation threshold). Matched sentences form clusters (connected
components); a cluster's *support* is the number of independent outlets in it, where an original and
its copies count once, so copying cannot make content look widely reported.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from storytrace.model import Coverage, Span, SummarySentence
from storytrace.settings import Settings
from storytrace.summarize.parsing import ParsedArticle


@dataclass(frozen=True, slots=True)
class Sentence:
    """One content sentence of one article."""

    article: str
    index: int  # position among its article's sentences
    span: Span
    words: frozenset[str]
    position: float  # 0 at the article's start, 1 at its end


class SentenceTable:
    """All content sentences of a story, their matches and clusters."""

    def __init__(
        self,
        parsed: Sequence[ParsedArticle],
        groups: Mapping[str, str],
        settings: Settings,
        vectors: np.ndarray | None = None,
        translation_cosine: float = 1.0,
    ) -> None:
        self.settings = settings
        self.groups = groups
        self.texts = {parse.article.id: parse.article.text for parse in parsed}
        self.languages = {parse.article.id: parse.article.language for parse in parsed}
        self.sentences: list[Sentence] = []
        for parse in parsed:
            total = max(1, len(parse.sentences) - 1)
            for index, (span, words) in enumerate(zip(parse.sentences, parse.sentence_words, strict=True)):
                if len(words) >= settings.sentence_min_content_words:
                    self.sentences.append(Sentence(parse.article.id, index, span, words, index / total))
        self.similarity = self._similarities(vectors, translation_cosine)
        self.cluster_of = self._clusters()

    def sentence_texts(self) -> list[str]:
        """The sentences' texts, in table order (for an embedder)."""
        return [self.texts[s.article][s.span[0] : s.span[1]] for s in self.sentences]

    def _similarities(self, vectors: np.ndarray | None, translation_cosine: float) -> np.ndarray:
        """Cosine of content-word sets for every pair, vectorised over a binary sentence-by-word matrix."""
        vocabulary: dict[str, int] = {}
        rows, columns = [], []
        for row, sentence in enumerate(self.sentences):
            for word in sentence.words:
                rows.append(row)
                columns.append(vocabulary.setdefault(word, len(vocabulary)))
        matrix = np.zeros((len(self.sentences), max(1, len(vocabulary))), dtype=np.float32)
        matrix[rows, columns] = 1.0
        norms = np.sqrt(matrix.sum(axis=1, keepdims=True))
        matrix /= np.maximum(norms, 1.0)
        similarity = matrix @ matrix.T
        if vectors is not None and len(self.sentences):
            languages = np.array([self.languages[s.article] or "" for s in self.sentences])
            cross = languages[:, None] != languages[None, :]
            semantic = vectors @ vectors.T
            # Across languages only the vectors can tell; a cosine at the translation threshold counts as a match.
            matched = semantic >= translation_cosine
            similarity = np.where(
                cross & matched, np.maximum(similarity, self.settings.sentence_match_cosine), similarity
            )
        articles = np.array([s.article for s in self.sentences])
        similarity[articles[:, None] == articles[None, :]] = 0.0  # an article does not match itself
        return similarity

    def _clusters(self) -> list[int]:
        parent = list(range(len(self.sentences)))

        def find(index: int) -> int:
            while parent[index] != index:
                parent[index] = parent[parent[index]]
                index = parent[index]
            return index

        for i, j in zip(*np.nonzero(np.triu(self.similarity >= self.settings.sentence_match_cosine, k=1)), strict=True):
            parent[find(int(i))] = find(int(j))
        return [find(index) for index in range(len(self.sentences))]

    def members(self) -> dict[int, list[int]]:
        """Sentence indexes of each cluster."""
        clusters: dict[int, list[int]] = {}
        for index, cluster in enumerate(self.cluster_of):
            clusters.setdefault(cluster, []).append(index)
        return clusters

    def support(self, indexes: Sequence[int]) -> set[str]:
        """The independent outlets carrying a cluster."""
        return {self.groups.get(self.sentences[i].article, self.sentences[i].article) for i in indexes}

    def representative(self, indexes: Sequence[int], originals: frozenset[str]) -> int:
        """The sentence best standing for a cluster: from an original, most alike the others, earliest."""

        def key(i: int) -> tuple[bool, float, float]:
            centrality = float(sum(self.similarity[i, j] for j in indexes if j != i))
            return self.sentences[i].article in originals, centrality, -self.sentences[i].position

        return max(indexes, key=key)

    def coverage(self, originals: frozenset[str]) -> list[Coverage]:
        """Per article: sentences no other outlet carries, and clusters most other outlets carry that it lacks."""
        outlets = set(self.groups.get(article, article) for article in self.texts)
        clusters = self.members()
        result: list[Coverage] = []
        for article in self.texts:
            own = self.groups.get(article, article)
            others = outlets - {own}
            adds: list[Span] = []
            omits: list[tuple[str, Span]] = []
            if others:
                for cluster, indexes in clusters.items():
                    support = self.support(indexes)
                    if own in support:
                        if support == {own}:
                            adds.extend(self.sentences[i].span for i in indexes if self.sentences[i].article == article)
                        continue
                    needed = max(2, math.ceil(self.settings.coverage_omission_share * len(others)))
                    if len(support & others) >= needed:
                        best = self.representative(indexes, originals)
                        omits.append((self.sentences[best].article, self.sentences[best].span))
                    del cluster
            adds.sort()
            result.append(
                Coverage(
                    article,
                    tuple(adds),
                    tuple(omits),
                    added=tuple(self.texts[article][a:b] for a, b in adds),
                    omitted=tuple(self.texts[source][a:b] for source, (a, b) in omits),
                )
            )
        return result

    def summary(self, originals: frozenset[str]) -> list[SummarySentence]:
        """An extractive summary: content several independent outlets carry first, then each outlet's lead.

        Clusters carried by two or more outlets are ranked by that number, then by how early they come;
        the remaining places go to single-outlet content taken in turn from each outlet, lead first
        (copies add no weight: an original and its copies are one outlet). A sentence too alike
        (content-word cosine) one already picked is skipped. The picked sentences come in the order
        their content has in the articles.
        """
        clusters = list(self.members().values())
        position = {id(idx): min(self.sentences[i].position for i in idx) for idx in clusters}
        shared = sorted(
            (idx for idx in clusters if len(self.support(idx)) > 1),
            key=lambda idx: (-len(self.support(idx)), position[id(idx)]),
        )
        by_outlet: dict[str, list[list[int]]] = {}
        for idx in sorted((idx for idx in clusters if len(self.support(idx)) == 1), key=lambda idx: position[id(idx)]):
            by_outlet.setdefault(next(iter(self.support(idx))), []).append(idx)
        single: list[list[int]] = []
        queues = list(by_outlet.values())
        while any(queues):
            for queue in queues:
                if queue:
                    single.append(queue.pop(0))
        picked: list[tuple[int, list[int]]] = []
        for indexes in shared + single:
            if len(picked) >= self.settings.summary_max_sentences:
                break
            best = self.representative(indexes, originals)
            if any(
                _cosine(self.sentences[best].words, self.sentences[other].words)
                >= self.settings.summary_redundancy_cosine
                for other, _ in picked
            ):
                continue
            picked.append((best, indexes))
        picked.sort(key=lambda item: sum(self.sentences[i].position for i in item[1]) / len(item[1]))
        result = []
        for best, indexes in picked:
            sentence = self.sentences[best]
            sources = tuple(sorted({self.sentences[i].article for i in indexes}))
            text = self.texts[sentence.article][sentence.span[0] : sentence.span[1]]
            result.append(SummarySentence(text, sentence.article, sentence.span, sources))
        return result

    def index_at(self, article: str, offset: int) -> int | None:
        """The table index of the content sentence of ``article`` holding a character offset, if any."""
        for index, sentence in enumerate(self.sentences):
            if sentence.article == article and sentence.span[0] <= offset < sentence.span[1]:
                return index
        return None


def _cosine(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / math.sqrt(len(first) * len(second))
