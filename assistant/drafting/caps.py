"""Caps of a funding call checked by arithmetic on the draft's cost table.

„Die Förderung im Baustein D ist auf höchstens 10 % der zuwendungsfähigen Gesamtausgaben
eines Quartiers begrenzt“ is not met by a draft that mentions Baustein D, but by one
whose Baustein-D measures cost at most a tenth of all measures. The draft's measures
table („Nr.: M6; Baustein: D; Gesamtkosten: 125.580 €“) gives the figures: a share cap is
checked for the rows whose column named in the cap („Baustein“) holds the value named
after it („D“); an amount cap on the total („Gesamtausgaben von höchstens 1,5 Millionen
Euro“) against the sum of the cost column. A cap the table cannot answer is left to the
wording check.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from assistant.indicators.numbers import format_german, parse_number
from assistant.language.question import limit_figures
from ingest.structure import row_cells

# A cost column („Gesamtkosten“, „Ausgaben (€)“) and the words for the total of all costs.
_COST_COLUMN = re.compile(r"kosten|ausgaben|betrag|summe", re.IGNORECASE)
_TOTAL_WORDS = re.compile(r"\bgesamt\w*|\binsgesamt\b", re.IGNORECASE)
_MULTIPLIERS = {"tausend": 1e3, "tsd": 1e3, "million": 1e6, "millionen": 1e6, "mio": 1e6}
_MIN_ROWS = 2
_SUM_ROW = re.compile(r"summe|gesamt|insgesamt|gesamtsumme|zusammen", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CapResult:
    met: bool
    reason: str  # German: the computation, with inputs


def check_cap(criterion: str, rows: Sequence[str]) -> CapResult | None:
    """The cap of `criterion` checked on the draft's table `rows` ("Spalte: Wert; …"),
    or None when the criterion states no cap or the rows cannot answer it."""
    limit = _limit(criterion)
    table = _cost_table(rows)
    if limit is None or table is None:
        return None
    value, percent = limit
    cost, records = table
    # A „Summe“ row states the total; the other rows are the measures.
    sums = [r for r in records if any(_SUM_ROW.fullmatch(str(v)) for v in r.values())]
    records = [r for r in records if r not in sums]
    # _cost_table parsed the cost column of every record to a float.
    total = cast(float, sums[0][cost]) if sums else sum(cast(float, r[cost]) for r in records)
    if total <= 0:
        return None
    if percent:
        group = _group(criterion, records)
        if group is None:
            return None
        column, name = group
        same = [r for r in records if str(r.get(column, "")).casefold() == name.casefold()]
        part = sum(cast(float, r[cost]) for r in same)
        share = 100 * part / total
        return CapResult(
            share <= value,
            f"Berechnet aus der Kostentabelle des Entwurfs: {column} {name} "
            f"{_euro(part)} von {_euro(total)} = {format_german(share, 1)} % "
            f"(höchstens {format_german(value, 0)} %).",
        )
    if not _TOTAL_WORDS.search(criterion):
        return None
    return CapResult(
        total <= value,
        f"Berechnet aus der Kostentabelle des Entwurfs: Summe {_euro(total)} "
        f"(höchstens {_euro(value)}).",
    )


def _limit(criterion: str) -> tuple[float, bool] | None:
    """The cap's figure and whether it is a percentage („10 %“, „1,5 Millionen Euro“)."""
    limits = limit_figures(criterion)[1]
    if not limits:
        return None
    figure = limits[0]
    after = criterion[criterion.index(figure) + len(figure) :].lstrip()
    number = parse_number(figure).value
    if number is None:
        return None
    if after.startswith(("%", "Prozent")):
        return number, True
    word = after.split(" ", 1)[0].rstrip(".").casefold()
    multiplier = _MULTIPLIERS.get(word, 1.0)
    euro = re.match(r"(?:\w+\s+)?(?:Euro|EUR|€)", after)
    return (number * multiplier, False) if euro else None


def _cost_table(rows: Sequence[str]) -> tuple[str, list[dict[str, object]]] | None:
    """The rows of the draft's cost table as records (money in their cost column, parsed)
    and the name of that column; other tables and prose are left out."""
    records: list[dict[str, object]] = [dict(row_cells(row)) for row in rows]
    columns = dict.fromkeys(c for r in records for c in r if _COST_COLUMN.search(c))
    for column in columns:
        table = [r for r in records if column in r]
        values = [_money(str(r[column])) for r in table]
        if len(table) >= _MIN_ROWS and None not in values:
            for record, value in zip(table, values, strict=True):
                record[column] = value
            return column, table
    return None


def _group(criterion: str, records: list[dict[str, object]]) -> tuple[str, str] | None:
    """The table column the cap names and the value named right after it („Baustein D“)."""
    for column in dict.fromkeys(c for r in records for c in r):
        match = re.search(rf"\b{re.escape(column)}\s+(\S+)", criterion, re.IGNORECASE)
        if match is None:
            continue
        name = match.group(1).strip(".,;:")
        if any(str(r.get(column, "")).casefold() == name.casefold() for r in records):
            return column, name
    return None


def _money(text: str) -> float | None:
    if not re.search(r"€|Euro|EUR", text):
        return None
    return parse_number(re.sub(r"\s*(€|Euro|EUR)\s*", "", text)).value


def _euro(value: float) -> str:
    return f"{format_german(value, 0)} €"
