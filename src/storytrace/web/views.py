"""What each page shows, built from the store: plain functions shared by the web app's routes and
the shareable report, free of the web framework (the report imports no FastAPI).

A view is a dict of what its template reads; the routes render it, or shape it into JSON.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storytrace.comparisons import spans_languages
from storytrace.embed import Embedder
from storytrace.model import Article, Copy, Passage, Span, StoryComparison
from storytrace.pipeline import compare_pair, compare_story
from storytrace.provenance.families import copy_families
from storytrace.report import comparison_record
from storytrace.report.compare import changed_spans
from storytrace.settings import Settings
from storytrace.store import Store, StoredStory
from storytrace.web.bodies import Body
from storytrace.web.cache import LRUCache, settle_long_lived
from storytrace.web.graph import copy_graph_svg
from storytrace.web.links import server_url
from storytrace.web.pages import render
from storytrace.web.svg import hours_between, storyline_svg, timeline_svg

# Colour classes for aligned passages (c0 … c7 in the stylesheet), reused in turn.
PASSAGE_COLOURS = 8


class Missing(LookupError):
    """A story or article a page names is not stored (the app answers 404 with this message)."""


@dataclass(frozen=True, slots=True)
class StoryFilters:
    """What a story list is filtered by: a title search, an outlet, a language, a date range (ISO)."""

    q: str | None = None
    outlet: str | None = None
    language: str | None = None
    since: str | None = None
    until: str | None = None


def story_list(
    store: Store, cache: LRUCache[tuple[str, ...], list[StoredStory]], filters: StoryFilters
) -> list[StoredStory]:
    """Stories matching the filters; lists are cached until the stories change (any add)."""
    version = store.stories_version()
    key = (filters.outlet or "", filters.language or "", filters.since or "", filters.until or "")
    found = cache.get(key, version)
    if found is None:
        found = store.load_stories(
            outlet=filters.outlet or None, language=filters.language or None, since=filters.since, until=filters.until
        )
        cache.put(key, found, version)
    if q := filters.q:
        needle = q.casefold()
        found = [story for story in found if needle in (story.title or "").casefold()]
    return found


def story_members(store: Store, story: StoredStory) -> tuple[list[Article], list[Copy]]:
    """A story's articles and the copy relations among them (a copy of an outsider is another story's)."""
    articles = store.load_articles(story.articles)
    copies = [c for c in store.load_copies(story.articles) if c.copy in story.articles]
    return articles, copies


def story_view(
    story: StoredStory,
    articles: list[Article],
    copies: list[Copy],
    comparison: StoryComparison | None,
    url: Any = server_url,
) -> dict[str, Any]:
    """What the story page, its JSON twin and the shareable report show of a story."""
    by_id = {article.id: article for article in articles}
    members = sorted(articles, key=lambda a: (a.published is None, a.published or "", a.outlet or "", a.id))
    copy_of = defaultdict(list)
    for relation in copies:
        copy_of[relation.copy].append(relation)
    return {
        "story": story,
        "members": members,
        "copy_of": copy_of,
        "copies": copies,
        "families": copy_families(copies),
        "by_id": by_id,
        "comparison": comparison,
        "record": comparison_record(comparison) if comparison is not None else None,
        "timeline_svg": timeline_svg(
            articles, comparison.timeline if comparison else (), copies, lambda article_id: url("article", article_id)
        ),
        "graph_svg": copy_graph_svg(articles, copies, lambda article_id: url("article", article_id)),
        "url": url,
    }


ViewKey = tuple[str, str, tuple[str, ...]]


@dataclass
class ViewCache:
    """Rendered story views by (id, storyline, articles), and which key each requested id names
    at the current stories version."""

    views: LRUCache[ViewKey, dict[str, Any]]
    keys: LRUCache[str, ViewKey]


def story_comparison(
    story_id: str,
    articles: Sequence[Article],
    db: str | Path,
    settings: Settings,
    embedder: Callable[[], Embedder | None],
    workers: int | None,
) -> StoryComparison:
    """The story compared as ``show`` compares it: with analyze's default embedder when its
    articles span languages (``embedder`` is called only then, so it may load lazily), else
    without one; the web page and the HTML report both show this."""
    model = embedder() if spans_languages(articles) else None
    _, comparison = compare_story(story_id, db=db, settings=settings, embedder=model, workers=workers)
    return comparison


def story_page(
    store: Store,
    cache: ViewCache,
    story_id: str,
    db: str | Path,
    settings: Settings,
    embedder: Callable[[], Embedder | None],
) -> dict[str, Any]:
    """A story's view with its rendered page (``html``, an encoded ``Body``), cached by the story's id, storyline and
    articles: a story changes when an article joins it, and its storyline link when the index links
    it to another storyline; either changes the key, so a cached view is never stale.

    The comparison is ``show``'s: a story in several languages is compared with ``analyze``'s
    default embedder (``embedder`` is called only then, so it may load lazily)."""
    # While the stories are as they were (their version), the id names the view it named: one
    # small read instead of loading the story to build its key.
    version = store.stories_version()
    known = cache.keys.get(story_id, version)
    if known is not None and (cached := cache.views.get(known)) is not None:
        return cached
    found = store.load_story(story_id)
    if found is None:
        raise Missing(f"{story_id}: no such story")
    key = (found.id, found.storyline, found.articles)
    cache.keys.put(story_id, key, version)
    cached = cache.views.get(key)
    if cached is not None:
        return cached
    articles, copies = story_members(store, found)
    comparison = story_comparison(found.id, articles, db, settings, embedder, workers=1)
    view = story_view(found, articles, copies, comparison)
    view["html"] = Body.html(render("story.html", **view))  # encoded once, sent as bytes
    cache.views.put(key, view)
    settle_long_lived()
    return view


def storyline_view(store: Store, storyline_id: str, url: Any = server_url) -> dict[str, Any]:
    """A storyline's stories (oldest first) with their picture on one time axis; titled, as the
    stories stage titles a storyline, after its largest story."""
    stories = store.load_stories(storyline=storyline_id) if storyline_id.startswith("sl-") else []
    if not stories:
        raise Missing(f"{storyline_id}: no such storyline")
    heads = store.load_article_heads(a for story in stories for a in story.articles)
    published = {article_id: head.published for article_id, head in heads.items()}
    largest = max(stories, key=lambda story: (len(story.articles), story.id))
    return {
        "id": storyline_id,
        "title": largest.title,
        "stories": stories,
        "article_count": sum(len(story.articles) for story in stories),
        "svg": storyline_svg(stories, published, lambda story_id: url("story", story_id)),
    }


def article_view(store: Store, article_id: str) -> dict[str, Any]:
    """An article with its copy relations and the id of its story."""
    found = store.load_articles([article_id])
    if not found:
        raise Missing(f"{article_id}: no such article")
    return {"article": found[0], "relations": store.load_copies([article_id]), "story_id": store.story_of(article_id)}


def highlight(
    text: str, spans: list[tuple[int, int, int]], changed: Sequence[Span] = ()
) -> list[tuple[int | None, list[tuple[str, bool]]]]:
    """The text cut into (colour, parts) with each aligned span's colour, each part a piece of text
    and whether it is a changed word (one the other side's passage lacks), for the side-by-side page."""
    marks = sorted(changed)
    pieces: list[tuple[int | None, list[tuple[str, bool]]]] = []
    position = 0
    for start, end, colour in sorted(spans):
        if start < position:
            continue
        if start > position:
            pieces.append((None, [(text[position:start], False)]))
        parts: list[tuple[str, bool]] = []
        inside = start
        for mark_start, mark_end in marks:
            if mark_end <= inside or mark_start >= end:
                continue
            if mark_start > inside:
                parts.append((text[inside:mark_start], False))
            parts.append((text[max(mark_start, inside) : min(mark_end, end)], True))
            inside = min(mark_end, end)
        parts.append((text[inside:end], False))
        pieces.append((colour, [part for part in parts if part[0]]))
        position = end
    pieces.append((None, [(text[position:], False)]))
    return pieces


def pair_view(first: Article, second: Article, passages: Sequence[Passage], relation: Copy | None) -> dict[str, Any]:
    """Two articles side by side, each aligned passage in the same colour on both sides and, inside
    it, the words the other side lacks marked (found as the command line's side by side finds them)."""
    left = [(p.original[0], p.original[1], n % PASSAGE_COLOURS) for n, p in enumerate(passages)]
    right = [(p.copy[0], p.copy[1], n % PASSAGE_COLOURS) for n, p in enumerate(passages)]
    left_changed = [s for p in passages for s in changed_spans(first.text, p.original, second.text, p.copy)]
    right_changed = [s for p in passages for s in changed_spans(second.text, p.copy, first.text, p.original)]
    return {
        "first": first,
        "second": second,
        "passages": passages,
        "relation": relation,
        "left": highlight(first.text, left, left_changed),
        "right": highlight(second.text, right, right_changed),
    }


def compare_view(
    store: Store,
    first: str,
    second: str,
    db: str | Path,
    settings: Settings,
    embedder: Callable[[], Embedder | None],
) -> dict[str, Any]:
    """Two stored articles side by side with the verdict analyze stored, or the pair judged as
    analyze would (``embedder`` is called only then, so it may load lazily)."""
    found = {a.id: a for a in store.load_articles([first, second])}
    missing = [i for i in (first, second) if i not in found]
    if missing:
        raise Missing(f"{', '.join(missing)}: no such article")
    _, _, passages, relation = compare_pair(first, second, db, settings, embedder())
    return pair_view(found[first], found[second], passages, relation)


def outlet_rows(store: Store) -> list[dict[str, Any]]:
    """Per outlet: articles, how many others copied, how many are copies, median delay of its copies."""
    return outlet_summary(store)[0]


def outlet_summary(store: Store) -> tuple[list[dict[str, Any]], dict[tuple[str, str], int]]:
    """``outlet_rows`` and the copies between outlets: (copying outlet, copied outlet) -> count.
    Reads the articles' heads only (an outlet page needs no article's text)."""
    by_id, copies = store.load_article_heads(), store.load_copies()
    flows: dict[tuple[str, str], int] = defaultdict(int)
    rows: dict[str, dict[str, Any]] = {}
    for article in by_id.values():
        row = rows.setdefault(
            article.outlet or "(unknown)", {"articles": 0, "copied_by_others": 0, "copies": 0, "delays": []}
        )
        row["articles"] += 1
    for relation in copies:
        original, copy = by_id.get(relation.original), by_id.get(relation.copy)
        if original is None or copy is None:
            continue
        rows[original.outlet or "(unknown)"]["copied_by_others"] += 1
        row = rows[copy.outlet or "(unknown)"]
        row["copies"] += 1
        flows[(copy.outlet or "(unknown)", original.outlet or "(unknown)")] += 1
        hours = hours_between(original.published, copy.published)
        if hours is not None:
            row["delays"].append(hours)
    result = []
    for outlet, row in sorted(rows.items(), key=lambda item: (-item[1]["copied_by_others"], item[0])):
        delays = row.pop("delays")
        result.append(
            {"outlet": outlet, **row, "median_copy_delay_hours": statistics.median(delays) if delays else None}
        )
    return result, dict(flows)
