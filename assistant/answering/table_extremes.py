"""The row with the highest or lowest value of a column, in a table inside a document.

„Welcher Stadtteil hat die niedrigste Versorgungsquote …?“ is answered by a table of the
Kita planning that no sentence summarises. Tables the PDF loader split into cells (one
" | " per column, see `ingest.structure.CELL_SEPARATOR`) can be compared row by row; the
answer quotes the winning row and says how it was found, so nothing is invented.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.indicators.catalogue import words
from assistant.indicators.gazetteer import aggregate_kind
from assistant.indicators.numbers import parse_number
from assistant.language.german import content_terms
from ingest.structure import (
    TABLE_CAPTION,
    row_sentence,
    table_cells,
    table_row_text,
    text_table,
)

_MIN_ROWS = 3  # fewer rows are no ranking worth stating


@dataclass(frozen=True, slots=True)
class Extreme:
    """The row that holds the extreme value of `column` among `compared` rows."""

    caption: str  # "Tabelle 1: Versorgung der Kinder unter drei Jahren …"
    column: str
    row: str  # "Nr.: 03; Stadtteil: Hafenviertel; …" with the column names
    compared: int
    highest: bool

    def sentence(self) -> str:
        which = "höchsten" if self.highest else "niedrigsten"
        return (
            f"Den {which} Wert bei „{self.column}“ in „{self.caption}“ "
            f"(verglichen über {self.compared} Zeilen) hat: "
            + row_sentence(self.row, asked=lambda name: name == self.column)
        )

    def fit(self, question: str) -> int:
        """Word pairs of the question found in the caption: „unter drei Jahren“ tells the
        U3 table from the one „ab drei Jahren“, where single words (stop words) cannot."""
        return len(_word_pairs(question) & _word_pairs(self.caption))


def table_extremes(text: str, weights: Mapping[str, float], highest: bool) -> list[Extreme]:
    """The extreme rows of the complete tables in a passage's text.

    A table counts only with its caption before it and another block after it: a table
    cut off at the end of a passage would rank only the rows that happen to be in it.
    The column is the one whose name carries most of the question's term weight.
    """
    blocks = [block.strip() for block in text.split("\n\n")]
    found = []
    for index in range(1, len(blocks) - 1):
        table = text_table(blocks[index]) if TABLE_CAPTION.match(blocks[index - 1]) else None
        if table is not None:
            extreme = _extreme(blocks[index - 1], *table, weights, highest)
            if extreme is not None:
                found.append(extreme)
    return found


def _word_pairs(text: str) -> set[tuple[str, str]]:
    return set(itertools.pairwise(words(text)))


def _extreme(
    caption: str, header: str, rows: list[str], weights: Mapping[str, float], highest: bool
) -> Extreme | None:
    names = table_cells(header)
    data = [
        (row, cells)
        for row, cells in zip(rows, map(table_cells, rows), strict=True)
        if len(cells) == len(names) and not any(aggregate_kind("", cell) for cell in cells)
    ]
    columns = [[parse_number(cells[i]).value for _, cells in data] for i in range(len(names))]
    # Only columns of figures can be ranked; the area names' column is what is named.
    numeric = {i for i, values in enumerate(columns) if _count(values) * 2 > len(data)}
    column = _asked_column(names, numeric, weights)
    if column is None:
        return None
    values = [(v, row) for v, (row, _) in zip(columns[column], data, strict=True) if v is not None]
    if len(values) < _MIN_ROWS:
        return None
    best = max(v for v, _ in values) if highest else min(v for v, _ in values)
    winners = [row for value, row in values if value == best]
    if len(winners) > 1:
        return None  # a tie names no single row
    row = table_row_text(header, winners[0])
    return Extreme(caption, names[column], row, len(values), highest)


def _count(values: list[float | None]) -> int:
    return sum(1 for value in values if value is not None)


def _asked_column(names: list[str], eligible: set[int], weights: Mapping[str, float]) -> int | None:
    """The eligible column whose name weighs most in the question; None if none or a tie."""
    scores = [
        math.fsum(weights.get(term, 0.0) for term in content_terms(name)) if i in eligible else 0.0
        for i, name in enumerate(names)
    ]
    top = max(scores, default=0.0)
    if top <= 0 or scores.count(top) > 1:
        return None
    return scores.index(top)
