"""Alembic migrations: they create exactly the tables the models declare, adopt databases
made before migrations existed, and `engine_for` runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from assistant.answering.conversation import ConversationStore
from assistant.answering.feedback import FeedbackStore
from assistant.drafting.store import DraftStore
from assistant.indicators.store import metadata as indicator_metadata
from assistant.platform.config import Settings
from assistant.platform.db import Base, engine_for, raw_engine
from assistant.platform.migrations import (
    current_revision,
    head_revision,
    is_current,
    script_heads,
    target_metadata,
    upgrade,
)

ROOT = Path(__file__).resolve().parent.parent


def schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        # Alembic compares against several MetaData at once (typed as one).
        return list(compare_metadata(context, target_metadata()))  # type: ignore[arg-type]


def test_migrations_create_every_table_of_the_models(settings: Settings) -> None:
    engine = engine_for(settings)
    assert current_revision(engine) == head_revision()
    assert schema_differences(engine) == [], (
        "A model changed without a migration: add one under "
        "assistant/platform/migrations/versions/ (alembic revision --autogenerate -m '…')."
    )
    tables = set(inspect(engine).get_table_names())
    declared = set(Base.metadata.tables) | set(indicator_metadata.tables)
    assert declared <= tables
    assert {"users", "workspaces", "audit_log", "drafts", "indicator_values"} <= tables


def test_a_database_made_by_create_all_is_adopted(tmp_path: Path) -> None:
    """Databases of earlier versions have the tables but no alembic_version."""
    settings = Settings(data_dir=tmp_path)
    legacy = raw_engine(settings.database)
    target_metadata()  # register every table
    for name in ("threads", "messages", "answer_feedback", "draft_snippets"):
        Base.metadata.tables[name].create(legacy)
    indicator_metadata.create_all(legacy)
    ConversationStore(legacy, "default").create("Alte Frage")
    legacy.dispose()

    engine = engine_for(settings)
    assert current_revision(engine) == head_revision()
    assert [t.title for t in ConversationStore(engine, "default").threads()] == ["Alte Frage"]
    assert schema_differences(engine) == []


def test_stores_that_create_tables_themselves_do_not_break_the_upgrade(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    early = raw_engine(settings.database)
    FeedbackStore(early)  # create_all on Base before any migration ran
    DraftStore(early, "default")
    early.dispose()
    engine = engine_for(settings)
    assert current_revision(engine) == head_revision()


def test_downgrade_and_upgrade_again(tmp_path: Path) -> None:
    engine = raw_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    upgrade(engine)
    from alembic import command

    from assistant.platform.migrations import alembic_config

    command.downgrade(alembic_config(engine), "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert schema_differences(engine) == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == (
            head_revision()
        )


def test_the_quick_head_check_agrees_with_alembic(tmp_path: Path) -> None:
    """`engine_for` skips Alembic when `is_current`; it must say so only at the head."""
    assert script_heads() == {head_revision()}
    engine = raw_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert not is_current(engine)  # no version table yet
    upgrade(engine)
    assert is_current(engine)
    from alembic import command

    from assistant.platform.migrations import alembic_config

    command.downgrade(alembic_config(engine), "-1")
    assert not is_current(engine)
    upgrade(engine)
    assert is_current(engine)


def test_alembic_command_uses_the_configured_database(tmp_path: Path) -> None:
    env = {**os.environ, "PLANWERK_DATA_DIR": str(tmp_path), "PLANWERK_CONFIG": "absent.toml"}
    alembic = Path(sys.executable).parent / "alembic"
    done = subprocess.run(
        [str(alembic), "-c", str(ROOT / "alembic.ini"), "upgrade", "head"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    engine = raw_engine(f"sqlite:///{tmp_path / 'planwerk.sqlite3'}")
    assert current_revision(engine) == head_revision()
