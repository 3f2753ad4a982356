"""BM25 over chunk terms as an inverted index that changes one document at a time.

The index keeps only what does not depend on the rest of the collection: per term its
postings (chunk slot, term frequency), per chunk its length, per document its fields,
chunks and terms. Everything that does (idf, mean chunk length) is computed at query time,
so adding or removing a document touches that document's postings only and the index is
always the one a fresh build over the same chunks would give.

Scores are those of bm25s' default (Lucene BM25, k1 = 1.5, b = 0.75, float32), which the
keyword index used before, down to the rounding: the per-term contribution is computed in
float64 and stored as float32, and contributions are summed in float32 in query order.
"""

from __future__ import annotations

import json
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import count, pairwise
from pathlib import Path

import numpy as np

from assistant.index.catalog import DocumentFields
from assistant.index.filters import SearchFilters

K1 = 1.5  # term-frequency saturation
B = 0.75  # length normalisation

Chunk = tuple[str, Sequence[str]]  # chunk id, terms
Document = tuple[DocumentFields, Sequence[Chunk]]

_NO_POSTINGS = np.zeros((0, 2), dtype=np.int32)
_ARRAYS = "index.npz"
_LISTS = "index.json"


def bm25_idf(df: int, chunks: int) -> float:
    """Lucene's BM25 inverse document frequency of a term found in `df` of `chunks` chunks."""
    return math.log(1.0 + (chunks - df + 0.5) / (df + 0.5))


@dataclass(slots=True)
class _Doc:
    fields: DocumentFields
    number: int  # what `_slot_doc` holds for its chunks
    slots: np.ndarray  # int32: its chunks' slots
    terms: np.ndarray  # int32: ids of the terms its chunks contain (to remove them again)


class InvertedIndex:
    """BM25 postings of a set of documents' chunks; `add` and `remove` work per document."""

    def __init__(self) -> None:
        self._term_ids: dict[str, int] = {}
        self._terms: list[str | None] = []  # term id -> term; None for a free id
        self._postings: list[np.ndarray] = []  # term id -> (n, 2) int32: slot, frequency
        self._free_terms: list[int] = []
        # Per slot (a chunk's row); removed chunks leave free slots that adds reuse.
        self._chunk_ids: list[str] = []  # "" for a free slot
        self._lengths = np.zeros(0, dtype=np.int32)  # number of terms
        self._slot_doc = np.zeros(0, dtype=np.int32)  # document number, -1 for a free slot
        self._free_slots: list[int] = []
        self._docs: dict[str, _Doc] = {}
        self._next_doc = 0
        self._total_length = 0
        # Derived from the above when a search needs them, until the next change.
        self._layout: np.ndarray | None = None  # see `_by_chunk_id`
        self._norms: np.ndarray | None = None  # see `_length_norms`
        self._contributions: dict[int, np.ndarray] = {}  # see `_contribution`

    # -- reads -------------------------------------------------------------------------

    def size(self) -> int:
        """How many chunks are indexed."""
        return len(self._chunk_ids) - len(self._free_slots)

    def document_frequency(self, term: str) -> int:
        """In how many chunks `term` occurs."""
        term_id = self._term_ids.get(term)
        return 0 if term_id is None else len(self._postings[term_id])

    def search(
        self, terms: Sequence[str], k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float]]:
        """The `k` best (chunk id, score) pairs with a positive score, best first.

        The top k are picked as the bm25s-based index did, over the chunks in chunk-id
        order: equal scores (table rows often tie) keep the order that selection gives
        them, so rankings stay those the retrieval eval measured, and they depend only on
        the indexed chunks, never on the order documents came in.
        """
        if k <= 0 or not terms or not self.size():
            return []
        layout = self._by_chunk_id()
        scores = self.scores(terms)[layout]
        if filters is not None and not filters.is_empty():
            scores[~self._passes(filters)[layout]] = 0.0
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._chunk_ids[layout[i]], float(scores[i])) for i in top if scores[i] > 0]

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score per slot (float32; 0 for free slots); a repeated term counts again."""
        scores = np.zeros(len(self._chunk_ids), dtype=np.float32)
        for term in terms:
            term_id = self._term_ids.get(term)
            if term_id is not None:
                scores[self._postings[term_id][:, 0]] += self._contribution(term_id)
        return scores

    def _contribution(self, term_id: int) -> np.ndarray:
        """A term's score in each chunk of its postings (float32), cached until the next
        change: planners' questions share their frequent terms."""
        cached = self._contributions.get(term_id)
        if cached is None:
            postings = self._postings[term_id]
            tf = postings[:, 1].astype(np.float32)
            idf = np.float32(bm25_idf(len(postings), self.size()))
            norm = self._length_norms()[postings[:, 0]]
            # The same operations, in the same precision, as bm25s' eager scores.
            cached = (idf * (tf / (norm + tf))).astype(np.float32)
            self._contributions[term_id] = cached
        return cached

    def postings(self) -> dict[str, dict[str, int]]:
        """Term -> chunk id -> term frequency: the index's content, independent of slots
        (to compare two indexes)."""
        return {
            term: {self._chunk_ids[s]: int(tf) for s, tf in self._postings[term_id]}
            for term, term_id in self._term_ids.items()
        }

    def documents(self) -> dict[str, DocumentFields]:
        return {doc_id: doc.fields for doc_id, doc in self._docs.items()}

    def _length_norms(self) -> np.ndarray:
        """Per slot, BM25's length normalisation k1 * (1 - b + b * length / mean length)
        (float64, as bm25s computes it), cached until the next change."""
        if self._norms is None:
            mean_length = self._total_length / self.size()
            lengths = self._lengths[: len(self._chunk_ids)]
            self._norms = K1 * ((1 - B) + B * lengths / mean_length)
        return self._norms

    def _by_chunk_id(self) -> np.ndarray:
        """The occupied slots in chunk-id order (the rows of a full build), cached until
        the next change."""
        if self._layout is None:
            occupied = [slot for slot, chunk_id in enumerate(self._chunk_ids) if chunk_id]
            occupied.sort(key=self._chunk_ids.__getitem__)
            self._layout = np.array(occupied, dtype=np.int64)
        return self._layout

    def _passes(self, filters: SearchFilters) -> np.ndarray:
        """Per slot: whether its document passes the filters."""
        numbers = [d.number for d in self._docs.values() if filters.matches(d.fields.metadata())]
        return np.isin(self._slot_doc[: len(self._chunk_ids)], numbers)

    # -- changes ------------------------------------------------------------------------

    def add(self, documents: Iterable[Document]) -> None:
        """Index documents (one that is already indexed is replaced)."""
        self._forget_derived()
        local_ids: defaultdict[str, int] = defaultdict(count().__next__)
        pair_term, pair_slot, pair_tf = array("i"), array("i"), array("i")
        added: list[tuple[DocumentFields, int, list[int], int, int]] = []
        for fields, chunks in documents:
            self.remove([fields.doc_id])
            number = self._next_doc
            self._next_doc += 1
            first_pair = len(pair_term)
            slots = []
            for chunk_id, terms in chunks:
                slot = self._take_slot(chunk_id, len(terms), number)
                slots.append(slot)
                frequencies = Counter(terms)
                pair_term.extend(map(local_ids.__getitem__, frequencies))
                pair_slot.extend([slot] * len(frequencies))
                pair_tf.extend(frequencies.values())
            added.append((fields, number, slots, first_pair, len(pair_term)))
        to_global = np.array([self._term_id(t) for t in local_ids], dtype=np.int32)
        term_of_pair = to_global[np.frombuffer(pair_term, dtype=np.int32)]
        for fields, number, slots, start, end in added:
            self._docs[fields.doc_id] = _Doc(
                fields=fields,
                number=number,
                slots=np.array(slots, dtype=np.int32),
                terms=np.unique(term_of_pair[start:end]),
            )
        self._merge_postings(term_of_pair, pair_slot, pair_tf)

    def remove(self, doc_ids: Iterable[str]) -> None:
        """Drop documents and every trace of them (terms only they had are forgotten)."""
        gone = [self._docs.pop(doc_id) for doc_id in doc_ids if doc_id in self._docs]
        if not gone:
            return
        self._forget_derived()
        slots = np.concatenate([doc.slots for doc in gone])
        dead = np.zeros(len(self._chunk_ids), dtype=bool)
        dead[slots] = True
        for term_id in np.unique(np.concatenate([doc.terms for doc in gone])).tolist():
            postings = self._postings[term_id]
            kept = postings[~dead[postings[:, 0]]]
            if len(kept):
                self._postings[term_id] = kept
            else:
                self._free_term(term_id)
        self._total_length -= int(self._lengths[slots].sum())
        self._lengths[slots] = 0
        self._slot_doc[slots] = -1
        for slot in slots.tolist():
            self._chunk_ids[slot] = ""
        self._free_slots.extend(slots.tolist())

    def _forget_derived(self) -> None:
        self._layout = self._norms = None
        self._contributions = {}

    def _take_slot(self, chunk_id: str, length: int, doc_number: int) -> int:
        if self._free_slots:
            slot = self._free_slots.pop()
            self._chunk_ids[slot] = chunk_id
        else:
            slot = len(self._chunk_ids)
            self._chunk_ids.append(chunk_id)
            if slot >= len(self._lengths):  # grow by doubling: amortised O(1) per chunk
                capacity = max(2 * len(self._lengths), 1024)
                self._lengths = np.resize(self._lengths, capacity)
                self._slot_doc = np.resize(self._slot_doc, capacity)
        self._lengths[slot] = length
        self._slot_doc[slot] = doc_number
        self._total_length += length
        return slot

    def _term_id(self, term: str) -> int:
        term_id = self._term_ids.get(term)
        if term_id is not None:
            return term_id
        if self._free_terms:
            term_id = self._free_terms.pop()
            self._terms[term_id] = term
        else:
            term_id = len(self._terms)
            self._terms.append(term)
            self._postings.append(_NO_POSTINGS)
        self._term_ids[term] = term_id
        return term_id

    def _free_term(self, term_id: int) -> None:
        term = self._terms[term_id]
        assert term is not None
        del self._term_ids[term]
        self._terms[term_id] = None
        self._postings[term_id] = _NO_POSTINGS
        self._free_terms.append(term_id)

    def _merge_postings(self, term_of_pair: np.ndarray, slots: array, tfs: array) -> None:
        """Append (slot, frequency) pairs to their terms' postings, grouped by term at once
        (a full build appends each term once, not once per document)."""
        if not len(term_of_pair):
            return
        order = np.argsort(term_of_pair, kind="stable")
        pairs = np.empty((len(order), 2), dtype=np.int32)
        pairs[:, 0] = np.frombuffer(slots, dtype=np.int32)[order]
        pairs[:, 1] = np.frombuffer(tfs, dtype=np.int32)[order]
        terms = term_of_pair[order]
        starts = np.flatnonzero(np.r_[True, terms[1:] != terms[:-1]])
        ends = np.r_[starts[1:], len(terms)]
        for term_id, start, end in zip(
            terms[starts].tolist(), starts.tolist(), ends.tolist(), strict=True
        ):
            existing = self._postings[term_id]
            new = pairs[start:end]
            self._postings[term_id] = np.concatenate([existing, new]) if len(existing) else new

    # -- files --------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        """Write the index into `directory` (two files; `load` reads them back)."""
        directory.mkdir(parents=True, exist_ok=True)
        docs = list(self._docs.values())
        np.savez(
            directory / _ARRAYS,
            postings=_concatenated(self._postings, (0, 2)),
            term_offsets=_offsets(self._postings),
            lengths=self._lengths[: len(self._chunk_ids)],
            slot_doc=self._slot_doc[: len(self._chunk_ids)],
            doc_slots=_concatenated([d.slots for d in docs], (0,)),
            doc_slot_offsets=_offsets([d.slots for d in docs]),
            doc_terms=_concatenated([d.terms for d in docs], (0,)),
            doc_term_offsets=_offsets([d.terms for d in docs]),
        )
        lists = {
            "terms": self._terms,
            "chunk_ids": self._chunk_ids,
            "docs": [[*d.fields.row(), d.number] for d in docs],
            "next_doc": self._next_doc,
        }
        (directory / _LISTS).write_text(json.dumps(lists, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> InvertedIndex:
        """The index `save` wrote into `directory`."""
        lists = json.loads((directory / _LISTS).read_text(encoding="utf-8"))
        with np.load(directory / _ARRAYS) as arrays:
            postings = _split(arrays["postings"], arrays["term_offsets"])
            doc_slots = _split(arrays["doc_slots"], arrays["doc_slot_offsets"])
            doc_terms = _split(arrays["doc_terms"], arrays["doc_term_offsets"])
            lengths, slot_doc = arrays["lengths"], arrays["slot_doc"]
        index = cls()
        index._terms = lists["terms"]
        index._term_ids = {t: i for i, t in enumerate(index._terms) if t is not None}
        index._postings = postings
        index._free_terms = [i for i, t in enumerate(index._terms) if t is None]
        index._chunk_ids = lists["chunk_ids"]
        index._lengths, index._slot_doc = lengths, slot_doc
        index._free_slots = [s for s, c in enumerate(index._chunk_ids) if not c]
        for row, slots, terms in zip(lists["docs"], doc_slots, doc_terms, strict=True):
            fields = DocumentFields(*row[:-1])
            index._docs[fields.doc_id] = _Doc(fields, row[-1], slots, terms)
        index._next_doc = lists["next_doc"]
        index._total_length = int(lengths.sum())
        return index


def _concatenated(arrays: list[np.ndarray], empty_shape: tuple[int, ...]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(empty_shape, dtype=np.int32)


def _split(values: np.ndarray, offsets: np.ndarray) -> list[np.ndarray]:
    """The pieces `_offsets` describes, as views of `values`."""
    bounds = offsets.tolist()
    return [values[start:end] for start, end in pairwise(bounds)]


def _offsets(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate([[0], np.cumsum([len(a) for a in arrays], dtype=np.int64)])
