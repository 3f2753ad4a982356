"""Indicator values know the kind of area of their table (Stadtteil, Gemeinde, Kreis …)
and the Land a row lies in, so tables of different geographies are kept apart.

Revision ID: 0004_area_types
Revises: 0003_drafts
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_area_types"
down_revision: str | Sequence[str] | None = "0003_drafts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The indicator store creates its tables itself; a database it made with this version
    # already has the column.
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("indicator_values")}
    for name, length in (("area_type", 40), ("region", 100)):
        if name not in columns:
            op.add_column(
                "indicator_values",
                sa.Column(name, sa.String(length=length), nullable=False, server_default=""),
            )


def downgrade() -> None:
    op.drop_column("indicator_values", "region")
    op.drop_column("indicator_values", "area_type")
