"""Differences planners ask for, computed from two figures of one cited table row.

„Wie viele Plätze für Kinder ab drei Jahren fehlen im Hafenviertel?“ is answered by the
row „Kinder 3 bis unter 6 J.: 385; Plätze Kita: 331“ — and by the gap the planner wants
(54), which no document states. The two figures are the row's cells whose column names
match different words of the question; the line names both inputs, cites the row and
says how it was computed. Nothing is computed when the row does not name two such
columns: an answer without a gap is better than a gap between the wrong figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from assistant.indicators.numbers import CellNumber, format_german, parse_number
from assistant.language.german import content_terms
from ingest.structure import row_cells

# A column that sums its neighbours („Plätze gesamt“) stands for them.
_TOTAL_WORDS = ("gesamt", "insgesamt", "summe")


@dataclass(frozen=True, slots=True)
class _Cell:
    name: str
    number: CellNumber
    matched: frozenset[str]  # the question terms the column name carries

    @property
    def percent(self) -> bool:
        return self.number.percent or "%" in self.name


@dataclass(frozen=True, slots=True)
class Difference:
    """The larger of two cited figures minus the smaller."""

    larger: tuple[str, str]  # column name, figure as written
    smaller: tuple[str, str]
    result: str

    def line(self, marker: int) -> str:
        (a_name, a_value), (b_name, b_value) = self.larger, self.smaller
        return (
            f"Berechnet: {a_name} {a_value} − {b_name} {b_value} = {self.result} [{marker}] "
            "(Differenz der beiden zitierten Werte)"
        )


def row_difference(row: str, terms: frozenset[str]) -> Difference | None:
    """The difference of the two figures of a "Spalte: Wert; …" row whose columns match
    different question `terms` (as many as possible), else None."""
    cells = _figure_cells(row, terms)
    pairs = [
        (a, b)
        for a, b in combinations(cells, 2)
        if a.matched - b.matched and b.matched - a.matched  # each names its own figure
    ]
    if not pairs:
        return None
    a, b = max(pairs, key=lambda pair: _fit(*pair))
    if a.percent != b.percent:
        return None  # a rate minus a count means nothing
    larger, smaller = (a, b) if a.number.value >= b.number.value else (b, a)  # type: ignore[operator]
    value = larger.number.value - smaller.number.value  # type: ignore[operator]
    decimals = max(larger.number.decimals, smaller.number.decimals)
    result = format_german(value, decimals)
    result += " Prozentpunkte" if larger.percent else ""
    return Difference(
        (larger.name, larger.number.display), (smaller.name, smaller.number.display), result
    )


def _figure_cells(row: str, terms: frozenset[str]) -> list[_Cell]:
    cells = []
    for name, value in row_cells(row):
        number = parse_number(value)
        if value and not number.is_missing:
            cells.append(_Cell(name, number, frozenset(content_terms(name)) & terms))
    return cells


def _fit(a: _Cell, b: _Cell) -> tuple[int, int]:
    """More question terms matched first, then columns that are totals."""
    totals = sum(any(w in c.name.lower() for w in _TOTAL_WORDS) for c in (a, b))
    return len(a.matched | b.matched), totals
