"""CSV and XLSX tables: every data row becomes a TABLE_ROW block that names its columns."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from ingest.blocks import Block, LoadedDocument
from ingest.encoding import decode_bytes
from ingest.table_rows import RawRow, table_blocks
from ingest.titles import title_from_name

# Preference on ties: German exports use ";" because "," is the decimal separator.
_DELIMITERS = (";", "\t", ",")
_SNIFF_LINES = 50


def load_csv(path: Path, source: str) -> LoadedDocument:
    """Load a CSV/TSV file: delimiter sniffed, encoding detected, values kept as written."""
    # Characters are normalised per cell (table_rows), not here: that would eat the tabs.
    delimiter, text = _excel_separator_hint(decode_bytes(path.read_bytes()))
    delimiter = delimiter or sniff_delimiter(text)
    records = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [RawRow(number, cells) for number, cells in enumerate(records, start=1)]
    blocks = table_blocks(rows, fill_group_labels=True)
    return _document(source, "csv", blocks)


def load_xlsx(path: Path, source: str) -> LoadedDocument:
    """Load every worksheet of an .xlsx file with the values Excel last calculated."""
    workbook = openpyxl.load_workbook(path, data_only=True)  # not read-only: merges needed
    blocks: list[Block] = []
    try:
        for sheet in workbook.worksheets:
            blocks.extend(
                table_blocks(sheet_rows(sheet), sheet=sheet.title, heading_path=(sheet.title,))
            )
    finally:
        workbook.close()
    return _document(source, "xlsx", blocks)


def sniff_delimiter(text: str) -> str:
    """The delimiter (";", tab or ",") that splits the first lines most consistently."""
    sample = [line for line in text.split("\n")[:_SNIFF_LINES] if line.strip()]
    best, best_score = _DELIMITERS[0], (0.0, 0)
    for delimiter in _DELIMITERS:
        counts = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        if not counts:
            continue
        fields, frequency = Counter(counts).most_common(1)[0]
        score = (frequency / len(counts), fields) if fields > 1 else (0.0, 0)
        if score[0] > best_score[0]:
            best, best_score = delimiter, score
    return best


def sheet_rows(sheet: Worksheet) -> list[RawRow]:
    """Rows of a worksheet as display text; merged cells filled with their top-left value."""
    filled, merged_rows = _merged_values(sheet)
    rows = []
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
        if not row:
            continue
        number = row[0].row
        cells = [
            filled.get((number, column), cell_display(cell.value, _number_format(cell)))
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


def _excel_separator_hint(text: str) -> tuple[str | None, str]:
    """Excel's "sep=;" first line: (its delimiter, the text without it; Excel hides it too)."""
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        return first.strip()[4], rest
    return None, text


def _document(source: str, file_format: str, blocks: list[Block]) -> LoadedDocument:
    return LoadedDocument(
        source=source,
        format=file_format,
        blocks=blocks,
        title=title_from_name(source),
        row_count=len(blocks),
    )
