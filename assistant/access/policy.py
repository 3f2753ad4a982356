"""Permissions and audit as one layer: the guard every service calls for a person's action.

The services (answers, documents, drafts) take a `Guard` and call it themselves, so no
class has to repeat their signatures to add a check:

    policy = Policy(engine, "lindwerden", accounts.authenticate("anna", password))
    ingest_upload(settings, pipeline, "Sozialbericht.pdf", data, guard=policy)  # „Lesen“: refused
    services.answers.ask("Wie hoch ist die SGB-II-Quote?", guard=policy)

Which role holds which right is the one table `roles.ALLOWED`; which audit entry an
allowed action writes by default is `EVENTS` below. A `Policy` reads the person's roles
again from the database before each check, so a revoked role takes effect at once, also
in open browser sessions; a refusal is written to the audit log before it is raised.
Without login (`Settings.auth` off) the services get `UNGUARDED`: everything allowed,
nothing logged, as in a single-user installation.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from sqlalchemy import Engine

from assistant.access import audit
from assistant.access.audit import AuditLog, AuditRecord
from assistant.access.principals import active_principal
from assistant.access.roles import Action, PermissionDenied, Principal, Role, require
from assistant.access.threads import ThreadAccessStore

# The audit entry an allowed action writes when it is done through `Guard.audited`;
# reading is not logged. Actions that log more than one kind of entry (deleting a draft
# is an `EDIT_DRAFT` right but a `DELETE` entry) name their event at the call.
EVENTS: dict[Action, str | None] = {
    Action.READ: None,
    Action.COMMENT: audit.COMMENT,
    Action.EXPORT: audit.EXPORT,
    Action.UPLOAD: audit.UPLOAD,
    Action.DELETE: audit.DELETE,
    Action.EDIT_DRAFT: audit.DRAFT_EDIT,
    Action.MANAGE_ROLES: None,  # grants and revocations are logged by `Workspaces`
}

# Who acts when nobody logs in (single-user mode): a local administrator.
LOCAL_USER = Principal(id=None, username="lokal", display_name="Lokal", is_admin=True)


class Guard(Protocol):
    """What a service asks before and after a person's action."""

    @property
    def user(self) -> Principal: ...

    def require(self, action: Action, target: str = "") -> None:
        """Raise `PermissionDenied` (German message) unless the person may do `action`."""
        ...

    def record(self, event: str, target: str = "", **details: object) -> None:
        """Write an audit entry for the person in the workspace."""
        ...

    def audited(
        self, action: Action, target: str = "", event: str | None = None, **details: object
    ) -> AbstractContextManager[None]:
        """Check `action`, run the block, then log `event` (default `EVENTS[action]`)."""
        ...

    def require_thread(self, thread_id: str | None) -> None:
        """Reading, and in a thread the person may see (`ThreadNotFound` otherwise)."""
        ...


class Policy:
    """One person in one workspace: every guarded action checked, every change logged."""

    def __init__(self, engine: Engine, workspace: str, user: Principal) -> None:
        self.engine = engine
        self.workspace = workspace
        self.audit = AuditLog(engine)
        self._user = user
        self.require(Action.READ)  # entering the workspace is the first check

    @property
    def user(self) -> Principal:
        return self._user

    @property
    def role(self) -> Role | None:
        return self._user.role_in(self.workspace)

    def can(self, action: Action) -> bool:
        return self._user.can(self.workspace, action)

    def refresh(self) -> Principal:
        """Reload the person's roles (and whether the account is still active)."""
        current = active_principal(self.engine, self._user.username)
        if current is None:
            raise PermissionDenied(
                f"Das Konto „{self._user.username}“ ist gesperrt oder gelöscht. Bitte neu "
                "anmelden oder eine Administratorin oder einen Administrator fragen.",
                self._user,
                self.workspace,
            )
        self._user = current
        return self._user

    def require(self, action: Action, target: str = "") -> None:
        require_logged(self.audit, self.refresh(), self.workspace, action, target)

    def record(self, event: str, target: str = "", **details: object) -> None:
        self.audit.record(self._user.username, event, self.workspace, target, **details)

    @contextmanager
    def audited(
        self, action: Action, target: str = "", event: str | None = None, **details: object
    ) -> Iterator[None]:
        self.require(action, target)
        yield
        logged = event or EVENTS[action]
        if logged is not None:
            self.record(logged, target, **details)

    def require_thread(self, thread_id: str | None) -> None:
        self.require(Action.READ)
        if thread_id is not None:
            self.threads().require_visible(self._user, thread_id)

    def threads(self) -> ThreadAccessStore:
        """The workspace's threads as this person may see and change them."""
        return ThreadAccessStore(self.engine, self.workspace, self.audit)

    def audit_entries(self, limit: int = 500) -> list[AuditRecord]:
        """The audit log of this workspace, newest first (for its administrators)."""
        self.require(Action.MANAGE_ROLES, "audit_log")
        return self.audit.entries(self.workspace, limit=limit)


def require_logged(
    log: AuditLog, user: Principal, workspace: str, action: Action, target: str = ""
) -> None:
    """`roles.require`, with a refusal written to the audit log before it is raised."""
    try:
        require(user, workspace, action)
    except PermissionDenied:
        log.record(user.username, audit.DENIED, workspace, target, attempted=str(action))
        raise


class Unguarded:
    """Single-user mode: every action allowed, nothing logged."""

    user = LOCAL_USER

    def require(self, action: Action, target: str = "") -> None:
        return None

    def record(self, event: str, target: str = "", **details: object) -> None:
        return None

    @contextmanager
    def audited(
        self, action: Action, target: str = "", event: str | None = None, **details: object
    ) -> Iterator[None]:
        yield

    def require_thread(self, thread_id: str | None) -> None:
        return None


UNGUARDED = Unguarded()
