"""Helpers for migrations that must also run on databases made before the migrations.

Databases of earlier versions got their tables from `create_all`, without an
`alembic_version` row; stores that still call `create_all` themselves can create tables
before the first upgrade runs. Creating a table only when it is missing makes the
first upgrade adopt such databases instead of failing on "table already exists".
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


def has_table(name: str) -> bool:
    return sa.inspect(op.get_bind()).has_table(name)


def create_table_if_missing(
    name: str,
    *elements: sa.schema.SchemaItem,
    indexes: Sequence[tuple[str, Sequence[str]]] = (),
) -> bool:
    """Create a table and its (non-unique) indexes unless it exists; True if created."""
    if has_table(name):
        return False
    op.create_table(name, *elements)
    for index_name, columns in indexes:
        op.create_index(index_name, name, list(columns), unique=False)
    return True
