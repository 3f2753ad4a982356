"""Dense vectors in Chroma: embedded (PersistentClient) or a Chroma server (HttpClient).

We always pass our own vectors: Chroma's default embedding function would try to download
an ONNX model, which these machines cannot.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np

from assistant.index.filters import SearchFilters
from assistant.platform.config import Settings
from assistant.platform.write_lock import file_lock

# Unfiltered candidates fetched per wanted result, step by step, before falling back to
# Chroma's own (slow) filter; 9 % of filtered benchmark questions needed more than 5x.
_OVERFETCH = (5, 20)
# Matching chunks from the widest unfiltered pass that are enough for fusion.
_ENOUGH_TO_FUSE = 10
# Chroma limits the size of one write; stay well under it.
_BATCH = 2000
# Up to this many vectors a query asks for all of them, which makes the HNSW search
# exhaustive: on the 424-chunk demo corpus Chroma's approximate search dropped the exact
# nearest chunk from the top 100 in about one process in four (its graph is rebuilt
# from the log on load). Asking for everything costs ~1 ms more there.
_EXHAUSTIVE_UP_TO = 20000


COLLECTION_PREFIX = "planwerk-"
# How every collection is created (also by restores, which must rebuild it the same way).
COLLECTION_CONFIGURATION: dict[str, Any] = {"hnsw": {"space": "cosine", "ef_search": 100}}


def make_client(settings: Settings) -> Any:
    """The configured Chroma client: embedded under `settings.chroma_path`, or a server."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.vector_store.mode == "chroma-server":
        return chromadb.HttpClient(
            host=settings.vector_store.host,
            port=settings.vector_store.port,
            settings=chroma_settings,
        )
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    # Two processes opening a fresh store at once would both create its tables; one
    # opening it while another writes finds its SQLite file busy for a moment.
    with file_lock(_open_lock(settings)):
        return _when_free(
            lambda: chromadb.PersistentClient(
                path=str(settings.chroma_path), settings=chroma_settings
            )
        )


_BUSY_WAIT_S = 60.0


def _when_free(open_store: Callable[[], Any]) -> Any:
    """Call `open_store`, again while Chroma's SQLite file is locked by another process's
    write (Chroma sets no busy timeout of its own), for at most `_BUSY_WAIT_S`."""
    deadline = time.monotonic() + _BUSY_WAIT_S
    pause = 0.05
    while True:
        try:
            return open_store()
        except Exception as error:
            if "database is locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 1.0)


def _open_lock(settings: Settings) -> Path:
    """Guards creating the embedded store and its collections across processes."""
    return settings.data_dir / "locks" / "chroma-open.lock"


def collection_suffix(settings: Settings) -> str:
    """What distinguishes the collections of different embedders."""
    embedder = settings.embedding.mode if settings.embedding.mode == "use" else "st"
    model = "".join(ch for ch in settings.embedding.model.split("/")[-1] if ch.isalnum())
    return f"{embedder}{('-' + model[:40]) if model else ''}"


class ChromaVectorStore:
    """One Chroma collection per workspace, cosine distance."""

    def __init__(self, settings: Settings) -> None:
        self._client = make_client(settings)
        self._lock_path = (
            None if settings.vector_store.mode == "chroma-server" else _open_lock(settings)
        )
        self._collections: dict[str, Any] = {}
        # Vectors of different embedders differ in size and meaning: one collection each.
        self._suffix = collection_suffix(settings)

    def collection_name(self, workspace: str) -> str:
        return f"{COLLECTION_PREFIX}{workspace}-{self._suffix}"

    def _collection(self, workspace: str) -> Any:
        if workspace not in self._collections:
            with file_lock(self._lock_path) if self._lock_path else nullcontext():
                self._collections[workspace] = _when_free(
                    lambda: self._client.get_or_create_collection(
                        name=self.collection_name(workspace),
                        embedding_function=None,
                        configuration=COLLECTION_CONFIGURATION,
                    )
                )
        return self._collections[workspace]

    def add(
        self,
        workspace: str,
        ids: Sequence[str],
        vectors: np.ndarray,
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        collection = self._collection(workspace)
        for start in range(0, len(ids), _BATCH):
            end = start + _BATCH
            collection.upsert(
                ids=list(ids[start:end]),
                embeddings=vectors[start:end],
                metadatas=[_clean_metadata(m) for m in metadatas[start:end]],
            )

    def delete(self, workspace: str, ids: Sequence[str]) -> None:
        collection = self._collection(workspace)
        ids = list(ids)
        for start in range(0, len(ids), _BATCH):
            collection.delete(ids=ids[start : start + _BATCH])

    def ids(self, workspace: str) -> set[str]:
        """Every chunk id that has a vector, committed in the catalog or not."""
        collection = self._collection(workspace)
        found: set[str] = set()
        offset, page = 0, 10_000
        while True:
            batch = collection.get(include=[], limit=page, offset=offset)
            found.update(batch["ids"])
            if len(batch["ids"]) < page:
                return found
            offset += page

    def count(self, workspace: str) -> int:
        return int(self._collection(workspace).count())

    def query(
        self,
        workspace: str,
        vector: np.ndarray,
        k: int,
        filters: SearchFilters | None = None,
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) pairs, best first, restricted to `filters`.

        A filtered HNSW query in Chroma costs ~30x an unfiltered one at 100k chunks
        (eval/reports/bench_query.md), so filters are first applied to a wider unfiltered
        result; only when too few candidates pass does Chroma filter itself.
        """
        # An empty collection answers with empty lists; the size also decides below
        # whether a query is exhaustive.
        size = self._collection(workspace).count()
        if size == 0:
            return []
        if filters is None or filters.is_empty():
            return self._query(workspace, vector, k, None, size=size)
        wide: list[tuple[str, float]] = []
        for factor in _OVERFETCH:
            wide = self._query(workspace, vector, k * factor, None, filters, size=size)
            if len(wide) >= k:
                return wide[:k]
        # The widest pass holds the nearest matching chunks up to its reach, in order: a
        # shorter list of them serves fusion (BM25 brings the rest) at a fraction of the
        # cost of Chroma's own filtered search.
        if len(wide) >= min(k, _ENOUGH_TO_FUSE):
            return wide
        return self._query(workspace, vector, k, filters.chroma_where(), size=size)

    def _query(
        self,
        workspace: str,
        vector: np.ndarray,
        k: int,
        where: dict[str, Any] | None,
        keep: SearchFilters | None = None,
        *,
        size: int,
    ) -> list[tuple[str, float]]:
        result = self._collection(workspace).query(
            query_embeddings=[vector],
            n_results=size if size <= _EXHAUSTIVE_UP_TO else k,
            where=where,
            include=["distances", "metadatas"] if keep else ["distances"],
        )
        ids = result["ids"][0][:k] if keep is None else result["ids"][0]
        similarities = [1.0 - float(d) for d in result["distances"][0][: len(ids)]]
        if keep is None:
            return list(zip(ids, similarities, strict=True))
        metadatas = result["metadatas"][0]
        return [
            (i, s)
            for i, s, m in zip(ids, similarities, metadatas, strict=True)
            if keep.matches(m or {})
        ]


def _clean_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    # Chroma rejects None values; a missing key filters the same way.
    return {k: v for k, v in metadata.items() if v is not None and v != ""}
