"""Scenarios of the workspace layer, run against SQLite (test_workspace_layer.py) and a
real PostgreSQL server (test_servers_postgres.py). Each takes fresh settings whose
database is empty."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from assistant.access import audit
from assistant.access.audit import AuditLog
from assistant.access.models import AuditEntry, as_utc
from assistant.access.policy import Policy
from assistant.access.roles import Action, PermissionDenied, Principal, Role, require
from assistant.access.threads import ThreadNotFound
from assistant.answering.conversation import ConversationStore
from assistant.drafting.comments import CommentStore, mentioned_names
from assistant.drafting.history import SectionHistory, unified_diff, word_diff
from assistant.drafting.store import DraftNotFound, DraftStore
from assistant.indicators.store import IndicatorStore
from assistant.platform.config import Settings
from assistant.platform.db import engine_for
from assistant.workspace.accounts import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    AccountError,
    Accounts,
    LoginFailed,
)
from assistant.workspace.threads import WorkspaceThreads
from assistant.workspace.workspaces import WorkspaceError, Workspaces

ROOT = Principal(None, "cli:test", "Test", is_admin=True)
PASSWORD = "sehr-geheim-2026"


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with minimal cost: the same code path, a fraction of the time."""
    from argon2 import PasswordHasher

    import assistant.workspace.accounts as accounts_module

    monkeypatch.setattr(
        accounts_module, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def setup_people(engine: Engine) -> tuple[Accounts, Workspaces]:
    """Two municipalities, a knowledge base; anna edits in A, ben reads in A, carla edits B."""
    accounts, workspaces = Accounts(engine), Workspaces(engine)
    workspaces.create(ROOT, "stadt-a", "Stadt A")
    workspaces.create(ROOT, "stadt-b", "Stadt B")
    workspaces.create(ROOT, "wissensbasis", "Wissensbasis", kind="knowledge_base")
    for name in ("anna", "ben", "carla"):
        accounts.create_user(ROOT, name, PASSWORD, display_name=name.title())
    workspaces.grant(ROOT, "anna", "stadt-a", Role.ADMIN)
    workspaces.grant(ROOT, "ben", "stadt-a", Role.LESEN)
    workspaces.grant(ROOT, "carla", "stadt-b", Role.BEARBEITUNG)
    return accounts, workspaces


def accounts_and_roles(settings: Settings) -> None:
    engine = engine_for(settings)
    accounts, workspaces = setup_people(engine)
    log = AuditLog(engine)

    anna = accounts.authenticate("Anna", PASSWORD)  # user names are case-insensitive
    assert anna.role_in("stadt-a") is Role.ADMIN and anna.role_in("stadt-b") is None
    with pytest.raises(LoginFailed, match="falsch"):
        accounts.authenticate("anna", "falsches-passwort")
    with pytest.raises(LoginFailed, match="falsch"):
        accounts.authenticate("niemand", PASSWORD)
    stored = accounts.user("anna")
    assert stored is not None and stored.has_password and stored.last_login_at is not None

    # Passwords: never stored in clear, rules enforced, no second first admin.
    with pytest.raises(AccountError, match="zu kurz"):
        accounts.create_user(ROOT, "dora", "kurz")
    with pytest.raises(AccountError, match="gibt es schon"):
        accounts.create_user(ROOT, "anna", PASSWORD)
    with pytest.raises(AccountError, match="bereits Konten"):
        accounts.create_first_admin("eva", PASSWORD)
    with pytest.raises(PermissionDenied, match="Systemadministr"):
        accounts.create_user(anna, "dora", PASSWORD)

    # Role matrix: readers read, comment and export; editors also write; admins manage.
    ben = accounts.principal("ben")
    for action in (Action.READ, Action.COMMENT, Action.EXPORT):
        require(ben, "stadt-a", action)
    for action in (Action.UPLOAD, Action.DELETE, Action.EDIT_DRAFT, Action.MANAGE_ROLES):
        with pytest.raises(PermissionDenied, match="Rolle „Lesen“") as refused:
            require(ben, "stadt-a", action)
        assert "Bearbeitung" in refused.value.message or action is Action.MANAGE_ROLES
    with pytest.raises(PermissionDenied, match="gehört nicht zum Arbeitsbereich"):
        require(ben, "stadt-b", Action.READ)
    carla = accounts.principal("carla")
    require(carla, "stadt-b", Action.UPLOAD)
    with pytest.raises(PermissionDenied):
        require(carla, "stadt-b", Action.MANAGE_ROLES)

    # A workspace admin manages roles in their workspace only.
    workspaces.grant(anna, "ben", "stadt-a", Role.BEARBEITUNG)
    assert accounts.principal("ben").role_in("stadt-a") is Role.BEARBEITUNG
    with pytest.raises(PermissionDenied):
        workspaces.grant(anna, "ben", "stadt-b", Role.LESEN)
    with pytest.raises(PermissionDenied):
        workspaces.grant(carla, "carla", "stadt-b", Role.ADMIN)
    assert workspaces.revoke(anna, "ben", "stadt-a")
    assert accounts.principal("ben").role_in("stadt-a") is None
    assert [m.username for m in workspaces.members("stadt-a")] == ["anna"]

    # Locked accounts cannot log in; the lockout after repeated failures holds.
    accounts.set_active(ROOT, "carla", False)
    with pytest.raises(LoginFailed):
        accounts.authenticate("carla", PASSWORD)
    with pytest.raises(AccountError):
        accounts.principal("carla")
    for _ in range(5):
        with pytest.raises(LoginFailed):
            accounts.authenticate("anna", "noch-falscher")
    with pytest.raises(LoginFailed, match="Zu viele"):
        accounts.authenticate("anna", PASSWORD)
    for _ in range(3):  # attempts during the lockout do not extend it
        with pytest.raises(LoginFailed, match="Zu viele"):
            accounts.authenticate("anna", "noch-falscher")
    # Unlocking really unlocks.
    accounts.set_active(ROOT, "anna", True)
    assert accounts.authenticate("anna", PASSWORD).username == "anna"
    # A password typed into the name field never lands in the audit log.
    with pytest.raises(LoginFailed):
        accounts.authenticate("Geheim-Passwort-123", "x")

    # Everything above is in the audit log: who, what, where, to whom.
    entries = log.entries(limit=1000)
    actions = [(e.actor, e.action, e.workspace, e.target) for e in entries]
    assert ("anna", audit.LOGIN, "", "") in actions
    assert ("anna", audit.ROLE_GRANT, "stadt-a", "ben") in actions
    assert ("anna", audit.ROLE_REVOKE, "stadt-a", "ben") in actions
    assert ("cli:test", audit.WORKSPACE_CREATE, "stadt-a", "stadt-a") in actions
    assert ("cli:test", audit.USER_UPDATE, "", "carla") in actions
    assert sum(e.action == audit.LOGIN_FAILED and e.actor == "anna" for e in entries) == 5
    # Five failures (one earlier, four in the loop); every later attempt was refused as
    # locked and none of them counted as a further failure.
    assert sum(e.action == audit.LOGIN_LOCKED and e.actor == "anna" for e in entries) == 5
    assert ("cli:test", audit.UNLOCK, "", "anna") in actions
    assert not any("geheim-passwort" in f"{e.actor} {e.target} {e.details}" for e in entries)
    assert all(e.at is not None for e in entries)


def first_admin_from_env(settings: Settings) -> None:
    accounts = Accounts(engine_for(settings))
    assert accounts.bootstrap_from_env({}) is None  # nothing set: nothing created
    assert accounts.bootstrap_from_env({"PLANWERK_ADMIN_USER": "root-admin"}) is None
    created = accounts.bootstrap_from_env(
        {"PLANWERK_ADMIN_USER": "Root-Admin", "PLANWERK_ADMIN_PASSWORD": PASSWORD}
    )
    assert created is not None and created.is_admin and created.username == "root-admin"
    assert accounts.authenticate("root-admin", PASSWORD).is_admin
    # A second start with the variables still set changes nothing.
    assert (
        accounts.bootstrap_from_env(
            {"PLANWERK_ADMIN_USER": "other", "PLANWERK_ADMIN_PASSWORD": PASSWORD}
        )
        is None
    )
    assert [u.username for u in accounts.users()] == ["root-admin"]


def knowledge_base_attachment(settings: Settings) -> None:
    engine = engine_for(settings)
    accounts, workspaces = setup_people(engine)
    anna = accounts.principal("anna")
    with pytest.raises(PermissionDenied):
        workspaces.attach(anna, "stadt-a", "wissensbasis")
    with pytest.raises(WorkspaceError, match="keine Wissensbasis"):
        workspaces.attach(ROOT, "stadt-a", "stadt-b")  # municipalities never share
    with pytest.raises(WorkspaceError, match="Ungültiger Name"):
        workspaces.create(ROOT, "Stadt A!")
    workspaces.attach(ROOT, "stadt-a", "wissensbasis")
    assert workspaces.knowledge_bases("stadt-a") == ["wissensbasis"]
    assert workspaces.knowledge_bases("stadt-b") == []
    # Attached means searched on A's behalf; writing the knowledge base needs a role in it.
    with pytest.raises(PermissionDenied):
        require(anna, "wissensbasis", Action.UPLOAD)
    assert workspaces.detach(ROOT, "stadt-a", "wissensbasis")
    assert workspaces.knowledge_bases("stadt-a") == []
    assert [w.name for w in workspaces.visible_to(anna)] == ["stadt-a"]


def shared_and_private_threads(settings: Settings) -> None:
    engine = engine_for(settings)
    accounts, workspaces = setup_people(engine)
    workspaces.grant(ROOT, "ben", "stadt-a", Role.BEARBEITUNG)
    anna, ben, carla = (accounts.principal(n) for n in ("anna", "ben", "carla"))
    threads_a = WorkspaceThreads(engine, "stadt-a")
    shared = threads_a.create(anna, "Kinderarmut im Hafenviertel")
    private = threads_a.create(anna, "Eigene Notizen", private=True)
    legacy = ConversationStore(engine, "stadt-a").create("Aus der Kommandozeile")

    assert {t.id for t in threads_a.visible(anna)} == {shared.id, private.id, legacy.id}
    assert {t.id for t in threads_a.visible(ben)} == {shared.id, legacy.id}
    with pytest.raises(ThreadNotFound):
        threads_a.require_visible(ben, private.id)
    with pytest.raises(PermissionDenied):
        threads_a.visible(carla)
    threads_b = WorkspaceThreads(engine, "stadt-b")
    with pytest.raises(ThreadNotFound):  # A's thread does not exist in B
        threads_b.require_visible(carla, shared.id)
    assert threads_b.visible(carla) == []

    with pytest.raises(PermissionDenied):
        threads_a.set_private(ben, shared.id, True)
    threads_a.set_private(anna, private.id, False)
    assert private.id in {t.id for t in threads_a.visible(ben)}
    threads_a.delete(ben, legacy.id)  # editors may delete shared threads
    assert legacy.id not in {t.id for t in threads_a.visible(anna)}


def comments_with_mentions(settings: Settings) -> None:
    engine = engine_for(settings)
    accounts, _ = setup_people(engine)
    anna, ben, carla = (accounts.principal(n) for n in ("anna", "ben", "carla"))
    assert mentioned_names("@Ben bitte prüfen, @anna. Mail an x@y.de") == ["ben", "anna"]
    draft = DraftStore(engine, "stadt-a").create("Hafenviertel", "ihk", "IHK Hafenviertel")
    comments_a = CommentStore(engine, "stadt-a")

    result = comments_a.add(anna, str(draft.id), "ausgangslage", "@ben und @carla: Zahlen 2023?")
    assert result.comment.mentions == ("ben",)  # carla is not in A: never notified
    assert result.unknown_mentions == ("carla",)
    # Readers comment, too; their mention of anna reaches her.
    reply = comments_a.add(ben, str(draft.id), "ausgangslage", "Erledigt, @anna.")
    assert [c.body for c in comments_a.comments(anna, str(draft.id))] == [
        "@ben und @carla: Zahlen 2023?",
        "Erledigt, @anna.",
    ]
    assert [m.comment.id for m in comments_a.mentions(ben)] == [result.comment.id]
    comments_a.mark_read(ben, result.comment.id)
    assert comments_a.mentions(ben) == []
    assert [m.comment.id for m in comments_a.mentions(anna)] == [reply.comment.id]

    with pytest.raises(PermissionDenied):
        comments_a.edit(ben, result.comment.id, "übernommen")  # only the author edits
    assert comments_a.edit(anna, result.comment.id, "@ben Zahlen 2023?").edited_at is not None
    with pytest.raises(PermissionDenied):
        comments_a.resolve(ben, result.comment.id)  # readers resolve only their own
    comments_a.resolve(anna, reply.comment.id)
    with pytest.raises(PermissionDenied):
        CommentStore(engine, "stadt-b").add(anna, str(draft.id), "ausgangslage", "Hallo")
    assert CommentStore(engine, "stadt-b").comments(carla, str(draft.id)) == []
    comments_a.delete(anna, reply.comment.id)  # admins delete any comment
    assert len(comments_a.comments(anna, str(draft.id), "ausgangslage")) == 1
    logged = AuditLog(engine).entries("stadt-a", action=audit.COMMENT)
    assert {e.actor for e in logged} == {"anna", "ben"}


def draft_history_diff_restore(settings: Settings) -> None:
    engine = engine_for(settings)
    accounts, _ = setup_people(engine)
    anna, ben = accounts.principal("anna"), accounts.principal("ben")
    store = DraftStore(engine, "stadt-a")
    history = SectionHistory(engine, "stadt-a")
    by_anna, by_ben = Policy(engine, "stadt-a", anna), Policy(engine, "stadt-a", ben)
    draft = store.create("Hafenviertel", "ihk", "IHK Hafenviertel")
    store.save_generated(draft.id, "ziele", "Die Kinderarmut liegt bei 20 % [1].", [])
    history.record_edit(by_anna, draft.id, "ziele", origin="generated")
    store.save_hand_edit(draft.id, "ziele", "Die Kinderarmut liegt bei 21,4 % [1].")
    history.record_edit(by_anna, draft.id, "ziele", origin="hand")

    versions = history.versions(ben, draft.id, "ziele")
    assert [(v.version, v.author) for v in versions] == [(1, "anna"), (2, "anna")]
    parts = history.diff(ben, draft.id, "ziele", 1)
    assert ("delete", "20") in [(p.op, p.text) for p in parts]
    assert ("insert", "21,4") in [(p.op, p.text) for p in parts]
    assert "".join(p.text for p in parts if p.op != "delete") == versions[1].text
    assert "-Die Kinderarmut liegt bei 20 %" in unified_diff(versions[0].text, versions[1].text)
    assert word_diff("a b", "a b") == [word_diff("a b", "a b")[0]]

    with pytest.raises(PermissionDenied):
        history.restore(by_ben, draft.id, "ziele", 1)  # readers cannot edit drafts
    restored = history.restore(by_anna, draft.id, "ziele", 1)
    assert restored.text == versions[0].text and restored.origin == "hand"
    after = history.versions(anna, draft.id, "ziele")
    assert [v.version for v in after] == [1, 2, 3]
    assert after[-1].note == "Fassung 1 wiederhergestellt" and after[-1].author == "anna"

    # Another workspace neither reads nor restores A's draft history.
    other = SectionHistory(engine, "stadt-b")
    carla = accounts.principal("carla")
    with pytest.raises(DraftNotFound):
        other.versions(carla, draft.id, "ziele")
    with pytest.raises(DraftNotFound):
        other.restore(Policy(engine, "stadt-b", carla), draft.id, "ziele", 1)


def indicator_rows_stay_in_workspace(settings: Settings, folder: Path) -> None:
    store = IndicatorStore(engine_for(settings))
    for workspace, base in (("stadt-a", 10.0), ("stadt-b", 50.0)):
        path = folder / f"{workspace}.csv"
        rows = ["Stadtteil-Nr;Stadtteil;SGB-II-Quote in %"]
        rows += [f"0{i};{name};{base + i:.1f}".replace(".", ",") for i, name in
                 enumerate(("Altstadt", "Hafenviertel", "Nordviertel"), start=1)]  # fmt: skip
        path.write_text("\n".join(rows), encoding="utf-8")
        assert store.add_table(f"doc-{workspace}", path.name, path, workspace) == 3
    values_a = store.frame("stadt-a")["value"].tolist()
    values_b = store.frame("stadt-b")["value"].tolist()
    assert sorted(values_a) == [11.0, 12.0, 13.0] and sorted(values_b) == [51.0, 52.0, 53.0]
    assert store.remove_document("doc-stadt-b", "stadt-a") == 0  # B's id in A removes nothing
    assert len(store.frame("stadt-b")) == 3


def lockout_per_user_and_source(settings: Settings) -> None:
    """Failed logins lock a name only for the address they came from, for at most
    `LOCKOUT` after the failures, however often the locked address keeps trying."""
    engine = engine_for(settings)
    accounts, _ = setup_people(engine)
    attacker, office = "203.0.113.9", "198.51.100.20"
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(LoginFailed, match="falsch"):
            accounts.authenticate("anna", "geraten-123", source=attacker)
    with pytest.raises(LoginFailed, match="Zu viele"):
        accounts.authenticate("anna", PASSWORD, source=attacker)
    # Anna at her desk is not locked out by someone else guessing her name.
    assert accounts.authenticate("anna", PASSWORD, source=office).username == "anna"
    _age_audit_log(engine, LOCKOUT - timedelta(minutes=1))
    for _ in range(10):  # tries during the lockout neither count nor extend it
        with pytest.raises(LoginFailed, match="Zu viele"):
            accounts.authenticate("anna", "geraten-456", source=attacker)
    _age_audit_log(engine, timedelta(minutes=1, seconds=1))
    assert accounts.authenticate("anna", PASSWORD, source=attacker).username == "anna"
    failed = AuditLog(engine).entries(actor="anna", action=audit.LOGIN_FAILED)
    assert [e.target for e in failed] == [attacker] * MAX_FAILED_LOGINS


def _age_audit_log(engine: Engine, by: timedelta) -> None:
    """Move every audit entry `by` into the past, as if that much time had passed."""
    with Session(engine) as session, session.begin():
        for entry in session.scalars(select(AuditEntry)):
            entry.at = as_utc(entry.at) - by


SCENARIOS: dict[str, Callable[[Settings], None]] = {
    "accounts_and_roles": accounts_and_roles,
    "first_admin_from_env": first_admin_from_env,
    "knowledge_base_attachment": knowledge_base_attachment,
    "shared_and_private_threads": shared_and_private_threads,
    "comments_with_mentions": comments_with_mentions,
    "draft_history_diff_restore": draft_history_diff_restore,
    "lockout_per_user_and_source": lockout_per_user_and_source,
}
