"""Questions planners ask of indicator tables, each a function with a typed, cited result.

lookup · ranking (top/bottom N) · comparison of areas · sum of areas · share of one count
in another · change over years · deviation from the city average · share of areas above a
threshold · the graded social index.
Every figure in a result is an `Observation` that carries the cell it came from; counts
below the privacy minimum are masked here, so no caller can show them by accident.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from assistant.indicators.catalogue import IndicatorDef, words
from assistant.indicators.composite import (
    DYNAMICS_SCHEME,
    ClassScheme,
    IndexResult,
    IndexSpec,
    Overlay,
    social_indices,
)
from assistant.indicators.numbers import FRACTION, format_german
from assistant.indicators.store import IndicatorStore
from assistant.language.cues import cues
from assistant.models import SourceRef

CITY_KINDS = ("Gesamtstadt",)


@dataclass(frozen=True, slots=True)
class Scope:
    """Where an operation computes: one geography (see `geography.Geographies`) and,
    where the table names the Land of each row, optionally one Land."""

    geography: str | None = None
    region: str | None = None


class IndicatorQueryError(Exception):
    """A query that cannot be answered; `str(error)` is a German message for the user."""


@dataclass(frozen=True, slots=True)
class Observation:
    """One value of one area, indicator and year, with its source cell."""

    area_key: str
    area_name: str
    indicator: str
    year: int | None
    value: float | None
    display: str  # German, as in the source cell ("23,4"); masked counts read "unter 3"
    unit: str
    decimals: int
    ref: SourceRef  # the source cell (`column` set); `cell_label()` names it
    missing: str = ""  # German reason when value is None
    aggregate: str = ""
    reference: str = ""  # reference date as the table wrote it: "Dez 2013", "31.12.2023"
    masked: bool = False  # a count below the privacy minimum, deliberately not shown

    def shown(self) -> str:
        """The figure with its unit for a German sentence: "23,4 %", "7.834", "35,7 m²";
        a fraction as the cell shows it and in percent: "0,147 (= 14,7 %)"."""
        if self.value is None:
            return self.display if self.display.startswith("unter ") else "kein Wert"
        if self.unit == FRACTION:
            return f"{self.display} (= {format_german(self.value * 100, 1)} %)"
        return with_unit(self.display, self.unit)


@dataclass(slots=True)
class LookupResult:
    """The value asked for; `fallback` is the latest shown value when that one is missing."""

    indicator: IndicatorDef
    observation: Observation
    fallback: Observation | None = None


@dataclass(slots=True)
class RankingResult:
    """The top or bottom `n` areas; ties share a rank (1, 2, 2, 4)."""

    indicator: IndicatorDef
    year: int | None
    highest: bool
    entries: list[Observation]
    ranks: list[int]
    total: int  # areas with a value, aggregates excluded
    missing: list[Observation] = field(default_factory=list)  # areas without a value
    aggregates: list[Observation] = field(default_factory=list)  # left out of the ranking


@dataclass(slots=True)
class ComparisonResult:
    indicator: IndicatorDef
    year: int | None
    observations: list[Observation]

    def difference(self) -> float | None:
        """First minus second area, when both have a value."""
        values = [o.value for o in self.observations[:2]]
        if len(values) < 2 or values[0] is None or values[1] is None:
            return None
        return values[0] - values[1]


@dataclass(slots=True)
class SumResult:
    """The values of several areas in one year and, for a count, their sum."""

    indicator: IndicatorDef
    year: int | None
    observations: list[Observation]
    total: float | None  # None for a rate, or when a value is missing or masked

    @property
    def decimals(self) -> int:
        return max(o.decimals for o in self.observations)


@dataclass(slots=True)
class ShareResult:
    """One count as a share of another: the part (one or several areas' values, added
    up) divided by the whole (the same areas' values of the whole's indicator, or the city
    total row of the part's own indicator)."""

    part_indicator: IndicatorDef
    whole_indicator: IndicatorDef
    part: list[Observation]
    whole: list[Observation]
    percent: float | None  # None when a value is masked or missing
    city: bool  # the whole is the city total row of the part's own indicator

    @property
    def year(self) -> int | None:
        return self.whole[0].year

    @staticmethod
    def added(observations: Sequence[Observation]) -> float:
        return math.fsum(o.value or 0.0 for o in observations)


@dataclass(slots=True)
class ChangeResult:
    """Change of one area between two years: absolute (percentage points for rates)."""

    indicator: IndicatorDef
    start: Observation
    end: Observation
    difference: float  # end - start, in the indicator's unit (percentage points for %)
    relative: float | None  # percent change relative to the start value
    decimals: int

    @property
    def difference_text(self) -> str:
        text = format_german(self.difference, self.decimals, sign=True)
        return change_unit(text, self.indicator.unit or self.end.unit)


@dataclass(slots=True)
class DeviationResult:
    """An area against the city average (population-weighted when a population exists)."""

    indicator: IndicatorDef
    year: int | None
    observation: Observation
    average: float
    average_text: str
    method: str  # German: how the average was computed
    difference: float
    average_ref: SourceRef | None = None  # the city total row, when that was the average
    city: Observation | None = None  # the table's own city total, shown for comparison


@dataclass(slots=True)
class ThresholdResult:
    indicator: IndicatorDef
    year: int | None
    threshold: float
    above: bool
    matching: list[Observation]
    total: int

    @property
    def share(self) -> float:
        return len(self.matching) / self.total if self.total else 0.0


@dataclass(slots=True)
class SocialIndexResult:
    """Status and dynamics index over store values, with names and source cells."""

    year: int
    since: int | None
    indicators: list[IndicatorDef]
    status: IndexResult
    dynamics: IndexResult | None
    overlay: Overlay | None
    names: dict[str, str]
    cells: pd.DataFrame  # the store rows of both years, indexed by (area, indicator, year)
    population: str | None  # indicator key used for the minimum population
    min_population: float

    def ref(self, area: str, indicator: str, year: int) -> SourceRef | None:
        """The source cell of one input value (looked up only for what an answer cites)."""
        row = self._row(area, indicator, year)
        return None if row is None else _ref(row)

    def display(self, area: str, indicator: str, year: int) -> str:
        row = self._row(area, indicator, year)
        return "" if row is None else str(row["display"])

    def _row(self, area: str, indicator: str, year: int) -> pd.Series | None:
        try:
            found = self.cells.loc[(area, indicator, year)]
        except KeyError:
            return None
        return found.iloc[0] if isinstance(found, pd.DataFrame) else found


# --------------------------------------------------------------------------------------------
# Formatting helpers shared with the router and the export
# --------------------------------------------------------------------------------------------


def with_unit(text: str, unit: str) -> str:
    """ "23,4" + "%" -> "23,4 %"; counts, fractions and unit-less values stay bare."""
    if not unit or unit in ("Anzahl", FRACTION) or unit in text:
        return text
    return f"{text} {unit}"


def change_unit(text: str, unit: str) -> str:
    """A change in the indicator's unit: percentage points for rates."""
    if unit == "%":
        return f"{text} Prozentpunkte"
    return with_unit(text, unit)


# --------------------------------------------------------------------------------------------
# Operations
# --------------------------------------------------------------------------------------------


def lookup(
    store: IndicatorStore,
    indicator: str,
    area: str,
    year: int | None = None,
    workspace: str = "default",
    scope: Scope | None = None,
) -> LookupResult:
    """The value of one area (name, code or key; also "Stadt gesamt") in one year."""
    definition, frame = _indicator_frame(store, indicator, workspace, scope)
    key = _area_key(store, frame, area, workspace)
    rows = frame[frame["area_key"] == key]
    if rows.empty:
        raise IndicatorQueryError(f"Für „{area}“ gibt es keinen Wert zu „{definition.name}“.")
    # Without a year the indicator's latest year counts, even if this area's cell there is
    # suppressed: the answer says so and adds the latest value that is shown.
    latest = _latest_year(frame[frame["aggregate"] == rows["aggregate"].iloc[0]])
    chosen_year = year if year is not None else latest
    at_year = rows[_year_is(rows, chosen_year)]
    if at_year.empty and year is None:
        chosen_year = _latest_year(rows)
        at_year = rows[_year_is(rows, chosen_year)]
    if at_year.empty:
        raise IndicatorQueryError(
            f"Für „{area}“ gibt es zu „{definition.name}“ keinen Wert für {chosen_year}."
        )
    found = _observation(at_year.iloc[0], definition, store.min_count)
    fallback = None
    if found.value is None and not found.masked:
        earlier = rows[rows["value"].notna()]
        if chosen_year is not None:
            earlier = earlier[(earlier["year"] < chosen_year).fillna(False).astype(bool)]
        if not earlier.empty:
            best = earlier.sort_values("year").iloc[-1]
            fallback = _observation(best, definition, store.min_count)
    return LookupResult(definition, found, fallback)


def rank(
    store: IndicatorStore,
    indicator: str,
    year: int | None = None,
    n: int = 3,
    highest: bool = True,
    workspace: str = "default",
    scope: Scope | None = None,
) -> RankingResult:
    """The `n` areas with the highest (or lowest) values; totals and missing values left out."""
    definition, frame = _indicator_frame(store, indicator, workspace, scope)
    chosen_year = year if year is not None else _latest_year(frame[frame["aggregate"] == ""])
    rows = frame[_year_is(frame, chosen_year)]
    observations = [_observation(r, definition, store.min_count) for _, r in rows.iterrows()]
    areas = [o for o in observations if not o.aggregate]
    with_value = [o for o in areas if o.value is not None]
    ordered = sorted(
        with_value,
        key=lambda o: ((-o.value if highest else o.value), o.area_name),  # type: ignore[operator]
    )
    ranks = _competition_ranks([o.value for o in ordered])  # type: ignore[misc]
    cut = [i for i, r in enumerate(ranks) if r <= n]
    return RankingResult(
        definition,
        chosen_year,
        highest,
        [ordered[i] for i in cut],
        [ranks[i] for i in cut],
        len(with_value),
        [o for o in areas if o.value is None],
        [o for o in observations if o.aggregate],
    )


def compare(
    store: IndicatorStore,
    indicator: str,
    areas: Sequence[str],
    year: int | None = None,
    workspace: str = "default",
    scope: Scope | None = None,
) -> ComparisonResult:
    """The values of several areas in one year (the latest year all of them have)."""
    definition, frame = _indicator_frame(store, indicator, workspace, scope)
    keys = [_area_key(store, frame, area, workspace) for area in areas]
    rows = frame[frame["area_key"].isin(keys)]
    if year is None:
        common = None
        for key in keys:
            years = set(
                rows.loc[(rows["area_key"] == key) & rows["value"].notna(), "year"].dropna()
            )
            common = years if common is None else common & years
        year = int(max(common)) if common else _latest_year(rows)
    observations = []
    for key, area in zip(keys, areas, strict=True):
        at = rows[(rows["area_key"] == key) & _year_is(rows, year)]
        if at.empty:
            raise IndicatorQueryError(
                f"Für „{area}“ gibt es zu „{definition.name}“ keinen Wert für {year}."
            )
        observations.append(_observation(at.iloc[0], definition, store.min_count))
    return ComparisonResult(definition, year, observations)


def summable(definition: IndicatorDef) -> bool:
    """Whether an indicator's values of several areas may be added up: counts and
    populations, and header-derived figures without a unit whose name says no share,
    average or density („alle Arbeitslosen“ as an annual average). Rates never are."""
    if definition.is_count:
        return True
    if definition.kind != "other" or definition.unit not in ("", "Anzahl"):
        return False
    return not cues().not_summable.in_words(words(definition.name))


def total(
    store: IndicatorStore,
    indicator: str,
    areas: Sequence[str],
    year: int | None = None,
    workspace: str = "default",
    scope: Scope | None = None,
) -> SumResult:
    """The values of several areas in one year (the latest all of them have) and, when
    the indicator is a count and every value is shown, their sum. A value masked by the
    privacy rule is not added: the sum would tell more than the table shows."""
    compared = compare(store, indicator, areas, year, workspace, scope)
    values = [o.value for o in compared.observations]
    add_up = summable(compared.indicator) and all(v is not None for v in values)
    result = math.fsum(v for v in values if v is not None) if add_up else None
    return SumResult(compared.indicator, compared.year, compared.observations, result)


def share(
    store: IndicatorStore,
    part: str,
    whole: str,
    areas: Sequence[str],
    year: int | None = None,
    workspace: str = "default",
    scope: Scope | None = None,
) -> ShareResult:
    """`part` in `areas` (added up) as a percentage of `whole`: of the same areas when
    `whole` is another indicator („Alleinerziehende“ of „Haushalte“), of the city total
    row when it is the same („Einwohner“ of Chorweiler of those of Köln). Both must be
    counts. A masked or missing value leaves `percent` None: nothing is computed from a
    count the privacy rule hides. Without areas, both come from the city total rows."""
    part_def, whole_def = store.definition(part, workspace), store.definition(whole, workspace)
    if not (summable(part_def) and summable(whole_def)):
        raise IndicatorQueryError("Ein Anteil wird nur aus zwei Zählwerten berechnet.")
    city = part == whole
    if city or not areas:  # of the city's, or the city's own share
        whole_areas = [_city_total(store, whole, workspace, scope)]
        areas = areas or [_city_total(store, part, workspace, scope)]
    else:
        whole_areas = list(areas)
    if year is None:
        year = _common_share_year(store, part, whole, areas, whole_areas, workspace, scope)
    parts = compare(store, part, areas, year, workspace, scope).observations
    wholes = compare(store, whole, whole_areas, year, workspace, scope).observations
    complete = all(o.value is not None for o in (*parts, *wholes))
    whole_value = ShareResult.added(wholes)
    percent = ShareResult.added(parts) / whole_value * 100.0 if complete and whole_value else None
    return ShareResult(part_def, whole_def, parts, wholes, percent, city)


def _city_total(store: IndicatorStore, indicator: str, workspace: str, scope: Scope | None) -> str:
    """The key of the indicator's city total row („Stadt gesamt“)."""
    definition, frame = _indicator_frame(store, indicator, workspace, scope)
    totals = frame[frame["aggregate"].isin(CITY_KINDS) & frame["value"].notna()]
    if totals.empty:
        raise IndicatorQueryError(
            f"Zu „{definition.name}“ hat die Tabelle keine Zeile für die ganze Stadt."
        )
    return str(totals["area_key"].iloc[0])


def _common_share_year(
    store: IndicatorStore,
    part: str,
    whole: str,
    areas: Sequence[str],
    whole_areas: Sequence[str],
    workspace: str,
    scope: Scope | None,
) -> int | None:
    """The latest year in which the part's areas and the whole's all have a value."""
    common: set[int] | None = None
    for indicator, keys in ((part, areas), (whole, whole_areas)):
        _, frame = _indicator_frame(store, indicator, workspace, scope)
        for area in keys:
            key = _area_key(store, frame, area, workspace)
            rows = frame[(frame["area_key"] == key) & frame["value"].notna()]
            years = {int(y) for y in rows["year"].dropna()}
            common = years if common is None else common & years
    return max(common) if common else None


def series(
    store: IndicatorStore,
    indicator: str,
    areas: Sequence[str],
    workspace: str = "default",
    scope: Scope | None = None,
) -> list[Observation]:
    """Every year's value of the given areas (keys or names), area by area, oldest first."""
    definition, frame = _indicator_frame(store, indicator, workspace, scope)
    keys = [_area_key(store, frame, area, workspace) for area in areas]
    rows = frame[frame["area_key"].isin(keys) & frame["year"].notna()]
    order = {key: i for i, key in enumerate(keys)}
    rows = rows.assign(_order=rows["area_key"].map(order)).sort_values(["_order", "year"])
    return [_observation(r, definition, store.min_count) for _, r in rows.iterrows()]


def change(
    store: IndicatorStore,
    indicator: str,
    area: str,
    start: int | None = None,
    end: int | None = None,
    workspace: str = "default",
    scope: Scope | None = None,
) -> ChangeResult:
    """Change of one area from `start` (default: first year) to `end` (default: last year)."""
    definition, frame = _indicator_frame(store, indicator, workspace, scope)
    key = _area_key(store, frame, area, workspace)
    rows = frame[(frame["area_key"] == key) & frame["value"].notna()]
    years = sorted(int(y) for y in rows["year"].dropna().unique())
    if len(years) < 2:
        raise IndicatorQueryError(
            f"Für „{area}“ liegt „{definition.name}“ nicht für mehrere Jahre vor."
        )
    start = start if start is not None else years[0]
    end = end if end is not None else years[-1]
    if start not in years or end not in years or start == end:
        available = ", ".join(str(y) for y in years)
        raise IndicatorQueryError(
            f"„{definition.name}“ für „{area}“ gibt es für die Jahre {available}, "
            f"nicht für {start} und {end}."
        )
    first = _observation(rows[rows["year"] == start].iloc[0], definition, store.min_count)
    last = _observation(rows[rows["year"] == end].iloc[0], definition, store.min_count)
    if first.value is None or last.value is None:
        raise IndicatorQueryError("Einer der Werte ist aus Datenschutzgründen nicht ausgewiesen.")
    difference = last.value - first.value
    relative = difference / abs(first.value) * 100.0 if first.value else None
    decimals = max(first.decimals, last.decimals)
    return ChangeResult(
        definition, first, last, round(difference, decimals + 6), relative, decimals
    )


@dataclass(slots=True)
class ChangeRanking:
    """Areas ordered by their change between two years (largest increase first by default)."""

    indicator: IndicatorDef
    start: int
    end: int
    increase: bool
    entries: list[ChangeResult]
    total: int


def rank_change(
    store: IndicatorStore,
    indicator: str,
    start: int | None = None,
    end: int | None = None,
    n: int = 3,
    increase: bool = True,
    workspace: str = "default",
    scope: Scope | None = None,
) -> ChangeRanking:
    """The `n` areas whose value rose (or fell) most between `start` and `end`."""
    definition, frame = _indicator_frame(store, indicator, workspace, scope)
    chosen = _chosen(frame, scope)
    areas = frame[(frame["aggregate"] == "") & frame["value"].notna()]
    years = sorted(int(y) for y in areas["year"].dropna().unique())
    if len(years) < 2:
        raise IndicatorQueryError(f"„{definition.name}“ liegt nicht für mehrere Jahre vor.")
    start = start if start is not None else years[0]
    end = end if end is not None else years[-1]
    results = []
    for key in areas["area_key"].unique():
        try:
            results.append(change(store, indicator, str(key), start, end, workspace, chosen))
        except IndicatorQueryError:
            continue  # the area lacks one of both years
    if not results:
        raise IndicatorQueryError(
            f"Für „{definition.name}“ gibt es keine Gebiete mit Werten für {start} und {end}."
        )
    results.sort(key=lambda r: (-r.difference if increase else r.difference, r.end.area_name))
    return ChangeRanking(definition, start, end, increase, results[:n], len(results))


def deviation(
    store: IndicatorStore,
    indicator: str,
    area: str,
    year: int | None = None,
    workspace: str = "default",
    scope: Scope | None = None,
) -> DeviationResult:
    """How far an area lies from the city average of the same year.

    The average is population-weighted when a population indicator (kind "population")
    covers the areas in that year; otherwise it is the city total row of the table
    ("Stadt gesamt"), and without one the plain mean of the areas.
    """
    definition, frame = _indicator_frame(store, indicator, workspace, scope)
    chosen = _chosen(frame, scope)
    found = lookup(store, indicator, area, year, workspace, chosen).observation
    if found.value is None:
        raise IndicatorQueryError(f"Für „{area}“ ist kein Wert ausgewiesen ({found.missing}).")
    chosen_year = found.year
    rows = frame[_year_is(frame, chosen_year)]
    areas = rows[(rows["aggregate"] == "") & rows["value"].notna()]
    population = _population(store, workspace, chosen_year, str(chosen.geography))
    decimals = found.decimals
    if population is not None and not areas.empty:
        weights = population.reindex(areas["area_key"].to_numpy())
        usable = weights.notna().to_numpy()
        if usable.sum() >= max(2, 0.8 * len(areas)):
            values = areas["value"].to_numpy()[usable]
            w = weights.to_numpy()[usable].astype(float)
            average = float(np.average(values, weights=w))
            of_year = f" {chosen_year}" if chosen_year is not None else ""
            method = (
                f"Durchschnitt der {int(usable.sum())} Gebiete, gewichtet mit der "
                f"Einwohnerzahl{of_year}"
            )
            result = _deviation(definition, chosen_year, found, average, decimals, method)
            result.city = _city_row(rows, definition, store.min_count)
            return result
    city = rows[rows["aggregate"].isin(CITY_KINDS) & rows["value"].notna()]
    if not city.empty:
        total = _observation(city.iloc[0], definition, store.min_count)
        method = f"Wert der Zeile „{total.area_name}“ in der Tabelle"
        return _deviation(
            definition, chosen_year, found, float(total.value or 0.0), decimals, method, total.ref
        )
    if areas.empty:
        raise IndicatorQueryError(f"Zu „{definition.name}“ gibt es keine Vergleichswerte.")
    average = float(areas["value"].mean())
    method = f"ungewichteter Durchschnitt der {len(areas)} Gebiete (keine Einwohnerzahlen)"
    return _deviation(definition, chosen_year, found, average, decimals, method)


def share_above(
    store: IndicatorStore,
    indicator: str,
    threshold: float,
    year: int | None = None,
    above: bool = True,
    workspace: str = "default",
    scope: Scope | None = None,
) -> ThresholdResult:
    """Areas whose value lies above (or below) `threshold`, and their share of all areas."""
    definition, frame = _indicator_frame(store, indicator, workspace, scope)
    chosen_year = year if year is not None else _latest_year(frame[frame["aggregate"] == ""])
    rows = frame[_year_is(frame, chosen_year) & (frame["aggregate"] == "")]
    observations = [_observation(r, definition, store.min_count) for _, r in rows.iterrows()]
    valued = [(o, o.value) for o in observations if o.value is not None]
    matching = [(o, v) for o, v in valued if (v > threshold if above else v < threshold)]
    matching.sort(key=lambda pair: -pair[1] if above else pair[1])
    found = [o for o, _ in matching]
    return ThresholdResult(definition, chosen_year, threshold, above, found, len(valued))


def social_index(
    store: IndicatorStore,
    indicators: Sequence[str] | None = None,
    year: int | None = None,
    since: int | None = None,
    weights: Mapping[str, float] | None = None,
    min_population: float | None = None,
    workspace: str = "default",
    *,
    dynamics: bool = True,
    scope: Scope | None = None,
) -> SocialIndexResult:
    """Status index (and dynamics index and overlay) over indicators of the store.

    Defaults come from the catalogue's `index:` section: its status indicators, minimum
    population and the two-year distance of the dynamics. Higher-is-better indicators are
    turned around (see `composite`), so "sehr niedrig" always means most burdened.
    """
    defaults = store.catalogue.index
    frame = store.frame(workspace)
    wanted_keys = list(indicators or defaults.status)
    geography = scope.geography if scope else None
    if geography is None:
        # The geography holding most of the index's indicators; ties by preference.
        holding = frame[frame["indicator"].isin(wanted_keys)].groupby("geography")["indicator"]
        counts = holding.nunique()
        best = counts[counts == counts.max()].index if not counts.empty else []
        preferred = store.geographies(workspace).preferred(best)
        geography = preferred.id if preferred is not None else ""
    frame = frame[frame["geography"] == geography]
    available = set(frame["indicator"].unique())
    keys = [k for k in wanted_keys if k in available]
    if not keys:
        wanted = ", ".join(indicators or defaults.status)
        raise IndicatorQueryError(
            f"Für den Index fehlen die Indikatoren ({wanted}) in den eingelesenen Tabellen."
        )
    definitions = [store.definition(k, workspace) for k in keys]
    areas = frame[(frame["aggregate"] == "") & frame["indicator"].isin(keys)]
    year = year if year is not None else _common_latest_year(areas, keys)
    wide_now = _wide(areas, keys, year)
    pop_key, population = _population_with_key(store, workspace, year, geography)
    limit = defaults.min_population if min_population is None else min_population
    spec = IndexSpec(
        signs={d.key: d.sign for d in definitions},
        weights=dict(weights or {k: defaults.weights.get(k, 1.0) for k in keys}),
        population=population,
        min_population=limit,
        status_scheme=ClassScheme(defaults.status_thresholds, defaults.status_labels),
        dynamics_scheme=ClassScheme(defaults.dynamics_thresholds, defaults.dynamics_labels)
        if defaults.dynamics_labels
        else DYNAMICS_SCHEME,
    )
    wide_then = None
    if dynamics:
        since = since if since is not None else year - defaults.dynamics_years
        years = set(areas["year"].dropna().astype(int))
        if since in years and since != year:
            wide_then = _wide(areas, keys, since)
        else:
            since = None
    status, dyn, combined = social_indices(wide_now, wide_then, spec)
    labels = areas.drop_duplicates("area_key")
    names = dict(zip(labels["area_key"].tolist(), labels["area_label"].tolist(), strict=True))
    cited = areas[areas["year"].isin([y for y in (year, since) if y is not None])]
    cells = cited.set_index(["area_key", "indicator", "year"], drop=False).sort_index()
    return SocialIndexResult(
        year, since, definitions, status, dyn, combined, names, cells, pop_key, limit
    )


# --------------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------------


def _indicator_frame(
    store: IndicatorStore, indicator: str, workspace: str, scope: Scope | None = None
) -> tuple[IndicatorDef, pd.DataFrame]:
    """The indicator's rows of one geography (and Land, if asked): the scope's, else the
    preferred one of those that have the indicator, so no operation ever mixes places."""
    frame = store.frame(workspace)
    rows = frame[frame["indicator"] == indicator]
    if rows.empty:
        raise IndicatorQueryError(f"Der Indikator „{indicator}“ ist in keiner Tabelle enthalten.")
    geography = scope.geography if scope else None
    if geography is None:
        preferred = store.geographies(workspace).preferred(rows["geography"].unique())
        geography = preferred.id if preferred is not None else ""
    rows = rows[rows["geography"] == geography]
    if scope is not None and scope.region and (rows["region"] != "").any():
        rows = rows[rows["region"] == scope.region]
        if rows.empty:
            raise IndicatorQueryError(f"Für {scope.region} enthält die Tabelle keine Werte.")
    return store.definition(indicator, workspace), rows


def _chosen(frame: pd.DataFrame, scope: Scope | None) -> Scope:
    """The scope an operation settled on, for the operations it calls in turn."""
    region = scope.region if scope else None
    return Scope(str(frame["geography"].iloc[0]), region)


def _area_key(store: IndicatorStore, frame: pd.DataFrame, area: str, workspace: str) -> str:
    known = set(frame["area_key"])
    if area in known:
        return area
    gazetteer = store.geographies(workspace)
    text = area.strip()
    keys = gazetteer.resolve_all(text, text) if text.isdigit() else gazetteer.resolve_all("", text)
    for key in keys:
        if key in known:
            return key
    totals = frame[frame["aggregate"] != ""]
    wanted = area.casefold()
    for row_key, name in zip(totals["area_key"], totals["area_name"], strict=True):
        if str(name).casefold() == wanted:
            return str(row_key)
    raise IndicatorQueryError(f"Das Gebiet „{area}“ ist in den Tabellen nicht bekannt.")


def _observation(row: pd.Series, definition: IndicatorDef, min_count: int) -> Observation:
    value = None if pd.isna(row["value"]) else float(row["value"])
    display = str(row["display"])
    missing = str(row["missing"])
    ref = _ref(row)
    masked = value is not None and definition.is_count and value < min_count
    if masked:
        # Privacy rule: small counts are never shown, not even in the citation.
        value, display = None, f"unter {min_count}"
        missing = f"Fallzahl unter {min_count}, aus Datenschutzgründen nicht ausgewiesen"
        ref = replace(ref, value_text="(nicht ausgewiesen)")
    year = None if pd.isna(row["year"]) else int(row["year"])
    return Observation(
        area_key=str(row["area_key"]),
        area_name=str(row["area_label"] if not row["aggregate"] else row["area_name"]),
        indicator=definition.key,
        year=year,
        value=value,
        display=display,
        unit=FRACTION if row["unit"] == FRACTION else definition.unit or str(row["unit"] or ""),
        decimals=int(row["decimals"]),
        ref=ref,
        missing=missing,
        aggregate=str(row["aggregate"] or ""),
        reference=str(row["reference"] or ""),
        masked=masked,
    )


def _ref(row: pd.Series) -> SourceRef:
    get = row.__getitem__
    sheet = get("sheet")
    return SourceRef(
        doc_id=str(get("doc_id")),
        source=str(get("source")),
        sheet=None
        if sheet is None or (isinstance(sheet, float) and math.isnan(sheet))
        else str(sheet),
        row=int(get("row")),
        column=str(get("column")),
        column_name=str(get("column_name")),
        value_text=str(get("value_text")),
    )


def _latest_year(rows: pd.DataFrame) -> int | None:
    years = rows.loc[rows["value"].notna(), "year"].dropna()
    if years.empty:
        years = rows["year"].dropna()
    return int(years.max()) if not years.empty else None


def _common_latest_year(rows: pd.DataFrame, keys: Sequence[str]) -> int:
    common: set[int] | None = None
    for key in keys:
        years = set(rows.loc[(rows["indicator"] == key) & rows["value"].notna(), "year"].dropna())
        common = {int(y) for y in years} if common is None else common & {int(y) for y in years}
    if not common:
        raise IndicatorQueryError("Die gewählten Indikatoren haben kein gemeinsames Jahr.")
    return max(common)


def _year_is(rows: pd.DataFrame, year: int | None) -> pd.Series:
    if year is None:
        return rows["year"].isna()
    return (rows["year"] == year).fillna(False).astype(bool)


def _wide(rows: pd.DataFrame, keys: Sequence[str], year: int) -> pd.DataFrame:
    at = rows[_year_is(rows, year)].drop_duplicates(["area_key", "indicator"])
    wide = at.pivot(index="area_key", columns="indicator", values="value")
    all_areas = sorted(rows["area_key"].unique().tolist())
    return wide.reindex(index=all_areas, columns=list(keys))


def _population(
    store: IndicatorStore, workspace: str, year: int | None, geography: str
) -> pd.Series | None:
    return _population_with_key(store, workspace, year, geography)[1]


def _population_with_key(
    store: IndicatorStore, workspace: str, year: int | None, geography: str
) -> tuple[str | None, pd.Series | None]:
    frame = store.frame(workspace)
    candidates = frame[
        (frame["kind"] == "population")
        & (frame["aggregate"] == "")
        & (frame["geography"] == geography)
    ]
    if candidates.empty:
        return None, None
    at = candidates[_year_is(candidates, year)]
    if at.empty:
        return None, None
    key = str(at["indicator"].value_counts().index[0])
    series = at[at["indicator"] == key].set_index("area_key")["value"]
    return key, series[~series.index.duplicated()]


def _city_row(rows: pd.DataFrame, definition: IndicatorDef, min_count: int) -> Observation | None:
    city = rows[rows["aggregate"].isin(CITY_KINDS) & rows["value"].notna()]
    return _observation(city.iloc[0], definition, min_count) if not city.empty else None


def _deviation(
    definition: IndicatorDef,
    year: int | None,
    found: Observation,
    average: float,
    decimals: int,
    method: str,
    average_ref: SourceRef | None = None,
) -> DeviationResult:
    difference = float(found.value or 0.0) - average
    return DeviationResult(
        definition,
        year,
        found,
        average,
        format_german(average, decimals),
        method,
        difference,
        average_ref,
    )


def _competition_ranks(values: Sequence[float]) -> list[int]:
    ranks: list[int] = []
    for index, value in enumerate(values):
        if index and value == values[index - 1]:
            ranks.append(ranks[-1])
        else:
            ranks.append(index + 1)
    return ranks
