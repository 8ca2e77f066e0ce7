"""Who says a quote: one article's parse read for speakers, each subject resolved to a full name.

spaCy gives entities and the parse but no coreference for news-sized English (coreferee and
fastcoref need pipelines or models we do not ship), so mentions are resolved by the rules news
writing follows: a person is introduced by full name with a title ("Russian President Vladimir
Putin") and then referred to by surname ("Mr Putin"), pronoun ("he") or role ("the Russian
leader"); an indefinite description ("a senior US official") introduces an unnamed source.
:class:`SpeakerReader` gathers the article's mentions into a :class:`~storytrace.quotes.names.NameBook`
and turns a reporting verb's subject into the name it refers to.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from itertools import accumulate
from typing import Any

from storytrace.model import Article, Span
from storytrace.quotes.marks import quoted_stretches
from storytrace.quotes.names import Mention, NameBook, clean_name, looks_like_name
from storytrace.quotes.parse import SUBJECT_DEPS, is_document, path_up, possessor
from storytrace.quotes.words import (
    FRAMING_VERBS,
    KINSHIP_ROLES,
    OBJECT_REPORTING_VERBS,
    ORGANIZATION_ROLES,
    PERSON_PRONOUNS,
    PERSON_ROLES,
    RANKS,
    RELATIVE_PRONOUNS,
    REPORTING_VERBS,
    TITLES,
    TOLD_HEADS,
)
from storytrace.settings import Settings

# "the 29-year-old", "the 62-year-old actor": a description of the person just named.
_AGE_DESCRIPTION = re.compile(r"\b\d+\s*-\s*year\s*-\s*old\b")
# spaCy's entity labels (English and the other languages' schemes) read as name kinds.
_NAME_LABELS = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "GPE", "NORP": "NORP"}


class SpeakerReader:
    """One article's parse with the lookups every quote needs: its verbs, quoted stretches, name book and speakers."""

    def __init__(self, article: Article, doc: Any, settings: Settings) -> None:
        self.article = article
        language = (article.language or "en").split("-")[0].lower()
        self.language = language if language in REPORTING_VERBS else "en"
        self.reporting = REPORTING_VERBS[self.language]
        self.object_reporting = OBJECT_REPORTING_VERBS[self.language]
        self.framing = FRAMING_VERBS[self.language]
        self.doc = doc
        self.text = article.text
        self.stretches = quoted_stretches(self.text, settings.quote_continued_lines)
        # Sorted starts and the furthest end among the stretches up to each: a lookup per token in
        # O(log n) that stays exact should two stretches overlap.
        ordered = sorted(stretch.span for stretch in self.stretches)
        self._quote_starts = [start for start, _ in ordered]
        self._quote_reach = list(accumulate((end for _, end in ordered), max))
        mentions: list[Mention] = []
        titles: dict[str, str] = {}
        quoted: list[Mention] = []
        # doc.ents builds its spans anew on every access; speaker lookups read them once per quote.
        self.entities = tuple(doc.ents)
        last_person: Any | None = None
        for entity in self.entities:
            label = _NAME_LABELS.get(entity.label_)
            if label is None:
                continue
            if label != "PERSON" and _looks_like_person(entity):
                label = "PERSON"
            if label == "PERSON":
                # NER splits a name an editor bracketed, "Coach (Frank) Vogel", into two persons: together
                # they are the full form of the surname (dev: three "Vogel" quotes of "Frank Vogel").
                between = self.text[last_person.end_char : entity.start_char] if last_person is not None else "-"
                if last_person is not None and between.strip() in ("", "(", ")") and "\n" not in between:
                    joined = f"{last_person.text.strip('()')} {entity.text.strip('()')}"
                    if looks_like_name(joined.split()):
                        span = (last_person.start_char, entity.end_char)
                        quoted.append(Mention(joined, span, "PERSON", False))
                last_person = entity
            if self.inside_quote(entity.start_char):
                quoted.append(Mention(entity.text, (entity.start_char, entity.end_char), label, False))
                continue
            # A name in apposition to a subject is the subject: "A professor …, Yanis Varoufakis, did not go".
            root = entity.root
            subject = any(token.dep_ in SUBJECT_DEPS for token in entity) or (
                root.dep_ == "appos" and root.head.dep_ in SUBJECT_DEPS
            )
            recipient = (root.dep_ in ("dobj", "obj", "dative", "iobj") and root.head.lemma_.lower() == "tell") or (
                root.dep_ == "pobj" and root.head.lower_ == "to" and root.head.head.lemma_.lower() in TOLD_HEADS
            )
            mentions.append(Mention(entity.text, (entity.start_char, entity.end_char), label, subject, recipient))
            if label == "PERSON":
                # The words right before the name are its title ("Russian President", "ambassador to
                # Britain"), and so is an appositive after it ("Ema Suryani, a doctor at a clinic").
                before = [
                    t.text
                    for t in doc[max(0, entity.start - 4) : entity.start]
                    if t.is_alpha and (root in t.ancestors or t in root.ancestors) and not possessor(t, root)
                ]
                after = [t.text for c in entity.root.children if c.dep_ == "appos" for t in c.subtree if t.is_alpha]
                key = clean_name(entity.text)
                # Title words NER took into the name count too: "Coroner Gary Hargrove" (dev3).
                inner = entity.text[: entity.text.find(key)].split() if key and key in entity.text else []
                before += [word for word in inner if word.isalpha()]
                if before or after:
                    titles[key] = " ".join([titles.get(key, ""), *before, *after]).strip()
        names = NameBook(mentions, titles, quoted)
        # A surname NER labels an organization ("Pickell said", ORG) is still the person the article
        # named in full: as an organization it would be no antecedent for "he" (dev2: two "he said").
        mentions = [
            replace(m, label="PERSON")
            if m.label == "ORG" and " " not in clean_name(m.name) and names.is_person(m.name)
            else m
            for m in mentions
        ]
        # NER misses some later mentions of a named person ("Buser, however, is counting on …", and
        # "Early says", tagged an adverb): a capitalised known surname counts as a mention of that
        # person, a subject when it is one or stands next to a reporting verb.
        for token in doc:
            if (
                token.text[:1].isupper()
                and not token.ent_type_
                and names.is_person(token.text)
                and not self.inside_quote(token.idx)
            ):
                subject = token.dep_ in SUBJECT_DEPS or token.head.lemma_.lower() in self.framing
                mentions.append(Mention(token.text, (token.idx, token.idx + len(token.text)), "PERSON", subject))
        self.names = NameBook(mentions, titles, quoted)
        self._depth = 0  # nesting of document-owner lookups ("a statement" -> its issuer's subject)

    def inside_quote(self, offset: int) -> bool:
        """True when ``offset`` lies inside a quoted stretch (names there are no antecedents)."""
        position = bisect_right(self._quote_starts, offset) - 1
        return position >= 0 and offset < self._quote_reach[position]

    def speaker(self, token: Any) -> tuple[str | None, Span | None]:
        """The full name a subject token refers to, with the mention's span (None for unnamed sources).

        Joined subjects give joined names ("Kurt Volker and Tim Morrison").
        """
        name, span = self._one_speaker(token)
        partners = [child for child in token.children if child.dep_ == "conj"]
        if name is not None and partners:
            names = [name] + [self._one_speaker(partner)[0] for partner in partners]
            if all(names):
                return " and ".join(dict.fromkeys(n for n in names if n)), span
        return name, span

    def _entity(self, token: Any) -> Any | None:
        return next((e for e in self.entities if e.start <= token.i < e.end), None)

    def _one_speaker(self, token: Any) -> tuple[str | None, Span | None]:
        doc = self.doc
        if token.lower_ in RELATIVE_PRONOUNS and token.head.dep_ == "relcl" and token.head.head.i != token.i:
            # "…, said Chairman Nick Rahall, who said he would …", "a blog post that said": the antecedent.
            token = token.head.head
        if not clean_name(token.text):
            # A title the parser made the head ("M." over "Poutine"): the name is its flat dependent.
            name = next((c for c in token.children if c.dep_.startswith("flat") and c.pos_ == "PROPN"), None)
            if name is not None:
                token = name
        if token.ent_type_ not in ("PERSON", "PER"):
            # A person in apposition to a place is the subject a dateline hid: "HANOI, Vietnam (AP) —
            # U.S. Defense Secretary Mark Esper on Wednesday accused …" parses HANOI as the subject.
            person = next((c for c in token.children if c.dep_ == "appos" and c.ent_type_ in ("PERSON", "PER")), None)
            if person is not None and token.ent_type_ in ("GPE", "LOC", "FAC", ""):
                token = person
        entity = self._entity(token)
        if entity is not None and entity[-1].lower_.rstrip(".") in RANKS:
            # A name cut at a rank's full stop: "said Bloomington Police Sgt. Marty Earley" (dev3).
            following = next((e for e in self.entities if e.start in (entity.end, entity.end + 1)), None)
            if following is not None and following.label_ in ("PERSON", "PER"):
                entity = following
        if entity is not None and entity.label_ in _NAME_LABELS and entity.label_ != "NORP":
            return self.names.full(entity.text), (entity.start_char, entity.end_char)
        lower = token.lower_
        span = (token.idx, token.idx + len(token.text))
        if token.text[:1].isupper() and self.names.is_person(token.text):
            return self.names.full(token.text), span  # a surname the tagger misread ("says Early", ADV)
        if lower in PERSON_PRONOUNS:
            return self.names.pronoun(token.idx), span
        if lower == "it":
            return self.names.pronoun(token.idx, "ORG"), span
        if token.pos_ == "PROPN" and not token.text.islower():
            words = [t for t in token.subtree if t.pos_ == "PROPN" and t.i <= token.i]
            first = words[0] if words else token
            name = doc[first.i : token.i + 1].text
            if looks_like_name(name.split()):
                return self.names.full(name), (first.idx, token.idx + len(token.text))
        phrase_text = doc[token.left_edge.i : token.i + 1].text
        if _AGE_DESCRIPTION.search(phrase_text) and phrase_text.lower().startswith("the "):
            return self.names.pronoun(token.idx), span  # "said the 29-year-old": the person just named
        if token.pos_ != "NOUN" and not (token.pos_ == "PROPN" and token.text.islower()):
            return None, span  # (a lower-case "PROPN" is a tagging slip: "The French foreign ministry")
        # A person named in the subject phrase outside any prepositional phrase is the speaker:
        # "senior vice president Chris Early", "the company's chief, Tim Cook".
        for child in token.subtree:
            if child.i == token.i or any(a.dep_ == "prep" for a in path_up(child, token)):
                continue
            if possessor(child, token) and not (is_document(token) or token.lemma_.lower() in ORGANIZATION_ROLES):
                continue  # "Flynn's father, Herbert Flynn" is not Flynn (dev2: two quotes); "Crowley's site" is
            named = self._entity(child)
            if named is not None and named.label_ == "PERSON":
                return self.names.full(named.text), (named.start_char, named.end_char)
        if is_document(token) and self._depth < 2:
            self._depth += 1
            try:
                owner = self._document_owner(token)
            finally:
                self._depth -= 1
            if owner is not None:
                return owner
        determiners = {child.lower_ for child in token.children if child.dep_ in ("det", "poss")}
        phrase = doc[token.left_edge.i : token.i + 1]
        span = (phrase.start_char, phrase.end_char)
        lemma = token.lemma_.lower()
        if lemma in ORGANIZATION_ROLES:
            # "Russia's foreign ministry", "the French foreign ministry": a named body.
            if any(t.pos_ == "PROPN" or t.ent_type_ in ("GPE", "NORP", "ORG") for t in phrase if t.i != token.i):
                return clean_name(phrase.text), span
            if "the" in determiners:
                modifiers = [t.text for t in phrase if t.i != token.i]  # ("company" alone named Fast Company)
                return self.names.organization(phrase.start_char, modifiers, lemma), span
            return None, span
        if determiners & {"the", "his", "her", "its", "their"} or any(c.dep_ == "poss" for c in token.children):
            determiners.add("the")
        # Ranks are roles too: "Coroner Gary Hargrove said. The coroner said …" (dev3).
        roles = lemma in PERSON_ROLES or lemma in RANKS or lemma in KINSHIP_ROLES
        if "the" in determiners and roles and token.tag_ in ("NN", "NNP"):
            if self._introduced_unnamed(token):
                return None, span
            return self.names.role(phrase.start_char, [t.text for t in phrase]), span
        return None, span

    def _document_owner(self, token: Any, earlier: bool = True) -> tuple[str, Span] | None:
        """Who a document speaks for: "the NCAA report", "a statement from Waitrose", "data from
        MarketAxess", "Big Machine Records issued a statement"; failing those, the owner of the last
        document of that kind ("the statement continued" after "X issued a statement")."""
        found: tuple[str | None, Span | None] = (None, None)
        named = [c for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < token.i]
        if named:
            # "The Premier Council report": the run of names before the noun.
            first = min(named[0].left_edge.i, named[0].i)
            words = self.doc[first : token.i]
            if looks_like_name(words.text.split()):
                found = self.names.full(words.text), (words.start_char, words.end_char)
        for child in token.children:
            if found[0] is not None:
                break
            if child.dep_ == "poss" and (child.pos_ == "PROPN" or child.ent_type_ in ("ORG", "PERSON")):
                found = self._one_speaker(child)
            elif child.dep_ == "prep" and child.lower_ in ("by", "from", "of"):
                target = next((c for c in child.children if c.dep_ == "pobj"), None)
                if target is not None and not is_document(target):
                    found = self._one_speaker(target)
        verb = token.head
        if found[0] is None and token.dep_ in ("dobj", "obj", "pobj") and token.head.i != token.i:
            # "issued a statement", "published a blog post", "denied it in a statement": the verb's subject.
            if token.dep_ == "pobj" and verb.lower_ in ("in", "through", "via"):
                verb = verb.head
            subject = self.subject_of(verb) if verb.pos_ == "VERB" else None
            if subject is not None and subject.i != token.i:
                found = self._one_speaker(subject)
        if found[0] is not None and found[1] is not None:
            return found[0], found[1]
        if earlier:
            lemma = token.lemma_.lower()
            for before in reversed(self.doc[: token.i]):
                if before.lemma_.lower() == lemma and is_document(before) and not self.inside_quote(before.idx):
                    owner = self._document_owner(before, earlier=False)
                    if owner is not None:
                        return owner
        return None

    def _introduced_unnamed(self, token: Any) -> bool:
        """True when "a/an … <same noun>" came earlier: "the official" then means that unnamed source.

        An indefinite description of a named person ("Ema Suryani, a doctor at a clinic") introduces
        no one new.
        """
        for earlier in self.doc[: token.i]:
            if earlier.lower_ == token.lower_ and any(c.lower_ in ("a", "an") for c in earlier.children):
                after = self.doc[earlier.right_edge.i + 1] if earlier.right_edge.i + 1 < len(self.doc) else None
                # An appositive ends with punctuation; one followed by a verb is a misparsed subject
                # ("Responding to Mr Putin, a senior US official said …").
                describes_name = (
                    earlier.dep_ == "appos"
                    and earlier.head.ent_type_ in ("PERSON", "PER")
                    and (after is None or after.is_punct)
                )
                if not describes_name:
                    return True
        return False

    def subject_of(self, verb: Any) -> Any | None:
        """The subject of a reporting verb, climbing from participles, conjuncts and the noun a
        participle modifies ("…, saying", "issued a statement warning that …").

        Of several subjects the parser attached, the nearest in the verb's paragraph wins (a
        heading without punctuation can be glued to the next sentence as a second subject).
        """
        current = verb
        for _ in range(4):
            subjects = [
                c
                for c in current.children
                if c.dep_ in SUBJECT_DEPS and self._same_paragraph(c, current) and not self.inside_quote(c.idx)
            ]
            if subjects:
                return min(subjects, key=lambda c: abs(c.i - current.i))
            if current.lower_ == "according":
                return None
            climbing = ("advcl", "conj", "xcomp", "ccomp", "acl", "parataxis", "dobj", "obj")
            if current.dep_ in climbing and current.head.i != current.i and not self.inside_quote(current.head.idx):
                current = current.head  # (never into the quote itself: '« … », a déclaré M. Poutine')
            else:
                return None
        return None

    def _same_paragraph(self, first: Any, second: Any) -> bool:
        start, end = sorted((first.idx, second.idx))
        return "\n" not in self.text[start:end]


def _looks_like_person(entity: Any) -> bool:
    """An entity NER labelled otherwise that the text shows to be a person: a personal title before
    it ("Professor Varoufakis") or a person noun it stands in apposition to ("A professor of
    economics …, Yanis Varoufakis")."""
    first = entity[0].lower_.rstrip(".")
    if first in TITLES or first in RANKS:
        return len(entity) > 1
    root = entity.root
    return root.dep_ == "appos" and root.head.lemma_.lower() in PERSON_ROLES and root.head.pos_ == "NOUN"
