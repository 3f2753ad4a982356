"""A first pass over an OpenDocument spreadsheet's content.xml, before calamine reads it.

calamine expands repeated cells (`table:number-columns-repeated`, `…-rows-repeated`)
into a full grid while it opens the file: a 500-byte .ods that repeats one filled cell a
hundred million times makes it allocate until the process is killed — no exception to
catch. So the cells are counted here first, with a streaming XML parser that keeps no
values, and `TableSize` refuses the file before calamine sees it.

The same pass picks up what calamine does not report for .ods: which cells are
percentages (calamine returns 0.125 where LibreOffice shows „12,5 %“) and the merged
ranges (a group header spanning several columns).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from ingest.limits import TableSize

_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_SEP = " "
_TABLE = f"{_TABLE_NS}{_SEP}table"
_ROW = f"{_TABLE_NS}{_SEP}table-row"
_CELLS = {f"{_TABLE_NS}{_SEP}table-cell", f"{_TABLE_NS}{_SEP}covered-table-cell"}
_NAME = f"{_TABLE_NS}{_SEP}name"
_ROWS_REPEATED = f"{_TABLE_NS}{_SEP}number-rows-repeated"
_COLUMNS_REPEATED = f"{_TABLE_NS}{_SEP}number-columns-repeated"
_COLUMNS_SPANNED = f"{_TABLE_NS}{_SEP}number-columns-spanned"
_ROWS_SPANNED = f"{_TABLE_NS}{_SEP}number-rows-spanned"
_VALUE_TYPE = f"{_OFFICE_NS}{_SEP}value-type"
_PIECE = 1 << 20


@dataclass(slots=True)
class PercentSpan:
    """Cells rows × columns (1-based, inclusive) shown as percentages with `decimals`."""

    rows: tuple[int, int]
    columns: tuple[int, int]
    decimals: int

    @property
    def number_format(self) -> str:
        """The Excel number format that shows these cells the way LibreOffice does."""
        return "0." + "0" * self.decimals + "%" if self.decimals else "0%"


@dataclass(slots=True)
class OdsSheet:
    """What the first pass learnt about one sheet (positions 1-based, as the user sees)."""

    name: str
    percents: list[PercentSpan] = field(default_factory=list)
    # (first row, first column, last row, last column) of each merged range
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def scan_ods(path: Path, size: TableSize) -> list[OdsSheet]:
    """Count every sheet's used cells into `size` (which raises past its limit) and collect
    percentages and merges. Raises `zipfile.BadZipFile`, `KeyError` or `expat.ExpatError`
    for a package that is not an OpenDocument spreadsheet."""
    scanner = _Scanner(size)
    parser = expat.ParserCreate(namespace_separator=_SEP)
    parser.StartElementHandler = scanner.start
    parser.EndElementHandler = scanner.end
    parser.CharacterDataHandler = scanner.text
    with zipfile.ZipFile(path) as package, package.open("content.xml") as content:
        for piece in iter(lambda: content.read(_PIECE), b""):
            parser.Parse(piece, False)
        parser.Parse(b"", True)
    return scanner.sheets


class _Scanner:
    """expat callbacks: tracks the current row and column through the repeats."""

    def __init__(self, size: TableSize) -> None:
        self.size = size
        self.sheets: list[OdsSheet] = []
        self.depth = 0  # of table:table elements; a table inside a cell is not a sheet
        self.row = 0  # rows of the sheet before the current one
        self.row_repeat = 1
        self.column = 0  # columns of the row before the current cell
        self.row_width = 0  # up to the last filled cell of the current row
        self.cell: dict[str, str] | None = None
        self.cell_text: list[str] = []

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == _TABLE:
            self.depth += 1
            if self.depth == 1:
                self.sheets.append(OdsSheet(attributes.get(_NAME, f"Blatt {len(self.sheets) + 1}")))
                self.size.new_sheet()
                self.row = 0
        elif self.depth != 1:
            return
        elif tag == _ROW:
            self.row_repeat = _count(attributes.get(_ROWS_REPEATED))
            self.column = self.row_width = 0
        elif tag in _CELLS:
            self.cell, self.cell_text = attributes, []

    def text(self, data: str) -> None:
        if self.cell is not None:
            self.cell_text.append(data)

    def end(self, tag: str) -> None:
        if tag == _TABLE:
            self.depth -= 1
        elif self.depth != 1:
            return
        elif tag in _CELLS and self.cell is not None:
            self._end_cell(self.cell, "".join(self.cell_text).strip())
            self.cell = None
        elif tag == _ROW:
            first, last = self.row + 1, self.row + self.row_repeat
            if self.row_width:
                # Counted before calamine expands the repeats: the bomb is refused here.
                self.size.row(last, self.row_width)
                self._record_repeats(first, last)
            self.row = last

    def _end_cell(self, attributes: dict[str, str], shown: str) -> None:
        repeat = _count(attributes.get(_COLUMNS_REPEATED))
        first, last = self.column + 1, self.column + repeat
        self.column = last
        value_type = attributes.get(_VALUE_TYPE)
        if value_type is None and not shown:
            return
        self.row_width = last
        sheet = self.sheets[-1]
        row = self.row + 1
        if value_type == "percentage":
            span = PercentSpan((row, row), (first, last), _decimals(shown))
            sheet.percents.append(span)
        across = _count(attributes.get(_COLUMNS_SPANNED))
        down = _count(attributes.get(_ROWS_SPANNED))
        if across > 1 or down > 1:
            sheet.merges.append((row, first, row + down - 1, first + across - 1))

    def _record_repeats(self, first: int, last: int) -> None:
        """A repeated row repeats its percentages too (its merges cannot repeat: they
        would overlap)."""
        if last > first:
            for span in self.sheets[-1].percents:
                if span.rows == (first, first):
                    span.rows = (first, last)


def _count(value: str | None) -> int:
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


def _decimals(shown: str) -> int:
    """The decimals LibreOffice shows: „12,5 %“ -> 1, „12 %“ -> 0, „12.50%“ -> 2."""
    digits = shown.replace("%", "").strip()
    for mark in (",", "."):
        if mark in digits:
            return len(digits.rsplit(mark, 1)[1].strip())
    return 0
