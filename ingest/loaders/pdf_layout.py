"""From PDF lines to blocks: headings by size, weight or numbering; paragraphs by spacing.

Heuristics, kept simple and robust: a line much larger than body text is a heading; a bold
body-size line or a numbered line ("3.2 Bildung") is one when it starts a paragraph; a
paragraph ends at a wider gap, a change of size or a short line that finishes a sentence.
Table-of-contents entries become list items; rows of numbers, and the rows of a table under
a „Tabelle …“ caption (set smaller than the caption), stay one per line.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from ingest.blocks import Block, BlockKind
from ingest.cleaning import (
    Vocabulary,
    collapse_spaces,
    ends_sentence,
    join_lines,
    repair_split_words,
)
from ingest.loaders.pdf_lines import PdfLine, body_size
from ingest.structure import (
    CELL_SEPARATOR,
    TABLE_CAPTION,
    HeadingTracker,
    list_item_text,
    numbered_heading_level,
)

_HEADING_RATIO = 1.15  # a line this much larger than body text is a heading
_MAX_HEADING_LEVELS = 4
_MAX_HEADING_CHARS = 150
_MAX_BOLD_HEADING_WORDS = 12
_PARAGRAPH_GAP = 1.35  # a baseline distance this many times the usual one starts a paragraph
_SHORT_LINE = 0.75  # a sentence ending on a line shorter than this share of a full line ends it
_SAME_SIZE = 0.6
_BULLET_ONLY = frozenset("•·▪■□○◦●‣∙►➢–-")
_NUMBER = re.compile(r"^[+\-−–]?\d[\d.,]*%?$")
# A table cell's figure: "23,8", "1.054", "+0,6", "45 %" — not "30." or "2028." of a sentence.
_CELL_NUMBER = re.compile(r"^[+\-−–]?\d(?:[\d.,]*\d)?%?$")
_YEAR = re.compile(r"^(19|20)\d\d$")
_CAPTION = re.compile(r"^(Tabelle|Tab\.|Abbildung|Abb\.|Grafik|Karte|Quelle|Anmerkung)\b")
_TOC_ENTRY = re.compile(r"^(?P<title>.*?\S)\s*(?:(?:\.\s*){3,}|…+\s*)\s*(?P<page>\d{1,4})$")
_LEADER_ONLY = re.compile(r"^(?:(?:\.\s*){3,}|…+\s*)\s*\d{0,4}$")


@dataclass(slots=True)
class Layout:
    """Typography of the whole document: what body text and headings look like."""

    body_size: float
    size_levels: dict[float, int]  # font size of large lines -> heading level
    line_gap: float | None  # usual baseline distance between body lines
    line_length: int  # characters in a full body line
    bold_marks_headings: bool  # False when much body text is bold anyway
    has_bold: bool  # any bold line at all

    @classmethod
    def measure(cls, pages: list[list[PdfLine]]) -> Layout:
        lines = [line for page in pages for line in page]
        body = body_size(lines)
        body_lines = [line for line in lines if abs(line.size - body) < _SAME_SIZE]
        bold_chars = sum(len(line.text) for line in body_lines if line.bold)
        all_chars = max(1, sum(len(line.text) for line in body_lines))
        return cls(
            body_size=body,
            size_levels=_size_levels(lines, body),
            line_gap=_usual_gap(pages, body),
            line_length=_full_line_length(body_lines),
            bold_marks_headings=bold_chars < 0.3 * all_chars,
            has_bold=any(line.bold for line in lines),
        )

    def is_large(self, line: PdfLine) -> bool:
        return self.body_size > 0 and line.size >= self.body_size * _HEADING_RATIO

    def is_small(self, line: PdfLine) -> bool:
        return self.body_size > 0 and 0 < line.size < self.body_size - _SAME_SIZE

    def expected_gap(self, line: PdfLine) -> float | None:
        """Usual baseline distance for a line of this size."""
        if not self.line_gap:
            return None
        if self.body_size and line.size:
            return self.line_gap * line.size / self.body_size
        return self.line_gap


def _size_levels(lines: list[PdfLine], body: float) -> dict[float, int]:
    """Heading level per large font size: by rank, or as numbered headings of that size say."""
    large = sorted(
        {
            line.size
            for line in lines
            if body and line.size >= body * _HEADING_RATIO and len(line.text) <= _MAX_HEADING_CHARS
        },
        reverse=True,
    )
    levels = {size: min(rank + 1, _MAX_HEADING_LEVELS) for rank, size in enumerate(large)}
    numbered: defaultdict[float, Counter[int]] = defaultdict(Counter)
    for line in lines:
        if line.size in levels:
            level = numbered_heading_level(line.text)
            if level is not None:
                numbered[line.size][level] += 1
    for size, counts in numbered.items():
        levels[size] = counts.most_common(1)[0][0]
    return levels


def _usual_gap(pages: list[list[PdfLine]], body: float) -> float | None:
    gaps = []
    for page in pages:
        for above, below in itertools.pairwise(page):
            same_size = abs(above.size - body) < _SAME_SIZE and abs(below.size - body) < _SAME_SIZE
            if same_size and above.y is not None and below.y is not None:
                gap = above.y - below.y
                if gap > 0:
                    gaps.append(gap)
    return statistics.median(gaps) if gaps else None


def _full_line_length(lines: list[PdfLine]) -> int:
    lengths = sorted(len(line.text) for line in lines)
    return lengths[int(len(lengths) * 0.8)] if lengths else 80


def is_tabular(text: str) -> bool:
    """True for a row of a table: at least three numbers making up much of the line."""
    tokens = text.split()
    numbers = sum(1 for token in tokens if _CELL_NUMBER.match(token))
    return numbers >= 3 and numbers >= 0.4 * len(tokens)


class PageReader:
    """Turns the lines of one page into heading, paragraph and list-item blocks."""

    def __init__(
        self, page: int, layout: Layout, tracker: HeadingTracker, vocabulary: Vocabulary
    ) -> None:
        self.page = page
        self.layout = layout
        self.tracker = tracker
        self.vocabulary = vocabulary
        self.blocks: list[Block] = []
        self.lines: list[str] = []
        self.kind = BlockKind.PARAGRAPH
        self.tabular = False
        self.previous: PdfLine | None = None
        self.previous_was_heading = False
        self.pending_bullet = False
        self.caption_size: float | None = None  # set while inside a captioned table
        self.rows_seen = False
        self.columns: list[float] = []  # left edges of the captioned table's header cells

    def read(self, lines: list[PdfLine]) -> list[Block]:
        """Blocks of the page in reading order."""
        for line in lines:
            self._line(line)
            self.previous = line
        self._flush()
        return self.blocks

    def _line(self, line: PdfLine) -> None:
        text = line.text.strip()
        if text in _BULLET_ONLY:  # a bullet extracted apart from its text
            self._flush()
            self.pending_bullet = True
            return
        if _LEADER_ONLY.match(text):
            return
        starts = self._starts_paragraph(line)
        level = None if self.pending_bullet else self._heading_level(line, starts)
        if level is not None:
            self._heading(line, level)
            return
        self.previous_was_heading = False
        toc = _TOC_ENTRY.match(text)
        if toc:
            self._flush()
            self._append_block(BlockKind.LIST_ITEM, f"{toc['title']} (S. {toc['page']})")
            return
        table_row = self._table_row(line, text)
        if table_row and len(line.pieces) > 1:
            text = self._cells_text(line)
        self._content(text, starts, table_row)

    def _table_row(self, line: PdfLine, text: str) -> bool:
        """True for a row of the table under a „Tabelle …“ caption: smaller type than the
        caption or set in cells (recognised scans measure type only roughly), up to a
        source note or the next line of caption or body size in one piece."""
        if TABLE_CAPTION.match(text):
            self.caption_size, self.rows_seen, self.columns = line.size, False, []
            return False
        if self.caption_size is None:
            return False
        celled = len(line.cells) > 1  # placed in separate pieces: cells, whatever the size
        if line.size == self.caption_size and not self.rows_seen and not celled:
            return False  # the caption wraps onto a second line
        if _CAPTION.match(text) or (line.size >= self.caption_size and not celled):
            self.caption_size = None
            return False
        self.rows_seen = True
        return True

    def _cells_text(self, line: PdfLine) -> str:
        """A table row as its cells joined by " | ", each under its header column.

        The first row under the caption is the header and fixes the columns; a row with
        fewer cells (an empty cell) puts each cell under the last column starting left of
        it, since figures are right-aligned and text left-aligned within their column.
        """
        pieces = line.pieces
        if not self.columns:
            self.columns = [x for x, _ in pieces]
        if len(pieces) == len(self.columns):
            return CELL_SEPARATOR.join(text for _, text in pieces)
        cells: list[list[str]] = [[] for _ in self.columns]
        slack = line.size / 2
        for x, text in pieces:
            column = max((i for i, left in enumerate(self.columns) if left <= x + slack), default=0)
            cells[column].append(text)
        return CELL_SEPARATOR.join(" ".join(cell) for cell in cells)

    def _content(self, text: str, starts: bool, table_row: bool = False) -> None:
        item = list_item_text(text)
        tabular = table_row or is_tabular(text)
        if self.pending_bullet or item is not None:
            self._start(BlockKind.LIST_ITEM, item or text, tabular=False)
            self.pending_bullet = False
        elif tabular != self.tabular or (starts and not tabular):
            self._start(BlockKind.PARAGRAPH, text, tabular=tabular)
        else:
            self.lines.append(text)

    def _start(self, kind: BlockKind, text: str, tabular: bool) -> None:
        self._flush()
        self.lines, self.kind, self.tabular = [text], kind, tabular

    def _heading_level(self, line: PdfLine, starts: bool) -> int | None:
        text = line.text.strip()
        if not _may_be_heading(text) or self.layout.is_small(line):
            return None  # small type: table cells, footnotes, captions
        numbered = numbered_heading_level(text)
        if numbered is not None:
            return numbered if self._numbered_heading_allowed(line, starts) else None
        return self._styled_level(line, text, starts)

    def _numbered_heading_allowed(self, line: PdfLine, starts: bool) -> bool:
        layout = self.layout
        styled = layout.is_large(line) or (line.bold and layout.bold_marks_headings)
        # Without styled headings in the document, numbering alone has to do; then a
        # finished sentence before the line is enough of a break.
        plain_document = not layout.size_levels and not layout.has_bold
        after_sentence = self.previous is not None and ends_sentence(self.previous.text)
        starts = starts or (plain_document and after_sentence)
        return starts and (styled or plain_document)

    def _styled_level(self, line: PdfLine, text: str, starts: bool) -> int | None:
        """Level of an unnumbered heading set in large or bold type, else None."""
        layout = self.layout
        if text[-1] in ".,;:" or list_item_text(text) is not None:
            return None
        if layout.is_large(line):
            return layout.size_levels.get(line.size, _MAX_HEADING_LEVELS)
        if _many_numbers(text):
            return None  # a bold table header row, not a heading
        short = len(text.split()) <= _MAX_BOLD_HEADING_WORDS
        if line.bold and layout.bold_marks_headings and starts and short:
            return min(len(layout.size_levels) + 1, _MAX_HEADING_LEVELS + 1)
        return None

    def _heading(self, line: PdfLine, level: int) -> None:
        self._flush()
        self.caption_size = None
        text = self._clean([line.text])
        wrapped = (
            self.previous_was_heading
            and self.previous is not None
            and abs(self.previous.size - line.size) < _SAME_SIZE
            and not self._wide_gap(line)
            and numbered_heading_level(text) is None
            and bool(self.blocks)
            and self.blocks[-1].kind is BlockKind.HEADING
        )
        if wrapped:
            self.blocks[-1].text = self.tracker.extend_last(text)
        else:
            self.blocks.append(self.tracker.heading_block(level, text, page=self.page))
        self.previous_was_heading = True

    def _starts_paragraph(self, line: PdfLine) -> bool:
        previous = self.previous
        if previous is None or self.previous_was_heading or line.stacked:
            return True  # a table row read cell by cell is a paragraph of its own
        if abs(previous.size - line.size) >= _SAME_SIZE or self._wide_gap(line):
            return True
        short = len(previous.text) < self.layout.line_length * _SHORT_LINE
        return short and ends_sentence(previous.text)

    def _wide_gap(self, line: PdfLine) -> bool:
        """True if the space above `line` is wider than line spacing, or it moved up."""
        previous = self.previous
        expected = self.layout.expected_gap(line)
        if previous is None or expected is None or previous.y is None or line.y is None:
            return False
        gap = previous.y - line.y
        return gap <= 0 or gap > expected * _PARAGRAPH_GAP

    def _flush(self) -> None:
        if self.lines:
            if self.tabular:
                text = "\n".join(collapse_spaces(line) for line in self.lines)
            else:
                text = self._clean(self.lines)
            self._append_block(self.kind, text)
        self.lines, self.kind, self.tabular = [], BlockKind.PARAGRAPH, False

    def _append_block(self, kind: BlockKind, text: str) -> None:
        if text:
            self.blocks.append(self.tracker.content_block(kind, text, page=self.page))

    def _clean(self, lines: list[str]) -> str:
        joined = join_lines(lines, self.vocabulary)
        return collapse_spaces(repair_split_words(joined, self.vocabulary))


def _may_be_heading(text: str) -> bool:
    return (
        len(text) <= _MAX_HEADING_CHARS
        and any(c.isalpha() for c in text)
        and not _CAPTION.match(text)
        and not _TOC_ENTRY.match(text)
    )


def _many_numbers(text: str) -> bool:
    """True for lines like a table header ("Nr. Stadtteil 2019 2023 Veränd.")."""
    numbers = [t for t in text.split() if _NUMBER.match(t)]
    not_years = [t for t in numbers if not _YEAR.match(t)]
    return len(not_years) >= 2 or len(numbers) >= 3
