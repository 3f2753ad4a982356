"""PDF files via pypdf: pages of lines, cleaned and turned into blocks with page numbers.

Every block keeps its 1-based page number so that citations point to one page.
Encrypted PDFs are opened with the empty password when possible; locked, scanned and
damaged files raise IngestError with a German message that says what to do.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from ingest import errors, ocr
from ingest.blocks import Block, LoadedDocument
from ingest.cleaning import build_vocabulary
from ingest.loaders.pdf_layout import Layout, PageReader
from ingest.loaders.pdf_lines import PdfLine, page_lines, without_running_lines
from ingest.pdf_repairs import repairs
from ingest.structure import HeadingTracker
from ingest.titles import fallback_title

_USELESS_TITLES = ("untitled", "unbenannt", "microsoft word", "dokument", "document")
_FILE_ENDINGS = (".doc", ".docx", ".pdf", ".indd", ".odt", ".qxp")


def load(path: Path, source: str) -> LoadedDocument:
    """Load a PDF into heading, paragraph and list-item blocks with page numbers."""
    name = Path(source).name
    warnings: list[str] = []
    with repairs() as repaired:
        reader = _open(path, name)
        read = _read_pages(reader, name, warnings)
        recognised = _recognised(path, reader, name, read, warnings)
        pages = without_running_lines([recognised.get(n, lines) for n, lines in enumerate(read, 1)])
        if not any(line.text.strip() for page in pages for line in page):
            raise errors.scanned_pdf(name, ocr.unavailable())
        blocks, empty_pages = blocks_of_pages(pages)
        title = _title(reader, blocks, source)
    for block in blocks:
        block.ocr = block.page in recognised
    if empty_pages:
        warnings.append(_empty_pages_warning(empty_pages))
    if repaired:
        warnings.append(_repaired_warning(name))
    return LoadedDocument(
        source=source,
        format="pdf",
        blocks=blocks,
        title=title,
        page_count=len(pages),
        warnings=warnings,
    )


def _repaired_warning(name: str) -> str:
    return (
        f"„{name}“ hat Fehler im inneren Aufbau der PDF-Datei, die beim Lesen repariert "
        "wurden. Falls Text fehlt, die Datei bitte neu als PDF exportieren."
    )


def _open(path: Path, name: str) -> PdfReader:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not _decrypt_without_password(reader):
            raise errors.encrypted_pdf(name)
        _ = len(reader.pages)  # a damaged page tree only shows here
    except errors.IngestError:
        raise
    except Exception as error:  # pypdf raises many exception types for damaged files
        raise errors.damaged_file(name, "PDF") from error
    return reader


def _decrypt_without_password(reader: PdfReader) -> bool:
    """Many PDFs are encrypted only against editing and open with the empty password."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # e.g. AES without a crypto library: as good as locked
        return False


def _read_pages(reader: PdfReader, name: str, warnings: list[str]) -> list[list[PdfLine]]:
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            pages.append(page_lines(page))
        except Exception:  # one broken page should not cost the whole document
            warnings.append(f"Seite {number} von „{name}“ konnte nicht gelesen werden.")
            pages.append([])
    return pages


def _recognised(
    path: Path, reader: PdfReader, name: str, pages: list[list[PdfLine]], warnings: list[str]
) -> dict[int, list[PdfLine]]:
    """The recognised lines of the pages without a usable text layer (scans), when text
    recognition is available; the pages with good text keep theirs."""
    scanned = [
        n
        for n, lines in enumerate(pages, start=1)
        if ocr.needs_ocr(lines, _has_image(reader.pages[n - 1]))
    ]
    if not scanned or ocr.unavailable() is not None:
        return {}
    try:
        found = ocr.pdf_pages(path, scanned)
    except Exception as error:  # a failing engine must not cost the pages with text
        warnings.append(f"Die Texterkennung für „{name}“ ist fehlgeschlagen ({error}).")
        return {}
    found = {n: lines for n, lines in found.items() if lines}
    if found:
        word = "Seite" if len(found) == 1 else "Seiten"
        listed = ", ".join(str(n) for n in sorted(found)[:10]) + (" …" if len(found) > 10 else "")
        warnings.append(f"„{name}“: {word} {listed} per Texterkennung (OCR) gelesen.")
    return found


def _has_image(page: object) -> bool:
    """Whether a page draws an image (directly or in a form): a scan is one."""
    try:
        return _images_in(page["/Resources"])  # type: ignore[index]
    except Exception:  # pages without or with broken resources
        return False


def _images_in(resources: object, depth: int = 0) -> bool:
    objects = resources.get("/XObject") if hasattr(resources, "get") else None
    if not objects or depth > 3:
        return False
    for reference in objects.values():
        item = reference.get_object()
        if item.get("/Subtype") == "/Image":
            return True
        if item.get("/Subtype") == "/Form" and _images_in(item.get("/Resources"), depth + 1):
            return True
    return False


def blocks_of_pages(pages: list[list[PdfLine]]) -> tuple[list[Block], list[int]]:
    """All blocks in reading order, and the numbers of pages that gave none."""
    layout = Layout.measure(pages)
    vocabulary = build_vocabulary(line.text for page in pages for line in page)
    tracker = HeadingTracker()
    blocks: list[Block] = []
    empty_pages = []
    for number, lines in enumerate(pages, start=1):
        page_blocks = PageReader(number, layout, tracker, vocabulary).read(lines)
        blocks.extend(page_blocks)
        if not page_blocks:
            empty_pages.append(number)
    return blocks, empty_pages


def _title(reader: PdfReader, blocks: list[Block], source: str) -> str:
    """The PDF's own title when it is a real one, else a title heading, else the name."""
    try:
        meta_title = (reader.metadata.title or "").strip() if reader.metadata else ""
    except Exception:  # broken info dictionaries are common and harmless
        meta_title = ""
    # „(Microsoft Word - Schlussfassung … .docx)“: the name of the file it was printed from.
    lowered = meta_title.strip("()[] ").lower()
    useful = (
        len(meta_title) > 3
        and not lowered.startswith(_USELESS_TITLES)
        and not lowered.endswith(_FILE_ENDINGS)
    )
    return meta_title if useful else fallback_title(blocks, source)


def _empty_pages_warning(pages: list[int]) -> str:
    listed = ", ".join(str(p) for p in pages[:10]) + (" …" if len(pages) > 10 else "")
    word = "Seite" if len(pages) == 1 else "Seiten"
    return (
        f"{word} {listed} ohne auslesbaren Text (vermutlich Bilder oder Scans); "
        "dieser Inhalt fehlt in der Suche. Für vollständige Ergebnisse bitte eine "
        "Texterkennung (OCR) durchführen."
    )
