"""Build documents for index tests without going through the file loaders."""

from __future__ import annotations

from collections.abc import Collection, Iterator

import pytest

from assistant.documents.ingestion import content_hash
from assistant.index.catalog import Catalog, KeywordDocument, StoredChunk
from assistant.index.document_index import DocumentIndex
from assistant.index.embedders import Embedder
from assistant.language.german import analyze
from assistant.models import DocumentRecord


def make_document(
    texts: list[str], source: str = "bericht.pdf", doc_type: str = "plan", year: int = 2024
) -> tuple[DocumentRecord, list[StoredChunk]]:
    doc_id = content_hash("\n".join(texts).encode())
    record = DocumentRecord(
        doc_id=doc_id,
        source=source,
        title=source.rsplit(".", 1)[0],
        doc_type=doc_type,
        format="pdf",
        year=year,
        municipality="",
        area="",
        pages=len(texts),
        rows=None,
        chunk_count=len(texts),
        added_at="2026-01-01T00:00:00+00:00",
    )
    chunks = [
        StoredChunk(
            chunk_id=f"{doc_id}:{i:05d}",
            doc_id=doc_id,
            chunk_index=i,
            text=text,
            page=i + 1,
            sheet=None,
            row=None,
            heading="",
            extra={},
            terms=analyze(text),
        )
        for i, text in enumerate(texts)
    ]
    return record, chunks


def add(
    index: DocumentIndex,
    embedder: Embedder,
    record: DocumentRecord,
    chunks: list[StoredChunk],
    replaces: tuple[str, ...] = (),
) -> None:
    vectors = embedder.encode([c.text for c in chunks])
    index.add_document(record, f"/docs/{record.source}", chunks, vectors, replaces=replaces)


def count_full_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every read of all of a workspace's documents (a full keyword-index build),
    by workspace."""
    reads: list[str] = []
    original = Catalog.keyword_documents

    def counted(
        self: Catalog, workspace: str, doc_ids: Collection[str] | None = None
    ) -> Iterator[KeywordDocument]:
        if doc_ids is None:
            reads.append(workspace)
        return original(self, workspace, doc_ids)

    monkeypatch.setattr(Catalog, "keyword_documents", counted)
    return reads
