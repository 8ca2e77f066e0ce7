"""Streaming story grouping: each arriving article joins its most similar story or opens one.

Single-pass clustering over TF-IDF centroids with a time decay, as in the news-stream systems
of Miranda et al. (2018) and Event Registry (Leban et al. 2014). One article at a time is the
only mode: ``group_stories`` feeds a batch through the same ``StoryIndex.add`` in a documented
order, so a batch and the same articles added one by one give the same stories by construction.

Hand-written because scikit-learn's vectorisers and clusterers need the whole corpus up front
(the IDF and the linkage are fitted once), while a stream needs running document frequencies
and centroids that grow article by article.
"""

from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from itertools import repeat
from operator import mul

import numpy as np

from storytrace.settings import Settings
from storytrace.stories.features import StoryFeatures, word_frequency
from storytrace.stories.leads import LeadTable
from storytrace.stories.records import (
    Assignment,
    IndexChanges,
    Merge,
    StoryState,
    euclidean_norm,
    story_id_for,
)


def _dot(first: dict[str, float], second: dict[str, float]) -> float:
    """Dot product of two sparse vectors, walking the smaller; ``map`` over ``dict.get`` is about
    15 % faster than a generator expression in this, the index's hot loop."""
    small, large = (first, second) if len(first) <= len(second) else (second, first)
    return sum(map(mul, small.values(), map(large.get, small.keys(), repeat(0.0))))


def _heaviest(weights: dict[str, float], limit: int) -> list[tuple[str, float]]:
    """The ``limit`` heaviest entries, heaviest first (ties broken by term, for determinism).

    The ``limit``-th weight comes from sorting the bare floats (in C); only the entries at or
    above it are sorted by (-weight, term). The same list as ``heapq.nsmallest`` with that key,
    whose key function per entry was a tenth of the story index's time.
    """
    if len(weights) > limit:
        cut = sorted(weights.values(), reverse=True)[limit - 1]
        chosen = [item for item in weights.items() if item[1] >= cut]
    else:
        chosen = list(weights.items())
    chosen.sort(key=lambda item: (-item[1], item[0]))
    return chosen[:limit]


def _unit_top(raw: dict[str, float], limit: int) -> dict[str, float]:
    """The ``limit`` heaviest entries, scaled to unit length."""
    top = _heaviest(raw, limit)
    norm = euclidean_norm([w for _, w in top])
    return {term: w / norm for term, w in top} if norm else {}


def _truncate(centroid: dict[str, float], limit: int) -> dict[str, float]:
    """The ``limit`` heaviest entries."""
    return centroid if len(centroid) <= limit else dict(_heaviest(centroid, limit))


_FrequencyKeys = tuple[list[str], list[str]]


def _frequency_keys(features: StoryFeatures) -> _FrequencyKeys:
    """The document-frequency keys of an article's terms and names ("t:…", "n:…"), in their
    order: built once per article, for counting and for weighing."""
    return [*map("t:".__add__, features.terms)], [*map("n:".__add__, features.names)]


# Terms whose background is kept per language before the table starts again: a bound for a
# long-running tracker whose vocabulary (names, numbers) keeps growing; about 100 MB.
_BACKGROUND_TERMS = 1_000_000


class StoryIndex:
    """Stories so far, with running document frequencies and postings to find candidates.

    ``add`` is the whole algorithm; ``stories`` and ``merges`` what it built. The state
    (``documents``, ``df``, ``stories``) is plain data so that the store can save and reload it.
    """

    def __init__(
        self,
        settings: Settings,
        documents: int = 0,
        df: dict[str, int] | None = None,
        stories: Iterable[StoryState] = (),
    ) -> None:
        self.settings = settings
        self.documents = documents
        self.df: Counter[str] = Counter(df or {})
        self.stories: dict[str, StoryState] = {}
        self.story_of: dict[str, str] = {}
        self.postings: defaultdict[str, set[str]] = defaultdict(set)
        self.storyline_members: defaultdict[str, set[str]] = defaultdict(set)
        self.merges: list[Merge] = []
        self.changed: set[str] = set()  # stories added or changed since the last ``take_changes``
        self.removed: set[str] = set()  # stories merged away since then
        self.df_changed: set[str] = set()  # document frequencies changed since then
        self.merges_taken = 0  # merges already handed out by ``take_changes``
        self.leads = LeadTable()
        # Each term's background documents by language: a pure function of the term, asked
        # about 200 times per article (on 40,000 articles, a fifth of the index's time).
        self._background: dict[str | None, dict[str, float]] = {}
        for story in stories:
            self._register(story)

    def _register(self, story: StoryState) -> None:
        self.stories[story.id] = story
        for article in story.articles:
            self.story_of[article] = story.id
        for key in story.keys:
            self.postings[key].add(story.id)
        self.storyline_members[story.storyline].add(story.id)
        if story.lead is not None:
            self.leads.put(story.id, story.lead)

    def take_changes(self) -> IndexChanges:
        """What changed since the last call, for the store to write (then forgotten here)."""
        changes = IndexChanges(
            documents=self.documents,
            df={term: self.df[term] for term in sorted(self.df_changed)},
            stories=[self.stories[s] for s in sorted(self.changed) if s in self.stories],
            removed=sorted(self.removed),
            merges=self.merges[self.merges_taken :],
        )
        self.changed, self.removed, self.df_changed = set(), set(), set()
        self.merges_taken = len(self.merges)
        return changes

    # --- weighting -----------------------------------------------------------------------

    def _weigh(self, raw: dict[str, float], keys: list[str], limit: int, language: str | None) -> dict[str, float]:
        """TF-IDF with smoothed IDF (scikit-learn's: ln((1 + N) / (1 + df + background)) + 1), top
        terms, unit length; ``keys`` are the raw terms' document-frequency keys, in their order.

        N and df include a background of ``story_prior_documents`` general-language documents,
        in which a term occurs as often as wordfreq says: the first articles of a stream are
        then weighted like later ones instead of treating "said" as rare (a cold-start fix).
        """
        documents = 1 + self.documents + self.settings.story_prior_documents
        known = self._background.setdefault(language, {})
        if len(known) > _BACKGROUND_TERMS:
            known.clear()
        weighted = {}
        for (term, tf), df in zip(raw.items(), map(self.df.get, keys, repeat(0)), strict=True):
            background = known.get(term)
            if background is None:
                background = known[sys.intern(term)] = self._background_documents(term, language)
            weighted[term] = tf * (math.log(documents / (1 + df + background)) + 1.0)
        # Interned: the stories' sums, the postings and the background table then share one
        # string per term instead of each article's own copies (features arrive as fresh
        # strings from a worker): the index kept 20.1 kB per article, now 14.9 (20,000
        # generated articles, traced with tracemalloc; the same assignments). Only the kept
        # terms are interned: those are the ones stories hold.
        return {sys.intern(term): weight for term, weight in _unit_top(weighted, limit).items()}

    def _background_documents(self, term: str, language: str | None) -> float:
        """Of the ``story_prior_documents`` background documents, how many hold the term."""
        prior = self.settings.story_prior_documents
        return prior * -math.expm1(-self.settings.story_prior_document_words * word_frequency(term, language))

    def _count(self, keys: _FrequencyKeys) -> None:
        self.documents += 1
        # Counted in C (Counter.update, set.update): a Python loop over an article's 240 keys was
        # a sixth of the index's time at 100,000 articles.
        for part in keys:
            self.df.update(part)
            self.df_changed.update(part)

    # --- similarity ----------------------------------------------------------------------

    def _decay(self, first: tuple[int | None, int | None], second: tuple[int | None, int | None]) -> float:
        """1 within the grace period, then exponential decay with the gap in days; 1 when undated."""
        if first[0] is None or second[0] is None or first[1] is None or second[1] is None:
            return 1.0
        gap = max(0, first[0] - second[1], second[0] - first[1])
        excess = max(0, gap - self.settings.story_time_grace_days)
        return math.exp(-excess / self.settings.story_time_decay_days)

    def _lexical(self, terms: dict[str, float], names: dict[str, float], story: StoryState) -> float:
        """Sum of cosines to the story's members: the dot product with their sums."""
        weight = self.settings.story_names_weight
        return (1 - weight) * _dot(terms, story.terms) + weight * _dot(names, story.names)

    def _lead_cosine(self, lead: np.ndarray | None, story: StoryState) -> float:
        """Mean lead-embedding cosine to the story's members, scaled so that story_lead_cosine
        counts as story_join_similarity (0 without an embedder)."""
        if lead is None or story.lead is None:
            return 0.0
        cosine = float(lead @ story.lead) / len(story.articles)
        return cosine / self.settings.story_lead_cosine * self.settings.story_join_similarity

    def _similarity(
        self,
        terms: dict[str, float],
        names: dict[str, float],
        days: tuple[int | None, int | None],
        foreign: int,
        lead: np.ndarray | None,
        story: StoryState,
        pairs: int = 1,
    ) -> float:
        """Mean similarity of an article to the story's members (average linkage), decayed by
        the time between; with a story's sums, its mean lead and ``pairs`` = its size, the mean
        similarity of two stories' members.

        A pair's similarity is the cosine of its lemmas and names; a pair in two languages, whose
        words barely overlap, adds its lead embeddings' scaled cosine (``foreign`` such pairs,
        each taken at the mean lead cosine to the story). Average linkage, not the centroid's
        cosine: a centroid blurs as a story grows, so it draws in the look-alike event's reports
        (on ECB+, BCubed F1 0.897 against 0.873). Counting the lead per pair in another language
        rather than for the whole story keeps a story in many languages from taking every
        newcomer on its leads' topic likeness, and one language's reports from being diluted by
        the others' (pages-dev BCubed F1 0.785 -> 0.850 at unchanged thresholds).
        """
        total = self._lexical(terms, names, story) + foreign * self._lead_cosine(lead, story)
        score = total / (len(story.articles) * pairs)
        return score * self._decay(days, (story.first_day, story.last_day))

    def _candidates(self, keys: Iterable[str], lead: np.ndarray | None) -> list[StoryState]:
        """Stories sharing a key, most shared first, at most ``story_candidates``; with a lead,
        also the stories with the closest leads (as many again).

        Keys held by more than ``story_posting_max`` stories are too common to say anything.
        """
        limit = self.settings.story_candidates
        shared: Counter[str] = Counter()
        for key in keys:
            holders = self.postings.get(key)
            if holders is not None and len(holders) <= self.settings.story_posting_max:
                shared.update(holders)  # counted in C: hundreds of holders per article at 100,000
        ranked = _most_shared(shared, limit)
        if lead is not None:
            ranked += [story_id for story_id in self.leads.nearest(lead, limit) if story_id not in shared]
        return [self.stories[story_id] for story_id in ranked]

    # --- the algorithm -------------------------------------------------------------------

    def _vectors(
        self, features: StoryFeatures, keys: _FrequencyKeys
    ) -> tuple[dict[str, float], dict[str, float], set[str]]:
        """The article's unit TF-IDF lemma and name vectors under the current frequencies, and its keys."""
        terms = self._weigh(features.terms, keys[0], self.settings.story_vector_terms, features.language)
        names = self._weigh(features.names, keys[1], self.settings.story_vector_names, features.language)
        return terms, names, _keys(terms, names, self.settings)

    def _scored(
        self,
        features: StoryFeatures,
        terms: dict[str, float],
        names: dict[str, float],
        keys: set[str],
        lead: np.ndarray | None,
    ) -> list[tuple[float, float, StoryState]]:
        """Candidate stories with the article's similarity to each, time-decayed and not,
        most similar (decayed) first."""
        days = (features.day, features.day)
        scored = []
        for story in self._candidates(keys, lead):
            foreign = len(story.articles) - story.members_in(features.language)
            undecayed = self._similarity(terms, names, (None, None), foreign, lead, story)
            scored.append((undecayed * self._decay(days, (story.first_day, story.last_day)), undecayed, story))
        scored.sort(key=lambda item: (-item[0], item[2].id))
        return scored

    def nearest(self, features: StoryFeatures, lead: np.ndarray | None = None) -> list[tuple[float, StoryState]]:
        """Candidate stories for an article not yet added, most similar first, without changing the index.

        ``storytrace add`` compares a new article with these stories' articles to find its copies.
        """
        terms, names, keys = self._vectors(features, _frequency_keys(features))
        return [(score, story) for score, _, story in self._scored(features, terms, names, keys, lead)]

    def add(self, features: StoryFeatures, lead: np.ndarray | None = None, linked: Iterable[str] = ()) -> Assignment:
        """Assign one article: to the story of an article it copies or is copied by, else to
        its most similar story when similar enough, else to a new story; then merge stories
        that the article shows to be one, and link storylines."""
        settings = self.settings
        if features.id in self.story_of:
            return Assignment(features.id, self.story_of[features.id], 1.0, "known")
        frequency_keys = _frequency_keys(features)
        self._count(frequency_keys)
        terms, names, keys = self._vectors(features, frequency_keys)
        scored = self._scored(features, terms, names, keys, lead)
        linked_stories = {self.story_of[a] for a in linked if a in self.story_of}
        reason = "new"
        similarity = 0.0
        target: StoryState | None = None
        if linked_stories:
            # A copy always joins its original's story (and an original its copy's).
            by_score = {story.id: score for score, _, story in scored}
            target = self.stories[max(sorted(linked_stories), key=lambda s: by_score.get(s, 0.0))]
            reason, similarity = "copy", 1.0
        elif scored and scored[0][0] >= settings.story_join_similarity:
            similarity, _, target = scored[0]
            reason = "similar"
        if target is None:
            target = StoryState(story_id_for(features.id), [], {}, {}, set())
            self._register(target)
        self._absorb(target, features, terms, names, keys, lead)
        # Only stories the article itself resembles can have come closer to its story.
        neighbours = [story for _, undecayed, story in scored if undecayed >= settings.storyline_similarity]
        merges = self._merge_and_link(target, neighbours, features.id)
        return Assignment(features.id, self.story_of[features.id], similarity, reason, tuple(merges))

    def join_story(self, story: StoryState, links: Mapping[str, Iterable[str]], apart: Collection[str]) -> list[Merge]:
        """Take a story grouped apart (a block of a batch grouped in parallel, ``stories/blocks.py``).

        A story at least half of whose members copy (or are copied by) articles of one other
        story joins it, as a copy joins its original's story in ``add`` (``links``: each
        member's copy relations outside its block; of several such stories, the one most
        members are linked to). Then it merges with or links to its neighbours as
        ``_merge_and_link`` decides, but for the stories in ``apart`` (its own block's, which
        that block's index kept apart). A story of many reports with one copy link to another
        event's story is not moved by it: in ``add`` only the copy itself would have followed
        the link (on a generated corpus of ECB+ look-alike events, following every link merged
        28 pairs of events that the sequential index kept apart).
        """
        self._register(story)
        self.changed.add(story.id)
        first = story.articles[0]
        merges: list[Merge] = []
        linked_members: Counter[str] = Counter()
        for member in story.articles:
            targets = {self.story_of[a] for a in links.get(member, ()) if a in self.story_of} - {story.id}
            linked_members.update(targets)
        if linked_members:
            target, count = min(linked_members.items(), key=lambda item: (-item[1], item[0]))
            if 2 * count >= len(story.articles):
                merges.append(self._merge_into_larger(story, self.stories[target], first, 1.0))
        current = self.stories[self.story_of[first]]
        lead = current.lead / len(current.articles) if current.lead is not None else None
        neighbours = [
            other
            for other in self._candidates(current.keys, lead)
            if other.id != current.id
            and other.id not in apart
            and self._story_similarity(current, other) >= self.settings.storyline_similarity
        ]
        return merges + self._merge_and_link(current, neighbours, first)

    def _absorb(
        self,
        story: StoryState,
        features: StoryFeatures,
        terms: dict[str, float],
        names: dict[str, float],
        keys: set[str],
        lead: np.ndarray | None,
    ) -> None:
        limit = self.settings.story_centroid_terms
        story.articles.append(features.id)
        self.story_of[features.id] = story.id
        for term, weight in terms.items():
            story.terms[term] = story.terms.get(term, 0.0) + weight
        for name, weight in names.items():
            story.names[name] = story.names.get(name, 0.0) + weight
        language = features.language or ""
        story.languages[language] = story.languages.get(language, 0) + 1
        story.terms, story.names = _truncate(story.terms, limit), _truncate(story.names, limit)
        story.refresh_norms()
        for key in keys - story.keys:
            self.postings[key].add(story.id)
        story.keys |= keys
        self._cap_keys(story)
        if features.day is not None:
            story.first_day = features.day if story.first_day is None else min(story.first_day, features.day)
            story.last_day = features.day if story.last_day is None else max(story.last_day, features.day)
        if lead is not None:
            story.lead = lead.copy() if story.lead is None else story.lead + lead
            self.leads.put(story.id, story.lead)
        self.changed.add(story.id)

    def _cap_keys(self, story: StoryState) -> None:
        """Keep a big story's keys to the ``story_max_keys`` that weigh most in its sums.

        Every member brings its own keys; without a cap a story of hundreds of articles holds
        thousands, which swells the postings and the story's stored row, while its heaviest
        lemmas and names are enough for its next reports to find it.
        """
        limit = self.settings.story_max_keys
        if len(story.keys) <= limit:
            return
        weight = {f"t:{term}": w for term, w in story.terms.items()}
        weight.update((f"n:{name}", w) for name, w in story.names.items())
        kept = {key for key, _ in _heaviest({key: weight.get(key, 0.0) for key in story.keys}, limit)}
        for key in story.keys - kept:
            holders = self.postings.get(key)
            if holders is not None:
                holders.discard(story.id)
        story.keys = kept

    def _story_similarity(self, first: StoryState, second: StoryState) -> float:
        """Mean similarity of the two stories' members to each other (average linkage), not time-decayed."""
        size = len(first.articles)
        same = sum(count * second.languages.get(language, 0) for language, count in first.languages.items())
        foreign = size * len(second.articles) - same
        lead = first.lead / size if first.lead is not None else None
        return self._similarity(first.terms, first.names, (None, None), foreign, lead, second, size)

    def _merge_and_link(self, story: StoryState, neighbours: list[StoryState], article: str) -> list[Merge]:
        """Merge neighbours that now look like the same event as ``story``; link storylines."""
        settings = self.settings
        merges: list[Merge] = []
        for other in neighbours:
            if other.id == story.id or other.id not in self.stories or story.id not in self.stories:
                continue
            undecayed = self._story_similarity(story, other)
            similarity = undecayed * self._decay((story.first_day, story.last_day), (other.first_day, other.last_day))
            if similarity >= settings.story_merge_similarity:
                merges.append(self._merge_into_larger(story, other, article, similarity))
                story = self.stories[merges[-1].into]
            elif undecayed >= settings.storyline_similarity and self._shares_actors(story, other):
                # Storylines span weeks: their time limit is the window, not the events' decay.
                self._link(story, other)
        return merges

    def _shares_actors(self, first: StoryState, second: StoryState) -> bool:
        """Stories of one storyline name the same people and places within the storyline window."""
        if not first.names_norm or not second.names_norm:
            return False
        actors = _dot(first.names, second.names) / (first.names_norm * second.names_norm)
        if actors < self.settings.storyline_names_cosine:
            return False
        if None in (first.first_day, second.first_day):
            return True
        gap = max(0, first.first_day - second.last_day, second.first_day - first.last_day)  # type: ignore[operator]
        return gap <= self.settings.storyline_window_days

    def _link(self, first: StoryState, second: StoryState) -> None:
        """Join two storylines (the one named after the smaller id takes the other)."""
        if first.storyline == second.storyline:
            return
        keep, gone = sorted((first.storyline, second.storyline))
        for story_id in self.storyline_members.pop(gone):
            self.stories[story_id].storyline = keep
            self.storyline_members[keep].add(story_id)
            self.changed.add(story_id)

    def _merge_into_larger(self, first: StoryState, second: StoryState, article: str, similarity: float) -> Merge:
        """Merge two stories into the one with more articles (the first on a tie)."""
        if len(first.articles) >= len(second.articles):
            return self._merge(second, first, article, similarity)
        return self._merge(first, second, article, similarity)

    def _merge(self, gone: StoryState, keep: StoryState, article: str, similarity: float) -> Merge:
        for member in gone.articles:
            self.story_of[member] = keep.id
        keep.articles.extend(gone.articles)
        for term, weight in gone.terms.items():
            keep.terms[term] = keep.terms.get(term, 0.0) + weight
        for name, weight in gone.names.items():
            keep.names[name] = keep.names.get(name, 0.0) + weight
        limit = self.settings.story_centroid_terms
        keep.terms, keep.names = _truncate(keep.terms, limit), _truncate(keep.names, limit)
        keep.refresh_norms()
        for key in gone.keys:
            self.postings[key].discard(gone.id)
            self.postings[key].add(keep.id)
        keep.keys |= gone.keys
        self._cap_keys(keep)
        days = [d for d in (keep.first_day, keep.last_day, gone.first_day, gone.last_day) if d is not None]
        keep.first_day, keep.last_day = (min(days), max(days)) if days else (None, None)
        for language, count in gone.languages.items():
            keep.languages[language] = keep.languages.get(language, 0) + count
        if gone.lead is not None:
            keep.lead = gone.lead.copy() if keep.lead is None else keep.lead + gone.lead
            self.leads.put(keep.id, keep.lead)
        self.leads.drop(gone.id)
        if gone.storyline != keep.storyline:
            self._link(keep, gone)
        del self.stories[gone.id]
        self.storyline_members[keep.storyline].discard(gone.id)
        self.changed.add(keep.id)
        self.changed.discard(gone.id)
        self.removed.add(gone.id)
        merge = Merge(gone.id, keep.id, article, similarity)
        self.merges.append(merge)
        return merge


def _most_shared(shared: Counter[str], limit: int) -> list[str]:
    """The ``limit`` stories sharing the most keys, ties by id: the order of sorting them all by
    (-count, id), found without a Python key function per story.

    The counts are small integers, so the ``limit``-th largest comes from their histogram; only
    the stories at or above it are sorted. On 100,000 generated articles an article's keys reach
    about 640 stories, and a partial sort over all of them was a fifth of the index's time.
    """
    cut = 0  # fewer stories than the limit: every count is above the cut
    reached = 0
    for count, stories in sorted(Counter(shared.values()).items(), reverse=True):
        reached += stories
        if reached >= limit:
            cut = count
            break
    above = sorted((story_id for story_id, count in shared.items() if count > cut), key=lambda s: (-shared[s], s))
    at_cut = sorted(story_id for story_id, count in shared.items() if count == cut)
    return (above + at_cut)[:limit]


def _keys(terms: dict[str, float], names: dict[str, float], settings: Settings) -> set[str]:
    """The heaviest terms and names of an article: what finds its candidate stories."""
    top_terms = _heaviest(terms, settings.story_query_terms)
    top_names = _heaviest(names, settings.story_query_terms)
    return {sys.intern("t:" + t) for t, _ in top_terms} | {sys.intern("n:" + n) for n, _ in top_names}
