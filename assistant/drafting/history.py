"""Version history of draft sections: who changed what and when, diffs, restore.

The versions themselves are rows of the drafting store (`draft_section_versions`,
never updated). Who wrote a version comes from the audit log, where every edit made
through `DraftingService` is recorded by its guard with the version number. A restore writes the old
text (with its sources) as a new version, so nothing in the history is lost.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from assistant.access import audit
from assistant.access.models import AuditEntry, utcnow
from assistant.access.policy import Guard
from assistant.access.roles import Action, Principal, require
from assistant.drafting.store import (
    DraftNotFound,
    DraftRow,
    DraftSectionRow,
    DraftSectionVersionRow,
    DraftStore,
    SectionVersion,
    StoredSection,
)

DiffOp = Literal["equal", "insert", "delete"]
_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True, slots=True)
class DiffPart:
    """A run of text that is the same in both versions, only in the new, or only in the old."""

    op: DiffOp
    text: str


@dataclass(frozen=True, slots=True)
class VersionEntry:
    version: int
    text: str
    origin: str
    note: str
    created_at: datetime
    author: str | None  # user name from the audit log; None for changes made outside it


def word_diff(old: str, new: str) -> list[DiffPart]:
    """Word-level differences, for showing deletions struck through and insertions marked."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    parts: list[DiffPart] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(parts, "equal", "".join(a[i1:i2]))
        else:
            _append(parts, "delete", "".join(a[i1:i2]))
            _append(parts, "insert", "".join(b[j1:j2]))
    return parts


def unified_diff(old: str, new: str, old_label: str = "alt", new_label: str = "neu") -> str:
    """Line-based differences in the usual `diff -u` form."""
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=old_label,
            tofile=new_label,
        )
    )


def _append(parts: list[DiffPart], op: DiffOp, text: str) -> None:
    if not text:
        return
    if parts and parts[-1].op == op:
        parts[-1] = DiffPart(op, parts[-1].text + text)
    else:
        parts.append(DiffPart(op, text))


def section_target(draft_id: int, section_id: str) -> str:
    """How the audit log names a draft section."""
    return f"{draft_id}/{section_id}"


class SectionHistory:
    """The versions of the draft sections of one workspace."""

    def __init__(self, engine: Engine, workspace: str) -> None:
        self.engine = engine
        self.workspace = workspace
        self.store = DraftStore(engine, workspace)

    def versions(self, user: Principal, draft_id: int, section_id: str) -> list[VersionEntry]:
        """All versions of a section with their authors, oldest first."""
        require(user, self.workspace, Action.READ)
        self.store.get(draft_id)  # DraftNotFound unless the draft is in this workspace
        authors = self._authors(draft_id, section_id)
        return [
            VersionEntry(v.version, v.text, v.origin, v.note, v.created_at, authors.get(v.version))
            for v in self.store.versions(draft_id, section_id)
        ]

    def diff(
        self,
        user: Principal,
        draft_id: int,
        section_id: str,
        old_version: int,
        new_version: int | None = None,
    ) -> list[DiffPart]:
        """Differences from `old_version` to `new_version` (default: the current text)."""
        versions = {v.version: v for v in self.versions(user, draft_id, section_id)}
        old = _pick(versions, old_version)
        if new_version is None:
            current = self.store.section(draft_id, section_id)
            new_text = current.text if current is not None else ""
        else:
            new_text = _pick(versions, new_version).text
        return word_diff(old.text, new_text)

    def restore(self, guard: Guard, draft_id: int, section_id: str, version: int) -> StoredSection:
        """Make an earlier version current again (text and sources), as a new version;
        checked and logged by `guard`, the policy of this workspace."""
        guard.require(Action.EDIT_DRAFT, section_target(draft_id, section_id))
        with Session(self.engine) as session, session.begin():
            draft = session.get(DraftRow, draft_id)
            if draft is None or draft.workspace != self.workspace:
                raise DraftNotFound(f"Den Entwurf Nr. {draft_id} gibt es nicht (mehr).")
            old = session.scalar(
                select(DraftSectionVersionRow).where(
                    DraftSectionVersionRow.draft_id == draft_id,
                    DraftSectionVersionRow.section_id == section_id,
                    DraftSectionVersionRow.version == version,
                )
            )
            if old is None:
                raise DraftNotFound(f"Eine Fassung {version} von „{section_id}“ gibt es nicht.")
            row = session.get(DraftSectionRow, (draft_id, section_id))
            if row is None:
                row = DraftSectionRow(draft_id=draft_id, section_id=section_id, generated_text="")
                session.add(row)
            now = utcnow()
            row.text = old.text
            row.origin = "hand"
            row.citations = old.citations
            row.details = old.details
            row.updated_at = now
            draft.updated_at = now
            latest = max(
                session.scalars(
                    select(DraftSectionVersionRow.version).where(
                        DraftSectionVersionRow.draft_id == draft_id,
                        DraftSectionVersionRow.section_id == section_id,
                    )
                ),
                default=0,
            )
            new_version = latest + 1
            session.add(
                DraftSectionVersionRow(
                    draft_id=draft_id,
                    section_id=section_id,
                    version=new_version,
                    text=old.text,
                    origin="hand",
                    citations=old.citations,
                    details=old.details,
                    note=f"Fassung {version} wiederhergestellt",
                    created_at=now,
                )
            )
        guard.record(
            audit.DRAFT_RESTORE,
            section_target(draft_id, section_id),
            version=new_version,
            restored=version,
        )
        restored = self.store.section(draft_id, section_id)
        assert restored is not None
        return restored

    def record_edit(self, guard: Guard, draft_id: int, section_id: str, **details: object) -> None:
        """Log a change made through the drafting store, with the version it produced."""
        versions = self.store.versions(draft_id, section_id)
        guard.record(
            audit.DRAFT_EDIT,
            section_target(draft_id, section_id),
            version=versions[-1].version if versions else None,
            **details,
        )

    def _authors(self, draft_id: int, section_id: str) -> dict[int, str]:
        with Session(self.engine) as session:
            rows = session.execute(
                select(AuditEntry.actor, AuditEntry.details).where(
                    AuditEntry.workspace == self.workspace,
                    AuditEntry.target == section_target(draft_id, section_id),
                    AuditEntry.action.in_((audit.DRAFT_EDIT, audit.DRAFT_RESTORE)),
                )
            ).all()
        authors: dict[int, str] = {}
        for actor, details in rows:
            version = json.loads(details or "{}").get("version")
            if isinstance(version, int):
                authors[version] = actor
        return authors


def _pick(versions: dict[int, VersionEntry], number: int) -> VersionEntry | SectionVersion:
    if number not in versions:
        raise DraftNotFound(f"Eine Fassung {number} gibt es nicht.")
    return versions[number]
