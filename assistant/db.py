"""The app database (SQLAlchemy): SQLite under the data directory, or PostgreSQL by URL.

Every feature that stores rows (indicators, threads, drafts, users) declares its tables on
`Base` in its own module and gets its engine from `engine_for`.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase

from assistant.config import Settings


class Base(DeclarativeBase):
    pass


@lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        from pathlib import Path

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


def engine_for(settings: Settings) -> Engine:
    """The engine of the configured database, created once per URL, tables ensured."""
    engine = _engine(settings.database)
    Base.metadata.create_all(engine)
    return engine
