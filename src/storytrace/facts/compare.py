"""Compare what a story's articles state about the same thing and flag disagreements.

Facts meet on ``(kind, about)``. Numbers agree when they differ by at most
``Settings.fact_number_gap`` (rounding: "about 100,000" and "100,000"); dates when one contains the
other ("2022" and "2022-01"); places and names when they are written alike. Dates are compared
only when they date an event ("talks … in early January"), not the days things were said on. A disagreement needs two
values each stated by an independent outlet: a copy repeating its original is not a second voice.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

from storytrace.model import Fact, FactComparison
from storytrace.quotes.align import merge_aliases
from storytrace.settings import Settings

# Kinds whose values can contradict each other; names are listed for coverage, never "disagree".
_COMPARABLE = ("number", "place", "date")
_ORDER = {"number": 0, "place": 1, "date": 2, "person": 3, "organization": 4, "location": 5}


def _number(value: str) -> float:
    return float(re.sub(r"[^\d.]", "", value) or 0)


def _agree(kind: str, first: str, second: str, settings: Settings) -> bool:
    if kind == "number":
        a, b = _number(first), _number(second)
        return abs(a - b) <= settings.fact_number_gap * max(abs(a), abs(b), 1e-9)
    if kind == "date":
        return first.startswith(second) or second.startswith(first)
    return first.casefold() == second.casefold()


def compare_facts(facts: Sequence[Fact], groups: Mapping[str, str], settings: Settings) -> list[FactComparison]:
    """Facts grouped by what they are about, with agreeing values merged and disagreements flagged.

    ``groups`` maps each article to its independent group (an original and its copies share one).
    Only things stated by at least two independent outlets are compared; the rest stay with their
    article (``extract_facts``).
    """
    # One person under the story's fullest spelling of their name: "Putin", "Poutine" -> "Vladimir Putin".
    aliases = merge_aliases([fact.value for fact in facts if fact.kind == "person"], settings)
    facts = [replace(fact, value=aliases[fact.value]) if fact.kind == "person" else fact for fact in facts]
    # An organization under its acronym and its full name is one: "NATO" and "North Atlantic Treaty Organization".
    organizations = Counter(fact.value for fact in facts if fact.kind == "organization")
    expansions = {}
    for name in organizations:
        initials = "".join(word[0] for word in name.split() if word[:1].isupper())
        if len(initials) >= 2 and initials != name and initials in organizations:
            expansions[name] = initials if organizations[initials] >= organizations[name] else name
            expansions[initials] = expansions[name]
    facts = [
        replace(fact, value=expansions.get(fact.value, fact.value)) if fact.kind == "organization" else fact
        for fact in facts
    ]
    by_key: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        by_key[(fact.kind, fact.about)].append(fact)
    comparisons: list[FactComparison] = []
    for (kind, about), stated in by_key.items():
        if len({groups.get(f.article, f.article) for f in stated}) < 2:
            continue
        if kind == "date" and not about.startswith("date of "):
            continue  # the days things were said on are the timeline's, not facts to compare
        clusters: list[list[Fact]] = []
        for fact in stated:
            home = next((c for c in clusters if _agree(kind, c[0].value, fact.value, settings)), None)
            if home is None:
                clusters.append([fact])
            else:
                home.append(fact)
        voices = [{groups.get(f.article, f.article) for f in cluster} for cluster in clusters]
        # Two values disagree when outlets stand on different sides (not one outlet stating both).
        disagreement = (
            kind in _COMPARABLE
            and len(clusters) > 1
            and len(set().union(*voices)) > 1
            and any(voices[i] != voices[j] for i in range(len(voices)) for j in range(i + 1, len(voices)))
        )
        ranked = sorted(clusters, key=lambda c: (-len({f.article for f in c}), c[0].span))
        values = tuple((_shown(cluster), tuple(cluster)) for cluster in ranked)
        comparisons.append(FactComparison(about, kind, values, disagreement))
    comparisons.sort(key=lambda c: (not c.disagreement, _ORDER.get(c.kind, 9), -sum(len(v[1]) for v in c.values)))
    return comparisons


def _shown(cluster: list[Fact]) -> str:
    """The value most of a cluster's facts state (the most precise date among equals)."""
    counts: dict[str, int] = defaultdict(int)
    for fact in cluster:
        counts[fact.value] += 1
    return max(counts, key=lambda value: (counts[value], len(value)))
