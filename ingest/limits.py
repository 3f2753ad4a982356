"""Limits checked before and while a file is read, so one file cannot take the machine's memory.

A 344 KB XLSX whose sheet inflates to 130 MB, or a 200 MB CSV, used to be read whole and
ran for minutes at several GB. `check_file` looks only at what is cheap to know up front —
the file size, the unpacked size of an Office file's parts and each part's packing ratio,
the number and declared size of spreadsheet sheets, the page count of a PDF, the lines of
a text table. A declared size can be missing or wrong, so the table readers
(`ingest.sheets`) also count rows × columns with `TableSize` while they stream. Each
refusal is a German message naming the file and the limit.

The declared unpacked sizes can be trusted: Python's zipfile stops a member at its
declared size and then fails its checksum, so a part cannot inflate past what it claims.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ingest.errors import IngestError
from ingest.pdf_repairs import repairs

_MB = 1024 * 1024
_RATIO_FLOOR = _MB  # parts smaller than this unpacked are not checked for their ratio
_TEXT_TABLES = (".csv", ".tsv", ".txt")
# A sheet's declared used range in its XML: <dimension ref="A1:BZ3000"/>.
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:([A-Z]+)(\d+)"')
# A cell element, also with a namespace prefix: <c r="B7" s="3">, <x:c>, <c/>.
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CHUNK = _MB


@dataclass(frozen=True, slots=True)
class FileLimits:
    """What one file may be; see `Settings.limits` for why these defaults."""

    max_mb: float = 100.0
    # Real XLSX exports of a few MB unpack to some 10-50 MB; the test bomb to 130 MB.
    max_unpacked_mb: float = 100.0
    # Per part larger than 1 MB; sheet XML packs some 5-20-fold.
    max_packing_ratio: float = 100.0
    max_sheets: int = 500
    max_pages: int = 3000
    # Rows × columns of all sheets of a table file. Reading costs some 600 bytes per
    # cell (document rows and indicator values, eval/reports/robustness.md), so 1 million
    # cells stay within the 1.5 GiB an ingest may take; a district indicator table with
    # 400 areas × 25 years × 50 indicators has 500,000.
    max_table_cells: int = 1_000_000


class TableSize:
    """Rows × columns of a table file counted while it is read; refused at the row that
    takes the file (all its sheets together) past `limit` cells."""

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit
        self._before = 0  # cells of the sheets read before the current one
        self._rows = self._width = 0  # of the current sheet

    def new_sheet(self) -> None:
        """The next sheet starts; the cells counted so far stay counted."""
        self._before += self._rows * self._width
        self._rows = self._width = 0

    def row(self, number: int, width: int) -> None:
        """Row `number` of the current sheet has been read; it is `width` cells wide."""
        self._rows = max(self._rows, number)
        self._width = max(self._width, width)
        if self._before + self._rows * self._width > self.limit:
            raise refused(
                self.name,
                f"hat mehr als {_german(self.limit)} Zellen (Zeilen × Spalten, gezählt bis "
                f"Zeile {_german(number)})",
                f"höchstens {_german(self.limit)} Zellen",
                "max_table_cells",
            )


def check_file(path: Path, name: str, limits: FileLimits) -> None:
    """Raise `IngestError` (German, naming the file and the limit) if `path` exceeds one."""
    size = path.stat().st_size
    if size > limits.max_mb * _MB:
        limit = f"höchstens {_german(limits.max_mb)} MB"
        raise refused(name, f"ist {size / _MB:.0f} MB groß", limit, "max_mb")
    if zipfile.is_zipfile(path):
        _check_package(path, name, limits)
    elif path.suffix.lower() == ".pdf":
        _check_pages(path, name, limits)
    elif path.suffix.lower() in _TEXT_TABLES:
        _check_text_table(path, name, limits)


def _check_package(path: Path, name: str, limits: FileLimits) -> None:
    """DOCX and XLSX are zip packages: their parts must not unpack to far more."""
    with zipfile.ZipFile(path) as package:
        members = package.infolist()
        _check_unpacked(name, members, limits)
        sheets = [m for m in members if _is_sheet(m.filename)]
        if len(sheets) > limits.max_sheets:
            raise refused(
                name,
                f"hat {_german(len(sheets))} Tabellenblätter",
                f"höchstens {_german(limits.max_sheets)}",
                "max_sheets",
            )
        declared = stored = 0
        for member in sheets:
            with package.open(member) as sheet:
                head = sheet.read(_CHUNK)
                declared = max(declared, _declared_cells(head))
                stored += _stored_cells(head, sheet)
        cells = max(declared, stored)
        if cells > limits.max_table_cells:
            what = "Zellen" if cells == declared else "gefüllte Zellen"
            raise refused(
                name,
                f"hat {_german(cells)} {what}",
                f"höchstens {_german(limits.max_table_cells)} Zellen",
                "max_table_cells",
            )


def _stored_cells(head: bytes, rest: IO[bytes]) -> int:
    """The <c> elements of a sheet's XML, counted on the raw bytes (some 100 MB/s, against
    some 1 MB/s for parsing them); a cell split across two chunks may be missed."""
    count = len(_CELL_TAG.findall(head))
    for chunk in iter(lambda: rest.read(_CHUNK), b""):
        count += len(_CELL_TAG.findall(chunk))
    return count


def _check_unpacked(name: str, members: list[zipfile.ZipInfo], limits: FileLimits) -> None:
    """The parts together unpack to at most `max_unpacked_mb`; no large part is packed
    tighter than `max_packing_ratio` (small parts may be: a 2 KB part of repeated tags
    packs 100-fold and costs nothing)."""
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked_mb * _MB:
        raise refused(
            name,
            f"entpackt sich auf {unpacked / _MB:.0f} MB",
            f"höchstens {_german(limits.max_unpacked_mb)} MB",
            "max_unpacked_mb",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR and ratio > limits.max_packing_ratio:
            raise refused(
                name,
                f"ist {ratio:.0f}-fach gepackt",
                f"höchstens {_german(limits.max_packing_ratio)}-fach",
                "max_packing_ratio",
            )


def _is_sheet(member: str) -> bool:
    return member.startswith("xl/worksheets/") and member.endswith(".xml")


def _declared_cells(head: bytes) -> int:
    match = _DIMENSION.search(head)
    if match is None:
        return 0
    column = 0
    for letter in match.group(1).decode():
        column = column * 26 + ord(letter) - ord("A") + 1
    return column * int(match.group(2))


def _check_pages(path: Path, name: str, limits: FileLimits) -> None:
    from pypdf import PdfReader

    try:
        with repairs():  # what pypdf repaired the loader reports, once
            pages = len(PdfReader(path).pages)
    except Exception:  # a damaged PDF is refused by its loader with its own message
        return
    if pages > limits.max_pages:
        raise refused(
            name, f"hat {pages} Seiten", f"höchstens {limits.max_pages} Seiten", "max_pages"
        )


def _check_text_table(path: Path, name: str, limits: FileLimits) -> None:
    """Lines times the fields of the first line, counted without decoding the file."""
    with path.open("rb") as handle:
        first = handle.readline()
        lines = 1 + sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(_MB), b""))
    fields = 1 + max(first.count(b";"), first.count(b","), first.count(b"\t"))
    if lines * fields > limits.max_table_cells:
        raise refused(
            name,
            f"hat etwa {_german(lines * fields)} Zellen",
            f"höchstens {_german(limits.max_table_cells)} Zellen",
            "max_table_cells",
        )


def _german(number: float) -> str:
    """1234567 -> „1.234.567“, 0.5 -> „0,5“."""
    if float(number).is_integer():
        return f"{int(number):,}".replace(",", ".")
    return f"{number:g}".replace(".", ",")


def refused(name: str, what: str, limit: str, setting: str) -> IngestError:
    """The German refusal: the file, what it is, what is allowed, which setting allows it."""
    return IngestError(
        f"„{name}“ {what} und wird nicht eingelesen (erlaubt sind {limit}). Bitte die Datei "
        f"aufteilen oder die Grenze in den Einstellungen („limits.{setting}“) anheben."
    )
