"""Tables the permission checks read and write (on `assistant.platform.db.Base`, created by
the migrations; the names are those of the first collaboration schema).

- `users`: people who log in. `username` is unique and stored lower-case; `password_hash`
  is an argon2 hash, NULL for people who only log in through OIDC; `is_admin` marks
  system administrators (create workspaces, attach the knowledge base, every role
  everywhere); `active` False locks the account without deleting its history.
- `workspaces`: one per municipality or project. `name` is the slug every store keys its
  rows by (the `workspace` column of catalog, indicators, threads, feedback); `kind` is
  "municipality", "project" or "knowledge_base" (the shared, read-only Wissensbasis).
- `workspace_members`: a person's role in a workspace: "admin", "bearbeitung", "lesen".
- `audit_log`: who did what, when, in which workspace, to which target. Names are copied
  (not referenced), so entries outlive deleted users and workspaces.
- `threads`: conversation threads: `id` (32 hex chars), `title` (the first question,
  shortened), `workspace`, `created_at` (UTC). Their messages are
  `assistant.answering.conversation`'s table `messages`.
- `thread_access`: owner and privacy of a conversation thread (`threads` rows without
  an entry are shared with the workspace, as before the collaboration layer).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assistant.platform.db import Base

TITLE_CHARS = 80


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp with its zone: SQLite returns naive ones, which are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def thread_title(text: str) -> str:
    """A thread's title from its first question: one line, at most `TITLE_CHARS`."""
    text = " ".join(text.split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Workspace(Base):
    __tablename__ = "workspaces"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default="municipality")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Membership(Base):
    __tablename__ = "workspace_members"

    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey(User.id, ondelete="CASCADE"), primary_key=True
    )
    workspace: Mapped[str] = mapped_column(
        String(100), ForeignKey(Workspace.name, ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_workspace_at", "workspace", "at"),
        Index("ix_audit_log_actor_at", "actor", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))  # username, or "system" / "cli:<os user>"
    action: Mapped[str] = mapped_column(String(40))
    workspace: Mapped[str] = mapped_column(String(100), default="")
    target: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON object


class Thread(Base):
    __tablename__ = "threads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    workspace: Mapped[str] = mapped_column(String(100), index=True, default="default")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def new_thread(title: str, workspace: str) -> Thread:
    """A thread not yet stored: a fresh id, the title from its first question."""
    return Thread(
        id=uuid.uuid4().hex, title=thread_title(title), workspace=workspace, created_at=utcnow()
    )


class ThreadAccess(Base):
    __tablename__ = "thread_access"

    thread_id: Mapped[str] = mapped_column(
        String(32), ForeignKey(Thread.id, ondelete="CASCADE"), primary_key=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey(User.id, ondelete="SET NULL"), index=True, nullable=True
    )
    private: Mapped[bool] = mapped_column(Boolean, default=False)
