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
    IndexSpec,
    Overlay,
    social_indices,
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


@dataclass(frozen=True, slots=True)
class TableIndexSpec:
    """What to compute from one table: the columns, the year(s) and how they count.

    Columns are named by header (with or without unit/date), by the indicator name of a
    long table, or by column letter. Direction: columns in `invert` count as "higher is
    better"; otherwise the catalogue's direction is used when the header matches an entry,
    and "higher is worse" when it does not.
    """

    area: str  # the column with the area names or codes
    indicators: Sequence[str]
    population: str | None = None  # the population column, for `min_population`
    min_population: float = 0.0
    year: int | None = None  # None: the latest year all columns have
    since: int | None = None  # the earlier year of the dynamics index; None: no dynamics
    weights: Mapping[str, float] | None = None
    invert: Sequence[str] = ()
    status_scheme: ClassScheme = STATUS_SCHEME
    dynamics_scheme: ClassScheme = DYNAMICS_SCHEME


def index_from_table(
    path: Path, spec: TableIndexSpec, catalogue: Catalogue | None = None
) -> TableIndex:
    """Compute the graded index of `spec` for the table at `path`."""
    table = read_table(path, area_column=spec.area).frame
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
    selections = {column: _select(table, column, path) for column in spec.indicators}
    chosen_year = spec.year if spec.year is not None else _common_year(table, selections)
    now = _matrix(table, selections, chosen_year)
    pop = None
    if spec.population:
        mask = _select(table, spec.population, path)
        pop = _matrix(table, {spec.population: mask}, chosen_year)[spec.population]
    catalogue = catalogue or Catalogue.load()
    inverted = {_key(c) for c in spec.invert}
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
    then = _matrix(table, selections, spec.since) if spec.since is not None else None
    status, dyn, combined = social_indices(
        now,
        then,
        IndexSpec(
            signs,
            spec.weights,
            pop,
            spec.min_population,
            spec.status_scheme,
            spec.dynamics_scheme,
        ),
    )
    return TableIndex(status, dyn, combined, names, labels, chosen_year, spec.since)


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
