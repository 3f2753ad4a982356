"""Limits checked before a file is read, so one file cannot take the machine's memory.

A 344 KB XLSX whose sheet inflates to 130 MB, or a 200 MB CSV, used to be read whole and
ran for minutes at several GB. These checks look only at what is cheap to know up front —
the file size, the unpacked size of an Office file's parts and its packing ratio, the
declared size of spreadsheet sheets, the page count of a PDF, the lines of a text table —
and refuse with a German message naming the file and the limit.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import IngestError

_MB = 1024 * 1024
_TEXT_TABLES = (".csv", ".tsv", ".txt")
# A sheet's declared used range in its XML: <dimension ref="A1:BZ3000"/>.
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:([A-Z]+)(\d+)"')


@dataclass(frozen=True, slots=True)
class FileLimits:
    """What one file may be; see `Settings.limits` for the defaults and why."""

    max_mb: float = 100.0
    max_unpacked_mb: float = 300.0
    max_packing_ratio: float = 100.0
    max_pages: int = 3000
    max_table_cells: int = 5_000_000


def check_file(path: Path, name: str, limits: FileLimits) -> None:
    """Raise `IngestError` (German, naming the file and the limit) if `path` exceeds one."""
    size = path.stat().st_size
    if size > limits.max_mb * _MB:
        limit = f"höchstens {_german(limits.max_mb)} MB"
        raise _refused(name, f"ist {size / _MB:.0f} MB groß", limit)
    if zipfile.is_zipfile(path):
        _check_package(path, name, size, limits)
    elif path.suffix.lower() == ".pdf":
        _check_pages(path, name, limits)
    elif path.suffix.lower() in _TEXT_TABLES:
        _check_text_table(path, name, limits)


def _check_package(path: Path, name: str, size: int, limits: FileLimits) -> None:
    """DOCX and XLSX are zip packages: their parts must not unpack to far more."""
    with zipfile.ZipFile(path) as package:
        members = package.infolist()
        unpacked = sum(m.file_size for m in members)
        if unpacked > limits.max_unpacked_mb * _MB:
            raise _refused(
                name,
                f"entpackt sich auf {unpacked / _MB:.0f} MB",
                f"höchstens {_german(limits.max_unpacked_mb)} MB",
            )
        if size and unpacked / size > limits.max_packing_ratio:
            raise _refused(
                name,
                f"ist {unpacked / size:.0f}-fach gepackt",
                f"höchstens {_german(limits.max_packing_ratio)}-fach",
            )
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                with package.open(member) as sheet:
                    cells = _declared_cells(sheet.read(4096))
                if cells > limits.max_table_cells:
                    raise _refused(
                        name,
                        f"hat ein Tabellenblatt mit {_german(cells)} Zellen",
                        f"höchstens {_german(limits.max_table_cells)} Zellen",
                    )


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
        pages = len(PdfReader(path).pages)
    except Exception:  # a damaged PDF is refused by its loader with its own message
        return
    if pages > limits.max_pages:
        raise _refused(name, f"hat {pages} Seiten", f"höchstens {limits.max_pages} Seiten")


def _check_text_table(path: Path, name: str, limits: FileLimits) -> None:
    """Lines times the fields of the first line, counted without decoding the file."""
    with path.open("rb") as handle:
        first = handle.readline()
        lines = 1 + sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(_MB), b""))
    fields = 1 + max(first.count(b";"), first.count(b","), first.count(b"\t"))
    if lines * fields > limits.max_table_cells:
        raise _refused(
            name,
            f"hat etwa {_german(lines * fields)} Zellen",
            f"höchstens {_german(limits.max_table_cells)} Zellen",
        )


def _german(number: float) -> str:
    """1234567 -> „1.234.567“, 0.5 -> „0,5“."""
    if float(number).is_integer():
        return f"{int(number):,}".replace(",", ".")
    return f"{number:g}".replace(".", ",")


def _refused(name: str, what: str, limit: str) -> IngestError:
    return IngestError(
        f"„{name}“ {what} und wird nicht eingelesen (erlaubt sind {limit}). Bitte die Datei "
        "aufteilen oder die Grenze in den Einstellungen („limits“) anheben."
    )
