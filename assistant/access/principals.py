"""A person as the checks see them, read from the database: account and current roles.

`Policy` reads the person again before each check, so a revoked role or a locked account
takes effect at once; `assistant.workspace.accounts` uses the same reading at login.
"""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from assistant.access.models import Membership, User
from assistant.access.roles import Principal, Role


def principal_of(session: Session, row: User) -> Principal:
    """The person of a `users` row with their roles in every workspace."""
    roles = {
        m.workspace: Role(m.role)
        for m in session.scalars(select(Membership).where(Membership.user_id == row.id))
    }
    return Principal(row.id, row.username, row.display_name, row.is_admin, roles)


def active_principal(engine: Engine, username: str) -> Principal | None:
    """The person with their current roles; None if the account is unknown or locked."""
    with Session(engine) as session:
        row = session.scalar(select(User).where(User.username == username.strip().lower()))
        if row is None or not row.active:
            return None
        return principal_of(session, row)
