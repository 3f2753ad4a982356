"""Tables as text blocks: caption and header detection, group headers, "Spalte: Wert" rows.

Shared by the CSV/XLSX loader and by the tables inside DOCX, HTML and Markdown files.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.blocks import Block, BlockKind
from ingest.cleaning import normalize_characters

_NUMERIC = re.compile(r"^[-+−]?[\d.,\s]+\s*%?$|^(k\. ?a\.|n\. ?v\.|-|–|x|\.)$", re.IGNORECASE)
_NOTE = re.compile(
    r"^(Quelle|Anmerkung|Hinweis|Fußnote|Stand|Lesebeispiel|Lesehilfe|Zeichenerklärung|\*|¹|\d\))",
    re.IGNORECASE,
)
_MAX_CAPTION_ROWS = 4
_LONG_NOTE = 40  # a lone cell this long under a table is a note, not a data value


@dataclass(slots=True)
class RawRow:
    """One table row as read from the file, with the row number the user sees."""

    number: int
    cells: list[str]
    merged_across: bool = False  # a merged cell spans several columns of this row


def cell_text(value: str) -> str:
    """A cell's text on one line with single spaces and canonical characters."""
    return " ".join(normalize_characters(value).split())


def table_blocks(
    rows: Sequence[RawRow],
    *,
    sheet: str | None = None,
    heading_path: tuple[str, ...] = (),
    page: int | None = None,
    fill_group_labels: bool = False,
) -> list[Block]:
    """TABLE_ROW blocks for the data rows of a table, each with the header line.

    Empty rows are skipped, single-cell rows above the header become the caption (added to
    the heading path), and a group header above the real header ("Soziales" over
    "SGB-II-Quote in %") is combined into "Soziales / SGB-II-Quote in %". With
    `fill_group_labels` (CSV, where merges are lost) a group label also covers the empty
    cells to its right.
    """
    filled = [RawRow(r.number, [cell_text(c) for c in r.cells], r.merged_across) for r in rows]
    filled = [r for r in filled if any(r.cells)]
    if not filled:
        return []
    caption, body = _split_caption(filled)
    path = (*heading_path, caption) if caption else heading_path
    header, data = _split_header(body, fill_group_labels)
    header_line = " | ".join(header)
    return [_row_block(row, header, header_line, sheet, path, page) for row in data]


def _split_caption(rows: list[RawRow]) -> tuple[str, list[RawRow]]:
    """Leading rows with a single filled cell (titles like "Tabelle 3: …") and the rest."""
    # A title sits in the first cell (merged across the columns, it fills every cell with
    # itself); a lone label further right is a group header instead.
    first_wide = next((i for i, row in enumerate(rows) if not _is_title_row(row)), None)
    if first_wide is None or first_wide > _MAX_CAPTION_ROWS:
        return "", rows  # a one-column table, or no recognisable title lines
    caption = " – ".join(next(c for c in row.cells if c) for row in rows[:first_wide])
    return caption, rows[first_wide:]


def _split_header(rows: list[RawRow], fill_group_labels: bool) -> tuple[list[str], list[RawRow]]:
    first = rows[0]
    second = rows[1] if len(rows) > 2 else None
    if second is not None and _is_group_row(first, second):
        groups = _forward_fill(first.cells) if fill_group_labels else first.cells
        header_cells = _combine(groups, second.cells)
        data = rows[2:]
    else:
        header_cells = first.cells
        data = rows[1:]
    width = max(len(r.cells) for r in [first, *data])
    while width > 1 and not _column_used(width - 1, header_cells, data):
        width -= 1
    header = [
        (header_cells[i] if i < len(header_cells) else "") or f"Spalte {i + 1}"
        for i in range(width)
    ]
    return header, data


def _is_group_row(first: RawRow, second: RawRow) -> bool:
    """True if `first` groups the columns named by `second` (both text, first sparser/merged)."""
    if not (_is_textual(first) and _is_textual(second)):
        return False
    return first.merged_across or _filled_count(first) < _filled_count(second)


def _forward_fill(cells: list[str]) -> list[str]:
    out: list[str] = []
    for cell in cells:
        out.append(cell or (out[-1] if out else ""))
    return out


def _combine(groups: list[str], names: list[str]) -> list[str]:
    width = max(len(groups), len(names))
    combined = []
    for i in range(width):
        group = groups[i] if i < len(groups) else ""
        name = names[i] if i < len(names) else ""
        combined.append(f"{group} / {name}" if group and name and group != name else name or group)
    return combined


def _column_used(index: int, header: list[str], data: list[RawRow]) -> bool:
    if index < len(header) and header[index]:
        return True
    return any(index < len(r.cells) and r.cells[index] for r in data)


def _row_block(
    row: RawRow,
    header: list[str],
    header_line: str,
    sheet: str | None,
    path: tuple[str, ...],
    page: int | None,
) -> Block:
    values = list(dict.fromkeys(c for c in row.cells if c))
    if len(values) == 1 and (_NOTE.match(values[0]) or len(values[0]) > _LONG_NOTE):
        text = values[0]  # a source note or footnote under the table reads on its own
    else:
        text = "; ".join(
            f"{name}: {value}" for name, value in zip(header, row.cells, strict=False) if value
        )
    return Block(
        BlockKind.TABLE_ROW,
        text,
        page=page,
        sheet=sheet,
        row=row.number,
        heading_path=path,
        table_header=header_line,
    )


def _is_title_row(row: RawRow) -> bool:
    return bool(row.cells and row.cells[0]) and len({c for c in row.cells if c}) == 1


def _filled_count(row: RawRow) -> int:
    return sum(1 for c in row.cells if c)


def _is_textual(row: RawRow) -> bool:
    values = [c for c in row.cells if c]
    if not values:
        return False
    numeric = sum(1 for v in values if _NUMERIC.match(v))
    return numeric <= 0.2 * len(values)
