"""One reader for spreadsheet files, shared by the document loader and the indicator reader.

Both used to open an XLSX with openpyxl's full model (a Python object per cell, several
hundred bytes each, built before anything could be counted) and to decode a CSV on their
own. Here an XLSX is streamed row by row from its sheet XML, a CSV line by line, and the
cells are counted while reading: a sheet whose used range passes `FileLimits.max_table_cells`
is refused at the row that crosses the limit, before its rest is read. What comes back is
the raw content — stored values, number formats, merges, formula values filled in — which
each caller turns into its own display form.

OpenDocument (.ods) and legacy Excel (.xls) workbooks are read with calamine into the same
`Workbook`, so both callers treat them like an XLSX; JSON tables come from
`ingest.json_tables` as one `Sheet`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import openpyxl
import python_calamine
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.cell_range import CellRange

from ingest.delimiters import DelimiterGuess, excel_separator_hint, guess_delimiter
from ingest.encoding import decode_bytes
from ingest.errors import IngestError
from ingest.formulas import FormulaFill, fill_formulas
from ingest.limits import FileLimits, TableSize
from ingest.ods import OdsSheet, scan_ods

_GENERAL = "General"
_LINE = re.compile(r"[^\n]*\n|[^\n]+")


@dataclass(slots=True)
class SheetRow:
    """One row as stored: values (formula results filled in, merged cells carrying the
    value of their range's top-left cell) and each cell's number format."""

    number: int
    values: list[object]
    formats: list[str]
    merged_across: bool = False  # a merged cell spans several columns of this row


@dataclass(slots=True)
class Sheet:
    """The rows 1 … last of one worksheet, each as wide as the sheet's used range."""

    title: str
    rows: list[SheetRow]
    merged_rows: set[int] = field(default_factory=set)


@dataclass(slots=True)
class Workbook:
    """The worksheets of an XLSX file and what was done about formulas without values."""

    sheets: list[Sheet]
    formulas: FormulaFill


@dataclass(slots=True)
class CsvTable:
    """The records of a CSV file with their line numbers, and how its delimiter was chosen."""

    rows: list[tuple[int, list[str]]]
    delimiter: DelimiterGuess


def read_xlsx(path: Path, name: str, limits: FileLimits) -> Workbook:
    """Every worksheet of an .xlsx file with the values Excel last calculated.

    Raises `IngestError` naming `name` when the sheets together pass the cell limit.
    """
    size = TableSize(name, limits.max_table_cells)
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        parsed = [_parse_sheet(sheet, size) for sheet in workbook.worksheets]
    finally:
        workbook.close()
    stored = {sheet.title: sheet for sheet in parsed}
    formulas = fill_formulas(path, lambda key: stored[key[0]].value(key[1], key[2]))
    return Workbook([sheet.filled(formulas) for sheet in parsed], formulas)


def read_calamine(path: Path, name: str, limits: FileLimits, *, ods: bool) -> Workbook:
    """Every sheet of an .ods (`ods`) or .xls workbook with the values last calculated.

    calamine knows no number formats: cells show as „General“ (a German „7,4“), except
    an .ods cell stored as a percentage, which shows like LibreOffice does („12,5 %“).
    Raises `IngestError` naming `name` past the cell limit or for a password.
    """
    size = TableSize(name, limits.max_table_cells)
    # An .ods is counted before calamine expands its repeated cells (see `ingest.ods`).
    scanned = scan_ods(path, size) if ods else []
    size = TableSize(name, limits.max_table_cells)
    try:
        with path.open("rb") as handle, python_calamine.load_workbook(handle) as workbook:
            sheets = [
                _calamine_sheet(workbook.get_sheet_by_index(index), size, scanned, index)
                for index in range(len(workbook.sheet_names))
            ]
    except python_calamine.PasswordError as error:
        raise IngestError(
            f"Die Datei „{name}“ ist mit einem Kennwort geschützt. Bitte ohne Kennwort "
            "speichern und erneut hochladen."
        ) from error
    return Workbook([sheet.filled(FormulaFill()) for sheet in sheets], FormulaFill())


def _calamine_sheet(
    sheet: python_calamine.CalamineSheet, size: TableSize, scanned: list[OdsSheet], index: int
) -> _ParsedSheet:
    """One calamine sheet as parsed stored rows; refused by `size` from its used range
    before its cells become Python objects."""
    size.new_sheet()
    # calamine has built the sheet's range in Rust by now. For an .xls that is bounded by
    # the format (65,536 × 256 cells, some 1.1 GB at worst, measured with a 6 KB file
    # holding A1 and IV65536); no .xls pre-count exists yet, unlike `ingest.ods`.
    end = sheet.end
    if end is None:
        return _ParsedSheet(sheet.name, {}, [], 0, 0)
    last_row, width = end[0] + 1, end[1] + 1
    size.row(last_row, width)
    extra = scanned[index] if index < len(scanned) else OdsSheet(sheet.name)
    rows: dict[int, tuple[list[object], list[str]]] = {}
    # iter_rows starts at the sheet's first used column; rows are counted back from the end.
    produced = list(sheet.iter_rows())
    first_row = last_row - len(produced) + 1
    for number, cells in enumerate(produced, start=first_row):
        values = [None] * (width - len(cells)) + [_calamine_value(v) for v in cells]
        if any(v is not None for v in values):
            rows[number] = (values, [_GENERAL] * width)
    for span in extra.percents:
        for number in range(span.rows[0], span.rows[1] + 1):
            for column in range(span.columns[0], min(span.columns[1], width) + 1):
                if number in rows:
                    rows[number][1][column - 1] = span.number_format
    ranges = sheet.merged_cell_ranges or []
    merged = [
        CellRange(min_col=c0 + 1, min_row=r0 + 1, max_col=c1 + 1, max_row=r1 + 1)
        for (r0, c0), (r1, c1) in ranges
    ] + [
        CellRange(min_col=c0, min_row=r0, max_col=min(c1, width), max_row=min(r1, last_row))
        for r0, c0, r1, c1 in extra.merges
        if r0 <= last_row and c0 <= width
    ]
    return _ParsedSheet(sheet.name, rows, merged, last_row, width)


def _calamine_value(value: object) -> object:
    """calamine's empty cell is "", a duration a timedelta: None and „h:mm“ text here."""
    if value == "":
        return None
    if isinstance(value, timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    return value


def read_csv(path: Path, name: str, limits: FileLimits, delimiter: str | None = None) -> CsvTable:
    """The records of a CSV/TSV file: encoding detected, delimiter from Excel's „sep=“ line,
    else `delimiter`, else guessed. Raises `IngestError` naming `name` past the cell limit."""
    hinted, text = excel_separator_hint(decode_bytes(path.read_bytes()))
    chosen = hinted or delimiter
    guess = DelimiterGuess(chosen) if chosen else guess_delimiter(text)
    size = TableSize(name, limits.max_table_cells)
    rows = []
    # Lines are cut lazily from the text: a StringIO or splitlines() would copy all of it.
    lines = (match.group() for match in _LINE.finditer(text))
    for number, cells in enumerate(csv.reader(lines, delimiter=guess.delimiter), start=1):
        size.row(number, len(cells))
        rows.append((number, cells))
    return CsvTable(rows, guess)


@dataclass(slots=True)
class _ParsedSheet:
    """A worksheet as parsed: the stored rows by number (values and number formats, each
    list as long as the row's last cell) and the merged ranges."""

    title: str
    rows: dict[int, tuple[list[object], list[str]]]
    merged: list[CellRange]
    last_row: int
    width: int

    def value(self, row: int, column: int) -> object:
        """The stored value of a cell; None when empty."""
        values = self.rows.get(row, ((),))[0]
        return values[column - 1] if column <= len(values) else None

    def filled(self, formulas: FormulaFill) -> Sheet:
        """Rows 1 … last_row padded to the sheet's width, as openpyxl's full model gives
        them: formula values filled in, merged ranges carrying their top-left cell."""
        self._pad()
        self._fill_formulas(formulas)
        merged_rows = self._fill_merges()
        rows = [
            SheetRow(number, *self.rows.pop(number), merged_across=number in merged_rows)
            for number in range(1, self.last_row + 1)
        ]
        return Sheet(self.title, rows, merged_rows)

    def _pad(self) -> None:
        for number in range(1, self.last_row + 1):
            values, formats = self.rows.setdefault(number, ([], []))
            values += [None] * (self.width - len(values))
            formats += [_GENERAL] * (self.width - len(formats))

    def _fill_formulas(self, formulas: FormulaFill) -> None:
        for sheet, row, column in [*formulas.computed, *formulas.unresolved]:
            if sheet == self.title:
                self.rows[row][0][column - 1] = formulas.display((sheet, row, column))

    def _fill_merges(self) -> set[int]:
        """Every cell of a merged range gets its top-left cell; returns the rows where a
        range spans several columns (a group header)."""
        merged_rows: set[int] = set()
        for cell_range in self.merged:
            top_values, top_formats = self.rows[cell_range.min_row]
            value = top_values[cell_range.min_col - 1]
            format_ = top_formats[cell_range.min_col - 1]
            for row, column in cell_range.cells:
                self.rows[row][0][column - 1], self.rows[row][1][column - 1] = value, format_
            if cell_range.max_col > cell_range.min_col:
                merged_rows.update(range(cell_range.min_row, cell_range.max_row + 1))
        return merged_rows


def _parse_sheet(sheet: ReadOnlyWorksheet, size: TableSize) -> _ParsedSheet:
    """One pass over the sheet's XML. Its declared dimension is not trusted (some exporters
    write „A1“ for any size, which would cut rows off); the cells themselves are counted."""
    rows: dict[int, tuple[list[object], list[str]]] = {}
    last_row = width = 0
    formats_by_style: dict[int, str] = {}
    parser = _parser(sheet)
    size.new_sheet()
    try:
        for number, row in parser.parse():
            if not row:
                continue
            row_width = max(raw["column"] for raw in row)
            width = max(width, row_width)
            size.row(number, row_width)
            last_row = number
            values: list[object] = [None] * row_width
            formats = [_GENERAL] * row_width
            for raw in row:
                values[raw["column"] - 1] = raw["value"]
                style = raw.get("style_id", 0)
                if style not in formats_by_style:
                    format_ = ReadOnlyCell(sheet, **raw).number_format
                    formats_by_style[style] = format_ or _GENERAL
                formats[raw["column"] - 1] = formats_by_style[style]
            rows[number] = (values, formats)
    finally:
        parser.source.close()  # type: ignore[union-attr]  # the XML member _parser opened
    found = parser.merged_cells  # known only now: <mergeCells> follows the rows in the XML
    merged = [CellRange(m.ref) for m in found.mergeCell] if found else []
    for cell_range in merged:  # openpyxl's model counts merged cells as used, so do we
        last_row = max(last_row, cell_range.max_row)
        width = max(width, cell_range.max_col)
        size.row(last_row, width)
    return _ParsedSheet(sheet.title, rows, merged, last_row, width)


def _parser(sheet: ReadOnlyWorksheet) -> WorkSheetParser:
    """openpyxl's own sheet parser as its read-only worksheet sets it up; used directly
    because the read-only worksheet drops the merged ranges it finds after the rows."""
    workbook = sheet.parent
    # The private attributes below are not in types-openpyxl.
    return WorkSheetParser(
        sheet._get_source(),  # type: ignore[attr-defined]
        sheet._shared_strings,  # type: ignore[attr-defined]
        data_only=True,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,  # type: ignore[attr-defined]
        timedelta_formats=workbook._timedelta_formats,  # type: ignore[attr-defined]
    )
