"""Baseline: the tables that existed before migrations (threads, messages, feedback,
draft snippets, indicator store).

Revision ID: 0001_baseline
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from assistant.platform.migrations.helpers import create_table_if_missing

revision: str = "0001_baseline"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_table_if_missing(
        "threads",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        indexes=[("ix_threads_workspace", ["workspace"])],
    )
    create_table_if_missing(
        "messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("thread_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["thread_id"], ["threads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        indexes=[("ix_messages_thread_id", ["thread_id"])],
    )
    for table in ("answer_feedback", "draft_snippets"):
        specific = (
            [
                sa.Column("kind", sa.String(length=20), nullable=False),
                sa.Column("question", sa.Text(), nullable=False),
                sa.Column("answer_text", sa.Text(), nullable=False),
                sa.Column("comment", sa.Text(), nullable=False),
            ]
            if table == "answer_feedback"
            else [
                sa.Column("question", sa.Text(), nullable=False),
                sa.Column("text", sa.Text(), nullable=False),
                sa.Column("sources", sa.Text(), nullable=False),
                sa.Column("used", sa.Boolean(), nullable=False),
            ]
        )
        create_table_if_missing(
            table,
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("workspace", sa.String(length=100), nullable=False),
            sa.Column("message_id", sa.Integer(), nullable=True),
            *specific,
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="SET NULL"),
            sa.PrimaryKeyConstraint("id"),
            indexes=[
                (f"ix_{table}_message_id", ["message_id"]),
                (f"ix_{table}_workspace", ["workspace"]),
            ],
        )
    create_table_if_missing(
        "indicator_documents",
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("doc_id", sa.String(length=100), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.String(length=40), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "doc_id"),
    )
    create_table_if_missing(
        "indicator_values",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("doc_id", sa.String(length=100), nullable=False),
        sa.Column("sheet", sa.Text(), nullable=True),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("column", sa.String(length=10), nullable=False),
        sa.Column("column_name", sa.Text(), nullable=False),
        sa.Column("area_code", sa.String(length=100), nullable=False),
        sa.Column("area_name", sa.Text(), nullable=False),
        sa.Column("aggregate", sa.String(length=40), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("indicator", sa.String(length=120), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("value_text", sa.Text(), nullable=False),
        sa.Column("display", sa.Text(), nullable=False),
        sa.Column("missing", sa.Text(), nullable=False),
        sa.Column("decimals", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        indexes=[
            ("ix_indicator_values_doc", ["workspace", "doc_id"]),
            ("ix_indicator_values_query", ["workspace", "indicator", "year"]),
        ],
    )
    create_table_if_missing(
        "indicator_area_names",
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("doc_id", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "doc_id", "code", "name"),
    )


def downgrade() -> None:
    for table in (
        "indicator_area_names",
        "indicator_values",
        "indicator_documents",
        "draft_snippets",
        "answer_feedback",
        "messages",
        "threads",
    ):
        op.drop_table(table)
