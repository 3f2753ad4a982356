"""Check a question file against the corpus it was written for.

For every question the gold locations must exist and contain the answer facts:

* PDF: ``page`` (1-based) is required; the page text is extracted with pypdf.
* DOCX / MD / TXT / HTML: ``page`` is null; the text of the whole file is used.
* CSV: ``row`` is the 1-based line number (header = row 1).
* XLSX: ``sheet`` and ``row`` (as Excel shows it) are required; numbers are rendered the way
  Excel displays them in a German locale (``1.234``, ``23,4``).

Whitespace is normalised (line breaks, non-breaking spaces, thousands dots) before
comparing. Every answer fact must occur in at least one gold location, and every gold
location must contain at least one answer fact. Unanswerable questions have no gold; their
``absent_terms`` (optional) must occur nowhere in the corpus. A ``variant_of`` must name a
question of the same split.

    python -m eval.questions_check --corpus eval/realdocs/corpus \
        --questions eval/realdocs/questions.yaml

Exit code 1 on any failure.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from eval.dataset import SPLITS, TYPES
from eval.metrics import normalize_text


def excel_display(value: Any, number_format: str) -> str:
    """Render a cell value like Excel does in a German locale."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    decimals = len(number_format.split(".", 1)[1]) if "." in number_format else 0
    text = f"{value:,.{decimals}f}" if "," in number_format else f"{value:.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def decode(raw: bytes) -> str:
    """Text of a file in UTF-8 (with or without BOM) or Windows-1252."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


class CorpusText:
    """The text at each kind of gold location of one corpus folder, read once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._pages: dict[str, list[str]] = {}
        self._lines: dict[str, list[str]] = {}
        self._whole: dict[str, str] = {}

    def pdf_pages(self, name: str) -> list[str]:
        if name not in self._pages:
            from pypdf import PdfReader

            reader = PdfReader(self.folder / name)
            self._pages[name] = [normalize_text(p.extract_text() or "") for p in reader.pages]
        return self._pages[name]

    def csv_lines(self, name: str) -> list[str]:
        if name not in self._lines:
            self._lines[name] = decode((self.folder / name).read_bytes()).splitlines()
        return self._lines[name]

    def xlsx_row(self, name: str, sheet: str, row: int) -> str:
        import openpyxl

        workbook = openpyxl.load_workbook(self.folder / name, data_only=True)
        cells = workbook[sheet][row]
        return normalize_text(" | ".join(excel_display(c.value, c.number_format) for c in cells))

    def whole(self, name: str) -> str:
        """Normalised text of a file without pages or rows."""
        if name not in self._whole:
            path = self.folder / name
            suffix = path.suffix.lower()
            if suffix == ".docx":
                text = _docx_text(path)
            elif suffix in {".html", ".htm"}:
                from bs4 import BeautifulSoup

                text = BeautifulSoup(path.read_bytes(), "html.parser").get_text(" ")
            else:
                text = decode(path.read_bytes())
            self._whole[name] = normalize_text(text)
        return self._whole[name]

    def at(self, gold: Mapping[str, Any]) -> str:
        """Text at a gold location; raises ValueError if the location is invalid."""
        source = gold.get("source")
        if not source or not (self.folder / str(source)).is_file():
            raise ValueError(f"unknown source {source!r}")
        source = str(source)
        page, sheet, row = gold.get("page"), gold.get("sheet"), gold.get("row")
        suffix = Path(source).suffix.lower()
        if suffix == ".pdf":
            pages = self.pdf_pages(source)
            if not isinstance(page, int) or not 1 <= page <= len(pages):
                raise ValueError(f"{source}: page {page!r} outside 1..{len(pages)}")
            return pages[page - 1]
        if page is not None:
            raise ValueError(f"{source}: page must be null for {suffix} files")
        if suffix == ".csv":
            lines = self.csv_lines(source)
            if not isinstance(row, int) or not 1 <= row <= len(lines):
                raise ValueError(f"{source}: row {row!r} outside 1..{len(lines)}")
            return normalize_text(lines[row - 1])
        if suffix == ".xlsx":
            if sheet is None or not isinstance(row, int):
                raise ValueError(f"{source}: sheet and row are required")
            return self.xlsx_row(source, str(sheet), row)
        return self.whole(source)

    @cached_property
    def everything(self) -> str:
        """The whole corpus as one casefolded string (for the absent-term checks)."""
        parts: list[str] = []
        for path in sorted(self.folder.iterdir()):
            suffix = path.suffix.lower()
            if suffix == ".pdf":
                parts.extend(self.pdf_pages(path.name))
            elif suffix == ".csv":
                parts.extend(self.csv_lines(path.name))
            elif suffix == ".xlsx":
                parts.append(_xlsx_text(path))
            elif suffix in {".docx", ".md", ".txt", ".html", ".htm"}:
                parts.append(self.whole(path.name))
        return normalize_text(" ".join(parts)).casefold()


def _docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def _xlsx_text(path: Path) -> str:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    return " ".join(
        " ".join(str(v) for v in row if v is not None)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def check_question(entry: Mapping[str, Any], corpus: CorpusText) -> list[str]:
    """Problems of one question entry (empty list if it passes)."""
    qid = entry.get("id", "?")
    problems: list[str] = []
    if entry.get("type") not in TYPES:
        problems.append(f"{qid}: unknown type {entry.get('type')!r}")
    if entry.get("split", "dev") not in SPLITS:
        problems.append(f"{qid}: unknown split {entry.get('split')!r}")
    if not str(entry.get("question", "")).strip():
        problems.append(f"{qid}: empty question")
    golds = entry.get("gold")
    facts = entry.get("answer_facts")
    if not isinstance(golds, list) or not isinstance(facts, list):
        return [*problems, f"{qid}: gold and answer_facts must be lists"]
    if entry.get("type") == "unanswerable":
        if golds:
            problems.append(f"{qid}: unanswerable questions must have an empty gold list")
        for term in entry.get("absent_terms") or []:
            if normalize_text(str(term)).casefold() in corpus.everything:
                problems.append(f"{qid}: term {term!r} occurs in the corpus")
        return problems
    if not golds or not facts:
        return [*problems, f"{qid}: answerable questions need gold locations and answer facts"]
    texts = []
    for gold in golds:
        try:
            texts.append(corpus.at(gold))
        except ValueError as exc:
            problems.append(f"{qid}: {exc}")
    if len(texts) != len(golds):
        return problems
    for fact in facts:
        if not any(normalize_text(str(fact)) in text for text in texts):
            problems.append(f"{qid}: answer fact {fact!r} not found in any gold location")
    for gold, text in zip(golds, texts, strict=True):
        if not any(normalize_text(str(fact)) in text for fact in facts):
            where = gold.get("page") or gold.get("row") or ""
            problems.append(f"{qid}: gold {gold['source']} {where} contains no answer fact")
    return problems


def check_variants(entries: list[dict[str, Any]]) -> list[str]:
    """A paraphrase variant names an existing original of the same split."""
    by_id = {e.get("id"): e for e in entries}
    problems = []
    for entry in entries:
        original = entry.get("variant_of")
        if original is None:
            continue
        if original not in by_id:
            problems.append(f"{entry.get('id')}: variant_of {original!r} is no question")
        elif by_id[original].get("split", "dev") != entry.get("split", "dev"):
            problems.append(f"{entry.get('id')}: variant in another split than {original}")
    return problems


def check_file(corpus: Path, questions: Path) -> list[str]:
    entries = yaml.safe_load(questions.read_text(encoding="utf-8"))
    text = CorpusText(corpus)
    ids = Counter(entry.get("id") for entry in entries)
    problems = [f"duplicate id {qid}" for qid, n in ids.items() if n > 1]
    problems += check_variants(entries)
    for entry in entries:
        problems += check_question(entry, text)
    types = Counter(entry.get("type") for entry in entries)
    splits = Counter(entry.get("split", "dev") for entry in entries)
    print(
        f"{len(entries)} questions ("
        + ", ".join(f"{s} {n}" for s, n in sorted(splits.items()))
        + "): "
        + ", ".join(f"{t} {n}" for t, n in sorted(types.items()))
    )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.questions_check", description=__doc__)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    args = parser.parse_args(argv)
    return report(check_file(args.corpus, args.questions))


def report(problems: list[str]) -> int:
    """Print the problems and a summary; the exit code (1 on any problem)."""
    for problem in problems:
        print("FAIL", problem)
    print("all questions pass" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
