"""Indicator facts for a Quartier: value, "Stand", city value, ratio and change, all cited.

Figures in a draft come from here or from quoted passages, never from a model: each fact
holds the cells it read (a `SourceRef` with a column) and shows its computations (ratio to
the city value, change since the first year) with their inputs, so a reader can redo every
step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.drafting.outlines import AreaTest
from assistant.drafting.sources import DraftSource
from assistant.indicators.geography import area_type_called
from assistant.indicators.numbers import format_german
from assistant.indicators.operations import (
    CITY_KINDS,
    IndicatorQueryError,
    Observation,
    change,
    lookup,
)
from assistant.indicators.store import IndicatorStore
from assistant.models import SourceRef

# An area counts as clearly burdened (or favoured) on an indicator from this ratio on.
BURDEN_RATIO = 1.1


class UnknownArea(ValueError):
    """The Quartier is not in the indicator tables; the message is German."""


@dataclass(frozen=True, slots=True)
class IndicatorFact:
    key: str
    name: str
    unit: str
    direction: str  # higher_is_worse | higher_is_better | neutral | unknown
    is_count: bool  # counts and populations: no ratio to the city value
    area: str
    observation: Observation
    city: Observation | None = None
    start: Observation | None = None  # the first year with a value, for the change
    change_text: str = ""  # "+2,3 Prozentpunkte"

    @property
    def year(self) -> int | None:
        return self.observation.year

    @property
    def stand(self) -> str:
        """The reference date as the table gives it, else the year."""
        obs = self.observation
        return obs.reference or (str(obs.year) if obs.year is not None else "ohne Jahr")

    @property
    def shown(self) -> str:
        return self.observation.shown()

    @property
    def city_shown(self) -> str:
        return self.city.shown() if self.city is not None else ""

    @property
    def ratio(self) -> float | None:
        """Quartier value divided by the city value (None without both)."""
        value = self.observation.value
        city = self.city.value if self.city is not None else None
        if self.is_count or value is None or city is None or city == 0:
            return None
        return value / city

    @property
    def ratio_text(self) -> str:
        """The ratio as the draft shows it: one decimal ("2,1")."""
        ratio = self.ratio
        return format_german(ratio, 1) if ratio is not None else ""

    def burden(self) -> str:
        """„ungünstig“, „günstig“ or „unauffällig“ relative to the city, by direction."""
        ratio = self.ratio
        if ratio is None or self.direction not in ("higher_is_worse", "higher_is_better"):
            return "unauffällig"
        worse = (
            ratio >= BURDEN_RATIO
            if self.direction == "higher_is_worse"
            else (ratio <= 1 / BURDEN_RATIO)
        )
        better = (
            ratio <= 1 / BURDEN_RATIO
            if self.direction == "higher_is_worse"
            else (ratio >= BURDEN_RATIO)
        )
        return "ungünstig" if worse else "günstig" if better else "unauffällig"

    def computations(self) -> list[str]:
        """The computations behind the derived figures, German, with their inputs."""
        steps = []
        ratio = self.ratio
        if ratio is not None and self.city is not None:
            steps.append(
                f"Verhältnis zum Stadtwert: {self.observation.display} ÷ {self.city.display} = "
                f"{format_german(ratio, 2)}, gerundet {self.ratio_text}"
            )
        if self.start is not None and self.change_text:
            steps.append(
                f"Veränderung {self.start.year}–{self.year}: {self.observation.display} − "
                f"{self.start.display} = {self.change_text}"
            )
        return steps

    def source(self) -> DraftSource:
        """The fact as a citable source: values, their cells and the computations."""
        head = f"{self.name}, {self.area}, Stand {self.stand}"
        parts = [f"{head}: {self.shown} ({self.observation.ref.cell_label()})"]
        cells = [{"role": "quartier", **self.observation.ref.cell_json()}]
        if self.city is not None:
            parts.append(f"{self.city.area_name}: {self.city_shown} ({self.city.ref.cell_label()})")
            cells.append({"role": "stadt", **self.city.ref.cell_json()})
        if self.start is not None and self.change_text:
            start = self.start
            parts.append(f"{self.area} {start.year}: {start.shown()} ({start.ref.cell_label()})")
            cells.append({"role": "start", **self.start.ref.cell_json()})
        parts.extend(self.computations())
        ref = self.observation.ref
        return DraftSource(
            kind="indicator",
            label=f"{self.name} – {self.area}, Stand {self.stand}",
            text="; ".join(parts) + ".",
            ref=SourceRef(ref.doc_id, ref.source, sheet=ref.sheet, row=ref.row),
            cells=cells,
        )

    def sentence(self, n: int) -> str:
        """One German sentence with the fact and its source marker `[n]`."""
        text = f"{self.name}: {self.shown} (Stand {self.stand})"
        if self.city is not None:
            text += f"; {self.city.area_name}: {self.city_shown}"
            if self.ratio is not None:
                text += f", das {self.ratio_text}-Fache"
        if self.change_text and self.start is not None:
            text += f"; seit {self.start.year}: {self.change_text}"
        return f"{text} [{n}]"

    def row(self, n: int) -> dict[str, str]:
        """A row of the indicator table of a section (German column names)."""
        return {
            "Indikator": self.name,
            self.area: self.shown,
            "Stadt gesamt": self.city_shown or "–",
            "Verhältnis": f"{self.ratio_text}-fach" if self.ratio is not None else "–",
            "Entwicklung": (
                f"{self.change_text} seit {self.start.year}"
                if self.change_text and self.start is not None
                else "–"
            ),
            "Stand": self.stand,
            "Quelle": f"[{n}]",
        }


@dataclass(frozen=True, slots=True)
class AreaTestResult:
    """How many of the call's indicators reach `factor` x the city value."""

    test: AreaTest
    passed: tuple[IndicatorFact, ...]
    checked: tuple[IndicatorFact, ...]

    @property
    def met(self) -> bool:
        return len(self.passed) >= self.test.required

    def sentence(self, markers: str) -> str:
        factor = format_german(self.test.factor, 1)
        names = ", ".join(f.name for f in self.passed) or "keinem Indikator"
        verdict = "erfüllt" if self.met else "nicht erfüllt"
        return (
            f"Schwellenwertprüfung: Bei {len(self.passed)} von {len(self.checked)} "
            f"Indikatoren liegt das Quartier beim {factor}-Fachen des Stadtwerts oder darüber "
            f"({names}); verlangt sind mindestens {self.test.required} – die Vorgabe ist "
            f"{verdict} {markers}"
        )


def resolve_area(store: IndicatorStore, quartier: str, workspace: str = "default") -> str:
    """The display name of a Quartier given by name or code; UnknownArea if not in the tables."""
    frame = store.frame(workspace)
    if frame.empty:
        raise UnknownArea(
            "Es sind noch keine Indikatortabellen eingelesen. Bitte zuerst die Tabellen "
            "(CSV, XLSX) mit „planwerk ingest“ einlesen."
        )
    gazetteer = store.geographies(workspace)
    text = quartier.strip()
    key = gazetteer.resolve(text, text) if text.isdigit() else gazetteer.resolve("", text)
    if key is None or key not in set(frame["area_key"]):
        names = sorted(set(frame.loc[frame["aggregate"] == "", "area_label"]))
        raise UnknownArea(
            f"Das Quartier „{quartier}“ kommt in den Indikatortabellen nicht vor. "
            f"Bekannt sind: {', '.join(names)}."
        )
    return gazetteer.name(key)


def known_areas(store: IndicatorStore, workspace: str = "default") -> list[str]:
    """Names of the areas an IHK can be written for: the parts of a town in the indicator
    tables (Stadtteile, Stadtbezirke, areas of no known type), not the Gemeinden, Kreise
    or Länder of an export beside them; city totals excluded; sorted."""
    frame = store.frame(workspace)
    if frame.empty:
        return []
    town = area_type_called("Gemeinde")
    quartier_level = {
        g.id
        for g in store.geographies(workspace).items
        if g.area_type is None or town is None or g.area_type.level < town.level
    }
    areas = frame[(frame["aggregate"] == "") & frame["geography"].isin(quartier_level)]
    return sorted(set(areas["area_label"].astype(str)))


def indicator_fact(
    store: IndicatorStore, key: str, quartier: str, workspace: str = "default"
) -> IndicatorFact | None:
    """The latest value of one indicator for a Quartier, with city value and change.

    None when the indicator or the area's value is missing or masked by the privacy rule:
    a draft then lists the indicator as missing instead of showing a figure.
    """
    try:
        found = lookup(store, key, quartier, workspace=workspace)
    except IndicatorQueryError:
        return None
    observation = found.observation
    if observation.value is None:
        return None
    definition = found.indicator
    city = _city(store, key, observation.year, workspace)
    start, change_text = None, ""
    try:
        moved = change(store, key, quartier, end=observation.year, workspace=workspace)
    except IndicatorQueryError:
        moved = None
    if moved is not None and moved.start.year != observation.year:
        start, change_text = moved.start, moved.difference_text
    return IndicatorFact(
        key=key,
        name=definition.name,
        unit=definition.unit,
        direction=definition.direction,
        is_count=definition.is_count,
        area=observation.area_name,
        observation=observation,
        city=city,
        start=start,
        change_text=change_text,
    )


def indicator_facts(
    store: IndicatorStore, keys: Sequence[str], quartier: str, workspace: str = "default"
) -> tuple[list[IndicatorFact], list[str]]:
    """Facts for `keys` in order, and the keys without a usable value."""
    facts, missing = [], []
    for key in keys:
        fact = indicator_fact(store, key, quartier, workspace)
        if fact is None:
            missing.append(key)
        else:
            facts.append(fact)
    return facts, missing


def run_area_test(facts: Sequence[IndicatorFact], test: AreaTest) -> AreaTestResult:
    checked = tuple(f for f in facts if f.ratio is not None)
    passed = tuple(f for f in checked if (f.ratio or 0.0) >= test.factor)
    return AreaTestResult(test, passed, checked)


def indicator_name(store: IndicatorStore, key: str, workspace: str = "default") -> str:
    try:
        return store.definition(key, workspace).name
    except KeyError:
        return key


def _city(store: IndicatorStore, key: str, year: int | None, workspace: str) -> Observation | None:
    frame = store.frame(workspace)
    rows = frame[
        (frame["indicator"] == key) & frame["aggregate"].isin(CITY_KINDS) & frame["value"].notna()
    ]
    if year is not None:
        rows = rows[(rows["year"] == year).fillna(False).astype(bool)]
    if rows.empty:
        return None
    try:
        return lookup(store, key, str(rows["area_key"].iloc[0]), year, workspace).observation
    except IndicatorQueryError:
        return None
