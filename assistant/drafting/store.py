"""Drafts in the app database: drafts, their sections and a version history per section.

Tables (on `assistant.platform.db.Base`, created by `engine_for` or `DraftStore` once imported):

- `drafts(id, workspace, quartier, outline_id, title, created_at, updated_at)`: one IHK
  draft for one Quartier after one outline (prompts/outlines/<outline_id>.yaml).
- `draft_sections(draft_id, section_id, text, origin, generated_text, citations, details,
  updated_at)`: the current text of a section. `origin` is "generated" (written by
  Planwerk), "hand" (edited by a person) or "chat" (a chat answer taken over).
  `generated_text` is Planwerk's latest generated text, kept even when a person's text is
  current (so both can be compared). `citations` is the JSON list of sources, `[n]` in the
  text is entry n-1 (see sources.py); `details` is JSON with the indicator table
  (`facts`), the goal-measure-indicator chain (`chain`), `missing`, `mode` and `notice`.
- `draft_section_versions(id, draft_id, section_id, version, text, origin, citations,
  details, note, created_at)`: every text a section ever had, numbered from 1 per
  section, newest last. Written in the same transaction as the section change; never
  updated. A restore is a new version with the old text (origin "hand", note saying so).

Hand edits are never overwritten silently: `save_generated` on a section whose current
text came from a person (origin "hand" or "chat") raises `HandEditProtected` unless the
caller passes `overwrite=True`, or `keep_both=True` (the new text is stored as
`generated_text` and as a version, the person's text stays current).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import (
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Text,
    delete,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.drafting.sources import DraftSource, sources_from_json, sources_to_json
from assistant.platform.db import Base

Origin = Literal["generated", "hand", "chat"]
ORIGINS: tuple[Origin, ...] = ("generated", "hand", "chat")
ORIGIN_LABELS = {"generated": "erzeugt", "hand": "von Hand bearbeitet", "chat": "aus dem Chat"}
PROTECTED_ORIGINS = ("hand", "chat")


def _now() -> datetime:
    return datetime.now(UTC)


class DraftRow(Base):
    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace: Mapped[str] = mapped_column(String(100), index=True, default="default")
    quartier: Mapped[str] = mapped_column(String(200))
    outline_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class DraftSectionRow(Base):
    __tablename__ = "draft_sections"

    draft_id: Mapped[int] = mapped_column(
        Integer, ForeignKey(DraftRow.id, ondelete="CASCADE"), primary_key=True
    )
    section_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(20), default="generated")
    generated_text: Mapped[str] = mapped_column(Text, default="")
    citations: Mapped[str] = mapped_column(Text, default="[]")
    details: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


def _row_or_new(session: Session, draft_id: int, section_id: str) -> tuple[DraftSectionRow, bool]:
    """The section's row, or a new empty one added to the session (and whether it is new).

    The empty values are set here because column defaults only apply at flush, and the
    callers read the row before that.
    """
    row = session.get(DraftSectionRow, (draft_id, section_id))
    if row is not None:
        return row, False
    row = DraftSectionRow(
        draft_id=draft_id,
        section_id=section_id,
        text="",
        origin="generated",
        generated_text="",
        citations="[]",
        details="{}",
    )
    session.add(row)
    return row, True


class DraftSectionVersionRow(Base):
    __tablename__ = "draft_section_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    draft_id: Mapped[int] = mapped_column(
        Integer, ForeignKey(DraftRow.id, ondelete="CASCADE"), index=True
    )
    section_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(20))
    citations: Mapped[str] = mapped_column(Text, default="[]")
    details: Mapped[str] = mapped_column(Text, default="{}")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class DraftNotFound(LookupError):
    """No draft with this id in the workspace; the message is German."""


class HandEditProtected(RuntimeError):
    """A generated text would replace a person's text; the message says how to proceed."""

    def __init__(self, section_id: str, origin: str) -> None:
        self.section_id = section_id
        self.origin = origin
        what = "von Hand bearbeitet" if origin == "hand" else "aus dem Chat übernommen"
        super().__init__(
            f"Der Abschnitt „{section_id}“ wurde {what}. Ein neu erzeugter Text ersetzt ihn "
            "nur ausdrücklich („Überschreiben“) – oder beide Fassungen werden behalten."
        )


@dataclass(frozen=True, slots=True)
class DraftInfo:
    id: int
    workspace: str
    quartier: str
    outline_id: str
    title: str
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class StoredSection:
    draft_id: int
    section_id: str
    text: str
    origin: str
    generated_text: str
    sources: list[DraftSource]
    details: dict[str, Any]
    updated_at: datetime

    @property
    def protected(self) -> bool:
        """A person's text: regenerating needs `overwrite=True` or `keep_both=True`."""
        return self.origin in PROTECTED_ORIGINS

    @property
    def pending_generation(self) -> bool:
        """A generated text was kept next to the person's text and differs from it."""
        return self.protected and bool(self.generated_text) and self.generated_text != self.text


@dataclass(frozen=True, slots=True)
class SectionVersion:
    draft_id: int
    section_id: str
    version: int
    text: str
    origin: str
    note: str
    created_at: datetime
    sources: list[DraftSource] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


class DraftStore:
    """Drafts of one workspace."""

    def __init__(self, engine: Engine, workspace: str = "default") -> None:
        self.engine = engine
        self.workspace = workspace
        Base.metadata.create_all(engine)

    # -- drafts --------------------------------------------------------------------------

    def create(self, quartier: str, outline_id: str, title: str) -> DraftInfo:
        now = _now()
        row = DraftRow(
            workspace=self.workspace,
            quartier=quartier,
            outline_id=outline_id,
            title=title,
            created_at=now,
            updated_at=now,
        )
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            session.add(row)
        return _info(row)

    def drafts(self) -> list[DraftInfo]:
        """All drafts of the workspace, the most recently changed first."""
        with Session(self.engine) as session:
            rows = session.scalars(
                select(DraftRow)
                .where(DraftRow.workspace == self.workspace)
                .order_by(DraftRow.updated_at.desc(), DraftRow.id.desc())
            ).all()
            return [_info(r) for r in rows]

    def get(self, draft_id: int) -> DraftInfo:
        with Session(self.engine) as session:
            return _info(self._draft(session, draft_id))

    def rename(self, draft_id: int, title: str) -> None:
        with Session(self.engine) as session, session.begin():
            row = self._draft(session, draft_id)
            row.title = title.strip() or row.title
            row.updated_at = _now()

    def delete(self, draft_id: int) -> None:
        """Delete a draft with its sections and versions."""
        with Session(self.engine) as session, session.begin():
            row = self._draft(session, draft_id)
            # Explicit deletes: PostgreSQL and SQLite cascade, but only with FKs enforced.
            session.execute(
                delete(DraftSectionVersionRow).where(DraftSectionVersionRow.draft_id == row.id)
            )
            session.execute(delete(DraftSectionRow).where(DraftSectionRow.draft_id == row.id))
            session.delete(row)

    # -- sections ------------------------------------------------------------------------

    def sections(self, draft_id: int) -> dict[str, StoredSection]:
        with Session(self.engine) as session:
            self._draft(session, draft_id)
            rows = session.scalars(
                select(DraftSectionRow).where(DraftSectionRow.draft_id == draft_id)
            ).all()
            return {r.section_id: _section(r) for r in rows}

    def section(self, draft_id: int, section_id: str) -> StoredSection | None:
        with Session(self.engine) as session:
            self._draft(session, draft_id)
            row = session.get(DraftSectionRow, (draft_id, section_id))
            return _section(row) if row is not None else None

    def save_generated(
        self,
        draft_id: int,
        section_id: str,
        text: str,
        sources: list[DraftSource],
        details: dict[str, Any] | None = None,
        *,
        overwrite: bool = False,
        keep_both: bool = False,
    ) -> StoredSection:
        """Store a generated text. A person's text is replaced only with `overwrite=True`;
        with `keep_both=True` it stays current and the new text is kept beside it."""
        details = details or {}
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            draft = self._draft(session, draft_id)
            row = session.get(DraftSectionRow, (draft_id, section_id))
            if row is not None and row.origin in PROTECTED_ORIGINS and not overwrite:
                if not keep_both:
                    raise HandEditProtected(section_id, row.origin)
                row.generated_text = text
                row.updated_at = _now()
                self._add_version(
                    session,
                    draft_id,
                    section_id,
                    text,
                    "generated",
                    sources,
                    details,
                    "neu erzeugt, nicht übernommen (Handfassung bleibt)",
                )
                draft.updated_at = _now()
                return _section(row)
            if row is None:
                row, _ = _row_or_new(session, draft_id, section_id)
            note = "überschrieben" if row.origin in PROTECTED_ORIGINS else "erzeugt"
            row.text = text
            row.origin = "generated"
            row.generated_text = text
            row.citations = json.dumps(sources_to_json(sources), ensure_ascii=False)
            row.details = json.dumps(details, ensure_ascii=False)
            row.updated_at = _now()
            draft.updated_at = row.updated_at
            self._add_version(
                session, draft_id, section_id, text, "generated", sources, details, note
            )
            return _section(row)

    def save_hand_edit(self, draft_id: int, section_id: str, text: str) -> StoredSection:
        """Store a person's text; the sources stay (markers `[n]` keep their meaning)."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            draft = self._draft(session, draft_id)
            row, created = _row_or_new(session, draft_id, section_id)
            if not created and row.text == text:
                return _section(row)
            row.text = text
            row.origin = "hand"
            row.updated_at = _now()
            draft.updated_at = row.updated_at
            self._add_version(
                session,
                draft_id,
                section_id,
                text,
                "hand",
                sources_from_json(json.loads(row.citations or "[]")),
                json.loads(row.details or "{}"),
                "von Hand bearbeitet",
            )
            return _section(row)

    def take_over(
        self,
        draft_id: int,
        section_id: str,
        text: str,
        sources: list[DraftSource],
        *,
        mode: Literal["replace", "append"] = "replace",
        overwrite: bool = False,
        note: str = "aus dem Chat übernommen",
    ) -> StoredSection:
        """A chat answer as section text (origin "chat").

        `replace` needs `overwrite=True` on a person's text; `append` adds the answer below
        the current text and renumbers its `[n]` after the section's own sources.
        """
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            draft = self._draft(session, draft_id)
            row, _ = _row_or_new(session, draft_id, section_id)
            current = sources_from_json(json.loads(row.citations or "[]"))
            if mode == "append" and row.text.strip():
                from assistant.drafting.renumber import shift_markers

                text = f"{row.text.rstrip()}\n\n{shift_markers(text, len(current))}"
                sources = current + sources
            elif row.origin in PROTECTED_ORIGINS and row.text.strip() and not overwrite:
                raise HandEditProtected(section_id, row.origin)
            row.text = text
            row.origin = "chat"
            row.citations = json.dumps(sources_to_json(sources), ensure_ascii=False)
            row.updated_at = _now()
            draft.updated_at = row.updated_at
            details = json.loads(row.details or "{}")
            self._add_version(session, draft_id, section_id, text, "chat", sources, details, note)
            return _section(row)

    def adopt_generated(self, draft_id: int, section_id: str) -> StoredSection:
        """Make the kept generated text current (the person's text stays in the history)."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            row = session.get(DraftSectionRow, (draft_id, section_id))
            if row is None or not row.generated_text:
                raise DraftNotFound(f"Für „{section_id}“ liegt kein erzeugter Text vor.")
            version = session.scalars(
                select(DraftSectionVersionRow)
                .where(
                    DraftSectionVersionRow.draft_id == draft_id,
                    DraftSectionVersionRow.section_id == section_id,
                    DraftSectionVersionRow.origin == "generated",
                )
                .order_by(DraftSectionVersionRow.version.desc())
                .limit(1)
            ).first()
            row.text = row.generated_text
            row.origin = "generated"
            if version is not None:
                row.citations = version.citations
                row.details = version.details
            row.updated_at = _now()
            self._draft(session, draft_id).updated_at = row.updated_at
            self._add_version(
                session,
                draft_id,
                section_id,
                row.text,
                "generated",
                sources_from_json(json.loads(row.citations)),
                json.loads(row.details),
                "erzeugte Fassung übernommen",
            )
            return _section(row)

    def versions(self, draft_id: int, section_id: str) -> list[SectionVersion]:
        """The history of a section, oldest first."""
        with Session(self.engine) as session:
            rows = session.scalars(
                select(DraftSectionVersionRow)
                .where(
                    DraftSectionVersionRow.draft_id == draft_id,
                    DraftSectionVersionRow.section_id == section_id,
                )
                .order_by(DraftSectionVersionRow.version)
            ).all()
            return [_version(r) for r in rows]

    # -- internals -----------------------------------------------------------------------

    def _draft(self, session: Session, draft_id: int) -> DraftRow:
        row = session.get(DraftRow, draft_id)
        if row is None or row.workspace != self.workspace:
            raise DraftNotFound(f"Den Entwurf Nr. {draft_id} gibt es nicht (mehr).")
        return row

    @staticmethod
    def _add_version(
        session: Session,
        draft_id: int,
        section_id: str,
        text: str,
        origin: str,
        sources: list[DraftSource],
        details: dict[str, Any],
        note: str,
    ) -> None:
        latest = session.scalar(
            select(func.max(DraftSectionVersionRow.version)).where(
                DraftSectionVersionRow.draft_id == draft_id,
                DraftSectionVersionRow.section_id == section_id,
            )
        )
        session.add(
            DraftSectionVersionRow(
                draft_id=draft_id,
                section_id=section_id,
                version=int(latest or 0) + 1,
                text=text,
                origin=origin,
                citations=json.dumps(sources_to_json(sources), ensure_ascii=False),
                details=json.dumps(details, ensure_ascii=False),
                note=note,
                created_at=_now(),
            )
        )


def _info(row: DraftRow) -> DraftInfo:
    return DraftInfo(
        row.id,
        row.workspace,
        row.quartier,
        row.outline_id,
        row.title,
        row.created_at,
        row.updated_at,
    )


def _section(row: DraftSectionRow) -> StoredSection:
    return StoredSection(
        draft_id=row.draft_id,
        section_id=row.section_id,
        text=row.text,
        origin=row.origin,
        generated_text=row.generated_text,
        sources=sources_from_json(json.loads(row.citations or "[]")),
        details=json.loads(row.details or "{}"),
        updated_at=row.updated_at,
    )


def _version(row: DraftSectionVersionRow) -> SectionVersion:
    return SectionVersion(
        draft_id=row.draft_id,
        section_id=row.section_id,
        version=row.version,
        text=row.text,
        origin=row.origin,
        note=row.note,
        created_at=row.created_at,
        sources=sources_from_json(json.loads(row.citations or "[]")),
        details=json.loads(row.details or "{}"),
    )
