"""Frozen records shared by every pipeline stage.

Data flows one way: readers yield :class:`RawDocument`, cleaning turns each into an
:class:`Article`, and the report gathers articles with the results of later stages.
Every span is a pair of character offsets into the article's cleaned ``text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

Span = tuple[int, int]


class Removal(StrEnum):
    """Why a line was taken out of an article's text (see docs/architecture.md, "How a line is judged")."""

    TITLE = "title"  # the headline, kept as ``Article.title`` instead of in the body
    SHARE_WIDGET = "share-widget"  # share / embed / copy-link buttons
    RELATED_LINKS = "related-links"  # "Also Read", "You might also like" and their headlines
    COMMENT_FORM = "comment-form"  # "Leave a Reply", comment counters and notices
    CAPTION = "caption"  # photo and video captions
    CREDIT = "credit"  # photo credits, copyright lines, wire credits
    NAVIGATION = "navigation"  # menus, breadcrumbs, previous/next links, download buttons
    DATELINE = "dateline"  # "Published …", "Updated …", site date headers
    BYLINE = "byline"  # "By … with AFP" and bare source labels
    SITE_NOTICE = "site-notice"  # subscription, cookie, translation and newsletter notices
    REPEATED_IN_OUTLET = "repeated-in-outlet"  # a line recurring across one outlet's articles
    LOW_CONTENT = "low-content"  # short, stop-word-poor lines outside the story body


class ProblemKind(StrEnum):
    """How an input failed; ``WARNING`` inputs were still stored."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """An input (file, line or record) that could not be read fully, and why."""

    source: str
    reason: str
    kind: ProblemKind = ProblemKind.ERROR


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One article as a reader found it, before extraction and cleaning.

    Exactly one of ``text`` and ``html`` is set. Metadata fields hold what the input stated;
    ``None`` means the input did not say.
    """

    source: str
    text: str | None = None
    html: str | None = None
    id: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    language: str | None = None
    author: str | None = None
    summary_only: bool = False
    fetched: str | None = None  # when a crawler fetched it (WARC-Date): a fallback publication date


@dataclass(frozen=True, slots=True)
class RemovedLine:
    """A line cleaning took out of an article, kept so that nothing is lost silently."""

    text: str
    reason: Removal


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article: its main text, metadata and sentence spans."""

    id: str
    source: str
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None  # ISO 8601 date or date-time
    language: str | None = None  # ISO 639-1
    author: str | None = None
    summary_only: bool = False
    sentences: tuple[Span, ...] = ()
    removed: tuple[RemovedLine, ...] = ()
    # Where ``published`` came from: stated | metadata | page | url | text | fetched | none;
    # ``None`` when unknown (an article stored before dating recorded it, or built directly).
    date_source: str | None = None

    def to_record(self) -> dict[str, Any]:
        """JSON-ready fields, shared by the report and the store's rows."""
        return {
            "id": self.id,
            "source": self.source,
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "published": self.published,
            "date_source": self.date_source,
            "language": self.language,
            "author": self.author,
            "summary_only": self.summary_only,
            "text": self.text,
            "sentences": [list(span) for span in self.sentences],
            "removed": [{"text": line.text, "reason": line.reason.value} for line in self.removed],
        }


@dataclass(frozen=True, slots=True)
class Passage:
    """Aligned spans of an original and its copy."""

    original: Span
    copy: Span
    similarity: float


@dataclass(frozen=True, slots=True)
class Copy:
    """One article derived from another, with the evidence."""

    original: str
    copy: str
    kind: str  # verbatim | edited | spun | translated | excerpt
    score: float  # share of the copy taken from the original, times the passages' mean similarity
    passages: tuple[Passage, ...] = ()
    direction: str = ""  # the evidence that decided which is the original (see provenance.direction)

    def to_record(self) -> dict[str, Any]:
        """JSON-ready fields, shared by the report and the store's rows."""
        return {
            "original": self.original,
            "copy": self.copy,
            "kind": self.kind,
            "score": self.score,
            "direction": self.direction,
            "passages": [
                {"original": list(p.original), "copy": list(p.copy), "similarity": p.similarity} for p in self.passages
            ],
        }


@dataclass(frozen=True, slots=True)
class Story:
    """Articles reporting one real-world event (filled by the stories stage)."""

    id: str
    title: str | None
    articles: tuple[str, ...]
    originals: tuple[str, ...] = ()
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True, slots=True)
class Storyline:
    """Stories that continue one another."""

    id: str
    title: str | None
    stories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Quote:
    """A statement an article attributes to a speaker: quoted words or reported speech.

    ``span`` covers the quoted words (inside the quotation marks) or the reported clause;
    ``speaker`` is the resolved full name (``None`` when the source is unnamed) and
    ``speaker_span`` the mention that named or referred to it ("he", "the Russian leader").
    """

    article: str
    span: Span
    text: str
    kind: str  # direct | reported
    speaker: str | None = None
    speaker_span: Span | None = None
    cue: str | None = None  # the reporting verb's lemma ("say", "according to")


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """One statement as several articles quoted it: the same words, a part, a paraphrase or a translation."""

    speaker: str | None
    text: str  # the fullest wording from an independent article
    quotes: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class Fact:
    """A checkable detail one article states: a number with what it counts, a date, a place, a name.

    ``about`` says what the value describes ("lives claimed by conflict", "place of talks") and is the
    key facts are compared on; ``value`` is the normalized value ("13000", "2021-12-23", "Geneva").
    """

    article: str
    span: Span
    kind: str  # number | date | place | person | organization
    about: str
    value: str
    text: str  # the words as written ("more than 13,000 lives")


@dataclass(frozen=True, slots=True)
class FactComparison:
    """What the articles of a story state about one thing, and whether they disagree."""

    about: str
    kind: str
    values: tuple[tuple[str, tuple[Fact, ...]], ...]  # (value, the facts stating it), most supported first
    disagreement: bool


@dataclass(frozen=True, slots=True)
class Coverage:
    """What one article adds (content no other independent article carries) and omits (what most carry)."""

    article: str
    adds: tuple[Span, ...]  # its sentences no other independent article carries
    omits: tuple[tuple[str, Span], ...]  # (article, span) of a representative sentence it lacks
    added: tuple[str, ...] = ()  # the texts of ``adds``
    omitted: tuple[str, ...] = ()  # the texts of ``omits``


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """One sentence of a story summary and every article that carries its content."""

    text: str
    article: str
    span: Span
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """A dated event of a story, with the articles that report it."""

    date: str  # ISO date, or YYYY-MM / YYYY when only that is known
    text: str
    article: str
    span: Span
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoryComparison:
    """How a story's articles compare: quotes, facts, coverage, summary and timeline."""

    story: str
    quotes: tuple[QuoteGroup, ...] = ()
    facts: tuple[FactComparison, ...] = ()
    coverage: tuple[Coverage, ...] = ()
    summary: tuple[SummarySentence, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    unsupported: tuple[str, ...] = ()  # article ids whose language has no NLP pipeline installed


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What happened to one cleaned article at the store: new, updated, unchanged, a duplicate of
    one already stored (or given earlier in the batch), or rejected by the database."""

    article_id: str
    status: str  # "new" | "updated" | "unchanged" | "duplicate" | "rejected" (the database refused it)
    duplicate_of: str | None = None
    source: str = ""  # the input it came from
    reason: str | None = None  # why a rejected article was refused


@dataclass(frozen=True, slots=True)
class StepStatistics:
    """What one step of a run did: how many items, in how many processes at most, in how many seconds.

    Seconds are the time the run waited for the step's results (its own work when it ran in one
    process); a step that ran several times (once per story) is summed.
    """

    name: str
    items: int
    processes: int
    seconds: float

    def to_record(self) -> dict[str, Any]:
        """JSON-ready fields, as in the report's ``steps``."""
        return {"name": self.name, "items": self.items, "processes": self.processes, "seconds": self.seconds}


@dataclass(frozen=True)
class Report:
    """Everything one analysis produced; ``storytrace.report.to_dict`` gives the JSON contract."""

    articles: tuple[Article, ...] = ()
    copies: tuple[Copy, ...] = ()
    stories: tuple[Story, ...] = ()
    storylines: tuple[Storyline, ...] = ()
    problems: tuple[Problem, ...] = ()
    duplicates: dict[str, str] = field(default_factory=dict)  # input id -> id it duplicates
    stored: dict[str, int] = field(default_factory=dict)  # new / updated / unchanged / duplicate counts
    # Where the articles went in the stories: counts of similar / copy / new (opened a story) /
    # known / duplicate, and "merged" for stories merged on the way.
    grouped: dict[str, int] = field(default_factory=dict)
    comparisons: tuple[StoryComparison, ...] = ()  # filled when the analysis compares coverage
    # What the store did with each article read (its source, id and status), in input order.
    results: tuple[IngestResult, ...] = ()
    steps: tuple[StepStatistics, ...] = ()  # what each step ran: items, processes, seconds

    @property
    def partial(self) -> bool:
        """True when some input could not be ingested."""
        return any(problem.kind is ProblemKind.ERROR for problem in self.problems)


@dataclass(frozen=True, slots=True)
class FamilyMember:
    """One article of a copy family, with where it came from.

    ``sources`` are its nearest sources, best first, as (source id, kind of copy): one for most
    copies, several for an article stitched from several texts, none for the original.
    ``undecided`` are the articles it shares a copy relation with whose direction is undecided,
    as (other id, kind): either may be the other's source. ``depth`` counts copy steps from the
    family's original (or from the nearest candidate root when the original is undecided).
    """

    id: str
    depth: int
    sources: tuple[tuple[str, str], ...] = ()
    undecided: tuple[tuple[str, str], ...] = ()

    def to_record(self) -> dict[str, Any]:
        """JSON-ready fields, as in the report's ``copy_families``."""
        return {
            "id": self.id,
            "depth": self.depth,
            "sources": [{"id": source, "kind": kind} for source, kind in self.sources],
            "undecided": [{"id": other, "kind": kind} for other, kind in self.undecided],
        }


@dataclass(frozen=True, slots=True)
class CopyFamily:
    """The articles derived from one source text: a connected component of the copy relations.

    ``original`` is the one article nothing in the family was copied into, or ``None`` when
    that is undecided (several such articles, a relation of undecided direction at the top, or
    a cycle); ``candidates`` then lists the members that may be the original (the original
    alone when it is known). ``members`` run from the original outward (by depth, then id);
    ``id`` is ``cf-`` + a hash of the sorted member ids, so the same articles give the same id.
    """

    id: str
    original: str | None
    candidates: tuple[str, ...]
    members: tuple[FamilyMember, ...]

    @property
    def decided(self) -> bool:
        """True when the family has a single original."""
        return self.original is not None

    def to_record(self) -> dict[str, Any]:
        """JSON-ready fields, as in the report's ``copy_families``."""
        return {
            "id": self.id,
            "original": self.original,
            "candidates": list(self.candidates),
            "members": [member.to_record() for member in self.members],
        }
