"""Visual lines of PDF pages (text, font size, weight, position) and running-line removal."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from pypdf import PageObject

from ingest.cleaning import join_lines, normalize_characters, running_line_indices

_BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demi", ",bd", "-bd")
_SAME_BASELINE = 0.3  # lines whose baselines differ by less than this share of the size
_ROW_REACH = 1.5  # a cell's lines lie within this many font sizes of the row's other cells
# A table row written cell by cell (`join_stacked_cells`): its cells start within this many
# font sizes of the row's top; it has at least this many cells, each at most this many lines.
_TOP_SLACK = 0.5
_CELL_GAP = 3.5
_STACKED_CELLS = 3
_STACKED_ROW_LINES = 20


@dataclass(slots=True)
class PdfLine:
    """One visual line of a page with the typography that hints at its role."""

    text: str
    size: float = 0.0  # effective font size in points (rounded to 0.5), 0 when unknown
    bold: bool = False
    y: float | None = None  # baseline from the page bottom, None when unknown
    x: float = 0.0  # left edge of the first character
    # The separately placed pieces of the line, left to right, with their left edges: the
    # cells of a table row. Empty for a line placed in one piece.
    cells: tuple[tuple[float, str], ...] = ()
    stacked: bool = False  # a table row joined from cells written one after the other

    @property
    def pieces(self) -> tuple[tuple[float, str], ...]:
        return self.cells or ((self.x, self.text),)


def page_lines(page: PageObject) -> list[PdfLine]:
    """The visual lines of a page in content order; pieces on one baseline become one line.

    pypdf ends a line at every positioning jump, so table cells and the left and right
    parts of a header arrive as separate pieces; joining them by baseline gives rows.
    """
    collector = _LineCollector()
    page.extract_text(visitor_text=collector.visit)
    return join_stacked_cells(join_wrapped_cells(merge_baselines(collector.finish())))


def merge_baselines(lines: list[PdfLine]) -> list[PdfLine]:
    """Consecutive lines on the same baseline joined left to right."""
    merged: list[list[PdfLine]] = []
    for line in lines:
        group = merged[-1] if merged else None
        if group and _same_baseline(group[0], line):
            group.append(line)
        else:
            merged.append([line])
    return [_join_group(group) for group in merged]


def join_wrapped_cells(lines: list[PdfLine]) -> list[PdfLine]:
    """Table rows whose cells wrap onto several lines, as one line per row.

    When one cell of a row wraps, the other cells sit beside its lines (top-aligned or
    centred), and the extraction returns the wrapped cell first, then the rest of the row
    *higher up* than the last line read. A line that starts further right and higher up
    than the line before it belongs to the row of the lines beside its baseline; lines
    right under a cell of such a row continue that cell.
    """
    rows: list[list[PdfLine]] = []
    for line in lines:
        if rows and _continues_cell(rows[-1], line):
            rows[-1].append(line)
        elif rows and _beside_previous(rows[-1][-1], line):
            row = [line]
            while rows and _in_row(rows[-1], line):
                row[:0] = rows.pop()
            rows.append(row)
        else:
            rows.append([line])
    return [_join_cells(row) for row in rows]


def join_stacked_cells(lines: list[PdfLine]) -> list[PdfLine]:
    """Table rows written cell by cell, as one line per row.

    Some generators write a row's cells one after the other, each cell's lines top to
    bottom („Flächenentsiegelung 40%*“, „max. 2.000 € pro Grundstück“, then „• Fläche
    größer 12m²“ back up at the row's top, further right). A line that moves up and right
    to the height of an earlier line starts the next cell of that line's row; the row is
    kept when it has at least `_STACKED_CELLS` cells and is not taller than
    `_STACKED_ROW_LINES` lines, so that the columns of a two-column page stay apart.
    """
    out: list[PdfLine] = []
    row: list[list[PdfLine]] = []  # the cells of the row being read, each its lines
    for line in lines:
        if row and _next_cell(row, line):
            row.append([line])
            continue
        if row and _continues_stacked_cell(row[-1], line):
            row[-1].append(line)
            continue
        if row:
            out += _stacked_row(row)
            row = []
        start = _row_top(out, line)
        if start is None:
            out.append(line)
        else:
            row = [out[start:], [line]]
            del out[start:]
    if row:
        out += _stacked_row(row)
    return out


def _next_cell(row: list[list[PdfLine]], line: PdfLine) -> bool:
    """True if `line` starts a cell right of the row's last one, at the row's top."""
    top = row[0][0]
    return (
        line.y is not None
        and top.y is not None
        and line.x > row[-1][0].x + line.size
        and abs(line.y - top.y) <= _TOP_SLACK * max(line.size, top.size)
    )


def _continues_stacked_cell(cell: list[PdfLine], line: PdfLine) -> bool:
    """True if `line` goes on below the cell's last line, not left of the cell."""
    last = cell[-1]
    if last.y is None or line.y is None:
        return False
    drop = last.y - line.y  # a cell may hold an empty line
    return 0 < drop <= _CELL_GAP * line.size and line.x >= cell[0].x - 1.0


def _row_top(out: list[PdfLine], line: PdfLine) -> int | None:
    """Where the row that `line` is the next cell of starts in `out`: the first of the
    lines just read that stand left of it, no higher than its top and down from a line at
    its height; None if `line` moves not up and right, or no such line is near."""
    if not out or line.y is None:
        return None
    previous = out[-1]
    if previous.y is None or not (line.y > previous.y and line.x > previous.x + line.size):
        return None
    slack = _TOP_SLACK * line.size
    start = None
    for index in range(len(out) - 1, max(-1, len(out) - 1 - _STACKED_ROW_LINES), -1):
        earlier = out[index]
        if earlier.y is None or earlier.x >= line.x or earlier.y > line.y + slack:
            break
        if abs(earlier.y - line.y) <= slack:
            start = index
    return start


def _stacked_row(row: list[list[PdfLine]]) -> list[PdfLine]:
    """The row as one line with a cell per stacked cell, or its lines as they were when
    it has too few cells or too many lines to be a table row."""
    lines = [line for cell in row for line in cell]
    # A cell's first line may already hold cells beside it (joined on their baseline).
    count = sum(len(cell[0].pieces) for cell in row)
    if count < _STACKED_CELLS or len(lines) > _STACKED_ROW_LINES * len(row):
        return lines
    cells = tuple((cell[0].x, join_lines([line.text for line in cell])) for cell in row)
    return [
        PdfLine(
            text=" ".join(text for _, text in cells),
            size=body_size(lines),
            bold=all(line.bold for line in lines),
            y=row[0][0].y,
            x=row[0][0].x,
            cells=cells,
            stacked=True,
        )
    ]


def _beside_previous(previous: PdfLine, line: PdfLine) -> bool:
    if previous.y is None or line.y is None or previous.size != line.size:
        return False
    return line.x > previous.x + line.size and line.y > previous.y


def _in_row(lines: list[PdfLine], cell: PdfLine) -> bool:
    """True if `lines` (a row so far) reach the baseline of `cell` and share its type size."""
    reach = _ROW_REACH * cell.size
    return all(line.size == cell.size for line in lines) and any(
        line.y is not None and cell.y is not None and abs(line.y - cell.y) <= reach
        for line in lines
    )


def _continues_cell(row: list[PdfLine], line: PdfLine) -> bool:
    """True if `line` wraps a cell of a multi-cell row: same column, one line lower."""
    if len({round(cell.x) for cell in row}) < 2 or line.y is None:
        return False
    column = [cell for cell in row if abs(cell.x - line.x) < 1.0 and cell.y is not None]
    if not column or column[-1].size != line.size:
        return False
    drop = column[-1].y - line.y  # type: ignore[operator]
    return 0 < drop <= _ROW_REACH * line.size


def _join_cells(row: list[PdfLine]) -> PdfLine:
    if len(row) == 1:
        return row[0]
    # Pieces stacked in one column are the lines of one wrapped cell, top line first.
    columns: dict[int, tuple[float, list[str]]] = {}
    for x, text in sorted((piece for line in row for piece in line.pieces), key=lambda p: p[0]):
        columns.setdefault(round(x), (x, []))[1].append(text)
    cells = tuple((x, join_lines(texts)) for x, texts in columns.values())
    return PdfLine(
        text=" ".join(text for _, text in cells),
        size=row[0].size,
        bold=all(cell.bold for cell in row),
        y=row[0].y,
        x=min(cell.x for cell in row),
        cells=cells,
    )


def body_size(lines: list[PdfLine]) -> float:
    """The font size that most characters have (0 when unknown)."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def without_running_lines(pages: list[list[PdfLine]]) -> list[list[PdfLine]]:
    """Pages without running headers, footers and page numbers.

    Zones are taken in visual order (top to bottom), since many generators write the header
    and footer first; the comparison includes size and position, and large lines (headings)
    are never removed.
    """
    body = body_size([line for page in pages for line in page])
    orders = [_visual_order(page) for page in pages]
    texts = [[page[i].text for i in order] for page, order in zip(pages, orders, strict=True)]
    styles = [
        [_running_style(page[i], body) for i in order]
        for page, order in zip(pages, orders, strict=True)
    ]
    drops = running_line_indices(texts, styles)
    kept = []
    for page, order, drop in zip(pages, orders, drops, strict=True):
        dropped = {order[position] for position in drop}
        kept.append([line for i, line in enumerate(page) if i not in dropped])
    return kept


def _visual_order(page: list[PdfLine]) -> list[int]:
    """Line indices from the top of the page down; unknown positions follow their neighbour."""
    positions = []
    last = math.inf
    for line in page:
        last = line.y if line.y is not None else last
        positions.append(last)
    return sorted(range(len(page)), key=lambda i: -positions[i])


def _running_style(line: PdfLine, body: float) -> tuple[float, int | None] | None:
    """Size and rough position of a line; None for headings, which never run along."""
    if body and line.size > body * 1.05:
        return None
    return (line.size, None if line.y is None else round(line.y / 4))


def _same_baseline(first: PdfLine, line: PdfLine) -> bool:
    if first.y is None or line.y is None:
        return False
    tolerance = max(1.0, _SAME_BASELINE * max(first.size, line.size))
    return abs(first.y - line.y) < tolerance


def _join_group(group: list[PdfLine]) -> PdfLine:
    if len(group) == 1:
        return group[0]
    ordered = sorted(group, key=lambda line: line.x)
    main = max(group, key=lambda line: len(line.text))
    return PdfLine(
        text=" ".join(line.text for line in ordered),
        size=main.size,
        bold=all(line.bold for line in group),
        y=group[0].y,
        x=ordered[0].x,
        cells=tuple(piece for line in ordered for piece in line.pieces),
    )


@dataclass
class _LineCollector:
    """Builds lines from pypdf's text visitor calls, which follow the extracted text."""

    lines: list[PdfLine] = field(default_factory=list)
    _parts: list[str] = field(default_factory=list)
    _sizes: Counter[float] = field(default_factory=Counter)
    _bold_chars: int = 0
    _chars: int = 0
    _y: float | None = None
    _x: float = 0.0

    def visit(
        self, text: str, cm: list[float], tm: list[float], font: object, font_size: float
    ) -> None:
        if not text:
            return
        size = _effective_size(font_size, cm, tm)
        bold = _is_bold(font)
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        for index, piece in enumerate(text.split("\n")):
            if index:
                self._end_line()
            # Only the first piece of a fragment starts where the fragment's matrix says.
            self._add(piece, size, bold, (x, y) if index == 0 else None)

    def finish(self) -> list[PdfLine]:
        self._end_line()
        return self.lines

    def _add(self, piece: str, size: float, bold: bool, where: tuple[float, float] | None) -> None:
        self._parts.append(piece)
        weight = len(piece.strip())
        if not weight:
            return
        if self._y is None and where is not None:
            self._x, self._y = where
        self._sizes[round(size * 2) / 2] += weight
        self._chars += weight
        self._bold_chars += weight if bold else 0

    def _end_line(self) -> None:
        raw = "".join(self._parts).rstrip()
        if raw.endswith("\u00ad"):
            raw = raw[:-1] + "-"  # a soft hyphen at the line end is a syllable break
        text = normalize_characters(raw).strip()
        if text:
            size = self._sizes.most_common(1)[0][0] if self._sizes else 0.0
            bold = self._bold_chars >= 0.8 * self._chars
            self.lines.append(PdfLine(text, size, bold, self._y, self._x))
        self._parts, self._sizes = [], Counter()
        self._bold_chars = self._chars = 0
        self._y, self._x = None, 0.0


def _effective_size(font_size: float, cm: list[float], tm: list[float]) -> float:
    scale_tm = math.hypot(tm[2], tm[3]) or 1.0
    scale_cm = math.hypot(cm[2], cm[3]) or 1.0
    return abs(font_size * scale_tm * scale_cm)


def _is_bold(font: object) -> bool:
    if not isinstance(font, dict):
        return False
    name = str(font.get("/BaseFont", "")).lower()
    return any(marker in name for marker in _BOLD_NAMES)
