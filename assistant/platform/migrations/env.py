"""Alembic environment: runs against the engine handed over by `assistant.platform.migrations`, or
against the configured app database (`Settings().database`) from the `alembic` command."""

from __future__ import annotations

import logging.config

from alembic import context
from sqlalchemy import Connection, text

from assistant.platform.migrations import target_metadata

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)

# Any fixed number: serialises concurrent upgrades of one PostgreSQL database (several
# Streamlit instances starting at once).
_ADVISORY_LOCK = 720_531_104


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata(),
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK})"))
        context.run_migrations()


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from assistant.platform.config import Settings
        from assistant.platform.db import raw_engine

        url = config.get_main_option("sqlalchemy.url") or Settings().database
        engine = raw_engine(url)
    with engine.connect() as connection:
        _run(connection)
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("Offline-Migrationen (SQL-Skripte) werden nicht unterstützt.")
run_migrations_online()
