"""Drafts of integrated action concepts: drafts, their sections, the section history
(tables of `assistant.drafting.store`).

Revision ID: 0003_drafts
Revises: 0002_workspaces
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from assistant.platform.migrations.helpers import create_table_if_missing

revision: str = "0003_drafts"
down_revision: str | Sequence[str] | None = "0002_workspaces"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_table_if_missing(
        "drafts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("quartier", sa.String(length=200), nullable=False),
        sa.Column("outline_id", sa.String(length=100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        indexes=[("ix_drafts_workspace", ["workspace"])],
    )
    create_table_if_missing(
        "draft_sections",
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("generated_text", sa.Text(), nullable=False),
        sa.Column("citations", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("draft_id", "section_id"),
    )
    create_table_if_missing(
        "draft_section_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("citations", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        indexes=[("ix_draft_section_versions_draft_id", ["draft_id"])],
    )


def downgrade() -> None:
    for table in ("draft_section_versions", "draft_sections", "drafts"):
        op.drop_table(table)
