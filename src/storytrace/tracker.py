"""Streaming stories: ``Tracker`` adds articles to a database's story index as they arrive.

``storytrace add`` and ``analyze`` both go through a ``Tracker``: the index is the same
algorithm (``StoryIndex.add``) either way, so a batch equals its articles added one by one in
``arrival_order``. What differs is copies: ``analyze`` finds them within its batch, ``add``
compares each new article with the stored articles of its nearest stories only.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import TypeVar

import numpy as np

from storytrace.align import (
    ArticleFeatures,
    article_features,
    embedding_candidates,
    shingle_candidates,
    sketch_candidates,
)
from storytrace.embed import Embedder, lead_vectors
from storytrace.executor import SERIAL, Executor
from storytrace.model import Article, Copy, IngestResult, Story, Storyline
from storytrace.progress import ProgressSink, SilentProgress
from storytrace.provenance import compare_articles, nearest_sources
from storytrace.settings import DEFAULT_SETTINGS, Settings
from storytrace.store import Store
from storytrace.stories import (
    STORY_BLOCKS,
    Assignment,
    Block,
    BlockBase,
    StoryFeatures,
    arrival_order,
    copy_links,
    day_blocks,
    describe,
    features_stream,
    join_block,
    story_features,
)

# Copy features (and leads) of recently seen articles: a new article is compared with the latest
# articles of its nearest stories, which are mostly the ones seen just before it.
_CACHED_ARTICLES = 2_000

T = TypeVar("T")


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _head(article: Article) -> Article:
    """What titles and date ranges need of an article (kept in memory for every story member seen)."""
    return Article(id=article.id, source="", text="", title=article.title, published=article.published,
                   language=article.language, outlet=article.outlet)  # fmt: skip


class Tracker:
    """Adds articles to the story index stored in ``store``, writing each change as it goes.

    On construction the stored index is loaded (nothing is written). Every write is one
    transaction: ``add`` stores the article, then its copies, then the index's changes, so a
    killed run leaves at most one article without a story; ``catch_up`` adds such articles (and
    those of a database from before stories) the way ``add`` would. One tracker at a time may
    write a database's stories (a second one fails with ``StoreError`` instead of overwriting;
    runs take the store's ``writer_lock`` to take turns).

    ``store`` stays the caller's to close; ``close`` only releases the tracker's memory.
    """

    def __init__(
        self,
        store: Store,
        settings: Settings = DEFAULT_SETTINGS,
        embedder: Embedder | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.embedder = embedder
        self.index = store.load_story_index(settings)
        self._heads: dict[str, Article] = {}
        self._copy_features: OrderedDict[str, tuple[ArticleFeatures, np.ndarray | None]] = OrderedDict()

    def close(self) -> None:
        """Release the caches (everything added is already written)."""
        self._heads.clear()
        self._copy_features.clear()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- batches ---------------------------------------------------------------------------

    def catch_up(self, progress: ProgressSink | None = None, skip: Collection[str] = ()) -> list[Assignment]:
        """Add the stored articles that have no story yet (but those in ``skip``: the caller's own
        batch, which it adds itself) in arrival order, each checked for copies as ``add`` does.

        Such articles were left by a killed run, or come from a database from before stories.
        Checking them for copies before they join a story matters: a copy must join its source's.
        """
        backlog = arrival_order([a for a in self.store.unassigned_articles() if a.id not in skip])
        sink = progress or SilentProgress()
        if backlog:
            sink.stage("adding stored articles to stories", len(backlog))
        assignments: list[Assignment] = []
        for chunk in _chunks(backlog, self.settings.store_batch_size):
            loaded = {article.id: article for article in self.store.load_articles(a.id for a in chunk)}
            for head in chunk:
                if head.id in loaded:
                    assignments.append(self._place(loaded[head.id], "unchanged")[0])
            sink.advance(len(chunk))
        return assignments

    def assign(
        self, articles: Sequence[Article], progress: ProgressSink | None = None, executor: Executor = SERIAL
    ) -> list[Assignment]:
        """Add stored articles to the index in ``arrival_order``, linked by their stored copy
        relations (so save a batch's copies first), writing every ``story_save_articles`` articles.

        Articles already in a story are skipped (reason "known"). ``executor`` extracts the
        features (a large batch's in worker processes, with a pool) while the index takes them.
        """
        sink = progress or SilentProgress()
        ordered = arrival_order(articles)
        links = copy_links(self.store.load_copies(article.id for article in ordered))
        assignments: list[Assignment] = []
        if self.settings.story_block_days:
            ordered = self._assign_in_blocks(ordered, links, assignments, sink, executor)
        features = features_stream(ordered, executor)
        for chunk in _chunks(ordered, self.settings.story_save_articles):
            leads = self._leads(chunk)
            done = []
            for i, article in enumerate(chunk):
                lead = leads[i] if leads is not None else None
                done.append(self.index.add(next(features), lead, links.get(article.id, ())))
                sink.advance()  # per article: at about 0.2 s an article (pages-dev), a chunk stalled the bar
            self._heads.update((article.id, _head(article)) for article in chunk)
            self._save(done)
            assignments.extend(done)
        return assignments

    def _assign_in_blocks(
        self,
        ordered: list[Article],
        links: dict[str, set[str]],
        assignments: list[Assignment],
        sink: ProgressSink,
        executor: Executor,
    ) -> list[Article]:
        """Group the dated articles new to the index in blocks of days (``stories/blocks.py``),
        each block by the executor's ``story blocks`` step, and join them in time order, writing
        every ``story_save_articles`` articles; return the articles left to add one by one (the undated, the known)."""
        fresh = [article for article in ordered if article.id not in self.index.story_of]
        blocks = day_blocks(fresh, self.settings.story_block_days)
        # A snapshot: the joins below change the index's frequencies, and a block grouped in this
        # process after some joins must start from what a worker forked (or broadcast) before
        # them starts from, or the stories would depend on where the blocks ran.
        base = BlockBase(self.settings, self.index.documents, dict(self.index.df))
        items = (
            Block(tuple(block), self._leads(block), {a.id: tuple(sorted(links.get(a.id, ()))) for a in block})
            for block in blocks
        )
        unsaved: list[Assignment] = []
        for block, grouped in zip(blocks, executor.map(STORY_BLOCKS, items, base), strict=True):
            unsaved.extend(join_block(self.index, grouped, links))
            self._heads.update((article.id, _head(article)) for article in block)
            if len(unsaved) >= self.settings.story_save_articles:  # a write per block of few articles cost more
                self._save(unsaved)
                assignments.extend(unsaved)
                unsaved = []
            sink.advance(len(block))
        self._save(unsaved)
        assignments.extend(unsaved)
        joined = {article.id for block in blocks for article in block}
        return [article for article in ordered if article.id not in joined]

    # --- one article -----------------------------------------------------------------------

    def add(self, article: Article) -> tuple[IngestResult, Assignment | None, list[Copy]]:
        """Store one article, find its copies among the stored articles of its nearest stories,
        and add it to the index: where it went and the copies found.

        A duplicate of a stored article (same URL or text) goes nowhere (reason "duplicate",
        the story of the article it duplicates); an article already in a story stays there
        ("known"), though an updated one has its copies looked for again. An article the
        database rejected has no assignment.
        """
        (result,) = self.store.save_articles([article])
        if result.status == "rejected":
            return result, None, []
        if result.status == "duplicate":
            original = result.duplicate_of or ""
            return result, Assignment(article.id, self.index.story_of.get(original, ""), 1.0, "duplicate"), []
        assignment, copies = self._place(article, result.status)
        return result, assignment, copies

    def _place(self, article: Article, status: str) -> tuple[Assignment, list[Copy]]:
        """Check a stored article for copies and add it to the index (unless it is in a story
        and ``status`` says it did not change): where it went and the copies found."""
        known = self.index.story_of.get(article.id)
        if known is not None and status == "unchanged":
            return Assignment(article.id, known, 1.0, "known"), []
        features = story_features(article)
        leads = self._leads([article])
        lead = leads[0] if leads is not None else None
        compared, copies = self._copies(article, features, lead)
        if copies or (compared and status != "new"):  # a new article has no stored relations to replace
            self.store.replace_copies_of(article.id, compared, copies)
        linked = {relation.original if relation.copy == article.id else relation.copy for relation in copies}
        assignment = self.index.add(features, lead, linked)
        self._heads[article.id] = _head(article)
        self._save([assignment])
        return assignment, copies

    def _copies(
        self, article: Article, features: StoryFeatures, lead: np.ndarray | None
    ) -> tuple[list[str], list[Copy]]:
        """The stored articles compared with ``article`` and the copy relations found among them.

        Candidates: the latest articles of the nearest stories, at most ``add_copy_candidates``;
        the same sentence and shingle indexes as ``detect_copies`` (and lead embeddings across
        languages) pick which of them to align.
        """
        limit = self.settings.add_copy_candidates
        if not limit:
            return [], []
        compared: list[str] = []
        for similarity, story in self.index.nearest(features, lead):
            if similarity < self.settings.story_join_similarity:
                # A copy, spun or translated, is closer to its source's story than any article
                # that merely joins it; a story the article could not join holds no source.
                break
            compared.extend(member for member in reversed(story.articles) if member != article.id)
            if len(compared) >= limit:
                break
        compared = compared[:limit]
        own = article_features(article, self.settings)
        self._remember(article.id, own, lead)
        if not compared:
            return compared, []
        known = self._features_of(compared)
        sides = [own, *(known[i][0] for i in compared)]
        # One call each over the new article and its few candidates; only pairs with it count.
        pairs = set(shingle_candidates(sides, self.settings)) | set(sketch_candidates(sides, self.settings, anchor=0))
        chosen = {compared[second - 1] for first, second in pairs if first == 0}
        if self.embedder is not None and lead is not None:  # then every article has a lead
            means = np.stack([lead, *(vector for i in compared if (vector := known[i][1]) is not None)])
            found = embedding_candidates(sides, means, self.embedder.match_cosine, self.settings)
            chosen |= {compared[second - 1] for first, second in found if first == 0}
        relations = []
        # The verdict of detect_copies for the pair: the same alignment, evidence and embedder.
        for other_article in self.store.load_articles(sorted(chosen)):
            context = [known[i][0] for i in compared if i != other_article.id]
            pair = (own, known[other_article.id][0])
            _, relation = compare_articles(article, other_article, self.settings, self.embedder, context, pair)
            if relation is not None:
                relations.append(relation)
        # A stored article this one copied from is judged against its stored sources too, as
        # detect_copies judges every source of a copy at once: a new relation into it stays only
        # when it names a nearer source than the stored ones.
        stored = [
            r for r in self.store.load_copies(compared) if r.copy in compared and article.id not in (r.original, r.copy)
        ]
        others = self._features_of(sorted({r.original for r in stored} - set(compared)))
        lengths = {
            article.id: own.chars,
            **{i: known[i][0].chars for i in compared},
            **{i: f.chars for i, (f, _) in others.items()},
        }
        kept = nearest_sources([*relations, *stored], lengths, self.settings)
        return compared, [r for r in kept if article.id in (r.original, r.copy)]

    def _features_of(self, ids: Sequence[str]) -> dict[str, tuple[ArticleFeatures, np.ndarray | None]]:
        """Copy features and leads of stored articles, from the cache or computed once."""
        missing = [i for i in ids if i not in self._copy_features]
        if missing:
            loaded = self.store.load_articles(missing)
            leads = self._leads(loaded)
            for position, other in enumerate(loaded):
                self._remember(
                    other.id, article_features(other, self.settings), leads[position] if leads is not None else None
                )
        found = {}
        for i in ids:
            self._copy_features.move_to_end(i)
            found[i] = self._copy_features[i]
        return found

    def _remember(self, article_id: str, features: ArticleFeatures, lead: np.ndarray | None) -> None:
        self._copy_features[article_id] = (features, lead)
        self._copy_features.move_to_end(article_id)
        while len(self._copy_features) > _CACHED_ARTICLES:
            self._copy_features.popitem(last=False)

    # --- shared ----------------------------------------------------------------------------

    def _leads(self, articles: Sequence[Article]) -> np.ndarray | None:
        """The articles' lead embeddings, or None without an embedder."""
        if self.embedder is None or not articles:
            return None
        return lead_vectors(articles, self.embedder, self.settings.copy_embedding_lead_sentences)

    def _save(self, assignments: Sequence[Assignment]) -> None:
        """Write the index's changes, with titles and date ranges of the stories that gained articles."""
        changes = self.index.take_changes()
        if not (changes.stories or changes.removed or changes.df or changes.merges):
            return
        grown = {self.index.story_of[a.article] for a in assignments if a.reason != "known"}
        grown |= {merge.into for merge in changes.merges}
        states = [state for state in changes.stories if state.id in grown]
        described, _ = describe(states, self._heads_of(a for s in states for a in s.articles), ())
        self.store.save_story_changes(changes, assignments, described)

    def _heads_of(self, ids: Iterable[str]) -> dict[str, Article]:
        wanted = list(dict.fromkeys(ids))
        missing = [i for i in wanted if i not in self._heads]
        if missing:
            self._heads.update((i, _head(a)) for i, a in self.store.load_article_heads(missing).items())
        return {i: self._heads[i] for i in wanted if i in self._heads}

    def stories_of(self, article_ids: Iterable[str]) -> tuple[list[Story], list[Storyline]]:
        """The stories holding these articles and the other stories of their storylines, described
        (titles, date ranges, originals), with those storylines."""
        held = {self.index.story_of[i] for i in article_ids if i in self.index.story_of}
        lines = {self.index.stories[s].storyline for s in held}
        states = [self.index.stories[s] for line in sorted(lines) for s in sorted(self.index.storyline_members[line])]
        members = [a for state in states for a in state.articles]
        return describe(states, self._heads_of(members), self.store.load_copies(members))
