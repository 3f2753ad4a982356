"""Collaboration layer: users, workspaces, roles, knowledge-base attachments, audit log,
thread access, comments on draft sections with @mentions.

Revision ID: 0002_workspaces
Revises: 0001_baseline
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from assistant.platform.migrations.helpers import create_table_if_missing

revision: str = "0002_workspaces"
down_revision: str | Sequence[str] | None = "0001_baseline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_table_if_missing(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    create_table_if_missing(
        "workspaces",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    create_table_if_missing(
        "workspace_members",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace"], ["workspaces.name"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "workspace"),
    )
    create_table_if_missing(
        "workspace_attachments",
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("knowledge_base", sa.String(length=100), nullable=False),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["knowledge_base"], ["workspaces.name"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace"], ["workspaces.name"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workspace", "knowledge_base"),
    )
    create_table_if_missing(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        indexes=[
            ("ix_audit_log_actor_at", ["actor", "at"]),
            ("ix_audit_log_workspace_at", ["workspace", "at"]),
        ],
    )
    create_table_if_missing(
        "thread_access",
        sa.Column("thread_id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["thread_id"], ["threads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("thread_id"),
        indexes=[("ix_thread_access_owner_id", ["owner_id"])],
    )
    create_table_if_missing(
        "section_comments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("draft_id", sa.String(length=64), nullable=False),
        sa.Column("section_id", sa.String(length=100), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        indexes=[("ix_section_comments_section", ["workspace", "draft_id", "section_id"])],
    )
    create_table_if_missing(
        "comment_mentions",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["comment_id"], ["section_comments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("comment_id", "user_id"),
        indexes=[("ix_comment_mentions_user_id", ["user_id"])],
    )


def downgrade() -> None:
    for table in (
        "comment_mentions",
        "section_comments",
        "thread_access",
        "audit_log",
        "workspace_attachments",
        "workspace_members",
        "workspaces",
        "users",
    ):
        op.drop_table(table)
