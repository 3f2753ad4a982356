"""The graded index procedure (Stufenverfahren) of Berlin's Monitoring Soziale Stadtentwicklung.

Pure numpy/pandas, no store: a frame with one row per area and one column per indicator
goes in, the index value and class per area come out.

Procedure (status index):

1. Orient every indicator so that **higher means more burden**: indicators where a higher
   value is better (e.g. the Gymnasium transition rate) are multiplied by -1 (`signs`).
2. z-standardise each indicator across the included areas: z = (x - mean) / sd, with the
   **population standard deviation** (ddof = 0; the standard z-score, as Berlin uses it and
   as `statistics.pstdev` computes it). An indicator with no spread gives z = 0 everywhere.
3. Add the z-values per area, optionally weighted (weights of 1 equal no weights).
4. z-standardise the sum again (population sd): this is the index value.
5. Classify by standard deviations. The classes name the *social status*, so the sign
   convention is inverted against the burden: index < -1 → "hoch", -1 … +1 → "mittel",
   > +1 … +1.5 → "niedrig", > +1.5 → "sehr niedrig". A strongly burdened area (high
   SGB-II-Quote, high child poverty) therefore has a large positive index and status
   "sehr niedrig". Exactly -1 and +1 are "mittel", exactly +1.5 is "niedrig".

The dynamics index applies the same steps to the changes of the indicators between two
years (in percentage points for rates): an above-average increase of burden gives a
positive value, classified > +1 → "negativ", -1 … +1 → "stabil", < -1 → "positiv".
Areas below a minimum population or with a missing value are left out before
standardising and listed with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from assistant.indicators.numbers import format_german


@dataclass(frozen=True, slots=True)
class ClassScheme:
    """Class boundaries in standard deviations and the labels between them.

    `thresholds` ascend; values below the first are `labels[0]`, the first boundary itself
    belongs to the middle class, and every further boundary belongs to the class below it
    (x <= t), which gives Berlin's "< -1 | -1 … +1 | > +1 … +1.5 | > +1.5".
    """

    thresholds: tuple[float, ...]
    labels: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.thresholds) + 1:
            raise ValueError("Es braucht genau eine Klassenbezeichnung mehr als Klassengrenzen.")
        if list(self.thresholds) != sorted(self.thresholds):
            raise ValueError("Die Klassengrenzen müssen aufsteigend sortiert sein.")

    def classify(self, values: np.ndarray | pd.Series) -> np.ndarray:
        """The label of each value (object array)."""
        array = np.asarray(values, dtype=float)
        position = np.where(array < self.thresholds[0], 0, 1)
        for threshold in self.thresholds[1:]:
            position = position + (array > threshold)
        return np.asarray(self.labels, dtype=object)[position]

    def describe(self) -> str:
        """German one-liner: "< -1 hoch, -1 bis +1 mittel, …"."""
        t, labels = self.thresholds, self.labels
        parts = [f"unter {_signed(t[0])}: {labels[0]}"]
        parts.append(f"{_signed(t[0])} bis {_signed(t[1])}: {labels[1]}" if len(t) > 1 else "")
        for index in range(1, len(t)):
            upper = f" bis {_signed(t[index + 1])}" if index + 1 < len(t) else ""
            parts.append(f"über {_signed(t[index])}{upper}: {labels[index + 1]}")
        return "; ".join(p for p in parts if p)


STATUS_SCHEME = ClassScheme((-1.0, 1.0, 1.5), ("hoch", "mittel", "niedrig", "sehr niedrig"))
DYNAMICS_SCHEME = ClassScheme((-1.0, 1.0), ("positiv", "stabil", "negativ"))


def zscores(values: np.ndarray | pd.Series | pd.DataFrame) -> np.ndarray:
    """Column-wise z-scores with the population standard deviation (ddof = 0).

    A column without spread (sd = 0) gives zeros rather than a division by zero.
    """
    array = np.asarray(values, dtype=float)
    mean = array.mean(axis=0)
    sd = array.std(axis=0, ddof=0)
    safe = np.where(sd > 0, sd, 1.0)
    return np.where(sd > 0, (array - mean) / safe, 0.0)


@dataclass(slots=True)
class IndexResult:
    """Index values and classes of the included areas, and the areas left out (with why).

    `table` has one row per included area (index = area) and the columns `z:<indicator>`,
    `sum` (weighted sum of z-values), `value` (the final standardised index) and `class`.
    """

    table: pd.DataFrame
    indicators: tuple[str, ...]
    weights: dict[str, float]
    signs: dict[str, int]
    excluded: dict[str, str]
    scheme: ClassScheme
    label: str = "Statusindex"

    @property
    def values(self) -> pd.Series:
        return self.table["value"]

    @property
    def classes(self) -> pd.Series:
        return self.table["class"]

    def counts(self) -> dict[str, int]:
        """Areas per class, in the order of the scheme (zeros included)."""
        counted = self.table["class"].value_counts()
        return {label: int(counted.get(label, 0)) for label in self.scheme.labels}


def graded_index(
    values: pd.DataFrame,
    *,
    signs: Mapping[str, int] | None = None,
    weights: Mapping[str, float] | None = None,
    population: pd.Series | None = None,
    min_population: float = 0.0,
    scheme: ClassScheme = STATUS_SCHEME,
    label: str = "Statusindex",
) -> IndexResult:
    """The graded index over the columns of `values` (rows = areas); see the module doc.

    `signs` maps a column to +1 (higher = worse, the default) or -1 (higher = better).
    `weights` maps a column to its weight (default 1). `population` (same index as
    `values`) with `min_population` leaves out small areas; areas with any missing value
    are left out too. Both kinds are listed in `excluded` with a German reason.
    """
    columns = [str(c) for c in values.columns]
    if not columns:
        raise ValueError("Für den Index ist mindestens ein Indikator nötig.")
    signs = {c: int((signs or {}).get(c, 1)) for c in columns}
    weights = {c: float((weights or {}).get(c, 1.0)) for c in columns}
    excluded: dict[str, str] = {}
    keep = pd.Series(True, index=values.index)
    if population is not None and min_population > 0:
        aligned = population.reindex(values.index)
        small = aligned < min_population
        for area in values.index[small.fillna(False).to_numpy(dtype=bool)]:
            excluded[str(area)] = (
                f"weniger als {format_german(min_population, 0)} Einwohner "
                f"({format_german(float(aligned[area]), 0)})"
            )
        for area in values.index[aligned.isna().to_numpy(dtype=bool)]:
            excluded[str(area)] = "Einwohnerzahl fehlt"
        keep &= aligned.notna() & ~small
    missing = values.isna()
    for area in values.index[(missing.any(axis=1) & keep).to_numpy(dtype=bool)]:
        gaps = [c for c in columns if missing.at[area, c]]
        excluded[str(area)] = "fehlender Wert: " + ", ".join(gaps)
    keep &= ~missing.any(axis=1)
    included = values.loc[keep, columns].astype(float)
    oriented = included.to_numpy() * np.array([signs[c] for c in columns], dtype=float)
    z = zscores(oriented) if len(included) else np.zeros((0, len(columns)))
    weighted = z * np.array([weights[c] for c in columns], dtype=float)
    total = weighted.sum(axis=1)
    final = zscores(total) if len(included) else np.zeros(0)
    table = pd.DataFrame(z, index=included.index, columns=[f"z:{c}" for c in columns])
    table["sum"] = total
    table["value"] = final
    table["class"] = scheme.classify(final) if len(included) else np.array([], dtype=object)
    return IndexResult(table, tuple(columns), weights, signs, excluded, scheme, label)


def dynamics_index(
    now: pd.DataFrame,
    then: pd.DataFrame,
    *,
    signs: Mapping[str, int] | None = None,
    weights: Mapping[str, float] | None = None,
    population: pd.Series | None = None,
    min_population: float = 0.0,
    scheme: ClassScheme = DYNAMICS_SCHEME,
) -> IndexResult:
    """The graded index over the changes `now - then` (percentage points for rates)."""
    change = now.subtract(then.reindex(index=now.index, columns=now.columns))
    return graded_index(
        change,
        signs=signs,
        weights=weights,
        population=population,
        min_population=min_population,
        scheme=scheme,
        label="Dynamikindex",
    )


@dataclass(slots=True)
class Overlay:
    """Status × dynamics per area: 4 × 3 = 12 groups in Berlin's scheme.

    `attention` marks areas that need a closer look: a status in one of the two lowest
    classes ("niedrig", "sehr niedrig"), or a middle status with the worst dynamics
    ("mittel" + "negativ"), following Berlin's "Gebiete mit besonderem Aufmerksamkeitsbedarf".
    """

    table: pd.DataFrame  # status, status_class, dynamics, dynamics_class, group, attention
    excluded: dict[str, str] = field(default_factory=dict)


def overlay(status: IndexResult, dynamics: IndexResult) -> Overlay:
    """Combine status and dynamics for the areas present in both."""
    both = status.table.index.intersection(dynamics.table.index, sort=False)
    table = pd.DataFrame(
        {
            "status": status.table.loc[both, "value"],
            "status_class": status.table.loc[both, "class"],
            "dynamics": dynamics.table.loc[both, "value"],
            "dynamics_class": dynamics.table.loc[both, "class"],
        },
        index=both,
    )
    table["group"] = table["status_class"] + " / " + table["dynamics_class"]
    low = set(status.scheme.labels[-2:])
    middle = status.scheme.labels[1]
    worst = dynamics.scheme.labels[-1]
    table["attention"] = table["status_class"].isin(low) | (
        (table["status_class"] == middle) & (table["dynamics_class"] == worst)
    )
    excluded = {a: f"Status: {r}" for a, r in status.excluded.items()}
    excluded |= {a: f"Dynamik: {r}" for a, r in dynamics.excluded.items() if a not in excluded}
    return Overlay(table, excluded)


@dataclass(frozen=True, slots=True)
class IndexSpec:
    """How the status (and dynamics) index is computed over areas × indicators matrices."""

    signs: Mapping[str, int]  # -1 where a higher value is better
    weights: Mapping[str, float] | None = None
    population: pd.Series | None = None  # per area; None: no minimum population applies
    min_population: float = 0.0
    status_scheme: ClassScheme = STATUS_SCHEME
    dynamics_scheme: ClassScheme = DYNAMICS_SCHEME


def social_indices(
    now: pd.DataFrame, then: pd.DataFrame | None, spec: IndexSpec
) -> tuple[IndexResult, IndexResult | None, Overlay | None]:
    """The status index of `now` and, when `then` is given, the dynamics index of the
    changes `now - then` and the overlay of both."""
    minimum = spec.min_population if spec.population is not None else 0.0
    status = graded_index(
        now,
        signs=spec.signs,
        weights=spec.weights,
        population=spec.population,
        min_population=minimum,
        scheme=spec.status_scheme,
    )
    if then is None:
        return status, None, None
    dynamics = dynamics_index(
        now,
        then,
        signs=spec.signs,
        weights=spec.weights,
        population=spec.population,
        min_population=minimum,
        scheme=spec.dynamics_scheme,
    )
    return status, dynamics, overlay(status, dynamics)


def weights_from(text: str | Sequence[float] | None, columns: Sequence[str]) -> dict[str, float]:
    """Weights in column order from a list or text: "1,2,1", "1.5,1" or "1,5;1" (German).

    With ";" each weight may use a decimal comma; with "," as separator only a decimal
    point. Empty means all 1.
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return {c: 1.0 for c in columns}
    if isinstance(text, str):
        parts = text.split(";") if ";" in text else text.split(",")
        items = [float(p.strip().replace(",", ".")) for p in parts if p.strip()]
    else:
        items = [float(v) for v in text]
    if len(items) != len(columns):
        raise ValueError(
            f"Es wurden {len(items)} Gewichte für {len(columns)} Indikatoren angegeben."
        )
    return dict(zip(columns, items, strict=True))


def _signed(value: float) -> str:
    return format_german(value, 1 if value != int(value) else 0, sign=True)
