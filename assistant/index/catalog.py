"""The catalog: documents and chunk texts in SQLite.

The catalog is the commit point of every write. Vectors are written to the vector store
first; a document only exists once its catalog transaction commits. Vectors of documents
the catalog does not know (a crash between the two steps) are ignored by search and swept
by `DocumentIndex.reconcile`.

Every write also bumps the workspace's generation and logs which documents it touched, so
a keyword index at an older generation (in this or another process) can catch up by
re-reading those documents alone. The log keeps the last `_CHANGES_KEPT` generations; an
index further behind, or a write that touched everything (re-analysis), means a full build.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any, NamedTuple

from assistant.models import DocumentRecord
from ingest.structure import RowChunk

# How long a connection waits for another process's write to finish. An ingest holds the
# write lock for one document's commit, which on a slow disk or a large table can take
# longer than sqlite's default of 5 s; opening the catalog meanwhile failed with
# „database is locked“ in tests/test_concurrent_writers.py.
_BUSY_SECONDS = 120.0
# Switching a new file to WAL returns „locked“ at once, without waiting, while another
# process opens the same new file: the switch is tried again this often per second.
_RETRIES_PER_SECOND = 20

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    workspace TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    source_key TEXT NOT NULL,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    format TEXT NOT NULL,
    year INTEGER,
    municipality TEXT NOT NULL DEFAULT '',
    area TEXT NOT NULL DEFAULT '',
    pages INTEGER,
    rows INTEGER,
    chunk_count INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    signature TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (workspace, doc_id)
);
CREATE INDEX IF NOT EXISTS documents_source ON documents (workspace, source_key);
CREATE TABLE IF NOT EXISTS chunks (
    workspace TEXT NOT NULL,
    chunk_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    chunk_index INTEGER NOT NULL,
    text TEXT NOT NULL,
    page INTEGER,
    sheet TEXT,
    row INTEGER,
    heading TEXT NOT NULL DEFAULT '',
    extra TEXT NOT NULL DEFAULT '{}',
    terms TEXT NOT NULL,
    PRIMARY KEY (workspace, chunk_id)
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (workspace, doc_id);
CREATE TABLE IF NOT EXISTS generations (
    workspace TEXT PRIMARY KEY,
    generation INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS changes (
    workspace TEXT NOT NULL,
    generation INTEGER NOT NULL,
    doc_id TEXT NOT NULL,
    PRIMARY KEY (workspace, generation, doc_id)
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


@dataclass(slots=True)
class StoredChunk:
    """A chunk row as stored, with the document fields search results need."""

    chunk_id: str
    doc_id: str
    chunk_index: int
    text: str
    page: int | None
    sheet: str | None
    row: int | None
    heading: str
    extra: dict[str, Any]
    terms: list[str]
    source: str = ""
    title: str = ""
    doc_type: str = ""
    year: int | None = None
    area: str = ""


@dataclass(frozen=True, slots=True)
class DocumentFields:
    """The fields of a document that search filters read."""

    doc_id: str
    doc_type: str
    year: int | None
    area: str
    source: str

    def metadata(self) -> dict[str, Any]:
        """The fields as `SearchFilters.matches` reads them."""
        return {
            "doc_id": self.doc_id,
            "doc_type": self.doc_type,
            "year": self.year,
            "area": self.area,
            "source": self.source,
        }

    def row(self) -> list[Any]:
        """The fields in constructor order (to store and rebuild them)."""
        return [self.doc_id, self.doc_type, self.year, self.area, self.source]


# A document as the keyword index reads it: its fields, and per chunk its id and terms.
KeywordDocument = tuple[DocumentFields, list[tuple[str, list[str]]]]


class CatalogVersion(NamedTuple):
    """What a workspace's keyword index must match: the catalog's history (new after a
    restore, so a change log from another copy is never applied) and the generation."""

    history: str
    generation: int


# Generations of the change log kept per workspace (a few bytes per touched document).
_CHANGES_KEPT = 1000

_CHUNK_COLUMNS = (
    "c.chunk_id, c.doc_id, c.chunk_index, c.text, c.page, c.sheet, c.row, c.heading, "
    "c.extra, c.terms, d.source, d.title, d.doc_type, d.year, d.area"
)


def _when_unlocked(statement: Callable[[], object]) -> None:
    """Run a statement, again while SQLite answers „database is locked“ without waiting
    (two processes creating the same catalog at once), for at most `_BUSY_SECONDS`."""
    deadline = time.monotonic() + _BUSY_SECONDS
    while True:
        try:
            statement()
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(1 / _RETRIES_PER_SECOND)


class Catalog:
    """Documents and chunks of all workspaces in one SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=_BUSY_SECONDS
        )
        _when_unlocked(lambda: self._conn.execute("PRAGMA journal_mode=WAL"))
        self._conn.execute("PRAGMA synchronous=NORMAL")
        _when_unlocked(lambda: self._conn.executescript(_SCHEMA))

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: everything inside commits together or not at all."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # -- writes (call inside `transaction`) -------------------------------------------

    @staticmethod
    def insert_document(
        conn: sqlite3.Connection,
        workspace: str,
        source_key: str,
        record: DocumentRecord,
        signature: str = "",
    ) -> None:
        conn.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                workspace,
                record.doc_id,
                source_key,
                record.source,
                record.title,
                record.doc_type,
                record.format,
                record.year,
                record.municipality,
                record.area,
                record.pages,
                record.rows,
                record.chunk_count,
                record.added_at,
                signature,
            ),
        )

    @staticmethod
    def insert_chunks(
        conn: sqlite3.Connection, workspace: str, chunks: Sequence[StoredChunk]
    ) -> None:
        conn.executemany(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    workspace,
                    c.chunk_id,
                    c.doc_id,
                    c.chunk_index,
                    c.text,
                    c.page,
                    c.sheet,
                    c.row,
                    c.heading,
                    json.dumps(c.extra, ensure_ascii=False),
                    " ".join(c.terms),
                )
                for c in chunks
            ],
        )

    @staticmethod
    def delete_document(conn: sqlite3.Connection, workspace: str, doc_id: str) -> None:
        conn.execute("DELETE FROM chunks WHERE workspace=? AND doc_id=?", (workspace, doc_id))
        conn.execute("DELETE FROM documents WHERE workspace=? AND doc_id=?", (workspace, doc_id))

    @staticmethod
    def bump_generation(
        conn: sqlite3.Connection, workspace: str, doc_ids: Collection[str] = ()
    ) -> None:
        """Mark a write of the workspace that added, removed or changed `doc_ids`; without
        any, the write counts as having changed everything."""
        conn.execute(
            "INSERT INTO generations VALUES (?, 1) ON CONFLICT(workspace) "
            "DO UPDATE SET generation = generation + 1",
            (workspace,),
        )
        (generation,) = conn.execute(
            "SELECT generation FROM generations WHERE workspace=?", (workspace,)
        ).fetchone()
        conn.executemany(
            "INSERT OR IGNORE INTO changes VALUES (?,?,?)",
            [(workspace, generation, doc_id) for doc_id in doc_ids],
        )
        conn.execute(
            "DELETE FROM changes WHERE workspace=? AND generation<=?",
            (workspace, generation - _CHANGES_KEPT),
        )

    def new_history(self) -> None:
        """Start a new history (after a restore): keyword indexes built from another copy
        of the catalog are rebuilt instead of caught up from this copy's change log."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO meta VALUES ('history', ?) ON CONFLICT(key) DO UPDATE SET value=?",
                (secrets.token_hex(8),) * 2,
            )

    def reanalyze(self, analyze: Callable[[str], list[str]], version: str) -> None:
        """Recompute every chunk's terms after the text analysis changed (once per change)."""
        if self.meta("analyzer") == version:
            return
        with self.transaction() as conn:
            rows = conn.execute("SELECT workspace, chunk_id, heading, text FROM chunks").fetchall()
            conn.executemany(
                "UPDATE chunks SET terms=? WHERE workspace=? AND chunk_id=?",
                [(" ".join(analyze(f"{h}\n{t}")), w, c) for w, c, h, t in rows],
            )
            for (workspace,) in conn.execute("SELECT DISTINCT workspace FROM chunks").fetchall():
                Catalog.bump_generation(conn, workspace)  # every chunk changed: full builds
            conn.execute(
                "INSERT INTO meta VALUES ('analyzer', ?) ON CONFLICT(key) DO UPDATE SET value=?",
                (version, version),
            )

    # -- reads -------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def generation(self, workspace: str) -> int:
        return self.version(workspace).generation

    def version(self, workspace: str) -> CatalogVersion:
        history, generation = self._conn.execute(
            "SELECT (SELECT value FROM meta WHERE key='history'), "
            "(SELECT generation FROM generations WHERE workspace=?)",
            (workspace,),
        ).fetchone()
        return CatalogVersion(history or "", int(generation or 0))

    def changed_documents(self, workspace: str, since: int, until: int) -> set[str] | None:
        """The documents written after generation `since` up to `until`; None when the log
        does not tell (a write that changed everything, or one older than the log)."""
        if until < since:
            return None
        rows = self._conn.execute(
            "SELECT generation, doc_id FROM changes "
            "WHERE workspace=? AND generation>? AND generation<=?",
            (workspace, since, until),
        ).fetchall()
        if len({generation for generation, _ in rows}) != until - since:
            return None
        return {doc_id for _, doc_id in rows}

    def keyword_documents(
        self, workspace: str, doc_ids: Collection[str] | None = None
    ) -> Iterator[KeywordDocument]:
        """Per document (all, or the given ones that exist): its filter fields and its
        chunks' ids and terms — what the keyword index needs and nothing more, streamed."""
        query = (
            "SELECT c.doc_id, d.doc_type, d.year, d.area, d.source, c.chunk_id, c.terms "
            "FROM chunks c JOIN documents d ON d.workspace = c.workspace AND d.doc_id = c.doc_id "
            "WHERE c.workspace=? {} ORDER BY c.doc_id, c.chunk_id"
        )
        selections: list[tuple[str, list[str]]] = [("", [])]
        if doc_ids is not None:
            wanted = sorted(doc_ids)
            batches = [wanted[i : i + 500] for i in range(0, len(wanted), 500)]
            selections = [(f"AND c.doc_id IN ({','.join('?' * len(b))})", b) for b in batches]
        for where, batch in selections:
            rows = self._conn.execute(query.format(where), (workspace, *batch))
            for _, group in groupby(rows, key=lambda row: row[0]):
                chunks = list(group)
                fields = DocumentFields(*chunks[0][:5])
                yield fields, [(row[5], row[6].split()) for row in chunks]

    def document(self, workspace: str, doc_id: str) -> DocumentRecord | None:
        rows = self._documents("WHERE workspace=? AND doc_id=?", (workspace, doc_id))
        return rows[0] if rows else None

    def signature(self, workspace: str, doc_id: str) -> str | None:
        """How the document was processed (ingest version, chunking, embedder)."""
        row = self._conn.execute(
            "SELECT signature FROM documents WHERE workspace=? AND doc_id=?", (workspace, doc_id)
        ).fetchone()
        return row[0] if row else None

    def chunk_ids(self, workspace: str, doc_ids: Sequence[str] | None = None) -> set[str]:
        """Chunk ids of the given documents, or of the whole workspace."""
        if doc_ids is None:
            rows = self._conn.execute("SELECT chunk_id FROM chunks WHERE workspace=?", (workspace,))
            return {r[0] for r in rows}
        found: set[str] = set()
        for doc_id in doc_ids:
            rows = self._conn.execute(
                "SELECT chunk_id FROM chunks WHERE workspace=? AND doc_id=?", (workspace, doc_id)
            )
            found.update(r[0] for r in rows)
        return found

    def documents_for_source(self, workspace: str, source_key: str) -> list[DocumentRecord]:
        return self._documents("WHERE workspace=? AND source_key=?", (workspace, source_key))

    def documents(self, workspace: str) -> list[DocumentRecord]:
        return self._documents("WHERE workspace=? ORDER BY source, doc_id", (workspace,))

    def doc_ids(self, workspace: str) -> set[str]:
        rows = self._conn.execute("SELECT doc_id FROM documents WHERE workspace=?", (workspace,))
        return {r[0] for r in rows}

    def chunk_count(self, workspace: str) -> int:
        row = self._conn.execute("SELECT COUNT(*) FROM chunks WHERE workspace=?", (workspace,))
        return int(row.fetchone()[0])

    def chunks_by_id(self, workspace: str, chunk_ids: Sequence[str]) -> dict[str, StoredChunk]:
        """Chunks with their document fields; ids of uncommitted documents are absent."""
        found: dict[str, StoredChunk] = {}
        for start in range(0, len(chunk_ids), 500):
            batch = list(chunk_ids[start : start + 500])
            marks = ",".join("?" * len(batch))
            rows = self._conn.execute(
                f"SELECT {_CHUNK_COLUMNS} FROM chunks c JOIN documents d "
                "ON d.workspace = c.workspace AND d.doc_id = c.doc_id "
                f"WHERE c.workspace=? AND c.chunk_id IN ({marks})",
                (workspace, *batch),
            )
            for row in rows:
                chunk = _chunk_from_row(row)
                found[chunk.chunk_id] = chunk
        return found

    def chunk_at(self, workspace: str, doc_id: str, chunk_index: int) -> StoredChunk | None:
        """The chunk of a document at a position (its neighbours, in reading order)."""
        row = self._conn.execute(
            f"SELECT {_CHUNK_COLUMNS} FROM chunks c JOIN documents d "
            "ON d.workspace = c.workspace AND d.doc_id = c.doc_id "
            "WHERE c.workspace=? AND c.doc_id=? AND c.chunk_index=?",
            (workspace, doc_id, chunk_index),
        ).fetchone()
        return _chunk_from_row(row) if row else None

    def document_chunks(self, workspace: str, doc_id: str) -> list[StoredChunk]:
        """The chunks of a document in reading order."""
        rows = self._conn.execute(
            f"SELECT {_CHUNK_COLUMNS} FROM chunks c JOIN documents d "
            "ON d.workspace = c.workspace AND d.doc_id = c.doc_id "
            "WHERE c.workspace=? AND c.doc_id=? ORDER BY c.chunk_index",
            (workspace, doc_id),
        ).fetchall()
        return [_chunk_from_row(row) for row in rows]

    def section_start(
        self, workspace: str, doc_id: str, opens: Callable[[str], bool]
    ) -> StoredChunk | None:
        """The first chunk of a document whose heading path `opens` accepts (the section
        a cross-reference names)."""
        rows = self._conn.execute(
            "SELECT chunk_index, heading FROM chunks WHERE workspace=? AND doc_id=? "
            "ORDER BY chunk_index",
            (workspace, doc_id),
        ).fetchall()
        first = next((index for index, heading in rows if opens(heading or "")), None)
        return None if first is None else self.chunk_at(workspace, doc_id, first)

    def table_row(
        self, workspace: str, doc_id: str, sheet: str | None, row: int
    ) -> StoredChunk | None:
        """The chunk holding one table row, narrowed to that row: its text is the header
        line and the row ("Spalte | …" then "Spalte: Wert; …"), `row` and `rows` name it."""
        found = self._conn.execute(
            f"SELECT {_CHUNK_COLUMNS} FROM chunks c JOIN documents d "
            "ON d.workspace = c.workspace AND d.doc_id = c.doc_id "
            "WHERE c.workspace=? AND c.doc_id=? AND c.sheet IS ? AND c.row<=? "
            "ORDER BY c.row DESC LIMIT 1",
            (workspace, doc_id, sheet, row),
        ).fetchone()
        if found is None:
            return None
        chunk = _chunk_from_row(found)
        rows = chunk.extra.get("rows") or []
        if row not in rows:
            return None
        table = RowChunk.of(chunk.text)
        if len(table.rows) != len(rows):
            return None
        chunk.text = f"{table.header}\n{table.rows[rows.index(row)]}".strip()
        chunk.row = row
        chunk.extra = {**chunk.extra, "rows": [row], "row_end": row}
        return chunk

    def all_chunks(self, workspace: str) -> list[StoredChunk]:
        rows = self._conn.execute(
            f"SELECT {_CHUNK_COLUMNS} FROM chunks c JOIN documents d "
            "ON d.workspace = c.workspace AND d.doc_id = c.doc_id "
            "WHERE c.workspace=? ORDER BY c.chunk_id",
            (workspace,),
        )
        return [_chunk_from_row(r) for r in rows]

    def _documents(self, where: str, params: tuple[Any, ...]) -> list[DocumentRecord]:
        rows = self._conn.execute(
            "SELECT doc_id, source, title, doc_type, format, year, municipality, area, pages, "
            f"rows, chunk_count, added_at FROM documents {where}",
            params,
        )
        return [DocumentRecord(*r) for r in rows]


def _chunk_from_row(row: Sequence[Any]) -> StoredChunk:
    return StoredChunk(
        chunk_id=row[0],
        doc_id=row[1],
        chunk_index=row[2],
        text=row[3],
        page=row[4],
        sheet=row[5],
        row=row[6],
        heading=row[7],
        extra=json.loads(row[8]),
        terms=row[9].split(),
        source=row[10],
        title=row[11],
        doc_type=row[12],
        year=row[13],
        area=row[14],
    )
