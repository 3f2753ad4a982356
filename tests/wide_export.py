"""A wide Stadtteil profile export as cities publish them: one row per Stadtteil, 58 columns,
many with near-identical headers („Arbeitslose“, „Jüngere Arbeitslose“, „Anteil jüngerer
Arbeitsloser in %“). Fictional city and figures, written for the tests.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import numpy as np

AREAS = (
    "Altenhain", "Brückfeld", "Eschenweide", "Hohenkamp", "Mühlental", "Rosenau", "Sandberg",
    "Weidenbruch",
)  # fmt: skip

# (header, kind): "share" columns hold percentages, "count" whole numbers, "value" decimals.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Bevölkerung", "count"),
    ("Unter 18-Jährige", "count"),
    ("Anteil der unter 18-Jährigen in %", "share"),
    ("65-Jährige und Ältere", "count"),
    ("Anteil der 65-Jährigen und Älteren in %", "share"),
    ("Ausländerinnen und Ausländer", "count"),
    ("Ausländeranteil in %", "share"),
    ("Bevölkerung mit Migrationshintergrund", "count"),
    ("Anteil der Bevölkerung mit Migrationshintergrund in %", "share"),
    ("Haushalte", "count"),
    ("Einpersonenhaushalte", "count"),
    ("Anteil der Einpersonenhaushalte in %", "share"),
    ("Haushalte mit Kindern", "count"),
    ("Anteil der Haushalte mit Kindern in %", "share"),
    ("Alleinerziehende", "count"),
    ("Anteil der Alleinerziehenden in %", "share"),
    ("Fläche in km²", "value"),
    ("Einwohner je km²", "count"),
    ("Geburten", "count"),
    ("Sterbefälle", "count"),
    ("Zuzüge", "count"),
    ("Fortzüge", "count"),
    ("Wanderungssaldo", "count"),
    ("Sozialversicherungspflichtig Beschäftigte", "count"),
    ("Beschäftigtenquote in %", "share"),
    ("Arbeitslose", "count"),
    ("Arbeitslosenquote in %", "share"),
    ("Jüngere Arbeitslose", "count"),
    ("Anteil jüngerer Arbeitsloser in %", "share"),
    ("Ältere Arbeitslose", "count"),
    ("Anteil älterer Arbeitsloser in %", "share"),
    ("Leistungsempfänger nach SGB II", "count"),
    ("Anteil der Leistungsempfänger nach SGB II in %", "share"),
    ("Arbeitslose nach SGB II", "count"),
    ("Anteil der Arbeitslosen nach SGB II in %", "share"),
    ("Unter 15-Jährige in Mindestsicherung", "count"),
    ("Anteil der unter 15-Jährigen in Mindestsicherung in %", "share"),
    ("Empfänger von Grundsicherung im Alter", "count"),
    ("Anteil der Empfänger von Grundsicherung im Alter in %", "share"),
    ("Wohngebäude", "count"),
    ("Wohnungen", "count"),
    ("Durchschnittliche Wohnungsgröße in m²", "value"),
    ("Wohnfläche je Einwohner in m²", "value"),
    ("Sozialwohnungen", "count"),
    ("Sozialwohnungsanteil in %", "share"),
    ("Sozialwohnungen mit Bindungsauslauf bis 2030", "count"),
    ("Anteil der Sozialwohnungen mit Bindungsauslauf in %", "share"),
    ("Kindertagesstätten", "count"),
    ("Grundschulen", "count"),
    ("Schülerinnen und Schüler der Sekundarstufe I", "count"),
    ("Anteil der Gymnasiasten in %", "share"),
    ("Niedergelassene Ärzte", "count"),
    ("Allgemeinärzte", "count"),
    ("Zahnärzte", "count"),
    ("Apotheken", "count"),
    ("Wahlbeteiligung Bezirkswahl in %", "share"),
    ("Private PKW", "count"),
    ("PKW je 1.000 Einwohner", "count"),
)


def _figure(kind: str, rng: np.random.Generator, column: int) -> str:
    if kind == "share":
        return f"{rng.uniform(2, 60):.1f}".replace(".", ",")
    if kind == "value":
        return f"{rng.uniform(1, 90):.1f}".replace(".", ",")
    # Counts differ per column, so a figure names its column.
    return f"{int(rng.integers(100, 40_000)) + column:d}"


def write_wide_export(path: Path, seed: int = 11) -> Path:
    """Semicolon CSV, decimal commas, one row per Stadtteil."""
    rng = np.random.default_rng(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Stadtteil", *(h for h, _ in COLUMNS)])
        for area in AREAS:
            writer.writerow([area, *(_figure(k, rng, i) for i, (_, k) in enumerate(COLUMNS))])
    return path


def asked_words(header: str) -> str:
    """The header as a question says it: without the unit („in %“, „in m²“)."""
    for unit in (" in %", " in km²", " in m²"):
        header = header.removesuffix(unit)
    return header


def questions_for(area: str = "Rosenau") -> Iterator[tuple[str, str]]:
    """(header, question) for every column, asked with the header's own words."""
    for header, kind in COLUMNS:
        words = asked_words(header)
        if kind == "count":
            yield header, f"Wie viele {words} gibt es in {area}?"
        else:
            yield header, f"Wie hoch ist der Wert {words} in {area}?"
