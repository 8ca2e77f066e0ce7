"""How a quote is framed: the reporting verb nearest it and the token naming its source.

A direct quote's frame is the framing verb nearest it outside any quote ('"…," Putin said.', 'He
said: "…"'), "according to X" or a document that reads; its source is the verb's subject, else a
name the parser left elsewhere ('…, said the company's chair Marcelo Claure').
"""

from __future__ import annotations

from typing import Any

from storytrace.model import Span
from storytrace.quotes.names import clean_name
from storytrace.quotes.parse import SUBJECT_DEPS, is_document, paragraph_around, path_up, sentence_end, sentence_start
from storytrace.quotes.speakers import SpeakerReader
from storytrace.quotes.words import RELATIVE_PRONOUNS


def nearest_cue(reader: SpeakerReader, span: Span) -> Any | None:
    """The framing verb nearest a quote, outside any quote, in the sentences the quote touches.

    A quote opening a paragraph after a line ending in a colon takes that line's verb ("She said:").
    """
    doc = reader.doc
    text = reader.text
    paragraph_start, paragraph_end = paragraph_around(text, span[0], span[1])
    # The sentences holding the quote and the words just around it: '"…?" Mr Putin asked.' puts the
    # frame in the sentence after the closing mark, 'He said. "…"' in the one before the opening mark.
    before = len(text[paragraph_start : span[0]].rstrip(' "“”„«»‘’')) + paragraph_start - 1
    after = span[1] + len(text[span[1] : paragraph_end]) - len(text[span[1] : paragraph_end].lstrip(' "“”„«»‘’'))
    window_start = max(paragraph_start, sentence_start(doc, before if before >= paragraph_start else span[0]))
    window_end = min(paragraph_end, sentence_end(doc, after if after < paragraph_end else span[1] - 1))
    best: tuple[int, Any] | None = None
    for token in doc.char_span(window_start, window_end, alignment_mode="expand") or ():
        if reader.inside_quote(token.idx):
            continue
        if (
            token.lemma_.lower() in reader.framing
            and token.pos_ in ("VERB", "AUX")
            or according_to(token) is not None
            or document_reads(token)
        ):
            distance = span[0] - token.idx if token.idx < span[0] else token.idx - span[1]
            if best is None or distance < best[0]:
                best = (distance, token)
    if best is not None:
        return best[1]
    lead_in = text[: span[0]].rstrip(' "“”„«')
    if lead_in.endswith(":"):
        colon_sentence = doc.char_span(sentence_start(doc, len(lead_in) - 1), len(lead_in), alignment_mode="expand")
        for token in reversed(list(colon_sentence or ())):
            if token.lemma_.lower() in reader.framing and token.pos_ in ("VERB", "AUX"):
                return token
    return None


def document_reads(token: Any) -> bool:
    """True for "read" with a document as its subject: '"…," the statement read.'"""
    return token.lemma_.lower() == "read" and any(
        child.dep_ in SUBJECT_DEPS and is_document(child) for child in token.children
    )


def inverted_subject(verb: Any) -> Any | None:
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
        if token.is_punct and token.text in ',.;:!?"“”«»' or token.lower_ in RELATIVE_PRONOUNS:
            break  # ('added Immelman who follows … Gary Player': the name before "who")
        if token.ent_type_ in ("PER", "PERSON") and clean_name(token.text):
            owner = next((t for t in [token, *path_up(token, verb)] if t.dep_ == "poss"), None)
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


def name_between(doc: Any, quote_end: int, verb: Any) -> Any | None:
    """The last person named between a quote's end and its framing verb, when the parser gave the
    verb no subject: '"…," general manager A. J. Smith said' (with "Smith" taken for an appositive)."""
    index = verb.i - 1
    while index >= 0 and doc[index].idx >= quote_end:
        if doc[index].ent_type_ in ("PER", "PERSON"):
            return doc[index]
        index -= 1
    return None


def according_to(token: Any) -> Any | None:
    """The source of "according to X" when ``token`` is its "according"."""
    if token.lower_ != "according":
        return None
    for child in token.children:
        if child.lower_ == "to":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None
