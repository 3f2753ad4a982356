"""Alembic migrations of the app database (every table on `assistant.platform.db.Base` plus the
indicator store's tables).

`upgrade(engine)` brings a database to the newest revision; `assistant.platform.db.engine_for`
calls it once per database URL and process, unless `is_current` finds the database at the
head already. From a shell (repo root, `alembic.ini`):
`alembic upgrade head`, `alembic current`, `alembic revision --autogenerate -m "…"`.

Alembic is imported inside the functions that run it: importing it costs about a quarter
of a second, which every `planwerk ask` on an up-to-date database would otherwise pay.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, MetaData, text
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic configuration without an ini file; `engine` is used by env.py if given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Keep Alembic's own loggers as the application configured them.
    config.attributes["configure_logger"] = False
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration up to `revision` (idempotent)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@lru_cache(maxsize=1)
def script_heads() -> frozenset[str] | None:
    """The head revisions of `versions/`, read from the files' literal `revision` and
    `down_revision` assignments without importing Alembic; None when a file states them
    in any other way (then only Alembic can tell)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        values: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target: ast.expr
            if isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            else:
                continue
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                try:
                    values[target.id] = ast.literal_eval(value)
                except ValueError:
                    return None
        if not values:
            continue  # not a revision (e.g. __init__.py)
        revision, down = values.get("revision"), values.get("down_revision")
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        if isinstance(down, str):
            parents.add(down)
        elif isinstance(down, tuple | list) and all(isinstance(d, str) for d in down):
            parents.update(down)
        elif down is not None:
            return None
    heads = frozenset(revisions - parents)
    return heads or None


def is_current(engine: Engine) -> bool:
    """Whether the database stands at the head revision(s) already, so that `upgrade`
    would do nothing. False when unsure (no version table, unreadable files)."""
    heads = script_heads()
    if heads is None:
        return False
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return False  # a new database: no version table yet
    return frozenset(row[0] for row in rows) == heads


# Modules that declare tables on `Base`; optional ones are imported when they exist.
_TABLE_MODULES = (
    "assistant.answering.conversation",  # messages
    "assistant.answering.feedback",  # answer_feedback, draft_snippets
    "assistant.access.models",  # users, workspaces, roles, audit, threads, thread access
    "assistant.workspace.models",  # knowledge-base attachments
)
_OPTIONAL_TABLE_MODULES = ("assistant.drafting.store", "assistant.drafting.comments")


def target_metadata() -> list[MetaData]:
    """Every table the migrations manage: importing the modules registers their tables."""
    from assistant.indicators.store import metadata as indicator_metadata
    from assistant.platform.db import Base

    for module in _TABLE_MODULES:
        importlib.import_module(module)
    for module in _OPTIONAL_TABLE_MODULES:
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
    return [Base.metadata, indicator_metadata]
