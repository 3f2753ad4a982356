"""Tables of the collaboration layer (on `assistant.platform.db.Base`, created by the migrations).

- `users`: people who log in. `username` is unique and stored lower-case; `password_hash`
  is an argon2 hash, NULL for people who only log in through OIDC; `is_admin` marks
  system administrators (create workspaces, attach the knowledge base, every role
  everywhere); `active` False locks the account without deleting its history.
- `workspaces`: one per municipality or project. `name` is the slug every store keys its
  rows by (the `workspace` column of catalog, indicators, threads, feedback); `kind` is
  "municipality", "project" or "knowledge_base" (the shared, read-only Wissensbasis).
- `workspace_members`: a person's role in a workspace: "admin", "bearbeitung", "lesen".
- `workspace_attachments`: knowledge-base workspaces searched (read-only) in addition.
- `audit_log`: who did what, when, in which workspace, to which target. Names are copied
  (not referenced), so entries outlive deleted users and workspaces.
- `thread_access`: owner and privacy of a conversation thread (`threads` rows without
  an entry are shared with the workspace, as before the collaboration layer).
- `section_comments` / `comment_mentions`: comments on draft sections and the people
  they @mention (with when the mention was read). Draft and section are referred to by
  id only, so comments work with any draft store.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from assistant.answering.conversation import Thread
from assistant.platform.db import Base


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp with its zone: SQLite returns naive ones, which are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


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


class Attachment(Base):
    __tablename__ = "workspace_attachments"

    workspace: Mapped[str] = mapped_column(
        String(100), ForeignKey(Workspace.name, ondelete="CASCADE"), primary_key=True
    )
    knowledge_base: Mapped[str] = mapped_column(
        String(100), ForeignKey(Workspace.name, ondelete="CASCADE"), primary_key=True
    )
    attached_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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


class ThreadAccess(Base):
    __tablename__ = "thread_access"

    thread_id: Mapped[str] = mapped_column(
        String(32), ForeignKey(Thread.id, ondelete="CASCADE"), primary_key=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey(User.id, ondelete="SET NULL"), index=True, nullable=True
    )
    private: Mapped[bool] = mapped_column(Boolean, default=False)


class SectionComment(Base):
    __tablename__ = "section_comments"
    __table_args__ = (Index("ix_section_comments_section", "workspace", "draft_id", "section_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace: Mapped[str] = mapped_column(String(100))
    draft_id: Mapped[str] = mapped_column(String(64))
    section_id: Mapped[str] = mapped_column(String(100))
    author_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey(User.id, ondelete="SET NULL"), nullable=True
    )
    author_name: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)


class CommentMention(Base):
    __tablename__ = "comment_mentions"

    comment_id: Mapped[int] = mapped_column(
        Integer, ForeignKey(SectionComment.id, ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey(User.id, ondelete="CASCADE"), primary_key=True, index=True
    )
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
