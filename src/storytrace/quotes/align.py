"""Align quotes across a story's articles: one statement, however each outlet quoted it.

Two quotes are one statement when their speakers are compatible (the same person after aliases are
merged, or one unknown) and either most of the shorter quote's content words appear in the longer
(a partial quote, a reworded or spun one) or, across languages, their sentence vectors are close (a
translation). Groups are the connected quotes, so a partial quote joins its fuller form.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
from rapidfuzz.distance import JaroWinkler

from storytrace.model import Quote, QuoteGroup
from storytrace.settings import Settings


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def _same_person(first: str, second: str, settings: Settings) -> bool:
    """True when two names are one person: alike surnames, same initials where both give a first name."""
    a, b = _fold(first).split(), _fold(second).split()
    if not a or not b:
        return False
    if a[-1][0] != b[-1][0] or JaroWinkler.similarity(a[-1], b[-1]) < settings.speaker_surname_similarity:
        return False
    return len(a) == 1 or len(b) == 1 or a[0][0] == b[0][0]


def merge_aliases(names: Sequence[str], settings: Settings) -> dict[str, str]:
    """Map each speaker name to the story's canonical form of it: "Putin", "Poutine" -> "Vladimir Putin".

    Names of one person form a family; its canonical form is a fullest (most words) name spelled
    the way the family mostly spells the surname ("Putin" over "Poutine" in an English-led story).
    """
    counts = Counter(names)
    families: list[list[str]] = []
    for name in sorted(counts, key=lambda n: (-len(n.split()), -counts[n], n)):
        family = next((f for f in families if _same_person(f[0], name, settings)), None)
        if family is None:
            families.append([name])
        else:
            family.append(name)
    canonical: dict[str, str] = {}
    for family in families:
        surnames: Counter[str] = Counter()
        for name in family:
            surnames[_fold(name).split()[-1]] += counts[name]
        longest = max(len(name.split()) for name in family)
        best = max(
            (n for n in family if len(n.split()) == longest),
            key=lambda n: (surnames[_fold(n).split()[-1]], counts[n], n),
        )
        canonical.update((name, best) for name in family)
    return canonical


def _containment(first: frozenset[str], second: frozenset[str], weight: Mapping[str, float]) -> float:
    """Weighted share of the shorter quote's words found in the other (rare words weigh more)."""
    shorter = first if len(first) <= len(second) else second
    total = sum(weight[w] for w in shorter)
    return sum(weight[w] for w in first & second) / total if total else 0.0


def _normalized(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def align_quotes(
    quotes: Sequence[Quote],
    content_words: Sequence[frozenset[str]],
    languages: Sequence[str | None],
    originals: frozenset[str],
    settings: Settings,
    vectors: np.ndarray | None = None,
    translation_cosine: float = 1.0,
) -> list[QuoteGroup]:
    """Group a story's quotes into statements, each with its speaker and fullest wording.

    ``content_words[i]`` are quote i's content lemmas; ``vectors`` (optional, unit rows) its sentence
    embedding, used only between quotes in different languages; ``originals`` are the articles that
    copy no other (their wording is preferred as a group's text).
    """
    aliases = merge_aliases([q.speaker for q in quotes if q.speaker], settings)
    speakers = [aliases.get(q.speaker, q.speaker) if q.speaker else None for q in quotes]
    parent = list(range(len(quotes)))

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    threshold_cosine = max(settings.quote_alignment_cosine, translation_cosine)
    # Inverse document frequency over the story's quotes: "Russia" and "NATO" in every quote of a
    # story about them must not make two different statements look alike.
    frequency = Counter(word for words in content_words for word in words)
    weight = {word: math.log(1 + len(quotes) / count) for word, count in frequency.items()}
    for i in range(len(quotes)):
        for j in range(i + 1, len(quotes)):
            if quotes[i].article == quotes[j].article:
                continue
            if speakers[i] and speakers[j] and speakers[i] != speakers[j]:
                continue
            if languages[i] != languages[j]:
                same = vectors is not None and float(vectors[i] @ vectors[j]) >= threshold_cosine
            elif min(len(content_words[i]), len(content_words[j])) < settings.quote_alignment_min_words:
                same = _normalized(quotes[i].text) == _normalized(quotes[j].text)
            else:
                shared = len(content_words[i] & content_words[j])
                same = (
                    shared >= settings.quote_alignment_min_words
                    and _containment(content_words[i], content_words[j], weight) >= settings.quote_alignment_share
                )
            if same:
                parent[find(i)] = find(j)
    members: dict[int, list[int]] = {}
    for index in range(len(quotes)):
        members.setdefault(find(index), []).append(index)
    groups: list[QuoteGroup] = []
    for indexes in members.values():
        named = Counter(speakers[i] for i in indexes if speakers[i])
        speaker = named.most_common(1)[0][0] if named else None
        fullest = max(indexes, key=lambda i: (quotes[i].article in originals, len(content_words[i]), -i))
        ordered = tuple(sorted((quotes[i] for i in indexes), key=lambda q: (q.article, q.span)))
        groups.append(QuoteGroup(speaker, quotes[fullest].text, ordered))
    groups.sort(
        key=lambda g: (
            -len({q.article for q in g.quotes}),
            -math.log1p(len(g.text)),
            g.quotes[0].article,
            g.quotes[0].span,
        )
    )
    return groups
