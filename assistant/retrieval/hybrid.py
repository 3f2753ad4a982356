"""Hybrid retrieval: German BM25 and dense vectors, fused by reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from assistant.index.catalog import StoredChunk
from assistant.index.document_index import DocumentIndex
from assistant.index.embedders import Embedder
from assistant.index.filters import SearchFilters
from assistant.index.keyword_index import idf_of
from assistant.language.german import analyze, expand_query, expand_unknown
from assistant.language.guideline import heading_number
from assistant.language.question import QuestionAnalysis, analyse_question
from assistant.models import RetrievedChunk, SourceRef
from assistant.platform.config import RetrievalSettings
from assistant.retrieval.rerank import QuestionSignals, rerank
from ingest.chunking import leaf_heading

Method = Literal["hybrid", "bm25", "dense"]


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score(id) = sum_i w_i / (k + rank_i), rank starting at 1.

    Ties keep the order in which ids first appear, so fusion is deterministic.
    """
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


class HybridRetriever:
    """Searches one workspace index; `method` selects hybrid or one half (for baselines).

    Results carry their workspace (`RetrievedChunk.metadata["workspace"]`, `SourceRef.workspace`).
    """

    def __init__(
        self, index: DocumentIndex, embedder: Embedder, settings: RetrievalSettings
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        method: Method = "hybrid",
        question: QuestionAnalysis | None = None,
    ) -> list[RetrievedChunk]:
        """The best `k` chunks for `query`; `question` is the analysed question the query
        serves (re-ranking reads it), by default the query itself."""
        k = k or self.settings.top_k
        pool = max(self.settings.candidates, k)
        lexical = self._bm25(query, pool, filters) if method != "dense" else []
        dense = self._dense(query, pool, filters) if method != "bm25" else []
        if method == "bm25":
            fused = lexical
        elif method == "dense":
            fused = dense
        else:
            fused = reciprocal_rank_fusion(
                [[i for i, _ in lexical], [i for i, _ in dense]],
                k=self.settings.rrf_k,
                weights=[self.settings.bm25_weight, self.settings.dense_weight],
            )
        bm25_rank = {cid: r for r, (cid, _) in enumerate(lexical, start=1)}
        dense_rank = {cid: r for r, (cid, _) in enumerate(dense, start=1)}
        # Ids of uncommitted (orphan) vectors are not in the catalog and drop out here.
        head = fused[: max(pool, k + 10)] if method == "hybrid" else fused[: k + 10]
        stored = self.index.catalog.chunks_by_id(self.index.workspace, [i for i, _ in head])
        if method == "hybrid":
            question = question or analyse_question(query)
            signals = QuestionSignals.of(query, question, self.index.keywords)
            head = rerank(head, stored, signals, self.settings.rerank)
        results = []
        for chunk_id, score in head:
            chunk = stored.get(chunk_id)
            if chunk is None:
                continue
            result = to_retrieved(chunk, score, self.index.workspace)
            result.bm25_rank = bm25_rank.get(chunk_id)
            result.dense_rank = dense_rank.get(chunk_id)
            results.append(result)
            if len(results) == k:
                break
        return results

    def next_passage(self, passage: RetrievedChunk) -> RetrievedChunk | None:
        """The chunk that follows a passage in its document, if any."""
        index = passage.metadata.get("chunk_index")
        if not isinstance(index, int):
            return None
        found = self.index.catalog.chunk_at(self.index.workspace, passage.ref.doc_id, index + 1)
        return to_retrieved(found, 0.0, self.index.workspace) if found else None

    def document_passages(self, passage: RetrievedChunk) -> list[RetrievedChunk]:
        """Every chunk of a passage's document, in reading order."""
        found = self.index.catalog.document_chunks(self.index.workspace, passage.ref.doc_id)
        return [to_retrieved(chunk, 0.0, self.index.workspace) for chunk in found]

    def section_passage(self, passage: RetrievedChunk, number: str) -> RetrievedChunk | None:
        """The first chunk of the section numbered `number` in the passage's document."""

        def opens(heading: str) -> bool:
            return heading_number(leaf_heading(heading)) == number

        found = self.index.catalog.section_start(self.index.workspace, passage.ref.doc_id, opens)
        return to_retrieved(found, 0.0, self.index.workspace) if found else None

    def _bm25(self, query: str, k: int, filters: SearchFilters | None) -> list[tuple[str, float]]:
        keywords = self.index.keywords
        terms = expand_query(analyze(query))
        terms += [t for t in expand_unknown(query, keywords.document_frequency) if t not in terms]
        return keywords.search(terms, k, filters)

    def _dense(self, query: str, k: int, filters: SearchFilters | None) -> list[tuple[str, float]]:
        vector = self.embedder.encode_queries([query])[0]
        return self.index.vectors.query(self.index.workspace, vector, k, filters)


def to_retrieved(chunk: StoredChunk, score: float, workspace: str = "") -> RetrievedChunk:
    ref = SourceRef(
        doc_id=chunk.doc_id,
        source=chunk.source,
        title=chunk.title,
        page=chunk.page,
        sheet=chunk.sheet,
        row=chunk.row,
        heading=chunk.heading,
        workspace=workspace,
    )
    metadata = {
        "doc_type": chunk.doc_type,
        "year": chunk.year,
        "area": chunk.area,
        "chunk_index": chunk.chunk_index,
        **chunk.extra,
        "workspace": workspace,
    }
    return RetrievedChunk(chunk.chunk_id, chunk.text, ref, metadata, score)


class MultiWorkspaceRetriever:
    """Searches a workspace and the knowledge bases attached to it, read-only.

    Each workspace is searched on its own index (its BM25 statistics, its vectors); the
    results are merged by their fused score, which is rank-based and so comparable across
    indexes. Ties keep the order of `retrievers` (the own workspace first). Nothing is
    ever searched outside the given retrievers.
    """

    def __init__(self, retrievers: Sequence[HybridRetriever]) -> None:
        if not retrievers:
            raise ValueError("MultiWorkspaceRetriever needs at least one retriever")
        self.retrievers = list(retrievers)
        self.index = self.retrievers[0].index  # the own workspace
        self.embedder = self.retrievers[0].embedder
        self.settings = self.retrievers[0].settings

    @property
    def workspaces(self) -> list[str]:
        return [r.index.workspace for r in self.retrievers]

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        method: Method = "hybrid",
        question: QuestionAnalysis | None = None,
    ) -> list[RetrievedChunk]:
        k = k or self.settings.top_k
        merged: list[tuple[float, int, int, RetrievedChunk]] = []
        for order, retriever in enumerate(self.retrievers):
            for rank, chunk in enumerate(retriever.search(query, k, filters, method, question)):
                merged.append((-chunk.score, order, rank, chunk))
        merged.sort(key=lambda item: item[:3])
        return [chunk for *_, chunk in merged[:k]]

    def next_passage(self, passage: RetrievedChunk) -> RetrievedChunk | None:
        own = self._own(passage)
        return own.next_passage(passage) if own else None

    def section_passage(self, passage: RetrievedChunk, number: str) -> RetrievedChunk | None:
        own = self._own(passage)
        return own.section_passage(passage, number) if own else None

    def document_passages(self, passage: RetrievedChunk) -> list[RetrievedChunk]:
        own = self._own(passage)
        return own.document_passages(passage) if own else []

    def _own(self, passage: RetrievedChunk) -> HybridRetriever | None:
        workspace = passage.ref.workspace
        return next((r for r in self.retrievers if r.index.workspace == workspace), None)

    def document_frequency(self, terms: list[str]) -> dict[str, int]:
        """In how many chunks of all searched workspaces each term occurs."""
        totals = dict.fromkeys(terms, 0)
        for retriever in self.retrievers:
            for term, df in retriever.index.keywords.document_frequency(terms).items():
                totals[term] += df
        return totals

    def idf(self, terms: list[str], unseen: float | None = None) -> dict[str, float]:
        """Inverse document frequency over all searched workspaces together."""
        chunks = sum(r.index.keywords.size() for r in self.retrievers)
        return idf_of(self.document_frequency(terms), chunks, unseen)
