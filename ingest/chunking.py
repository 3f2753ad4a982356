"""Chunking along the document's structure: sections, paragraphs, sentences, table rows.

A chunk never spans two PDF pages, two sections or text and table at once, so its citation
(page or sheet + rows, heading path) is exact. Each chunk starts with its nearest heading
(and a table chunk with the table's header line) so that it reads on its own.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from ingest.blocks import Block, BlockKind, LoadedDocument
from ingest.chunk import Chunk
from ingest.sentences import split_sentences
from ingest.structure import CELL_SEPARATOR, TABLE_CAPTION

_HEADING_SEPARATOR = " > "


def leaf_heading(path: str | None) -> str:
    """The innermost heading of a chunk's heading path: "1 Methodik > 1.4 Index" -> "1.4 Index"."""
    return (path or "").split(_HEADING_SEPARATOR)[-1]


@dataclass(slots=True)
class _Section:
    """Blocks that may share a chunk: same page, heading path, sheet and kind of content."""

    blocks: list[Block]

    @property
    def first(self) -> Block:
        return self.blocks[0]

    @property
    def is_table(self) -> bool:
        return self.first.kind is BlockKind.TABLE_ROW

    @property
    def prefix(self) -> str:
        return self.first.heading_path[-1] if self.first.heading_path else ""


@dataclass(slots=True)
class _Piece:
    """The body of one future chunk: text units plus the table rows they came from."""

    units: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    size: int = 0

    def add(self, unit: str, row: int | None = None) -> None:
        self.units.append(unit)
        self.size += _length(unit) + (2 if len(self.units) > 1 else 0)  # "\n\n" between paragraphs
        if row is not None:
            self.rows.append(row)

    def take_caption(self) -> str | None:
        """The trailing table caption, removed: it belongs with the table that follows."""
        if len(self.units) < 2 or self.rows or not TABLE_CAPTION.match(self.units[-1]):
            return None
        caption = self.units.pop()
        self.size -= _length(caption) + 2
        return caption


def chunk_document(
    doc: LoadedDocument, max_chars: int = 1200, min_chars: int = 200, table_rows: int = 1
) -> list[Chunk]:
    """Chunks of `doc` in reading order, numbered from 0.

    Headings start new chunks, paragraphs are grouped up to `max_chars`, longer paragraphs
    split at sentence boundaries, and a trailing piece shorter than `min_chars` joins the
    chunk before it within the same page and section. Table rows are grouped up to
    `table_rows` per chunk (and `max_chars`), with the header line repeated in every chunk;
    `row` is the first row, `extra["row_end"]` the last and `extra["rows"]` all of them.
    """
    chunks: list[Chunk] = []
    for section in _sections(doc.blocks):
        if section.is_table:
            pieces = _table_pieces(section, max_chars, table_rows)
        else:
            pieces = _merge_small_tail(_text_pieces(section, max_chars), min_chars)
        for piece in pieces:
            chunks.append(_chunk(section, piece, len(chunks)))
    if not chunks:
        chunks = _headings_only(doc.blocks)
    return chunks


def _sections(blocks: list[Block]) -> list[_Section]:
    sections: list[_Section] = []
    previous_key: tuple[object, ...] | None = None
    for block in blocks:
        if block.kind is BlockKind.HEADING:
            previous_key = None  # a heading always starts a new section
            continue
        if not block.text.strip():
            continue
        key = _section_key(block)
        if key == previous_key:
            sections[-1].blocks.append(block)
        else:
            sections.append(_Section([block]))
        previous_key = key
    return sections


def _section_key(block: Block) -> tuple[object, ...]:
    is_table = block.kind is BlockKind.TABLE_ROW
    return (block.page, block.heading_path, block.sheet, is_table, block.table_header)


def _text_pieces(section: _Section, max_chars: int) -> list[_Piece]:
    budget = _budget(max_chars, len(section.prefix))
    pieces = [_Piece()]
    for block in section.blocks:
        text = f"- {block.text}" if block.kind is BlockKind.LIST_ITEM else block.text
        for unit in _fit(text, budget):
            if pieces[-1].units and pieces[-1].size + _length(unit) + 2 > budget:
                caption = pieces[-1].take_caption()
                pieces.append(_Piece())
                if caption:
                    pieces[-1].add(caption)
            pieces[-1].add(unit)
    return [p for p in pieces if p.units]


def _table_pieces(section: _Section, max_chars: int, max_rows: int) -> list[_Piece]:
    header = section.first.table_header or ""
    budget = _budget(max_chars, len(section.prefix) + len(header) + 1)
    pieces = [_Piece()]
    for block in section.blocks:
        # A row is never split: half a row would lose the column it belongs to.
        full = pieces[-1].size + len(block.text) + 2 > budget or len(pieces[-1].rows) >= max_rows
        if pieces[-1].units and full:
            pieces.append(_Piece())
        pieces[-1].add(block.text, block.row)
    return [p for p in pieces if p.units]


def _length(text: str) -> int:
    """Characters as read: a PDF table's cell separator counts as the space it stands for,
    so marking the cells does not move where chunks end."""
    return len(text) - text.count(CELL_SEPARATOR) * (len(CELL_SEPARATOR) - 1)


def _budget(max_chars: int, overhead: int) -> int:
    """Characters left for the body once the heading (and header line) are counted."""
    return max(max_chars - overhead - 2, max_chars // 2)


def _fit(text: str, budget: int) -> list[str]:
    """`text` as one unit, or as sentence groups of at most `budget` characters."""
    if _length(text) <= budget:
        return [text]
    units: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        for part in _hard_split(sentence, budget):
            if current and _length(current) + 1 + _length(part) > budget:
                units.append(current)
                current = part
            else:
                current = f"{current} {part}" if current else part
    if current:
        units.append(current)
    return units


def _hard_split(sentence: str, budget: int) -> list[str]:
    """A sentence longer than the budget, cut at spaces (lists without full stops do this)."""
    if _length(sentence) <= budget:
        return [sentence]
    parts: list[str] = []
    current = ""
    for word in sentence.split():
        if current and _length(current) + 1 + _length(word) > budget:
            parts.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        parts.append(current)
    return parts


def _merge_small_tail(pieces: list[_Piece], min_chars: int) -> list[_Piece]:
    if len(pieces) >= 2 and pieces[-1].size < min_chars:
        tail = pieces.pop()
        for index, unit in enumerate(tail.units):
            pieces[-1].add(unit, tail.rows[index] if index < len(tail.rows) else None)
    return pieces


def _chunk(section: _Section, piece: _Piece, index: int) -> Chunk:
    first = section.first
    extra: dict[str, Any] = {"kind": "table" if section.is_table else "text"}
    if first.ocr:  # sections are per page: a page is recognised or read as a whole
        extra["ocr"] = True
    if section.is_table:
        body = "\n".join(piece.units)
        header = first.table_header or ""
        text = "\n".join(part for part in (section.prefix, header, body) if part)
        extra["row_end"] = piece.rows[-1] if piece.rows else None
        extra["rows"] = list(piece.rows)
    else:
        text = _join_units(piece.units)
        text = f"{section.prefix}\n\n{text}" if section.prefix else text
    return Chunk(
        text=text,
        chunk_index=index,
        page=first.page,
        sheet=first.sheet,
        row=piece.rows[0] if piece.rows else None,
        heading=_HEADING_SEPARATOR.join(first.heading_path),
        extra=extra,
    )


def _join_units(units: list[str]) -> str:
    """Paragraphs separated by a blank line, consecutive list items by a line break."""
    text = units[0]
    for previous, unit in itertools.pairwise(units):
        both_items = previous.startswith("- ") and unit.startswith("- ")
        text += ("\n" if both_items else "\n\n") + unit
    return text


def _headings_only(blocks: list[Block]) -> list[Chunk]:
    """A document of headings alone still yields one chunk, so nothing silently vanishes."""
    headings = [b for b in blocks if b.kind is BlockKind.HEADING and b.text.strip()]
    if not headings:
        return []
    text = "\n".join(b.text for b in headings)
    return [Chunk(text=text, chunk_index=0, page=headings[0].page, extra={"kind": "text"})]
