"""The one settings object: every threshold storytrace uses, with its default and its reason."""

from __future__ import annotations

from dataclasses import dataclass, fields

from storytrace.errors import ConfigError


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

    # --- store ---------------------------------------------------------------------------
    # Articles written per transaction: a killed run loses at most one batch, never half an article.
    store_batch_size: int = 200

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"setting {item.name} must be a number, got {value!r}")
            if value < 0:
                raise ConfigError(f"setting {item.name} must not be negative, got {value!r}")
            if item.name.endswith("_share") and value > 1:
                raise ConfigError(f"setting {item.name} is a share between 0 and 1, got {value!r}")
        if self.store_batch_size < 1:
            raise ConfigError("setting store_batch_size must be at least 1")


DEFAULT_SETTINGS = Settings()
