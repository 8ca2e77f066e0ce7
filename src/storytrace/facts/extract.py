"""Facts of one article from its spaCy parse: numbers with what they count, dates, places, people, organizations.

Each fact carries ``about``, the key facts are compared on across a story. A number's key is what it
counts and the verb or noun it is said with ("lives claimed", "troops"), so that "more than 13,000
lives" and "more than 14,000 lives" claimed by the same conflict meet; a place's key is the event it
locates ("place of talks"). A statement that a place is not decided ("no determination of where the
talks will take place") is a place fact with the value "undetermined", so it meets "talks in Geneva".
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from storytrace.facts.dates import resolve_date
from storytrace.model import Article, Fact
from storytrace.quotes.names import NameBook, clean_name

_NUMBER_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
_SCALES = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "hundred": 1e2,
    "dozen": 12,
    "k": 1e3,
    "m": 1e6,
    "bn": 1e9,
}
_WORD_NUMBERS = {
    word: value
    for value, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
# Qualifiers kept with a value: "more than 13,000" differs from "13,000" only in what it claims.
_QUALIFIERS = re.compile(
    r"\b(more than|over|at least|nearly|almost|about|around|roughly|some|up to|fewer than|"
    r"less than|under|approximately|an estimated)\b",
    re.I,
)
# Tolls are told many ways: "claimed 13,000 lives", "killed 14,000 people", "14,000 deaths". What
# they count and the verb they go with are brought to one form so that such facts meet.
_COUNTED = {
    "life": "people",
    "person": "people",
    "death": "people",
    "casualty": "people",
    "fatality": "people",
    "victim": "people",
}
_DEATHS = frozenset({"death", "fatality"})
_CASUALTY_VERBS = {
    "claim": "kill",
    "take": "kill",
    "cost": "kill",
    "leave": "kill",
    "die": "kill",
    "wound": "injure",
    "hurt": "injure",
}
# Nouns naming a meeting whose place news reports (compared as one event: "talks").
EVENT_NOUNS = {
    "talk": "talks",
    "negotiation": "talks",
    "discussion": "talks",
    "meeting": "talks",
    "summit": "summit",
    "conference": "conference",
    "trial": "trial",
    "hearing": "hearing",
    "match": "match",
    "game": "game",
    "concert": "concert",
    "election": "election",
    "vote": "vote",
}
_UNDETERMINED_PLACE = re.compile(
    r"\b(?:no determination|not (?:yet )?(?:been )?(?:decided|determined|set|agreed|announced)|undecided|unclear)"
    r"\b[^.;]{0,40}?\bwhere\s+(?:the\s+)?(?P<event>\w+)",
    re.I,
)
_PLACE_VERBS = frozenset({"take", "hold", "meet", "happen", "occur", "begin", "start", "convene"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def parse_number(text: str) -> float | None:
    """The value of a number as written: "13,000", "1.5 million", "two", "$4bn", "40%"."""
    cleaned = _QUALIFIERS.sub(" ", text.lower()).replace(",", "")
    match = re.search(r"(\d+(?:\.\d+)?)\s*(thousand|million|billion|trillion|hundred|dozen|bn|k|m)?\b", cleaned)
    if match is not None:
        value = float(match.group(1))
        return value * _SCALES[match.group(2)] if match.group(2) else value
    words = cleaned.split()
    for index, word in enumerate(words):
        if word in _WORD_NUMBERS:
            value = float(_WORD_NUMBERS[word])
            if index + 1 < len(words) and words[index + 1] in _SCALES:
                value *= _SCALES[words[index + 1]]
            return value
        if word in ("dozen", "hundred", "thousand", "million", "billion") and index == 0:
            return _SCALES[word]
    return None


def _format_number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0").rstrip(".")


def _counted(entity: Any) -> tuple[Any | None, Any | None]:
    """The noun a number counts ("13,000 lives" -> lives) and the verb or noun it is said with."""
    root = entity.root
    noun = root.head if root.dep_ in ("nummod", "quantmod", "compound", "amod") and root.head.i != root.i else None
    if noun is None and root.pos_ == "NOUN":
        noun = root
    if noun is None:
        return None, None
    governor = noun.head if noun.head.i != noun.i else None
    while governor is not None and governor.pos_ == "ADP" and governor.head.i != governor.i:
        governor = governor.head
    return noun, governor


def _number_facts(article: Article, doc: Any) -> list[Fact]:
    facts: list[Fact] = []
    for entity in doc.ents:
        if entity.label_ not in _NUMBER_LABELS:
            continue
        value = parse_number(entity.text)
        if value is None:
            continue
        noun, governor = _counted(entity)
        if entity.label_ == "PERCENT":
            what = "percent"
            if governor is not None:
                what = f"percent ({governor.lemma_.lower()})"
        elif entity.label_ == "MONEY":
            what = f"money ({governor.lemma_.lower()})" if governor is not None else "money"
        elif noun is not None:
            lemma = noun.lemma_.lower()
            what = _COUNTED.get(lemma, lemma)
            if lemma in _DEATHS:
                what = "people (kill)"  # "14,000 deaths" is a toll whatever verb it comes with
            elif governor is not None and governor.pos_ in ("VERB", "NOUN"):
                verb = governor.lemma_.lower()
                what = f"{what} ({_CASUALTY_VERBS.get(verb, verb) if what == 'people' else verb})"
        else:
            continue  # a bare number with nothing it counts cannot be compared
        qualifier = _QUALIFIERS.search(entity.text)
        shown = _format_number(value)
        if qualifier is not None:
            shown = f"{qualifier.group(1).lower()} {shown}"
        end = (
            max(entity.end_char, noun.idx + len(noun.text))
            if noun is not None and noun.i >= entity.end
            else entity.end_char
        )
        facts.append(
            Fact(article.id, (entity.start_char, end), "number", what, shown, article.text[entity.start_char : end])
        )
    return facts


def _date_facts(article: Article, doc: Any, reference: date | None) -> list[Fact]:
    facts: list[Fact] = []
    for entity in doc.ents:
        if entity.label_ != "DATE":
            continue
        resolved = resolve_date(entity.text, reference)
        if resolved is None:
            continue
        # "talks … next year", "negotiations in early January": the date of an event, compared across
        # the story; any other date is kept with the word it goes with ("said on Thursday": say).
        event = _event_of(entity.root.head if entity.root.dep_ == "pobj" else entity.root)
        head = entity.root.head
        while head.pos_ == "ADP" and head.head.i != head.i:
            head = head.head
        about = f"date of {event}" if event else (head.lemma_.lower() if head.i != entity.root.i else "date")
        facts.append(Fact(article.id, (entity.start_char, entity.end_char), "date", about, resolved.value, entity.text))
    return facts


def _event_of(preposition: Any) -> str | None:
    """The event a place (its preposition) or a date is attached to: "talks in Geneva", "meet in
    Geneva", "talks … set to take place in Geneva next year".

    Climbs at most three heads from the preposition, looking at each head and its direct dependents
    (the subject of "take place", the object of "hold").
    """
    head = preposition.head
    for _ in range(3):
        lemma = head.lemma_.lower()
        if lemma in EVENT_NOUNS:
            return EVENT_NOUNS[lemma]
        if head.pos_ not in ("VERB", "AUX") and lemma != "place":
            return None
        for child in head.children:
            if child.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and child.lemma_.lower() in EVENT_NOUNS:
                return EVENT_NOUNS[child.lemma_.lower()]
        if lemma in ("meet", "convene"):
            return "talks"
        if head.head.i == head.i:
            return None
        head = head.head
    return None


def _place_facts(article: Article, doc: Any) -> list[Fact]:
    facts: list[Fact] = []
    for entity in doc.ents:
        if entity.label_ not in _PLACE_LABELS:
            continue
        root = entity.root
        if root.dep_ != "pobj" or root.head.lower_ not in ("in", "at"):
            continue
        event = _event_of(root.head)
        if event is not None:
            facts.append(
                Fact(
                    article.id,
                    (entity.start_char, entity.end_char),
                    "place",
                    f"place of {event}",
                    clean_name(entity.text),
                    article.text[entity.start_char : entity.end_char],
                )
            )
    for match in _UNDETERMINED_PLACE.finditer(article.text):
        word = match.group("event").lower().rstrip("s")
        event = EVENT_NOUNS.get(word)
        if event is not None:
            facts.append(
                Fact(
                    article.id,
                    (match.start(), match.end()),
                    "place",
                    f"place of {event}",
                    "undetermined",
                    match.group(),
                )
            )
    return facts


def _name_facts(article: Article, doc: Any) -> list[Fact]:
    """People, organizations and places named, each under its fullest form in the article
    ("Putin" -> "Vladimir Putin")."""
    kinds = {"PERSON": "person", "ORG": "organization", "GPE": "location", "LOC": "location"}
    abouts = {"person": "people named", "organization": "organizations named", "location": "places named"}
    entities = [entity for entity in doc.ents if entity.label_ in kinds and len(clean_name(entity.text)) >= 2]
    labels = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "GPE"}
    names = NameBook.of_names((e.text, (e.start_char, e.end_char), labels[e.label_]) for e in entities)
    facts: list[Fact] = []
    for entity in entities:
        kind = "person" if names.is_person(entity.text) else kinds[entity.label_]  # NER's ORG "Psaki"
        facts.append(
            Fact(
                article.id,
                (entity.start_char, entity.end_char),
                kind,
                abouts[kind],
                names.full(entity.text),
                entity.text,
            )
        )
    return facts


def extract_facts(article: Article, doc: Any, reference: date | None) -> list[Fact]:
    """Every fact of one article, in text order; relative dates resolve against ``reference``."""
    facts = _number_facts(article, doc) + _date_facts(article, doc, reference) + _place_facts(article, doc)
    facts += _name_facts(article, doc)
    return sorted(facts, key=lambda fact: (fact.span, fact.kind))
