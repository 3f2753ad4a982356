"""Structure found in plain lines: numbered headings, list items and the heading path."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest.blocks import Block, BlockKind

# "3 Ziele", "3.2 Bildung", "4.1.3. Angebote für Familien": at most two digits per level so
# that years ("2023 Bericht") and amounts are not taken for section numbers.
# Appendix numbers ("A.2 Abkürzungen") count as well.
_NUMBERED_HEADING = re.compile(
    r"^(?P<num>(?:[A-H]\.)?\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+(?P<title>\S.*)$"
)
_NUMERIC_TOKEN = re.compile(r"^[\d.,%/+–-]+$")
_YEAR = re.compile(r"(19|20)\d\d")
_TOC_LEADER = re.compile(r"\.{3,}|…")
_WORD = re.compile(r"[^\W\d_]{3,}")  # a title needs a real word, not just "J. (%)"
_BULLET = re.compile(r"^\s*[•·▪■□○◦●‣∙►➢✓\-–—*+]\s+(?=\S)")
_ENUMERATOR = re.compile(r"^\s*(?:\d{1,2}[.)]|\(?[a-z]\))\s+(?=\S)")
_MAX_HEADING_WORDS = 14
# "Tabelle 3: …", "Tab. 2 …": the caption over a table.
TABLE_CAPTION = re.compile(r"^(Tabelle|Tab\.)\s*\d")
_MAX_HEADING_CHARS = 150


def numbered_heading_level(line: str) -> int | None:
    """Level of a numbered heading line ("3.2 Bildung" -> 2), or None if it is not one.

    Rejects sentences (final period, comma, colon), lower-case starts ("3 von 4 Kindern"),
    table rows with numbers and table-of-contents lines ("3.2 Bildung ..... 12").
    """
    text = line.strip()
    match = _NUMBERED_HEADING.match(text)
    if match is None or len(text) > _MAX_HEADING_CHARS:
        return None
    title = match.group("title")
    words = title.split()
    if (
        not title[0].isupper()
        or title[-1] in ".,;:"
        or len(words) > _MAX_HEADING_WORDS
        or any(_NUMERIC_TOKEN.match(w) and not _YEAR.fullmatch(w) for w in words)
        or _TOC_LEADER.search(title)
        or not _WORD.search(title)
    ):
        return None
    return match.group("num").count(".") + 1


def list_item_text(line: str) -> str | None:
    """The text of a list item line without its bullet ("• Kitas" -> "Kitas"), else None.

    Enumerators ("1.", "a)") are kept because the order can matter to the reader.
    """
    bullet = _BULLET.match(line)
    if bullet:
        return line[bullet.end() :].strip()
    if _ENUMERATOR.match(line):
        return line.strip()
    return None


def is_caps_heading(line: str) -> bool:
    """True for a short all-capitals line such as "EINLEITUNG" or "ZIELE UND MASSNAHMEN"."""
    text = line.strip()
    letters = [c for c in text if c.isalpha()]
    return (
        len(letters) >= 4
        and all(c.isupper() for c in letters)
        and len(text.split()) <= 8
        and text[-1] not in ".,;:"
    )


class HeadingTracker:
    """The chain of open headings while a document is read top to bottom."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, str]] = []

    @property
    def path(self) -> tuple[str, ...]:
        """Headings above the current position, outermost first."""
        return tuple(text for _, text in self._stack)

    def enter(self, level: int, text: str) -> tuple[str, ...]:
        """Open a heading of `level`; returns its ancestors (the path above it)."""
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        ancestors = self.path
        self._stack.append((level, text))
        return ancestors

    def extend_last(self, more: str) -> str:
        """Append text to the innermost heading (a heading wrapped over two lines)."""
        level, text = self._stack[-1]
        self._stack[-1] = (level, f"{text} {more}")
        return self._stack[-1][1]

    def heading_block(self, level: int, text: str, page: int | None = None) -> Block:
        """A HEADING block for `text`, registered in the path."""
        ancestors = self.enter(level, text)
        return Block(BlockKind.HEADING, text, page=page, heading_path=ancestors, level=level)

    def content_block(self, kind: BlockKind, text: str, page: int | None = None) -> Block:
        """A non-heading block under the current headings."""
        return Block(kind, text, page=page, heading_path=self.path)


def text_table(text: str) -> tuple[str, list[str]] | None:
    """Header and rows of a table that arrives as one line per row (as PDF tables are
    read), or None for prose: prose comes as one line per paragraph and lists as "- "
    items, so a block of several unmarked lines, most of them with a figure, is a table."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    header, rows = (lines[0], lines[1:]) if lines else ("", [])
    if len(rows) < 2 or any(line.startswith("- ") for line in lines):
        return None
    with_figures = sum(1 for row in rows if any(ch.isdigit() for ch in row))
    return (header, rows) if with_figures * 2 >= len(rows) else None


CELL_SEPARATOR = " | "


def table_row_text(header: str, row: str) -> str:
    """A row of a text table with its column names: "Stadtteil: Hafenviertel; Quote: 23,8"
    when header and row are split into the same number of cells (as the PDF loader splits
    captioned tables), else the header line before the row."""
    names, values = table_cells(header), table_cells(row)
    if len(names) < 2 or len(names) != len(values):
        return f"{header}: {row}"
    return "; ".join(f"{n}: {v}" for n, v in zip(names, values, strict=True) if v)


def row_cells(row: str) -> list[tuple[str, str]]:
    """The (column, value) pairs of a "Spalte: Wert; …" row (`table_row_text`), stripped;
    parts without a column name are left out."""
    pairs = (part.partition(": ") for part in row.split("; "))
    return [(name.strip(), value.strip()) for name, separator, value in pairs if separator]


@dataclass(frozen=True, slots=True)
class RowChunk:
    """A table-row chunk as ingest writes it (ingest/table_rows.py): an optional title
    line, the header as „a | b | c“ (`CELL_SEPARATOR`), then one „a: 1; b: 2“ line per
    row. Without a header line, `header` is empty and every non-empty line is a row."""

    title: str
    header: str
    rows: list[str]

    @classmethod
    def of(cls, text: str) -> RowChunk:
        lines = text.split("\n")
        start = next((i for i, line in enumerate(lines) if CELL_SEPARATOR in line), -1)
        title = " ".join(line for line in lines[:start] if line.strip()) if start > 0 else ""
        header = lines[start] if start >= 0 else ""
        return cls(title, header, [line for line in lines[start + 1 :] if line.strip()])

    @property
    def columns(self) -> list[str]:
        """The header's column names (a name may hold a „|“ of its own, never „ | “)."""
        return [name.strip() for name in self.header.split(CELL_SEPARATOR)] if self.header else []

    def cells(self, index: int) -> list[tuple[str, str]]:
        """The (column, value) pairs of row `index`, cut at the header's column names, so a
        value that holds „; “ stays whole; [] where there is no such row or header."""
        if not self.header or index >= len(self.rows):
            return []
        row = self.rows[index]
        starts: list[tuple[str, int, int]] = []
        position = 0
        for column in self.columns:
            marker = f"{column}: "
            at = row.find(marker, position)
            if at < 0:
                continue
            starts.append((column, at, at + len(marker)))
            position = at + len(marker)
        pairs = []
        for i, (column, _at, value_start) in enumerate(starts):
            end = starts[i + 1][1] if i + 1 < len(starts) else len(row)
            pairs.append((column, row[value_start:end].rstrip().removesuffix(";").strip()))
        return pairs


_IDENTIFIER = re.compile(r"(^|[_\s-])(id|key|uuid)$", re.IGNORECASE)
_YEAR_COLUMN = re.compile(r"^(jahr|year|stichtag|berichtsjahr)\b", re.IGNORECASE)
_FIGURE = re.compile(r"[-+]?\d[\d.,' ]*(\s?(%|€|Euro|m²|Prozent))?")
# A column name: short, no clause of prose (no sentence end, no signed number as in
# „Klassen: unter -1: hoch; -1 bis +1: mittel“).
_COLUMN_NAME = re.compile(r"^(?![^;]*(?:^|\s)[+-]\d)\s*[\w(][^!?:]{0,99}$")
# Text cells read as what a row is about before the others are named.
_ABOUT_CELLS = 3
# Column names that say only "the figure" (long-format exports): the figure stands alone.
_BARE_FIGURE = re.compile(r"^(zahl|wert|werte|value|anzahl|betrag)$", re.IGNORECASE)


def row_sentence(row: str, asked: Callable[[str], bool] | None = None) -> str:
    """A "Spalte: Wert; …" row as a line a planner reads: what the row is about (its first
    names, years, categories) first, then the other cells as „Spalte Wert“, the columns
    `asked` names first, identifier columns left out — „Lindenthal, 2008, Konfession,
    katholisch: 56729.0“, „M6, Quartiersmonitoring, Stadt Lindwerden: Baustein D;
    Gesamtkosten 125.580 €“. Other text
    (prose, a sentence with colons) is returned unchanged."""
    cells = [part.split(": ", 1) for part in row.split("; ")]
    if len(cells) < 2 or any(len(c) != 2 or not _COLUMN_NAME.match(c[0]) for c in cells):
        return row
    about: list[str] = []
    texts = 0  # the cells of `about` that are not years
    named: list[tuple[bool, str]] = []
    for index, (name, value) in enumerate(cells):
        name, value = name.strip(), value.strip()
        if _IDENTIFIER.search(name) or not value:
            continue
        year = bool(_YEAR_COLUMN.match(name))
        figure = _FIGURE.fullmatch(value) and not year
        # The first column is the row's key even when it is a number (a Kreis code); a
        # row is about its year and its first few text cells, the others are named.
        if (figure and index > 0) or (not figure and not year and texts >= _ABOUT_CELLS):
            shown = value if figure and _BARE_FIGURE.match(name) else f"{name} {value}"
            named.append((bool(asked and asked(name)), shown))
        else:
            about.append(value)
            texts += not year
    if not named:
        return row
    ordered = [shown for _, shown in sorted(named, key=lambda item: not item[0])]
    return (", ".join(about) + ": " if about else "") + "; ".join(ordered)


def table_cells(line: str) -> list[str]:
    """The cells of a line with cell separators; an empty cell stays an empty string."""
    return [cell.strip() for cell in line.split(CELL_SEPARATOR.strip())]
