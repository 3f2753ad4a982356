"""What the document list offers besides reading: find the original file, re-index, delete.

A document's source key says where its file lives: `upload:<name>` for browser uploads
(under `data_dir/uploads/`), otherwise the absolute path the file was ingested from.
"""

from __future__ import annotations

from pathlib import Path

from assistant.access import audit
from assistant.access.policy import UNGUARDED, Guard
from assistant.access.roles import Action
from assistant.documents.ingestion import IngestPipeline, IngestResult, IngestStatus
from assistant.documents.uploads import UPLOAD_PREFIX, upload_path
from assistant.index.document_index import DocumentIndex
from assistant.platform.config import Settings


def source_key_of(index: DocumentIndex, doc_id: str) -> str | None:
    """The source key a document was ingested under, or None if it is not in the index."""
    with index.catalog.transaction() as conn:
        row = conn.execute(
            "SELECT source_key FROM documents WHERE workspace=? AND doc_id=?",
            (index.workspace, doc_id),
        ).fetchone()
    return str(row[0]) if row else None


def source_file(settings: Settings, index: DocumentIndex, doc_id: str) -> Path | None:
    """The original file of a document, if it still exists."""
    key = source_key_of(index, doc_id)
    if key is None:
        return None
    path = upload_path(settings, key) if key.startswith(UPLOAD_PREFIX) else Path(key)
    return path if path is not None and path.is_file() else None


def reindex_document(
    settings: Settings,
    index: DocumentIndex,
    pipeline: IngestPipeline,
    doc_id: str,
    *,
    guard: Guard = UNGUARDED,
) -> IngestResult:
    """Ingest a document's original file again under the same source key (an upload
    for `guard`).

    A file changed on disk replaces the stored version; a document processed with other
    settings (chunking, embedder) is processed anew; otherwise the result is „unverändert“.
    """
    record = index.catalog.document(index.workspace, doc_id)
    guard.require(Action.UPLOAD, record.source if record else doc_id)
    key = source_key_of(index, doc_id)
    if record is None or key is None:
        return IngestResult(
            doc_id, IngestStatus.REFUSED, "Dieses Dokument ist nicht mehr im Index."
        )
    path = source_file(settings, index, doc_id)
    if path is None:
        return IngestResult(
            record.source,
            IngestStatus.REFUSED,
            f"Die Originaldatei von „{record.source}“ ist nicht mehr vorhanden. Bitte die "
            "Datei erneut hochladen.",
        )
    return pipeline.ingest_file(path, source_name=record.source, source_key=key, guard=guard)


def delete_document(
    settings: Settings, pipeline: IngestPipeline, doc_id: str, *, guard: Guard = UNGUARDED
) -> bool:
    """Remove a document from every store (index, indicator tables); an uploaded file is
    deleted too. False if the document was not there; checked and logged by `guard`."""
    index = pipeline.index
    record = index.catalog.document(index.workspace, doc_id)
    # Refused before looking further, so a reader learns nothing about absent documents.
    guard.require(Action.DELETE, record.source if record else doc_id)
    if record is None:
        return False
    key = source_key_of(index, doc_id)
    if not pipeline.remove(doc_id):
        return False
    guard.record(audit.DELETE, record.source, doc_id=doc_id)
    if key is not None and key.startswith(UPLOAD_PREFIX):
        still_used = index.catalog.documents_for_source(index.workspace, key)
        path = upload_path(settings, key)
        if path is not None and not still_used:
            path.unlink(missing_ok=True)
    return True
