"""Word files (.docx): heading styles, paragraphs, list items and tables in reading order."""

from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.document import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.blocks import Block, BlockKind, LoadedDocument
from ingest.cleaning import normalize_characters
from ingest.structure import HeadingTracker
from ingest.table_rows import RawRow, table_blocks
from ingest.titles import fallback_title

# Built-in style names as python-docx reports them, plus the names German Word shows for
# styles that a document defines itself.
_HEADING_STYLE = re.compile(r"^(?:heading|überschrift)\s*(\d)$", re.IGNORECASE)
_TITLE_STYLES = {"title", "titel"}
_LIST_STYLE = re.compile(r"list|liste|aufzählung", re.IGNORECASE)
_STYLE_DEPTH = 5  # how far to follow "based on" when a custom style derives from a heading


def load(path: Path, source: str) -> LoadedDocument:
    """Load a .docx file; page numbers are not known in Word files."""
    document = docx.Document(str(path))
    blocks = docx_blocks(document)
    return LoadedDocument(
        source=source, format="docx", blocks=blocks, title=_title(document, blocks, source)
    )


def docx_blocks(document: Document) -> list[Block]:
    """Blocks of the document body in reading order (headers and footers are left out)."""
    tracker = HeadingTracker()
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.extend(table_blocks(_table_rows(item), heading_path=tracker.path))
        else:
            block = _paragraph_block(item, tracker)
            if block is not None:
                blocks.append(block)
    return blocks


def _paragraph_block(paragraph: Paragraph, tracker: HeadingTracker) -> Block | None:
    text = " ".join(normalize_characters(paragraph.text).split())
    if not text:
        return None
    level = heading_level(paragraph)
    if level is not None:
        return tracker.heading_block(level, text)
    kind = BlockKind.LIST_ITEM if _is_list_item(paragraph) else BlockKind.PARAGRAPH
    return tracker.content_block(kind, text)


def heading_level(paragraph: Paragraph) -> int | None:
    """1 for "Heading 1" / "Überschrift 1" (or a style based on it), None for body text.

    The title style counts as level 1; an explicit outline level in the paragraph also counts.
    """
    style = paragraph.style
    for _ in range(_STYLE_DEPTH):
        if style is None:
            break
        name = (style.name or "").strip()
        match = _HEADING_STYLE.match(name)
        if match:
            return max(1, int(match.group(1)))
        if name.lower() in _TITLE_STYLES:
            return 1
        style = style.base_style
    outline = paragraph._p.xpath("./w:pPr/w:outlineLvl/@w:val")
    if outline and str(outline[0]).isdigit() and int(outline[0]) < 9:
        return int(outline[0]) + 1
    return None


def _is_list_item(paragraph: Paragraph) -> bool:
    if paragraph._p.xpath("./w:pPr/w:numPr"):
        return True
    style = paragraph.style
    return bool(style is not None and _LIST_STYLE.search(style.name or ""))


def _table_rows(table: Table) -> list[RawRow]:
    rows = []
    for number, row in enumerate(table.rows, start=1):
        cells = []
        merged = False
        previous = None
        for cell in row.cells:
            # python-docx repeats a merged cell for every grid column it spans.
            merged = merged or (previous is not None and cell._tc is previous)
            previous = cell._tc
            cells.append(normalize_characters(cell.text))
        rows.append(RawRow(number, cells, merged_across=merged))
    return rows


def _title(document: Document, blocks: list[Block], source: str) -> str:
    title = (document.core_properties.title or "").strip()
    return title or fallback_title(blocks, source)
