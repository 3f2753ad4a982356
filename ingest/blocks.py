"""Typed output of the loaders: a document as a sequence of structural blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE_ROW = "table_row"


@dataclass(slots=True)
class Block:
    """One structural unit of a document, as it came out of its loader.

    `heading_path` is the chain of headings above the block (outermost first).
    Table rows carry their header so that a chunk can repeat it.
    """

    kind: BlockKind
    text: str
    page: int | None = None  # 1-based, PDFs only
    sheet: str | None = None
    row: int | None = None  # 1-based row number as a spreadsheet user sees it
    heading_path: tuple[str, ...] = ()
    level: int = 0  # heading level (1 = top), 0 for non-headings
    table_header: str | None = None
    ocr: bool = False  # read by text recognition from a scan, not from a text layer


@dataclass(slots=True)
class LoadedDocument:
    """A parsed file: its blocks plus what the file itself says about it."""

    source: str  # path or upload name as the user knows it
    format: str  # pdf, docx, md, txt, html, csv, xlsx
    blocks: list[Block]
    title: str
    page_count: int | None = None
    row_count: int | None = None
    warnings: list[str] = field(default_factory=list)  # German, shown to the user
