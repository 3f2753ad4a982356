"""Format detection and dispatch: one entry point that turns any supported file into blocks."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from ingest import errors
from ingest.blocks import LoadedDocument
from ingest.limits import FileLimits, check_file
from ingest.loaders import docx, html, image, markdown, pdf, table, text

Loader = Callable[[Path, str], LoadedDocument]
TableLoader = Callable[[Path, str, FileLimits], LoadedDocument]

_LOADERS: dict[str, Loader] = {
    "pdf": pdf.load,
    "docx": docx.load,
    "md": markdown.load,
    "txt": text.load,
    "html": html.load,
    "image": image.load,
}
# Tables count their cells while they are read, so they need the limits.
_TABLE_LOADERS: dict[str, TableLoader] = {
    "csv": table.load_csv,
    "xlsx": table.load_xlsx,
    "ods": table.load_ods,
    "xls": table.load_xls,
    "json": table.load_json,
}
_SUFFIX_FORMATS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".md": "md",
    ".markdown": "md",
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".ods": "ods",
    ".xls": "xls",
    ".json": "json",
    ".geojson": "json",
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
    ".tif": "image",
    ".tiff": "image",
}
_LEGACY_OFFICE = {".doc": "DOCX", ".ppt": "PDF", ".docx": "DOCX", ".xlsx": "XLSX"}
_FORMAT_LABELS = {"pdf": "PDF", "docx": "Word", "xlsx": "Excel", "md": "Markdown", "txt": "Text"}
_FORMAT_LABELS |= {"html": "HTML", "csv": "CSV", "image": "Bild", "xls": "Excel"}
_FORMAT_LABELS |= {"ods": "ODS", "json": "JSON"}
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ZIP_OFFICE = (".docx", ".xlsx", ".xlsm", ".ods")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Office files and encrypted OOXML
_ZIP_MAGIC = b"PK\x03\x04"
_PDF_MAGIC = b"%PDF-"
_HEAD_BYTES = 1024  # the PDF header may follow some junk bytes

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_SUFFIX_FORMATS)
SUPPORTED_LABEL = (
    "PDF, DOCX, Markdown, TXT, HTML, Tabellen (CSV, XLSX, XLS, ODS, JSON, GeoJSON), "
    "Bilder (JPEG, PNG, TIFF)"
)


def load_file(
    path: Path, source_name: str | None = None, limits: FileLimits | None = None
) -> LoadedDocument:
    """Load `path` into a LoadedDocument; any problem raises IngestError with German text.

    `source_name` is the name the user knows (an upload's original name); it is kept as the
    document's source and used for the format when `path` itself has no known suffix. A file
    over `limits` (default: `FileLimits()`) is refused before or while it is read.
    """
    path = Path(path)
    source = source_name or str(path)
    name = Path(source).name
    limits = limits or FileLimits()
    head = _read_head(path, name)
    file_format = detect_format(path, head, source_name)
    check_file(path, name, limits)
    try:
        if file_format in _TABLE_LOADERS:
            document = _TABLE_LOADERS[file_format](path, source, limits)
        else:
            document = _LOADERS[file_format](path, source)
    except errors.IngestError:
        raise
    except Exception as error:  # loaders meet whatever a damaged file throws at them
        raise errors.damaged_file(name, _FORMAT_LABELS[file_format]) from error
    if not any(block.text.strip() for block in document.blocks):
        raise errors.no_text(name)
    return document


def detect_format(path: Path, head: bytes, source_name: str | None = None) -> str:
    """The format key of a file from its first bytes and its suffix; IngestError if unknown."""
    suffix = _suffix(path, source_name)
    name = Path(source_name or path.name).name
    if head.startswith(_OLE_MAGIC):
        if suffix == ".xls":  # Excel 97-2003; calamine reads it (a .doc stays refused)
            return "xls"
        raise errors.legacy_office_format(name, _LEGACY_OFFICE.get(suffix, "DOCX bzw. XLSX"))
    position = head.find(_PDF_MAGIC)
    if position == 0 or (position > 0 and suffix == ".pdf"):
        return "pdf"
    if suffix == ".pdf":
        raise errors.damaged_file(name, "PDF")
    if head.startswith(_ZIP_MAGIC):
        return _zip_format(path, suffix, name)
    if suffix in (*_ZIP_OFFICE, ".xls"):
        raise errors.damaged_file(name, _FORMAT_LABELS[_SUFFIX_FORMATS[suffix]])
    if suffix in _SUFFIX_FORMATS:
        return _SUFFIX_FORMATS[suffix]
    if suffix == ".doc":
        raise errors.legacy_office_format(name, _LEGACY_OFFICE[suffix])
    raise errors.unsupported_format(name, suffix, SUPPORTED_LABEL)


def _read_head(path: Path, name: str) -> bytes:
    if not path.exists():
        raise errors.file_not_found(name)
    if not path.is_file():
        raise errors.not_a_file(name)
    try:
        if path.stat().st_size == 0:
            raise errors.empty_file(name)
        with path.open("rb") as handle:
            return handle.read(_HEAD_BYTES)
    except OSError as error:
        raise errors.unreadable_file(name, error.strerror or type(error).__name__) from error


def _suffix(path: Path, source_name: str | None) -> str:
    suffix = path.suffix.lower()
    if suffix not in _SUFFIX_FORMATS and source_name:
        suffix = Path(source_name).suffix.lower() or suffix
    return suffix


def _zip_format(path: Path, suffix: str, name: str) -> str:
    """DOCX, XLSX or ODS, decided by the package's content (a renamed file still loads)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = set(archive.namelist())
            mimetype = _member_head(archive, "mimetype") if "mimetype" in members else b""
    except (zipfile.BadZipFile, OSError) as error:
        label = _FORMAT_LABELS.get(_SUFFIX_FORMATS.get(suffix, ""), "Office")
        raise errors.damaged_file(name, label) from error
    if "word/document.xml" in members:
        return "docx"
    if "xl/workbook.xml" in members:
        return "xlsx"
    if mimetype.strip() == _ODS_MIMETYPE or (suffix == ".ods" and "content.xml" in members):
        return "ods"
    if suffix == ".ods":
        raise errors.damaged_file(name, _FORMAT_LABELS["ods"])
    raise errors.unsupported_format(name, suffix or ".zip", SUPPORTED_LABEL)


def _member_head(archive: zipfile.ZipFile, member: str) -> bytes:
    """The first bytes of a package member (a member may unpack to far more)."""
    with archive.open(member) as handle:
        return handle.read(100)
