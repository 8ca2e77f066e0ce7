"""What story grouping reads from an article: lemmas, names and numbers, the day, the lead.

Terms are kept as strings with raw (sublinear) frequencies; the index weighs them by inverse
document frequency when the article arrives, so one article's terms never depend on the rest
of the batch and adding articles one by one sees exactly what a batch sees.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import simplemma
import wordfreq

from storytrace.clean.lines import stopwords
from storytrace.days import EPOCH, epoch_day
from storytrace.model import Article

_TOKEN = re.compile(r"\w+(?:[.,’'-]\w+)*")
_WORD_PARTS = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
# Weekdays (Monday = 0) and relative days (days back) in the languages storytrace's examples
# and seeds use: "on Thursday" in an article of 23 December 2021 means 23 December, so two
# reports of one event share that date however they name it.
_WEEKDAYS = {
    name: number
    for names in (
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"),
        ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
        ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    )
    for number, name in enumerate(names)
}
_DAYS_BACK = {"today": 0, "tonight": 0, "yesterday": 1, "heute": 0, "gestern": 1, "aujourd'hui": 0, "hoy": 0, "ayer": 1}
# simplemma's languages (its own list); others are compared by casefolded word forms.
# Terms are cut to this many characters: no word is longer, while a token without spaces (a URL,
# a hash, a scraped run, a CJK sentence) can be megabytes, and terms are database keys (an index
# entry holds about 2,700 bytes) and cached lemmatizer inputs. A full name is kept up to four words' worth.
_MAX_TERM_CHARS = 64
_MAX_NAME_CHARS = 4 * _MAX_TERM_CHARS
_LEMMA_LANGUAGES = frozenset(simplemma.strategies.dictionaries.dictionary_factory.SUPPORTED_LANGUAGES)


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """An article as story grouping sees it.

    ``terms`` are lemmas of content words and ``names`` capitalised names, numbers and
    calendar dates mentioned (event identity: who, how many, when), each with its sublinear
    term frequency ``1 + log(count)``. ``day`` is the publication day (days since 1970-01-01).
    """

    id: str
    language: str | None
    day: int | None
    terms: dict[str, float]
    names: dict[str, float]


@lru_cache(maxsize=64)
def _stop_list(language: str | None) -> frozenset[str]:
    return stopwords(language) | stopwords("en")  # news in any language quotes English names and phrases


@lru_cache(maxsize=500_000)
def _lemma(word: str, language: str) -> str:
    # simplemma's own cache is per call signature with tuples; this one keys on the plain pair.
    return simplemma.lemmatize(word, lang=language).casefold()


# wordfreq's languages: others get no background frequencies (their stream's own counts only).
_FREQUENCY_LANGUAGES = frozenset(wordfreq.available_languages())


@lru_cache(maxsize=64)
def _frequencies(language: str) -> dict[str, float]:
    """wordfreq's whole table for a language (0.2-0.5 s to load, once per process and language)."""
    return wordfreq.get_frequency_dict(language if language in _FREQUENCY_LANGUAGES else "en")


def word_frequency(term: str, language: str | None) -> float:
    """How often a term occurs per word of general text in its language (wordfreq), 0 when unknown.

    A plain lookup in wordfreq's table: its ``word_frequency`` tokenises every query, which
    costs more than the rest of the weighting. Numbers and dates are unknown words, i.e. rare:
    they are specific to their event.
    """
    if term[:1] == "#" or term.startswith(("year:", "date:")):
        return 0.0
    table = _frequencies((language or "en").split("-")[0].lower())
    found = table.get(term)
    if found is not None:
        return found
    # A phrase or compound ("vladimir putin", "eight-year") as wordfreq estimates one: its
    # words' frequencies combined harmonically.
    parts = [table.get(word, 0.0) for word in _WORD_PARTS.findall(term)]
    return 1.0 / sum(1.0 / part for part in parts) if parts and all(parts) else 0.0


def _calendar_date(day: int) -> str:
    """The ``date:M-D`` name of a day number (the same form as dates written in the text)."""
    moment = EPOCH + timedelta(days=day)
    return f"date:{moment.month}-{moment.day}"


def _sublinear(counts: Counter[str]) -> dict[str, float]:
    return {term: 1.0 + math.log(count) for term, count in counts.items()}


def content_lemmas(text: str, language: str | None) -> set[str]:
    """Lemmas of a text's content words (stop words dropped): the comparison stage's words for
    languages without a spaCy pipeline."""
    code = (language or "en").split("-")[0].lower()
    stop = _stop_list(code)
    lemma_language = code if code in _LEMMA_LANGUAGES else None
    words = (m.group()[:_MAX_TERM_CHARS].casefold() for m in _TOKEN.finditer(text))
    return {_lemma(w, lemma_language) if lemma_language else w for w in words if w not in stop}


def story_features(article: Article) -> StoryFeatures:
    """Lemmas, names, numbers and dates of an article's title and text."""
    language = (article.language or "en").split("-")[0].lower()
    lemma_language = language if language in _LEMMA_LANGUAGES else None
    stop = _stop_list(language)
    text = f"{article.title}\n{article.text}" if article.title else article.text
    terms: Counter[str] = Counter()
    names: Counter[str] = Counter()
    run: list[str] = []
    previous_end = 0
    previous_word = ""
    day = epoch_day(article.published)
    for match in _TOKEN.finditer(text):
        token = match.group()
        start, end = match.span()
        gap_start, previous_end = previous_end, end
        folded = token[:_MAX_TERM_CHARS].casefold()
        if token[0].isdigit() and _NUMBER.fullmatch(token):
            _close_run(run, names)
            digits = folded.replace(",", "")
            if _YEAR.fullmatch(digits):
                names[f"year:{digits}"] += 1
            elif previous_word in _MONTHS and len(digits) <= 2:  # "December 23"
                names[f"date:{_MONTHS[previous_word]}-{int(digits)}"] += 1
            else:
                names[f"#{digits}"] += 1
            previous_word = folded
            continue
        if folded in _MONTHS and previous_word.isdigit() and len(previous_word) <= 2:  # "23 December"
            names[f"date:{_MONTHS[folded]}-{int(previous_word)}"] += 1
        if day is not None and (folded in _WEEKDAYS or folded in _DAYS_BACK):
            back = _DAYS_BACK[folded] if folded in _DAYS_BACK else (day + 3 - _WEEKDAYS[folded]) % 7  # 1970-01-01: Thu
            names[_calendar_date(day - back)] += 1
        previous_word = folded
        if folded in stop or len(folded) < 2:
            if run:
                _close_run(run, names)
            continue
        if token[0].isupper():
            # Capitalised content words are names ("Putin", "Geneva"); at a sentence start a
            # common noun slips in, which costs little. A run of them joined by spaces only is
            # also one full name ("Vladimir Putin", not "Putin, Macron").
            if run and not text[gap_start:start].isspace():
                _close_run(run, names)
            run.append(folded)
            names[folded] += 1
        elif run:
            _close_run(run, names)
        terms[_lemma(folded, lemma_language) if lemma_language else folded] += 1
    _close_run(run, names)
    return StoryFeatures(
        id=article.id,
        language=article.language,
        day=day,
        terms=_sublinear(terms),
        names=_sublinear(names),
    )


def _close_run(run: list[str], names: Counter[str]) -> None:
    """Count a run of capitalised words as one full name ("vladimir putin") besides its words."""
    name = " ".join(run)
    if len(run) > 1 and len(name) <= _MAX_NAME_CHARS:
        names[name] += 1
    run.clear()
