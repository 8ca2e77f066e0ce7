"""Compare a story's coverage and summarize it: quotes aligned, facts compared, additions and omissions,
a cited summary and a timeline (:func:`compare_coverage`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from storytrace.days import publication_date
from storytrace.embed import Embedder, embed_unique
from storytrace.executor import SERIAL, Executor
from storytrace.facts import compare_facts
from storytrace.model import Article, Copy, StoryComparison
from storytrace.quotes.align import align_quotes
from storytrace.settings import DEFAULT_SETTINGS, Settings
from storytrace.summarize.parsing import ParsedArticle, iter_parsed, parse_articles
from storytrace.summarize.sentences import SentenceTable
from storytrace.summarize.timeline import build_timeline

__all__ = [
    "ParsedArticle",
    "parse_articles",
    "compare_coverage",
    "date_references",
    "independent_groups",
    "iter_parsed",
]


def independent_groups(articles: Sequence[Article], copies: Sequence[Copy]) -> dict[str, str]:
    """Map each article to its independent outlet group: a copy belongs with the original it copies."""
    ids = {article.id for article in articles}
    parent = {article_id: article_id for article_id in ids}

    def find(article_id: str) -> str:
        while parent[article_id] != article_id:
            parent[article_id] = parent[parent[article_id]]
            article_id = parent[article_id]
        return article_id

    for copy in copies:
        if copy.original in ids and copy.copy in ids:
            parent[find(copy.copy)] = find(copy.original)
    return {article_id: find(article_id) for article_id in ids}


def date_references(articles: Sequence[Article]) -> dict[str, date | None]:
    """The day each article's relative dates resolve against: its publication day, or for an
    undated article the story's earliest publication day (None when no article is dated)."""
    days = [day for day in (publication_date(article.published) for article in articles) if day is not None]
    story_day = min(days) if days else None
    return {article.id: publication_date(article.published) or story_day for article in articles}


def compare_coverage(
    story_id: str,
    articles: Sequence[Article],
    copies: Sequence[Copy] = (),
    settings: Settings = DEFAULT_SETTINGS,
    embedder: Embedder | None = None,
    parsed: Mapping[str, ParsedArticle] | None = None,
    executor: Executor = SERIAL,
) -> StoryComparison:
    """Everything the comparison stage says about one story's articles.

    Relative dates resolve against ``date_references``. ``parsed`` are per-article parses
    already made (the store caches them); the others are made here with spaCy (by ``executor``:
    in worker processes for more than 16 articles, with a pool). With an embedder,
    quotes and sentences in different languages are matched by their vectors; without one, only
    by shared words.
    """
    groups = independent_groups(articles, copies)
    copied = {copy.copy for copy in copies}
    originals = frozenset(article.id for article in articles if article.id not in copied)
    known = parsed or {}
    missing = [article for article in articles if article.id not in known]
    made = parse_articles(missing, date_references(articles), settings, executor) if missing else []
    fresh = {parse.article.id: parse for parse in made}
    ordered = [known[a.id] if a.id in known else fresh[a.id] for a in articles]
    translation = embedder.match_cosine if embedder is not None else 1.0
    # Vectors matter only between languages; a one-language story is compared by its words.
    vectors_of = embedder if embedder is not None and len({a.language for a in articles}) > 1 else None

    quotes = [quote for parse in ordered for quote in parse.quotes]
    quote_words = [words for parse in ordered for words in parse.quote_words]
    languages = {article.id: article.language for article in articles}
    quote_vectors = embed_unique([q.text for q in quotes], vectors_of) if vectors_of is not None and quotes else None
    quote_groups = align_quotes(
        quotes,
        quote_words,
        [languages[q.article] for q in quotes],
        originals,
        settings,
        quote_vectors,
        max(settings.quote_alignment_cosine, translation),
    )

    facts = compare_facts([fact for parse in ordered for fact in parse.facts], groups, settings)

    table = SentenceTable(ordered, groups, settings)
    if vectors_of is not None and table.sentences:
        vectors = embed_unique(table.sentence_texts(), vectors_of)
        table = SentenceTable(
            ordered, groups, settings, vectors, max(settings.sentence_translation_cosine, translation)
        )
    return StoryComparison(
        story=story_id,
        quotes=tuple(quote_groups),
        facts=tuple(facts),
        coverage=tuple(table.coverage(originals)),
        summary=tuple(table.summary(originals)),
        timeline=tuple(build_timeline(ordered, table, originals, settings)),
        unsupported=tuple(parse.article.id for parse in ordered if not parse.supported),
    )
