"""Who sees which conversation thread: shared with the workspace, or private to its owner.

Threads (table `threads`, `models.Thread`) get their messages from
`assistant.answering.conversation`; this module adds an owner and a private flag (table
`thread_access`). Threads without an access row, such as those from before logins existed
or from the CLI, are shared with the workspace. Deleting a thread with its messages is
`assistant.workspace.threads`.
"""

from __future__ import annotations

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from assistant.access import audit
from assistant.access.audit import AuditLog
from assistant.access.models import Thread, ThreadAccess, new_thread
from assistant.access.roles import Action, PermissionDenied, Principal, require


class ThreadNotFound(LookupError):
    """No such thread in the workspace, or one the person may not see."""


class ThreadAccessStore:
    """Threads of one workspace as one person may see them."""

    def __init__(self, engine: Engine, workspace: str, audit_log: AuditLog | None = None) -> None:
        self.engine = engine
        self.workspace = workspace
        self.audit = audit_log or AuditLog(engine)

    def create(self, user: Principal, title: str = "", private: bool = False) -> Thread:
        """A new thread owned by `user`; private threads are visible to their owner only."""
        require(user, self.workspace, Action.READ)
        thread = new_thread(title, self.workspace)
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            session.add(thread)
            session.flush()
            session.add(ThreadAccess(thread_id=thread.id, owner_id=user.id, private=private))
        self.audit.record(
            user.username, audit.THREAD_CREATE, self.workspace, thread.id, private=private
        )
        return thread

    def visible(self, user: Principal) -> list[Thread]:
        """Shared threads of the workspace and the person's own private ones, newest first."""
        require(user, self.workspace, Action.READ)
        query = (
            select(Thread)
            .outerjoin(ThreadAccess, ThreadAccess.thread_id == Thread.id)
            .where(
                Thread.workspace == self.workspace,
                or_(
                    ThreadAccess.thread_id.is_(None),
                    ThreadAccess.private.is_(False),
                    ThreadAccess.owner_id == user.id,
                ),
            )
            .order_by(Thread.created_at.desc())
        )
        with Session(self.engine, expire_on_commit=False) as session:
            return list(session.scalars(query))

    def is_private(self, thread_id: str) -> bool:
        with Session(self.engine) as session:
            row = session.get(ThreadAccess, thread_id)
            return bool(row is not None and row.private)

    def owner_id(self, thread_id: str) -> int | None:
        with Session(self.engine) as session:
            row = session.get(ThreadAccess, thread_id)
            return row.owner_id if row is not None else None

    def require_visible(self, user: Principal, thread_id: str) -> Thread:
        """The thread if `user` may see it; `ThreadNotFound` otherwise (a private thread of
        someone else is reported like a missing one)."""
        require(user, self.workspace, Action.READ)
        with Session(self.engine, expire_on_commit=False) as session:
            thread = session.get(Thread, thread_id)
            access = session.get(ThreadAccess, thread_id)
        if (
            thread is None
            or thread.workspace != self.workspace
            or (access is not None and access.private and access.owner_id != user.id)
        ):
            raise ThreadNotFound(f"Einen Gesprächsverlauf „{thread_id}“ gibt es nicht.")
        return thread

    def set_private(self, user: Principal, thread_id: str, private: bool) -> None:
        """Make a thread private or share it; only its owner may."""
        self.require_visible(user, thread_id)
        with Session(self.engine) as session, session.begin():
            access = session.get(ThreadAccess, thread_id)
            if access is None or access.owner_id != user.id:
                raise PermissionDenied(
                    "Nur wer ein Gespräch begonnen hat, kann es privat machen oder freigeben.",
                    user,
                    self.workspace,
                )
            access.private = private
        self.audit.record(
            user.username, audit.THREAD_VISIBILITY, self.workspace, thread_id, private=private
        )
