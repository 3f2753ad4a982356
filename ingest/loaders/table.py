"""Tables (CSV, XLSX, ODS, XLS, JSON/GeoJSON): every data row becomes a TABLE_ROW block
that names its columns."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from ingest.blocks import Block, LoadedDocument
from ingest.json_tables import read_json
from ingest.limits import FileLimits
from ingest.sheets import Sheet, Workbook, read_calamine, read_csv, read_xlsx
from ingest.table_rows import RawRow, table_blocks
from ingest.titles import title_from_name

_DEFAULT_LIMITS = FileLimits()


def load_csv(path: Path, source: str, limits: FileLimits = _DEFAULT_LIMITS) -> LoadedDocument:
    """Load a CSV/TSV file: delimiter sniffed, encoding detected, values kept as written."""
    # Characters are normalised per cell (table_rows), not here: that would eat the tabs.
    name = Path(source).name
    table = read_csv(path, name, limits)
    rows = [RawRow(number, cells) for number, cells in table.rows]
    document = _document(source, "csv", table_blocks(rows, fill_group_labels=True))
    warning = table.delimiter.warning(name)
    document.warnings += [warning] if warning else []
    return document


def load_xlsx(path: Path, source: str, limits: FileLimits = _DEFAULT_LIMITS) -> LoadedDocument:
    """Load every worksheet of an .xlsx file with the values Excel last calculated."""
    name = Path(source).name
    workbook = read_xlsx(path, name, limits)
    document = _document(source, "xlsx", _workbook_blocks(workbook))
    document.warnings += workbook.formulas.warnings(name)
    return document


def load_ods(path: Path, source: str, limits: FileLimits = _DEFAULT_LIMITS) -> LoadedDocument:
    """Load every sheet of an OpenDocument spreadsheet (LibreOffice, many administrations)."""
    workbook = read_calamine(path, Path(source).name, limits, ods=True)
    return _document(source, "ods", _workbook_blocks(workbook))


def load_xls(path: Path, source: str, limits: FileLimits = _DEFAULT_LIMITS) -> LoadedDocument:
    """Load every worksheet of a legacy Excel 97-2003 workbook."""
    workbook = read_calamine(path, Path(source).name, limits, ods=False)
    return _document(source, "xls", _workbook_blocks(workbook))


def load_json(path: Path, source: str, limits: FileLimits = _DEFAULT_LIMITS) -> LoadedDocument:
    """Load a GeoJSON FeatureCollection (its properties) or a JSON array of records."""
    sheet = read_json(path, Path(source).name, limits)
    return _document(source, "json", table_blocks(sheet_rows(sheet)))


def _workbook_blocks(workbook: Workbook) -> list[Block]:
    blocks: list[Block] = []
    for sheet in workbook.sheets:
        blocks.extend(
            table_blocks(sheet_rows(sheet), sheet=sheet.title, heading_path=(sheet.title,))
        )
    return blocks


def sheet_rows(sheet: Sheet) -> list[RawRow]:
    """Rows of a worksheet as display text (merges and formula values already filled in)."""
    return [
        RawRow(
            row.number,
            [cell_display(v, f) for v, f in zip(row.values, row.formats, strict=True)],
            merged_across=row.merged_across,
        )
        for row in sheet.rows
    ]


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


def _document(source: str, file_format: str, blocks: list[Block]) -> LoadedDocument:
    return LoadedDocument(
        source=source,
        format=file_format,
        blocks=blocks,
        title=title_from_name(source),
        row_count=len(blocks),
    )
