"""The baseline to beat: plain German BM25 as one writes it in an afternoon.

Files are read the plain way (pypdf page text; table files as blocks of lines that keep
their row numbers, so row-level gold can match), tokenised into lowercase words without
stop words, Snowball-stemmed, and ranked by Okapi BM25 (k1 1.5, b 0.75). `unit="pages"`
indexes whole pages; `unit="chunks"` splits them into 1000-character chunks with 200
characters overlap. No compound splitting, synonyms, fusion or re-ranking: what Planwerk
adds must beat this.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import Stemmer
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.language.german import STOP_WORDS
from assistant.models import RetrievedChunk, SourceRef
from eval.questions_check import CorpusText

_WORD = re.compile(r"\w+")
_BLOCK_CHARS = 1000
# A text without pages (Markdown, Word) is cut into blocks of about one printed page.
_PAGE_CHARS = 3000


@dataclass(frozen=True, slots=True)
class PlainPassage:
    source: str
    text: str
    page: int | None = None
    row: int | None = None
    row_end: int | None = None
    sheet: str | None = None


def _pdf(path: Path) -> list[PlainPassage]:
    from pypdf import PdfReader

    return [
        PlainPassage(path.name, page.extract_text() or "", page=number)
        for number, page in enumerate(PdfReader(path).pages, start=1)
    ]


def _table_lines(path: Path, lines: list[str], sheet: str | None = None) -> list[PlainPassage]:
    """Blocks of table lines of up to 1000 characters, each with the header line first."""
    header, rows = (lines[0], lines[1:]) if lines else ("", [])
    passages: list[PlainPassage] = []
    block: list[str] = []
    first = 2
    for number, line in enumerate(rows, start=2):
        if block and sum(map(len, block)) + len(line) > _BLOCK_CHARS:
            passages.append(_block(path, header, block, first, sheet))
            block, first = [], number
        block.append(line)
    if block:
        passages.append(_block(path, header, block, first, sheet))
    return passages


def _block(
    path: Path, header: str, lines: list[str], first: int, sheet: str | None
) -> PlainPassage:
    text = "\n".join([header, *lines])
    return PlainPassage(path.name, text, row=first, row_end=first + len(lines) - 1, sheet=sheet)


def _xlsx(path: Path) -> list[PlainPassage]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    passages = []
    for sheet in workbook.worksheets:
        lines = [
            ";".join("" if v is None else str(v) for v in row)
            for row in sheet.iter_rows(values_only=True)
        ]
        passages += _table_lines(path, lines, sheet.title)
    return passages


def load_passages(folder: Path) -> list[PlainPassage]:
    passages: list[PlainPassage] = []
    corpus = CorpusText(folder)
    for path in sorted(folder.iterdir()):
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            passages += _pdf(path)
        elif suffix == ".xlsx":
            passages += _xlsx(path)
        elif suffix == ".csv":
            passages += _table_lines(path, corpus.csv_lines(path.name))
        elif suffix in {".md", ".txt", ".docx", ".html", ".htm"}:
            text = corpus.whole(path.name)
            blocks = [text[i : i + _PAGE_CHARS] for i in range(0, len(text), _PAGE_CHARS)]
            passages += [PlainPassage(path.name, block) for block in blocks]
    return passages


class PlainBM25:
    """Okapi BM25 over plain pages or 1000-character chunks of a folder."""

    k1 = 1.5
    b = 0.75

    def __init__(self, folder: Path, unit: Literal["pages", "chunks"]) -> None:
        self._stemmer = Stemmer.Stemmer("german")
        passages = load_passages(folder)
        if unit == "chunks":
            splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
            passages = [
                PlainPassage(p.source, text, p.page, p.row, p.row_end, p.sheet)
                for p in passages
                for text in (splitter.split_text(p.text) if p.row is None else [p.text])
            ]
        self.passages = passages
        self.counts = [Counter(self.tokens(p.text)) for p in passages]
        self.lengths = [sum(c.values()) for c in self.counts]
        self.average = sum(self.lengths) / max(1, len(self.lengths))
        df = Counter(term for counts in self.counts for term in counts)
        n = len(passages)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def tokens(self, text: str) -> list[str]:
        words = [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]
        return self._stemmer.stemWords(words)

    def search(self, query: str, k: int = 10) -> list[RetrievedChunk]:
        terms = [t for t in set(self.tokens(query)) if t in self.idf]
        scores = []
        for i, counts in enumerate(self.counts):
            norm = self.k1 * (1 - self.b + self.b * self.lengths[i] / self.average)
            score = sum(
                self.idf[t] * counts[t] * (self.k1 + 1) / (counts[t] + norm)
                for t in terms
                if t in counts
            )
            if score > 0:
                scores.append((score, i))
        scores.sort(key=lambda pair: (-pair[0], pair[1]))
        return [self._retrieved(i, score) for score, i in scores[:k]]

    def _retrieved(self, i: int, score: float) -> RetrievedChunk:
        p = self.passages[i]
        ref = SourceRef("", p.source, p.source, page=p.page, sheet=p.sheet, row=p.row)
        return RetrievedChunk(f"plain-{i}", p.text, ref, {"row_end": p.row_end}, score)
