"""One person working in one workspace: every action checked against their role, every
change written to the audit log.

The UI and the CLI hold a `WorkspaceSession` per logged-in person and open workspace:

    services = Services(settings).for_workspace("lindwerden")
    session = WorkspaceSession(services, accounts.authenticate("anna", password))
    session.upload("Sozialbericht.pdf", data)     # refused for „Lesen“
    answer = session.ask("Wie hoch ist die SGB-II-Quote im Hafenviertel?")

Roles are read again from the database before each checked action, so a revoked role
takes effect at once, also in open browser sessions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, TypeVar

from assistant.answering.service import StreamEvent
from assistant.documents.ingestion import IngestResult, IngestStatus, Progress, no_progress
from assistant.drafting.service import DraftingService, GenerationReport
from assistant.drafting.sources import DraftSource
from assistant.drafting.store import DraftInfo, DraftStore, StoredSection
from assistant.index.filters import SearchFilters
from assistant.models import Answer, DocumentRecord
from assistant.platform.db import engine_for
from assistant.services import Services
from assistant.workspace import audit
from assistant.workspace.access import Action, PermissionDenied, Principal, Role, require
from assistant.workspace.accounts import AccountError, Accounts
from assistant.workspace.audit import AuditLog, AuditRecord
from assistant.workspace.comments import CommentStore
from assistant.workspace.history import SectionHistory, section_target
from assistant.workspace.threads import ThreadAccessStore
from assistant.workspace.workspaces import Member, Workspaces

T = TypeVar("T")


class WorkspaceSession:
    """What `user` may do in the workspace of `services` (`settings.workspace`)."""

    def __init__(self, services: Services, user: Principal) -> None:
        self.services = services
        self.workspace = services.settings.workspace
        self.engine = engine_for(services.settings)
        self.audit = AuditLog(self.engine)
        self.accounts = Accounts(self.engine, self.audit)
        self.workspaces = Workspaces(self.engine, self.audit)
        self.threads = ThreadAccessStore(self.engine, self.workspace, self.audit)
        self.comments = CommentStore(self.engine, self.workspace, self.audit)
        self._user = user
        self.require(Action.READ)

    # -- the person and their rights ---------------------------------------------------

    @property
    def user(self) -> Principal:
        return self._user

    def refresh(self) -> Principal:
        """Reload the person's roles (and whether the account is still active)."""
        try:
            self._user = self.accounts.principal(self._user.username)
        except AccountError as error:
            raise PermissionDenied(
                f"Das Konto „{self._user.username}“ ist gesperrt oder gelöscht. Bitte neu "
                "anmelden oder eine Administratorin oder einen Administrator fragen.",
                self._user,
                self.workspace,
            ) from error
        return self._user

    @property
    def role(self) -> Role | None:
        return self._user.role_in(self.workspace)

    def can(self, action: Action | str) -> bool:
        return self._user.can(self.workspace, action)

    def require(self, action: Action | str, target: str = "") -> None:
        """Check `action` with the current roles; a refusal is logged and raised."""
        user = self.refresh()
        try:
            require(user, self.workspace, action)
        except PermissionDenied:
            self.audit.record(
                user.username, audit.DENIED, self.workspace, target, attempted=str(action)
            )
            raise

    # -- documents ---------------------------------------------------------------------

    def documents(self) -> list[DocumentRecord]:
        self.require(Action.READ)
        return self.services.index.documents()

    def ingest_file(self, path: Path, source_name: str | None = None) -> IngestResult:
        """Ingest a file from the server's disk into this workspace."""
        name = source_name or path.name
        self.require(Action.UPLOAD, name)
        result = self.services.pipeline.ingest_file(path, source_name=source_name)
        self._record_upload(result)
        return result

    def upload(self, name: str, data: bytes, progress: Progress = no_progress) -> IngestResult:
        """Save an uploaded file and ingest it into this workspace (never raises for bad
        files; see `assistant.documents.uploads.ingest_upload`)."""
        from assistant.documents.uploads import ingest_upload

        self.require(Action.UPLOAD, name)
        result = ingest_upload(self.services.settings, self.services.pipeline, name, data, progress)
        self._record_upload(result)
        return result

    def delete_document(self, doc_id: str) -> bool:
        """Remove a document from every store of this workspace; False if absent."""
        from assistant.documents.document_actions import delete_document

        record = self.services.index.catalog.document(self.workspace, doc_id)
        self.require(Action.DELETE, record.source if record else doc_id)
        if record is None:
            return False
        removed = delete_document(self.services.settings, self.services.pipeline, doc_id)
        self.audit.record(
            self._user.username, audit.DELETE, self.workspace, record.source, doc_id=doc_id
        )
        return removed

    def reindex_document(self, doc_id: str) -> IngestResult:
        """Ingest a document's original file again (see `document_actions`)."""
        from assistant.documents.document_actions import reindex_document

        record = self.services.index.catalog.document(self.workspace, doc_id)
        self.require(Action.UPLOAD, record.source if record else doc_id)
        result = reindex_document(
            self.services.settings, self.services.index, self.services.pipeline, doc_id
        )
        self._record_upload(result)
        return result

    def _record_upload(self, result: IngestResult) -> None:
        if result.status in (IngestStatus.INDEXED, IngestStatus.REPLACED):
            self.audit.record(
                self._user.username,
                audit.UPLOAD,
                self.workspace,
                result.source,
                doc_id=result.doc_id,
                status=str(result.status),
                chunks=result.chunks,
            )

    # -- questions ---------------------------------------------------------------------

    def ask(
        self,
        question: str,
        filters: SearchFilters | None = None,
        style: str | None = None,
        thread_id: str | None = None,
    ) -> Answer:
        self._check_thread(thread_id)
        return self.services.answers.ask(question, filters, style, thread_id)

    def stream(
        self,
        question: str,
        filters: SearchFilters | None = None,
        style: str | None = None,
        thread_id: str | None = None,
    ) -> Iterator[StreamEvent]:
        self._check_thread(thread_id)
        return self.services.answers.stream(question, filters, style, thread_id)

    def _check_thread(self, thread_id: str | None) -> None:
        self.require(Action.READ)
        if thread_id is not None:
            self.threads.require_visible(self._user, thread_id)

    # -- drafts ------------------------------------------------------------------------

    @cached_property
    def drafts(self) -> DraftStore:
        """The drafting store of this workspace, for reading; change drafts through the
        methods below (checked and logged)."""
        return DraftStore(self.engine, self.workspace)

    @cached_property
    def history(self) -> SectionHistory:
        return SectionHistory(self.engine, self.workspace, self.audit)

    def list_drafts(self) -> list[DraftInfo]:
        self.require(Action.READ)
        return self.drafts.drafts()

    def sections(self, draft_id: int) -> dict[str, StoredSection]:
        self.require(Action.READ)
        return self.drafts.sections(draft_id)

    @cached_property
    def drafting(self) -> DraftingService:
        """The drafting feature on this workspace; its writing methods are wrapped below."""
        return DraftingService(self.services, self.drafts)

    def create_draft(self, quartier: str, outline_id: str, title: str = "") -> DraftInfo:
        """A new draft for a Quartier of this workspace's tables (`DraftingError` if unknown)."""
        self.require(Action.EDIT_DRAFT, title or quartier)
        info = self.drafting.create_draft(quartier, outline_id, title)
        self.audit.record(
            self._user.username,
            audit.DRAFT_EDIT,
            self.workspace,
            str(info.id),
            created=info.title,
            outline=outline_id,
        )
        return info

    def generate_section(
        self,
        draft_id: int,
        section_id: str,
        *,
        overwrite: bool = False,
        keep_both: bool = False,
        extractive: bool = False,
    ) -> StoredSection:
        """Write (or rewrite) a section from this workspace's documents and tables."""
        self.require(Action.EDIT_DRAFT, section_target(draft_id, section_id))
        section = self.drafting.generate_section(
            draft_id, section_id, overwrite=overwrite, keep_both=keep_both, extractive=extractive
        )
        self.history.record_edit(self._user, draft_id, section_id, origin="generated")
        return section

    def generate_all(
        self, draft_id: int, *, overwrite: bool = False, extractive: bool = False
    ) -> GenerationReport:
        self.require(Action.EDIT_DRAFT, str(draft_id))
        report = self.drafting.generate_all(draft_id, overwrite=overwrite, extractive=extractive)
        for section_id in [*report.written, *report.kept]:
            self.history.record_edit(self._user, draft_id, section_id, origin="generated")
        return report

    def edit_section(self, draft_id: int, section_id: str, text: str) -> StoredSection:
        """A person's text for a section (a new version)."""
        self.require(Action.EDIT_DRAFT, section_target(draft_id, section_id))
        section = self.drafts.save_hand_edit(draft_id, section_id, text)
        self.history.record_edit(self._user, draft_id, section_id, origin="hand")
        return section

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
        self.require(Action.EDIT_DRAFT, section_target(draft_id, section_id))
        section = self.drafts.save_generated(
            draft_id, section_id, text, sources, details, overwrite=overwrite, keep_both=keep_both
        )
        self.history.record_edit(self._user, draft_id, section_id, origin="generated")
        return section

    def take_over(
        self,
        draft_id: int,
        section_id: str,
        text: str,
        sources: list[DraftSource],
        *,
        mode: Literal["replace", "append"] = "replace",
        overwrite: bool = False,
    ) -> StoredSection:
        """A chat answer as section text."""
        self.require(Action.EDIT_DRAFT, section_target(draft_id, section_id))
        section = self.drafts.take_over(
            draft_id, section_id, text, sources, mode=mode, overwrite=overwrite
        )
        self.history.record_edit(self._user, draft_id, section_id, origin="chat")
        return section

    def restore_version(self, draft_id: int, section_id: str, version: int) -> StoredSection:
        self.require(Action.EDIT_DRAFT, section_target(draft_id, section_id))
        return self.history.restore(self._user, draft_id, section_id, version)

    def delete_draft(self, draft_id: int) -> None:
        """Delete a draft with its sections, versions and comments."""
        info = self.drafts.get(draft_id)
        self.require(Action.EDIT_DRAFT, str(draft_id))
        self.drafts.delete(draft_id)
        self.comments.delete_for_draft(self._user, str(draft_id))
        self.audit.record(
            self._user.username,
            audit.DELETE,
            self.workspace,
            f"Entwurf {draft_id}",
            title=info.title,
        )

    # -- exports -----------------------------------------------------------------------

    def export(self, what: str, run: Callable[[], T], **details: object) -> T:
        """Run an export of this workspace's data (`what` names it for the audit log,
        e.g. the file name); checked and logged."""
        self.require(Action.EXPORT, what)
        result = run()
        self.audit.record(self._user.username, audit.EXPORT, self.workspace, what, **details)
        return result

    # -- members and the audit log -----------------------------------------------------

    def members(self) -> list[Member]:
        self.require(Action.READ)
        return self.workspaces.members(self.workspace)

    def grant(self, username: str, role: Role) -> None:
        self.require(Action.MANAGE_ROLES, username)
        self.workspaces.grant(self._user, username, self.workspace, role)

    def revoke(self, username: str) -> bool:
        self.require(Action.MANAGE_ROLES, username)
        return self.workspaces.revoke(self._user, username, self.workspace)

    def audit_entries(self, limit: int = 500) -> list[AuditRecord]:
        """The audit log of this workspace (admins of the workspace)."""
        self.require(Action.MANAGE_ROLES, "audit_log")
        return self.audit.entries(self.workspace, limit=limit)

    def knowledge_bases(self) -> list[str]:
        """Knowledge bases searched with this workspace (read-only)."""
        return list(self.services.knowledge_bases)
