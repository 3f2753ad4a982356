"""Alembic migrations of the app database (every table on `assistant.db.Base` plus the
indicator store's tables).

`upgrade(engine)` brings a database to the newest revision; `assistant.db.engine_for`
calls it once per database URL and process. From a shell (repo root, `alembic.ini`):
`alembic upgrade head`, `alembic current`, `alembic revision --autogenerate -m "…"`.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic configuration without an ini file; `engine` is used by env.py if given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Keep Alembic's own loggers as the application configured them.
    config.attributes["configure_logger"] = False
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration up to `revision` (idempotent)."""
    command.upgrade(alembic_config(engine), revision)


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


# Modules that declare tables on `Base`; optional ones are imported when they exist.
_TABLE_MODULES = (
    "assistant.conversation",  # threads, messages
    "assistant.feedback",  # answer_feedback, draft_snippets
    "assistant.workspace.models",  # users, workspaces, roles, audit, comments …
)
_OPTIONAL_TABLE_MODULES = ("assistant.drafting.store",)


def target_metadata() -> list[MetaData]:
    """Every table the migrations manage: importing the modules registers their tables."""
    from assistant.db import Base
    from assistant.indicators.store import metadata as indicator_metadata

    for module in _TABLE_MODULES:
        importlib.import_module(module)
    for module in _OPTIONAL_TABLE_MODULES:
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
    return [Base.metadata, indicator_metadata]
