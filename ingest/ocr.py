"""Text recognition (OCR) for scanned PDF pages and images, in German, page by page.

Many of a municipality's documents are scans: council decisions, older reports, signed
notices. A page without a usable text layer (none, or garbage) is rendered at 300 dpi and
read by Tesseract with its German model; a page with good text keeps it. The result comes
back as the same visual lines the PDF reader yields (position, size, table cells), so
headings, lists, tables, hyphenation repair and header/footer removal work as for any PDF.

- Turned pages are turned upright first (Tesseract's orientation detection).
- Pages are recognised in a pool of worker threads, one per core (Tesseract runs as its
  own process); a page already read is taken from a cache keyed by the rendered image.
- Without Tesseract and its German model, `unavailable()` says in German how to enable it.
  `PLANWERK_OCR=aus` switches recognition off.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import asdict, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.loaders.pdf_lines import PdfLine

if TYPE_CHECKING:
    from PIL.Image import Image

DPI = 300
LANGUAGE = "deu"
_POINTS = 72 / DPI  # one pixel in PDF points
_VERSION = 3  # of the line reading below: a change makes cached pages be read anew
_TIMEOUT_S = 180  # per page; a stuck Tesseract must not stall an ingest
# A word box spans ascenders and descenders: about 1.2 x the font size; capitals and
# ascenders reach the cap height, about 0.72 of it.
_BOX_TO_FONT = 1 / 1.2
_CAP_HEIGHT = 0.72
_ASCENDING = re.compile(r"[A-ZÄÖÜbdfhklt0-9]")
_DESCENDING = re.compile(r"[gjpqyß()\[\]{}|,;/]")
_PERCENT = re.compile(r"(\d)%")
# Words further apart than this many median character widths stand in separate cells.
_CELL_GAP = 3.0
# Lines within this share of the body size are body text.
_SIZE_TOLERANCE = 0.2
# A page is in two columns when this share of at least this many lines is split in two.
_COLUMN_SHARE = 0.5
_MIN_COLUMN_LINES = 8
# A text layer is usable when it has this many letters and most of its words look like
# words (a vowel in them); scanners' invisible garbage layers fail this.
_MIN_LETTERS = 30
_MIN_WORDLIKE = 0.6
_WORD = re.compile(r"[^\W\d_]{2,}")
_VOWELS = set("aeiouyäöüAEIOUYÄÖÜ")

# Called with (pages done, pages in all) while recognising.
PageProgress = Callable[[int, int], None]
# Where a caller that does not call the loaders itself (the ingest pipeline) hears of each
# recognised page: set around `load_file`, read by the recognition below.
PAGE_PROGRESS: ContextVar[PageProgress | None] = ContextVar("ocr_page_progress", default=None)


@lru_cache(maxsize=1)
def unavailable() -> str | None:
    """None when OCR can run, else the German reason and how to enable it."""
    if os.environ.get("PLANWERK_OCR", "").strip().lower() in ("aus", "off", "0", "nein"):
        return "Die Texterkennung ist ausgeschaltet (PLANWERK_OCR=aus)."
    binary = shutil.which("tesseract")
    if binary is None:
        return (
            "Die Texterkennung (Tesseract) ist nicht installiert. „make install“ richtet sie "
            "ein, oder von Hand: „apt-get install tesseract-ocr tesseract-ocr-deu“."
        )
    try:
        listed = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "Die Texterkennung (Tesseract) lässt sich nicht starten."
    if LANGUAGE not in listed.stdout.split():
        return (
            "Für die Texterkennung fehlt das deutsche Sprachmodell: "
            "„apt-get install tesseract-ocr-deu“."
        )
    return None


def needs_ocr(lines: Iterable[PdfLine], has_image: bool) -> bool:
    """Whether a page is a scan to recognise: it holds an image, and its text layer is
    missing or garbage. A page with little text and no image is simply short."""
    if not has_image:
        return False
    text = " ".join(line.text for line in lines)
    letters = sum(ch.isalpha() for ch in text)
    if letters < _MIN_LETTERS:
        return True
    words = _WORD.findall(text)
    wordlike = sum(bool(_VOWELS & set(w)) for w in words)
    return not words or wordlike / len(words) < _MIN_WORDLIKE


def pdf_pages(path: Path, numbers: list[int]) -> dict[int, list[PdfLine]]:
    """The recognised lines of the given 1-based pages of a PDF."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    rendering = threading.Lock()  # pdfium is not thread-safe; Tesseract runs outside it

    def page(number: int) -> Image:
        with rendering:  # one page image at a time per worker, not the whole document
            return document[number - 1].render(scale=DPI / 72).to_pil().convert("L")

    try:
        return _recognise_all(numbers, page)
    finally:
        document.close()


def image_pages(path: Path) -> list[list[PdfLine]]:
    """The recognised lines of an image file, one list per frame (a TIFF may hold pages)."""
    from PIL import Image, ImageSequence

    with Image.open(path) as image:
        frames = {n: frame.copy() for n, frame in enumerate(ImageSequence.Iterator(image), 1)}
    found = _recognise_all(list(frames), frames.__getitem__)
    return [found[n] for n in sorted(found)]


def _recognise_all(
    numbers: list[int], image_of: Callable[[int], Image]
) -> dict[int, list[PdfLine]]:
    """Each page's image (made when a worker starts on it) recognised in a pool; each
    finished page is reported to `PAGE_PROGRESS`."""
    progress = PAGE_PROGRESS.get()
    done: dict[int, list[PdfLine]] = {}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {n: pool.submit(lambda n: recognise(image_of(n)), n) for n in numbers}
        for n, future in futures.items():
            done[n] = future.result()
            if progress is not None:
                progress(len(done), len(numbers))
    return done


def recognise(image: Image) -> list[PdfLine]:
    """The lines of one page image, upright, from the cache when it was read before."""
    png = _png(image.convert("L"))
    cached = _cache_path(png)
    if cached.exists():
        return [_line_from_json(item) for item in json.loads(cached.read_text("utf-8"))]
    upright = _upright(png)
    width, height = _size(upright)
    # One column of text (psm 4) reads list markers and table rows along their line; a
    # page in two columns is read block by block instead (psm 3).
    lines = _lines(_tesseract(upright, "--psm", "4", "tsv"), height)
    if _two_columns(lines, width * _POINTS):
        lines = _lines(_tesseract(upright, "--psm", "3", "tsv"), height)
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps([asdict(line) for line in lines], ensure_ascii=False), "utf-8")
    return lines


def _upright(png: bytes) -> bytes:
    """The page turned upright when Tesseract's orientation detection says it lies."""
    from PIL import Image

    try:
        found = _tesseract(png, "--psm", "0", language="osd")
    except RuntimeError:
        return png  # too little text to tell: read it as it is
    match = re.search(r"Rotate:\s*(\d+)", found)
    angle = int(match.group(1)) if match else 0
    if angle == 0:
        return png
    with Image.open(io.BytesIO(png)) as image:
        return _png(image.rotate(-angle, expand=True))


def _tesseract(png: bytes, *options: str, language: str = LANGUAGE) -> str:
    binary = shutil.which("tesseract") or "tesseract"
    result = subprocess.run(
        [binary, "stdin", "stdout", "-l", language, "--dpi", str(DPI), *options],
        input=png,
        capture_output=True,
        timeout=_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.decode("utf-8", "replace")[-300:])
    return result.stdout.decode("utf-8", "replace")


def _lines(tsv: str, height_px: int) -> list[PdfLine]:
    """Tesseract's words grouped into lines in reading order, as PDF lines in points."""
    words: dict[tuple[int, int, int], list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        words.setdefault(key, []).append(row)
    lines = [
        _line(sorted(words[key], key=lambda w: int(w["left"])), height_px) for key in sorted(words)
    ]
    return _even_sizes(lines)


def _even_sizes(lines: list[PdfLine]) -> list[PdfLine]:
    """Body lines at one size: measured word heights vary by a point or two, which the
    heading detection would read as a bigger font."""
    if not lines:
        return lines
    body = statistics.median(line.size for line in lines)
    return [
        replace(line, size=body) if abs(line.size - body) <= _SIZE_TOLERANCE * body else line
        for line in lines
    ]


def _line(words: list[dict[str, str]], height_px: int) -> PdfLine:
    for word in words:  # German sets a space before the percent sign; scans lose it
        word["text"] = _PERCENT.sub(r"\1 %", word["text"])
    widths = [int(w["width"]) / max(len(w["text"]), 1) for w in words]
    char = statistics.median(widths)
    pieces: list[list[dict[str, str]]] = [[words[0]]]
    for previous, word in itertools.pairwise(words):
        gap = int(word["left"]) - (int(previous["left"]) + int(previous["width"]))
        if gap > _CELL_GAP * char:
            pieces.append([word])
        else:
            pieces[-1].append(word)
    cells = tuple(
        (int(piece[0]["left"]) * _POINTS, " ".join(w["text"] for w in piece)) for piece in pieces
    )
    bottom = max(int(w["top"]) + int(w["height"]) for w in words)
    size = round(_font_px(words) * _POINTS * 2) / 2
    return PdfLine(
        text=" ".join(text for _, text in cells),
        size=size,
        y=(height_px - bottom) * _POINTS,
        x=int(words[0]["left"]) * _POINTS,
        cells=cells if len(cells) > 1 else (),
    )


def _font_px(words: list[dict[str, str]]) -> float:
    """A line's font size in pixels. Word boxes differ by their letters (x-height only,
    ascenders, descenders, brackets); words with a capital or an ascender and nothing
    below the baseline span the cap height, about 0.72 of the font size."""
    tall = [
        int(w["height"])
        for w in words
        if _ASCENDING.search(w["text"]) and not _DESCENDING.search(w["text"])
    ]
    if tall:
        return statistics.median(tall) / _CAP_HEIGHT
    return statistics.median(int(w["height"]) for w in words) * _BOX_TO_FONT


def _line_from_json(item: dict[str, Any]) -> PdfLine:
    """One line from the JSON cache of a recognised page (values as json.loads gives them)."""
    cells = tuple((float(x), str(t)) for x, t in item.get("cells") or ())
    return PdfLine(
        text=str(item["text"]),
        size=float(item["size"]),
        bold=bool(item.get("bold")),
        y=None if item.get("y") is None else float(item["y"]),
        x=float(item.get("x") or 0.0),
        cells=cells,
    )


def _png(image: Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return int(image.width), int(image.height)


def _two_columns(lines: list[PdfLine], width: float) -> bool:
    """Whether most lines are two pieces split across the middle of the page: a page set
    in two columns that was read across them."""
    middle = width / 2
    split = [
        line
        for line in lines
        if len(line.cells) == 2
        and line.cells[0][0] < middle - width * 0.1 < line.cells[1][0]
        and line.cells[1][0] > middle - width * 0.1
    ]
    return len(lines) >= _MIN_COLUMN_LINES and len(split) >= _COLUMN_SHARE * len(lines)


def _cache_path(png: bytes) -> Path:
    """Where the lines of a page image are kept: by the image's hash, per engine setting."""
    root = os.environ.get("PLANWERK_OCR_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "planwerk", "ocr"
    )
    digest = hashlib.sha256(png + f"{LANGUAGE}:{DPI}:{_VERSION}".encode()).hexdigest()
    return Path(root) / digest[:2] / f"{digest}.json"
