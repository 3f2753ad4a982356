"""Backup and restore in the state-wide setup: PostgreSQL (pg_dump / pg_restore) and a
Chroma server (vector export / import). After losing both, a restore into an empty data
directory, an empty database and an empty server reproduces every answer byte for byte."""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.access.roles import Role
from assistant.drafting.service import DraftingService
from assistant.index.vector_store import COLLECTION_PREFIX, make_client
from assistant.operations.backup import BackupError, backup, restore
from assistant.platform.config import Settings
from assistant.platform.db import engine_for
from assistant.services import Services
from assistant.workspace.accounts import Accounts
from tests.server_env import (
    fresh_database,
    on_chroma_server,
    requires_chroma,
    requires_postgres,
)
from tests.test_backup import QUESTIONS, answers, populate
from tests.workspace_corpus import LINDENFELD, with_shared_embedder, write_town
from tests.workspace_scenarios import PASSWORD, fast_hashing  # noqa: F401  (fixture)

pytestmark = [requires_postgres, requires_chroma, pytest.mark.usefixtures("fast_hashing")]
ASKED = QUESTIONS[::2]  # half of the SQLite test's questions keeps this test short


def clear_server(settings: Settings) -> None:
    client = make_client(settings)
    for collection in client.list_collections():
        if collection.name.startswith(COLLECTION_PREFIX):
            client.delete_collection(collection.name)


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    for first in fresh_database():
        for second in fresh_database():
            yield first, second


def test_backup_and_restore_with_postgres_and_chroma_server(
    settings: Settings, tmp_path: Path, databases: tuple[str, str]
) -> None:
    source = on_chroma_server(settings).model_copy(
        update={"database_url": databases[0], "workspace": LINDENFELD.workspace}
    )
    clear_server(source)  # the test server is shared by the server tests
    services = populate(source, tmp_path / "files")
    before = answers(services, ASKED)
    services.close()
    archive = tmp_path / "landesweit.tar.gz"
    report = backup(source, archive)
    assert report.database == "postgresql" and report.vector_store == "chroma-server"
    assert sum(report.collections.values()) == sum(report.chunks.values()) > 10
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "planwerk-backup/database/planwerk.pgdump" in names
    assert any(n.startswith("planwerk-backup/vectors/planwerk-") for n in names)

    # Everything is lost: the vectors on the server, the database, the data directory.
    clear_server(source)
    target = source.model_copy(
        update={"database_url": databases[1], "data_dir": tmp_path / "restored"}
    )
    restored = restore(target, archive)
    assert restored.collections == report.collections
    again = with_shared_embedder(Services(target))
    assert answers(again, ASKED) == before
    assert len(before) == len(ASKED) > 10
    lina = Accounts(engine_for(target)).authenticate("lina", PASSWORD)
    assert lina.role_in(LINDENFELD.workspace) is Role.BEARBEITUNG
    [draft] = DraftingService(again, guard=again.policy(lina)).drafts()
    assert json.dumps(draft.title) == '"IHK Hafenviertel"'
    again.close()

    # A second restore over the restored data is refused without --force.
    with pytest.raises(BackupError, match="nicht leer"):
        restore(target, archive)
    restore(target, archive, force=True)
    forced = with_shared_embedder(Services(target))
    assert answers(forced, ASKED) == before
    forced.close()
    clear_server(source)


@pytest.mark.parametrize("direction", ["embedded-to-server", "server-to-embedded"])
def test_vectors_move_between_embedded_store_and_server(
    settings: Settings, tmp_path: Path, direction: str
) -> None:
    """A backup of one kind of vector store restores into the other (SQLite both times)."""
    embedded = settings.model_copy(update={"workspace": LINDENFELD.workspace})
    server = on_chroma_server(embedded)
    source, target = (embedded, server) if direction == "embedded-to-server" else (server, embedded)
    clear_server(server)
    services = with_shared_embedder(Services(source))
    for path in write_town(tmp_path / "files", LINDENFELD)[1:3]:
        assert services.pipeline.ingest_file(path).doc_id
    questions = ["Wie viele Kita-Plätze gibt es im Hafenviertel?", "Was plant die Stadt?"]
    before = answers(services, questions)
    services.close()
    archive = backup(source, tmp_path / "b.tar.gz").path
    clear_server(server)
    target = target.model_copy(update={"data_dir": tmp_path / "restored"})
    restore(target, archive)
    again = with_shared_embedder(Services(target))
    assert answers(again, questions) == before
    again.close()
    clear_server(server)
