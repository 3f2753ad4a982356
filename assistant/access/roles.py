"""Who may do what in which workspace: roles, actions and the one check, `require`.

Roles are granted per workspace: Admin, Bearbeitung (editing), Lesen (reading). System
administrators (`Principal.is_admin`) hold every right in every workspace. A knowledge
base attached to a workspace is searched on that workspace's behalf, read-only; writing
to the knowledge base itself needs a role in it like any other workspace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    BEARBEITUNG = "bearbeitung"
    LESEN = "lesen"


class Action(StrEnum):
    READ = "read"
    COMMENT = "comment"
    EXPORT = "export"
    UPLOAD = "upload"
    DELETE = "delete"
    EDIT_DRAFT = "edit_draft"
    MANAGE_ROLES = "manage_roles"


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "Admin",
    Role.BEARBEITUNG: "Bearbeitung",
    Role.LESEN: "Lesen",
}

# What the German refusal names: „… darf … nicht <label>.“
ACTION_LABELS: dict[Action, str] = {
    Action.READ: "lesen",
    Action.COMMENT: "kommentieren",
    Action.EXPORT: "exportieren",
    Action.UPLOAD: "Dokumente hochladen",
    Action.DELETE: "Dokumente löschen",
    Action.EDIT_DRAFT: "Entwürfe bearbeiten",
    Action.MANAGE_ROLES: "Rollen und Mitglieder verwalten",
}

_READER = frozenset({Action.READ, Action.COMMENT, Action.EXPORT})
_EDITOR = _READER | {Action.UPLOAD, Action.DELETE, Action.EDIT_DRAFT}
ALLOWED: dict[Role, frozenset[Action]] = {
    Role.LESEN: _READER,
    Role.BEARBEITUNG: _EDITOR,
    Role.ADMIN: _EDITOR | {Action.MANAGE_ROLES},
}


def parse_role(value: str) -> Role:
    """A role from its name or German label, case-insensitive („Lesen“, „admin“ …)."""
    wanted = value.strip().casefold()
    for role in Role:
        if wanted in (role.value, ROLE_LABELS[role].casefold()):
            return role
    names = ", ".join(ROLE_LABELS[r] for r in Role)
    raise ValueError(f"Unbekannte Rolle „{value}“. Möglich sind: {names}.")


@dataclass(frozen=True, slots=True)
class Principal:
    """A logged-in person as the checks see them: a snapshot of their roles."""

    id: int | None
    username: str
    display_name: str = ""
    is_admin: bool = False
    roles: Mapping[str, Role] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.display_name or self.username

    def role_in(self, workspace: str) -> Role | None:
        if self.is_admin:
            return Role.ADMIN
        return self.roles.get(workspace)

    def can(self, workspace: str, action: Action | str) -> bool:
        role = self.role_in(workspace)
        return role is not None and Action(action) in ALLOWED[role]

    def workspaces(self) -> list[str]:
        """Workspaces with an explicit role (system administrators see all via the store)."""
        return sorted(self.roles)


class PermissionDenied(PermissionError):
    """A refused action, with a German message that says what to do."""

    def __init__(
        self, message: str, user: Principal, workspace: str = "", action: Action | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.user = user
        self.workspace = workspace
        self.action = action

    @classmethod
    def for_action(cls, user: Principal, workspace: str, action: Action) -> PermissionDenied:
        role = user.role_in(workspace)
        if role is None:
            message = (
                f"Kein Zugriff: „{user.label}“ gehört nicht zum Arbeitsbereich „{workspace}“. "
                "Bitte eine Administratorin oder einen Administrator um Aufnahme bitten."
            )
        else:
            needed = " oder ".join(f"„{ROLE_LABELS[r]}“" for r in Role if action in ALLOWED[r])
            message = (
                f"Keine Berechtigung: Mit der Rolle „{ROLE_LABELS[role]}“ dürfen Sie im "
                f"Arbeitsbereich „{workspace}“ nicht {ACTION_LABELS[action]}. Nötig ist die "
                f"Rolle {needed}; bitte eine Administratorin oder einen Administrator des "
                "Arbeitsbereichs fragen."
            )
        return cls(message, user, workspace, action)


def require(user: Principal, workspace: str, action: Action | str) -> None:
    """Raise `PermissionDenied` unless `user` may do `action` in `workspace`."""
    action = Action(action)
    if not user.can(workspace, action):
        raise PermissionDenied.for_action(user, workspace, action)


def require_system_admin(user: Principal, what: str) -> None:
    """Raise `PermissionDenied` unless `user` is a system administrator.

    `what` completes „… dürfen nur Systemadministratoren“, e.g. „Arbeitsbereiche anlegen“.
    """
    if not user.is_admin:
        raise PermissionDenied(
            f"Keine Berechtigung: {what} dürfen nur Systemadministratorinnen und "
            f"-administratoren („{user.label}“ gehört nicht dazu).",
            user,
        )
