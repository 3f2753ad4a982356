"""Indicators, figures and the graded social index of the demo city."""

from __future__ import annotations

import csv
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

YEARS: tuple[int, ...] = (2019, 2020, 2021, 2022, 2023)
CITY_CODE = "00"
CITY_LABEL = "Stadt gesamt"
SUPPRESS_BELOW = 5  # counts below this are shown as "."
SUPPRESSED = "."
NBSP = "\u00a0"


# --------------------------------------------------------------------------------------------
# Number formatting (German conventions)
# --------------------------------------------------------------------------------------------


def round_half_up(value: float, decimals: int = 0) -> Decimal:
    """Round like a statistics office does (0.05 -> 0.1), not like Python's round()."""
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def de_number(value: float, decimals: int = 1, thousands: bool = True) -> str:
    """Format a number German-style: ``1.234`` or ``23,4``."""
    text = f"{round_half_up(value, decimals):,.{decimals}f}"
    if not thousands:
        text = text.replace(",", "")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def de_signed(value: float, decimals: int = 1) -> str:
    """Signed German number, e.g. ``+1,7`` or ``-0,4`` (zero gets no sign)."""
    rounded = round_half_up(value, decimals)
    text = de_number(abs(float(rounded)), decimals)
    if rounded > 0:
        return "+" + text
    if rounded < 0:
        return "-" + text
    return text


# --------------------------------------------------------------------------------------------
# Indicators and figures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One published indicator. ``base`` names the denominator used for the city total."""

    key: str
    label: str
    short: str
    unit: str
    decimals: int
    base: str | None = None
    suppressible: bool = False
    head: str = ""  # label for narrow table headers; soft hyphens (\xad) mark breaks

    @property
    def header(self) -> str:
        """Short label for narrow table columns."""
        return self.head or self.short


INDICATORS: tuple[Indicator, ...] = (
    Indicator("einwohner", "Einwohnerinnen und Einwohner", "Einwohner", "Anzahl", 0),
    Indicator("anteil_unter_18", "Anteil unter 18 Jahren", "unter 18 J.", "%", 1, "einwohner"),
    Indicator("anteil_ab_65", "Anteil 65 Jahre und älter", "65 J. u. älter", "%", 1, "einwohner"),
    Indicator(
        "migrationshintergrund",
        "Anteil mit Migrationshintergrund",
        "Migrationshintergrund",
        "%",
        1,
        "einwohner",
        head="Migrations\xadhintergrund",
    ),
    Indicator("sgb2_quote", "SGB-II-Quote", "SGB-II-Quote", "%", 1, "unter_65", True),
    Indicator(
        "kinderarmut",
        "Kinderarmut (unter 15-Jährige in SGB-II-Bedarfsgemeinschaften)",
        "Kinderarmut",
        "%",
        1,
        "unter_15",
        True,
        head="Kinder\xadarmut",
    ),
    Indicator(
        "arbeitslosenanteil",
        "Arbeitslosenanteil (SGB II)",
        "Arbeitslosenanteil",
        "%",
        1,
        "fuenfzehn_bis_unter_65",
        True,
        head="Arbeitslosen\xadanteil",
    ),
    Indicator(
        "jugendarbeitslosigkeit",
        "Jugendarbeitslosigkeit (15 bis unter 25 Jahre)",
        "Jugendarbeitslosigkeit",
        "%",
        1,
        "fuenfzehn_bis_unter_25",
        True,
        head="Jugend\xadarbeits\xadlosigkeit",
    ),
    Indicator(
        "alleinerziehende",
        "Anteil Alleinerziehender an den Haushalten mit Kindern",
        "Alleinerziehende",
        "%",
        1,
        "haushalte_mit_kindern",
        head="Allein\xaderziehende",
    ),
    Indicator(
        "altersarmut",
        "Altersarmut (Grundsicherung im Alter, 65 Jahre und älter)",
        "Altersarmut",
        "%",
        1,
        "ab_65",
        True,
        head="Alters\xadarmut",
    ),
    Indicator(
        "uebergang_gymnasium",
        "Übergangsquote auf das Gymnasium",
        "Übergang Gymnasium",
        "%",
        1,
        "schueler_klasse_4",
        head="Übergang Gymnasium",
    ),
    Indicator(
        "wohnflaeche",
        "Wohnfläche je Person",
        "Wohnfläche je Person",
        "m²",
        1,
        "einwohner",
        head="Wohnfläche je Person",
    ),
    Indicator(
        "wohndauer_5j",
        "Anteil mit Wohndauer über 5 Jahre",
        "Wohndauer > 5 J.",
        "%",
        1,
        "einwohner",
    ),
)
IND: dict[str, Indicator] = {ind.key: ind for ind in INDICATORS}

# Indicators stored as ready-made rates in figures.csv; the others are computed from counts.
STORED_RATES = (
    "sgb2_quote",
    "kinderarmut",
    "arbeitslosenanteil",
    "jugendarbeitslosigkeit",
    "alleinerziehende",
    "altersarmut",
    "migrationshintergrund",
    "wohnflaeche",
    "uebergang_gymnasium",
    "wohndauer_5j",
)
# Status indicators of the graded social index (see chapter 1.4 of the Sozialbericht).
STATUS_INDICATORS = ("sgb2_quote", "kinderarmut", "arbeitslosenanteil", "altersarmut")


@dataclass(frozen=True)
class Area:
    """A Stadtteil with the grammatical forms the texts need."""

    code: str
    name: str
    loc: str  # "im Hafenviertel"
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


class Figures:
    """All indicator values; city totals are derived from the Stadtteil counts."""

    def __init__(self, csv_path: Path, areas: Sequence[Area]) -> None:
        self.areas = list(areas)
        self.area_by_code = {a.code: a for a in self.areas}
        self.raw: dict[tuple[int, str], dict[str, float]] = {}
        with csv_path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = (int(row["jahr"]), row["code"])
                self.raw[key] = {
                    k: float(v) for k, v in row.items() if k not in ("jahr", "code", "stadtteil")
                }
                if row["stadtteil"] != self.area_by_code[row["code"]].name:
                    raise ValueError(f"name mismatch for {row['code']}: {row['stadtteil']}")
        for year in YEARS:
            for area in self.areas:
                if (year, area.code) not in self.raw:
                    raise ValueError(f"figures.csv lacks {area.code} {year}")

    def name(self, code: str) -> str:
        """Display name of an area code ("00" is the whole city)."""
        return CITY_LABEL if code == CITY_CODE else self.area_by_code[code].name

    def base(self, base: str, code: str, year: int) -> float:
        """Denominator population of an indicator (summed over Stadtteile for the city)."""
        if code == CITY_CODE:
            return sum(self.base(base, a.code, year) for a in self.areas)
        row = self.raw[(year, code)]
        if base == "unter_65":
            return row["einwohner"] - row["ab_65"]
        if base == "fuenfzehn_bis_unter_65":
            return row["einwohner"] - row["unter_15"] - row["ab_65"]
        return row[base]

    def count(self, key: str, code: str, year: int) -> int:
        """Numerator count of a rate indicator, e.g. children under 15 in SGB II."""
        if code == CITY_CODE:
            return sum(self.count(key, a.code, year) for a in self.areas)
        ind = IND[key]
        if key in STORED_RATES:
            rate = self.raw[(year, code)][key]
            return int(round_half_up(rate * self.base(ind.base or "", code, year) / 100))
        # population counts: "einwohner", "anteil_unter_18" -> "unter_18", ...
        return int(self.raw[(year, code)][key.removeprefix("anteil_")])

    def value(self, key: str, code: str, year: int) -> float:
        """Published value of an indicator (rounded as published)."""
        ind = IND[key]
        if key == "einwohner":
            return float(self.base("einwohner", code, year))
        if code != CITY_CODE and key in STORED_RATES:
            return self.raw[(year, code)][key]
        if key == "wohnflaeche":
            total = sum(
                self.raw[(year, a.code)][key] * self.raw[(year, a.code)]["einwohner"]
                for a in self.areas
            )
            return float(round_half_up(total / self.base("einwohner", code, year), 1))
        if key in STORED_RATES:  # city total from summed counts
            share = 100 * self.count(key, code, year) / self.base(ind.base or "", code, year)
            return float(round_half_up(share, ind.decimals))
        if key in ("anteil_unter_18", "anteil_ab_65"):
            column = "unter_18" if key == "anteil_unter_18" else "ab_65"
            num = self.base(column, code, year)
            return float(round_half_up(100 * num / self.base("einwohner", code, year), 1))
        raise KeyError(key)

    def suppressed(self, key: str, code: str, year: int) -> bool:
        """True if a value rests on fewer than five cases (data protection rule)."""
        ind = IND[key]
        return (
            ind.suppressible and code != CITY_CODE and self.count(key, code, year) < SUPPRESS_BELOW
        )

    def fmt(self, key: str, code: str, year: int, unit: bool = False) -> str:
        """Formatted value as printed in the reports (``.`` if suppressed)."""
        if self.suppressed(key, code, year):
            return SUPPRESSED
        ind = IND[key]
        text = de_number(self.value(key, code, year), ind.decimals)
        if unit and ind.unit != "Anzahl":
            text += NBSP + ind.unit
        return text

    def codes(self, with_city: bool = False) -> list[str]:
        """Area codes in order, optionally followed by the city code."""
        codes = [a.code for a in self.areas]
        return [*codes, CITY_CODE] if with_city else codes

    def ranked(self, key: str, year: int) -> list[str]:
        """Area codes sorted by value, highest first (suppressed values last)."""

        def sort_key(code: str) -> tuple[int, float]:
            if self.suppressed(key, code, year):
                return (1, 0.0)
            return (0, -self.value(key, code, year))

        return sorted(self.codes(), key=sort_key)


@dataclass(frozen=True)
class IndexResult:
    """Result of the graded index procedure for one Stadtteil."""

    status: float
    status_class: str
    dynamics: float
    dynamics_class: str


def _zscores(values: Sequence[float]) -> list[float]:
    mean = statistics.fmean(values)
    sd = statistics.pstdev(values)
    return [(v - mean) / sd for v in values]


def status_class(z: float) -> str:
    """Status class of the graded index (high values mean a low social status)."""
    if z < -1:
        return "hoch"
    if z <= 1:
        return "mittel"
    if z <= 1.5:
        return "niedrig"
    return "sehr niedrig"


def dynamics_class(z: float) -> str:
    """Dynamics class of the graded index (high values mean a worsening)."""
    if z < -1:
        return "positiv"
    if z <= 1:
        return "stabil"
    return "negativ"


def social_index(figs: Figures, year: int = 2023, since: int = 2021) -> dict[str, IndexResult]:
    """Graded index: z-standardise, sum, standardise again; dynamics over two years."""
    codes = figs.codes()
    status_sum = [0.0] * len(codes)
    dyn_sum = [0.0] * len(codes)
    for key in STATUS_INDICATORS:
        now = [figs.value(key, c, year) for c in codes]
        then = [figs.value(key, c, since) for c in codes]
        for i, z in enumerate(_zscores(now)):
            status_sum[i] += z
        for i, z in enumerate(_zscores([a - b for a, b in zip(now, then, strict=True)])):
            dyn_sum[i] += z
    result = {}
    for code, s, d in zip(codes, _zscores(status_sum), _zscores(dyn_sum), strict=True):
        s_r = float(round_half_up(s, 2))
        d_r = float(round_half_up(d, 2))
        result[code] = IndexResult(s_r, status_class(s_r), d_r, dynamics_class(d_r))
    return result


# --------------------------------------------------------------------------------------------
# Childcare planning data
# --------------------------------------------------------------------------------------------


class KitaPlan:
    """Childcare places per Stadtteil (Kita-Jahr 2024/25) joined with the child counts."""

    def __init__(self, csv_path: Path, figs: Figures, year: int = 2023) -> None:
        self.figs = figs
        self.year = year
        with csv_path.open(encoding="utf-8", newline="") as handle:
            self.rows = {
                r["code"]: {k: int(v) for k, v in r.items() if k != "code"}
                for r in csv.DictReader(handle)
            }

    def get(self, column: str, code: str) -> float:
        """Raw or derived value; the city value is the sum or the overall quota."""
        if column in ("kinder_u3", "kinder_ue3"):
            source = "unter_3" if column == "kinder_u3" else "drei_bis_unter_6"
            return self.figs.base(source, code, self.year)
        if column in ("quote_u3", "quote_ue3"):
            group = column.removeprefix("quote_")
            places = self.get(f"plaetze_{group}", code)
            return float(round_half_up(100 * places / self.get(f"kinder_{group}", code), 1))
        if column == "plaetze_u3":
            return self.get("kita_u3", code) + self.get("tagespflege_u3", code)
        if column == "plaetze_ue3":
            return self.get("kita_ue3", code)
        if code == CITY_CODE:
            return sum(self.rows[c][column] for c in self.figs.codes())
        return self.rows[code][column]

    def fmt(self, column: str, code: str) -> str:
        """German formatted value."""
        decimals = 1 if column.startswith("quote_") else 0
        return de_number(self.get(column, code), decimals)


def load_areas(path: Path) -> list[Area]:
    """Read the Stadtteile from stadtteile.yaml."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Area(str(a["code"]), a["name"], a["loc"], a) for a in data["stadtteile"]]
