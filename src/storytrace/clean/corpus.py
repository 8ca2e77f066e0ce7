"""Corpus-level boilerplate: a line recurring across one outlet's articles is the outlet's
template (CCNet's paragraph-hash dedup, Wenzek et al. 2020; trafilatura's dedup cache), not story."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

from storytrace.clean.segment import PARAGRAPH_SEPARATOR, sentence_spans
from storytrace.model import Article, Removal, RemovedLine
from storytrace.settings import Settings

_NON_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d")


def line_key(line: str) -> str:
    """CCNet's normalisation: lower case, digits to 0, punctuation dropped."""
    return _DIGITS.sub("0", _NON_WORD.sub(" ", line.casefold())).strip()


def remove_outlet_repeats(articles: Sequence[Article], settings: Settings) -> list[Article]:
    """Drop short lines that recur in many articles of the same outlet; articles of unknown
    outlet are left alone (across outlets a repeated line is usually a copy, which is evidence).

    Articles that lose lines get their text and sentence spans rebuilt; the others are returned as they are.
    """
    by_outlet: dict[str, list[int]] = defaultdict(list)
    for index, article in enumerate(articles):
        if article.outlet:
            by_outlet[article.outlet].append(index)
    result = list(articles)
    for members in by_outlet.values():
        if len(members) < settings.outlet_repeat_min_articles:
            continue
        short_keys = {
            index: {line_key(p): p for p in paragraphs(articles[index]) if len(p) <= settings.outlet_repeat_max_chars}
            for index in members
        }
        counts = Counter(key for keys in short_keys.values() for key in keys)
        floor = max(settings.outlet_repeat_min_articles, settings.outlet_repeat_min_share * len(members))
        repeated = {key for key, count in counts.items() if count >= floor and key}
        if not repeated:
            continue
        for index in members:
            dropped = {text for key, text in short_keys[index].items() if key in repeated}
            if dropped:
                result[index] = _without(articles[index], dropped, settings)
    return result


def paragraphs(article: Article) -> list[str]:
    """An article's paragraphs (cleaned lines never contain the separator, so the split is exact)."""
    return article.text.split(PARAGRAPH_SEPARATOR) if article.text else []


def _without(article: Article, dropped: set[str], settings: Settings) -> Article:
    kept = [p for p in paragraphs(article) if p not in dropped]
    text = PARAGRAPH_SEPARATOR.join(kept)
    return replace(
        article,
        text=text,
        sentences=sentence_spans(text, article.language, settings.max_sentence_chars),
        removed=article.removed
        + tuple(RemovedLine(p, Removal.REPEATED_IN_OUTLET) for p in paragraphs(article) if p in dropped),
    )
