"""Small real .ods and .xls files for the table tests.

The .ods is written as LibreOffice writes it — a zip with `mimetype` stored first and the
cells in content.xml, each with its value type, stored value and shown text — so the
reader meets repeats, spans and percentages as in a real export. The .xls comes from
xlwt (a dev dependency), which writes real Excel 97-2003 BIFF8 files.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import xlwt

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


@dataclass(frozen=True, slots=True)
class Percent:
    """A cell stored as a fraction and shown as a percentage („12,5 %“)."""

    value: float
    shown: str


@dataclass(frozen=True, slots=True)
class Span:
    """A merged cell spanning `columns` columns (its covered cells follow it)."""

    text: str
    columns: int


OdsCell = str | int | float | date | Percent | Span | None


def write_ods(path: Path, sheets: dict[str, list[list[OdsCell]]]) -> Path:
    """An OpenDocument spreadsheet with one table per sheet, rows as given."""
    tables = "".join(_table(name, rows) for name, rows in sheets.items())
    return write_ods_xml(path, tables)


def write_ods_xml(path: Path, tables: str) -> Path:
    """An .ods whose spreadsheet body is `tables` (raw table:table XML)."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} '
        f'office:version="1.2"><office:body><office:spreadsheet>{tables}'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), _MIMETYPE)  # stored, first
        package.writestr("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED)
        package.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def _table(name: str, rows: list[list[OdsCell]]) -> str:
    body = "".join(
        f"<table:table-row>{''.join(_cell(c) for c in row)}</table:table-row>" for row in rows
    )
    return f"<table:table table:name={quoteattr(name)}>{body}</table:table>"


def _cell(value: OdsCell) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, Span):
        covered = "<table:covered-table-cell/>" * (value.columns - 1)
        return (
            f'<table:table-cell table:number-columns-spanned="{value.columns}" '
            f'office:value-type="string"><text:p>{escape(value.text)}</text:p>'
            f"</table:table-cell>{covered}"
        )
    if isinstance(value, Percent):
        return _typed("percentage", f'office:value="{value.value}"', value.shown)
    if isinstance(value, date):
        shown = value.strftime("%d.%m.%Y")
        return _typed("date", f'office:date-value="{value.isoformat()}"', shown)
    if isinstance(value, int | float):
        return _typed("float", f'office:value="{value}"', str(value).replace(".", ","))
    return _typed("string", "", value)


def _typed(kind: str, stored: str, shown: str) -> str:
    return (
        f'<table:table-cell office:value-type="{kind}" {stored}>'
        f"<text:p>{escape(shown)}</text:p></table:table-cell>"
    )


def write_xls(
    path: Path,
    sheets: dict[str, list[list[object]]],
    *,
    start: tuple[int, int] = (0, 0),
    merges: tuple[tuple[str, int, int, int, int], ...] = (),
) -> Path:
    """An Excel 97-2003 workbook; rows begin at `start` (row, column, 0-based); `merges`
    are (sheet, first row, last row, first column, last column) over written cells."""
    workbook = xlwt.Workbook(encoding="utf-8")
    dates = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        merged = [m[1:] for m in merges if m[0] == name]
        for r, row in enumerate(rows, start=start[0]):
            for c, value in enumerate(row, start=start[1]):
                if value is None or any(m[0] <= r <= m[1] and m[2] <= c <= m[3] for m in merged):
                    continue
                if isinstance(value, date):
                    sheet.write(r, c, value, dates)
                else:
                    sheet.write(r, c, value)
        for first_row, last_row, first_col, last_col in merged:
            text = rows[first_row - start[0]][first_col - start[1]]
            sheet.write_merge(first_row, last_row, first_col, last_col, text)
    workbook.save(str(path))
    return path
