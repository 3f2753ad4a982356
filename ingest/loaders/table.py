"""CSV and XLSX tables: every data row becomes a TABLE_ROW block that names its columns."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from ingest.blocks import Block, LoadedDocument
from ingest.delimiters import DelimiterGuess, excel_separator_hint, guess_delimiter
from ingest.encoding import decode_bytes
from ingest.formulas import FormulaFill, fill_formulas
from ingest.table_rows import RawRow, table_blocks
from ingest.titles import title_from_name


def load_csv(path: Path, source: str) -> LoadedDocument:
    """Load a CSV/TSV file: delimiter sniffed, encoding detected, values kept as written."""
    # Characters are normalised per cell (table_rows), not here: that would eat the tabs.
    hinted, text = excel_separator_hint(decode_bytes(path.read_bytes()))
    guess = DelimiterGuess(hinted) if hinted else guess_delimiter(text)
    records = csv.reader(io.StringIO(text), delimiter=guess.delimiter)
    rows = [RawRow(number, cells) for number, cells in enumerate(records, start=1)]
    document = _document(source, "csv", table_blocks(rows, fill_group_labels=True))
    warning = guess.warning(Path(source).name)
    document.warnings += [warning] if warning else []
    return document


def load_xlsx(path: Path, source: str) -> LoadedDocument:
    """Load every worksheet of an .xlsx file with the values Excel last calculated."""
    workbook = openpyxl.load_workbook(path, data_only=True)  # not read-only: merges needed
    blocks: list[Block] = []
    try:
        formulas = fill_formulas(path, workbook)
        for sheet in workbook.worksheets:
            rows = sheet_rows(sheet, formulas)
            blocks.extend(table_blocks(rows, sheet=sheet.title, heading_path=(sheet.title,)))
    finally:
        workbook.close()
    document = _document(source, "xlsx", blocks)
    document.warnings += formulas.warnings(Path(source).name)
    return document


def sheet_rows(sheet: Worksheet, formulas: FormulaFill | None = None) -> list[RawRow]:
    """Rows of a worksheet as display text; merged cells filled with their top-left value,
    formula cells saved without a value filled from `formulas`."""
    filled, merged_rows = _merged_values(sheet)
    formulas = formulas or FormulaFill()
    rows = []
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
        if not row:
            continue
        number = row[0].row
        cells = [
            filled.get((number, column))
            or cell_display(
                cell.value
                if cell.value is not None
                else formulas.display((sheet.title, number, column)),
                _number_format(cell),
            )
            for column, cell in enumerate(row, start=1)
        ]
        rows.append(RawRow(number, cells, merged_across=number in merged_rows))
    return rows


def cell_display(value: object, number_format: str = "General") -> str:
    """A cell value as a German spreadsheet shows it: "23,4", "12,5 %", "31.12.2023"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, datetime):
        with_time = value.time() != time(0, 0)
        return value.strftime("%d.%m.%Y %H:%M" if with_time else "%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, int | float):
        return _german_number(float(value), number_format)
    return str(value)


def _german_number(value: float, number_format: str) -> str:
    if "%" in number_format:
        decimals = len(number_format.split(".")[1].split("%")[0]) if "." in number_format else 0
        return f"{value * 100:.{decimals}f}".replace(".", ",") + " %"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}".replace(".", ",")


def _number_format(cell: object) -> str:
    return str(getattr(cell, "number_format", "General") or "General")


def _merged_values(sheet: Worksheet) -> tuple[dict[tuple[int, int], str], set[int]]:
    filled: dict[tuple[int, int], str] = {}
    merged_rows: set[int] = set()
    for cell_range in sheet.merged_cells.ranges:
        top_left = sheet.cell(cell_range.min_row, cell_range.min_col)
        text = cell_display(top_left.value, _number_format(top_left))
        for row in range(cell_range.min_row, cell_range.max_row + 1):
            for column in range(cell_range.min_col, cell_range.max_col + 1):
                filled[(row, column)] = text
            if cell_range.max_col > cell_range.min_col:
                merged_rows.add(row)
    return filled, merged_rows


def _document(source: str, file_format: str, blocks: list[Block]) -> LoadedDocument:
    return LoadedDocument(
        source=source,
        format=file_format,
        blocks=blocks,
        title=title_from_name(source),
        row_count=len(blocks),
    )
