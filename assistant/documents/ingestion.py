"""The ingest pipeline: file -> blocks -> chunks -> vectors and terms -> index, per document.

A document is keyed by the hash of its bytes: an unchanged file costs one hash, a changed
file replaces its predecessor (same source), and a failure leaves the index as it was.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import numpy as np

from assistant.access import audit
from assistant.access.policy import UNGUARDED, Guard
from assistant.access.roles import Action
from assistant.index.catalog import StoredChunk
from assistant.index.document_index import DocumentIndex, chunk_terms
from assistant.index.embedders import Embedder, make_embedder
from assistant.indicators.numbers import format_german
from assistant.indicators.store import IndicatorStore, PreparedTable
from assistant.models import DocumentRecord
from assistant.platform.config import Settings
from assistant.platform.write_lock import workspace_write_lock
from ingest import ocr
from ingest.blocks import LoadedDocument
from ingest.chunk import Chunk
from ingest.chunking import chunk_document
from ingest.errors import IngestError
from ingest.formats import SUPPORTED_SUFFIXES, load_file
from ingest.limits import FileLimits
from ingest.metadata import infer_metadata
from ingest.structure import CELL_SEPARATOR


class IngestStatus(StrEnum):
    INDEXED = "indexed"
    UNCHANGED = "unchanged"
    REPLACED = "replaced"
    REFUSED = "refused"


STATUS_LABELS = {
    IngestStatus.INDEXED: "indexiert",
    IngestStatus.UNCHANGED: "unverändert",
    IngestStatus.REPLACED: "ersetzt",
    IngestStatus.REFUSED: "abgelehnt",
}


@dataclass(slots=True)
class IngestResult:
    source: str
    status: IngestStatus
    message: str  # German, for the user
    doc_id: str = ""
    chunks: int = 0
    pages: int | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage


log = logging.getLogger(__name__)

# How far a file's ingest has come: the share done (0 to 1) and a German line saying what
# („für die Suche aufbereitet: 640 von 1.243 Abschnitten“).
Progress = Callable[[float, str], None]
# Passages embedded between two progress reports.
_EMBED_BATCH = 128


def _read(path: Path, name: str, limits: FileLimits, progress: Progress) -> LoadedDocument:
    """The loaded file, refused when over `limits`; scanned pages report each recognised
    page as reading progress."""

    def page_read(done: int, total: int) -> None:
        progress(_READ_SHARE * done / total, f"Texterkennung: Seite {done} von {total}")

    token = ocr.PAGE_PROGRESS.set(page_read)
    try:
        return load_file(path, source_name=name, limits=limits)
    finally:
        ocr.PAGE_PROGRESS.reset(token)


def no_progress(share: float, text: str) -> None:
    """No progress shown (the CLI and scripts)."""


# Bump when loaders, cleaning or chunking change what a file turns into: documents
# processed by an older version are re-processed on their next ingest.
INGEST_VERSION = 16


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def file_hash(path: Path) -> str:
    """`content_hash` of a file's bytes, read in pieces: a file over the size limit is
    refused later without having been held in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for piece in iter(lambda: handle.read(1 << 20), b""):
            digest.update(piece)
    return digest.hexdigest()[:32]


def source_key_for(path: Path) -> str:
    """Identity of a file across re-ingests: its absolute path."""
    return str(path.resolve())


class IngestPipeline:
    """Ingests files into the workspace index of `settings`."""

    def __init__(
        self,
        settings: Settings,
        index: DocumentIndex,
        embedder: Embedder | None = None,
        indicators: IndicatorStore | None = None,
    ) -> None:
        self.settings = settings
        self.index = index
        self._embedder = embedder
        self.indicators = indicators

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings.embedding)
        return self._embedder

    def ingest_file(
        self,
        path: Path,
        source_name: str | None = None,
        source_key: str | None = None,
        progress: Progress = no_progress,
        *,
        guard: Guard = UNGUARDED,
    ) -> IngestResult:
        """Ingest one file; never raises for bad input, returns a refused result instead.
        `progress` hears what was read and how much of the embedding is done; `guard`
        checks the upload right (`PermissionDenied`) and logs what was stored."""
        name = source_name or path.name
        guard.require(Action.UPLOAD, name)
        key = source_key or source_key_for(path)
        try:
            doc_id = file_hash(path)
        except OSError as error:
            return _refused(name, f"Die Datei „{name}“ kann nicht gelesen werden ({error}).")

        with self.write_lock(progress):
            result = self._ingest_new_bytes(path, name, key, doc_id, progress)
        if result.status in (IngestStatus.INDEXED, IngestStatus.REPLACED):
            # Unchanged and refused files changed nothing: not an upload for the log.
            guard.record(
                audit.UPLOAD,
                result.source,
                doc_id=result.doc_id,
                status=str(result.status),
                chunks=result.chunks,
            )
        return result

    def write_lock(self, progress: Progress = no_progress) -> AbstractContextManager:
        """The workspace's write lock (re-entrant within a thread); `progress` hears once
        that another writer has it. Callers keeping a file in step with the index (uploads)
        hold it around the ingest and their own write."""

        def waiting() -> None:
            progress(0.0, "wartet, bis ein anderer Einlesevorgang fertig ist …")

        return workspace_write_lock(self.settings.data_dir, self.index.workspace, waiting)

    def _ingest_new_bytes(
        self, path: Path, name: str, key: str, doc_id: str, progress: Progress
    ) -> IngestResult:
        """Ingest a file's content unless it is stored already (under the write lock)."""
        existing = self.index.catalog.document(self.index.workspace, doc_id)
        stale = (
            existing is not None
            and existing.source == name
            and (self.index.catalog.signature(self.index.workspace, doc_id) != self.signature)
        )
        if existing is not None and not stale:
            same = existing.source == name
            message = (
                "Unverändert, bereits indexiert."
                if same
                else (
                    f"Inhaltsgleich mit bereits indexiertem „{existing.source}“; nicht doppelt "
                    "aufgenommen."
                )
            )
            if same:
                self._backfill_indicators(path, name, doc_id)
            return IngestResult(name, IngestStatus.UNCHANGED, message, doc_id, existing.chunk_count)
        try:
            return self._index_new(path, name, key, doc_id, progress, stale_copy=stale)
        except IngestError as error:
            return _refused(name, error.message)

    def _backfill_indicators(self, path: Path, name: str, doc_id: str) -> None:
        """Tables indexed before the indicator store existed get their values now."""
        ws = self.index.workspace
        if self.indicators is None or self.indicators.has_document(doc_id, ws):
            return
        table = self.indicators.prepare_table(path, self.settings.limits)
        if table.rows:
            self.indicators.write_table(doc_id, name, table, ws)

    @property
    def signature(self) -> str:
        """What a stored document's chunks and vectors depend on besides its bytes."""
        chunking = self.settings.chunking
        embedding = self.settings.embedding
        return (
            f"ingest={INGEST_VERSION};chunks={chunking.max_chars}/{chunking.min_chars}/"
            f"{chunking.table_rows};embedder={embedding.mode}:{embedding.model}"
        )

    def _index_new(
        self, path: Path, name: str, key: str, doc_id: str, progress: Progress, stale_copy: bool
    ) -> IngestResult:
        """Read, embed and write a file; `stale_copy`: its bytes are in the catalog already,
        processed by an older version, and that copy is replaced."""
        timings: dict[str, float] = {}
        start = time.perf_counter()
        limits = self.settings.limits
        document = _read(path, name, limits, progress)
        # Tables also become typed indicator values; parsed now so a bad table is refused
        # before anything is written.
        table = self.indicators.prepare_table(path, limits) if self.indicators else None
        meta = infer_metadata(document)
        chunks = chunk_document(
            document,
            max_chars=self.settings.chunking.max_chars,
            min_chars=self.settings.chunking.min_chars,
            table_rows=self.settings.chunking.table_rows,
        )
        if not chunks:
            raise IngestError(
                f"In „{name}“ wurde kein Text gefunden. Ist die Datei leer oder nur ein Bild?"
            )
        record = DocumentRecord(
            doc_id=doc_id,
            source=name,
            title=str(meta.get("title") or document.title or path.stem),
            doc_type=str(meta.get("doc_type") or "other"),
            format=document.format,
            year=_int_or_none(meta.get("year")),
            municipality=str(meta.get("municipality") or ""),
            area=str(meta.get("area") or ""),
            pages=document.page_count,
            rows=document.row_count,
            chunk_count=len(chunks),
            added_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        run = hashlib.sha256(self.signature.encode()).hexdigest()[:6]
        stored = [_stored_chunk(doc_id, run, c) for c in chunks]
        timings["parse"] = time.perf_counter() - start
        read = f"gelesen: {format_german(len(chunks), 0)} Abschnitte" + _tables(table)
        progress(_READ_SHARE, read)

        start = time.perf_counter()
        vectors = self._embedded([embedding_text(record, c) for c in stored], progress)
        timings["embed"] = time.perf_counter() - start
        progress(_WRITE_SHARE, "wird gespeichert …")

        start = time.perf_counter()
        predecessors = [
            d.doc_id for d in self.index.catalog.documents_for_source(self.index.workspace, key)
        ]
        if stale_copy and doc_id not in predecessors:
            # The same bytes, processed by an older version from another folder (the data
            # moved): their stale copy is replaced too.
            predecessors.append(doc_id)
        ws = self.index.workspace
        written = False

        def write_indicator_values() -> None:
            nonlocal written
            if self.indicators and table is not None and table.rows:
                self.indicators.write_table(doc_id, name, table, ws, replaces=predecessors)
                written = True

        try:
            self.index.add_document(
                record,
                key,
                stored,
                vectors,
                replaces=predecessors,
                signature=self.signature,
                before_commit=write_indicator_values,
            )
        except BaseException:
            if written and self.indicators:  # the catalog commit itself failed
                self.indicators.remove_document(doc_id, ws)
            raise
        timings["write"] = time.perf_counter() - start

        status = IngestStatus.REPLACED if predecessors else IngestStatus.INDEXED
        unit = f"{record.pages} Seiten, " if record.pages else ""
        message = f"{unit}{len(chunks)} Abschnitte" + (
            " (ältere Fassung ersetzt)" if predecessors else ""
        )
        notes = [*document.warnings]
        if table is not None and not table.rows:
            notes += table.notes  # why a table gave no indicator values
        if notes:
            message += " – Hinweis: " + " ".join(notes)
        return IngestResult(
            name, status, message, doc_id, len(chunks), document.page_count, timings
        )

    def _embedded(self, texts: list[str], progress: Progress) -> np.ndarray:
        """The passages' vectors, embedded in batches so progress can be shown."""
        parts = []
        for start in range(0, len(texts), _EMBED_BATCH):
            parts.append(self.embedder.encode(texts[start : start + _EMBED_BATCH]))
            done = min(start + _EMBED_BATCH, len(texts))
            share = _READ_SHARE + (_WRITE_SHARE - _READ_SHARE) * done / len(texts)
            progress(
                share,
                f"für die Suche aufbereitet: {format_german(done, 0)} von "
                f"{format_german(len(texts), 0)} Abschnitten",
            )
        return np.vstack(parts)

    def remove(self, doc_id: str) -> bool:
        """Delete a document from every store; False if it was not there."""
        with self.write_lock():
            removed = self.index.remove_document(doc_id)
            if self.indicators:
                self.indicators.remove_document(doc_id, self.index.workspace)
        return removed

    def reconcile(self) -> int:
        """Sweep what an interrupted run left outside the catalog and give catalog chunks
        that lost their vectors new ones; returns vectors removed. Holds the write lock:
        another run's vectors are only briefly outside the catalog, while it writes."""
        with self.write_lock():
            orphans, missing = self.index.vector_gaps()
            swept = self.index.sweep(orphans)
            self._restore_vectors(missing)
            if self.indicators:
                known = self.index.catalog.doc_ids(self.index.workspace)
                for table in self.indicators.documents(self.index.workspace):
                    if table.doc_id not in known:
                        self.indicators.remove_document(table.doc_id, self.index.workspace)
        return swept

    def _restore_vectors(self, missing: set[str]) -> int:
        """Embed again the catalog chunks whose vectors are missing (their text is in the
        catalog), so no stored document drops out of the dense search."""
        ws = self.index.workspace
        if not missing:
            return 0
        chunks = self.index.catalog.chunks_by_id(ws, sorted(missing))
        by_doc: dict[str, list[StoredChunk]] = {}
        for chunk in chunks.values():
            by_doc.setdefault(chunk.doc_id, []).append(chunk)
        for doc_id, doc_chunks in by_doc.items():
            record = self.index.catalog.document(ws, doc_id)
            if record is None:
                continue
            vectors = self.embedder.encode([embedding_text(record, c) for c in doc_chunks])
            self.index.add_vectors(record, doc_chunks, vectors)
        log.warning("%d Abschnitte ohne Vektor neu eingebettet", len(missing))
        return len(missing)

    def ingest_paths(
        self,
        paths: Iterable[Path],
        on_result: Callable[[IngestResult], None] | None = None,
    ) -> list[IngestResult]:
        """Ingest files and folders (recursively); one result per file, in order."""
        results = []
        for file in expand_paths(paths):
            result = self.ingest_file(file)
            results.append(result)
            if on_result:
                on_result(result)
        return results


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files under the given paths, sorted, without hidden files."""
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file() and not any(p.startswith(".") for p in file.parts[-1:]):
                    yield file
        else:
            yield path


# Shares of a file's progress bar reached when it has been read and when it is written.
_READ_SHARE = 0.15
_WRITE_SHARE = 0.95


def _tables(table: PreparedTable | None) -> str:
    """What a table file holds for the indicator store, for the progress line."""
    if table is None or not table.rows:
        return ""
    datasets = len({(r.get("sheet"), r.get("area_type")) for r in table.records})
    noun = "Datensatz" if datasets == 1 else "Datensätzen"
    return f", {format_german(table.rows, 0)} Tabellenwerte in {datasets} {noun}"


def embedding_text(record: DocumentRecord, chunk: StoredChunk) -> str:
    """What the dense encoder sees: the chunk with its document title for context.

    Without the cell separators of PDF tables, which the encoder reads as content."""
    return f"{record.title}\n{chunk.text.replace(CELL_SEPARATOR, ' ')}"


def _stored_chunk(doc_id: str, run: str, chunk: Chunk) -> StoredChunk:
    return StoredChunk(
        chunk_id=f"{doc_id}:{run}:{chunk.chunk_index:05d}",
        doc_id=doc_id,
        chunk_index=chunk.chunk_index,
        text=chunk.text,
        page=chunk.page,
        sheet=chunk.sheet,
        row=chunk.row,
        heading=chunk.heading,
        extra=dict(chunk.extra),
        terms=chunk_terms(f"{chunk.heading}\n{chunk.text}"),
    )


def _refused(name: str, message: str) -> IngestResult:
    return IngestResult(name, IngestStatus.REFUSED, message)


def _int_or_none(value: object) -> int | None:
    try:
        return int(value) if value is not None else None  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


__all__ = ["STATUS_LABELS", "SUPPORTED_SUFFIXES", "IngestPipeline", "IngestResult"]
