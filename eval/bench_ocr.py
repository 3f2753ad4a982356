"""Text recognition on the scanned demo corpus: `python -m eval.bench_ocr`.

Scans every demo PDF (pages rendered at 150 dpi, no text layer), then measures on this
machine: pages recognised per second, peak memory of Planwerk and of Tesseract, the
character error rate (CER) of the recognised text against the PDF's own text layer, and
the share of time recognition adds when the scanned corpus is ingested instead of the
text PDFs. Writes eval/reports/bench_ocr.md.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eval.bench_common import (
    DEMO_CORPUS,
    REPORTS,
    load_average,
    machine_section,
    markdown_table,
    quiet_environment,
)

REPORT = REPORTS / "bench_ocr.md"


def character_error_rate(reference: str, recognised: str) -> float:
    """Levenshtein distance over the reference length, whitespace collapsed."""
    a, b = _normal(reference), _normal(recognised)
    if not a:
        return 0.0 if not b else 1.0
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            )
        previous = current
    return previous[-1] / len(a)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _page_texts(path: Path) -> dict[int, str]:
    from ingest.formats import load_file

    pages: dict[int, list[str]] = {}
    for block in load_file(path).blocks:
        pages.setdefault(block.page or 0, []).append(block.text)
    return {n: " ".join(texts) for n, texts in pages.items()}


_PEAK = (
    "import resource,sys;from assistant.cli import app\n"
    "try:\n    app()\nexcept SystemExit:\n    pass\n"
    "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
)


def _tesseract_peak(scan: Path) -> float:
    """Peak memory of one Tesseract run on the first page (MiB; 0 without /usr/bin/time)."""
    import pypdfium2 as pdfium

    if not Path("/usr/bin/time").exists():
        return 0.0
    document = pdfium.PdfDocument(str(scan))
    image = document[0].render(scale=300 / 72).to_pil().convert("L")
    document.close()
    page = scan.with_suffix(".png")
    image.save(page)
    run = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "tesseract", str(page), "stdout", "-l", "deu"],
        capture_output=True,
        text=True,
        check=False,
    )
    return int(run.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    quiet_environment()
    started = load_average()
    from tests.scans import scanned_copy

    work = Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    os.environ["PLANWERK_OCR_CACHE"] = str(work / "ocr-cache")  # recognise every page anew
    pdfs = sorted(DEMO_CORPUS.glob("*.pdf"))
    text_dir, scan_dir = work / "text", work / "scans"
    text_dir.mkdir()
    for pdf in pdfs:
        shutil.copy(pdf, text_dir / pdf.name)
        scanned_copy(pdf, scan_dir / pdf.name)
    rows, cers, pages_total, ocr_seconds = [], [], 0, 0.0
    for pdf in pdfs:
        reference = _page_texts(pdf)
        start = time.perf_counter()
        recognised = _page_texts(scan_dir / pdf.name)
        seconds = time.perf_counter() - start
        pages = len(reference)
        pages_total += pages
        ocr_seconds += seconds
        page_cers = [character_error_rate(reference[n], recognised.get(n, "")) for n in reference]
        cers += page_cers
        rows.append((pdf.name, pages, f"{seconds:.1f}", f"{pages / seconds:.2f}",
                     f"{100 * sum(page_cers) / len(page_cers):.1f} %"))  # fmt: skip
    ingest, peaks = {}, {}
    for label, folder in (("Text-PDFs", text_dir), ("Scans", scan_dir)):
        env = os.environ | {
            "PLANWERK_OCR_CACHE": str(work / f"cache-{label}"),
            "PLANWERK_DATA_DIR": str(work / f"index-{label}"),
            "PLANWERK_CONFIG": str(work / "absent.toml"),
        }
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-c", _PEAK, "ingest", str(folder)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        ingest[label] = time.perf_counter() - start
        peaks[label] = next(
            (int(x.split()[1]) / 1024 for x in run.stderr.splitlines() if x.startswith("PEAK")),
            0.0,
        )
    tesseract_mib = _tesseract_peak(scan_dir / pdfs[0].name)
    added = ingest["Scans"] - ingest["Text-PDFs"]
    median_cer = sorted(cers)[len(cers) // 2]
    lines = [
        "# Texterkennung (OCR) der gescannten Demo-Dokumente",
        "",
        f"Alle {len(pdfs)} Demo-PDFs als Scan (150 dpi, Graustufen, ohne Textebene); erkannt "
        f"mit Tesseract (deu) in {os.cpu_count()} Threads, 300 dpi Renderauflösung.",
        "",
        *markdown_table(["Dokument", "Seiten", "Sekunden", "Seiten/s", "CER"], rows),
        "",
        f"- Seiten je Sekunde insgesamt: **{pages_total / ocr_seconds:.2f}** "
        f"({pages_total} Seiten in {ocr_seconds:.0f} s)",
        f"- Zeichenfehlerrate (CER) gegen die Textebene, Mittel über alle Seiten: "
        f"**{100 * sum(cers) / len(cers):.1f} %** (Median {100 * median_cer:.1f} %)",
        f"- Höchster Speicher beim Einlesen der Scans: Planwerk {peaks['Scans']:.0f} MiB "
        f"(Text-PDFs {peaks['Text-PDFs']:.0f} MiB), ein Tesseract-Prozess {tesseract_mib:.0f} MiB",
        f"- Einlesen der Demo-PDFs: Text {ingest['Text-PDFs']:.0f} s, Scans "
        f"{ingest['Scans']:.0f} s; die Texterkennung macht "
        f"**{100 * added / ingest['Scans']:.0f} %** der Einlesezeit der Scans aus.",
        "",
        "Die CER vergleicht mit der Textebene der Original-PDF, deren Reihenfolge bei Tabellen "
        "und Kopfzeilen von der Leserichtung der Erkennung abweichen kann; sie ist eine obere "
        "Schranke der Erkennungsfehler.",
        "",
        *machine_section(started),
    ]
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
