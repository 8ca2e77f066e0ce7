"""Corpus-level boilerplate: a line recurring across one outlet's articles is the outlet's
template (CCNet's paragraph-hash dedup, Wenzek et al. 2020; trafilatura's dedup cache), not story."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

from storytrace.clean.draft import Draft
from storytrace.model import Removal, RemovedLine
from storytrace.settings import Settings

_NON_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d")


def line_key(line: str) -> str:
    """CCNet's normalisation: lower case, digits to 0, punctuation dropped."""
    return _DIGITS.sub("0", _NON_WORD.sub(" ", line.casefold())).strip()


def remove_outlet_repeats(drafts: Sequence[Draft], settings: Settings) -> list[Draft]:
    """Drop short lines that recur in many articles of the same outlet; articles of unknown
    outlet are left alone (across outlets a repeated line is usually a copy, which is evidence)."""
    by_outlet: dict[str, list[int]] = defaultdict(list)
    for index, draft in enumerate(drafts):
        if draft.outlet:
            by_outlet[draft.outlet].append(index)
    repeated: dict[str, set[str]] = {}
    for outlet, members in by_outlet.items():
        if len(members) < settings.outlet_repeat_min_articles:
            continue
        counts: Counter[str] = Counter()
        for index in members:
            counts.update({line_key(p) for p in drafts[index].paragraphs if len(p) <= settings.outlet_repeat_max_chars})
        floor = max(settings.outlet_repeat_min_articles, settings.outlet_repeat_min_share * len(members))
        repeated[outlet] = {key for key, count in counts.items() if count >= floor and key}
    result = list(drafts)
    for outlet, keys in repeated.items():
        if not keys:
            continue
        for index in by_outlet[outlet]:
            draft = drafts[index]
            dropped = [
                p for p in draft.paragraphs if len(p) <= settings.outlet_repeat_max_chars and line_key(p) in keys
            ]
            if dropped:
                result[index] = replace(
                    draft,
                    paragraphs=tuple(p for p in draft.paragraphs if p not in dropped),
                    removed=draft.removed + tuple(RemovedLine(p, Removal.REPEATED_IN_OUTLET) for p in dropped),
                )
    return result
