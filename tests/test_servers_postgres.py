"""The workspace layer, migrations and the indicator store against a real PostgreSQL
server (started by `make test-servers`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from assistant.answering.conversation import ConversationStore
from assistant.platform.config import Settings
from assistant.platform.db import Base, engine_for, raw_engine
from assistant.platform.migrations import current_revision, head_revision, target_metadata
from assistant.services import Services
from tests.server_env import fresh_database, requires_postgres
from tests.test_workspace_migrations import schema_differences
from tests.workspace_scenarios import (
    SCENARIOS,
    fast_hashing,  # noqa: F401  (fixture)
    indicator_rows_stay_in_workspace,
)

pytestmark = [requires_postgres, pytest.mark.usefixtures("fast_hashing")]


@pytest.fixture
def pg_settings(settings: Settings) -> Iterator[Settings]:
    for url in fresh_database():
        yield settings.model_copy(update={"database_url": url})


def test_migrations_on_postgres(pg_settings: Settings) -> None:
    engine = engine_for(pg_settings)
    assert engine.dialect.name == "postgresql"
    assert current_revision(engine) == head_revision()
    assert schema_differences(engine) == []
    assert {"users", "audit_log", "drafts", "indicator_values"} <= set(
        inspect(engine).get_table_names()
    )


def test_a_postgres_database_made_by_create_all_is_adopted(pg_settings: Settings) -> None:
    legacy = raw_engine(pg_settings.database)
    target_metadata()
    for name in ("threads", "messages"):
        Base.metadata.tables[name].create(legacy)
    ConversationStore(legacy, "default").create("Vor den Migrationen")
    legacy.dispose()
    engine = engine_for(pg_settings)
    assert current_revision(engine) == head_revision()
    assert [t.title for t in ConversationStore(engine, "default").threads()] == [
        "Vor den Migrationen"
    ]


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_scenario_on_postgres(pg_settings: Settings, scenario: Callable[[Settings], None]) -> None:
    scenario(pg_settings)


def test_indicator_rows_stay_in_their_workspace_on_postgres(
    pg_settings: Settings, tmp_path: Path
) -> None:
    indicator_rows_stay_in_workspace(pg_settings, tmp_path)


def test_ingest_and_answer_with_postgres(pg_settings: Settings, tmp_path: Path) -> None:
    from tests.workspace_corpus import LINDENFELD, with_shared_embedder, write_town

    services = with_shared_embedder(
        Services(pg_settings.model_copy(update={"workspace": LINDENFELD.workspace}))
    )
    for path in write_town(tmp_path / "files", LINDENFELD):
        assert services.pipeline.ingest_file(path).doc_id
    thread = services.conversations.create("Postgres")
    answer = services.answers.ask("Wie hoch ist die SGB-II-Quote im Hafenviertel?", None, None,
                                  thread.id)  # fmt: skip
    assert answer.mode == "indicators" and answer.citations
    assert services.conversations.history(thread.id)[0].question.startswith("Wie hoch")
    services.close()
