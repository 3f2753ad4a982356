"""What users say about answers, and answers they keep as draft material.

Tables (on `assistant.platform.db.Base`; created by the migrations `engine_for` runs):

- `answer_feedback`: one row per judgement of an answer. `kind` is "helpful", "wrong" or
  "missing_source"; `message_id` is the answer's row in `messages` (NULL once the thread is
  deleted, so the judgement survives); `question` and `answer_text` keep what was judged;
  `comment` is optional free text.
- `draft_snippets`: answers taken over „als Entwurfsabschnitt“, the raw material of the
  drafting feature. `text` is the answer text with its `[n]` markers, `sources` a JSON list
  of the cited sources (`Answer.to_json()["citations"]`), `used` is set by the drafting
  feature once it took a snippet into a draft.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    Boolean,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Text,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.access.models import utcnow
from assistant.answering.conversation import Message
from assistant.platform.db import Base

FeedbackKind = Literal["helpful", "wrong", "missing_source"]
FEEDBACK_KINDS: tuple[FeedbackKind, ...] = ("helpful", "wrong", "missing_source")
FEEDBACK_LABELS: dict[str, str] = {
    "helpful": "Hilfreich",
    "wrong": "Falsch",
    "missing_source": "Quelle fehlt",
}


class AnswerFeedback(Base):
    __tablename__ = "answer_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace: Mapped[str] = mapped_column(String(100), index=True, default="default")
    message_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey(Message.id, ondelete="SET NULL"), index=True, nullable=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    question: Mapped[str] = mapped_column(Text, default="")
    answer_text: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DraftSnippet(Base):
    __tablename__ = "draft_snippets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace: Mapped[str] = mapped_column(String(100), index=True, default="default")
    message_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey(Message.id, ondelete="SET NULL"), index=True, nullable=True
    )
    question: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    sources: Mapped[str] = mapped_column(Text, default="[]")
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@dataclass(frozen=True, slots=True)
class FeedbackEntry:
    id: int
    message_id: int | None
    kind: str
    comment: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Snippet:
    id: int
    message_id: int | None
    question: str
    text: str
    sources: list[dict[str, Any]]
    used: bool
    created_at: datetime


class FeedbackStore:
    """Feedback on answers and draft snippets of one workspace."""

    def __init__(self, engine: Engine, workspace: str = "default") -> None:
        self.engine = engine  # from `engine_for`: migrations created the tables
        self.workspace = workspace

    # -- feedback ----------------------------------------------------------------------

    def record_feedback(
        self,
        kind: str,
        *,
        message_id: int | None,
        question: str = "",
        answer_text: str = "",
        comment: str = "",
    ) -> FeedbackEntry:
        """Store a judgement of an answer; the latest one per answer is the one that counts."""
        if kind not in FEEDBACK_KINDS:
            raise ValueError(f"Unbekannte Rückmeldung „{kind}“.")
        row = AnswerFeedback(
            workspace=self.workspace,
            message_id=message_id,
            kind=kind,
            question=question,
            answer_text=answer_text,
            comment=comment.strip(),
            created_at=utcnow(),
        )
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            session.add(row)
        return _entry(row)

    def add_comment(self, feedback_id: int, comment: str) -> None:
        with Session(self.engine) as session, session.begin():
            row = session.get(AnswerFeedback, feedback_id)
            if row is not None:
                row.comment = comment.strip()

    def latest_feedback(self, message_ids: list[int]) -> dict[int, FeedbackEntry]:
        """The newest judgement per answer, for the given answer message ids."""
        if not message_ids:
            return {}
        with Session(self.engine) as session:
            rows = session.scalars(
                select(AnswerFeedback)
                .where(
                    AnswerFeedback.workspace == self.workspace,
                    AnswerFeedback.message_id.in_(message_ids),
                )
                .order_by(AnswerFeedback.id)
            ).all()
            return {r.message_id: _entry(r) for r in rows if r.message_id is not None}

    def feedback(self) -> list[FeedbackEntry]:
        with Session(self.engine) as session:
            rows = session.scalars(
                select(AnswerFeedback)
                .where(AnswerFeedback.workspace == self.workspace)
                .order_by(AnswerFeedback.id)
            ).all()
            return [_entry(r) for r in rows]

    # -- draft snippets ----------------------------------------------------------------

    def add_snippet(
        self,
        text: str,
        *,
        message_id: int | None,
        question: str = "",
        sources: list[dict[str, Any]] | None = None,
    ) -> Snippet:
        row = DraftSnippet(
            workspace=self.workspace,
            message_id=message_id,
            question=question,
            text=text,
            sources=json.dumps(sources or [], ensure_ascii=False),
            used=False,
            created_at=utcnow(),
        )
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            session.add(row)
        return _snippet(row)

    def snippets(self, include_used: bool = True) -> list[Snippet]:
        query = select(DraftSnippet).where(DraftSnippet.workspace == self.workspace)
        if not include_used:
            query = query.where(DraftSnippet.used.is_(False))
        with Session(self.engine) as session:
            return [_snippet(r) for r in session.scalars(query.order_by(DraftSnippet.id)).all()]

    def snippet_message_ids(self) -> set[int]:
        with Session(self.engine) as session:
            rows = session.scalars(
                select(DraftSnippet.message_id).where(
                    DraftSnippet.workspace == self.workspace,
                    DraftSnippet.message_id.is_not(None),
                )
            ).all()
            return {int(r) for r in rows if r is not None}

    def mark_used(self, snippet_id: int) -> None:
        with Session(self.engine) as session, session.begin():
            row = session.get(DraftSnippet, snippet_id)
            if row is not None:
                row.used = True


def _entry(row: AnswerFeedback) -> FeedbackEntry:
    return FeedbackEntry(row.id, row.message_id, row.kind, row.comment, row.created_at)


def _snippet(row: DraftSnippet) -> Snippet:
    return Snippet(
        row.id,
        row.message_id,
        row.question,
        row.text,
        json.loads(row.sources),
        row.used,
        row.created_at,
    )
