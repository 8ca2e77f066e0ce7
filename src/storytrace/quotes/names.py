"""Names one article writes and their fullest forms: the name book that speakers and facts resolve names with.

News names a person in full with a title ("Russian President Vladimir Putin") and then by surname
("Mr Putin"); an organization in full and then by a short form or its initials. ``clean_name`` and
``name_key`` bring a written name to its bare and comparable forms; :class:`NameBook` holds every
name of one article and answers the fullest form of a name, pronoun or definite description.
This is the surface other stages use (``facts`` reads names through it).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storytrace.model import Span
from storytrace.quotes.words import (
    COMPANY_SUFFIXES,
    DESCRIPTION_STOPWORDS,
    GOVERNMENT_ROLES,
    JOINING_WORDS,
    KINSHIP_ROLES,
    NAME_SUFFIXES,
    RANKS,
    TITLES,
)

__all__ = ["Mention", "NameBook", "clean_name", "looks_like_name", "name_key"]

_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_POSSESSIVE_S = re.compile(r"(?:'s|’s)$")  # a role word's possessive: "the victim's"
_NAME_TOKEN = re.compile(r"^[A-Z\u00C0-\u024F\u0400-\u04FF][\w'’.-]*$")


# clean_name and name_key are pure and called for every capitalised token of every article (85,000
# calls on 200 ECB+ articles, a fifth of extraction time); memoised, bounded so a long run stays small.
@functools.lru_cache(maxsize=65_536)
def clean_name(text: str) -> str:
    """A name without titles, a leading "the", possessive endings and surrounding punctuation.

    A short all-capitals word inside a name ends a title that NER took in: "Browns DL Sheldon
    Richardson" is Sheldon Richardson.
    """
    words = re.sub(r"\s+", " ", text).strip(" ,;:\"“”'’()").split(" ")
    abbreviation = max(
        (i for i, w in enumerate(words[:-1]) if w.isupper() and 2 <= len(w) <= 4 and w.isalpha()), default=-1
    )
    if 0 <= abbreviation < len(words) - 2:
        words = words[abbreviation + 1 :]
    while words and (words[0].lower() in TITLES or words[0].lower() in ("the", "a", "an")):
        words.pop(0)
    # A rank inside the name ends the title before it: "Bloomington Police Sgt. Marty Earley",
    # "Lampung Coroner Gary Hargrove" keep the name after the last rank word.
    rank = max((i for i, w in enumerate(words[:-1]) if w.lower().rstrip(".") in RANKS), default=-1)
    if rank >= 0 and all(w[:1].isupper() for w in words[rank + 1 :]):
        words = words[rank + 1 :]
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1])
        # A sentence's full stop NER took into a name ("Marty Hollis."), not an abbreviation's ("Corp.").
        if words[-1].endswith(".") and len(words[-1]) > 4 and words[-1][:-1].lower() not in COMPANY_SUFFIXES:
            words[-1] = words[-1][:-1]
    return " ".join(word for word in words if word)


def _initials(name: str) -> str:
    """Capital initials of a name, dotted abbreviations whole: "U.S. Geological Survey" -> "USGS"."""
    letters = []
    for word in name.split():
        if word.lower().rstrip(".") in COMPANY_SUFFIXES:
            continue  # "Pacific Gas & Electric Co." is PG&E
        if "." in word.strip(".") and word.replace(".", "").isupper():
            letters.append(word.replace(".", ""))
        elif word[:1].isupper():
            letters.append(word[0])
    return "".join(letters)


@functools.lru_cache(maxsize=65_536)
def name_key(name: str) -> str:
    """Comparison form of a name: lower case, letters and spaces only, without "Jr."/"III" suffixes."""
    words = re.sub(r"[^\w ]+", "", clean_name(name).lower()).split()
    while len(words) > 1 and words[-1] in NAME_SUFFIXES:
        words.pop()
    return " ".join(words)


def _same_stem(first: str, second: str) -> bool:
    """True for one word and another that starts with it, five letters at least ("telecom", "telecommunications")."""
    shorter, longer = sorted((first, second), key=len)
    return shorter == longer or (len(shorter) >= 5 and longer.startswith(shorter))


def _after_joining_word(name: str, tail: str) -> bool:
    """True when ``tail`` ends the name key ``name`` right after a joining word ("academy of vietnam")."""
    head = name[: -len(tail)].split()
    return bool(head) and head[-1] in JOINING_WORDS


@dataclass(frozen=True, slots=True)
class Mention:
    """A named entity mention outside quoted text: who, where, and whether it was a clause subject."""

    name: str
    span: Span
    label: str  # PERSON | ORG | GPE | NORP
    subject: bool
    recipient: bool = False  # told a statement: "he told The Associated Press"


class NameBook:
    """The people and organizations one article names, with their fullest forms.

    ``full(name)`` maps "Putin" and "Mr Putin" to "Vladimir Putin" when the article has that form;
    ``before(offset)`` lists mentions preceding an offset, nearest first, for pronouns and roles.
    """

    def __init__(self, mentions: list[Mention], titles: dict[str, str], quoted: Sequence[Mention] = ()) -> None:
        self.mentions = sorted(mentions, key=lambda mention: mention.span)
        # The words written before each full name ("Russian President"), for matching role descriptions.
        self.titles = titles
        # Names inside quotes tell full forms too, but are no antecedents for pronouns.
        named = [*self.mentions, *quoted]
        persons = [m.name for m in named if m.label == "PERSON"]
        others = [m.name for m in named if m.label != "PERSON"]
        counts = Counter(name_key(name) for name in persons)
        self._full = self._tails(persons, counts, persons=True)
        # NER labels a person ORG or GPE often enough ("Marcelo Claure", ORG) that other multi-word
        # names answer a lone surname the persons do not know.
        self._other = self._tails(others, Counter(name_key(name) for name in others), persons=False)
        self._organization_names = {name_key(n): clean_name(n) for n in others if len(name_key(n).split()) > 1}
        self._organizations = sorted(self._organization_names)
        self._organization_counts = Counter(name_key(n) for n in others)
        self._person_counts = counts
        self._acronyms: dict[str, str] = {}
        for name in sorted({clean_name(n) for n in persons + others}, key=len, reverse=True):
            initials = _initials(name)
            if len(initials) >= 2:
                self._acronyms.setdefault(initials, name)

    @classmethod
    def of_names(cls, names: Iterable[tuple[str, Span, str]]) -> NameBook:
        """A book of names alone, each (text, span, label): no titles, none a clause subject (as facts read names)."""
        return cls([Mention(name, span, label, False) for name, span, label in names], {})

    @staticmethod
    def _tails(names: list[str], counts: Counter[str], persons: bool) -> dict[str, str]:
        """Map every tail of each name ("putin", "vladimir putin") to the longest, most frequent name owning it.

        A two-word name also claims its first word when no other name has it as a tail: Chinese and
        Korean names put the family name first ("Liu Xiaming" … "Liu said").
        """
        full: dict[str, str] = {}
        heads: dict[str, set[str]] = {}
        # Longest first; among equally long names the first mentioned (news introduces full names first).
        for name in sorted(dict.fromkeys(clean_name(n) for n in names), key=lambda n: -len(name_key(n).split())):
            key = name_key(name)
            words = key.split()
            if not words:
                continue
            if len(words) == 2:
                heads.setdefault(words[0], set()).add(name)
            for size in range(1, len(words) + 1):
                tail = " ".join(words[-size:])
                if not persons and size < len(words) and _after_joining_word(key, tail):
                    continue
                current = full.get(tail)
                current_words = len(name_key(current).split()) if current else 0
                if (
                    current is None
                    or current_words < len(words)
                    or (current_words == len(words) and counts[key] > 1 + counts[name_key(current)])
                ):
                    full[tail] = name
        for head, owners in heads.items():
            # A person's head the article also writes alone ("Liu said") is that person's family name
            # too (dev: two "Liu" quotes of "Liu Xiaming"); for organizations the short form stays
            # ("T-Mobile" is not the headline's "T-Mobile Confirms").
            alone = persons and head in full and name_key(full[head]) == head
            if (head not in full or alone) and len(owners) == 1:
                full[head] = next(iter(owners))
        return full

    def is_person(self, name: str) -> bool:
        """True when the article names a person this way (NER sometimes labels a lone surname ORG)."""
        return name_key(name) in self._full

    def full(self, name: str) -> str:
        """The fullest form of a name in this article: "Mr Putin" -> "Vladimir Putin", "EU" -> "European Union"."""
        cleaned = clean_name(name)
        key = name_key(cleaned)
        if key in self._full:
            person = self._full[key]
            if " " not in key and name_key(person) == key:
                # A lone word NER took for a person that no fuller person name owns but an organization
                # does is that organization: "Crowley's Web site" after "Crowley Maritime Corp.", "The
                # Chronicle says" after "San Francisco Chronicle" (dev: 1, dev2: 1).
                return self._longer_organization(key, self._person_counts[key]) or person
            return person
        letters = cleaned.replace(".", "").replace("&", "")
        if letters.isupper() and 2 <= len(letters) <= 6 and letters in self._acronyms:
            return self._acronyms[letters]
        if len(key.split()) == 1 and key in self._other and name_key(self._other[key]) != key:
            return self._other[key]
        if key:
            return self._longer_organization(key, self._organization_counts[key]) or cleaned
        return cleaned

    def _longer_organization(self, key: str, alone: int) -> str | None:
        """The organization a short form names: "Big Machine" -> "Big Machine Records", "Kraft" -> "Kraft Foods".

        Of several, the one the article names most often ("Kraft Foods" over "Kraft Factory
        Shooting"), a name within a longer one counting for it ("Crowley Maritime" for "Crowley
        Maritime Corp."). A one-word short form that starts the longer name must be written alone no
        more often than the longer one: "Microsoft", ten times alone, is not "Microsoft Security Bulletin",
        nor "T-Mobile" the headline's "T-Mobile Confirms" (dev3: two such errors before this rule).
        """
        starting = [n for n in self._organizations if n.startswith(key + " ")]
        ending = [n for n in self._organizations if n.endswith(" " + key) and not _after_joining_word(n, key)]
        counts = Counter({n: self._organization_counts[n] for n in starting + ending})
        for shorter in list(counts):
            fuller = [n for n in counts if n != shorter and n.startswith(shorter + " ")]
            if len(fuller) == 1:
                counts[fuller[0]] += counts.pop(shorter)
        ranked = counts.most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return None
        best, count = ranked[0]
        if " " not in key and best.startswith(key + " ") and count < alone:
            return None
        return self._organization_names[best]

    def before(self, offset: int, label: str = "PERSON") -> list[Mention]:
        """Mentions with this label ending before ``offset``, nearest first."""
        return [m for m in reversed(self.mentions) if m.label == label and m.span[1] <= offset]

    def pronoun(self, offset: int, label: str = "PERSON") -> str | None:
        """The person ("he", "she") or organization ("it") a pronoun at ``offset`` most likely means.

        Among the last few mentions, the nearest clause subject wins over a nearer mention in object
        position ("Putin told Niinisto … He said" means Putin); failing that, the nearest mention.
        """
        labels = ("ORG", "GPE") if label == "ORG" else ("PERSON",)
        candidates = [
            m
            for m in reversed(self.mentions)
            if m.label in labels and m.span[1] <= offset and (label != "ORG" or not self.is_person(m.name))
        ]
        if not candidates:
            return None
        for mention in candidates[:6]:
            if mention.subject:
                return self.full(mention.name)
        return self.full(candidates[0].name)

    def organization(self, offset: int, words: list[str], head: str) -> str | None:
        """The organization a definite description ("the company", "the utilities commission") most likely means.

        A named organization sharing a word with the description's modifiers wins, nearest first
        ("the telecommunications company" is France Telecom, not the country named since); then the
        nearest clause subject among the last few organizations, then the nearest one. Only bodies
        of state (GOVERNMENT_ROLES) may be a country.
        """
        labels = ("ORG", "GPE") if head in GOVERNMENT_ROLES else ("ORG",)
        named = [m for m in self.mentions if m.label in labels and not self.is_person(m.name)]
        before = [m for m in reversed(named) if m.span[1] <= offset]
        wanted = {w.lower() for w in words if len(w) >= 4 and w.isalpha()} - DESCRIPTION_STOPWORDS
        for mention in before + [m for m in named if m.span[0] > offset]:
            if any(_same_stem(w, part) for w in wanted for part in name_key(mention.name).split()):
                return self.full(mention.name)
        if not before:
            return None
        # An outlet that was told something is no company speaking next: 'he told The Associated Press.
        # "…," the company said' (dev3: two quotes of Kraft Foods given to the news agency).
        before = [m for m in before if not m.recipient]
        for mention in before[:6]:
            if mention.subject:
                return self.full(mention.name)
        return self.full(before[0].name) if before else None

    def role(self, offset: int, words: list[str]) -> str | None:
        """The person a definite role description ("the Russian leader") most likely means.

        A person whose title shares a word with the description wins ("Russian President Vladimir
        Putin" for "the Russian leader"); otherwise the most mentioned person so far. A relation
        ("his son") is only the person whose title names it ("his son, Tom Reyes"), never the most
        mentioned one, who is more likely the person it relates to.
        """
        head = _POSSESSIVE_S.sub("", words[-1].lower()) if words else ""
        if head in KINSHIP_ROLES:
            ordered = self.before(offset) + [m for m in self.mentions if m.label == "PERSON" and m.span[0] > offset]
            for mention in ordered:
                full = self.full(mention.name)
                if head in self._title_words(full):
                    return full
            return None
        candidates = self.before(offset)
        wanted = {_POSSESSIVE_S.sub("", word.lower()) for word in words} - {"the", "a", "an"}
        if not candidates:
            later = [m for m in self.mentions if m.label == "PERSON" and m.span[0] > offset]
            for mention in later:
                full = self.full(mention.name)
                if wanted & self._title_words(full):
                    return full
            return None
        if "latter" in wanted:
            return self.full(candidates[0].name)
        if "former" in wanted:
            distinct = list(dict.fromkeys(self.full(m.name) for m in candidates))
            return distinct[1] if len(distinct) > 1 else None
        for mention in candidates:
            full = self.full(mention.name)
            if wanted & self._title_words(full):
                return full
        # A lede may describe before it names: "China's ambassador … said" and later "ambassador Liu Xiaming".
        for mention in self.mentions:
            full = self.full(mention.name)
            if mention.label == "PERSON" and mention.span[0] > offset and wanted & self._title_words(full):
                return full
        seen = Counter(self.full(m.name) for m in candidates)
        return seen.most_common(1)[0][0]

    def _title_words(self, full: str) -> set[str]:
        """The lower-case words of the title written with a full name, for matching role descriptions."""
        return set(self.titles.get(full, "").lower().split())


def looks_like_name(words: list[str]) -> bool:
    """True for a capitalised word run ("Jen Psaki"), the shape of a name spaCy's NER may have missed."""
    return bool(words) and all(_NAME_TOKEN.match(word) for word in words)
