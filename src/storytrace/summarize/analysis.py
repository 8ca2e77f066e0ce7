"""One pass over each article with its language's spaCy pipeline: quotes, facts and sentence content words.

Articles in a language without an installed pipeline still get sentence content words (simplemma
lemmas, the stories stage's) so that coverage and the summary include them; their quotes and facts
are left out and the comparison names them as unsupported.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from storytrace.facts import extract_facts
from storytrace.model import Article, Fact, Quote, Span
from storytrace.quotes import extract_quotes
from storytrace.quotes.nlp import load_pipeline
from storytrace.settings import Settings
from storytrace.stories.features import content_lemmas

@dataclass(frozen=True, slots=True)
class ArticleAnalysis:
    """What comparison needs of one article."""

    article: Article
    quotes: tuple[Quote, ...]
    facts: tuple[Fact, ...]
    sentences: tuple[Span, ...]
    sentence_words: tuple[frozenset[str], ...]  # content lemmas of each sentence
    quote_words: tuple[frozenset[str], ...]  # content lemmas of each quote
    supported: bool  # False when no spaCy pipeline covers the article's language


def _doc_words(doc: Any, spans: Sequence[Span]) -> list[frozenset[str]]:
    """Content lemmas (stop words and punctuation dropped, numbers kept) of each of non-overlapping spans."""
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    starts = [spans[i][0] for i in order]
    buckets: list[set[str]] = [set() for _ in spans]
    for token in doc:
        if token.is_stop or not (token.is_alpha or token.like_num):
            continue
        position = bisect_right(starts, token.idx) - 1
        if position >= 0 and token.idx < spans[order[position]][1]:
            buckets[order[position]].add(token.lemma_.lower() if token.is_alpha else token.text.replace(",", ""))
    return [frozenset(bucket) for bucket in buckets]


def _sentences(article: Article) -> tuple[Span, ...]:
    if article.sentences:
        return article.sentences
    return tuple((m.start(), m.end()) for m in re.finditer(r"[^\n]+", article.text) if m.group().strip())


def analyze_articles(
    articles: Sequence[Article], references: Mapping[str, date | None], settings: Settings
) -> list[ArticleAnalysis]:
    """Analyses in input order; each language's articles are parsed together (``nlp.pipe`` batches)."""
    by_language: dict[str | None, list[int]] = defaultdict(list)
    for index, article in enumerate(articles):
        by_language[(article.language or "en").lower()].append(index)
    results: list[ArticleAnalysis | None] = [None] * len(articles)
    for language, indexes in by_language.items():
        nlp = load_pipeline(language)
        if nlp is None:
            for index in indexes:
                article = articles[index]
                sentences = _sentences(article)
                words = tuple(frozenset(content_lemmas(article.text[a:b], language)) for a, b in sentences)
                results[index] = ArticleAnalysis(article, (), (), sentences, words, (), False)
            continue
        docs = nlp.pipe((articles[i].text for i in indexes), batch_size=16)  # type: ignore[attr-defined]
        for index, doc in zip(indexes, docs, strict=True):
            article = articles[index]
            quotes = tuple(extract_quotes(article, doc, settings))
            facts = tuple(extract_facts(article, doc, references.get(article.id)))
            sentences = _sentences(article)
            sentence_words = tuple(_doc_words(doc, sentences))
            quote_words = tuple(_doc_words(doc, [quote.span for quote in quotes]))
            results[index] = ArticleAnalysis(article, quotes, facts, sentences, sentence_words, quote_words, True)
    return [result for result in results if result is not None]
