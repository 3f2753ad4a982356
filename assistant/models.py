"""Data types shared across the assistant: what was retrieved, cited and answered."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a passage lives: enough to find it again by hand."""

    doc_id: str
    source: str
    title: str
    page: int | None = None
    sheet: str | None = None
    row: int | None = None
    heading: str = ""

    def label(self) -> str:
        """A German location label such as „Sozialbericht 2024, S. 12“."""
        parts = [self.title or self.source]
        if self.page is not None:
            parts.append(f"S. {self.page}")
        if self.sheet:
            parts.append(f"Blatt „{self.sheet}“")
        if self.row is not None:
            parts.append(f"Zeile {self.row}")
        return ", ".join(parts)


@dataclass(slots=True)
class RetrievedChunk:
    """A chunk returned by retrieval, with its text and rank scores."""

    chunk_id: str
    text: str
    ref: SourceRef
    metadata: dict[str, Any]
    score: float = 0.0
    bm25_rank: int | None = None
    dense_rank: int | None = None


@dataclass(slots=True)
class Citation:
    """A numbered source `[n]` of an answer and the passage that backs it."""

    n: int
    ref: SourceRef
    text: str  # the cited passage


@dataclass(slots=True)
class Answer:
    question: str
    text: str
    mode: str  # generation backend that produced the text, e.g. "extractive"
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[RetrievedChunk] = field(default_factory=list)
    found: bool = True  # False when Planwerk says the documents hold no answer

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of `planwerk ask --json`."""
        return {
            "answer": self.text,
            "mode": self.mode,
            "citations": [
                {
                    "n": c.n,
                    "source": c.ref.source,
                    "title": c.ref.title,
                    "page": c.ref.page,
                    "sheet": c.ref.sheet,
                    "row": c.ref.row,
                    "heading": c.ref.heading,
                    "text": c.text,
                }
                for c in self.citations
            ],
            "retrieved": [
                {
                    "source": r.ref.source,
                    "page": r.ref.page,
                    "sheet": r.ref.sheet,
                    "row": r.ref.row,
                    "heading": r.ref.heading,
                    "score": round(r.score, 6),
                }
                for r in self.retrieved[:10]
            ],
        }


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """A stored document as the catalog knows it."""

    doc_id: str
    source: str
    title: str
    doc_type: str
    format: str
    year: int | None
    municipality: str
    area: str
    pages: int | None
    rows: int | None
    chunk_count: int
    added_at: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
