"""The index of one workspace: catalog, vectors and BM25 written as one unit per document."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Sequence

import numpy as np

from assistant.index.catalog import Catalog, StoredChunk
from assistant.index.keyword_index import KeywordIndex
from assistant.index.vector_store import ChromaVectorStore
from assistant.language.german import ANALYZER_VERSION, analyze
from assistant.models import DocumentRecord
from assistant.platform.config import Settings

log = logging.getLogger(__name__)


class DocumentIndex:
    """Writes and deletes documents all or nothing across the vector store and the catalog.

    Order of a write: vectors first, then one catalog transaction that removes the
    document's predecessor and inserts the new document. The catalog commit is the moment
    the change becomes visible; if anything fails before it, the new vectors are deleted
    again and the previous state is untouched. A hard crash between the two steps leaves
    only orphan vectors, which search ignores and `reconcile` removes.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.workspace = settings.workspace
        self.catalog = Catalog(settings.catalog_path)
        self.catalog.reanalyze(chunk_terms, str(ANALYZER_VERSION))
        self._vectors: ChromaVectorStore | None = None
        self._vectors_lock = threading.Lock()
        self._parent: DocumentIndex | None = None
        self.keywords = KeywordIndex(self.catalog, settings.data_dir / "bm25", self.workspace)
        self._owner = True

    def close(self) -> None:
        if self._owner:
            self.catalog.close()

    def view(self, workspace: str) -> DocumentIndex:
        """The same stores seen from another workspace (shares catalog and vector client).

        Used to search attached knowledge bases; closing a view leaves the stores open.
        """
        other = object.__new__(DocumentIndex)
        other.settings = self.settings.model_copy(update={"workspace": workspace})
        other.workspace = workspace
        other.catalog = self.catalog
        other._parent = self
        other.keywords = KeywordIndex(self.catalog, self.settings.data_dir / "bm25", workspace)
        other._owner = False
        return other

    @property
    def vectors(self) -> ChromaVectorStore:
        """The vector store, opened on first use (a view uses its parent's): importing
        Chroma takes about half a second, which whatever reads only the catalog (the
        chat's first page, `planwerk sources`) need not wait for."""
        if self._parent is not None:
            return self._parent.vectors
        with self._vectors_lock:  # sessions share the index; one client for all
            if self._vectors is None:
                self._vectors = ChromaVectorStore(self.settings)
            return self._vectors

    def add_document(
        self,
        record: DocumentRecord,
        source_key: str,
        chunks: Sequence[StoredChunk],
        vectors: np.ndarray,
        replaces: Sequence[str] = (),
        signature: str = "",
        before_commit: Callable[[], None] | None = None,
    ) -> None:
        """Store a document and drop the documents it `replaces`, as one unit.

        New chunk ids must differ from the replaced ones (the pipeline puts the processing
        signature into them), so a failure can always fall back to the old vectors.
        `before_commit` runs inside the catalog transaction: if it raises, nothing of the
        document is kept (other stores of the pipeline hook in here).
        """
        new_ids = [c.chunk_id for c in chunks]
        old_ids = self.catalog.chunk_ids(self.workspace, replaces) - set(new_ids)
        metadatas = [_vector_metadata(record, c) for c in chunks]
        try:
            self.vectors.add(self.workspace, new_ids, vectors, metadatas)
            with self.catalog.transaction() as conn:
                for old_doc_id in replaces:
                    Catalog.delete_document(conn, self.workspace, old_doc_id)
                Catalog.insert_document(conn, self.workspace, source_key, record, signature)
                Catalog.insert_chunks(conn, self.workspace, chunks)
                Catalog.bump_generation(conn, self.workspace, [*replaces, record.doc_id])
                if before_commit is not None:
                    before_commit()
        except BaseException:
            # Only what this run wrote: ids another writer committed meanwhile stay.
            self._forget_vectors(set(new_ids) - self.catalog.chunk_ids(self.workspace))
            raise
        self._forget_vectors(old_ids)

    def remove_document(self, doc_id: str) -> bool:
        """Delete a document everywhere; False if it was not there."""
        if self.catalog.document(self.workspace, doc_id) is None:
            return False
        ids = self.catalog.chunk_ids(self.workspace, [doc_id])
        with self.catalog.transaction() as conn:
            Catalog.delete_document(conn, self.workspace, doc_id)
            Catalog.bump_generation(conn, self.workspace, [doc_id])
        self._forget_vectors(ids)
        return True

    def vector_gaps(self) -> tuple[set[str], set[str]]:
        """Vectors the catalog does not know (left by a crash), and catalog chunks whose
        vectors are gone (a crash or a race of earlier versions): both sets from one read
        of each store."""
        stored = self.vectors.ids(self.workspace)
        cataloged = self.catalog.chunk_ids(self.workspace)
        return stored - cataloged, cataloged - stored

    def add_vectors(
        self, record: DocumentRecord, chunks: Sequence[StoredChunk], vectors: np.ndarray
    ) -> None:
        """Vectors for chunks the catalog already holds (see `vector_gaps`)."""
        metadatas = [_vector_metadata(record, c) for c in chunks]
        self.vectors.add(self.workspace, [c.chunk_id for c in chunks], vectors, metadatas)

    def reconcile(self) -> int:
        """Remove vectors the catalog does not know; returns how many."""
        return self.sweep(self.vector_gaps()[0])

    def sweep(self, orphans: Collection[str]) -> int:
        """Remove the given vectors the catalog does not know; returns how many."""
        self._forget_vectors(orphans)
        return len(orphans)

    def documents(self) -> list[DocumentRecord]:
        return self.catalog.documents(self.workspace)

    def find_documents(self, doc_id_or_source: str) -> list[DocumentRecord]:
        """The documents a content hash (or a prefix of at least four characters) or a
        file name names; two uploads of „Bericht.md“ from different folders are two."""
        wanted = doc_id_or_source.strip()
        return [
            record
            for record in self.documents()
            if record.source == wanted
            or (len(wanted) >= _MIN_ID_PREFIX and record.doc_id.startswith(wanted))
        ]

    def _forget_vectors(self, ids: Collection[str]) -> None:
        if not ids:
            return
        try:
            self.vectors.delete(self.workspace, list(ids))
        except Exception:  # the catalog is authoritative; reconcile sweeps leftovers
            log.warning("%d Vektoren konnten nicht gelöscht werden", len(ids), exc_info=True)


def chunk_terms(heading_and_text: str) -> list[str]:
    """The BM25 terms stored for a chunk (its heading path, a newline, its text)."""
    return analyze(heading_and_text)


# The shortest document-ID prefix accepted (shorter ones name too many documents).
_MIN_ID_PREFIX = 4


def _vector_metadata(record: DocumentRecord, chunk: StoredChunk) -> dict[str, object]:
    return {
        "doc_id": record.doc_id,
        "source": record.source,
        "doc_type": record.doc_type,
        "year": record.year,
        "area": record.area,
        "page": chunk.page,
        "sheet": chunk.sheet,
        "row": chunk.row,
    }
