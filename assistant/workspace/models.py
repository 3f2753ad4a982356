"""The table of attached knowledge bases (on `assistant.platform.db.Base`, created by the
migrations): `workspace_attachments`, knowledge-base workspaces searched (read-only) in
addition to a workspace's own documents. People, workspaces, roles, the audit log and
thread access are `assistant.access.models`; comments are `assistant.drafting.comments`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from assistant.access.models import Workspace, utcnow
from assistant.platform.db import Base


class Attachment(Base):
    __tablename__ = "workspace_attachments"

    workspace: Mapped[str] = mapped_column(
        String(100), ForeignKey(Workspace.name, ondelete="CASCADE"), primary_key=True
    )
    knowledge_base: Mapped[str] = mapped_column(
        String(100), ForeignKey(Workspace.name, ondelete="CASCADE"), primary_key=True
    )
    attached_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
