"""The graded index straight from one table file, for `planwerk indicators index PATH`.

No store involved: the file is read into long format, the named columns are picked, and
the composite functions run on the areas × indicators matrix of one year.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from assistant.indicators.catalogue import Catalogue
from assistant.indicators.composite import (
    DYNAMICS_SCHEME,
    STATUS_SCHEME,
    ClassScheme,
    IndexResult,
    Overlay,
    dynamics_index,
    graded_index,
    overlay,
)
from assistant.indicators.headers import parse_header
from assistant.indicators.tables import read_table


class TableIndexError(Exception):
    """The table cannot give the requested index; `str(error)` is German for the user."""


@dataclass(slots=True)
class TableIndex:
    """Status (and optionally dynamics) index of one table, with display names."""

    status: IndexResult
    dynamics: IndexResult | None
    overlay: Overlay | None
    names: dict[str, str]  # area key -> display name
    labels: dict[str, str]  # indicator column -> display name
    year: int | None
    since: int | None

    def as_json(self) -> list[dict[str, object]]:
        """`[{"area", "value", "class"}]`, one per included area, most burdened first."""
        table = self.status.table.sort_values("value", ascending=False)
        return [
            {
                "area": self.names.get(str(area), str(area)),
                "value": round(float(row["value"]), 6),
                "class": str(row["class"]),
            }
            for area, row in table.iterrows()
        ]


def index_from_table(
    path: Path,
    area: str,
    indicators: Sequence[str],
    *,
    population: str | None = None,
    min_population: float = 0.0,
    year: int | None = None,
    since: int | None = None,
    weights: Mapping[str, float] | None = None,
    invert: Sequence[str] = (),
    catalogue: Catalogue | None = None,
    status_scheme: ClassScheme = STATUS_SCHEME,
    dynamics_scheme: ClassScheme = DYNAMICS_SCHEME,
) -> TableIndex:
    """Compute the graded index for the columns `indicators` of the table at `path`.

    Columns are named by header (with or without unit/date), by the indicator name of a
    long table, or by column letter. Direction: columns in `invert` count as "higher is
    better"; otherwise the catalogue's direction is used when the header matches an entry,
    and "higher is worse" when it does not.
    """
    table = read_table(path, area_column=area).frame
    if table.empty:
        raise TableIndexError(f"In „{path.name}“ wurden keine Zahlenwerte je Gebiet gefunden.")
    table = table[table["aggregate"] == ""].copy()
    table["area_key"] = [
        code or name for code, name in zip(table["area_code"], table["area_name"], strict=True)
    ]
    names = {
        str(k): (str(n) or str(k))
        for k, n in zip(table["area_key"], table["area_name"], strict=True)
    }
    selections = {column: _select(table, column, path) for column in indicators}
    chosen_year = year if year is not None else _common_year(table, selections)
    now = _matrix(table, selections, chosen_year)
    pop = None
    if population:
        mask = _select(table, population, path)
        pop = _matrix(table, {population: mask}, chosen_year)[population]
    catalogue = catalogue or Catalogue.load()
    inverted = {_key(c) for c in invert}
    signs: dict[str, int] = {}
    labels: dict[str, str] = {}
    for column, mask in selections.items():
        label = str(table.loc[mask, "label"].iloc[0])
        definition = catalogue.match(label)
        if _key(column) in inverted:
            signs[column] = -1
        else:
            signs[column] = definition.sign if definition is not None else 1
        labels[column] = label
    status = graded_index(
        now,
        signs=signs,
        weights=weights,
        population=pop,
        min_population=min_population if pop is not None else 0.0,
        scheme=status_scheme,
    )
    dyn = combined = None
    if since is not None:
        then = _matrix(table, selections, since)
        dyn = dynamics_index(
            now,
            then,
            signs=signs,
            weights=weights,
            population=pop,
            min_population=min_population if pop is not None else 0.0,
            scheme=dynamics_scheme,
        )
        combined = overlay(status, dyn)
    return TableIndex(status, dyn, combined, names, labels, chosen_year, since)


def _select(table: pd.DataFrame, wanted: str, path: Path) -> pd.Series:
    key = _key(wanted)
    letter = wanted.strip().upper()
    candidates = (
        table["column"] == letter if re.fullmatch(r"[A-Z]{1,3}", letter) else None,
        table["column_name"].map(_key) == key,
        table["label"].map(_key) == key,
        table["column_name"].map(lambda h: _key(str(h).rsplit(" / ", 1)[-1])) == key,
        table["column_name"].map(lambda h: _key(parse_header(str(h).rsplit(" / ", 1)[-1]).name))
        == _key(parse_header(wanted).name),
    )
    for mask in candidates:
        if mask is not None and mask.any():
            return mask
    available = sorted(set(table["column_name"]) | set(table["label"]))
    raise TableIndexError(
        f"Die Spalte „{wanted}“ gibt es in „{path.name}“ nicht. Vorhandene Zahlenspalten: "
        + ", ".join(f"„{a}“" for a in available)
    )


def _common_year(table: pd.DataFrame, selections: Mapping[str, pd.Series]) -> int | None:
    common: set[int] | None = None
    for mask in selections.values():
        years = {int(y) for y in table.loc[mask & table["value"].notna(), "year"].dropna()}
        common = years if common is None else common & years
    if common:
        return max(common)
    if all(table.loc[mask, "year"].isna().all() for mask in selections.values()):
        return None  # a table without any dates: one period
    raise TableIndexError(
        "Die gewählten Spalten haben kein gemeinsames Jahr; bitte --year angeben."
    )


def _matrix(
    table: pd.DataFrame, selections: Mapping[str, pd.Series], year: int | None
) -> pd.DataFrame:
    columns = {}
    for column, mask in selections.items():
        same_year = table["year"].isna() if year is None else (table["year"] == year).fillna(False)
        rows = table[mask & same_year.astype(bool)]
        if rows.empty:
            raise TableIndexError(f"Für „{column}“ gibt es keine Werte für {year}.")
        columns[column] = rows.drop_duplicates("area_key").set_index("area_key")["value"]
    areas = list(dict.fromkeys(table["area_key"]))
    return pd.DataFrame(columns).reindex(areas)


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", str(text).casefold())
