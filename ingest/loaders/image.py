"""Scanned pages as image files (JPEG, PNG, TIFF): read by text recognition, page-exact.

A TIFF may hold several pages; each becomes a page of the document, so citations name it.
Without text recognition an image cannot be read, and the German message says how to
enable it.
"""

from __future__ import annotations

from pathlib import Path

from ingest import errors, ocr
from ingest.blocks import LoadedDocument
from ingest.loaders.pdf import blocks_of_pages
from ingest.loaders.pdf_lines import without_running_lines
from ingest.titles import fallback_title


def load(path: Path, source: str) -> LoadedDocument:
    name = Path(source).name
    reason = ocr.unavailable()
    if reason is not None:
        raise errors.IngestError(
            f"„{name}“ ist ein Bild und nur per Texterkennung lesbar. {reason}"
        )
    pages = without_running_lines(ocr.image_pages(path))
    blocks, _ = blocks_of_pages(pages)
    for block in blocks:
        block.ocr = True
    word = "Seite" if len(pages) == 1 else f"{len(pages)} Seiten"
    return LoadedDocument(
        source=source,
        format="image",
        blocks=blocks,
        title=fallback_title(blocks, source),
        page_count=len(pages),
        warnings=[f"„{name}“: {word} per Texterkennung (OCR) gelesen."],
    )
