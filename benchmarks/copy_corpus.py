"""A labelled corpus of copies of real news articles, for ``benchmarks/copies.py``.

Sources are the 1,160 real articles under ``../shared/data`` (three ECB+ documents hold no
sentence once their URL and dateline are removed): the 982 ECB+ documents
(``ecbplus/ecbplus_docs.jsonl``, 86 events in 43 topics, two look-alike events a topic) and the
181 ``articleBody`` texts of the article-extraction benchmark (``article-extraction/
ground-truth.json``). Every source is an article of the corpus; derivatives of four kinds are
made from them, evenly, plus a few copies of copies:

* ``verbatim``: the same body under another outlet's boilerplate (share buttons, "Also Read:",
  a caption with "Photo: <agency>", a copyright line), sometimes with straight quotes turned
  curly or back, paragraphs merged, double spaces;
* ``edited``: 10-30 % of the sentences dropped (never the lead), two adjacent sentences swapped
  or a paragraph moved, 1-3 sentences of another article of the same topic inserted, numbers
  reformatted ("3" -> "three", "1,000" -> "1000", "5 percent" -> "5%", "$160 million" ->
  "$160m"), "said" -> "told reporters", a new headline;
* ``excerpt``: a contiguous 25-50 % of the sentences (the lead or a middle block), half the
  time after one added intro sentence;
* ``spun`` (English sources only): an article spinner plus a round-trip-translation noise
  *model* (see :class:`Spinner`);
* copies of copies: a verbatim copy of an edited copy, an excerpt of a verbatim copy, each
  labelled against its nearest source.

Translated copies are not made: there is no machine translation here, and a fake one would
measure nothing.

ECB+ holds real wire reuse: a few documents are the same agency story published by several
outlets. Those pairs (5-gram containment >= 0.5) are labelled ``natural`` copies (no known
direction); pairs sharing some text (containment >= 0.1 or >= 20 shared 5-grams), and each
edited copy with the article it borrowed sentences from, are ``partial`` reuse, left out of the
scoring; every other pair is a negative, the hard ones being different articles of the same
event and of its look-alike event.

Dates: each ECB+ event gets a base date, its documents 0-3 days after it; extraction-benchmark
articles take the date in their URL, else one in late 2019. 5 % of sources are undated. A copy is dated 1-5 days after
its source (70 %), on the same day (15 %) or not at all (15 %), so that in 30 % of pairs the
direction must come from the text. Every article has an outlet, a copy never its source's.

Ids are opaque and the documents shuffled: nothing but the text and the metadata tells a copy
from its original.

``build_scale_corpus`` adds background articles for throughput runs: each is a real English
article's text with 80 % of its words outside the corpus' 100 most frequent ones replaced by
tokens drawn from the corpus' unigram distribution, so that background articles share
function-word skeletons as real articles do, but not sentences (``--scale N`` prints the
measured overlap).

Command (from the repository root) to write the corpus as storytrace JSONL plus the labels::

    .venv/bin/python benchmarks/copy_corpus.py --out /tmp/copy-corpus

It needs Debian's ``wordnet-base`` (``apt-get install wordnet-base``) and the ``lemminflect``
and ``sentencex`` packages.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from bisect import bisect
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from itertools import accumulate, combinations
from pathlib import Path

import lemminflect
import numpy as np
import py3langid
import sentencex
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from storytrace.model import RawDocument

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
ECBPLUS = SHARED_DATA / "ecbplus" / "ecbplus_docs.jsonl"
GROUND_TRUTH = SHARED_DATA / "article-extraction" / "ground-truth.json"
WORDNET_DIR = Path("/usr/share/wordnet")  # Debian's wordnet-base

KINDS = ("verbatim", "edited", "excerpt", "spun")
# Share of derivatives that are copies of copies (half verbatim-of-edited, half excerpt-of-verbatim).
CHAIN_SHARE = 0.05
# A source takes at most this many derivatives, so that families stay news-sized.
MAX_DERIVATIVES_PER_SOURCE = 4
# Sentences a source needs for each kind: an excerpt of a short article would be all of it,
# and dropping 10-30 % of three sentences drops none or a third.
MIN_SENTENCES = {"verbatim": 1, "edited": 4, "excerpt": 6, "spun": 2}

# --- dates ---------------------------------------------------------------------------------
UNDATED_SOURCE_SHARE = 0.05
SAME_DATE_SHARE = 0.15  # copy dated the same day as its source
UNDATED_COPY_SHARE = 0.15  # copy without a date
COPY_DELAY_DAYS = (1, 5)

# --- edited --------------------------------------------------------------------------------
EDIT_DROP_SHARE = (0.10, 0.30)
EDIT_INSERTED_SENTENCES = (1, 3)
EDIT_WORD_CHANGE_RATE = 0.5  # each number / "said" found is rewritten with this probability

# --- excerpt -------------------------------------------------------------------------------
EXCERPT_SHARE = (0.25, 0.50)
EXCERPT_INTRO_RATE = 0.5

# --- spun ----------------------------------------------------------------------------------
SPIN_SYNONYM_RATE = 0.35  # of the content words WordNet has a synonym for
SPIN_REORDER_RATE = 0.5  # of the sentences an attribution or clause pattern matches
RTT_DETERMINER_DROP = 0.15
RTT_PREPOSITION_SWAP = 0.10

# --- in-the-wild reuse among the real articles (5-gram containment of the smaller set) -------
NATURAL_MIN_CONTAINMENT = 0.5
PARTIAL_MIN_CONTAINMENT = 0.1
PARTIAL_MIN_SHARED = 20  # about one long sentence

# --- background (scale mode) ---------------------------------------------------------------
BACKGROUND_REPLACE_SHARE = 0.8
BACKGROUND_FUNCTION_WORDS = 100

OUTLETS = (
    "The Morning Ledger", "Harbor City Herald", "Northfield Courier", "Daily Meridian", "The Civic Post",
    "Riverside Gazette", "Capital Dispatch", "Lakeside Tribune", "Metro Wire", "The Evening Sentinel",
    "Summit Observer", "Prairie News Network", "Coastline Chronicle", "The Valley Record", "Granite State Times",
    "Bayview Press", "Union Street Journal", "The Plainsman", "Westgate Reporter", "Crossroads Daily",
    "Pinecrest Bulletin", "The Atlantic Examiner", "Southern Star Online", "Midland Monitor", "Irongate News",
    "The Public Register", "Newsline 24", "Clearwater Voice", "Highland Standard", "Brookfield Times",
)  # fmt: skip
AGENCIES = ("Reuters", "AP", "AFP", "Getty Images", "EPA", "Bloomberg")
CAPTIONS = (
    "A file image from the scene.", "The scene on the day, in a file photo.", "Officials at a briefing.",
    "Onlookers gather near the site.", "A view of the area.",
)  # fmt: skip
EXCERPT_INTROS = (
    "The following was first reported by {outlet}.",
    "{outlet} had the story first.",
    "Here is what we know so far.",
    "More details emerged on Friday.",
)
HEADLINE_PREFIXES = ("UPDATE: ", "Report: ", "Breaking: ", "WATCH: ")
SHARE_LINES = ("Share this article", "Share on Facebook", "Share on Twitter", "Copy link", "Email this story")

STOPWORDS = frozenset(ENGLISH_STOP_WORDS)


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldPair:
    """One labelled copy relation: ``copy`` was made from ``original`` as ``kind``."""

    original: str
    copy: str
    kind: str  # verbatim | edited | excerpt | spun | natural
    directed: bool  # False for natural (in-the-wild) pairs, whose order is unknown
    chain: bool = False  # the copy is a copy of a copy; ``original`` is its nearest source


@dataclass
class Corpus:
    """The documents, their labels, and what the scorer needs to classify mistakes."""

    documents: list[RawDocument]
    gold: list[GoldPair]
    partial: set[frozenset[str]]  # articles sharing text outside a copy relation: not scored either way
    event: dict[str, str] = field(default_factory=dict)  # id -> ECB+ event of the real article it comes from
    topic: dict[str, str] = field(default_factory=dict)  # id -> ECB+ topic (two look-alike events)
    story: dict[str, tuple[str, ...]] = field(default_factory=dict)  # id -> story paragraphs, to check cleaning
    boilerplate: dict[str, tuple[str, ...]] = field(default_factory=dict)  # id -> added boilerplate lines
    background: int = 0  # number of background articles (scale mode)


@dataclass(frozen=True, slots=True)
class Source:
    """A real article, detokenised and cut into paragraphs of sentences."""

    key: str  # "ecb+:<doc_id>" or "aeb:<id>"
    title: str
    paragraphs: tuple[tuple[str, ...], ...]
    topic: str | None
    event: str | None
    published: date | None
    english: bool = True  # the spinner only knows English; some extraction-benchmark pages are not

    @property
    def sentences(self) -> list[str]:
        """All sentences in order, paragraphs flattened."""
        return [sentence for paragraph in self.paragraphs for sentence in paragraph]


@dataclass
class Body:
    """Sentences in order, each marked when it starts a paragraph: edits keep the layout valid."""

    sentences: list[str]
    starts: list[bool]

    @classmethod
    def of(cls, paragraphs: Iterable[Iterable[str]]) -> Body:
        """A body from paragraphs of sentences."""
        sentences: list[str] = []
        starts: list[bool] = []
        for paragraph in paragraphs:
            for index, sentence in enumerate(paragraph):
                sentences.append(sentence)
                starts.append(index == 0)
        return cls(sentences, starts)

    def copy(self) -> Body:
        """An independent copy to edit."""
        return Body(list(self.sentences), list(self.starts))

    def delete(self, index: int) -> None:
        """Drop one sentence; a paragraph losing its first sentence starts at the next one."""
        if self.starts[index] and index + 1 < len(self.starts):
            self.starts[index + 1] = True
        del self.sentences[index], self.starts[index]

    def paragraphs(self) -> list[list[str]]:
        """The sentences grouped back into paragraphs."""
        result: list[list[str]] = []
        for sentence, start in zip(self.sentences, self.starts, strict=True):
            if start or not result:
                result.append([])
            result[-1].append(sentence)
        return result


@dataclass(eq=False)  # compared and hashed by identity: entries key the id map
class _Entry:
    """An article being built: its body, metadata and where it comes from."""

    body: Body
    title: str
    outlet: str
    published: date | None
    root: Source
    parent: _Entry | None = None
    kind: str | None = None
    chain: bool = False
    force_boilerplate: bool = False
    also_read: bool = False
    donor: Source | None = None  # the article an edited copy borrowed sentences from
    children: int = 0


# --- reading and detokenising the real articles ----------------------------------------------

_ATTACH_LEFT = frozenset({",", ".", ";", ":", "!", "?", "%", ")", "]", "}", "...", "'s", "'S", "n't"})
_ATTACH_RIGHT = frozenset({"(", "[", "{", "$", "#", "£", "€"})
_OPEN_QUOTES = frozenset({"``", "“", "‘"})
_CLOSE_QUOTES = frozenset({"''", "”"})
_CLITIC = re.compile(r" ([’']) ?(s|t|re|m|ve|ll|d)\b")  # "Sudan ’ s" -> "Sudan’s"
_PTB_CLITIC = re.compile(r" (n't|'m|'re|'ve|'ll|'d)\b")  # "did n't" -> "didn't"
_DIGIT_COLON = re.compile(r"(\d) : (\d)")  # "9 : 29" -> "9:29"
_SPEECH_VERBS = frozenset({"said", "says", "told", "added", "asked", "wrote", "explained", "followed", "according"})
_DIGIT_GROUP = re.compile(r"(\d) , (\d{3})\b")  # "1 , 199" -> "1,199"


def _join_compounds(tokens: list[str], compounds: frozenset[str]) -> list[str]:
    """Re-join hyphenated words the ECB+ tokeniser split ("T - Mobile"), leaving real dashes.

    A join is made when the result (or the start of a longer one) is a hyphenated token found
    whole elsewhere in the real articles, or when either side holds a digit ("15-year-old",
    "20-13"); an ECB+ dash between words is otherwise indistinguishable from a compound.
    """
    result: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token == "-" and result and index + 1 < len(tokens):
            left, right = result[-1], tokens[index + 1]
            joined = f"{left}-{right}"
            numeric = any(c.isdigit() for c in left + right)
            if left[-1:].isalnum() and right[:1].isalnum() and (numeric or joined.lower() in compounds):
                result[-1] = joined
                index += 2
                continue
        result.append(token)
        index += 1
    return result


def detokenize(line: str, compounds: frozenset[str]) -> str:
    """ECB+'s space-separated tokens back to running text.

    Punctuation attaches to the word before, brackets and currency signs to the word after;
    ``"`` alternates between opening and closing within the line while ``''`` and curly
    closing quotes always close (ECB+ mixes the PTB and plain conventions). A line holding the
    end of a quote opened on an earlier line starts "closed", so a ``"`` after punctuation and
    before a verb of saying (', " said Sara') is taken as closing too.
    """
    line = _DIGIT_COLON.sub(r"\1:\2", _PTB_CLITIC.sub(r"\1", _CLITIC.sub(r"\1\2", line)))
    line = _DIGIT_GROUP.sub(r"\1,\2", line)
    tokens = _join_compounds(line.split(), compounds)
    pieces: list[str] = []
    space = False  # whether the next token is preceded by a space
    quote_open = False
    for index, token in enumerate(tokens):
        if token == '"' or token in _OPEN_QUOTES or token in _CLOSE_QUOTES:
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            ends_quote = bool(pieces) and pieces[-1][-1:] in ",.?!" and following in _SPEECH_VERBS
            closing = token in _CLOSE_QUOTES or (token == '"' and (quote_open or ends_quote))
            mark = '"' if token in ('"', "``", "''") else token
            if closing:
                pieces.append(mark)
                space = True
            else:
                pieces.append((" " if space else "") + mark)
                space = False
            quote_open = not closing
        elif token in _ATTACH_LEFT or (token == "'" and pieces and pieces[-1].endswith("s")):
            pieces.append(token)
            space = True
        else:
            pieces.append((" " if space else "") + token)
            space = token not in _ATTACH_RIGHT
            quote_open ^= token.count('"') % 2 == 1  # a quote glued to a word ('"Zurana') opens or closes
    return "".join(pieces).strip()


_DATELINE_NOISE = re.compile(
    r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?"
    r"|\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b"
    r"|\b(?:am|pm|a\.m|p\.m|est|edt|et|gmt|bst|pst|pdt|cst|cdt|utc|ist|posted|updated|published|last|on|at)\b"
    r"|\d+(?:st|nd|rd|th)?|[^\w\s]"
)


def _is_dateline(line: str) -> bool:
    """A short line made of a date and time only ("SATURDAY, SEPTEMBER 14, 2013, 9:29 PM")."""
    return len(line) < 80 and bool(re.search(r"\d", line)) and len(_DATELINE_NOISE.sub(" ", line).split()) <= 1


def collapse_doubled(line: str) -> str:
    """Half of ECB+'s lines hold their sentence twice ("A . A ."); keep one."""
    half = len(line) // 2
    first, second = line[:half].strip(), line[half:].strip()
    return first if first and first == second else line


def headline_from(sentence: str, max_words: int = 12) -> str:
    """A headline-like cut of a lead sentence: at most ``max_words`` words, ending at a comma
    when the clause before it is long enough ("COLUMBIA, S.C. (AP) -" is no headline)."""
    words = sentence.rstrip(".!?\"'”").split()[:max_words]
    cut = next((index + 1 for index, word in enumerate(words) if index >= 5 and word.endswith(",")), len(words))
    words = words[:cut]
    words[-1] = words[-1].rstrip(",")
    while len(words) > 3 and words[-1].lower() in STOPWORDS:
        words.pop()
    return " ".join(words)


def _group_paragraphs(sentences: list[str], rng: random.Random) -> tuple[tuple[str, ...], ...]:
    """ECB+ has no paragraphs; news paragraphs hold one to three sentences."""
    paragraphs: list[tuple[str, ...]] = []
    index = 0
    while index < len(sentences):
        size = rng.randint(1, 3)
        paragraphs.append(tuple(sentences[index : index + size]))
        index += size
    return tuple(paragraphs)


def load_sources(rng: random.Random) -> list[Source]:
    """The real articles, detokenised, with titles, paragraphs, topics, events and dates."""
    ecb = [json.loads(line) for line in ECBPLUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    truth = json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))
    # Hyphenated words written whole anywhere in the real text tell compounds from dashes.
    compounds: set[str] = set()
    for text in [doc["text"] for doc in ecb] + [item["articleBody"] for item in truth.values()]:
        for token in re.findall(r"\w+(?:-\w+)+", text):
            parts = token.lower().split("-")
            compounds.update("-".join(parts[: end + 1]) for end in range(1, len(parts)))
    frozen = frozenset(compounds)

    event_dates: dict[str, date] = {}
    sources: list[Source] = []
    for doc in ecb:
        lines = [collapse_doubled(line.strip()) for line in doc["text"].split("\n") if line.strip()]
        title = None
        if lines and lines[0].startswith("http"):  # ECB+ "plus" documents: URL, headline, dateline
            lines = lines[1:]
            head = [line for line in lines[:3] if not _is_dateline(line)]
            if head and len(head[0].split()) <= 25:
                lines.remove(head[0])
                title = detokenize(head[0], frozen)
        lines = [line for index, line in enumerate(lines) if index >= 4 or not _is_dateline(line)]
        for index in range(len(lines) - 2, -1, -1):  # ECB+ splits some sentences at semicolons
            if lines[index].endswith(";"):
                lines[index : index + 2] = [f"{lines[index]} {lines[index + 1]}"]
        sentences = [sentence for sentence in (detokenize(line, frozen) for line in lines) if sentence]
        headline_like = len(sentences) > 1 and len(sentences[0].split()) <= 12
        if title is None and headline_like and not sentences[0].endswith((".", "!", "?", '"')):
            title = sentences.pop(0)  # an ECB document opening on a headline line
        if not sentences:
            continue
        title = title or headline_from(sentences[0])
        base = event_dates.setdefault(doc["cluster"], date(2008, 1, 1) + timedelta(days=rng.randrange(6 * 365)))
        sources.append(
            Source(
                key=f"ecb+:{doc['doc_id']}",
                title=title,
                paragraphs=_group_paragraphs(sentences, rng),
                topic=doc["topic"],
                event=doc["cluster"],
                published=base + timedelta(days=rng.randint(0, 3)),
            )
        )
    for key, item in sorted(truth.items()):
        paragraphs = []
        for block in re.split(r"\n+", item["articleBody"]):
            # \w: drop pieces without a letter or digit (zero-width spaces, "___" rules)
            sentences = [piece.strip() for piece in sentencex.segment("en", block) if re.search(r"\w", piece)]
            if sentences:
                paragraphs.append(tuple(sentences))
        if not paragraphs:
            continue
        found = re.search(r"/(20\d\d)/(\d\d)/(\d\d)/", item["url"])
        published = (
            date(int(found[1]), int(found[2]), int(found[3]))
            if found
            else date(2019, 10, 1) + timedelta(days=rng.randrange(90))
        )
        sources.append(
            Source(
                key=f"aeb:{key[:12]}",
                title=headline_from(paragraphs[0][0]),
                paragraphs=tuple(paragraphs),
                topic=None,
                event=None,
                published=published,
                english=py3langid.classify(item["articleBody"][:2000])[0] == "en",
            )
        )
    return [source if rng.random() >= UNDATED_SOURCE_SHARE else replace(source, published=None) for source in sources]


def shingles(text: str, size: int = 5) -> set[str]:
    """Lower-cased word ``size``-grams: the unit of text overlap throughout the benchmark."""
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def in_the_wild_reuse(sources: list[Source]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Pairs of real articles that already share text: (natural copies, partial reuse), by key."""
    sets = {source.key: shingles(" ".join(source.sentences)) for source in sources}
    holders: dict[str, list[str]] = defaultdict(list)
    for key, values in sets.items():
        for shingle in values:
            holders[shingle].append(key)
    shared: Counter[tuple[str, str]] = Counter()
    for keys in holders.values():
        if len(keys) > 1:
            shared.update(combinations(sorted(keys), 2))
    natural, partial = [], []
    for (first, second), count in sorted(shared.items()):
        containment = count / min(len(sets[first]), len(sets[second]))
        if containment >= NATURAL_MIN_CONTAINMENT:
            natural.append((first, second))
        elif containment >= PARTIAL_MIN_CONTAINMENT or count >= PARTIAL_MIN_SHARED:
            partial.append((first, second))
    return natural, partial


# --- WordNet (Debian's wordnet-base files, read directly) ------------------------------------

_UPOS = {"NOUN": "n", "VERB": "v", "ADJ": "a", "ADV": "r"}
_BASE_TAG = {"n": "NN", "v": "VB", "a": "JJ", "r": "RB"}
_POS_UPOS = {pos: upos for upos, pos in _UPOS.items()}
_POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
_SS_TYPES = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our"})
_VERB_CUES = frozenset({"to", "will", "would", "can", "could", "should", "may", "might", "must", "not"})


class WordNet:
    """First senses and their lemmas, from the WordNet 3.0 database files (wndb(5WN)).

    Read directly rather than through nltk: nltk's ``WordNetCorpusReader`` needs a ``lexnames``
    file that no Debian WordNet package ships, and only the index, data and sense-count files
    are needed here. A synset's line sits at its byte offset in ``data.<pos>``.
    """

    def __init__(self, folder: Path = WORDNET_DIR) -> None:
        if not (folder / "index.noun").exists():
            raise SystemExit(f"WordNet not found in {folder}: apt-get install wordnet-base")
        self.first_offset: dict[str, dict[str, int]] = {}
        self.data: dict[str, bytes] = {}
        for pos, name in _POS_FILES.items():
            firsts: dict[str, int] = {}
            for line in (folder / f"index.{name}").read_text(encoding="utf-8").splitlines():
                if line.startswith("  "):  # licence header
                    continue
                parts = line.split()
                pointers = int(parts[3])
                firsts[parts[0]] = int(parts[4 + pointers + 2])  # offsets follow, most frequent sense first
            self.first_offset[pos] = firsts
            self.data[pos] = (folder / f"data.{name}").read_bytes()
        # Tagged-corpus frequency of each lemma's first sense per part of speech (cntlist.rev:
        # "lemma%ss_type:... sense_number tag_count").
        self.first_sense_count: dict[tuple[str, str], int] = {}
        for line in (folder / "cntlist.rev").read_text(encoding="utf-8").splitlines():
            key, number, count = line.split()
            if number == "1":
                lemma, rest = key.split("%", 1)
                self.first_sense_count[(lemma, _SS_TYPES[rest[0]])] = int(count)

    def first_synset(self, lemma: str, pos: str) -> list[str]:
        """The lemmas of ``lemma``'s most frequent sense as ``pos``, spaces for underscores."""
        offset = self.first_offset[pos].get(lemma)
        if offset is None:
            return []
        data = self.data[pos]
        fields = data[offset : data.index(b"\n", offset)].decode("utf-8").split()
        count = int(fields[3], 16)
        return [re.sub(r"\(.*\)$", "", word).replace("_", " ") for word in fields[4 : 4 + 2 * count : 2]]

    def likeliest_pos(self, lemma: str, candidates: list[str]) -> str:
        """Of the parts of speech ``lemma`` has, the one whose first sense is most frequent."""
        return max(candidates, key=lambda pos: self.first_sense_count.get((lemma, pos), 0))


class Spinner:
    """An article spinner and a round-trip-translation noise model, applied sentence by sentence.

    1. Reordering (each matching sentence with ``SPIN_REORDER_RATE``): "Y, X said." ->
       "According to X, Y."; "Y, said X." -> "Y, X said."; "X said (that) Y." -> "Y, X said.";
       "When A, B." -> "B when A." (also After, While, Although, Because, If, Since, ...).
    2. Synonyms: each lower-case content word (not a stop word, three letters or more;
       sentence-initial capitals allowed) that WordNet has a synonym for is replaced with
       ``SPIN_SYNONYM_RATE`` by a lemma of its first sense, re-inflected by lemminflect
       ("offered" -> "proposed"). The part of speech is the word's only one in WordNet, or
       the only one left by a context cue (after a determiner: not a verb; after "to" or a
       modal: a verb); otherwise the one whose first sense is most frequent in WordNet's
       tagged corpus, which may be wrong for the context, as spinners' choices are.
    3. Round-trip noise, a *model* of machine-translation artefacts, not real MT:
       contractions expanded ("didn't" -> "did not"), each mid-sentence "the"/"a"/"an" dropped
       with ``RTT_DETERMINER_DROP``, each common preposition swapped for a near one
       ("in" -> "at") with ``RTT_PREPOSITION_SWAP``.
    """

    _PREPOSITIONS = {
        "in": ("at", "on"), "on": ("in", "at"), "at": ("in", "on"), "for": ("to",), "to": ("for", "towards"),
        "with": ("by",), "from": ("of",), "about": ("on", "over"), "of": ("from",),
    }  # fmt: skip
    _CONTRACTIONS = (
        (re.compile(r"\b([Ww])on[’']t\b"), r"\1ill not"),
        (re.compile(r"\b([Cc])an[’']t\b"), r"\1annot"),
        (re.compile(r"n[’']t\b"), " not"),
        (re.compile(r"\b([Ii]t|[Hh]e|[Ss]he|[Tt]hat|[Tt]here|[Ww]hat|[Ww]ho)[’']s\b"), r"\1 is"),
        (re.compile(r"[’']re\b"), " are"),
        (re.compile(r"[’']ve\b"), " have"),
        (re.compile(r"[’']ll\b"), " will"),
        (re.compile(r"\bI[’']m\b"), "I am"),
        (re.compile(r"\b(I|you|he|she|we|they)[’']d\b"), r"\1 would"),
    )
    _SAID_AFTER = re.compile(r'^(?P<y>[^"“”]+), (?P<x>[^,"“”]{2,60}) said\.$')
    _SAID_BEFORE_NAME = re.compile(r"^(?P<y>.+[,\"”]) said (?P<x>[^,\"“”]{2,60})\.$")
    _SAID_FIRST = re.compile(r'^(?P<x>[A-Z][^,"“”]{1,50}?) said(?: that)? (?P<y>[^"“”]+)\.$')
    _SUBORDINATE = re.compile(
        r"^(?P<sub>When|After|While|Although|Because|If|Since|Before|Though|Once|Until) (?P<a>[^,]+), (?P<b>[^,]+)\.$"
    )

    def __init__(self, wordnet: WordNet) -> None:
        self.wordnet = wordnet

    def synonym(self, word: str, previous: str, rng: random.Random) -> str | None:
        """A re-inflected first-sense synonym of ``word`` (None when there is none)."""
        lower = word.lower()
        options: dict[str, str] = {}  # WordNet pos -> lemma
        for upos, lemmas in lemminflect.getAllLemmas(lower).items():
            pos = _UPOS.get(upos)
            if pos and lemmas[0] in self.wordnet.first_offset[pos]:
                options[pos] = lemmas[0]
        if not options:
            options = {pos: lower for pos in _POS_FILES if lower in self.wordnet.first_offset[pos]}
        if previous in _DETERMINERS:
            options = {pos: lemma for pos, lemma in options.items() if pos != "v"} or options
        elif previous in _VERB_CUES and "v" in options:
            options = {"v": options["v"]}
        if not options:
            return None
        pos = next(iter(options)) if len(options) == 1 else self.wordnet.likeliest_pos(lower, list(options))
        lemma = options[pos]
        candidates = [
            name for name in self.wordnet.first_synset(lemma, pos) if name.islower() and name not in (lemma, lower)
        ]
        if not candidates:
            return None
        choice = rng.choice(candidates)
        tag = _BASE_TAG[pos] if lower == lemma else None
        if tag is None:
            forms = lemminflect.getAllInflections(lemma, _POS_UPOS[pos])
            tag = next((found for found, values in forms.items() if lower in values), None)
        if tag is None:
            return None
        if tag != _BASE_TAG[pos]:
            # Multi-word lemmas are kept to base forms: their head word is not reliably found
            # ("base of operations" -> "base of operationses").
            inflected = lemminflect.getInflection(choice, tag) if " " not in choice else ()
            if not inflected:
                return None
            choice = inflected[0]
        return choice[0].upper() + choice[1:] if word[0].isupper() else choice

    def substitute(self, sentence: str, rate: float, rng: random.Random, headline: bool = False) -> str:
        """Replace each eligible content word that has a synonym with probability ``rate``.

        Capitalised words are names and kept, except at the start of the sentence or, in a
        ``headline`` (Title Case), anywhere.
        """
        pieces = re.split(r"([A-Za-z]+)", sentence)
        previous = ""
        for index in range(1, len(pieces), 2):
            word = pieces[index]
            eligible = (
                len(word) >= 3
                and word.lower() not in STOPWORDS
                and (word.islower() or ((index == 1 or headline) and word[1:].islower()))
                and pieces[index - 1][-1:] not in ("'", "’", "-")  # not a clitic or compound part
            )
            replacement = self.synonym(word, previous, rng) if eligible else None
            if replacement and rng.random() < rate:
                pieces[index] = replacement
            previous = word.lower()
        return "".join(pieces)

    def reorder(self, sentence: str, rng: random.Random) -> str:
        """Attribution and clause-order changes (step 1)."""
        if rng.random() >= SPIN_REORDER_RATE:
            return sentence
        if found := self._SUBORDINATE.match(sentence):
            return f"{_upper_first(found['b'])} {found['sub'].lower()} {_lower_first(found['a'])}."
        if found := self._SAID_BEFORE_NAME.match(sentence):
            return f"{found['y']} {found['x']} said."
        if found := self._SAID_AFTER.match(sentence):
            return f"According to {found['x']}, {_lower_first(found['y'])}."
        if found := self._SAID_FIRST.match(sentence):
            return f"{_upper_first(found['y'])}, {_lower_first(found['x'])} said."
        return sentence

    def round_trip_noise(self, sentence: str, rng: random.Random) -> str:
        """Step 3: contractions, dropped determiners, swapped prepositions."""
        for pattern, replacement in self._CONTRACTIONS:
            sentence = pattern.sub(replacement, sentence)
        sentence = re.sub(
            r"(?<=\w )(?:the|a|an) (?=\w)",
            lambda m: "" if rng.random() < RTT_DETERMINER_DROP else m[0],
            sentence,
        )
        return re.sub(
            r"(?<= )(?:in|on|at|for|to|with|from|about|of)(?= )",
            lambda m: rng.choice(self._PREPOSITIONS[m[0]]) if rng.random() < RTT_PREPOSITION_SWAP else m[0],
            sentence,
        )

    def spin(self, sentence: str, rng: random.Random) -> str:
        """Steps 1-3 on one sentence."""
        return self.round_trip_noise(self.substitute(self.reorder(sentence, rng), SPIN_SYNONYM_RATE, rng), rng)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """Lower-case a leading stop word ("The police" -> "the police"), never a name."""
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first.lower() in STOPWORDS and first != "I" else text


# --- derivatives -------------------------------------------------------------------------------

_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def edit_words(sentence: str, rng: random.Random) -> str:
    """An editor's rewrites: numbers reformatted, "said" -> "told reporters"."""

    def maybe(replacement: Callable[[re.Match[str]], str]) -> Callable[[re.Match[str]], str]:
        return lambda m: replacement(m) if rng.random() < EDIT_WORD_CHANGE_RATE else m[0]

    rules: list[tuple[str, Callable[[re.Match[str]], str]]] = [
        # One pass both ways, so that a number spelled out is not turned back into digits.
        (
            r"(?<![\d.,$])\b([2-9])\b(?![.,:]\d|%)|\b(two|three|four|five|six|seven|eight|nine)\b",
            lambda m: _NUMBER_WORDS[int(m[1])] if m[1] else str(_NUMBER_WORDS.index(m[2])),
        ),
        (r"\b(\d{1,3}),(\d{3})\b(?!,\d)", lambda m: m[1] + m[2]),
        (r"(\d) ?(?:percent|per cent)\b", lambda m: m[1] + "%"),
        (r"\$(\d+(?:\.\d+)?) (million|billion)\b", lambda m: f"${m[1]}{'m' if m[2] == 'million' else 'bn'}"),
        (r"\bsaid(?=[.,;]| that\b| on\b| in a\b)", lambda m: "told reporters"),
    ]
    for pattern, replacement in rules:
        sentence = re.sub(pattern, maybe(replacement), sentence)
    return sentence


def make_verbatim(body: Body, rng: random.Random) -> Body:
    """The same sentences; sometimes paragraphs merged or the quote style switched."""
    result = body.copy()
    if rng.random() < 0.3:
        for index in range(1, len(result.starts)):
            if result.starts[index] and rng.random() < 0.3:
                result.starts[index] = False
    if rng.random() < 0.5:
        result.sentences = [_switch_quotes(sentence) for sentence in result.sentences]
    return result


def _switch_quotes(text: str) -> str:
    """Straight quotes to curly ones, or curly ones to straight (a CMS's "smart quotes")."""
    if any(mark in text for mark in "“”‘’"):
        return text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))
    text = re.sub(r'(^|[\s(\[])"', r"\1“", text)
    return text.replace('"', "”").replace("'", "’")


def make_edited(body: Body, donor: list[str], rng: random.Random) -> Body:
    """Sentences dropped, reordered, inserted from a same-topic article, words rewritten."""
    result = body.copy()
    drops = round(len(result.sentences) * rng.uniform(*EDIT_DROP_SHARE))
    for index in sorted(rng.sample(range(1, len(result.sentences)), min(drops, len(result.sentences) - 2)))[::-1]:
        result.delete(index)
    paragraph_starts = [index for index, start in enumerate(result.starts) if start and index > 0]
    if rng.random() < 0.5 or len(paragraph_starts) < 2:
        for _ in range(rng.randint(1, 2)):
            index = rng.randrange(1, len(result.sentences) - 1) if len(result.sentences) > 2 else 0
            pair = result.sentences[index : index + 2]
            result.sentences[index : index + 2] = pair[::-1]
    else:  # move one paragraph (not the lead) elsewhere after the lead
        paragraphs = result.paragraphs()
        moved = paragraphs.pop(rng.randrange(1, len(paragraphs)))
        paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), moved)
        result = Body.of(paragraphs)
    for sentence in rng.sample(donor, min(len(donor), rng.randint(*EDIT_INSERTED_SENTENCES))):
        index = rng.randint(1, len(result.sentences))
        result.sentences.insert(index, sentence)
        result.starts.insert(index, rng.random() < 0.5)
    result.sentences = [edit_words(sentence, rng) for sentence in result.sentences]
    return result


def make_excerpt(body: Body, intro: str | None, rng: random.Random) -> Body:
    """A contiguous block of 25-50 % of the sentences, the lead or from the middle."""
    total = len(body.sentences)
    size = max(2, round(total * rng.uniform(*EXCERPT_SHARE)))
    start = 0 if rng.random() < 0.5 else rng.randint(1, total - size)
    result = Body(body.sentences[start : start + size], body.starts[start : start + size])
    result.starts[0] = True
    if intro:
        result.sentences.insert(0, intro)
        result.starts.insert(0, True)
    return result


def make_spun(body: Body, spinner: Spinner, rng: random.Random) -> Body:
    """Every sentence through the spinner; the paragraph layout is kept."""
    return Body([spinner.spin(sentence, rng) for sentence in body.sentences], list(body.starts))


def new_headline(entry: _Entry, spinner: Spinner, rng: random.Random) -> str:
    """An edited copy's headline: a prefix, a cut of its own lead, or a spun version."""
    choice = rng.randrange(3)
    if choice == 0:
        return rng.choice(HEADLINE_PREFIXES) + entry.title
    if choice == 1 and (cut := headline_from(entry.body.sentences[0])) != entry.title:
        return cut
    spun = spinner.substitute(entry.title, 0.6, rng, headline=True)
    return spun if spun != entry.title else rng.choice(HEADLINE_PREFIXES) + entry.title


# --- pages -------------------------------------------------------------------------------------


def render(entry: _Entry, related: str, rng: random.Random) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The page text: story paragraphs within the outlet's boilerplate; also both parts apart."""
    story = [" ".join(paragraph) for paragraph in entry.body.paragraphs()]
    if entry.kind == "verbatim" and rng.random() < 0.3:
        story = [paragraph.replace(". ", ".  ") for paragraph in story]  # double spaces after periods
    forced = entry.force_boilerplate
    blocks: list[list[str]] = [[paragraph] for paragraph in story]
    added: list[str] = []

    def insert(position: int, lines: list[str]) -> None:
        blocks.insert(min(position, len(blocks)), lines)
        added.extend(lines)

    if forced or rng.random() < 0.4:
        # Within the story only when it is long: storytrace's caption rule takes a short story
        # paragraph right above a caption for part of it, which is a cleaning matter, not copying.
        position = rng.randint(1, 2) if len(story) >= 3 else 0
        insert(position, [rng.choice(CAPTIONS), f"Photo: {rng.choice(AGENCIES)}"])
    if forced or entry.also_read or rng.random() < 0.4:
        insert(rng.randint(2, 4), [f"Also Read: {related}"])
    if forced or rng.random() < 0.5:
        insert(0, [rng.choice(SHARE_LINES)])
    if forced or rng.random() < 0.6:
        year = entry.published.year if entry.published else 2019
        insert(len(blocks), [f"© {year} {entry.outlet}. All rights reserved."])
    if rng.random() < 0.3:
        insert(len(blocks), rng.sample(SHARE_LINES, 2))
    return "\n\n".join("\n".join(block) for block in blocks), tuple(story), tuple(added)


# --- assembly ----------------------------------------------------------------------------------


def _copy_date(parent: date | None, rng: random.Random) -> date | None:
    """Later (70 %), the same day (15 %) or undated (15 %); undated when the source is."""
    draw = rng.random()
    if parent is None or draw < UNDATED_COPY_SHARE:
        return None
    if draw < UNDATED_COPY_SHARE + SAME_DATE_SHARE:
        return parent
    return parent + timedelta(days=rng.randint(*COPY_DELAY_DAYS))


def _other_outlet(avoid: set[str], rng: random.Random) -> str:
    return rng.choice([outlet for outlet in OUTLETS if outlet not in avoid])


def _donors(sources: list[Source], families: dict[str, int]) -> dict[str, list[Source]]:
    """Articles whose sentences an edited copy may borrow: same ECB+ topic (another family),
    or for extraction-benchmark articles, which have no topic, the nearest by TF-IDF cosine."""
    by_topic: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        if source.topic:
            by_topic[source.topic].append(source)
    donors = {
        source.key: [other for other in by_topic[source.topic] if families[other.key] != families[source.key]]
        for source in sources
        if source.topic
    }
    untopical = [source for source in sources if not source.topic]
    if len(untopical) > 1:
        matrix = TfidfVectorizer(stop_words="english").fit_transform([" ".join(s.sentences) for s in untopical])
        similarity = (matrix @ matrix.T).toarray()
        for row, source in enumerate(untopical):
            similarity[row, row] = -1
            donors[source.key] = [untopical[int(similarity[row].argmax())]]
    return donors


def components(ids: Sequence[str], pairs: Iterable[tuple[str, str]]) -> np.ndarray:
    """Connected-component label of every id, pairs as edges (singletons are their own component)."""
    index = {item: position for position, item in enumerate(ids)}
    edges = [(index[first], index[second]) for first, second in pairs]
    rows, cols = zip(*edges, strict=True) if edges else ((), ())
    graph = coo_matrix((np.ones(len(edges)), (rows, cols)), shape=(len(ids), len(ids)))
    return connected_components(graph, directed=False)[1]


def build_corpus(seed: int = 1, derivatives: int = 2000, limit: int | None = None) -> Corpus:
    """The labelled corpus: every real article (or ``limit`` of them) plus ``derivatives`` copies."""
    rng = random.Random(seed)
    sources = load_sources(rng)
    if limit is not None and limit < len(sources):
        derivatives = round(derivatives * limit / len(sources))
        sources = rng.sample(sources, limit)
    natural, partial = in_the_wild_reuse(sources)
    keys = [source.key for source in sources]
    donors = _donors(sources, dict(zip(keys, components(keys, natural).tolist(), strict=True)))
    spinner = Spinner(WordNet())

    entries = [
        _Entry(Body.of(source.paragraphs), source.title, rng.choice(OUTLETS), source.published, source)
        for source in sources
    ]
    by_key = {entry.root.key: entry for entry in entries}
    chains = round(derivatives * CHAIN_SHARE)
    per_kind = (derivatives - chains) // len(KINDS)
    made: dict[str, list[_Entry]] = defaultdict(list)
    for kind in KINDS:
        eligible = [
            entry
            for entry in entries
            if len(entry.body.sentences) >= MIN_SENTENCES[kind] and (entry.root.english or kind != "spun")
        ]
        for _ in range(per_kind):
            parent = rng.choice([entry for entry in eligible if entry.children < MAX_DERIVATIVES_PER_SOURCE])
            made[kind].append(_derive(parent, kind, donors, spinner, rng))
    for index in range(chains):
        kind, parents = ("verbatim", made["edited"]) if index % 2 == 0 else ("excerpt", made["verbatim"])
        eligible = [entry for entry in parents if len(entry.body.sentences) >= MIN_SENTENCES[kind]]
        made["chain"].append(_derive(rng.choice(eligible), kind, donors, spinner, rng, chain=True))
    everything = entries + [entry for group in made.values() for entry in group]

    rng.shuffle(everything)
    ids = {entry: f"art-{index:05d}" for index, entry in enumerate(everything)}
    titles = [entry.title for entry in everything]
    corpus = Corpus(documents=[], gold=[], partial=set())
    for entry in everything:
        article_id = ids[entry]
        related = rng.choice(titles)
        while related == entry.title:
            related = rng.choice(titles)
        text, story, added = render(entry, related, rng)
        corpus.documents.append(
            RawDocument(
                source=f"copy-corpus:{article_id}",
                text=text,
                id=article_id,
                title=entry.title,
                published=entry.published.isoformat() if entry.published else None,
                outlet=entry.outlet,
            )
        )
        corpus.story[article_id] = story
        corpus.boilerplate[article_id] = added
        if entry.root.event:
            corpus.event[article_id] = entry.root.event
            corpus.topic[article_id] = entry.root.topic or ""
        if entry.parent is not None and entry.kind is not None:
            corpus.gold.append(GoldPair(ids[entry.parent], article_id, entry.kind, True, entry.chain))
        if entry.donor is not None:  # the sentences an edited copy borrowed are partial reuse
            corpus.partial.add(frozenset((ids[by_key[entry.donor.key]], article_id)))
    for first, second in natural:
        corpus.gold.append(GoldPair(ids[by_key[first]], ids[by_key[second]], "natural", False))
    corpus.partial.update(frozenset((ids[by_key[first]], ids[by_key[second]])) for first, second in partial)
    return corpus


def _derive(
    parent: _Entry,
    kind: str,
    donors: dict[str, list[Source]],
    spinner: Spinner,
    rng: random.Random,
    chain: bool = False,
) -> _Entry:
    """One derivative of ``parent`` of the given kind, with its own outlet and date."""
    parent.children += 1
    outlet = _other_outlet({parent.outlet}, rng)
    entry = _Entry(
        body=parent.body,
        title=parent.title,
        outlet=outlet,
        published=_copy_date(parent.published, rng),
        root=parent.root,
        parent=parent,
        kind=kind,
        chain=chain,
    )
    if kind == "verbatim":
        entry.body = make_verbatim(parent.body, rng)
        entry.force_boilerplate = True
    elif kind == "edited":
        pool = donors.get(parent.root.key, [])
        entry.donor = rng.choice(pool) if pool else None
        entry.body = make_edited(parent.body, entry.donor.sentences if entry.donor else [], rng)
        entry.title = new_headline(entry, spinner, rng)
    elif kind == "excerpt":
        intro = rng.choice(EXCERPT_INTROS).format(outlet=parent.outlet) if rng.random() < EXCERPT_INTRO_RATE else None
        entry.body = make_excerpt(parent.body, intro, rng)
        if rng.random() < 0.4:
            entry.title = headline_from(entry.body.sentences[1 if intro else 0])
    else:
        entry.body = make_spun(parent.body, spinner, rng)
        entry.title = spinner.substitute(parent.title, SPIN_SYNONYM_RATE, rng, headline=True)
        entry.also_read = True
    return entry


# --- scale mode --------------------------------------------------------------------------------


class Background:
    """Unrelated filler articles: real sentence structure, resampled content words.

    Function words are the corpus' ``BACKGROUND_FUNCTION_WORDS`` most frequent words (a
    data-driven closed class; scikit-learn's stop list holds content words such as "third" or
    "fire", which would leave long shared runs). Every other word or number is replaced with
    ``BACKGROUND_REPLACE_SHARE`` by a token drawn from the corpus' unigram distribution. An
    article still sharing ``PARTIAL_MIN_CONTAINMENT`` of its 5-grams with its template (a short
    one whose few content words mostly survived) is drawn again: it would be an unlabelled copy.
    """

    def __init__(self, sources: list[Source], rng: random.Random) -> None:
        self.rng = rng
        english = [source for source in sources if source.english]  # other scripts would be kept whole
        split = [[re.split(r"([A-Za-z]+|\d+)", " ".join(p)) for p in source.paragraphs] for source in english]
        counts = Counter(pieces[i].lower() for source in split for pieces in source for i in range(1, len(pieces), 2))
        function_words = {word for word, _ in counts.most_common(BACKGROUND_FUNCTION_WORDS)}
        # Each source as alternating non-word / word pieces, the positions of its content words,
        # and its 5-grams.
        self.templates = [
            (
                pieces_list,
                [
                    [i for i in range(1, len(pieces), 2) if pieces[i].lower() not in function_words]
                    for pieces in pieces_list
                ],
                shingles(" ".join(source.sentences)),
            )
            for pieces_list, source in zip(split, english, strict=True)
        ]
        self.vocabulary = [word for word in counts if word not in function_words]
        self.cumulative = list(accumulate(counts[word] for word in self.vocabulary))

    def article(self) -> list[str]:
        """One background article's paragraphs."""
        rng = self.rng
        total = self.cumulative[-1]
        while True:
            paragraphs, slots, template = rng.choice(self.templates)
            result = []
            for pieces, content in zip(paragraphs, slots, strict=True):
                pieces = list(pieces)
                for index in content:
                    if rng.random() < BACKGROUND_REPLACE_SHARE:
                        word = self.vocabulary[bisect(self.cumulative, rng.random() * total)]
                        pieces[index] = word.capitalize() if pieces[index][0].isupper() else word
                result.append("".join(pieces))
            made = shingles(" ".join(result))
            if len(made & template) < PARTIAL_MIN_CONTAINMENT * max(1, min(len(made), len(template))):
                return result


def build_scale_corpus(size: int, seed: int = 1, derivatives: int = 2000) -> Corpus:
    """The labelled corpus embedded among background articles, ``size`` articles in all."""
    corpus = build_corpus(seed, derivatives)
    rng = random.Random(seed + 1)
    background = Background(load_sources(random.Random(seed)), rng)
    start = date(2008, 1, 1)
    for index in range(max(0, size - len(corpus.documents))):
        paragraphs = background.article()
        article_id = f"bg-{index:07d}"
        published = start + timedelta(days=rng.randrange(12 * 365))
        outlet = rng.choice(OUTLETS)
        lines = [rng.choice(SHARE_LINES), *paragraphs, f"© {published.year} {outlet}. All rights reserved."]
        corpus.documents.append(
            RawDocument(
                source=f"copy-corpus:{article_id}",
                text="\n\n".join(lines),
                id=article_id,
                title=headline_from(paragraphs[0]),
                published=published.isoformat() if rng.random() >= UNDATED_SOURCE_SHARE else None,
                outlet=outlet,
            )
        )
        corpus.background += 1
    rng.shuffle(corpus.documents)
    return corpus


# --- command line ------------------------------------------------------------------------------


def shared_shingle_share(texts: list[str]) -> float:
    """Share of distinct word 5-grams that occur in more than one of ``texts``."""
    seen: Counter[str] = Counter()
    for text in texts:
        seen.update(shingles(text))
    return sum(1 for count in seen.values() if count > 1) / max(1, len(seen))


def write_corpus(corpus: Corpus, folder: Path) -> None:
    """``documents.jsonl`` (storytrace's JSONL input) and ``gold.json`` (pairs and partial reuse)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "documents.jsonl").open("w", encoding="utf-8") as out:
        for doc in corpus.documents:
            record = {"id": doc.id, "title": doc.title, "published": doc.published, "outlet": doc.outlet}
            out.write(json.dumps({**record, "text": doc.text}, ensure_ascii=False) + "\n")
    labels = {
        "pairs": [asdict(pair) for pair in corpus.gold],
        "partial": sorted(sorted(pair) for pair in corpus.partial),
        "event": corpus.event,
        "topic": corpus.topic,
    }
    (folder / "gold.json").write_text(json.dumps(labels, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Build the corpus, print its make-up, and write it out with ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--derivatives", type=int, default=2000)
    parser.add_argument("--limit", type=int, help="use only this many real articles (derivatives scale down)")
    parser.add_argument("--scale", type=int, help="build this many articles with background filler")
    parser.add_argument("--out", type=Path, help="write documents.jsonl and gold.json here")
    args = parser.parse_args(argv)
    if args.scale:
        corpus = build_scale_corpus(args.scale, args.seed, args.derivatives)
    else:
        corpus = build_corpus(args.seed, args.derivatives, args.limit)
    kinds = Counter(pair.kind + (" (copy of a copy)" if pair.chain else "") for pair in corpus.gold)
    print(f"{len(corpus.documents)} articles, {corpus.background} of them background")
    for kind, count in sorted(kinds.items()):
        print(f"  {kind:28} {count:5} pairs")
    print(f"  {'partial reuse (not scored)':28} {len(corpus.partial):5} pairs")
    if args.scale:
        rng = random.Random(args.seed)
        copies = {pair.copy for pair in corpus.gold if pair.directed}
        real = [
            doc.text or "" for doc in corpus.documents if doc.id and doc.id.startswith("art-") and doc.id not in copies
        ]
        filler = [doc.text or "" for doc in corpus.documents if doc.id and doc.id.startswith("bg-")]
        sample = min(len(real), len(filler), 1000)
        print(
            f"distinct word 5-grams found in more than one article, {sample} random articles each: "
            f"background {shared_shingle_share(rng.sample(filler, sample)):.4f}, "
            f"real articles {shared_shingle_share(rng.sample(real, sample)):.4f}"
        )
    if args.out:
        write_corpus(corpus, args.out)
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
