"""Scanned copies of the demo PDFs: every page rendered to an image, no text layer left."""

from __future__ import annotations

from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "data" / "sample" / "generated"


def scanned_copy(source: Path, target: Path, dpi: int = 150, turn: int = 0) -> Path:
    """`source` as a scan: pages as greyscale images at `dpi`, turned by `turn` degrees."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(source))
    try:
        images = [
            document[i].render(scale=dpi / 72).to_pil().convert("L").rotate(turn, expand=True)
            for i in range(len(document))
        ]
    finally:
        document.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(target, save_all=True, append_images=images[1:], resolution=dpi)
    return target


def mixed_copy(source: Path, target: Path, scanned_pages: set[int], dpi: int = 150) -> Path:
    """`source` with the given 1-based pages replaced by scans of themselves."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(source))
    try:
        for number in sorted(scanned_pages):
            page = document[number - 1]
            width, height = page.get_size()
            image = page.render(scale=dpi / 72).to_pil().convert("RGB")
            document.del_page(number - 1)
            blank = document.new_page(width, height, index=number - 1)
            picture = pdfium.PdfImage.new(document)
            picture.set_bitmap(pdfium.PdfBitmap.from_pil(image))
            picture.set_matrix(pdfium.PdfMatrix().scale(width, height))
            blank.insert_obj(picture)
            blank.gen_content()
        target.parent.mkdir(parents=True, exist_ok=True)
        document.save(str(target))
    finally:
        document.close()
    return target
