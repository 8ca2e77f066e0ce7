"""One pass over each article with its language's spaCy pipeline: quotes, facts and sentence content words.

Articles in a language without an installed pipeline still get sentence content words (simplemma
lemmas, the stories stage's) so that coverage and the summary include them; their quotes and facts
are left out and the comparison names them as unsupported.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from storytrace.executor import SERIAL, Executor, Step
from storytrace.facts import extract_facts
from storytrace.model import Article, Fact, Quote, Span
from storytrace.quotes import extract_quotes
from storytrace.quotes.nlp import load_pipeline
from storytrace.settings import Settings
from storytrace.stories.features import content_lemmas

# Articles are parsed in batches of 16 (one ``nlp.pipe`` call each): 120 ECB+ articles took
# 10.5-12.0 s in one process in batches of 16, 13.6-16.5 s in batches of 4.
_BATCH = 16

# Bump when extraction changes what it returns: stored parsed of another version are redone.
PARSE_VERSION = 1


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """What comparison needs of one article; ``reference`` is the day relative dates resolved against."""

    article: Article
    quotes: tuple[Quote, ...]
    facts: tuple[Fact, ...]
    sentences: tuple[Span, ...]
    sentence_words: tuple[frozenset[str], ...]  # content lemmas of each sentence
    quote_words: tuple[frozenset[str], ...]  # content lemmas of each quote
    supported: bool  # False when no spaCy pipeline covers the article's language
    reference: date | None = None


def _fingerprint(article: Article) -> str:
    return hashlib.sha1(article.text.encode("utf-8")).hexdigest()


def parsed_record(parse: ParsedArticle) -> dict[str, Any]:
    """JSON-ready form of a parse (without the article itself) for the store's cache."""
    return {
        "version": PARSE_VERSION,
        "text_sha1": _fingerprint(parse.article),
        "reference": parse.reference.isoformat() if parse.reference else None,
        "supported": parse.supported,
        "sentences": [list(span) for span in parse.sentences],
        "sentence_words": [sorted(words) for words in parse.sentence_words],
        "quote_words": [sorted(words) for words in parse.quote_words],
        "quotes": [
            [list(q.span), q.kind, q.speaker, list(q.speaker_span) if q.speaker_span else None, q.cue]
            for q in parse.quotes
        ],
        "facts": [[list(f.span), f.kind, f.about, f.value] for f in parse.facts],
    }


def parsed_from_record(article: Article, record: Mapping[str, Any], reference: date | None) -> ParsedArticle | None:
    """The parse a stored record holds, or None when it is stale (other text, version or date reference)."""
    stored_reference = record.get("reference")
    if (
        record.get("version") != PARSE_VERSION
        or record.get("text_sha1") != _fingerprint(article)
        or stored_reference != (reference.isoformat() if reference else None)
    ):
        return None
    text = article.text
    quotes = tuple(
        Quote(article.id, (a, b), text[a:b], kind, speaker, tuple(speaker_span) if speaker_span else None, cue)
        for (a, b), kind, speaker, speaker_span, cue in record["quotes"]
    )
    facts = tuple(
        Fact(article.id, (a, b), kind, about, value, text[a:b]) for (a, b), kind, about, value in record["facts"]
    )
    return ParsedArticle(
        article,
        quotes,
        facts,
        tuple((a, b) for a, b in record["sentences"]),
        tuple(frozenset(words) for words in record["sentence_words"]),
        tuple(frozenset(words) for words in record["quote_words"]),
        bool(record["supported"]),
        reference,
    )


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


def _truncated(article: Article, limit: int) -> Article:
    """The article cut to its first ``limit`` characters (sentences past the cut dropped)."""
    if len(article.text) <= limit:
        return article
    return replace(article, text=article.text[:limit], sentences=tuple(s for s in article.sentences if s[1] <= limit))


def _sentences(article: Article) -> tuple[Span, ...]:
    if article.sentences:
        return article.sentences
    return tuple((m.start(), m.end()) for m in re.finditer(r"[^\n]+", article.text) if m.group().strip())


def parse_articles(
    articles: Sequence[Article],
    references: Mapping[str, date | None],
    settings: Settings,
    executor: Executor = SERIAL,
) -> list[ParsedArticle]:
    """The articles' parses in input order (see ``iter_parsed``)."""
    made = {parse.article.id: parse for parse in iter_parsed(articles, references, settings, executor)}
    return [made[article.id] for article in articles]


def iter_parsed(
    articles: Sequence[Article],
    references: Mapping[str, date | None],
    settings: Settings,
    executor: Executor = SERIAL,
) -> Iterator[ParsedArticle]:
    """Each article's parse as soon as it is made, language by language: a caller can keep
    them as they come (an interrupted run loses only the batch in flight). Articles of one language
    are parsed in ``nlp.pipe`` batches by the executor's ``parsing`` step."""
    by_language: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_language[(article.language or "en").lower()].append(article)
    for language, members in by_language.items():
        if load_pipeline(language) is None:  # loaded here, before any fork, so workers inherit it
            yield from (_unsupported(article, language, references.get(article.id)) for article in members)
            continue
        batches = [
            (language, [(article, references.get(article.id)) for article in members[start : start + _BATCH]])
            for start in range(0, len(members), _BATCH)
        ]
        for parsed in executor.map(PARSING, batches, settings):
            yield from parsed


def _unsupported(article: Article, language: str, reference: date | None) -> ParsedArticle:
    """An article no spaCy pipeline reads: sentence content words only, no quotes or facts."""
    sentences = _sentences(article)
    words = tuple(frozenset(content_lemmas(article.text[a:b], language)) for a, b in sentences)
    return ParsedArticle(article, (), (), sentences, words, (), False, reference)


def _parse_batch(settings: Settings, task: tuple[str, list[tuple[Article, date | None]]]) -> list[ParsedArticle]:
    """Parse a few articles of one language together and read their quotes, facts and sentence words."""
    language, chunk = task
    nlp = load_pipeline(language)
    # Beyond compare_max_chars an article is read in part: spaCy's parser needs about 1 GB per
    # 100,000 characters, and no news article is that long (spans stay offsets into the text).
    parts = [_truncated(article, settings.compare_max_chars) for article, _ in chunk]
    docs = nlp.pipe((part.text for part in parts), batch_size=len(parts))  # type: ignore[attr-defined]
    parsed = []
    for (article, reference), part, doc in zip(chunk, parts, docs, strict=True):
        quotes = tuple(extract_quotes(part, doc, settings))
        facts = tuple(extract_facts(part, doc, reference))
        sentences = _sentences(part)
        sentence_words = tuple(_doc_words(doc, sentences))
        quote_words = tuple(_doc_words(doc, [quote.span for quote in quotes]))
        parsed.append(ParsedArticle(article, quotes, facts, sentences, sentence_words, quote_words, True, reference))
    return parsed


# From two batches on, parsing in worker processes pays for starting them: 20 news articles take
# 3.0 s in one process and 1.6 s in two on this 2-core machine (forked; measured with batches of
# 4, before they grew to 16). Workers are forked so that they inherit the spaCy pipelines loaded here.
PARSING = Step("parsing", _parse_batch, parallel_from=2, inherit_context=True)
