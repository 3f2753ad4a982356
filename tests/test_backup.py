"""Backup and restore of all stores (SQLite + embedded Chroma): restoring into an empty
data directory reproduces every answer byte for byte, and the app database with it."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from assistant.access.audit import AuditLog
from assistant.access.roles import Role
from assistant.documents.uploads import ingest_upload, upload_dir
from assistant.drafting.service import DraftingService
from assistant.operations.backup import BackupError, backup, restore
from assistant.platform.config import Settings
from assistant.platform.db import engine_for
from assistant.services import Services
from assistant.workspace.accounts import Accounts
from assistant.workspace.workspaces import Workspaces
from tests.workspace_corpus import (
    LINDENFELD,
    document_questions,
    indicator_questions,
    with_shared_embedder,
    write_knowledge_base,
    write_town,
)
from tests.workspace_scenarios import PASSWORD, ROOT, fast_hashing  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("fast_hashing")

QUESTIONS = document_questions()[::4] + indicator_questions()[::3]


def answers(services: Services, questions: list[str] = QUESTIONS) -> list[str]:
    return [
        json.dumps(services.answers.ask(q).to_json(), ensure_ascii=False, sort_keys=True)
        for q in questions
    ]


def populate(settings: Settings, folder: Path) -> Services:
    """A workspace with documents, an indicator table, an upload, a knowledge base, people,
    a thread and a draft."""
    engine = engine_for(settings)
    workspaces = Workspaces(engine)
    workspaces.create(ROOT, LINDENFELD.workspace)
    workspaces.create(ROOT, "wissensbasis", kind="knowledge_base")
    workspaces.attach(ROOT, LINDENFELD.workspace, "wissensbasis")
    Accounts(engine).create_user(ROOT, "lina", PASSWORD)
    workspaces.grant(ROOT, "lina", LINDENFELD.workspace, Role.BEARBEITUNG)
    workspaces.grant(ROOT, "lina", "wissensbasis", Role.BEARBEITUNG)
    base = with_shared_embedder(Services(settings))
    lina = Accounts(engine).authenticate("lina", PASSWORD)
    knowledge = base.for_workspace("wissensbasis")
    for path in write_knowledge_base(folder / "kb"):
        knowledge.pipeline.ingest_file(path, guard=knowledge.policy(lina))
    services = base.for_workspace(LINDENFELD.workspace)
    policy = services.policy(lina)
    for path in write_town(folder / "town", LINDENFELD)[1:]:
        services.pipeline.ingest_file(path, guard=policy)
    table = write_town(folder / "upload", LINDENFELD)[0]
    # The CSV as an upload.
    uploaded = ingest_upload(
        services.settings, services.pipeline, table.name, table.read_bytes(), guard=policy
    )
    assert uploaded.doc_id
    thread = policy.threads().create(lina, "Gesichert")
    question = "Wie hoch ist die Kinderarmut im Hafenviertel?"
    services.answers.ask(question, thread_id=thread.id, guard=policy)
    drafting = DraftingService(services, guard=policy)
    draft = drafting.create_draft("Hafenviertel", "ihk_allgemein", "IHK Hafenviertel")
    drafting.edit_section(draft.id, "ausgangslage", "Ausgangslage im Hafenviertel.")
    knowledge.close()
    return services


def test_restore_into_an_empty_directory_reproduces_answers(
    settings: Settings, tmp_path: Path
) -> None:
    source = settings.model_copy(update={"workspace": LINDENFELD.workspace})
    services = populate(source, tmp_path / "files")
    before = answers(services)
    assert sum('"found": true' in a for a in before) >= len(QUESTIONS) // 2
    archive = tmp_path / "sicherung.tar.gz"
    report = backup(source, archive)
    services.close()
    assert report.documents == 6 and report.uploads == 1
    assert report.chunks[LINDENFELD.workspace] > 10 and report.chunks["wissensbasis"] > 0
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "planwerk-backup/catalog.sqlite3" in names
    assert "planwerk-backup/database/planwerk.sqlite3" in names
    assert any(n.startswith("planwerk-backup/chroma/") for n in names)
    assert not any("/bm25" in n for n in names)  # derived, rebuilt after restore

    target = source.model_copy(update={"data_dir": tmp_path / "restored"})
    restored = restore(target, archive)
    assert restored.documents == 6 and restored.warnings == []
    again = with_shared_embedder(Services(target))
    assert answers(again) == before
    # The app database came back with it: people, roles, threads, drafts, the audit log.
    engine = engine_for(target)
    lina = Accounts(engine).authenticate("lina", PASSWORD)
    assert lina.role_in(LINDENFELD.workspace) is Role.BEARBEITUNG
    policy = again.policy(lina)
    assert [t.title for t in policy.threads().visible(lina)] == ["Gesichert"]
    drafting = DraftingService(again, guard=policy)
    [draft] = drafting.drafts()
    assert drafting.sections(draft.id)["ausgangslage"].text == "Ausgangslage im Hafenviertel."
    assert {"upload", "draft_edit"} <= {e.action for e in AuditLog(engine).entries()}
    upload = upload_dir(target) / "Indikatoren_Lindenfeld_2021-2023.csv"
    assert upload.read_bytes() == (tmp_path / "files" / "upload" / upload.name).read_bytes()
    again.close()


def test_restore_refuses_to_overwrite(settings: Settings, tmp_path: Path) -> None:
    services = with_shared_embedder(Services(settings))
    folder = tmp_path / "files"
    for path in write_knowledge_base(folder):
        services.pipeline.ingest_file(path)
    archive = backup(settings, tmp_path / "b.tar.gz").path
    with pytest.raises(BackupError, match="nicht leer"):
        restore(settings, archive)
    services.close()
    restore(settings, archive, force=True)
    assert with_shared_embedder(Services(settings)).index.documents()


def test_restore_needs_the_same_kind_of_database(settings: Settings, tmp_path: Path) -> None:
    archive = backup(settings, tmp_path / "b.tar.gz").path
    other = settings.model_copy(
        update={"database_url": "postgresql+psycopg://x@127.0.0.1:1/x", "data_dir": tmp_path}
    )
    with pytest.raises(BackupError, match="SQLite-Datenbank"):
        restore(other, archive)
    (tmp_path / "kaputt.tar.gz").write_bytes(b"keine Sicherung")
    with pytest.raises(BackupError, match="lässt sich nicht lesen"):
        restore(settings, tmp_path / "kaputt.tar.gz")


def test_uploads_of_two_workspaces_with_one_name_stay_apart(
    settings: Settings, tmp_path: Path
) -> None:
    base = with_shared_embedder(Services(settings))
    for workspace in ("stadt-a", "stadt-b"):
        scoped = base.for_workspace(workspace)
        data = f"# Bericht\n\nNur für {workspace}.".encode()
        assert ingest_upload(scoped.settings, scoped.pipeline, "bericht.md", data).doc_id
        scoped.close()
    archive = backup(settings, tmp_path / "b.tar.gz")
    assert archive.uploads == 2
    target = settings.model_copy(update={"data_dir": tmp_path / "restored"})
    restore(target, archive.path)
    for workspace in ("stadt-a", "stadt-b"):
        scoped_settings = target.model_copy(update={"workspace": workspace})
        text = (upload_dir(scoped_settings) / "bericht.md").read_text()
        assert text.endswith(f"Nur für {workspace}.")
    base.close()
