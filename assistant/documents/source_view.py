"""The context of a cited passage, as the source panel shows it.

For a citation this finds the stored chunk it quotes and returns: the text of its page (the
document's chunks on that page, in order) with the cited chunk marked, or the neighbouring
chunks for documents without pages (DOCX, Markdown); for table rows the row as (column,
value) pairs with its header; for PDFs the original file, so the page can be rendered with
the quoted sentences boxed (`render_pdf_page`, pypdfium2, no downloads).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.index.catalog import StoredChunk
from assistant.index.document_index import DocumentIndex
from assistant.models import DocumentRecord
from assistant.platform.config import Settings
from ingest.structure import RowChunk

if TYPE_CHECKING:
    from PIL.Image import Image

NEIGHBOURS = 2  # chunks shown before and after the cited one when there are no pages
_WORDS_PER_SEARCH = 5


@dataclass(slots=True)
class Segment:
    """A piece of the shown text; `cited` marks the passage the answer quotes."""

    text: str
    cited: bool = False


@dataclass(slots=True)
class PassageContext:
    record: DocumentRecord | None
    chunk: StoredChunk | None
    segments: list[Segment] = field(default_factory=list)
    table_rows: list[tuple[str, str]] = field(default_factory=list)  # (column, value)
    table_title: str = ""
    pdf_path: Path | None = None
    page: int | None = None
    row: int | None = None  # the cited table row (spreadsheet numbering)

    @property
    def found(self) -> bool:
        return self.chunk is not None


def passage_context(
    settings: Settings, index: DocumentIndex, citation: Mapping[str, Any]
) -> PassageContext:
    """Where a citation (`Answer.to_json()["citations"][i]`) points, with its surroundings.

    Uses the citation's `doc_id` and `workspace` when present (an attached knowledge base
    is read through a view of the index), else finds the document by its source name.
    """
    workspace = str(citation.get("workspace") or "")
    if workspace and workspace != index.workspace:
        index = index.view(workspace)
    record = _record(index, citation)
    if record is None:
        return PassageContext(None, None)
    ids = sorted(index.catalog.chunk_ids(index.workspace, [record.doc_id]))
    chunks = sorted(
        index.catalog.chunks_by_id(index.workspace, ids).values(), key=lambda c: c.chunk_index
    )
    chunk = _cited_chunk(chunks, citation)
    context = PassageContext(record, chunk, page=citation.get("page"))
    if chunk is None:
        return context
    context.page = chunk.page
    if chunk.row is not None:
        # A chunk may hold several rows (`extra["rows"]`, one line each): show the cited one.
        numbers = list(chunk.extra.get("rows") or [chunk.row])
        wanted = citation.get("row")
        at = numbers.index(wanted) if wanted in numbers else 0
        context.table_title, context.table_rows = table_row(chunk.text, at)
        context.row = numbers[at] if at < len(numbers) else chunk.row
    if chunk.page is not None:
        shown = [c for c in chunks if c.page == chunk.page]
    else:
        at = chunks.index(chunk)
        shown = chunks[max(0, at - NEIGHBOURS) : at + NEIGHBOURS + 1]
    context.segments = [Segment(c.text, c.chunk_id == chunk.chunk_id) for c in shown]
    if record.format == "pdf" and chunk.page is not None:
        # Imported here: `document_actions` imports the ingest pipeline (every file
        # loader), which showing a passage does not use.
        from assistant.documents.document_actions import source_file

        context.pdf_path = source_file(settings, index, record.doc_id)
    return context


def _record(index: DocumentIndex, citation: Mapping[str, Any]) -> DocumentRecord | None:
    doc_id = citation.get("doc_id")
    if doc_id:
        found = index.catalog.document(index.workspace, str(doc_id))
        if found is not None:
            return found
    source = str(citation.get("source") or "")
    return next((d for d in index.documents() if d.source == source), None)


def _cited_chunk(chunks: Sequence[StoredChunk], citation: Mapping[str, Any]) -> StoredChunk | None:
    text = str(citation.get("text") or "")
    page, sheet, row = citation.get("page"), citation.get("sheet"), citation.get("row")
    same_place = [
        c
        for c in chunks
        if (page is None or c.page == page)
        and (sheet is None or c.sheet == sheet)
        and (row is None or c.row == row or row in c.extra.get("rows", ()))
    ]
    for candidates in (same_place, chunks):
        for c in candidates:
            if c.text == text:
                return c
        for c in candidates:
            if text and (text in c.text or c.text in text):
                return c
    # An indicator answer cites a cell („Spalte: Wert“): its row is the passage.
    if same_place and (row is not None or page is not None):
        return same_place[0]
    return None


def table_row(text: str, index: int = 0) -> tuple[str, list[tuple[str, str]]]:
    """Title and (column, value) pairs of the `index`-th row of a table-row chunk
    (`RowChunk`); values that contain „; “ stay whole."""
    table = RowChunk.of(text)
    if not table.header or index >= len(table.rows):
        return "", []
    return table.title, table.cells(index)


def split_highlights(text: str, phrases: Sequence[str]) -> list[tuple[str, bool]]:
    """`text` cut into pieces, True for pieces that are one of `phrases` (whitespace-tolerant)."""
    spans: list[tuple[int, int]] = []
    for phrase in phrases:
        words = phrase.strip().lstrip("-• ").split()
        if not words:
            continue
        pattern = r"\s+".join(re.escape(w) for w in words)
        match = re.search(pattern, text)
        if match:
            spans.append(match.span())
    spans.sort()
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in spans:
        if start < position:
            continue
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


def render_pdf_page(
    path: Path, page: int, phrases: Sequence[str] = (), scale: float = 1.4
) -> Image:
    """A PDF page (1-based) as an image, the `phrases` found on it boxed in dark yellow."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    pdf = pdfium.PdfDocument(str(path))
    try:
        pdf_page = pdf[page - 1]
        image = pdf_page.render(scale=scale).to_pil().convert("RGB")
        height = pdf_page.get_size()[1]
        boxes = _phrase_boxes(pdf_page, phrases)
        if boxes:
            overlay = ImageDraw.Draw(image, "RGBA")
            for left, bottom, right, top in boxes:
                rect = (
                    left * scale - 2,
                    (height - top) * scale - 2,
                    right * scale + 2,
                    (height - bottom) * scale + 2,
                )
                overlay.rectangle(rect, fill=(255, 213, 0, 90), outline=(120, 80, 0, 255), width=2)
        return image
    finally:
        pdf.close()


def _phrase_boxes(pdf_page: Any, phrases: Sequence[str]) -> list[tuple[float, float, float, float]]:
    """Rectangles of the phrases, searched in windows of a few words (lines break anywhere)."""
    textpage = pdf_page.get_textpage()
    boxes: list[tuple[float, float, float, float]] = []
    try:
        for phrase in phrases:
            words = phrase.strip().lstrip("-• ").split()
            for start in range(0, len(words), _WORDS_PER_SEARCH):
                window = " ".join(words[start : start + _WORDS_PER_SEARCH])
                if len(window) < 4:
                    continue
                searcher = textpage.search(window, match_case=True)
                found = searcher.get_next()
                if found:
                    index, count = found
                    rects = textpage.count_rects(index, count)
                    boxes.extend(textpage.get_rect(i) for i in range(rects))
    finally:
        textpage.close()
    return boxes
