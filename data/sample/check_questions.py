"""Check eval/questions.yaml against the generated demo corpus.

For every question the gold locations must exist and contain the answer facts:

* PDF: ``page`` (1-based) is required; the page text is extracted with pypdf.
* DOCX / MD: ``page`` is null; the text of the whole file is used (DOCX: paragraphs, tables,
  header and footer).
* CSV: ``row`` is the 1-based line number (header = row 1).
* XLSX: ``sheet`` and ``row`` (as Excel shows it) are required; numbers are rendered the way
  Excel displays them in a German locale (``1.234``, ``23,4``).

Whitespace is normalised (line breaks, non-breaking spaces) before comparing. Every answer fact
must occur in at least one gold location, and every gold location must contain at least one
answer fact (for a single gold location that means: all facts). Unanswerable questions have no
gold; for some of them the checker also asserts that a telltale term occurs nowhere in the corpus.

Also checked: the schema of each entry, unique ids, and that no PDF page is empty apart from its
running header and footer.

Run with ``python data/sample/check_questions.py``; exit code 1 on any failure.
"""

from __future__ import annotations

import sys
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import docx
import openpyxl
import yaml
from pypdf import PdfReader

from eval.metrics import normalize_text

HERE = Path(__file__).resolve().parent
GENERATED = HERE / "generated"
QUESTIONS = HERE.parent.parent / "eval" / "questions.yaml"
TYPES = {"fact", "table_number", "comparison", "cross_document", "definition", "unanswerable"}

# Terms that must not occur anywhere in the corpus, so that these questions stay unanswerable.
ABSENT_TERMS: dict[str, list[str]] = {
    "q081": ["Rosenhügel"],
    "q083": ["Lebenserwartung"],
    "q084": ["Wohngeldempfänger", "Wohngeldbezug"],
    "q085": ["€/m²", "Quadratmetermiete", "Euro je Quadratmeter"],
    "q088": ["Quartiersmanagerin"],
    "q089": ["OGS-Plätze", "Ganztagsplätze"],
    "q091": ["Pflegequote", "Pflegebedürftige"],
    "q092": ["Jugendkriminalität", "Straftaten"],
}


def normalise(text: str) -> str:
    """Whitespace and soft hyphens as in eval.metrics: "5.061" and "5061" are one figure."""
    return normalize_text(text)


@cache
def pdf_pages(name: str) -> list[str]:
    """Normalised text per PDF page."""
    reader = PdfReader(GENERATED / name)
    return [normalise(page.extract_text()) for page in reader.pages]


@cache
def docx_text(name: str) -> str:
    """Normalised text of a whole DOCX file."""
    document = docx.Document(str(GENERATED / name))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return normalise("\n".join(parts))


@cache
def csv_lines(name: str) -> list[str]:
    """Lines of a CSV file (UTF-8 with BOM or Windows-1252)."""
    raw = (GENERATED / name).read_bytes()
    text = raw[3:].decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("cp1252")
    return text.splitlines()


def excel_display(value: Any, number_format: str) -> str:
    """Render a cell value like Excel does in a German locale."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    decimals = len(number_format.split(".", 1)[1]) if "." in number_format else 0
    text = f"{value:,.{decimals}f}" if "," in number_format else f"{value:.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


@cache
def xlsx_row(name: str, sheet: str, row: int) -> str:
    """Normalised, German-formatted text of one spreadsheet row."""
    workbook = openpyxl.load_workbook(GENERATED / name)
    cells = workbook[str(sheet)][row]
    return normalise(" | ".join(excel_display(c.value, c.number_format) for c in cells))


def gold_text(gold: dict[str, Any]) -> str:
    """Text at a gold location; raises ValueError if the location is invalid."""
    source = gold.get("source")
    if not source or not (GENERATED / source).is_file():
        raise ValueError(f"unknown source {source!r}")
    page, sheet, row = gold.get("page"), gold.get("sheet"), gold.get("row")
    suffix = Path(source).suffix.lower()
    if suffix == ".pdf":
        pages = pdf_pages(source)
        if not isinstance(page, int) or not 1 <= page <= len(pages):
            raise ValueError(f"{source}: page {page!r} outside 1..{len(pages)}")
        return pages[page - 1]
    if page is not None:
        raise ValueError(f"{source}: page must be null for {suffix} files")
    if suffix == ".docx":
        return docx_text(source)
    if suffix == ".md":
        return normalise((GENERATED / source).read_text(encoding="utf-8"))
    if suffix == ".csv":
        lines = csv_lines(source)
        if not isinstance(row, int) or not 1 <= row <= len(lines):
            raise ValueError(f"{source}: row {row!r} outside 1..{len(lines)}")
        return normalise(lines[row - 1])
    if suffix == ".xlsx":
        if sheet is None or not isinstance(row, int):
            raise ValueError(f"{source}: sheet and row are required")
        return xlsx_row(source, str(sheet), row)
    raise ValueError(f"unsupported source type {suffix}")


@cache
def corpus_text() -> str:
    """Everything in the corpus as one normalised string (for the absent-term checks)."""
    parts: list[str] = []
    for path in sorted(GENERATED.iterdir()):
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            parts.extend(pdf_pages(path.name))
        elif suffix == ".docx":
            parts.append(docx_text(path.name))
        elif suffix == ".csv":
            parts.extend(csv_lines(path.name))
        elif suffix == ".xlsx":
            workbook = openpyxl.load_workbook(path)
            for ws in workbook.worksheets:
                for cells in ws.iter_rows():
                    parts.append(" ".join(str(c.value) for c in cells if c.value is not None))
        elif suffix == ".md":
            parts.append(path.read_text(encoding="utf-8"))
    return normalise(" ".join(parts))


def check_question(entry: dict[str, Any]) -> list[str]:
    """Problems of one question entry (empty list if it passes)."""
    qid = entry.get("id", "?")
    problems: list[str] = []
    if entry.get("type") not in TYPES:
        problems.append(f"{qid}: unknown type {entry.get('type')!r}")
    if not str(entry.get("question", "")).strip():
        problems.append(f"{qid}: empty question")
    golds = entry.get("gold")
    facts = entry.get("answer_facts")
    if not isinstance(golds, list) or not isinstance(facts, list):
        return [*problems, f"{qid}: gold and answer_facts must be lists"]
    if entry.get("type") == "unanswerable":
        if golds:
            problems.append(f"{qid}: unanswerable questions must have an empty gold list")
        for term in ABSENT_TERMS.get(qid, []):
            if normalise(term).lower() in corpus_text().lower():
                problems.append(f"{qid}: term {term!r} occurs in the corpus")
        return problems
    if not golds or not facts:
        return [*problems, f"{qid}: answerable questions need gold locations and answer facts"]
    texts = []
    for gold in golds:
        try:
            texts.append(gold_text(gold))
        except ValueError as exc:
            problems.append(f"{qid}: {exc}")
    if len(texts) != len(golds):
        return problems
    for fact in facts:
        if not any(normalise(str(fact)) in text for text in texts):
            problems.append(f"{qid}: answer fact {fact!r} not found in any gold location")
    for gold, text in zip(golds, texts, strict=True):
        if not any(normalise(str(fact)) in text for fact in facts):
            where = gold.get("page") or gold.get("row") or ""
            problems.append(f"{qid}: gold {gold['source']} {where} contains no answer fact")
    return problems


def check_pdf_pages() -> list[str]:
    """No PDF page may be empty apart from the running header and footer (4 lines)."""
    problems = []
    for path in sorted(GENERATED.glob("*.pdf")):
        for number, page in enumerate(PdfReader(path).pages, start=1):
            lines = [line for line in page.extract_text().splitlines() if line.strip()]
            if len(lines) <= 4:
                problems.append(f"{path.name}: page {number} is empty")
    return problems


def main() -> int:
    """Run all checks and print a summary."""
    entries = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    problems = check_pdf_pages()
    ids = Counter(entry.get("id") for entry in entries)
    problems += [f"duplicate id {qid}" for qid, n in ids.items() if n > 1]
    for entry in entries:
        problems += check_question(entry)
    types = Counter(entry.get("type") for entry in entries)
    print(f"{len(entries)} questions: " + ", ".join(f"{t} {n}" for t, n in sorted(types.items())))
    for problem in problems:
        print("FAIL", problem)
    print("all questions pass" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
