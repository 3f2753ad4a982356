"""Correct a document's metadata (doc_type, year, area) in the catalog and the vector store.

Search filters read these fields in two places: the BM25 side from the catalog (the keyword
index re-reads the documents each new generation names) and the dense side from each
vector's Chroma metadata. An edit changes both: vector metadata first, then one catalog
transaction that also bumps the generation; if the catalog write fails, the vector metadata
is set back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from assistant.index.catalog import Catalog
from assistant.index.document_index import DocumentIndex
from assistant.models import DocumentRecord

DOC_TYPES = ("plan", "funding_call", "indicators", "concept", "minutes", "other")
MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_AREA_CHARS = 100
_BATCH = 2000


class MetadataError(ValueError):
    """An edit that cannot be stored; the message is German and says what to change."""


def update_document_metadata(
    index: DocumentIndex,
    doc_id: str,
    *,
    doc_type: str,
    year: int | None,
    area: str,
) -> DocumentRecord:
    """Store new doc_type, year and area for a document; returns the updated record."""
    record = index.catalog.document(index.workspace, doc_id)
    if record is None:
        raise MetadataError("Dieses Dokument ist nicht mehr im Index.")
    if doc_type not in DOC_TYPES:
        raise MetadataError(
            f"Unbekannter Dokumenttyp „{doc_type}“. Möglich sind: {', '.join(DOC_TYPES)}."
        )
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise MetadataError(
            f"Das Jahr {year} ist nicht plausibel; bitte eine Jahreszahl zwischen "
            f"{MIN_YEAR} und {MAX_YEAR} eingeben oder das Feld leer lassen."
        )
    area = " ".join(area.split())
    if len(area) > MAX_AREA_CHARS:
        raise MetadataError(f"Der Gebietsname ist zu lang (höchstens {MAX_AREA_CHARS} Zeichen).")
    updated = replace(record, doc_type=doc_type, year=year, area=area)
    if updated == record:
        return record
    ids = sorted(index.catalog.chunk_ids(index.workspace, [doc_id]))
    _set_vector_fields(index, ids, updated)
    try:
        with index.catalog.transaction() as conn:
            conn.execute(
                "UPDATE documents SET doc_type=?, year=?, area=? WHERE workspace=? AND doc_id=?",
                (doc_type, year, area, index.workspace, doc_id),
            )
            Catalog.bump_generation(conn, index.workspace, [doc_id])
    except BaseException:
        _set_vector_fields(index, ids, record)
        raise
    return updated


def _set_vector_fields(index: DocumentIndex, ids: Sequence[str], record: DocumentRecord) -> None:
    if not ids:
        return
    # Chroma drops a metadata key whose new value is None, which filters like a missing one.
    fields: dict[str, Any] = {
        "doc_type": record.doc_type,
        "year": record.year,
        "area": record.area or None,
    }
    # ChromaVectorStore has no public metadata update yet; its collection is the way in.
    collection = index.vectors._collection(index.workspace)
    for start in range(0, len(ids), _BATCH):
        batch = list(ids[start : start + _BATCH])
        collection.update(ids=batch, metadatas=[dict(fields) for _ in batch])
