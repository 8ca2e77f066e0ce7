"""Who a speaker mention refers to: names, pronouns and descriptions resolved to full names.

spaCy gives entities and the parse but no coreference for news-sized English (coreferee and
fastcoref need pipelines or models we do not ship), so mentions are resolved by the rules news
writing follows: a person is introduced by full name with a title ("Russian President Vladimir
Putin") and then referred to by surname ("Mr Putin"), pronoun ("he") or role ("the Russian
leader"); an indefinite description ("a senior US official") introduces an unnamed source.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from storytrace.model import Span

# Words that precede names but are not part of them (titles, honorifics, ranks).
TITLES = frozenset(
    """mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sir dame lord lady president vice prime minister
    secretary sen sen. senator rep rep. representative gov gov. governor chancellor king queen prince
    princess pope gen gen. general col col. lt lt. capt capt. sgt sgt. adm adm. judge justice mayor
    chairman chairwoman chief ceo director ambassador speaker leader deputy foreign press spokesman
    spokeswoman spokesperson coach officer commissioner attorney st st. rev rev. father sheikh emir""".split()
)
# Heads of role descriptions that refer back to a named person ("the Russian leader").
PERSON_ROLES = frozenset(
    """leader president chief minister secretary spokesman spokeswoman spokesperson official senator
    governor chancellor premier head boss ceo executive director founder chairman chairwoman
    ambassador diplomat envoy lawmaker congressman congresswoman representative mayor king queen
    prince princess monarch general commander officer coach manager player star actor actress singer
    author researcher scientist professor doctor economist analyst lawyer attorney judge prosecutor
    owner investor former latter""".split()
)
PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_NAME_TOKEN = re.compile(r"^[A-Z\u00C0-\u024F\u0400-\u04FF][\w'’.-]*$")


def clean_name(text: str) -> str:
    """A name without titles, a leading "the", possessive endings and surrounding punctuation."""
    words = re.sub(r"\s+", " ", text).strip(" ,.;:\"“”'’()").split(" ")
    while words and (words[0].lower() in TITLES or words[0].lower() == "the"):
        words.pop(0)
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1])
    return " ".join(word for word in words if word)


def name_key(name: str) -> str:
    """Comparison form of a name: lower case, letters and spaces only."""
    return re.sub(r"[^\w ]+", "", clean_name(name).lower()).strip()


@dataclass(frozen=True, slots=True)
class Mention:
    """A named entity mention outside quoted text: who, where, and whether it was a clause subject."""

    name: str
    span: Span
    label: str  # PERSON | ORG | GPE | NORP
    subject: bool


class NameBook:
    """The people and organizations one article names, with their fullest forms.

    ``full(name)`` maps "Putin" and "Mr Putin" to "Vladimir Putin" when the article has that form;
    ``before(offset)`` lists mentions preceding an offset, nearest first, for pronouns and roles.
    """

    def __init__(self, mentions: list[Mention], titles: dict[str, str]) -> None:
        self.mentions = sorted(mentions, key=lambda mention: mention.span)
        # The words written before each full name ("Russian President"), for matching role descriptions.
        self.titles = titles
        self._full: dict[str, str] = {}
        counts = Counter(name_key(mention.name) for mention in self.mentions if mention.label == "PERSON")
        persons = sorted({clean_name(m.name) for m in self.mentions if m.label == "PERSON"}, key=len, reverse=True)
        for name in persons:
            key = name_key(name)
            if not key:
                continue
            # Longer names claim their surname and every shorter tail: "Vladimir Putin" -> "putin".
            words = key.split()
            for size in range(1, len(words) + 1):
                tail = " ".join(words[-size:])
                current = self._full.get(tail)
                if current is None or (len(name_key(current).split()) < len(words)) or (
                    len(name_key(current).split()) == len(words) and counts[key] > counts[name_key(current)]
                ):
                    self._full[tail] = name
        self.salience = Counter(self.full(mention.name) for mention in self.mentions if mention.label == "PERSON")

    def is_person(self, name: str) -> bool:
        """True when the article names a person this way (NER sometimes labels a lone surname ORG)."""
        return name_key(name) in self._full

    def full(self, name: str) -> str:
        """The fullest form of a person's name in this article (the name itself when none is longer)."""
        cleaned = clean_name(name)
        return self._full.get(name_key(cleaned), cleaned)

    def before(self, offset: int, label: str = "PERSON") -> list[Mention]:
        """Mentions with this label ending before ``offset``, nearest first."""
        return [m for m in reversed(self.mentions) if m.label == label and m.span[1] <= offset]

    def pronoun(self, offset: int, sentence_start: int) -> str | None:
        """The person a "he"/"she" at ``offset`` most likely means.

        The nearest person that was a clause subject in the current or previous sentences wins over a
        nearer person in object position ("Putin told Niinisto … He said" means Putin); failing
        that, the nearest person.
        """
        candidates = self.before(offset)
        if not candidates:
            return None
        for mention in candidates[:6]:
            if mention.subject:
                return self.full(mention.name)
        del sentence_start  # kept for the signature's meaning; recency already bounds the search
        return self.full(candidates[0].name)

    def role(self, offset: int, words: list[str]) -> str | None:
        """The person a definite role description ("the Russian leader") most likely means.

        A person whose title shares a word with the description wins ("Russian President Vladimir
        Putin" for "the Russian leader"); otherwise the most mentioned person so far.
        """
        candidates = self.before(offset)
        if not candidates:
            return None
        wanted = {word.lower() for word in words} - {"the", "a", "an"}
        if "latter" in wanted:
            return self.full(candidates[0].name)
        if "former" in wanted:
            distinct = list(dict.fromkeys(self.full(m.name) for m in candidates))
            return distinct[1] if len(distinct) > 1 else None
        for mention in candidates:
            full = self.full(mention.name)
            if wanted & set(self.titles.get(full, "").lower().split()):
                return full
        seen = Counter(self.full(m.name) for m in candidates)
        return seen.most_common(1)[0][0]


def looks_like_name(words: list[str]) -> bool:
    """True for a capitalised word run ("Jen Psaki"), the shape of a name spaCy's NER may have missed."""
    return bool(words) and all(_NAME_TOKEN.match(word) for word in words)
