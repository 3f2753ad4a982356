"""BM25 over the German-normalised terms of every chunk in a workspace.

The index is derived from the catalog (which stores each chunk's terms) and rebuilt when
the catalog's generation changes, so it can never drift from the committed documents. A
built index is saved under the data directory, so a new process loads instead of rebuilds.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from assistant.index.catalog import Catalog
from assistant.retrieval.filters import SearchFilters


@dataclass(slots=True)
class _Built:
    generation: int
    retriever: bm25s.BM25 | None  # None for an empty workspace
    chunk_ids: list[str]
    doc_type: np.ndarray
    year: np.ndarray
    area: np.ndarray
    source: np.ndarray
    doc_id: np.ndarray


class KeywordIndex:
    """BM25 search in one workspace, kept in step with the catalog."""

    def __init__(self, catalog: Catalog, directory: Path, workspace: str) -> None:
        self._catalog = catalog
        self._dir = directory / workspace
        self._workspace = workspace
        self._built: _Built | None = None
        self._lock = threading.Lock()

    def search(
        self, terms: list[str], k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, BM25 score) pairs with a positive score, best first."""
        built = self._current()
        if built.retriever is None or not terms:
            return []
        mask = _mask(built, filters) if filters and not filters.is_empty() else None
        scores = built.retriever.get_scores(terms, weight_mask=mask)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(built.chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def document_frequency(self, terms: list[str]) -> dict[str, int]:
        """In how many chunks each term occurs."""
        built = self._current()
        if built.retriever is None:
            return dict.fromkeys(terms, 0)
        vocab = built.retriever.vocab_dict
        indptr = built.retriever.scores["indptr"]
        frequencies = {}
        for term in terms:
            token_id = vocab.get(term)
            frequencies[term] = (
                0 if token_id is None else int(indptr[token_id + 1] - indptr[token_id])
            )
        return frequencies

    def size(self) -> int:
        """How many chunks the workspace holds (as indexed)."""
        return len(self._current().chunk_ids)

    def idf(self, terms: list[str], unseen: float | None = None) -> dict[str, float]:
        """Inverse document frequency per term; a term found nowhere gets the maximum, or
        `unseen` if given."""
        return idf_of(self.document_frequency(terms), self.size(), unseen)

    def _current(self) -> _Built:
        generation = self._catalog.generation(self._workspace)
        with self._lock:
            if self._built is None or self._built.generation != generation:
                self._built = self._load(generation) or self._build(generation)
            return self._built

    def _build(self, generation: int) -> _Built:
        chunks = self._catalog.all_chunks(self._workspace)
        retriever = None
        if chunks:
            retriever = bm25s.BM25()
            retriever.index([c.terms for c in chunks], show_progress=False)
        built = _Built(
            generation=generation,
            retriever=retriever,
            chunk_ids=[c.chunk_id for c in chunks],
            doc_type=np.array([c.doc_type for c in chunks], dtype=object),
            year=np.array([c.year if c.year is not None else -1 for c in chunks]),
            area=np.array([c.area for c in chunks], dtype=object),
            source=np.array([c.source for c in chunks], dtype=object),
            doc_id=np.array([c.doc_id for c in chunks], dtype=object),
        )
        self._save(built)
        return built

    def _save(self, built: _Built) -> None:
        if built.retriever is None:
            return
        target = self._dir / f"gen-{built.generation}"
        # Several processes (Streamlit instances) may build the same generation at once:
        # each writes its own folder and only the first rename wins.
        tmp = self._dir / f".gen-{built.generation}.{os.getpid()}.{threading.get_ident()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        built.retriever.save(str(tmp))
        columns = {
            "chunk_ids": built.chunk_ids,
            "doc_type": built.doc_type.tolist(),
            "year": built.year.tolist(),
            "area": built.area.tolist(),
            "source": built.source.tolist(),
            "doc_id": built.doc_id.tolist(),
        }
        (tmp / "columns.json").write_text(json.dumps(columns, ensure_ascii=False))
        if target.exists() and not (target / "columns.json").exists():
            shutil.rmtree(target, ignore_errors=True)  # left incomplete by an old version
        try:
            tmp.rename(target)
        except OSError:  # another process saved this generation first; same content
            shutil.rmtree(tmp, ignore_errors=True)
        for old in self._dir.glob("gen-*"):
            if old != target:
                shutil.rmtree(old, ignore_errors=True)

    def _load(self, generation: int) -> _Built | None:
        target = self._dir / f"gen-{generation}"
        columns_file = target / "columns.json"
        if not columns_file.exists():
            return None
        columns = json.loads(columns_file.read_text())
        return _Built(
            generation=generation,
            retriever=bm25s.BM25.load(str(target)),
            chunk_ids=columns["chunk_ids"],
            doc_type=np.array(columns["doc_type"], dtype=object),
            year=np.array(columns["year"]),
            area=np.array(columns["area"], dtype=object),
            source=np.array(columns["source"], dtype=object),
            doc_id=np.array(columns["doc_id"], dtype=object),
        )


def idf_of(
    frequencies: dict[str, int], chunks: int, unseen: float | None = None
) -> dict[str, float]:
    """BM25's inverse document frequency from document frequencies over `chunks` chunks."""
    return {
        term: unseen
        if df == 0 and unseen is not None
        else math.log(1.0 + (chunks - df + 0.5) / (df + 0.5))
        for term, df in frequencies.items()
    }


def _mask(built: _Built, filters: SearchFilters) -> np.ndarray:
    keep = np.ones(len(built.chunk_ids), dtype=bool)
    if filters.doc_types:
        keep &= np.isin(built.doc_type, list(filters.doc_types))
    if filters.years:
        keep &= np.isin(built.year, list(filters.years))
    if filters.areas:
        keep &= np.isin(built.area, list(filters.areas))
    if filters.sources:
        keep &= np.isin(built.source, list(filters.sources))
    if filters.doc_ids:
        keep &= np.isin(built.doc_id, list(filters.doc_ids))
    return keep.astype(np.float32)
