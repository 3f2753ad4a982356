"""BM25 over the German-normalised terms of every chunk in a workspace.

The index is derived from the catalog (which stores each chunk's terms) and follows the
catalog's version, so it can never drift from the committed documents. When the generation
moves on (a write by this or another process), the index re-reads only the documents the
catalog's change log names and updates their postings in place; it is built from the whole
catalog only when the log does not reach back that far. Every `_SNAPSHOT_EVERY` generations
(and after a full build) the index is saved under the data directory, so a new process
loads the newest snapshot and catches up from there.
"""

from __future__ import annotations

import os
import shutil
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

from assistant.index.catalog import Catalog, CatalogVersion
from assistant.index.filters import SearchFilters
from assistant.index.inverted_index import InvertedIndex, bm25_idf

# Generations between saved snapshots: a new process replays at most this many writes, and
# the writer pays for a save (a fraction of a second at 100k chunks) only this rarely.
_SNAPSHOT_EVERY = 20
_HISTORY_FILE = "history"


@dataclass(slots=True)
class _Snapshot:
    index: InvertedIndex
    version: CatalogVersion


class KeywordIndex:
    """BM25 search in one workspace, kept in step with the catalog."""

    def __init__(self, catalog: Catalog, directory: Path, workspace: str) -> None:
        self._catalog = catalog
        self._dir = directory / workspace
        self._workspace = workspace
        self._index: InvertedIndex | None = None
        self._version = CatalogVersion("", -1)  # what `_index` reflects
        self._saved = -1  # generation of the newest snapshot this object loaded or saved
        # Searches run while another thread may be updating the index in place.
        self._lock = threading.Lock()

    def search(
        self, terms: list[str], k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, BM25 score) pairs with a positive score, best first."""
        with self._lock:
            return self._current().search(terms, k, filters)

    def document_frequency(self, terms: list[str]) -> dict[str, int]:
        """In how many chunks each term occurs."""
        with self._lock:
            index = self._current()
            return {term: index.document_frequency(term) for term in terms}

    def size(self) -> int:
        """How many chunks the workspace holds (as indexed)."""
        with self._lock:
            return self._current().size()

    def idf(self, terms: list[str], unseen: float | None = None) -> dict[str, float]:
        """Inverse document frequency per term; a term found nowhere gets the maximum, or
        `unseen` if given."""
        with self._lock:
            index = self._current()
            frequencies = {term: index.document_frequency(term) for term in terms}
            return idf_of(frequencies, index.size(), unseen)

    def _current(self) -> InvertedIndex:
        """The index at the catalog's current version (the caller holds the lock)."""
        version = self._catalog.version(self._workspace)
        if self._index is not None and self._version == version:
            return self._index
        try:
            self._index = self._brought_to(version)
        except BaseException:
            self._index = None  # possibly half updated: never search it
            raise
        self._version = version
        if self._index.size() and version.generation - self._saved >= _SNAPSHOT_EVERY:
            self._save(self._index, version)
        return self._index

    def _brought_to(self, version: CatalogVersion) -> InvertedIndex:
        """The index in memory or the newest snapshot, caught up to `version`; a full build
        when neither can be."""
        if self._index is not None and self._catch_up(self._index, self._version, version):
            return self._index
        self._index = None  # free it before loading or building another
        snapshot = self._load(version.generation)
        if snapshot is not None and self._catch_up(snapshot.index, snapshot.version, version):
            self._saved = snapshot.version.generation
            return snapshot.index
        index = InvertedIndex()
        index.add(self._catalog.keyword_documents(self._workspace))
        self._saved = -_SNAPSHOT_EVERY  # a full build is always worth saving
        return index

    def _catch_up(self, index: InvertedIndex, have: CatalogVersion, want: CatalogVersion) -> bool:
        """Re-index the documents written since `have`; False (index untouched) when the
        catalog's change log cannot say which they are."""
        if have.history != want.history:
            return False
        changed = self._catalog.changed_documents(self._workspace, have.generation, want.generation)
        if changed is None:
            return False
        if changed:
            # Read first, then change: a failed read leaves the index as it was.
            documents = list(self._catalog.keyword_documents(self._workspace, changed))
            index.remove(changed)
            index.add(documents)
        return True

    def _save(self, index: InvertedIndex, version: CatalogVersion) -> None:
        target = self._dir / f"gen-{version.generation}"
        # Several processes (Streamlit instances) may save the same generation at once:
        # each writes its own folder and only the first rename wins.
        tmp = self._dir / f".gen-{version.generation}.{os.getpid()}.{threading.get_ident()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        index.save(tmp)
        (tmp / _HISTORY_FILE).write_text(version.history, encoding="utf-8")
        if target.exists() and not (target / _HISTORY_FILE).exists():
            shutil.rmtree(target, ignore_errors=True)  # left incomplete or by an old version
        try:
            tmp.rename(target)
        except OSError:  # another process saved this generation first; same content
            shutil.rmtree(tmp, ignore_errors=True)
        self._saved = version.generation
        for old in self._dir.glob("gen-*"):
            if old != target:
                shutil.rmtree(old, ignore_errors=True)

    def _load(self, at_most: int) -> _Snapshot | None:
        """The newest saved snapshot not newer than generation `at_most`, if any."""
        saved = sorted(
            (int(path.name[4:]), path)
            for path in self._dir.glob("gen-*")
            if path.name[4:].isdigit() and int(path.name[4:]) <= at_most
        )
        for generation, path in reversed(saved):
            try:
                history = (path / _HISTORY_FILE).read_text(encoding="utf-8")
                index = InvertedIndex.load(path)
            except (OSError, ValueError, KeyError, zipfile.BadZipFile):  # old, damaged, going
                continue
            return _Snapshot(index, CatalogVersion(history, generation))
        return None


def idf_of(
    frequencies: dict[str, int], chunks: int, unseen: float | None = None
) -> dict[str, float]:
    """BM25's inverse document frequency from document frequencies over `chunks` chunks."""
    return {
        term: unseen if df == 0 and unseen is not None else bm25_idf(df, chunks)
        for term, df in frequencies.items()
    }
