"""Data types shared across the assistant: what was retrieved, cited and answered."""

from __future__ import annotations

from collections.abc import Sequence
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
    # The workspace the passage was found in (the searched one or an attached knowledge
    # base); empty where unknown.
    workspace: str = ""

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

    @property
    def key(self) -> tuple[str, int | None]:
        """What makes a passage itself: a table row is a passage of its own in its chunk."""
        return self.chunk_id, self.ref.row


def insert_after(
    passages: Sequence[RetrievedChunk], extra: Sequence[RetrievedChunk], best: int
) -> list[RetrievedChunk]:
    """`passages` with `extra` placed after the `best` first ones, each passage once
    (where it first occurs)."""
    ordered = [*passages[:best], *extra, *passages[best:]]
    seen: set[tuple[str, int | None]] = set()
    unique = []
    for passage in ordered:
        if passage.key not in seen:
            seen.add(passage.key)
            unique.append(passage)
    return unique


@dataclass(slots=True)
class Citation:
    """A numbered source `[n]` of an answer and the passage that backs it."""

    n: int
    ref: SourceRef
    text: str  # the cited passage


@dataclass(slots=True)
class VerifiedSentence:
    """One sentence of an answer and how the check against its cited sources went.

    `status` is one of: "verified" (cited sources support it), "unsupported" (cited, but the
    sources do not carry its words), "number_mismatch" (a figure is not in its sources),
    "uncited" (a claim without a valid `[n]`), "structural" (a heading or lead-in that
    claims nothing), "refusal" (the model says the sources hold no answer).
    """

    text: str
    citations: list[int] = field(default_factory=list)
    status: str = "verified"
    support: float = 1.0  # share of the sentence's content terms found in its sources
    kept: bool = True  # False when the sentence was removed from the answer

    @property
    def verified(self) -> bool:
        return self.status == "verified"

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "citations": list(self.citations),
            "status": self.status,
            "support": round(self.support, 3),
            "kept": self.kept,
        }


@dataclass(slots=True)
class Answer:
    question: str  # the standalone question that was answered (after follow-up rewriting)
    text: str
    mode: str  # generation backend that produced the text, e.g. "extractive"
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[RetrievedChunk] = field(default_factory=list)
    found: bool = True  # False when Planwerk says the documents hold no answer
    sentences: list[VerifiedSentence] = field(default_factory=list)
    notice: str = ""  # German note for the user, e.g. why the extractive fallback answered
    style: str = "kurz"
    asked: str = ""  # what the user typed, when it differs from `question`
    thread_id: str | None = None

    def verified_share(self) -> float:
        """Share of the claim sentences (not headings or refusals) that passed the check."""
        claims = [s for s in self.sentences if s.status not in ("structural", "refusal")]
        return sum(s.verified for s in claims) / len(claims) if claims else 0.0

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of `planwerk ask --json` (keys are only ever added)."""
        return {
            "answer": self.text,
            "mode": self.mode,
            "found": self.found,
            "question": self.question,
            "asked": self.asked or self.question,
            "style": self.style,
            "notice": self.notice,
            "thread": self.thread_id,
            "sentences": [s.to_json() for s in self.sentences],
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
