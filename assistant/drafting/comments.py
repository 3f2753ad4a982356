"""Comments on draft sections, with @mentions of workspace members.

A comment belongs to a section of a draft in one workspace (drafts and sections are
referred to by id). „@anna“ in a comment mentions the member with user name „anna“;
names that are no member of the workspace are ignored (and reported back), so nobody
outside the workspace learns of its drafts. Mentioned people see the comment in their
unread mentions until they mark it read.

Tables (on `assistant.platform.db.Base`, created by the migrations):
`section_comments` / `comment_mentions`, the comments and the people they @mention (with
when the mention was read). Draft and section are referred to by id only, so comments
work with any draft store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Boolean, DateTime, Engine, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.access import audit
from assistant.access.audit import AuditLog
from assistant.access.models import Membership, User, utcnow
from assistant.access.roles import Action, PermissionDenied, Principal, require
from assistant.platform.db import Base

MAX_COMMENT_CHARS = 5000
_MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9._@-]*[a-z0-9]|[a-z0-9])", re.IGNORECASE)


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


def mentioned_names(body: str) -> list[str]:
    """User names mentioned with „@name“, lower-case, in order, without repeats."""
    seen: dict[str, None] = {}
    for match in _MENTION.finditer(body):
        seen.setdefault(match.group(1).lower(), None)
    return list(seen)


@dataclass(frozen=True, slots=True)
class CommentView:
    id: int
    workspace: str
    draft_id: str
    section_id: str
    author: str  # display name (or user name) at the time of writing
    author_username: str | None
    body: str
    created_at: datetime
    edited_at: datetime | None
    resolved: bool
    mentions: tuple[str, ...]  # user names


@dataclass(frozen=True, slots=True)
class CommentResult:
    comment: CommentView
    unknown_mentions: tuple[str, ...]  # „@names“ that are no member of the workspace


@dataclass(frozen=True, slots=True)
class Mention:
    comment: CommentView
    read: bool


class CommentError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CommentStore:
    """Comments on the draft sections of one workspace."""

    def __init__(self, engine: Engine, workspace: str, audit_log: AuditLog | None = None) -> None:
        self.engine = engine
        self.workspace = workspace
        self.audit = audit_log or AuditLog(engine)

    def add(self, user: Principal, draft_id: str, section_id: str, body: str) -> CommentResult:
        require(user, self.workspace, Action.COMMENT)
        text = body.strip()
        if not text:
            raise CommentError("Ein leerer Kommentar wird nicht gespeichert.")
        if len(text) > MAX_COMMENT_CHARS:
            raise CommentError(f"Kommentare haben höchstens {MAX_COMMENT_CHARS} Zeichen.")
        names = mentioned_names(text)
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            members = self._members(session, names)
            row = SectionComment(
                workspace=self.workspace,
                draft_id=str(draft_id),
                section_id=str(section_id),
                author_id=user.id,
                author_name=user.label,
                body=text,
                created_at=utcnow(),
                resolved=False,
            )
            session.add(row)
            session.flush()
            for user_id in members.values():
                if user_id != user.id:
                    session.add(CommentMention(comment_id=row.id, user_id=user_id))
            view = self._view(session, row)
        unknown = tuple(n for n in names if n not in members)
        self.audit.record(
            user.username,
            audit.COMMENT,
            self.workspace,
            f"{draft_id}/{section_id}",
            comment=row.id,
            mentions=sorted(members),
        )
        return CommentResult(view, unknown)

    def comments(
        self, user: Principal, draft_id: str, section_id: str | None = None
    ) -> list[CommentView]:
        """Comments of a draft (or one section of it), oldest first."""
        require(user, self.workspace, Action.READ)
        query = select(SectionComment).where(
            SectionComment.workspace == self.workspace, SectionComment.draft_id == str(draft_id)
        )
        if section_id is not None:
            query = query.where(SectionComment.section_id == str(section_id))
        with Session(self.engine) as session:
            rows = session.scalars(query.order_by(SectionComment.id)).all()
            return [self._view(session, r) for r in rows]

    def edit(self, user: Principal, comment_id: int, body: str) -> CommentView:
        """Change one's own comment (mentions are not sent again)."""
        require(user, self.workspace, Action.COMMENT)
        text = body.strip()
        if not text:
            raise CommentError("Ein leerer Kommentar wird nicht gespeichert.")
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            row = self._own(session, user, comment_id)
            row.body = text
            row.edited_at = utcnow()
            return self._view(session, row)

    def resolve(self, user: Principal, comment_id: int, resolved: bool = True) -> None:
        """Mark a comment as done (people who may edit drafts, or its author)."""
        with Session(self.engine) as session, session.begin():
            row = self._get(session, comment_id)
            self._require_own_or(user, row, Action.EDIT_DRAFT)
            row.resolved = resolved

    def delete(self, user: Principal, comment_id: int) -> None:
        """Delete a comment: its author, or an admin of the workspace."""
        with Session(self.engine) as session, session.begin():
            row = self._get(session, comment_id)
            self._require_own_or(user, row, Action.MANAGE_ROLES)
            target = f"{row.draft_id}/{row.section_id}"
            session.delete(row)
        self.audit.record(
            user.username, audit.COMMENT_DELETE, self.workspace, target, comment=comment_id
        )

    def mentions(self, user: Principal, unread_only: bool = True) -> list[Mention]:
        """Comments in this workspace that mention `user`, newest first."""
        require(user, self.workspace, Action.READ)
        query = (
            select(SectionComment, CommentMention.read_at)
            .join(CommentMention, CommentMention.comment_id == SectionComment.id)
            .where(CommentMention.user_id == user.id, SectionComment.workspace == self.workspace)
        )
        if unread_only:
            query = query.where(CommentMention.read_at.is_(None))
        with Session(self.engine) as session:
            rows = session.execute(query.order_by(SectionComment.id.desc())).all()
            return [Mention(self._view(session, c), read_at is not None) for c, read_at in rows]

    def mark_read(self, user: Principal, comment_id: int) -> None:
        with Session(self.engine) as session, session.begin():
            row = session.get(CommentMention, (comment_id, user.id))
            if row is not None and row.read_at is None:
                row.read_at = utcnow()

    def delete_for_draft(self, user: Principal, draft_id: str) -> int:
        """Remove the comments of a deleted draft; returns how many."""
        require(user, self.workspace, Action.EDIT_DRAFT)
        with Session(self.engine) as session, session.begin():
            rows = session.scalars(
                select(SectionComment).where(
                    SectionComment.workspace == self.workspace,
                    SectionComment.draft_id == str(draft_id),
                )
            ).all()
            for row in rows:
                session.delete(row)
            return len(rows)

    # -- helpers -----------------------------------------------------------------------

    def _members(self, session: Session, names: list[str]) -> dict[str, int]:
        """Of the mentioned names, the workspace members (and system administrators)."""
        if not names:
            return {}
        # The outer join gives administrators outside the workspace no role (None), which
        # SQLAlchemy's types (taken from the column) do not know.
        rows = cast(
            Sequence[tuple[str, int, bool, str | None]],
            session.execute(
                select(User.username, User.id, User.is_admin, Membership.role)
                .outerjoin(
                    Membership,
                    (Membership.user_id == User.id) & (Membership.workspace == self.workspace),
                )
                .where(User.username.in_(names), User.active.is_(True))
            ).all(),
        )
        return {u: i for u, i, admin, role in rows if role is not None or admin}

    def _require_own_or(self, user: Principal, row: SectionComment, action: Action) -> None:
        """Its author needs the right to comment; anyone else needs `action`."""
        require(user, self.workspace, Action.COMMENT if row.author_id == user.id else action)

    def _get(self, session: Session, comment_id: int) -> SectionComment:
        row = session.get(SectionComment, comment_id)
        if row is None or row.workspace != self.workspace:
            raise CommentError(f"Einen Kommentar {comment_id} gibt es hier nicht.")
        return row

    def _own(self, session: Session, user: Principal, comment_id: int) -> SectionComment:
        row = self._get(session, comment_id)
        if row.author_id != user.id:
            raise PermissionDenied(
                "Kommentare kann nur ändern, wer sie geschrieben hat.", user, self.workspace
            )
        return row

    def _view(self, session: Session, row: SectionComment) -> CommentView:
        names = session.scalars(
            select(User.username)
            .join(CommentMention, CommentMention.user_id == User.id)
            .where(CommentMention.comment_id == row.id)
            .order_by(User.username)
        ).all()
        author = session.get(User, row.author_id) if row.author_id is not None else None
        return CommentView(
            id=row.id,
            workspace=row.workspace,
            draft_id=row.draft_id,
            section_id=row.section_id,
            author=row.author_name,
            author_username=author.username if author is not None else None,
            body=row.body,
            created_at=row.created_at,
            edited_at=row.edited_at,
            resolved=row.resolved,
            mentions=tuple(names),
        )
