"""Data types shared across the assistant: what was retrieved, cited and answered."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

# How a table cell's place was written into a citation's "heading" before cells had their
# own fields; stored conversations still hold it.
_CELL_HEADING = re.compile(r"Spalte (?P<column>[A-Z]{1,3}): (?P<name>.*)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a cited source lives: enough to find it again by hand.

    A passage: a page of a document or a row of a table, under a heading. A table cell:
    sheet, row and `column`, with the cell as written in `value_text`.
    """

    doc_id: str
    source: str  # file name
    title: str = ""
    page: int | None = None
    sheet: str | None = None
    row: int | None = None
    heading: str = ""
    # The workspace the passage was found in (the searched one or an attached knowledge
    # base); empty where unknown.
    workspace: str = ""
    column: str | None = None  # a cited cell: its column letter as a spreadsheet shows it
    column_name: str = ""  # the cell's column header (group and name)
    value_text: str = ""  # the cell as written (masked where the privacy rule applies)

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

    def cell_label(self) -> str:
        """The label with the cell's column: „sozialmonitoring.xlsx, Blatt „2023“, Zeile 7,
        Spalte D (SGB-II-Quote)“; a passage's label where no column is cited."""
        if self.column is None:
            return self.label()
        return f"{self.label()}, Spalte {self.column} ({self.column_name})"

    def section(self) -> str:
        """What is shown beside the label: the passage's heading, or for a table cell
        „Spalte D: SGB-II-Quote“."""
        if self.heading or self.column is None:
            return self.heading
        return f"Spalte {self.column}: {self.column_name}"

    def to_json(self) -> dict[str, Any]:
        """The location keys of a citation in `Answer.to_json` (keys are only ever added).

        "heading" holds `section()`, so readers from before cells had their own keys still
        find the cell's column there."""
        return {
            "source": self.source,
            "title": self.title,
            "page": self.page,
            "sheet": self.sheet,
            "row": self.row,
            "heading": self.section(),
            "column": self.column,
            "column_name": self.column_name,
            "value_text": self.value_text,
        }

    def cell_json(self) -> dict[str, Any]:
        """A cited cell's keys as indicator answers and draft facts list them."""
        return {
            "source": self.source,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "column_name": self.column_name,
            "value_text": self.value_text,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SourceRef:
        """A location from `to_json` or a stored citation of any age."""
        heading = str(data.get("heading") or "")
        column = data.get("column")
        column_name = str(data.get("column_name") or "")
        if column is None and (cell := _CELL_HEADING.fullmatch(heading)):
            column, column_name = cell["column"], cell["name"]  # stored before `column`
        if column is not None and heading == f"Spalte {column}: {column_name}":
            heading = ""
        return cls(
            doc_id=str(data.get("doc_id") or ""),
            source=str(data.get("source") or ""),
            title=str(data.get("title") or ""),
            page=data.get("page"),
            sheet=data.get("sheet"),
            row=data.get("row"),
            heading=heading,
            workspace=str(data.get("workspace") or ""),
            column=None if column is None else str(column),
            column_name=column_name,
            value_text=str(data.get("value_text") or ""),
        )


@dataclass(frozen=True, slots=True)
class TableGap:
    """The indicator tables know the areas a question names but no indicator it names (or
    not for the year it names):
    unless a document speaks of those areas or a row of those tables says what is asked
    (`retrieval.answerability.table_gap_refusal`), `text` says what they hold instead."""

    doc_ids: frozenset[str]  # the tables holding the named areas
    areas: tuple[str, ...]  # the areas as the tables name them
    # What the question asks beside the areas and years: each word as its terms (the whole
    # word, then its parts); a passage says a word by the whole or by all of its parts.
    measure: tuple[tuple[str, ...], ...]
    text: str  # German: what is missing and what the tables have for those areas
    # For a year the tables lack: the years asked; only a passage naming one answers.
    years: tuple[int, ...] = ()


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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Answer:
    """A checked answer, built once by the answer pipeline and never changed afterwards:
    a later stage (length limit, thread bookkeeping, table rows for cells) makes a new
    one with `dataclasses.replace`, so an answer already shown or stored stays as it was."""

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
            "citations": [{"n": c.n, **c.ref.to_json(), "text": c.text} for c in self.citations],
            "retrieved": [
                {
                    "source": r.ref.source,
                    "page": r.ref.page,
                    "sheet": r.ref.sheet,
                    "row": r.ref.row,
                    "heading": r.ref.section(),
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
