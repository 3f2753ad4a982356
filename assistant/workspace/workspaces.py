"""Workspaces, their members' roles, and the knowledge bases attached to them.

A workspace name is the key every store files its rows under (catalog, vectors,
indicators, threads, drafts), so it is a slug: lower-case letters, digits, „-“ and „_“.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from assistant.access import audit
from assistant.access.audit import AuditLog
from assistant.access.models import Membership, User, Workspace, utcnow
from assistant.access.policy import require_logged
from assistant.access.roles import (
    Action,
    Principal,
    Role,
    require_system_admin,
)
from assistant.workspace.models import Attachment

WorkspaceKind = Literal["municipality", "project", "knowledge_base"]
WORKSPACE_KINDS: tuple[WorkspaceKind, ...] = ("municipality", "project", "knowledge_base")
KIND_LABELS: dict[str, str] = {
    "municipality": "Kommune",
    "project": "Projekt",
    "knowledge_base": "Wissensbasis",
}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,62}[a-z0-9]$")


class WorkspaceError(ValueError):
    """A refused workspace operation (German message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class WorkspaceInfo:
    name: str
    title: str
    kind: str
    created_at: datetime

    @property
    def label(self) -> str:
        return self.title or self.name

    @property
    def is_knowledge_base(self) -> bool:
        return self.kind == "knowledge_base"


@dataclass(frozen=True, slots=True)
class Member:
    username: str
    display_name: str
    role: Role


def check_workspace_name(name: str) -> str:
    if not _NAME.match(name):
        raise WorkspaceError(
            f"Ungültiger Name „{name}“ für einen Arbeitsbereich: 3 bis 64 Zeichen, nur "
            "Kleinbuchstaben, Ziffern, „-“ und „_“ (z. B. „lindwerden“)."
        )
    return name


class Workspaces:
    """Workspaces, memberships and knowledge-base attachments in the app database."""

    def __init__(self, engine: Engine, audit_log: AuditLog | None = None) -> None:
        self.engine = engine
        self.audit = audit_log or AuditLog(engine)

    # -- workspaces --------------------------------------------------------------------

    def create(
        self, by: Principal, name: str, title: str = "", kind: WorkspaceKind = "municipality"
    ) -> WorkspaceInfo:
        require_system_admin(by, "Arbeitsbereiche anlegen")
        check_workspace_name(name)
        if kind not in WORKSPACE_KINDS:
            raise WorkspaceError(f"Unbekannte Art „{kind}“ für einen Arbeitsbereich.")
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            if session.get(Workspace, name) is not None:
                raise WorkspaceError(f"Den Arbeitsbereich „{name}“ gibt es schon.")
            row = Workspace(name=name, title=title.strip(), kind=kind, created_at=utcnow())
            session.add(row)
        self.audit.record(by.username, audit.WORKSPACE_CREATE, name, name, kind=kind)
        return _info(row)

    def get(self, name: str) -> WorkspaceInfo | None:
        with Session(self.engine) as session:
            row = session.get(Workspace, name)
            return _info(row) if row is not None else None

    def require_existing(self, name: str) -> WorkspaceInfo:
        found = self.get(name)
        if found is None:
            raise WorkspaceError(
                f"Den Arbeitsbereich „{name}“ gibt es nicht. Vorhanden: "
                + (", ".join(w.name for w in self.all()) or "keiner")
                + "."
            )
        return found

    def all(self) -> list[WorkspaceInfo]:
        with Session(self.engine) as session:
            return [_info(w) for w in session.scalars(select(Workspace).order_by(Workspace.name))]

    def visible_to(self, user: Principal) -> list[WorkspaceInfo]:
        """The workspaces a person can open: all for system administrators, else those
        with a role."""
        return [w for w in self.all() if user.is_admin or w.name in user.roles]

    # -- roles -------------------------------------------------------------------------

    def grant(self, by: Principal, username: str, workspace: str, role: Role) -> None:
        """Give a person a role in a workspace (replacing an earlier one)."""
        require_logged(self.audit, by, workspace, Action.MANAGE_ROLES, username)
        self.require_existing(workspace)
        name = username.strip().lower()
        with Session(self.engine) as session, session.begin():
            user_id = session.scalar(select(User.id).where(User.username == name))
            if user_id is None:
                raise WorkspaceError(f"Ein Konto „{username}“ gibt es nicht.")
            row = session.get(Membership, (user_id, workspace))
            previous = row.role if row is not None else None
            if row is None:
                session.add(
                    Membership(user_id=user_id, workspace=workspace, role=role, granted_at=utcnow())
                )
            else:
                row.role = role
                row.granted_at = utcnow()
        self.audit.record(
            by.username, audit.ROLE_GRANT, workspace, name, role=str(role), previous=previous
        )

    def revoke(self, by: Principal, username: str, workspace: str) -> bool:
        """Remove a person from a workspace; False if they had no role there."""
        require_logged(self.audit, by, workspace, Action.MANAGE_ROLES, username)
        name = username.strip().lower()
        with Session(self.engine) as session, session.begin():
            user_id = session.scalar(select(User.id).where(User.username == name))
            row = session.get(Membership, (user_id, workspace)) if user_id is not None else None
            if row is None:
                return False
            previous = row.role
            session.delete(row)
        self.audit.record(by.username, audit.ROLE_REVOKE, workspace, name, previous=previous)
        return True

    def members(self, workspace: str) -> list[Member]:
        with Session(self.engine) as session:
            rows = session.execute(
                select(User.username, User.display_name, Membership.role)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.workspace == workspace, User.active.is_(True))
                .order_by(User.username)
            ).all()
        return [Member(u, d, Role(r)) for u, d, r in rows]

    # -- knowledge bases ---------------------------------------------------------------

    def attach(self, by: Principal, workspace: str, knowledge_base: str) -> None:
        """Search `knowledge_base` (read-only) in addition whenever `workspace` is searched."""
        require_system_admin(by, "Eine Wissensbasis anbinden")
        target = self.require_existing(workspace)
        base = self.require_existing(knowledge_base)
        if not base.is_knowledge_base:
            raise WorkspaceError(
                f"„{knowledge_base}“ ist keine Wissensbasis. Nur Arbeitsbereiche der Art "
                "„Wissensbasis“ lassen sich anbinden; die Dokumente einer Kommune bleiben in "
                "ihrem Arbeitsbereich."
            )
        if target.is_knowledge_base or workspace == knowledge_base:
            raise WorkspaceError(
                "Eine Wissensbasis lässt sich nur an Kommunen und Projekte binden."
            )
        with Session(self.engine) as session, session.begin():
            if session.get(Attachment, (workspace, knowledge_base)) is None:
                session.add(
                    Attachment(
                        workspace=workspace, knowledge_base=knowledge_base, attached_at=utcnow()
                    )
                )
        self.audit.record(by.username, audit.ATTACH, workspace, knowledge_base)

    def detach(self, by: Principal, workspace: str, knowledge_base: str) -> bool:
        require_system_admin(by, "Eine Wissensbasis lösen")
        with Session(self.engine) as session, session.begin():
            row = session.get(Attachment, (workspace, knowledge_base))
            if row is None:
                return False
            session.delete(row)
        self.audit.record(by.username, audit.DETACH, workspace, knowledge_base)
        return True

    def knowledge_bases(self, workspace: str) -> list[str]:
        """Knowledge bases attached to `workspace`, by name."""
        with Session(self.engine) as session:
            return list(
                session.scalars(
                    select(Attachment.knowledge_base)
                    .where(Attachment.workspace == workspace)
                    .order_by(Attachment.knowledge_base)
                )
            )


def _info(row: Workspace) -> WorkspaceInfo:
    return WorkspaceInfo(row.name, row.title, row.kind, row.created_at)
