"""The drafting feature as one object for the UI and the command line.

`DraftingService` creates drafts for a Quartier and an outline, writes or rewrites their
sections (never replacing a person's text silently), takes chat answers over as sections,
assembles the document for export and checks it against a funding call. Every change goes
through its `Guard` (`access/policy.py`): checked against the person's role, and each
new section version logged with its author for the version history.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from assistant.access import audit
from assistant.access.policy import UNGUARDED, Guard
from assistant.access.roles import Action
from assistant.drafting.comments import CommentStore
from assistant.drafting.document import DocumentSection, DraftDocument
from assistant.drafting.facts import UnknownArea, known_areas, resolve_area
from assistant.drafting.history import SectionHistory, section_target
from assistant.drafting.outlines import Outline, load_outline
from assistant.drafting.renumber import renumber
from assistant.drafting.sources import DraftSource
from assistant.drafting.store import DraftInfo, DraftStore, HandEditProtected, StoredSection
from assistant.drafting.writer import SectionDraft, SectionWriter
from assistant.language.german import fold
from assistant.models import SourceRef
from assistant.platform.db import engine_for

if TYPE_CHECKING:
    from assistant.answering.feedback import FeedbackStore, Snippet
    from assistant.services import Services

_QUOTE_LINE = re.compile(r"^\s*-\s*„(?P<quote>.+)“\s*(?:\[\d+\])+\s*$")


# Called with (sections done, sections in all, title of the section written next).
SectionProgress = Callable[[int, int, str], None]


class DraftingError(RuntimeError):
    """A drafting request that cannot be carried out; the message is German."""


@dataclass(slots=True)
class GenerationReport:
    """What `generate_all` did: sections written, and person's texts kept beside new text."""

    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


class DraftingService:
    def __init__(
        self, services: Services, store: DraftStore | None = None, guard: Guard = UNGUARDED
    ) -> None:
        self.services = services
        settings = services.settings
        self.workspace = settings.workspace
        engine = engine_for(settings)
        self.store = store or DraftStore(engine, settings.workspace)
        self.history = SectionHistory(engine, settings.workspace)
        self.comments = CommentStore(engine, settings.workspace)
        self.guard = guard
        self.writer = SectionWriter(
            services.retriever,
            services.indicators,
            services.index.keywords.idf,
            generator=services.generator,
            verifier=services.verifier,
            llm=settings.llm,
            workspace=settings.workspace,
        )

    # -- checks --------------------------------------------------------------------------

    def ensure_ready(self) -> None:
        """Raise DraftingError when there is nothing to draft from."""
        if not self.services.index.documents():
            raise DraftingError(
                "Es sind noch keine Dokumente eingelesen. Bitte zuerst die Unterlagen der "
                "Kommune mit „planwerk ingest ORDNER“ (oder auf der Seite „Dokumente“) einlesen."
            )

    def quartier(self, name: str) -> str:
        """The Quartier's display name; DraftingError (German) if the tables do not know it."""
        try:
            return resolve_area(self.services.indicators, name, self.workspace)
        except UnknownArea as error:
            raise DraftingError(str(error)) from None

    def quartiere(self) -> list[str]:
        return known_areas(self.services.indicators, self.workspace)

    def outline(self, outline_id: str) -> Outline:
        from assistant.drafting.outlines import OutlineError

        try:
            return load_outline(outline_id)
        except OutlineError as error:
            raise DraftingError(str(error)) from None

    # -- drafts --------------------------------------------------------------------------

    def drafts(self) -> list[DraftInfo]:
        self.guard.require(Action.READ)
        return self.store.drafts()

    def sections(self, draft_id: int) -> dict[str, StoredSection]:
        self.guard.require(Action.READ)
        return self.store.sections(draft_id)

    def create_draft(self, quartier: str, outline_id: str, title: str = "") -> DraftInfo:
        """A new draft for a Quartier of this workspace's tables (`DraftingError` if unknown)."""
        self.guard.require(Action.EDIT_DRAFT, title or quartier)
        self.ensure_ready()
        name = self.quartier(quartier)
        outline = self.outline(outline_id)
        info = self.store.create(name, outline.id, title.strip() or default_title(name))
        self.guard.record(audit.DRAFT_EDIT, str(info.id), created=info.title, outline=outline_id)
        return info

    def delete_draft(self, draft_id: int) -> None:
        """Delete a draft with its sections, versions and comments."""
        info = self.store.get(draft_id)
        target = f"Entwurf {draft_id}"
        with self.guard.audited(Action.EDIT_DRAFT, target, event=audit.DELETE, title=info.title):
            self.store.delete(draft_id)
            self.comments.delete_for_draft(self.guard.user, str(draft_id))

    def restore_version(self, draft_id: int, section_id: str, version: int) -> StoredSection:
        """Make an earlier version of a section current again (as a new version)."""
        return self.history.restore(self.guard, draft_id, section_id, version)

    def _edited(self, draft_id: int, section_id: str, origin: str) -> None:
        """Log the section's new version with its author (the history reads it back)."""
        self.history.record_edit(self.guard, draft_id, section_id, origin=origin)

    def generate_section(
        self,
        draft_id: int,
        section_id: str,
        *,
        overwrite: bool = False,
        keep_both: bool = False,
        extractive: bool = False,
    ) -> StoredSection:
        """(Re)write one section. A person's text raises HandEditProtected unless
        `overwrite` (replace it) or `keep_both` (store the new text beside it)."""
        self.guard.require(Action.EDIT_DRAFT, section_target(draft_id, section_id))
        info = self.store.get(draft_id)
        outline = self.outline(info.outline_id)
        section = outline.section(section_id)
        current = self.store.section(draft_id, section_id)
        if current is not None and current.protected and not (overwrite or keep_both):
            raise HandEditProtected(section_id, current.origin)
        others = self.store.sections(draft_id)
        used = {q for sid, s in others.items() if sid != section_id for q in quotes_in(s.text)}
        drafted = self.writer.write(info.quartier, outline, section, used, extractive=extractive)
        stored = self.store.save_generated(
            draft_id,
            section_id,
            drafted.text,
            drafted.sources,
            drafted.details,
            overwrite=overwrite,
            keep_both=keep_both,
        )
        self._edited(draft_id, section_id, "generated")
        return stored

    def generate_all(
        self,
        draft_id: int,
        *,
        overwrite: bool = False,
        extractive: bool = False,
        progress: SectionProgress | None = None,
    ) -> GenerationReport:
        """Write every section in outline order, each stored as soon as it is written. A
        person's text is kept current unless `overwrite`; the new text is then stored
        beside it (see `StoredSection`). `progress(done, total, title)` hears of each
        section before it is written and once all are done."""
        self.guard.require(Action.EDIT_DRAFT, str(draft_id))
        info = self.store.get(draft_id)
        outline = self.outline(info.outline_id)
        report = GenerationReport()
        existing = self.store.sections(draft_id)
        used: set[str] = set()
        for earlier in existing.values():
            if earlier.protected and not overwrite:
                used.update(quotes_in(earlier.text))
        total = len(outline.sections)
        for done, section in enumerate(outline.sections):
            if progress is not None:
                progress(done, total, section.title)
            stored = existing.get(section.id)
            protected = stored is not None and stored.protected and not overwrite
            drafted = self.writer.write(
                info.quartier, outline, section, used, extractive=extractive
            )
            used.update(quotes_in(drafted.text))
            self.store.save_generated(
                draft_id,
                section.id,
                drafted.text,
                drafted.sources,
                drafted.details,
                overwrite=overwrite,
                keep_both=protected,
            )
            self._edited(draft_id, section.id, "generated")
            (report.kept if protected else report.written).append(section.id)
        if progress is not None:
            progress(total, total, "")
        return report

    def edit_section(self, draft_id: int, section_id: str, text: str) -> StoredSection:
        """A person's text for a section (a new version)."""
        self.guard.require(Action.EDIT_DRAFT, section_target(draft_id, section_id))
        self.outline(self.store.get(draft_id).outline_id).section(section_id)
        stored = self.store.save_hand_edit(draft_id, section_id, text)
        self._edited(draft_id, section_id, "hand")
        return stored

    def take_over_snippet(
        self,
        draft_id: int,
        section_id: str,
        snippet: Snippet,
        *,
        mode: Literal["replace", "append"] = "replace",
        overwrite: bool = False,
        feedback: FeedbackStore | None = None,
    ) -> StoredSection:
        """A chat answer (a `DraftSnippet`) as section text, with its sources renumbered."""
        self.guard.require(Action.EDIT_DRAFT, section_target(draft_id, section_id))
        self.outline(self.store.get(draft_id).outline_id).section(section_id)
        text, sources = snippet_text(snippet.text, snippet.sources)
        stored = self.store.take_over(
            draft_id,
            section_id,
            text,
            sources,
            mode=mode,
            overwrite=overwrite,
            note=f"aus dem Chat übernommen: „{snippet.question[:80]}“",
        )
        self._edited(draft_id, section_id, "chat")
        if feedback is not None:
            feedback.mark_used(snippet.id)
        return stored

    # -- documents -----------------------------------------------------------------------

    def document(self, draft_id: int) -> DraftDocument:
        """The stored draft as a document (sections not written yet are left out)."""
        info = self.store.get(draft_id)
        outline = self.outline(info.outline_id)
        stored = self.store.sections(draft_id)
        sections = [
            DocumentSection(
                s.id,
                number,
                s.title,
                stored[s.id].text,
                stored[s.id].sources,
                stored[s.id].details,
                stored[s.id].origin,
            )
            for number, s in enumerate(outline.sections, start=1)
            if s.id in stored
        ]
        return DraftDocument(
            info.title, info.quartier, outline, sections, info.updated_at, self.municipality()
        )

    def write_document(
        self, quartier: str, outline_id: str, title: str = "", *, extractive: bool = False
    ) -> DraftDocument:
        """A complete draft without storing it (the command line's `planwerk draft`)."""
        self.ensure_ready()
        name = self.quartier(quartier)
        outline = self.outline(outline_id)
        used: set[str] = set()
        sections = []
        for number, section in enumerate(outline.sections, start=1):
            drafted: SectionDraft = self.writer.write(
                name, outline, section, used, extractive=extractive
            )
            used.update(quotes_in(drafted.text))
            sections.append(
                DocumentSection(
                    section.id,
                    number,
                    section.title,
                    drafted.text,
                    drafted.sources,
                    drafted.details,
                )
            )
        return DraftDocument(
            title.strip() or default_title(name),
            name,
            outline,
            sections,
            datetime.now(UTC),
            self.municipality(),
        )

    def save_document(self, document: DraftDocument) -> DraftInfo:
        """Store a document written by `write_document` as a new draft."""
        self.guard.require(Action.EDIT_DRAFT, document.title)
        info = self.store.create(document.quartier, document.outline.id, document.title)
        for section in document.sections:
            self.store.save_generated(
                info.id, section.id, section.text, section.sources, section.details
            )
        return info

    def municipality(self) -> str:
        """The municipality most documents name on their first page ("" if none)."""
        names = Counter(d.municipality for d in self.services.index.documents() if d.municipality)
        return names.most_common(1)[0][0] if names else ""


def default_title(quartier: str) -> str:
    return f"Integriertes Handlungskonzept {quartier}"


def quotes_in(text: str) -> set[str]:
    """Folded quotes of the findings lines of a section text (to avoid repeating them)."""
    found = set()
    for line in text.split("\n"):
        match = _QUOTE_LINE.match(line)
        if match:
            found.add(" ".join(fold(match.group("quote")).split()))
    return found


def snippet_text(text: str, citations: list[dict[str, Any]]) -> tuple[str, list[DraftSource]]:
    """A chat answer's text renumbered to its cited sources only, and those sources."""
    by_number = {int(c.get("n", 0)): c for c in citations if c.get("n") is not None}
    mapping: dict[int, int] = {}
    sources: list[DraftSource] = []
    for n in sorted(by_number):
        c = by_number[n]
        ref = SourceRef.from_json(c)
        label = (ref if ref.title or ref.source else replace(ref, title="Quelle")).label()
        if ref.section():
            label += f" – {ref.section()}"
        sources.append(
            DraftSource(kind="snippet", label=label, text=str(c.get("text") or ""), ref=ref)
        )
        mapping[n] = len(sources)
    return renumber(text, mapping).strip(), sources
