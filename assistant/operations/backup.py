"""Backup and restore of every store Planwerk keeps, as one archive (`.tar.gz`).

What goes in:

- the catalog (`catalog.sqlite3`: documents and chunk texts), as a consistent SQLite copy;
- the app database (indicators, threads, drafts, users, roles, audit log): a SQLite copy,
  or `pg_dump --format=custom` for PostgreSQL;
- the vectors: a copy of the embedded Chroma folder, or for a Chroma server an export of
  every `planwerk-*` collection (ids, vectors, metadata);
- uploaded original files (`uploads/`).

The BM25 snapshots are derived from the catalog and rebuilt on first use; they are left out.
Restore puts everything back into an empty data directory (and an empty database or
Chroma server); it refuses to overwrite existing data unless `force` is given. Back up
while nobody is uploading: the copy is consistent per store, not across stores that are
being written at the same moment.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

from assistant.index.catalog import Catalog
from assistant.platform.config import Settings
from assistant.platform.db import forget_engine, raw_engine

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_EXPORT_PAGE = 5000


class BackupError(RuntimeError):
    """A backup or restore that cannot go on (German message saying what to do)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class BackupReport:
    path: Path
    bytes: int
    database: str  # "sqlite" | "postgresql"
    vector_store: str  # "chroma" | "chroma-server"
    collections: dict[str, int] = field(default_factory=dict)  # exported: name -> vectors
    chunks: dict[str, int] = field(default_factory=dict)  # workspace -> chunks (catalog)
    documents: int = 0
    uploads: int = 0


@dataclass(slots=True)
class RestoreReport:
    source: Path
    created_at: str
    database: str
    vector_store: str
    collections: dict[str, int] = field(default_factory=dict)  # imported: name -> vectors
    chunks: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    uploads: int = 0
    warnings: list[str] = field(default_factory=list)


# ---- backup ----------------------------------------------------------------------------


def backup(settings: Settings, target: Path) -> BackupReport:
    """Write an archive of all stores of `settings` to `target` (a `.tar.gz` file)."""
    target = target.resolve()
    if target.exists() and target.is_dir():
        target = target / f"planwerk-sicherung-{_stamp()}.tar.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    database = _database_kind(settings)
    report = BackupReport(target, 0, database, settings.vector_store.mode)
    with tempfile.TemporaryDirectory(prefix=".planwerk-backup-", dir=target.parent) as tmp:
        stage = Path(tmp) / "planwerk-backup"
        stage.mkdir()
        if settings.catalog_path.exists():
            _sqlite_copy(settings.catalog_path, stage / "catalog.sqlite3")
            report.documents = _count_rows(stage / "catalog.sqlite3", "documents")
            report.chunks = _chunks_per_workspace(stage / "catalog.sqlite3")
        (stage / "database").mkdir()
        if database == "sqlite":
            path = _sqlite_path(settings.database)
            if path.exists():
                _sqlite_copy(path, stage / "database" / "planwerk.sqlite3")
        else:
            _pg_dump(settings.database, stage / "database" / "planwerk.pgdump")
        if settings.vector_store.mode == "chroma":
            if settings.chroma_path.exists():
                _copy_chroma_folder(settings.chroma_path, stage / "chroma")
        else:
            report.collections = _export_vectors(_server_client(settings), stage / "vectors")
        uploads = settings.data_dir / "uploads"
        if uploads.exists():
            shutil.copytree(uploads, stage / "uploads", ignore=shutil.ignore_patterns(".incoming"))
            report.uploads = sum(1 for p in (stage / "uploads").rglob("*") if p.is_file())
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": database,
            "vector_store": settings.vector_store.mode,
            "collections": report.collections,
            "chunks": report.chunks,
            "documents": report.documents,
            "uploads": report.uploads,
            "embedding": settings.embedding.model_dump(),
            "migration": _revision_of(settings),
        }
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            archive.add(stage, arcname="planwerk-backup")
        os.replace(partial, target)
    report.bytes = target.stat().st_size
    return report


# ---- restore ---------------------------------------------------------------------------


def restore(settings: Settings, archive: Path, *, force: bool = False) -> RestoreReport:
    """Put the stores of `archive` into the data directory, database and vector store of
    `settings`. Refuses to overwrite data that is there unless `force`."""
    if not archive.is_file():
        raise BackupError(f"Die Sicherung „{archive}“ gibt es nicht.")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".planwerk-restore-", dir=settings.data_dir) as tmp:
        stage = _extract(archive, Path(tmp))
        manifest = json.loads((stage / MANIFEST).read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(
                f"Die Sicherung hat das Format {manifest.get('format')}, diese Planwerk-Version "
                f"liest Format {FORMAT_VERSION}."
            )
        database = _database_kind(settings)
        if manifest["database"] != database:
            raise BackupError(
                f"Die Sicherung enthält eine {_DB_LABELS[manifest['database']]}-Datenbank, "
                f"eingestellt ist {_DB_LABELS[database]}. Bitte mit derselben Datenbankart "
                "wiederherstellen (PLANWERK_DATABASE_URL)."
            )
        report = RestoreReport(
            archive,
            manifest["created_at"],
            database,
            settings.vector_store.mode,
            chunks=dict(manifest.get("chunks", {})),
            documents=int(manifest.get("documents", 0)),
            uploads=int(manifest.get("uploads", 0)),
        )
        if manifest.get("embedding") != settings.embedding.model_dump():
            report.warnings.append(
                "Die Sicherung wurde mit anderen Embedding-Einstellungen erstellt; Planwerk "
                "sucht Vektoren unter den eingestellten. Bitte die Einstellungen der Sicherung "
                f"verwenden: {manifest.get('embedding')}."
            )
        if not force:
            _refuse_if_not_empty(settings, stage)
        forget_engine(settings)
        _restore_catalog(settings, stage)
        _restore_database(settings, stage)
        report.collections = _restore_vectors(settings, stage, force)
        _restore_uploads(settings, stage)
        shutil.rmtree(settings.data_dir / "bm25", ignore_errors=True)  # derived; rebuilt
    return report


def _refuse_if_not_empty(settings: Settings, stage: Path) -> None:
    found: list[str] = []
    if settings.catalog_path.exists() and _count_rows(settings.catalog_path, "documents"):
        found.append(f"Dokumente im Katalog ({settings.catalog_path})")
    if _database_has_rows(settings):
        found.append("Einträge in der Datenbank")
    if settings.vector_store.mode == "chroma":
        if settings.chroma_path.exists() and any(settings.chroma_path.iterdir()):
            found.append(f"Vektoren ({settings.chroma_path})")
    else:
        client = _server_client(settings)
        wanted = set(_collections_in(stage))
        if any(c in wanted and n for c, n in _collection_counts(client).items()):
            found.append("Vektoren auf dem Chroma-Server")
    uploads = settings.data_dir / "uploads"
    if uploads.exists() and any(p.is_file() for p in uploads.rglob("*")):
        found.append(f"hochgeladene Dateien ({uploads})")
    if found:
        raise BackupError(
            "Das Ziel ist nicht leer: "
            + "; ".join(found)
            + ". Bitte in ein leeres Datenverzeichnis (und eine leere Datenbank) "
            "wiederherstellen, oder mit --force überschreiben."
        )


def _restore_catalog(settings: Settings, stage: Path) -> None:
    source = stage / "catalog.sqlite3"
    if not source.exists():
        return
    _replace_sqlite(source, settings.catalog_path)
    # Running processes may hold keyword indexes of the replaced catalog: they must rebuild,
    # not apply the restored copy's change log to them.
    catalog = Catalog(settings.catalog_path)
    try:
        catalog.new_history()
    finally:
        catalog.close()


def _restore_database(settings: Settings, stage: Path) -> None:
    folder = stage / "database"
    if _database_kind(settings) == "sqlite":
        source = folder / "planwerk.sqlite3"
        if source.exists():
            _replace_sqlite(source, _sqlite_path(settings.database))
    else:
        _pg_restore(settings.database, folder / "planwerk.pgdump")


def _restore_vectors(settings: Settings, stage: Path, force: bool) -> dict[str, int]:
    folder, export = stage / "chroma", stage / "vectors"
    if settings.vector_store.mode == "chroma":
        # Clients of this process must not keep a replaced folder open.
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    if settings.vector_store.mode == "chroma" and folder.exists():
        shutil.rmtree(settings.chroma_path, ignore_errors=True)
        shutil.copytree(folder, settings.chroma_path)
        return {}
    if not folder.exists() and not export.exists():
        return {}
    collections = (
        _read_export(export) if export.exists() else _read_client(_client_for_path(folder))
    )
    client = (
        _server_client(settings)
        if settings.vector_store.mode == "chroma-server"
        else _client_for_path(settings.chroma_path)
    )
    return _import_vectors(client, collections, replace=force)


def _restore_uploads(settings: Settings, stage: Path) -> None:
    source = stage / "uploads"
    if source.exists():
        target = settings.data_dir / "uploads"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)


def _extract(archive: Path, into: Path) -> Path:
    try:
        with tarfile.open(archive, "r:*") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"Die Sicherung „{archive}“ lässt sich nicht lesen ({error}).") from error
    stage = into / "planwerk-backup"
    if not (stage / MANIFEST).exists():
        raise BackupError(f"„{archive}“ ist keine Planwerk-Sicherung (manifest.json fehlt).")
    return stage


# ---- SQLite ----------------------------------------------------------------------------


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (the online backup API)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def _replace_sqlite(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    partial = target.with_name(target.name + ".restore")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def _chunks_per_workspace(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT workspace, COUNT(*) FROM chunks GROUP BY workspace")
        return {str(w): int(n) for w, n in rows}
    except sqlite3.OperationalError:  # no such table
        return {}
    finally:
        conn.close()


def _count_rows(path: Path, table: str) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:  # no such table
        return 0
    finally:
        conn.close()


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("Eine Datenbank im Arbeitsspeicher lässt sich nicht sichern.")
    return Path(database)


_DB_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _database_kind(settings: Settings) -> str:
    backend = make_url(settings.database).get_backend_name()
    if backend not in _DB_LABELS:
        raise BackupError(f"Sicherungen gibt es für SQLite und PostgreSQL, nicht für „{backend}“.")
    return backend


def _database_has_rows(settings: Settings) -> bool:
    if _database_kind(settings) == "sqlite" and not _sqlite_path(settings.database).exists():
        return False
    engine = raw_engine(settings.database)
    try:
        with engine.connect() as conn:
            tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
            return any(
                conn.execute(text(f'SELECT 1 FROM "{t}" LIMIT 1')).first() is not None
                for t in tables
            )
    finally:
        engine.dispose()


def _revision_of(settings: Settings) -> str | None:
    if _database_kind(settings) == "sqlite" and not _sqlite_path(settings.database).exists():
        return None
    engine = raw_engine(settings.database)
    try:
        from assistant.platform.migrations import current_revision

        return current_revision(engine)
    finally:
        engine.dispose()


# ---- PostgreSQL ------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """pg_dump / pg_restore: on PATH, else the newest of Debian's versioned folders."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if candidates:
        return str(candidates[-1])
    raise BackupError(
        f"„{name}“ wurde nicht gefunden. Bitte die PostgreSQL-Clientprogramme installieren "
        "(Debian/Ubuntu: apt-get install postgresql-client), in der Version des Servers."
    )


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without password, and the environment carrying it."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_dump(url: str, target: Path) -> None:
    uri, env = _libpq(url)
    _run(
        [
            _pg_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
            f"--dbname={uri}",
        ],
        env,
        "Sichern der PostgreSQL-Datenbank",
    )


def _pg_restore(url: str, dump: Path) -> None:
    if not dump.exists():
        raise BackupError("Die Sicherung enthält keine PostgreSQL-Datenbank (planwerk.pgdump).")
    uri, env = _libpq(url)
    _run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={uri}",
            str(dump),
        ],
        env,
        "Wiederherstellen der PostgreSQL-Datenbank",
    )


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise BackupError(f"{what} ist fehlgeschlagen: {' '.join(detail)}")


# ---- Chroma ----------------------------------------------------------------------------


def _copy_chroma_folder(source: Path, target: Path) -> None:
    """Segment files first, then a consistent copy of Chroma's SQLite (its write log): on
    load Chroma replays log entries newer than the segments."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("chroma.sqlite3*"))
    database = source / "chroma.sqlite3"
    if database.exists():
        _sqlite_copy(database, target / "chroma.sqlite3")


def _client_for_path(path: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False)
    )


def _server_client(settings: Settings) -> Any:
    from assistant.index.vector_store import make_client

    try:
        return make_client(settings)
    except Exception as error:
        store = settings.vector_store
        raise BackupError(
            f"Der Chroma-Server unter {store.host}:{store.port} ist nicht erreichbar ({error}). "
            "Bitte den Server starten („chroma run --path …“) und erneut versuchen."
        ) from error


def _planwerk_collections(client: Any) -> list[Any]:
    from assistant.index.vector_store import COLLECTION_PREFIX

    return sorted(
        (c for c in client.list_collections() if c.name.startswith(COLLECTION_PREFIX)),
        key=lambda c: c.name,
    )


def _collection_counts(client: Any) -> dict[str, int]:
    return {c.name: int(c.count()) for c in _planwerk_collections(client)}


@dataclass(slots=True)
class _Vectors:
    name: str
    ids: list[str]
    embeddings: np.ndarray
    metadatas: list[dict[str, Any] | None]  # Chroma rejects empty metadata: None instead


def _read_client(client: Any) -> Iterator[_Vectors]:
    """Every planwerk collection of a client, in the order Chroma stored the vectors."""
    for collection in _planwerk_collections(client):
        ids: list[str] = []
        vectors: list[np.ndarray] = []
        metadatas: list[dict[str, Any] | None] = []
        offset = 0
        while True:
            page = collection.get(
                include=["embeddings", "metadatas"], limit=_EXPORT_PAGE, offset=offset
            )
            ids += page["ids"]
            if len(page["ids"]):
                vectors.append(np.asarray(page["embeddings"], dtype=np.float32))
            metadatas += [dict(m) if m else None for m in page["metadatas"]]
            if len(page["ids"]) < _EXPORT_PAGE:
                break
            offset += _EXPORT_PAGE
        embeddings = np.concatenate(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)
        yield _Vectors(collection.name, ids, embeddings, metadatas)


def _export_vectors(client: Any, folder: Path) -> dict[str, int]:
    folder.mkdir()
    counts = {}
    for vectors in _read_client(client):
        np.save(folder / f"{vectors.name}.npy", vectors.embeddings, allow_pickle=False)
        (folder / f"{vectors.name}.json").write_text(
            json.dumps({"ids": vectors.ids, "metadatas": vectors.metadatas}, ensure_ascii=False)
        )
        counts[vectors.name] = len(vectors.ids)
    return counts


def _collections_in(stage: Path) -> list[str]:
    manifest = json.loads((stage / MANIFEST).read_text())
    return list(manifest.get("collections", {}))


def _read_export(folder: Path) -> Iterator[_Vectors]:
    for meta in sorted(folder.glob("*.json")):
        name = meta.stem
        data = json.loads(meta.read_text())
        embeddings = np.load(folder / f"{name}.npy", allow_pickle=False)
        yield _Vectors(name, data["ids"], embeddings, data["metadatas"])


def _import_vectors(client: Any, collections: Iterator[_Vectors], replace: bool) -> dict[str, int]:
    from assistant.index.vector_store import COLLECTION_CONFIGURATION

    counts: dict[str, int] = {}
    existing = {c.name for c in client.list_collections()}
    for vectors in collections:
        if vectors.name in existing:
            if not replace and client.get_collection(vectors.name).count():
                raise BackupError(
                    f"Die Sammlung „{vectors.name}“ enthält bereits Vektoren. Bitte mit --force "
                    "überschreiben oder einen leeren Chroma-Server verwenden."
                )
            client.delete_collection(vectors.name)
        collection = client.create_collection(
            name=vectors.name, embedding_function=None, configuration=COLLECTION_CONFIGURATION
        )
        for start in range(0, len(vectors.ids), 2000):
            end = start + 2000
            collection.add(
                ids=vectors.ids[start:end],
                embeddings=vectors.embeddings[start:end],
                metadatas=(
                    vectors.metadatas[start:end] if any(vectors.metadatas[start:end]) else None
                ),
            )
        counts[vectors.name] = len(vectors.ids)
    return counts


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
