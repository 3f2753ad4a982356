"""Servers for the `test_servers_*` tests, started by `make test-servers` (tests/servers.py).

Outside make the environment variables are absent and the tests skip with a message
saying how to run them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from assistant.platform.config import Settings, VectorStoreSettings
from assistant.platform.db import forget_engine

POSTGRES_URL = os.environ.get("PLANWERK_TEST_POSTGRES_URL", "")
CHROMA_PORT = os.environ.get("PLANWERK_TEST_CHROMA_PORT", "")

requires_postgres = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="kein PostgreSQL-Testserver: `make test-servers` startet einen "
    "(PLANWERK_TEST_POSTGRES_URL fehlt)",
)
requires_chroma = pytest.mark.skipif(
    not CHROMA_PORT,
    reason="kein Chroma-Testserver: `make test-servers` startet einen "
    "(PLANWERK_TEST_CHROMA_PORT fehlt)",
)


def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server; dropped afterwards."""
    name = f"planwerk_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        forget_engine(Settings(database_url=url))
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def on_chroma_server(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "vector_store": VectorStoreSettings(
                mode="chroma-server", host="127.0.0.1", port=int(CHROMA_PORT)
            )
        }
    )


def unique_workspace(prefix: str) -> str:
    """Collections on the shared test server are per workspace: a name per test."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
