"""The app database (SQLAlchemy): SQLite under the data directory, or PostgreSQL by URL.

Every feature that stores rows (indicators, threads, drafts, users) declares its tables on
`Base` in its own module, adds an Alembic migration for them (`assistant/platform/migrations/`)
and gets its engine from `engine_for`, which brings the schema to the newest revision.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase

from assistant.platform.config import Settings
from assistant.platform.write_lock import file_lock


class Base(DeclarativeBase):
    pass


@lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    return raw_engine(url)


def raw_engine(url: str) -> Engine:
    """A new engine for `url` with Planwerk's connection settings, without migrations."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def engine_for(settings: Settings) -> Engine:
    """The engine of the configured database, created once per URL, schema migrated.

    Runs `alembic upgrade head` the first time a process opens a URL, unless the database
    stands at the head already (one query, without importing Alembic); later calls only
    return the cached engine.
    """
    url = settings.database
    engine = _engine(url)
    if url not in _migrated:
        with _migrate_lock:
            if url not in _migrated:
                from assistant.platform.migrations import is_current, upgrade

                if not is_current(engine):
                    with _schema_lock(engine, url):
                        upgrade(engine)
                _migrated.add(url)
    return engine


# Any fixed number: the PostgreSQL advisory lock every Planwerk process migrates under.
_SCHEMA_LOCK_KEY = 0x504C414E


@contextmanager
def _schema_lock(engine: Engine, url: str) -> Iterator[None]:
    """One process at a time brings the schema up to date: two processes starting on a
    fresh data directory (two `planwerk ingest` runs) would otherwise both try to migrate
    it. A lock file beside a SQLite database, an advisory lock on PostgreSQL."""
    if url.startswith("sqlite:///"):
        with file_lock(Path(url.removeprefix("sqlite:///") + ".migrate.lock")):
            yield
    elif engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": _SCHEMA_LOCK_KEY}
                )
    else:
        yield


def forget_engine(settings: Settings) -> None:
    """Close the cached engine of the configured database (before its file is replaced,
    e.g. by a restore); the next `engine_for` opens and migrates it again."""
    url = settings.database
    if url in _migrated or _engine.cache_info().currsize:
        _engine(url).dispose()
    _migrated.discard(url)
    _engine.cache_clear()
