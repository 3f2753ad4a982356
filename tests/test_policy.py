"""The permission and audit layer (`access/policy.py`) and the immutable `Answer`."""

from __future__ import annotations

import ast
from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import pytest

from assistant.access import audit
from assistant.access.audit import AuditLog
from assistant.access.policy import EVENTS, UNGUARDED, Policy
from assistant.access.roles import ACTION_LABELS, ALLOWED, Action, PermissionDenied, Role
from assistant.models import Answer, Citation, SourceRef
from assistant.platform.config import Settings
from assistant.platform.db import engine_for
from assistant.workspace.workspaces import Workspaces
from tests.workspace_scenarios import ROOT, fast_hashing, setup_people  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hashing")

ROOT_DIR = Path(__file__).resolve().parents[1]


def test_a_reader_is_refused_an_edit_in_german_and_the_refusal_is_logged(
    settings: Settings,
) -> None:
    engine = engine_for(settings)
    accounts, _ = setup_people(engine)
    ben = Policy(engine, "stadt-a", accounts.principal("ben"))  # „Lesen“ in stadt-a
    assert ben.role is Role.LESEN and ben.can(Action.READ)
    with pytest.raises(PermissionDenied) as refused:
        ben.require(Action.EDIT_DRAFT, "7/ziele")
    assert "Mit der Rolle „Lesen“" in refused.value.message
    assert "Entwürfe bearbeiten" in refused.value.message
    [entry] = AuditLog(engine).entries("stadt-a", actor="ben", action=audit.DENIED)
    assert entry.target == "7/ziele" and entry.details == {"attempted": "edit_draft"}


def test_an_allowed_action_writes_its_audit_entry(settings: Settings) -> None:
    engine = engine_for(settings)
    accounts, _ = setup_people(engine)
    anna = Policy(engine, "stadt-a", accounts.principal("anna"))
    with anna.audited(Action.EXPORT, "entwurf.docx", format="docx"):
        pass
    [entry] = AuditLog(engine).entries("stadt-a", actor="anna", action=audit.EXPORT)
    assert entry.target == "entwurf.docx" and entry.details == {"format": "docx"}


def test_a_failed_action_writes_no_audit_entry(settings: Settings) -> None:
    engine = engine_for(settings)
    accounts, _ = setup_people(engine)
    anna = Policy(engine, "stadt-a", accounts.principal("anna"))
    with pytest.raises(OSError), anna.audited(Action.EXPORT, "voll.docx"):
        raise OSError("Datenträger voll")
    assert AuditLog(engine).entries("stadt-a", action=audit.EXPORT) == []


def test_a_revoked_role_is_refused_at_the_next_check(settings: Settings) -> None:
    engine = engine_for(settings)
    accounts, workspaces = setup_people(engine)
    carla = Policy(engine, "stadt-b", accounts.principal("carla"))
    carla.require(Action.UPLOAD, "bericht.pdf")
    workspaces.revoke(ROOT, "carla", "stadt-b")
    with pytest.raises(PermissionDenied, match="gehört nicht zum Arbeitsbereich"):
        carla.require(Action.UPLOAD, "bericht.pdf")


def test_nobody_enters_a_workspace_without_a_role(settings: Settings) -> None:
    engine = engine_for(settings)
    accounts, _ = setup_people(engine)
    with pytest.raises(PermissionDenied, match="gehört nicht zum Arbeitsbereich „stadt-a“"):
        Policy(engine, "stadt-a", accounts.principal("carla"))


def test_role_management_refusals_are_logged_by_the_same_check(settings: Settings) -> None:
    engine = engine_for(settings)
    accounts, _ = setup_people(engine)
    with pytest.raises(PermissionDenied, match="Rollen und Mitglieder verwalten"):
        Workspaces(engine).grant(accounts.principal("ben"), "ben", "stadt-a", Role.ADMIN)
    [entry] = AuditLog(engine).entries("stadt-a", actor="ben", action=audit.DENIED)
    assert entry.target == "ben"


def test_without_login_everything_is_allowed_and_nothing_logged() -> None:
    for action in Action:
        UNGUARDED.require(action)
        with UNGUARDED.audited(action, "x"):
            pass
    UNGUARDED.require_thread("unbekannt")
    assert UNGUARDED.user.is_admin


def _actions_used() -> set[str]:
    """Every `Action.X` named in the library and the app."""
    used = set()
    for folder in ("assistant", "ui"):
        for path in (ROOT_DIR / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "Action"
                ):
                    used.add(node.attr)
    return used


def test_the_action_table_covers_every_action_used() -> None:
    used = _actions_used()
    assert {"UPLOAD", "DELETE", "EDIT_DRAFT", "EXPORT", "MANAGE_ROLES", "READ"} <= used
    assert used <= set(Action.__members__)
    for action in Action:
        assert action in EVENTS and action in ACTION_LABELS, action
        assert any(action in ALLOWED[role] for role in Role), action
    # Rights only grow from „Lesen“ to „Bearbeitung“ to „Admin“.
    assert ALLOWED[Role.LESEN] < ALLOWED[Role.BEARBEITUNG] < ALLOWED[Role.ADMIN]


def test_an_answer_cannot_be_changed_after_it_is_built() -> None:
    ref = SourceRef(doc_id="d1", source="bericht.pdf", page=3)
    answer = Answer(
        question="Wie hoch ist die Quote?",
        text="Sie liegt bei 12 % [1].",
        mode="extractive",
        citations=[Citation(1, ref, "Die Quote liegt bei 12 %.")],
    )
    with pytest.raises(FrozenInstanceError):
        answer.notice = "geändert"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        answer.citations[0].text = "anders"  # type: ignore[misc]
    later = replace(answer, thread_id="t1", asked="Und die Quote?")
    assert (answer.thread_id, answer.asked) == (None, "")
    assert later.to_json()["thread"] == "t1" and later.to_json()["asked"] == "Und die Quote?"
