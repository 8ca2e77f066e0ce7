"""The quote finders of one article: direct quotes in quotation marks, quotes whose marks were lost, reported speech.

Each finder reads the article through a :class:`~storytrace.quotes.speakers.SpeakerReader` and
returns its quotes with resolved speakers; :func:`storytrace.quotes.extract.extract_quotes` runs
them and keeps one quote per stretch of text.
"""

from __future__ import annotations

import re
from typing import Any

from storytrace.model import Quote, Span
from storytrace.quotes.frames import according_to, inverted_subject, name_between, nearest_cue
from storytrace.quotes.parse import clean_span, is_document, overlap, paragraph_around, paragraphs_between, word_count
from storytrace.quotes.speakers import SpeakerReader
from storytrace.quotes.words import NAMING_VERBS, NOT_STATEMENT_OPENERS, TITLE_SMALL_WORDS, TRAILING_FRAME_VERBS
from storytrace.settings import Settings

# A line crediting the paragraph above it to someone, as pull-quote widgets print it.
_CREDIT_LINE = re.compile(r"^\s*(?:A quote from|Quote from|Une citation de|Citation de)\s+([^,\n]+)", re.IGNORECASE)
# A frame ending a paragraph whose quotation marks were lost: ", he said." / ", said Putin."
_FRAME_VERBS = "|".join(re.escape(verb) for verb in TRAILING_FRAME_VERBS)
_NAME_WORDS = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
_TRAILING_FRAME = re.compile(
    rf"\s*,\s*(?:(?P<pronoun>he|she)\s+(?:{_FRAME_VERBS})|(?:{_FRAME_VERBS})\s+(?P<name1>{_NAME_WORDS})"
    rf"|(?P<name2>{_NAME_WORDS})\s+(?:{_FRAME_VERBS}))\s*\.+\s*"
)


def direct_quotes(reader: SpeakerReader, settings: Settings) -> list[Quote]:
    """Quotes in quotation marks with the speaker of their frame; terms, scare quotes and titles skipped."""
    quotes: list[Quote] = []
    previous: Quote | None = None
    for stretch in reader.stretches:
        start, end = stretch.span
        content = reader.text[start:end]
        if word_count(content) < settings.quote_min_words or _is_title(content):
            continue  # a term, a scare quote or a quoted title ("Takin' It to the Streets")
        cue_token = nearest_cue(reader, stretch.span)
        naming = cue_token is None or cue_token.lemma_.lower() in NAMING_VERBS
        is_term = (
            naming and word_count(content) <= settings.quote_term_max_words and not _has_verb(reader.doc, stretch.span)
        )
        if is_term and (cue_token is not None or previous is None):
            continue  # a term, named or quoted with no statement: what doctors call "feather duvet lung"
        speaker: str | None = None
        speaker_span: Span | None = None
        cue = None
        if cue_token is not None:
            cue = cue_token.lemma_.lower()
            subject = reader.subject_of(cue_token)
            inverted = inverted_subject(cue_token)
            if (
                subject is not None
                and subject.i > cue_token.i
                and inverted is not None
                and (subject.ent_type_ not in ("PER", "PERSON") and inverted.ent_type_ in ("PER", "PERSON"))
            ):
                subject = inverted  # 'said Hardester's Market clerk Alicia Mullin': the person, not the shop
            source = according_to(cue_token) or subject or inverted or name_between(reader.doc, end, cue_token)
            if according_to(cue_token) is not None:
                cue = "according to"
            if source is not None:
                speaker, speaker_span = reader.speaker(source)
                if speaker is None and is_document(source) and previous is not None:
                    speaker = previous.speaker  # "…," the statement continued.
        elif previous is not None and paragraphs_between(reader.text, previous.span[1], start) <= 1:
            # A quote paragraph with no frame continues the quote before it ("…," she said. / "…").
            speaker, speaker_span, cue = previous.speaker, previous.speaker_span, previous.cue
        quote = Quote(reader.article.id, (start, end), content, "direct", speaker, speaker_span, cue)
        quotes.append(quote)
        if cue_token is not None or speaker is not None:
            previous = quote
    return quotes


def _has_verb(doc: Any, span: Span) -> bool:
    """True when a verb or auxiliary lies within ``span``: a quoted clause, not a term."""
    tokens = doc.char_span(span[0], span[1], alignment_mode="expand") or ()
    return any(token.pos_ in ("VERB", "AUX") for token in tokens)


def _is_title(content: str) -> bool:
    """True for a short title-case stretch: the name of a work, a show or a slogan, not a statement."""
    words = [word for word in content.split() if word[:1].isalpha()]
    if not words or len(words) > 8:
        return False
    capitals = sum(word[:1].isupper() for word in words)
    return capitals >= 2 and all(word[:1].isupper() or word.lower() in TITLE_SMALL_WORDS for word in words)


def reported_speech(reader: SpeakerReader, direct: list[Quote], settings: Settings) -> list[Quote]:
    """Clauses a reporting verb or "according to" reports, except those the ``direct`` quotes already cover."""
    quotes: list[Quote] = []
    doc = reader.doc
    direct_spans = [quote.span for quote in direct]
    for token in doc:
        if reader.inside_quote(token.idx):
            continue
        source = according_to(token)
        if source is not None:
            sentence = token.sent
            phrase = doc[token.i : token.right_edge.i + 1]
            if phrase.start_char <= sentence.start_char + 2:
                start, end = phrase.end_char, sentence.end_char
            elif word_count(doc.text[phrase.end_char : sentence.end_char]) > 2:
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
            source = reader.subject_of(token) or inverted_subject(token)
            cue = token.lemma_.lower()
        else:
            continue
        # A clause never runs past its paragraph (spaCy sometimes joins a subtitle to the next line).
        paragraph_start, paragraph_end = paragraph_around(reader.text, token.idx, token.idx)
        start = max(start, paragraph_start)
        end = min(end, paragraph_end)
        start, end = clean_span(reader.text, start, end)
        if word_count(reader.text[start:end]) < settings.quote_min_words:
            continue
        covered = sum(overlap((start, end), span) for span in direct_spans)
        if covered > settings.reported_direct_overlap_share * (end - start):
            continue  # the clause is a direct quote already read with this frame
        speaker, speaker_span = reader.speaker(source) if source is not None else (None, None)
        quotes.append(
            Quote(reader.article.id, (start, end), reader.text[start:end], "reported", speaker, speaker_span, cue)
        )
    return quotes


def _reported_clause(reader: SpeakerReader, verb: Any) -> Span | None:
    """The character span a reporting verb reports, or None when it frames no clause.

    * a clausal complement: "said (that) CLAUSE", "CLAUSE, analysts said";
    * an object with an infinitive or "of" clause: "urged OBJECT to …", "accused OBJECT of …";
    * a parenthetical cue inside or after its sentence: "The key, says Buser, is …".
    """
    doc = reader.doc
    lemma = verb.lemma_.lower()
    clause = next((child for child in verb.children if child.dep_ == "ccomp"), None)
    if clause is not None and lemma in reader.reporting:
        if clause.left_edge.lower_ in NOT_STATEMENT_OPENERS:
            return None
        first = clause.left_edge
        while first.dep_ == "mark" and first.i < clause.i:
            first = doc[first.i + 1]
        end = clause.right_edge.idx + len(clause.right_edge.text)
        if clause.i < verb.i:
            # "CLAUSE, Benioff said, ever since he …": a cue inside its sentence frames all of it.
            after = doc[verb.right_edge.i + 1 : verb.sent.end]
            if after and after[0].text == "," and word_count(after.text) > 3:
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


def unmarked_quotes(reader: SpeakerReader, settings: Settings) -> list[Quote]:
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
            span = clean_span(text, start, end)
            speaker = reader.names.full(credit.group(1).strip())
            speaker_span = (paragraphs[number + 1][0] + credit.start(1), paragraphs[number + 1][0] + credit.end(1))
            cue = "credit"
        elif frame is not None:
            span = clean_span(text, start, start + frame.start())
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
        if word_count(text[span[0] : span[1]]) >= settings.quote_min_words:
            quotes.append(Quote(reader.article.id, span, text[span[0] : span[1]], "direct", speaker, speaker_span, cue))
    return quotes
