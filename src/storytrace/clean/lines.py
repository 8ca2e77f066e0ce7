"""Line-level boilerplate removal for scraped plain text (and the second pass after HTML extraction).

Why by hand: jusText and trafilatura classify *HTML* blocks using markup (link density, tags);
scraped plain text has lost that markup, so the same ideas are re-applied to lines here:
whole-line news patterns (``patterns.py``), jusText-style "good"/"short" classes from length
and stop-word density with neighbour context at the edges of the story, the caption/credit
rule, and breadcrumb/headline detection. Inside the story body only explicit patterns remove
a line: when unsure, keep it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import justext

from storytrace.clean.patterns import (
    CAPTION_WITH_CREDIT,
    DATE_ONLY,
    DATELINE_LABEL,
    LINE_PATTERNS,
    PHOTO_CREDIT,
    SENTENCE_END,
)
from storytrace.model import Removal, RemovedLine
from storytrace.settings import Settings

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# A sentence boundary inside a line: end punctuation, space, then a capital or an opening quote.
_SENTENCE_BREAK = re.compile(r"[.!?][\"”’)]?\s+[\"“‘(]?[A-Z]")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
# Reasons whose lines may open a block of related headlines below them.
_BLOCK_HEADERS = (Removal.RELATED_LINKS,)

# ISO 639-1 → jusText stop-list name, for the languages news is most often written in.
_STOPLIST_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech", "cy": "Welsh",
    "da": "Danish", "de": "German", "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian",
    "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French", "ga": "Irish", "gl": "Galician",
    "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian", "is": "Icelandic",
    "it": "Italian", "ka": "Georgian", "kk": "Kazakh", "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian",
    "mk": "Macedonian", "ms": "Malay", "nl": "Dutch", "no": "Norwegian_Bokmal", "nb": "Norwegian_Bokmal",
    "nn": "Norwegian_Nynorsk", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili",
    "ta": "Tamil", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese",
}  # fmt: skip


@lru_cache(maxsize=64)
def stopwords(language: str | None) -> frozenset[str]:
    """jusText's stop list for an ISO 639-1 code (English when the language is unknown)."""
    name = _STOPLIST_NAMES.get(language or "en")
    return frozenset(justext.get_stoplist(name)) if name else frozenset()


def normalize_line(line: str) -> str:
    """Collapse every kind of horizontal space into one plain space and trim the line."""
    return _SPACES.sub(" ", line).strip()


@dataclass(slots=True)
class Line:
    """One non-empty line of the input with its classification."""

    text: str
    good: bool  # jusText "good": long enough and rich in stop words
    reason: Removal | None = None

    @property
    def kept(self) -> bool:
        return self.reason is None


@dataclass(frozen=True, slots=True)
class CleanedText:
    """Kept paragraphs, removed lines with reasons, and the headline found (if any)."""

    paragraphs: tuple[str, ...]
    removed: tuple[RemovedLine, ...]
    title: str | None


def _split_lines(text: str, settings: Settings, stops: frozenset[str]) -> list[Line]:
    lines: list[Line] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = normalize_line(raw)
        if line:
            lines.append(Line(line, _is_good(line, settings, stops)))
    return lines


def _is_good(line: str, settings: Settings, stops: frozenset[str]) -> bool:
    if len(line) < settings.good_min_chars:
        return False
    words = _WORD.findall(line.lower())
    if not words:
        return False
    if not stops:  # no stop list for this language: length alone decides, as jusText does
        return True
    return sum(word in stops for word in words) / len(words) >= settings.good_min_stopword_share


def _is_heading(line: str, settings: Settings) -> bool:
    """Heading-like: a few words without sentence-final punctuation."""
    return not SENTENCE_END.search(line) and len(line.split()) <= settings.heading_max_words


def _match_pattern(line: str) -> Removal | None:
    if DATE_ONLY.match(line):
        return Removal.DATELINE
    label = DATELINE_LABEL.match(line)
    if label and len(line) <= 80 and _is_stamp(label["rest"]):
        return Removal.DATELINE
    for group in LINE_PATTERNS:
        if len(line) <= group.max_chars and group.pattern.match(line):
            return group.reason
    return None


def _is_stamp(rest: str) -> bool:
    """What follows "Published"/"Updated": a date or time, nothing, or only another empty label
    ("Published on Updated")."""
    if not rest or any(character.isdigit() for character in rest):
        return True
    inner = DATELINE_LABEL.match(rest)
    return inner is not None and not inner["rest"]


def _mark_patterns(lines: list[Line]) -> None:
    for line in lines:
        line.reason = _match_pattern(line.text)


def _mark_related_blocks(lines: list[Line], settings: Settings) -> None:
    """Headlines listed under a "You might also like" / "Related" header are related links."""
    in_block = False
    for line in lines:
        if line.reason in _BLOCK_HEADERS:
            in_block = True
        elif in_block and line.kept and _is_heading(line.text, settings):
            line.reason = Removal.RELATED_LINKS
        elif line.kept:
            in_block = False


def _mark_captions(lines: list[Line], settings: Settings) -> None:
    """Captions: a line repeated with a credit appended, a line ending in a credit, or the
    short lines just above a credit line (the caption sits beside its credit)."""
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        if (
            line.kept
            and following is not None
            and following.text != line.text
            and following.text.startswith(line.text)
            and len(line.text) <= settings.caption_max_chars
        ):
            line.reason = Removal.CAPTION  # the repeat carries the credit; see the next test
            if following.kept and CAPTION_WITH_CREDIT.search(following.text):
                following.reason = Removal.CAPTION
        elif line.kept and len(line.text) <= settings.caption_max_chars and _is_captioned_sentence(line.text):
            line.reason = Removal.CAPTION
    for index, line in enumerate(lines):
        if line.reason is not Removal.CREDIT or not PHOTO_CREDIT.match(line.text):
            continue
        looked = 0
        cursor = index - 1
        while cursor >= 0 and looked < settings.caption_lookback_lines:
            candidate = lines[cursor]
            if candidate.reason is Removal.CAPTION:
                break  # this credit's caption was found by the rules above
            if not candidate.kept or len(candidate.text) > settings.caption_max_chars:
                break
            # The nearest line is the credit's caption. A second one counts only when it sits
            # under another short non-story line (an image's alt text under a pull-quote label),
            # so a story paragraph below a share bar or at the top is never taken for one.
            above = lines[cursor - 1] if cursor > 0 else None
            if looked > 0 and (above is None or not above.kept or above.good):
                break
            candidate.reason = Removal.CAPTION
            looked += 1
            cursor -= 1


def _is_captioned_sentence(line: str) -> bool:
    """One sentence followed by a credit ("… to the east. AFP"): a caption. A paragraph of
    several sentences ending in a wire credit ("… into the US. PTI") is story text."""
    credit = CAPTION_WITH_CREDIT.search(line)
    return credit is not None and not _SENTENCE_BREAK.search(line[: credit.start() + 1])


def _mark_breadcrumbs(lines: list[Line], settings: Settings) -> None:
    """ "Home LATEST NEWS <headline>" followed by "<headline>": the first line is a breadcrumb trail."""
    kept = [line for line in lines if line.kept]
    for line, following in zip(kept, kept[1:], strict=False):
        prefix = line.text[: -len(following.text)] if line.text.endswith(following.text) else ""
        if prefix.strip() and len(prefix.split()) <= settings.breadcrumb_max_prefix_words:
            line.reason = Removal.NAVIGATION


def _mark_title(lines: list[Line], given_title: str | None, settings: Settings) -> str | None:
    """Remove the headline wherever it is repeated before the story starts; return it."""
    # The headline comes before the story's first good line, or is that line itself (headlines
    # rich in stop words score "good").
    first_good = next((i for i, line in enumerate(lines) if line.kept and line.good), len(lines))
    title = normalize_line(given_title) if given_title else None
    if title is None:
        for line in lines[: first_good + 1]:
            if line.kept and _is_heading(line.text, settings) and len(line.text.split()) >= settings.title_min_words:
                title = line.text
                break
    if title is None:
        return None
    folded = title.casefold()
    repeats = [line for line in lines[: first_good + 1] if line.kept and line.text.casefold() == folded]
    if not _is_whole_story(repeats, lines):
        for line in repeats:
            line.reason = Removal.TITLE
    return title


def _is_whole_story(repeats: list[Line], lines: list[Line]) -> bool:
    """True when the headline's repeat is all the text there is, and reads as story text (a
    one-sentence article is its own headline): removing it would leave no article."""
    others = [line for line in lines if line.kept and line not in repeats]
    return bool(repeats) and not others and any(line.good or SENTENCE_END.search(line.text) for line in repeats)


def _mark_edges(lines: list[Line], settings: Settings) -> None:
    """Before the first and after the last good line, tiny fragments (a source label, a lone
    menu word) are low-content; longer lines there (standfirst, subtitle) are kept."""
    good = [i for i, line in enumerate(lines) if line.kept and line.good]
    if not good:
        return
    for index, line in enumerate(lines):
        if good[0] <= index <= good[-1] or not line.kept:
            continue
        if (
            len(line.text.split()) <= settings.edge_fragment_max_words
            and len(line.text) <= settings.edge_fragment_max_chars
            and not SENTENCE_END.search(line.text)
        ):
            line.reason = Removal.LOW_CONTENT


def clean_lines(
    text: str, settings: Settings, language: str | None, title: str | None = None, *, scraped: bool = True
) -> CleanedText:
    """Clean one article's text line by line; ``title`` (when known) is removed where repeated.

    ``scraped`` is for text scraped with its page clutter; text that trafilatura already
    extracted from HTML keeps its lists and table cells, so the edge-fragment rule is skipped.
    """
    stops = stopwords(language)
    lines = _split_lines(text, settings, stops)
    _mark_patterns(lines)
    _mark_related_blocks(lines, settings)
    _mark_captions(lines, settings)
    _mark_breadcrumbs(lines, settings)
    found_title = _mark_title(lines, title, settings)
    if scraped:
        _mark_edges(lines, settings)
    return CleanedText(
        paragraphs=tuple(line.text for line in lines if line.kept),
        removed=tuple(RemovedLine(line.text, line.reason) for line in lines if line.reason is not None),
        title=found_title,
    )
