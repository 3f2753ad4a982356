"""The unit that gets embedded, stored and cited."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Chunk:
    """A piece of a document with where it stands: page, or sheet and row, and the
    heading path (docs/architecture.md, "From a file to the index").

    The document-level fields (`doc_id`, source, title …) are added by the
    pipeline that stores the chunk (`assistant.index.catalog.StoredChunk`); the chunker
    sets the positional fields.
    """

    text: str
    chunk_index: int
    page: int | None = None
    sheet: str | None = None
    row: int | None = None
    heading: str = ""  # path like "3 Ziele > 3.2 Bildung"
    extra: dict[str, Any] = field(default_factory=dict)
