"""The audit log: who did what, when, in which workspace, to which target.

Entries are only ever added. Actor and workspace are stored as names, so the log keeps
its meaning after a user or workspace is deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from assistant.access.models import AuditEntry, utcnow

# Action names (stable: filters and reports use them).
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGIN_LOCKED = "login_locked"  # refused during a lockout; not counted as a new failure
UNLOCK = "unlock"
LOGOUT = "logout"
UPLOAD = "upload"
DELETE = "delete"
EXPORT = "export"
DENIED = "denied"
ROLE_GRANT = "role_grant"
ROLE_REVOKE = "role_revoke"
USER_CREATE = "user_create"
USER_UPDATE = "user_update"
WORKSPACE_CREATE = "workspace_create"
ATTACH = "attach"
DETACH = "detach"
THREAD_CREATE = "thread_create"
THREAD_DELETE = "thread_delete"
THREAD_VISIBILITY = "thread_visibility"
COMMENT = "comment"
COMMENT_DELETE = "comment_delete"
DRAFT_EDIT = "draft_edit"
DRAFT_RESTORE = "draft_restore"
BACKUP = "backup"
RESTORE = "restore"

ACTION_LABELS: dict[str, str] = {
    LOGIN: "Anmeldung",
    LOGIN_FAILED: "Anmeldung fehlgeschlagen",
    LOGIN_LOCKED: "Anmeldung während Sperre abgewiesen",
    UNLOCK: "Konto freigegeben",
    LOGOUT: "Abmeldung",
    UPLOAD: "Hochladen",
    DELETE: "Löschen",
    EXPORT: "Export",
    DENIED: "Verweigert",
    ROLE_GRANT: "Rolle vergeben",
    ROLE_REVOKE: "Rolle entzogen",
    USER_CREATE: "Konto angelegt",
    USER_UPDATE: "Konto geändert",
    WORKSPACE_CREATE: "Arbeitsbereich angelegt",
    ATTACH: "Wissensbasis angebunden",
    DETACH: "Wissensbasis gelöst",
    THREAD_CREATE: "Gespräch begonnen",
    THREAD_DELETE: "Gespräch gelöscht",
    THREAD_VISIBILITY: "Gespräch freigegeben/privat",
    COMMENT: "Kommentar",
    COMMENT_DELETE: "Kommentar gelöscht",
    DRAFT_EDIT: "Entwurf bearbeitet",
    DRAFT_RESTORE: "Entwurfsfassung wiederhergestellt",
    BACKUP: "Sicherung",
    RESTORE: "Wiederherstellung",
}


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    workspace: str
    target: str
    details: dict[str, Any]

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


class AuditLog:
    """Appends and reads audit entries in the app database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(
        self,
        actor: str,
        action: str,
        workspace: str = "",
        target: str = "",
        **details: Any,
    ) -> None:
        entry = AuditEntry(
            at=utcnow(),
            actor=actor,
            action=action,
            workspace=workspace,
            target=target,
            details=json.dumps(details, ensure_ascii=False, sort_keys=True, default=str),
        )
        with Session(self.engine) as session, session.begin():
            session.add(entry)

    def entries(
        self,
        workspace: str | None = None,
        *,
        actor: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        limit: int = 500,
    ) -> list[AuditRecord]:
        """Newest first."""
        query = select(AuditEntry)
        if workspace is not None:
            query = query.where(AuditEntry.workspace == workspace)
        if actor is not None:
            query = query.where(AuditEntry.actor == actor)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        if since is not None:
            query = query.where(AuditEntry.at >= since)
        query = query.order_by(AuditEntry.id.desc()).limit(limit)
        with Session(self.engine) as session:
            return [_record(row) for row in session.scalars(query)]

    def latest(
        self, action: str, *, actor: str | None = None, target: str | None = None
    ) -> datetime | None:
        """When `action` was last recorded for this actor or target, None if never."""
        query = select(func.max(AuditEntry.at)).where(AuditEntry.action == action)
        if actor is not None:
            query = query.where(AuditEntry.actor == actor)
        if target is not None:
            query = query.where(AuditEntry.target == target)
        with Session(self.engine) as session:
            return session.scalar(query)

    def count(self, *, actor: str, action: str, since: datetime, target: str | None = None) -> int:
        """How often `actor` did `action` since then (on `target`, if given)."""
        query = select(func.count()).where(
            AuditEntry.actor == actor, AuditEntry.action == action, AuditEntry.at >= since
        )
        if target is not None:
            query = query.where(AuditEntry.target == target)
        with Session(self.engine) as session:
            return int(session.scalar(query) or 0)


def _record(row: AuditEntry) -> AuditRecord:
    return AuditRecord(
        row.id,
        row.at,
        row.actor,
        row.action,
        row.workspace,
        row.target,
        json.loads(row.details or "{}"),
    )
