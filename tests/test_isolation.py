"""Workspace isolation: two municipalities with overlapping content and a knowledge base.

Lindenfeld and Brakenau have the same districts, indicators and kinds of documents (and
one byte-identical guideline); only Lindenfeld has the knowledge base attached. Every
document question, indicator question and drafted section of one town is checked: no
retrieved chunk, cited source, indicator row, figure or draft of the other town (and no
knowledge-base passage for Brakenau) may appear. Readers' write attempts are refused and
logged; every action is in the audit log.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant.access import audit
from assistant.access.audit import AuditLog
from assistant.access.policy import Policy
from assistant.access.roles import Action, PermissionDenied, Principal, Role
from assistant.access.threads import ThreadNotFound
from assistant.documents.document_actions import delete_document, reindex_document
from assistant.documents.uploads import ingest_upload
from assistant.drafting.service import DraftingService
from assistant.drafting.store import DraftNotFound, DraftStore
from assistant.models import Answer
from assistant.platform.config import Settings
from assistant.platform.db import engine_for
from assistant.services import Services
from assistant.workspace.accounts import Accounts
from assistant.workspace.workspaces import Workspaces
from tests.workspace_corpus import (
    AREAS,
    BRAKENAU,
    LINDENFELD,
    Town,
    document_questions,
    indicator_questions,
    shared_embedder,
    write_knowledge_base,
    write_town,
)
from tests.workspace_scenarios import PASSWORD, ROOT

KB = "wissensbasis"
DRAFT_SECTIONS = ("ausgangslage", "bestandsanalyse", "beteiligung")
DRAFT_AREAS = ("Hafenviertel", "Nordviertel")


@dataclass
class Town_:
    town: Town
    other: Town
    services: Services
    editor: Policy
    reader: Policy
    drafting: DraftingService  # the editor's
    allowed: dict[str, set[str]]  # workspace -> chunk ids it may return
    sources: set[str]  # file names it may cite


@dataclass
class Tally:
    queries: int = 0
    indicator_answers: int = 0
    sections: int = 0
    leaks: list[str] = field(default_factory=list)


TALLY: dict[str, Tally] = {}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Town_]]:
    root = tmp_path_factory.mktemp("isolation")
    with pytest.MonkeyPatch.context() as patch:
        for key in list(os.environ):
            if key.startswith("PLANWERK_"):
                patch.delenv(key)
        patch.setenv("PLANWERK_CONFIG", str(root / "absent.toml"))
        from argon2 import PasswordHasher

        import assistant.workspace.accounts as accounts_module

        patch.setattr(accounts_module, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
        base = Services(Settings(data_dir=root / "index"))
        # Both towns ask the same questions: their query vectors are computed once.
        base.__dict__["embedder"] = shared_embedder()
        engine = engine_for(base.settings)
        accounts, workspaces = Accounts(engine), Workspaces(engine)
        for town in (LINDENFELD, BRAKENAU):
            workspaces.create(ROOT, town.workspace, f"Stadt {town.name}")
        workspaces.create(ROOT, KB, "Wissensbasis des Landes", kind="knowledge_base")
        workspaces.attach(ROOT, LINDENFELD.workspace, KB)
        people = {
            "lina": (LINDENFELD.workspace, Role.BEARBEITUNG),
            "leo": (LINDENFELD.workspace, Role.LESEN),
            "bruno": (BRAKENAU.workspace, Role.BEARBEITUNG),
            "berta": (BRAKENAU.workspace, Role.LESEN),
            "kim": (KB, Role.BEARBEITUNG),
        }
        for name, (workspace, role) in people.items():
            accounts.create_user(ROOT, name, PASSWORD)
            workspaces.grant(ROOT, name, workspace, role)

        kb = base.for_workspace(KB)
        kim = kb.policy(accounts.authenticate("kim", PASSWORD))
        for path in write_knowledge_base(root / "files" / KB):
            assert kb.pipeline.ingest_file(path, guard=kim).doc_id
        towns = {}
        for town, other, editor, reader in (
            (LINDENFELD, BRAKENAU, "lina", "leo"),
            (BRAKENAU, LINDENFELD, "bruno", "berta"),
        ):
            services = base.for_workspace(town.workspace)
            policy = services.policy(accounts.authenticate(editor, PASSWORD))
            for path in write_town(root / "files" / town.workspace, town):
                result = services.pipeline.ingest_file(path, guard=policy)
                assert result.doc_id, result.message
            searched = [town.workspace, *services.knowledge_bases]
            allowed = {ws: services.index.catalog.chunk_ids(ws) for ws in searched}
            sources = {d.source for ws in searched for d in services.index.view(ws).documents()}
            reading = services.policy(accounts.authenticate(reader, PASSWORD))
            drafting = DraftingService(services, guard=policy)
            towns[town.workspace] = Town_(
                town, other, services, policy, reading, drafting, allowed, sources
            )
        yield towns
        for item in towns.values():
            item.services.close()
        kb.close()
        base.close()


def _figure(value: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\d,.]){re.escape(value)}(?![\d])")


def _foreign_figures(other: Town) -> list[re.Pattern[str]]:
    figures = [_figure(v) for v in sorted(other.rates())]
    for a in range(len(AREAS)):
        for year in (2021, 2022, 2023):
            population = other.population(a, year)
            figures += [_figure(str(population)), _figure(f"{population:,}".replace(",", "."))]
    return figures


def leaks_in_answer(item: Town_, question: str, answer: Answer) -> list[str]:
    """Everything in an answer that belongs to another workspace."""
    found = []
    own = item.allowed
    for chunk in answer.retrieved:
        workspace = chunk.metadata.get("workspace")
        if workspace not in own or chunk.chunk_id not in own[workspace]:
            found.append(f"chunk {chunk.chunk_id} from {workspace!r}")
        if chunk.ref.workspace != workspace:
            found.append(f"chunk {chunk.chunk_id}: ref workspace {chunk.ref.workspace!r}")
        if item.other.name in chunk.text:
            found.append(f"chunk {chunk.chunk_id} mentions {item.other.name}")
    for citation in answer.citations:
        if citation.ref.workspace not in own or citation.ref.source not in item.sources:
            found.append(f"citation of {citation.ref.source} in {citation.ref.workspace!r}")
        if item.other.name in citation.text:
            found.append(f"citation text mentions {item.other.name}")
    if item.other.name not in question and item.other.name in answer.text:
        found.append(f"answer mentions {item.other.name}")
    found += [
        f"figure {p.pattern} of {item.other.name}"
        for p in _foreign_figures(item.other)
        if p.search(answer.text)
    ]
    return [f"{question}: {leak}" for leak in found]


@pytest.mark.parametrize("workspace", [LINDENFELD.workspace, BRAKENAU.workspace])
def test_questions_never_cross_workspaces(world: dict[str, Town_], workspace: str) -> None:
    item = world[workspace]
    tally = TALLY.setdefault(workspace, Tally())
    thread = item.editor.threads().create(item.editor.user, "Isolation")
    for question in document_questions():
        answer = item.services.answers.ask(question, thread_id=thread.id, guard=item.editor)
        tally.queries += 1
        tally.leaks += leaks_in_answer(item, question, answer)
    for question in indicator_questions():
        answer = item.services.answers.ask(question, guard=item.editor)
        tally.queries += 1
        tally.indicator_answers += answer.mode == "indicators"
        tally.leaks += leaks_in_answer(item, question, answer)
    assert tally.leaks == []
    assert tally.queries >= 98
    # The indicator router answered from the tables (not a silent fallback to text search).
    assert tally.indicator_answers >= 20
    # Brakenau has no knowledge base attached: funding-call questions find nothing of it.
    kb_hits = [
        c
        for q in ("Wie hoch ist der Fördersatz?", "Wann endet die Antragsfrist?")
        for c in item.services.answers.ask(q, guard=item.editor).retrieved
        if c.metadata["workspace"] == KB
    ]
    assert bool(kb_hits) is (workspace == LINDENFELD.workspace)


def test_the_leak_check_finds_leaks(world: dict[str, Town_]) -> None:
    """Control: the checker flags the other town's answers as leaks."""
    lindenfeld, brakenau = world[LINDENFELD.workspace], world[BRAKENAU.workspace]
    question = "Wie hoch ist die SGB-II-Quote im Hafenviertel?"
    foreign = brakenau.services.answers.ask(question, guard=brakenau.editor)
    assert leaks_in_answer(lindenfeld, question, foreign)
    identical = brakenau.services.answers.ask(
        "Wie beginnt Beteiligung in der Sozialplanung?", guard=brakenau.editor
    )
    # The byte-identical guideline has the same chunk ids in both towns; its workspace tag
    # is what tells them apart.
    assert any("from 'brakenau'" in leak for leak in leaks_in_answer(lindenfeld, "", identical))


@pytest.mark.parametrize("workspace", [LINDENFELD.workspace, BRAKENAU.workspace])
def test_drafts_never_cross_workspaces(world: dict[str, Town_], workspace: str) -> None:
    item = world[workspace]
    drafting = item.drafting
    tally = TALLY.setdefault(workspace, Tally())
    for area in DRAFT_AREAS:
        draft = drafting.create_draft(area, "ihk_allgemein", f"IHK {area} {item.town.name}")
        for section_id in DRAFT_SECTIONS:
            written = drafting.generate_section(draft.id, section_id)
            tally.sections += 1
            for source in written.sources:
                cited = source.ref.source if source.ref else ""
                if cited and cited not in item.sources:
                    tally.leaks.append(f"draft {area}/{section_id} cites {cited}")
                if item.other.name in source.text:
                    tally.leaks.append(f"draft {area}/{section_id} quotes {item.other.name}")
            tally.leaks += [
                f"draft {area}/{section_id}: figure {p.pattern}"
                for p in _foreign_figures(item.other)
                if p.search(written.text)
            ]
        assert item.town.name in drafting.document(draft.id).title
    assert tally.leaks == []
    # Drafts, sections and their history are invisible from the other workspace.
    other = world[item.other.workspace]
    mine = {d.id for d in drafting.drafts()}
    assert mine and not mine & {d.id for d in other.drafting.drafts()}
    theirs = DraftStore(other.editor.engine, other.editor.workspace)
    for draft_id in mine:
        with pytest.raises(DraftNotFound):
            theirs.get(draft_id)
        with pytest.raises(DraftNotFound):
            other.drafting.sections(draft_id)
        with pytest.raises(DraftNotFound):
            other.drafting.history.versions(other.editor.user, draft_id, DRAFT_SECTIONS[0])
        with pytest.raises(DraftNotFound):
            other.drafting.restore_version(draft_id, DRAFT_SECTIONS[0], 1)
        with pytest.raises(DraftNotFound):
            other.drafting.edit_section(draft_id, DRAFT_SECTIONS[0], "fremd")
        assert other.drafting.comments.comments(other.editor.user, str(draft_id)) == []


def test_readers_cannot_write_and_every_refusal_is_logged(world: dict[str, Town_]) -> None:
    item = world[LINDENFELD.workspace]
    reader, services = item.reader, item.services
    reading = DraftingService(services, guard=reader)
    documents = services.index.documents()
    draft = item.drafting.create_draft("Altstadt", "ihk_allgemein", "IHK Altstadt")
    item.drafting.edit_section(draft.id, "ausgangslage", "Text der Bearbeitung.")
    settings, pipeline, doc_id = services.settings, services.pipeline, documents[0].doc_id
    attempts = {
        "upload": lambda: ingest_upload(settings, pipeline, "neu.md", b"# N", guard=reader),
        "ingest": lambda: pipeline.ingest_file(Path(__file__), guard=reader),
        "delete": lambda: delete_document(settings, pipeline, doc_id, guard=reader),
        "reindex": lambda: reindex_document(
            settings, services.index, pipeline, doc_id, guard=reader
        ),
        "create_draft": lambda: reading.create_draft("Altstadt", "ihk_allgemein", "X"),
        "edit_section": lambda: reading.edit_section(draft.id, "ausgangslage", "geändert"),
        "restore": lambda: reading.restore_version(draft.id, "ausgangslage", 1),
        "delete_draft": lambda: reading.delete_draft(draft.id),
        "grant": lambda: Workspaces(reader.engine).grant(
            reader.user, "leo", reader.workspace, Role.ADMIN
        ),
        "audit_log": lambda: reader.audit_entries(),
    }
    for name, attempt in attempts.items():
        with pytest.raises(PermissionDenied) as refused:
            attempt()
        assert "Keine Berechtigung" in refused.value.message, name
    # Nothing changed, and each attempt is in the log.
    assert [d.doc_id for d in services.index.documents()] == [d.doc_id for d in documents]
    assert item.drafting.sections(draft.id)["ausgangslage"].text == "Text der Bearbeitung."
    denied = AuditLog(reader.engine).entries(LINDENFELD.workspace, actor="leo", action=audit.DENIED)
    assert len(denied) >= len(attempts)
    # Readers still read, comment and export.
    question = "Wie hoch ist die SGB-II-Quote im Hafenviertel?"
    assert services.answers.ask(question, guard=reader).found
    reading.comments.add(reader.user, str(draft.id), "ausgangslage", "Bitte Zahlen prüfen @lina")
    with reader.audited(Action.EXPORT, "kennzahlen.csv"):
        pass


def test_no_one_enters_another_workspace(world: dict[str, Town_]) -> None:
    lindenfeld, brakenau = world[LINDENFELD.workspace], world[BRAKENAU.workspace]
    intruder = lindenfeld.editor.user
    with pytest.raises(PermissionDenied, match="gehört nicht zum Arbeitsbereich"):
        brakenau.services.policy(intruder)
    # Forged principals are re-checked against the database on every action.
    forged = Principal(intruder.id, intruder.username, roles={BRAKENAU.workspace: Role.ADMIN})
    policy = Policy.__new__(Policy)
    policy.__dict__.update(brakenau.editor.__dict__)
    policy._user = forged
    services = brakenau.services
    with pytest.raises(PermissionDenied):
        ingest_upload(services.settings, services.pipeline, "x.md", b"# X", guard=policy)
    # Threads of one town are unknown in the other.
    thread = lindenfeld.editor.threads().create(lindenfeld.editor.user, "Nur Lindenfeld")
    with pytest.raises(ThreadNotFound):
        services.answers.ask("Und im Nordviertel?", thread_id=thread.id, guard=brakenau.editor)
    private = lindenfeld.editor.threads().create(lindenfeld.editor.user, "Privat", private=True)
    with pytest.raises(ThreadNotFound):
        lindenfeld.services.answers.ask(
            "Wie hoch ist die Kinderarmut?", thread_id=private.id, guard=lindenfeld.reader
        )


def test_audit_log_records_each_action(world: dict[str, Town_]) -> None:
    item = world[BRAKENAU.workspace]
    policy, services = item.editor, item.services
    path = Path(services.settings.data_dir).parent / "zusatz.md"
    path.write_text("# Zusatz\n\nEin Zusatzdokument für das Protokoll.", encoding="utf-8")
    uploaded = services.pipeline.ingest_file(path, guard=policy)
    with policy.audited(Action.EXPORT, "entwurf.docx", format="docx"):
        pass
    assert delete_document(services.settings, services.pipeline, uploaded.doc_id, guard=policy)
    workspaces = Workspaces(policy.engine)
    with pytest.raises(PermissionDenied):
        workspaces.grant(policy.user, "berta", BRAKENAU.workspace, Role.BEARBEITUNG)
    workspaces.grant(ROOT, "berta", BRAKENAU.workspace, Role.LESEN)
    entries = AuditLog(policy.engine).entries(BRAKENAU.workspace, limit=5000)
    seen = {(e.actor, e.action, e.target) for e in entries}
    assert ("bruno", audit.UPLOAD, "zusatz.md") in seen
    assert ("bruno", audit.EXPORT, "entwurf.docx") in seen
    assert ("bruno", audit.DELETE, "zusatz.md") in seen
    assert ("bruno", audit.DENIED, "berta") in seen  # editors cannot grant roles
    assert ("cli:test", audit.ROLE_GRANT, "berta") in seen
    assert any(e.action == audit.DRAFT_EDIT and e.actor == "bruno" for e in entries)
    logins = AuditLog(policy.engine).entries(actor="bruno", action=audit.LOGIN)
    assert logins and all(e.at is not None for e in entries)
    # Lindenfeld's people appear in Brakenau's log only with refused attempts to get in.
    assert {e.action for e in entries if e.actor in ("lina", "leo")} <= {audit.DENIED}


def test_isolation_summary(world: dict[str, Town_], capsys: pytest.CaptureFixture[str]) -> None:
    queries = sum(t.queries for t in TALLY.values())
    sections = sum(t.sections for t in TALLY.values())
    leaks = sum(len(t.leaks) for t in TALLY.values())
    with capsys.disabled():
        print(
            f"\nisolation: {queries} questions "
            f"({sum(t.indicator_answers for t in TALLY.values())} computed from indicator "
            f"tables), {sections} drafted sections, {leaks} leaks"
        )
    assert leaks == 0
