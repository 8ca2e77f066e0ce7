"""A story's timeline: its dated events, each with every article that reports it.

An event is a sentence holding a resolved date. Sentences with the same date whose content matches
(one sentence cluster) are one event; the event's text is the cluster's representative sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from storytrace.facts import resolve_date
from storytrace.model import TimelineEvent
from storytrace.settings import Settings
from storytrace.summarize.parsing import ParsedArticle
from storytrace.summarize.sentences import SentenceTable


def build_timeline(
    parsed: Sequence[ParsedArticle], table: SentenceTable, originals: frozenset[str], settings: Settings
) -> list[TimelineEvent]:
    """Events by date (oldest first), at most ``Settings.timeline_max_events``, the most reported kept."""
    events: dict[tuple[str, object], set[int]] = {}
    for parse in parsed:
        article = parse.article.id
        # One date per sentence: a relative one ("on Thursday", "last week") dates the news itself,
        # an absolute one in the same sentence is usually background ("a July 2020 ceasefire").
        dated: dict[int, tuple[bool, str]] = {}
        for fact in parse.facts:
            if fact.kind != "date":
                continue
            index = table.index_at(article, fact.span[0])
            if index is None:
                continue
            relative = resolve_date(fact.text, None) is None  # it needed the publication day
            if index not in dated or (relative and not dated[index][0]):
                dated[index] = (relative, fact.value)
        for index, (_, value) in dated.items():
            events.setdefault((value, table.cluster_of[index]), set()).add(index)
    merged: list[TimelineEvent] = []
    clusters = table.members()
    for (value, cluster), indexes in events.items():
        members = clusters[cluster]  # type: ignore[index]
        best = table.representative(sorted(indexes), originals)
        sentence = table.sentences[best]
        # Sources: articles stating this date in this content, plus the cluster's matching sentences
        # (a copy that kept the sentence but wrote the date differently still reports the event).
        sources = tuple(
            sorted({table.sentences[i].article for i in indexes} | {table.sentences[i].article for i in members})
        )
        text = table.texts[sentence.article][sentence.span[0] : sentence.span[1]]
        merged.append(TimelineEvent(str(value), text, sentence.article, sentence.span, sources))
    merged = _one_per_wording(merged)
    # Keep the most reported events, then give them in date order.
    kept = sorted(merged, key=lambda e: (-len(e.sources), e.date))[: settings.timeline_max_events]
    return sorted(kept, key=lambda e: (e.date, e.article, e.span))


def _one_per_wording(events: list[TimelineEvent]) -> list[TimelineEvent]:
    """One event per date and wording: a sentence a page repeats word for word (scraped pages
    repeat their lede or a pull quote) falls in clusters of its own, but it is one event, reported
    by all their sources (the first in text order speaks for it)."""
    kept: dict[tuple[str, str], TimelineEvent] = {}
    for event in sorted(events, key=lambda e: (e.article, e.span)):
        key = (event.date, " ".join(event.text.split()).casefold())
        earlier = kept.get(key)
        if earlier is None:
            kept[key] = event
        else:
            kept[key] = replace(earlier, sources=tuple(sorted(set(earlier.sources) | set(event.sources))))
    return list(kept.values())
