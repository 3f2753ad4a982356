"""Real test files built on the fly: PDFs (reportlab), DOCX, XLSX and CSV in German."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import reportlab
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

# Bitstream Vera ships with reportlab and covers the German umlauts and ß.
_FONT_DIR = Path(reportlab.__file__).parent / "fonts"
pdfmetrics.registerFont(TTFont("Vera", str(_FONT_DIR / "Vera.ttf")))
pdfmetrics.registerFont(TTFont("VeraBd", str(_FONT_DIR / "VeraBd.ttf")))

BODY_SIZE = 10.0
_LEFT = 60
_TOP = 780
_LEADING = 1.3


@dataclass(frozen=True, slots=True)
class Line:
    """One line to draw; `gap_before` adds vertical space (a paragraph break)."""

    text: str
    size: float = BODY_SIZE
    bold: bool = False
    gap_before: float = 0.0


def heading(text: str, size: float = 16.0) -> Line:
    return Line(text, size=size, bold=True, gap_before=12.0)


def paragraph(*lines: str) -> list[Line]:
    """Lines of one paragraph, separated from what precedes it by a blank gap."""
    return [Line(text, gap_before=8.0 if i == 0 else 0.0) for i, text in enumerate(lines)]


def make_pdf(
    path: Path,
    pages: list[list[Line]],
    *,
    title: str | None = None,
    header: str | None = None,
    footer: str | None = None,
) -> Path:
    """A PDF whose pages hold the given lines; `header`/`footer` may contain {page}/{pages}."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    if title:
        pdf.setTitle(title)
    total = len(pages)
    for number, lines in enumerate(pages, start=1):
        if header:
            pdf.setFont("Vera", 8)
            pdf.drawString(_LEFT, 810, header.format(page=number, pages=total))
        y = _TOP
        for line in lines:
            y -= line.gap_before + line.size * _LEADING
            pdf.setFont("VeraBd" if line.bold else "Vera", line.size)
            pdf.drawString(_LEFT, y, line.text)
        if footer:
            pdf.setFont("Vera", 8)
            pdf.drawString(_LEFT, 30, footer.format(page=number, pages=total))
        pdf.showPage()
    pdf.save()
    return path


def make_image_only_pdf(path: Path, pages: int = 2) -> Path:
    """A PDF like a scan: drawings on every page, not one character of text."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        pdf.setFillGray(0.3)
        pdf.rect(60, 300, 400, 400, fill=1)
        pdf.circle(300, 150, 50, fill=1)
        pdf.showPage()
    pdf.save()
    return path


def encrypt_pdf(source: Path, target: Path, user_password: str, owner_password: str) -> Path:
    """A copy of `source` encrypted with RC4 (pypdf needs no crypto library for that)."""
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def write_csv(
    path: Path, rows: list[list[str]], *, encoding: str = "cp1252", delimiter: str = ";"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return path


def write_xlsx_bomb(path: Path, megabytes: float, columns: int = 1) -> Path:
    """A valid XLSX whose one sheet inflates to `megabytes` MB of rows, each with `columns`
    cells and without a declared size: „Hafenviertel“ in the first cell, numbers after it.

    Written as sheet XML straight into the zip (openpyxl would need minutes and gigabytes).
    """
    import zipfile

    import openpyxl

    template = path.with_suffix(".template.xlsx")
    openpyxl.Workbook().save(template)
    numbers = "".join(f'<c r="{_letter(i)}{{n}}"><v>{i}</v></c>' for i in range(2, columns + 1))
    row = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Hafenviertel</t></is></c>' + numbers
    row += "</row>"
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(item, source.read(item.filename))
                continue
            with bomb.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.'
                            b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')  # fmt: skip
                written, n = 0, 1
                while written < megabytes * 1024 * 1024:
                    chunk = "".join(row.format(n=n + i) for i in range(1000)).encode()
                    sheet.write(chunk)
                    written, n = written + len(chunk), n + 1000
                sheet.write(b"</sheetData></worksheet>")
    template.unlink()
    return path


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)
