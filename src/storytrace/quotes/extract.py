"""Quotes of one article: direct quotations and reported speech, each with its resolved speaker.

Quotation marks are read by :mod:`storytrace.quotes.marks`; spaCy's parse finds the reporting verb
("said", "told", "according to") framing each quote and its subject; :mod:`storytrace.quotes.speakers`
turns the subject into a full name. Reported speech is a reporting verb's clausal complement
("Putin said that …"). Scraped text that lost its quotation marks keeps its frame (", he said."),
which is read as a quote of the paragraph before it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from itertools import accumulate
from typing import Any

from storytrace.model import Article, Quote, Span
from storytrace.quotes.marks import quoted_stretches
from storytrace.quotes.speakers import (
    DOCUMENT_NOUNS,
    KINSHIP_ROLES,
    ORGANIZATION_ROLES,
    PERSON_ROLES,
    PRONOUNS_PERSON,
    RANKS,
    TITLES,
    Mention,
    NameBook,
    clean_name,
    looks_like_name,
)
from storytrace.settings import Settings

# Verbs that report a statement (lemmas), by language. The clause-taking ones also introduce
# reported speech; the framing ones frame only direct quotes ("'No!' he exclaimed"). Cognition
# verbs (think, believe) are left out on purpose: they report no statement (docs/quote-annotation.md).
REPORTING_VERBS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "say",
            "tell",
            "add",
            "state",
            "announce",
            "claim",
            "warn",
            "argue",
            "explain",
            "insist",
            "note",
            "write",
            "tweet",
            "post",
            "confirm",
            "deny",
            "acknowledge",
            "report",
            "predict",
            "stress",
            "emphasize",
            "emphasise",
            "reiterate",
            "suggest",
            "admit",
            "complain",
            "declare",
            "assert",
            "contend",
            "maintain",
            "vow",
            "pledge",
            "promise",
            "respond",
            "reply",
            "testify",
            "concede",
            "allege",
            "caution",
            "charge",
            "recall",
            "reveal",
            "disclose",
            "estimate",
            "conclude",
            "observe",
            "remark",
            "mention",
            "hint",
            "assure",
            "indicate",
        ]
    ),
    "fr": frozenset(
        [
            "dire",
            "déclarer",
            "affirmer",
            "ajouter",
            "expliquer",
            "estimer",
            "souligner",
            "indiquer",
            "assurer",
            "annoncer",
            "préciser",
            "insister",
            "répondre",
            "avertir",
            "prévenir",
            "rappeler",
            "confier",
            "reconnaître",
            "admettre",
            "démentir",
            "nier",
            "promettre",
            "juger",
            "assurer",
            "martel",
            "écrire",
            "tweeter",
            "confirmer",
        ]
    ),
}
# Verbs reporting a demand or charge through their object: "urged X to …", "accused X of …".
OBJECT_REPORTING_VERBS: dict[str, frozenset[str]] = {
    "en": frozenset(["urge", "accuse", "ask", "call", "press", "beg", "implore"]),
    "fr": frozenset(["exhorter", "accuser", "appeler", "demander"]),
}
FRAMING_VERBS: dict[str, frozenset[str]] = {
    "en": REPORTING_VERBS["en"]
    | OBJECT_REPORTING_VERBS["en"]
    | frozenset(
        ["exclaim", "quip", "joke", "continue", "shout", "cry", "describe", "recount", "answer", "begin", "comment"]
    ),
    "fr": REPORTING_VERBS["fr"] | OBJECT_REPORTING_VERBS["fr"] | frozenset(["lancer", "poursuivre", "s'exclamer"]),
}
# A clause opening with these is a condition or a relative clause misread as the verb's complement
# ("warned of sanctions should Putin attack", "what they said would be").
_NOT_STATEMENT_OPENERS = frozenset({"should", "if", "when", "what", "which", "who", "whom", "because", "as"})
# Verbs that name rather than say: what they frame in quotation marks is a term, unless it is a clause.
_NAMING_VERBS = frozenset(["call", "describe", "dub", "term", "name", "label", "brand"])
# A verbless quoted stretch this short is a term ("feather duvet lung"), not a statement.
_TERM_MAX_WORDS = 4
# "the 29-year-old", "the 62-year-old actor": a description of the person just named.
_AGE_DESCRIPTION = re.compile(r"\b\d+\s*-\s*year\s*-\s*old\b")
# Subjects that are a speaker's document, not a speaker: "the statement continued".
# Heads of "to X" naming whom a statement was made to: "said in a statement to Rolling Stone".
_TOLD_HEADS = frozenset(["say", "tell", "statement", "interview", "comment", "remark", "email", "speak", "talk"])
_RELATIVE_PRONOUNS = frozenset({"who", "that", "which"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "nsubj:pass"})
_NAME_LABELS = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "GPE", "NORP": "NORP"}
# A line crediting the paragraph above it to someone, as pull-quote widgets print it.
_CREDIT_LINE = re.compile(r"^\s*(?:A quote from|Quote from|Une citation de|Citation de)\s+([^,\n]+)", re.IGNORECASE)
# A frame ending a paragraph whose quotation marks were lost: ", he said." / ", said Putin."
_FRAME_VERBS = "said|says|insisted|added|explained|stressed|argued|asked|warned|noted|told reporters|continued"
_NAME_WORDS = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
_TRAILING_FRAME = re.compile(
    rf"\s*,\s*(?:(?P<pronoun>he|she)\s+(?:{_FRAME_VERBS})|(?:{_FRAME_VERBS})\s+(?P<name1>{_NAME_WORDS})"
    rf"|(?P<name2>{_NAME_WORDS})\s+(?:{_FRAME_VERBS}))\s*\.+\s*"
)


def _words(text: str) -> int:
    return len(text.split())


class _Reader:
    """One article's parse with the lookups every quote needs."""

    def __init__(self, article: Article, doc: Any) -> None:
        self.article = article
        language = (article.language or "en").split("-")[0].lower()
        self.language = language if language in REPORTING_VERBS else "en"
        self.reporting = REPORTING_VERBS[self.language]
        self.object_reporting = OBJECT_REPORTING_VERBS[self.language]
        self.framing = FRAMING_VERBS[self.language]
        self.doc = doc
        self.text = article.text
        self.stretches = quoted_stretches(self.text)
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
            subject = any(token.dep_ in _SUBJECT_DEPS for token in entity) or (
                root.dep_ == "appos" and root.head.dep_ in _SUBJECT_DEPS
            )
            recipient = (root.dep_ in ("dobj", "obj", "dative", "iobj") and root.head.lemma_.lower() == "tell") or (
                root.dep_ == "pobj" and root.head.lower_ == "to" and root.head.head.lemma_.lower() in _TOLD_HEADS
            )
            mentions.append(Mention(entity.text, (entity.start_char, entity.end_char), label, subject, recipient))
            if label == "PERSON":
                # The words right before the name are its title ("Russian President", "ambassador to
                # Britain"), and so is an appositive after it ("Ema Suryani, a doctor at a clinic").
                before = [
                    t.text
                    for t in doc[max(0, entity.start - 4) : entity.start]
                    if t.is_alpha and (root in t.ancestors or t in root.ancestors) and not _possessor(t, root)
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
                subject = token.dep_ in _SUBJECT_DEPS or token.head.lemma_.lower() in self.framing
                mentions.append(Mention(token.text, (token.idx, token.idx + len(token.text)), "PERSON", subject))
        self.names = NameBook(mentions, titles, quoted)
        self._depth = 0  # nesting of document-owner lookups ("a statement" -> its issuer's subject)

    def inside_quote(self, offset: int) -> bool:
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
        if token.lower_ in _RELATIVE_PRONOUNS and token.head.dep_ == "relcl" and token.head.head.i != token.i:
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
        if lower in PRONOUNS_PERSON:
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
            if child.i == token.i or any(a.dep_ == "prep" for a in _path_up(child, token)):
                continue
            if _possessor(child, token) and not (_is_document(token) or token.lemma_.lower() in ORGANIZATION_ROLES):
                continue  # "Flynn's father, Herbert Flynn" is not Flynn (dev2: two quotes); "Crowley's site" is
            named = self._entity(child)
            if named is not None and named.label_ == "PERSON":
                return self.names.full(named.text), (named.start_char, named.end_char)
        if _is_document(token) and self._depth < 2:
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
                if target is not None and not _is_document(target):
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
                if before.lemma_.lower() == lemma and _is_document(before) and not self.inside_quote(before.idx):
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
                if c.dep_ in _SUBJECT_DEPS and self._same_paragraph(c, current) and not self.inside_quote(c.idx)
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


def _possessor(token: Any, top: Any) -> bool:
    """True when ``token`` is in a possessive below ``top``: "the star's" in "the star's rep Jack Ketsoyan"."""
    return any(t.dep_ == "poss" or t.tag_ == "POS" for t in [token, *_path_up(token, top)]) or any(
        c.tag_ == "POS" for c in token.children
    )


def _path_up(token: Any, top: Any) -> list[Any]:
    """Tokens from ``token`` up to (not including) ``top`` in the parse tree."""
    path = []
    while token.i != top.i and token.head.i != token.i:
        path.append(token)
        token = token.head
    return path


def _inverted_subject(verb: Any) -> Any | None:
    """A name right after a framing verb without a subject: '…, said the company's chair Marcelo Claure',
    '…», a déclaré M. Poutine' (parsers often take it for an object or attach it elsewhere).

    Within the words up to the clause's end, the last person named wins (the head of "The We
    Company's chair Marcelo Claure"), else the last organization.
    """
    person: Any | None = None
    organization: Any | None = None
    name_part: Any | None = None
    proper: Any | None = None
    description: Any | None = None
    for token in verb.doc[verb.i + 1 : verb.i + 13]:
        if token.is_punct and token.text in ',.;:!?"“”«»' or token.lower_ in _RELATIVE_PRONOUNS:
            break  # ('added Immelman who follows … Gary Player': the name before "who")
        if token.ent_type_ in ("PER", "PERSON") and clean_name(token.text):
            owner = next((t for t in [token, *_path_up(token, verb)] if t.dep_ == "poss"), None)
            if owner is None:
                person = token
            elif owner.head.pos_ == "NOUN" and description is None:
                description = owner.head  # "said Mia Laurent's father, Hector Laurent": the father
        elif token.ent_type_ == "ORG":
            organization = token
        elif name_part is None and token.dep_.startswith("flat") and token.pos_ == "PROPN":
            name_part = token  # the name under a title the parser made the head ("M." over "Poutine")
        elif proper is None and token.pos_ == "PROPN" and token.head.i == verb.i and token.text[:1].isupper():
            proper = token  # a surname NER missed, the verb's own dependent: 'added Immelman who …'
        elif (
            description is None
            and token.pos_ == "NOUN"
            and token.head.i == verb.i
            and any(c.lower_ == "the" for c in token.children)
        ):
            description = token  # '"…," added the doctor': a role the speaker resolution reads
    return person or organization or name_part or proper or description


def _name_between(doc: Any, quote_end: int, verb: Any) -> Any | None:
    """The last person named between a quote's end and its framing verb, when the parser gave the
    verb no subject: '"…," general manager A. J. Smith said' (with "Smith" taken for an appositive)."""
    index = verb.i - 1
    while index >= 0 and doc[index].idx >= quote_end:
        if doc[index].ent_type_ in ("PER", "PERSON"):
            return doc[index]
        index -= 1
    return None


def _according_to(token: Any) -> Any | None:
    """The source of "according to X" when ``token`` is its "according"."""
    if token.lower_ != "according":
        return None
    for child in token.children:
        if child.lower_ == "to":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def _clean_span(text: str, start: int, end: int) -> Span:
    """Trim spaces, quotation marks and the closing punctuation a clause span picks up."""
    strip_left = " \n\t\"“”„«»‘'’,;:—–-"
    strip_right = ' \n\t"“”„«»,;:—–-.'
    while start < end and text[start] in strip_left:
        start += 1
    while end > start and text[end - 1] in strip_right:
        end -= 1
    return start, end


def _overlap(first: Span, second: Span) -> int:
    return max(0, min(first[1], second[1]) - max(first[0], second[0]))


def _direct_quotes(reader: _Reader, settings: Settings) -> list[Quote]:
    quotes: list[Quote] = []
    previous: Quote | None = None
    for stretch in reader.stretches:
        start, end = stretch.span
        content = reader.text[start:end]
        if _words(content) < settings.quote_min_words or _is_title(content):
            continue  # a term, a scare quote or a quoted title ("Takin' It to the Streets")
        cue_token = _nearest_cue(reader, stretch.span)
        naming = cue_token is None or cue_token.lemma_.lower() in _NAMING_VERBS
        is_term = naming and _words(content) <= _TERM_MAX_WORDS and not _has_verb(reader.doc, stretch.span)
        if is_term and (cue_token is not None or previous is None):
            continue  # a term, named or quoted with no statement: what doctors call "feather duvet lung"
        speaker: str | None = None
        speaker_span: Span | None = None
        cue = None
        if cue_token is not None:
            cue = cue_token.lemma_.lower()
            subject = reader.subject_of(cue_token)
            inverted = _inverted_subject(cue_token)
            if (
                subject is not None
                and subject.i > cue_token.i
                and inverted is not None
                and (subject.ent_type_ not in ("PER", "PERSON") and inverted.ent_type_ in ("PER", "PERSON"))
            ):
                subject = inverted  # 'said Hardester's Market clerk Alicia Mullin': the person, not the shop
            source = _according_to(cue_token) or subject or inverted or _name_between(reader.doc, end, cue_token)
            if _according_to(cue_token) is not None:
                cue = "according to"
            if source is not None:
                speaker, speaker_span = reader.speaker(source)
                if speaker is None and _is_document(source) and previous is not None:
                    speaker = previous.speaker  # "…," the statement continued.
        elif previous is not None and _paragraphs_between(reader.text, previous.span[1], start) <= 1:
            # A quote paragraph with no frame continues the quote before it ("…," she said. / "…").
            speaker, speaker_span, cue = previous.speaker, previous.speaker_span, previous.cue
        quote = Quote(reader.article.id, (start, end), content, "direct", speaker, speaker_span, cue)
        quotes.append(quote)
        if cue_token is not None or speaker is not None:
            previous = quote
    return quotes


def _has_verb(doc: Any, span: Span) -> bool:
    tokens = doc.char_span(span[0], span[1], alignment_mode="expand") or ()
    return any(token.pos_ in ("VERB", "AUX") for token in tokens)


# Short words a title leaves in lower case ("What a Fool Believes", "Takin' It to the Streets").
_TITLE_SMALL_WORDS = frozenset(
    ["a", "an", "the", "to", "of", "in", "on", "at", "by", "for", "and", "or", "but", "with", "from", "as", "is"]
)


def _is_title(content: str) -> bool:
    """True for a short title-case stretch: the name of a work, a show or a slogan, not a statement."""
    words = [word for word in content.split() if word[:1].isalpha()]
    if not words or len(words) > 8:
        return False
    capitals = sum(word[:1].isupper() for word in words)
    return capitals >= 2 and all(word[:1].isupper() or word.lower() in _TITLE_SMALL_WORDS for word in words)


def _paragraphs_between(text: str, start: int, end: int) -> int:
    return text.count("\n\n", start, end) + (1 if "\n" in text[start:end] and "\n\n" not in text[start:end] else 0)


def _nearest_cue(reader: _Reader, span: Span) -> Any | None:
    """The framing verb nearest a quote, outside any quote, in the sentences the quote touches.

    A quote opening a paragraph after a line ending in a colon takes that line's verb ("She said:").
    """
    doc = reader.doc
    text = reader.text
    paragraph_start = text.rfind("\n", 0, span[0]) + 1
    paragraph_end = text.find("\n", span[1])
    paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
    # The sentences holding the quote and the words just around it: '"…?" Mr Putin asked.' puts the
    # frame in the sentence after the closing mark, 'He said. "…"' in the one before the opening mark.
    before = len(text[paragraph_start : span[0]].rstrip(' "“”„«»‘’')) + paragraph_start - 1
    after = span[1] + len(text[span[1] : paragraph_end]) - len(text[span[1] : paragraph_end].lstrip(' "“”„«»‘’'))
    window_start = max(paragraph_start, _sentence_start(doc, before if before >= paragraph_start else span[0]))
    window_end = min(paragraph_end, _sentence_end(doc, after if after < paragraph_end else span[1] - 1))
    best: tuple[int, Any] | None = None
    for token in doc.char_span(window_start, window_end, alignment_mode="expand") or ():
        if reader.inside_quote(token.idx):
            continue
        if (
            token.lemma_.lower() in reader.framing
            and token.pos_ in ("VERB", "AUX")
            or _according_to(token) is not None
            or _document_reads(token)
        ):
            distance = span[0] - token.idx if token.idx < span[0] else token.idx - span[1]
            if best is None or distance < best[0]:
                best = (distance, token)
    if best is not None:
        return best[1]
    lead_in = text[: span[0]].rstrip(' "“”„«')
    if lead_in.endswith(":"):
        colon_sentence = doc.char_span(_sentence_start(doc, len(lead_in) - 1), len(lead_in), alignment_mode="expand")
        for token in reversed(list(colon_sentence or ())):
            if token.lemma_.lower() in reader.framing and token.pos_ in ("VERB", "AUX"):
                return token
    return None


def _is_document(token: Any) -> bool:
    """True for a noun naming a document ("data" has the lemma "datum")."""
    return token.pos_ == "NOUN" and (token.lemma_.lower() in DOCUMENT_NOUNS or token.lower_ in DOCUMENT_NOUNS)


def _document_reads(token: Any) -> bool:
    """True for "read" with a document as its subject: '"…," the statement read.'"""
    return token.lemma_.lower() == "read" and any(
        child.dep_ in _SUBJECT_DEPS and _is_document(child) for child in token.children
    )


def _sentence_start(doc: Any, offset: int) -> int:
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    return span.sent.start_char if span is not None and len(span) else offset


def _sentence_end(doc: Any, offset: int) -> int:
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    return span.sent.end_char if span is not None and len(span) else offset + 1


def _reported_speech(reader: _Reader, direct: list[Quote], settings: Settings) -> list[Quote]:
    quotes: list[Quote] = []
    doc = reader.doc
    direct_spans = [quote.span for quote in direct]
    for token in doc:
        if reader.inside_quote(token.idx):
            continue
        source = _according_to(token)
        if source is not None:
            sentence = token.sent
            phrase = doc[token.i : token.right_edge.i + 1]
            if phrase.start_char <= sentence.start_char + 2:
                start, end = phrase.end_char, sentence.end_char
            elif _words(doc.text[phrase.end_char : sentence.end_char]) > 2:
                # In mid-sentence the cue sits inside the statement: "Trump, according to the White
                # House, made an unscheduled trip …" (one span, the cue within, as annotated).
                start, end = sentence.start_char, sentence.end_char
            else:
                start, end = sentence.start_char, phrase.start_char
            cue = "according to"
        elif token.lemma_.lower() in reader.reporting | reader.object_reporting and token.pos_ == "VERB":
            found = _reported_clause(reader, token)
            if found is None:
                continue
            start, end = found
            source = reader.subject_of(token) or _inverted_subject(token)
            cue = token.lemma_.lower()
        else:
            continue
        # A clause never runs past its paragraph (spaCy sometimes joins a subtitle to the next line).
        paragraph_start = reader.text.rfind("\n", 0, token.idx) + 1
        paragraph_end = reader.text.find("\n", token.idx)
        start = max(start, paragraph_start)
        end = min(end, len(reader.text) if paragraph_end < 0 else paragraph_end)
        start, end = _clean_span(reader.text, start, end)
        if _words(reader.text[start:end]) < settings.quote_min_words:
            continue
        covered = sum(_overlap((start, end), span) for span in direct_spans)
        if covered > settings.reported_direct_overlap_share * (end - start):
            continue  # the clause is a direct quote already read with this frame
        speaker, speaker_span = reader.speaker(source) if source is not None else (None, None)
        quotes.append(
            Quote(reader.article.id, (start, end), reader.text[start:end], "reported", speaker, speaker_span, cue)
        )
    return quotes


def _reported_clause(reader: _Reader, verb: Any) -> Span | None:
    """The character span a reporting verb reports, or None when it frames no clause.

    * a clausal complement: "said (that) CLAUSE", "CLAUSE, analysts said";
    * an object with an infinitive or "of" clause: "urged OBJECT to …", "accused OBJECT of …";
    * a parenthetical cue inside or after its sentence: "The key, says Buser, is …".
    """
    doc = reader.doc
    lemma = verb.lemma_.lower()
    clause = next((child for child in verb.children if child.dep_ == "ccomp"), None)
    if clause is not None and lemma in reader.reporting:
        if clause.left_edge.lower_ in _NOT_STATEMENT_OPENERS:
            return None
        first = clause.left_edge
        while first.dep_ == "mark" and first.i < clause.i:
            first = doc[first.i + 1]
        end = clause.right_edge.idx + len(clause.right_edge.text)
        if clause.i < verb.i:
            # "CLAUSE, Benioff said, ever since he …": a cue inside its sentence frames all of it.
            after = doc[verb.right_edge.i + 1 : verb.sent.end]
            if after and after[0].text == "," and _words(after.text) > 3:
                end = verb.sent.end_char
        return first.idx, end
    if lemma in reader.object_reporting:
        target = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
        if target is None and lemma == "call":  # "called on Moscow to de-escalate"
            on = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "on"), None)
            target = next((c for c in on.children if c.dep_ == "pobj"), None) if on is not None else None
        if target is None:
            return None
        complement = next((c for c in verb.children if c.dep_ == "xcomp" and c.i > target.i), None)
        if complement is None:
            complement = next((c for c in target.children if c.dep_ == "acl"), None)
        if complement is None:
            of = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            complement = of
        if complement is None or complement.right_edge.i <= target.i:
            return None
        last = complement.right_edge
        return target.left_edge.idx, last.idx + len(last.text)
    if verb.dep_ == "parataxis" and lemma in reader.reporting and clause is None:
        sentence = verb.sent
        cue = doc[verb.left_edge.i : verb.right_edge.i + 1]
        if cue.start_char - sentence.start_char < 3:
            return cue.end_char, sentence.end_char
        if sentence.end_char - cue.end_char < 3:
            return sentence.start_char, cue.start_char
        return sentence.start_char, sentence.end_char
    return None


def _unmarked_quotes(reader: _Reader, settings: Settings) -> list[Quote]:
    """Quotes whose marks were lost in scraping: a paragraph ending ", he said." or credited by the next line."""
    quotes: list[Quote] = []
    text = reader.text
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    for number, (start, end) in enumerate(paragraphs):
        paragraph = text[start:end]
        if any(mark in paragraph for mark in '"“”«»„'):
            continue
        credit = (
            _CREDIT_LINE.match(text[paragraphs[number + 1][0] : paragraphs[number + 1][1]])
            if number + 1 < len(paragraphs)
            else None
        )
        frame = _TRAILING_FRAME.search(paragraph)
        if frame is not None and frame.end() < len(paragraph.rstrip()):
            frame = None  # only a frame closing its paragraph marks the words before it as the quote
        speaker: str | None
        if credit is not None:
            span = _clean_span(text, start, end)
            speaker = reader.names.full(credit.group(1).strip())
            speaker_span = (paragraphs[number + 1][0] + credit.start(1), paragraphs[number + 1][0] + credit.end(1))
            cue = "credit"
        elif frame is not None:
            span = _clean_span(text, start, start + frame.start())
            name = frame.group("name1") or frame.group("name2")
            if frame.group("pronoun"):
                speaker = reader.names.pronoun(start + frame.start("pronoun"))
                speaker_span = (start + frame.start("pronoun"), start + frame.end("pronoun"))
            else:
                speaker = reader.names.full(name)
                group = "name1" if frame.group("name1") else "name2"
                speaker_span = (start + frame.start(group), start + frame.end(group))
            cue = "say"
        else:
            continue
        if _words(text[span[0] : span[1]]) >= settings.quote_min_words:
            quotes.append(Quote(reader.article.id, span, text[span[0] : span[1]], "direct", speaker, speaker_span, cue))
    return quotes


def _without_overlaps(quotes: list[Quote]) -> list[Quote]:
    """Keep one quote per stretch of text.

    A reported clause holding a partial direct quote is one quote (the annotation guideline:
    'said the plan was "a disaster"'); otherwise direct quotes win, then longer reported clauses.
    """
    direct = [quote.span for quote in quotes if quote.kind == "direct"]

    def rank(quote: Quote) -> tuple[int, int]:
        holds_direct = quote.kind == "reported" and any(
            quote.span[0] <= a and b <= quote.span[1] and (a, b) != quote.span for a, b in direct
        )
        order = 0 if holds_direct else 1 if quote.kind == "direct" else 2
        return order, -(quote.span[1] - quote.span[0])

    kept: list[Quote] = []
    for quote in sorted(quotes, key=rank):
        if all(_overlap(quote.span, other.span) == 0 for other in kept):
            kept.append(quote)
    return sorted(kept, key=lambda q: q.span)


def extract_quotes(article: Article, doc: Any, settings: Settings) -> list[Quote]:
    """All quotes of one article, in text order, from its spaCy ``doc`` (parsed from ``article.text``)."""
    reader = _Reader(article, doc)
    direct = _direct_quotes(reader, settings)
    unmarked = _unmarked_quotes(reader, settings)
    reported = _reported_speech(reader, direct + unmarked, settings)
    return _continued(reader.text, _without_overlaps(direct + unmarked + reported))


def _continued(text: str, quotes: list[Quote]) -> list[Quote]:
    """A quote paragraph with no frame of its own continues the quote just before it, in the
    previous paragraph or the same one: 'Erekat said it was …' / '"They wanted us on our knees …"'."""
    result: list[Quote] = []
    for quote in quotes:
        before = result[-1] if result else None
        if (
            quote.cue is None
            and quote.speaker is None
            and before is not None
            and before.speaker is not None
            and _paragraphs_between(text, before.span[1], quote.span[0]) <= 1
        ):
            quote = replace(quote, speaker=before.speaker, speaker_span=before.speaker_span, cue="continued")
        result.append(quote)
    return result
