"""The one settings object: every threshold storytrace uses, with its default and its reason."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from storytrace.errors import ConfigError

# Settings with these name endings are shares, similarities or cosines: numbers in [0, 1].
_UNIT_INTERVAL_SUFFIXES = ("_share", "_coverage", "_similarity", "_cosine", "_threshold", "_weight", "_gap")


@dataclass(frozen=True, slots=True)
class Settings:
    """Documented defaults; pass ``Settings(name=value)`` to change one.

    Values are validated on construction so that a typo fails at once with a helpful message.
    """

    # --- input limits -------------------------------------------------------------------
    # One news article is rarely over 100 kB of text; 10 MB leaves room for heavy HTML pages
    # while refusing a log file or a dump mistaken for an article.
    max_article_bytes: int = 10_000_000
    # Larger JSONL/WARC/feed files are streamed record by record, so only records are limited.
    max_record_bytes: int = 10_000_000
    # Share of control characters above which a file is treated as binary, not text.
    binary_control_share: float = 0.05
    # A JSONL article record is flat (a few strings); JSON nested deeper than this is refused
    # before parsing, so a hostile line cannot exhaust the parser's recursion.
    max_json_depth: int = 64
    # The store's id and outlet columns are 512 characters wide (PostgreSQL refuses longer
    # values and loses the batch): a longer id is refused, a longer outlet cut.
    max_id_chars: int = 512
    max_outlet_chars: int = 512
    # Headlines and bylines are under 300 characters; a longer title or author (or a stated
    # date) is a paragraph or a dump misread as metadata: cut (a date: dropped) at this length.
    max_metadata_chars: int = 1_000
    # URLs are unique-indexed, and PostgreSQL's index entries hold at most about 2,700 bytes;
    # browsers stop at about 2,000 characters. A longer URL is dropped (not stated).
    max_url_bytes: int = 2_000
    # Below this many bytes, encoding detection "explains" random bytes (1 in 3 random 8-byte
    # strings decode as some code page): a shorter file that is not UTF-8 is refused.
    guessed_encoding_min_bytes: int = 32
    # News prose has at least 85 % of its non-space characters in words (the rest digits and
    # punctuation); random bytes decoded as a code page, tables and encoded blobs fall below
    # this share, so a plain-text file under it is refused as not language.
    text_min_word_share: float = 0.6
    # No real news sentence is this long (sentence encoders truncate at a few hundred tokens):
    # a longer "sentence" (a page without sentence ends) is split at spaces, so every later
    # stage (embeddings, alignment, parsing) works on bounded pieces.
    max_sentence_chars: int = 1_500
    # Extracting and cleaning one document normally takes milliseconds; a pathological page
    # (lxml/trafilatura on hostile markup) is stopped after this many seconds and reported
    # (0: no limit; enforced on the main thread only, with a timer signal).
    clean_timeout_s: float = 60.0

    # --- paragraph scoring (jusText defaults, Pomikálek 2011, scaled to lines) ------------
    # A line is "good" story text when it has at least this many characters...
    good_min_chars: int = 70
    # ...and at least this share of stop words (jusText's stopwords_high = 0.32; news lines
    # with many names score lower, so a little under it).
    good_min_stopword_share: float = 0.28
    # A caption sits right before a credit line; look back this many lines for it.
    caption_lookback_lines: int = 2
    # A caption is a short descriptive block, not a paragraph of the story.
    caption_max_chars: int = 300
    # A heading-like line (title, related headline) has at most this many words...
    heading_max_words: int = 30
    # ...and a headline at least this many (shorter heading lines are section labels).
    title_min_words: int = 3
    # Before the first and after the last good line, a fragment this small without sentence
    # punctuation (a lone source label, a menu word) is low-content. Characters count too,
    # since a line of Chinese or Japanese is one "word".
    edge_fragment_max_words: int = 3
    edge_fragment_max_chars: int = 30
    # "Home LATEST NEWS Some headline" before "Some headline": a line that ends with the next
    # line and adds at most this many words before it is a breadcrumb trail.
    breadcrumb_max_prefix_words: int = 6

    # --- corpus-level boilerplate (CCNet, Wenzek et al. 2020; trafilatura's dedup cache) ---
    # A line recurring in at least this many articles of one outlet...
    outlet_repeat_min_articles: int = 4
    # ...and in at least this share of that outlet's articles is the outlet's boilerplate.
    outlet_repeat_min_share: float = 0.25
    # Longer lines are story text even when repeated (wire background paragraphs recur).
    outlet_repeat_max_chars: int = 200

    # --- metadata ------------------------------------------------------------------------
    # Language identification reads this many characters of the longest lines (the body);
    # langid.py's accuracy is near-flat beyond a few hundred characters (Lui & Baldwin 2012
    # report >0.98 on news-length text) while its cost grows linearly with the sample.
    language_sample_chars: int = 400
    # Below this many characters the language is left unknown rather than guessed.
    language_min_chars: int = 20

    # --- dating ----------------------------------------------------------------------------
    # A month-only stamp ("date 2023-03") or a URL's /2023/03/ bounds the text dates that may
    # date the page to that month, or this many days before it (a page stamped early in a month
    # reports the end of the one before).
    dating_bound_slack_days: int = 7
    # With the day a page was fetched, a text date dates it when at most this many days before
    # (a crawl reaches news pages within days; an older date in the text is background).
    dating_text_max_days: int = 31
    # No page is dated after the day it was fetched, but for this many days of time-zone slack.
    dating_future_slack_days: int = 1
    # A "today" word ("oggi", "heute") or a "file photo" beside a date counts within this many
    # characters of it.
    dating_cue_chars: int = 24
    # Stamps inside kept lines and agency datelines ("BOSTON, June 22 (Reuters) -") are looked
    # for in the first this many kept paragraphs (captions and a standfirst may come first).
    dating_head_paragraphs: int = 4

    # --- copy candidates (never all pairs) -----------------------------------------------
    # Document MinHash over word 5-gram shingles (Broder 1997; 5-grams as in NEWS-COPY's
    # MinHash baseline, Silcock et al. 2022). A low LSH threshold (0.3, where near-duplicate
    # filters use 0.5-0.8) is affordable because alignment confirms every candidate.
    copy_shingle_words: int = 5
    copy_minhash_permutations: int = 64
    copy_lsh_threshold: float = 0.3
    # Sentence MinHash LSH over content words, for sentences of at least this many content
    # words: b bands of r rows collide with probability 1 - (1 - J^r)^b, 0.82 at Jaccard 0.5
    # (a third of the words swapped for synonyms) and 0.015 at 0.05 (unrelated sentences).
    copy_sentence_min_words: int = 4
    copy_sketch_bands: int = 6
    copy_sketch_rows: int = 2
    # Words in more than this share of the batch's articles (and in at least this many) are left
    # out of the sentence sketches: as a sentence's minimum hash a common word makes unrelated
    # sentences collide (at 20,000 articles, millions of chance pairs without this cut).
    copy_sketch_common_share: float = 0.01
    copy_sketch_common_min_articles: int = 50
    # A key held by more articles than this is a stock phrase, not evidence of copying
    # (the same cap idea as a document-frequency cut-off); its bucket is ignored.
    copy_bucket_max_articles: int = 50
    # Articles sharing at least this many colliding sentences, and this share of the shorter
    # article's sentences, become a candidate pair (an article shorter than that needs all).
    # A copy has half its text from the source (copy_min_coverage); a quarter leaves room for
    # sentences a spinner rewrote too much to collide, and drops reports sharing a quote or two
    # (on the copies benchmark: 19,637 instead of 33,911 pairs, no copy lost).
    copy_candidate_min_sentences: int = 2
    copy_candidate_min_sentence_share: float = 0.25
    # Each article keeps only its strongest candidates (by estimated similarity): enough to find
    # its source among syndicated copies, while templated pages cannot make the work quadratic.
    copy_candidate_max_per_article: int = 20
    # Cross-language candidates (only with an embedder): each article's nearest articles in
    # other languages by mean sentence embedding, when the cosine reaches the embedder's
    # match_cosine (each model has its own scale; docs/embedders.md).
    copy_candidate_neighbours: int = 5
    # ...where an article's vector is the mean of its first sentences (the lead says what it reports).
    copy_embedding_lead_sentences: int = 5

    # --- passage alignment ----------------------------------------------------------------
    # Sentence similarity = weighted mean of word-level (order-aware Indel/LCS) and
    # character-level (rapidfuzz ratio) similarity of casefolded word sequences. On the seeds,
    # unrelated same-story sentences peak at 0.35 (word) / 0.55 (char); spun sentences 0.75+.
    align_word_weight: float = 0.6
    # Two sentences align when their similarity reaches this (unrelated pairs stay below 0.45
    # on the seeds and on the copies benchmark's same-topic negatives).
    align_min_similarity: float = 0.5
    # (Two translated sentences align when their cosine reaches the embedder's match_cosine.)
    # Outside the monotone chain, a pair this similar still aligns: a moved paragraph.
    align_moved_min_similarity: float = 0.8
    # A sentence whose best 1-1 similarity is this far under the floor may still align inside a
    # 2-1 merge (half of a joined sentence scores about two thirds of the whole on word LCS), so
    # merges are scored when such sentences could still make copy_min_coverage.
    align_merge_slack: float = 0.15
    # A chain rarely uses a cell that is not among the best few of its row or its column; keeping
    # only those bounds the chain's input to O(n + m) cells even when an article repeats one
    # sentence many times (templated pages), where every cell would otherwise be positive.
    align_best_per_line: int = 3

    # --- copy kinds (docs/copies.md) ------------------------------------------------------
    # A copy has at least this share of its unquoted text aligned to the source: shared
    # quotations alone never make a copy.
    copy_min_coverage: float = 0.5
    # ...and at least this many aligned sentences (all of them when it has fewer)...
    copy_min_aligned_sentences: int = 2
    # ...at a mean similarity of at least this, unless many sentences align (below). On the
    # copies benchmark true copies of every kind average >= 0.71 (spun) and real wire copies
    # >= 0.75, while texts written on one template with other content words (its 100,000-
    # article background) reach 0.50-0.65 over one to four sentences.
    copy_min_similarity: float = 0.65
    # With this many sentences aligned in both articles, chance cannot explain the alignment and
    # the sentence floor (align_min_similarity) is enough: a heavily spun copy keeps every
    # sentence in place while half its words change.
    copy_strong_alignment_sentences: int = 6
    # An aligned sentence at or above this similarity is copied as is; below, it was rewritten.
    copy_identical_similarity: float = 0.95
    # Verbatim: both texts almost wholly aligned and almost every sentence unchanged.
    verbatim_min_coverage: float = 0.9
    verbatim_min_identical_share: float = 0.95
    # Excerpt: the copy covers less than this share of its source.
    excerpt_max_source_coverage: float = 0.6
    # Spun: at least this share of the aligned text was rewritten (synonyms, machine translation).
    spun_min_rewritten_share: float = 0.5

    # ...or it shares a passage: real pages are cut at a few thousand characters and copies add
    # their own lede, so two excerpts of one wire story may each cover under half the other while
    # sharing whole sentences. Unquoted aligned sentences count as copied text when their lexical
    # similarity reaches copy_passage_similarity, or (with an embedder) their cosine reaches the
    # embedder's passage cosines (docs/copies.md). A run of at least copy_passage_min_sentences
    # adjacent such sentences with copy_passage_min_chars characters, or one copied sentence of
    # copy_passage_lone_chars, is a copy. On pages-dev the agency background sentence one outlet
    # reuses across events is 90 characters; labelled copies share 97-1,500.
    copy_passage_similarity: float = 0.8
    copy_passage_min_sentences: int = 2
    copy_passage_min_chars: int = 100
    copy_passage_lone_chars: int = 150
    # A candidate pair admitted on one such long sentence needs it to collide in this many sentence
    # sketch bands (of copy_sketch_bands): a copied sentence (content-word Jaccard about 0.7 or
    # more) collides in two or more of six with probability 0.88 or more, a chance collision
    # rarely; on benchmarks/copies.py's 20,000-article corpus 206,627 of 217,570 long collisions
    # were in one band only, and 135 of those were copied.
    copy_passage_lone_min_bands: int = 2
    # A passage shared by two texts dated more than this many days apart is background an agency
    # reuses for later events (pages-dev's cross-event pairs: the 2013 resignation's wording in
    # the 2022 obituary), not a copy; whole copies (the coverage rule) are copies at any distance.
    copy_passage_max_days: int = 3
    # A block with a sentence at least this much inside quotation marks (on either side: one
    # outlet may quote what another prints plainly) is a shared quotation, never a copied passage.
    copy_quoted_block_share: float = 0.5

    # A copy aligned with several sources keeps only its best one (a copy of a copy points to its
    # nearest source), unless another covers at least this share of new text (stitched copies).
    copy_other_source_min_share: float = 0.5

    # --- direction --------------------------------------------------------------------------
    # Without differing dates, the fuller text is the original when the coverage of the two
    # sides differs by at least this much (an excerpt or a trimmed copy is contained in it).
    # On the copies benchmark's undated pairs 0.05 decides 58 of 86 edited copies right,
    # 0.15 only 18 of 33 (the rest fell through to weaker evidence).
    direction_min_coverage_gap: float = 0.05
    # Otherwise the side whose rewritten words recur in other articles of the batch is the
    # original when its echoes reach ratio x the other's + minimum (on the seeds: 14 vs 7; on
    # the copies benchmark's undated spun pairs 1.2 / 2 decide 110 of 130, 87 % right).
    direction_echo_ratio: float = 1.2
    direction_min_echoes: int = 2
    # Across languages, the shorter of two mutually aligned texts is the source when the longer
    # is at least this much longer (translations expand: MEANTIME's Spanish, Italian and Dutch
    # run longer than their English sources); closer lengths, as of two cut pages, decide nothing.
    direction_translation_min_expansion: float = 0.05
    # An agency dateline ("LONDON (AP) —") credits the text's source; scraped pages put captions
    # and widget lines before the lede, so it is looked for in this many first sentences.
    direction_dateline_sentences: int = 6

    # --- stories (docs/stories.md) -------------------------------------------------------
    # An article is represented by its heaviest TF-IDF lemmas and names (unit length): the
    # tail of a long article adds cost, not evidence of which event it reports.
    story_vector_terms: int = 100
    story_vector_names: int = 50
    # A story's centroid keeps its heaviest entries only, so a big story stays cheap to compare.
    story_centroid_terms: int = 400
    # Candidate stories share one of the article's heaviest terms or names...
    story_query_terms: int = 10
    # ...held by at most this many stories (more: a stock word, not evidence)...
    story_posting_max: int = 1000
    # ...and the most-sharing of them are scored in full (on ECB+ 20 and 50 give the same stories).
    story_candidates: int = 20
    # A story keeps at most this many keys (the heaviest in its sums), about ten articles' worth:
    # a story of hundreds of articles would otherwise hold thousands.
    story_max_keys: int = 200
    # Document frequencies start from a background of this many general-language documents
    # of this many words (term odds from wordfreq), so a stream's first articles are weighted
    # like later ones (on ECB+, streamed without dates, BCubed F1 0.864 -> 0.873 before the
    # switch to average linkage; both cross-validation folds prefer 10,000 to 1,000).
    story_prior_documents: int = 10_000
    story_prior_document_words: int = 300
    # Similarity = (1 - w) x mean cosine of lemmas + w x mean cosine of names, numbers and
    # dates to the story's members. Names tell look-alike events apart better than words: on
    # ECB+, same-topic pairs of one event vs of its look-alike, ROC AUC 0.90 (names) vs 0.89
    # (lemmas), 0.92 mixed at 0.5-0.6; the cross-validation folds chose 0.5 and 0.6.
    story_names_weight: float = 0.6
    # An article joins its most similar story at or above this similarity, else opens a story.
    # 2-fold cross-validation over ECB+ topic halves chose 0.24 and 0.26 (docs/benchmark-stories.md);
    # 0.25 lies between, and keeps the seeds' two events apart (0.45 vs 0.40 for the undated 000).
    story_join_similarity: float = 0.25
    # Two stories an article shows to be this similar are one event: they are merged (both
    # cross-validation folds chose 0.3 over 0.25 and 0.4).
    story_merge_similarity: float = 0.3
    # Across languages, a lead-embedding cosine of this much counts as story_join_similarity for
    # each pair of members in two languages (same-language pairs count their words only).
    # Measured with USE (the default embedder) on the example corpus: a German report of the same
    # event 0.50-0.60 to the English ones, other events 0.12-0.29. Other embedders have other
    # scales (docs/embedders.md): set it for them.
    story_lead_cosine: float = 0.5
    # Events are bounded in time: similarity is kept whole for this many days between an
    # article and a story's date range (the day of the event and the next day's papers), then
    # decays by e every story_time_decay_days: reports 3 days out need 1.5x the similarity, a
    # week out 3.3x, so the same people's next briefing or summit a few days later is another
    # story (Miranda et al. 2018 and Event Registry bound stories in time the same way; ECB+
    # has no dates, so these are a judgement, not tuned: docs/stories.md).
    story_time_grace_days: int = 1
    story_time_decay_days: int = 5
    # Storylines: stories whose members are at least this similar (undecayed: a storyline spans
    # weeks), whose names overlap by this cosine, and which lie within this many days of each
    # other continue one another (the seeds' 14 and 23 December stories: 0.38, 8 days apart; on
    # ECB+ 0.1-0.2 give 69-71 storylines, 3 of them holding two topics).
    storyline_similarity: float = 0.2
    storyline_names_cosine: float = 0.3
    storyline_window_days: int = 30
    # Grouping in parallel (stories/blocks.py): 0 groups a batch article by article in one index,
    # the same stories as `add` gives. N > 0 groups the dated articles in blocks of N days, each
    # block in a worker (on Spark, a task), then joins the blocks' stories in time order; for
    # corpora whose grouping one process cannot do in time (docs/stories.md measures the
    # difference). A week is as long as the time decay lets one event's reports run.
    story_block_days: int = 0

    # --- add (one article at a time) --------------------------------------------------------
    # `storytrace add` looks for a new article's copies among at most this many stored articles
    # of its most similar stories (most similar story first, latest arrivals first): a copy shares
    # most of its source's text, so the source's story is among its nearest. 0: no copy check.
    # Each costs about 1 ms (sentence sketches and shingles of the pair), within add's 20 ms.
    add_copy_candidates: int = 8
    # `storytrace compare` (and the web side by side) judges a pair with this many other
    # stored articles of their stories as context: their shared words are the echoes that tell
    # an original from a spun copy, as in a batch.
    pair_context_articles: int = 50

    # --- quotes (docs/compare.md) ------------------------------------------------------------
    # A quoted stretch shorter than this is a term or a scare quote ("positive", "deep state"), not a
    # statement; the annotation guideline (docs/quote-annotation.md) draws the same line.
    quote_min_words: int = 3
    # Quotes and facts are read from at most this many characters of an article: spaCy's parser
    # needs about 1 GB of memory per 100,000 characters (its documentation), and news articles
    # are 2,000-30,000 characters.
    compare_max_chars: int = 100_000
    # A reporting verb's clause mostly inside a direct quote is that quote's frame, not reported speech.
    reported_direct_overlap_share: float = 0.5
    # Two quotes of one speaker are the same statement when this share of the shorter one's content
    # words (lemmas) is in the longer one: partial quotes, light rewording and spun synonyms stay
    # above it (the seeds' spun copy keeps 0.8), different statements on one topic stay below.
    quote_alignment_share: float = 0.6
    # ...or, across languages, when their sentence vectors are this close (the embedder's own
    # translation threshold, measured on Tatoeba, is used when it is stricter: 0.6 for USE).
    # The seeds' Putin quote and its French version are 0.71 apart with USE.
    quote_alignment_cosine: float = 0.6
    # Quotes with fewer content words than this are aligned only when identical.
    quote_alignment_min_words: int = 3
    # A verbless quoted stretch this short after a naming verb is a term ("feather duvet lung"),
    # not a statement.
    quote_term_max_words: int = 4
    # Surnames this close (Jaro-Winkler) are one name spelled or transliterated another way:
    # "Putin" / "Poutine" 0.91, "Zelensky" / "Zelenskyy" 0.98. Different people with look-alike
    # surnames ("Johnson" / "Johnston", 0.97) are told apart by their first names' initials.
    speaker_surname_similarity: float = 0.85
    # Text with one sentence a line (wire copy, ECB+) runs a quote over lines without marks: it
    # goes on for at most this many lines, to the first with an odd number of marks.
    quote_continued_lines: int = 8

    # --- facts -------------------------------------------------------------------------------
    # Numbers about the same thing agree within this relative gap (rounding: "about 100,000" and
    # "100,000"); 13,000 and 14,000 lives, 7% apart, disagree.
    fact_number_gap: float = 0.02

    # --- coverage, summary, timeline ---------------------------------------------------------------
    # Two sentences of different articles carry the same content when the cosine of their content-word
    # (lemma) sets reaches this; 0.5 keeps a spun sentence with its source (seeds: 0.55-0.8) and parts
    # apart that share only a name and a verb.
    sentence_match_cosine: float = 0.5
    # Across languages, with an embedder: this cosine or the embedder's own translation threshold.
    sentence_translation_cosine: float = 0.6
    # A sentence needs this many content words to count as content (shorter ones are datelines,
    # captions and transitions).
    sentence_min_content_words: int = 4
    # An article omits content when at least this share of the story's other independent outlets carry it.
    coverage_omission_share: float = 0.5
    # The summary's length in sentences (the limit) and how alike two picked sentences may be.
    summary_max_sentences: int = 7
    summary_redundancy_cosine: float = 0.4
    # The timeline lists at most this many events.
    timeline_max_events: int = 20

    # --- store ---------------------------------------------------------------------------
    # Articles written per transaction: a killed run loses at most one batch, never half an article.
    store_batch_size: int = 200
    # Articles a batch adds to the story index between two writes of the index's state. Each write
    # rewrites the document frequency of every term those articles changed, so common terms are
    # written once per write: at every 200 articles these writes took 33 of 170 s of grouping
    # 40,000 generated articles (profiled). A killed run redoes at most this many articles' grouping.
    story_save_articles: int = 2000
    # How long a run waits for another run writing to the same database (an analyze or add, a web
    # upload) before giving up: writers take turns, since the story index is one sequence. An hour
    # covers an analyze of tens of thousands of articles; waiters say whom they wait for.
    writer_wait_seconds: float = 3600.0

    # --- web app -------------------------------------------------------------------------
    # A page whose view is not built yet (a story's first comparison parses its articles) is
    # waited for this long in the request; after that the page says it is being built and
    # reloads itself, while a worker thread finishes it. Cached views answer in milliseconds.
    web_build_wait_seconds: float = 2.0
    # An upload larger than this many bytes is refused (413): a few thousand news articles.
    web_upload_max_bytes: int = 20_000_000

    @classmethod
    def from_file(cls, path: str | Path) -> Settings:
        """The defaults with the values a TOML file sets (``storytrace --config FILE``).

        Keys are setting names, at the top level or inside tables that group them as the user
        likes (``[copies]``, ``[stories]``): a table's name is not part of the key. An unknown
        name, a name set twice, or a value of the wrong type is an error that names the file.
        """
        import tomllib  # here, not at the top: ``import storytrace`` stays light (the CLI's start)

        location = Path(path)
        try:
            document = tomllib.loads(location.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{location}: no such settings file") from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"{location}: not a readable TOML settings file ({error})") from None
        values: dict[str, Any] = {}
        for key, value in _flattened(document, location):
            if key in values:
                raise ConfigError(f"{location}: setting {key} is set twice")
            values[key] = value
        return cls.with_values(values, str(location))

    @classmethod
    def with_values(cls, values: dict[str, Any], origin: str = "settings") -> Settings:
        """The defaults with ``values`` (setting name -> value), names and types checked."""
        known = {item.name: item for item in fields(cls)}
        for key, value in values.items():
            if key not in known:
                import difflib  # only for the error message

                close = difflib.get_close_matches(key, known, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                raise ConfigError(f"{origin}: unknown setting {key}{hint}")
            if known[key].type == "int" and (isinstance(value, bool) or not isinstance(value, int)):
                raise ConfigError(f"{origin}: setting {key} must be a whole number, got {value!r}")
        converted: dict[str, Any] = {
            key: float(value) if known[key].type == "float" and isinstance(value, int) and not isinstance(value, bool)
            else value
            for key, value in values.items()
        }  # fmt: skip
        try:
            return cls(**converted)
        except ConfigError as error:
            raise ConfigError(f"{origin}: {error}") from None

    def to_toml(self) -> str:
        """Every setting and its value as TOML, loadable with :meth:`from_file`."""
        return "".join(f"{item.name} = {getattr(self, item.name)!r}\n" for item in fields(self))

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"setting {item.name} must be a number, got {value!r}")
            if value < 0:
                raise ConfigError(f"setting {item.name} must not be negative, got {value!r}")
            if item.name.endswith(_UNIT_INTERVAL_SUFFIXES) and value > 1:
                raise ConfigError(f"setting {item.name} is a share between 0 and 1, got {value!r}")
        for name in ("store_batch_size", "story_save_articles", "copy_shingle_words", "copy_minhash_permutations",
                     "copy_sketch_bands", "copy_sketch_rows", "copy_passage_lone_min_bands", "align_best_per_line",
                     "copy_candidate_max_per_article",
                     "story_vector_terms", "story_vector_names", "story_centroid_terms", "story_query_terms",
                     "story_candidates", "story_time_decay_days", "story_max_keys", "summary_max_sentences",
                     "timeline_max_events", "quote_min_words", "compare_max_chars"):  # fmt: skip
            if getattr(self, name) < 1:
                raise ConfigError(f"setting {name} must be at least 1")


def _flattened(document: dict[str, Any], location: Path) -> list[tuple[str, Any]]:
    """The (name, value) pairs of a settings document: top-level keys and one level of tables."""
    pairs = []
    for key, value in document.items():
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                if isinstance(inner_value, dict):
                    raise ConfigError(f"{location}: table [{key}.{inner}] is nested too deep (one level of tables)")
                pairs.append((inner, inner_value))
        else:
            pairs.append((key, value))
    return pairs


DEFAULT_SETTINGS = Settings()
