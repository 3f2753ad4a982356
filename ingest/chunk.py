"""The unit that gets embedded, stored and cited."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Chunk:
    """A piece of a document with the metadata schema of DESIGN.md.

    `doc_id`, `workspace` and document-level fields are filled in by the pipeline that
    stores the chunk; the chunker sets the positional fields.
    """

    text: str
    chunk_index: int
    page: int | None = None
    sheet: str | None = None
    row: int | None = None
    heading: str = ""  # path like "3 Ziele > 3.2 Bildung"
    extra: dict[str, Any] = field(default_factory=dict)
