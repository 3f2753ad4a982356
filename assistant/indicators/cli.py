"""`planwerk indicators …`: the graded index for any table file, and store queries.

The lead mounts this sub-app with `app.add_typer(indicators_app, name="indicators")`.
pandas, the store and the settings are imported inside the commands: `planwerk --help`
builds this sub-app too and must stay fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.indicators.numbers import format_german
from ingest.errors import IngestError

indicators_app = typer.Typer(
    help="Indikatoren: Sozialindex für eine Tabelle berechnen, eingelesene Indikatoren "
    "auflisten und Rangfolgen bilden.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


@indicators_app.command(
    "index",
    help="Sozialindex (Stufenverfahren wie im Berliner Monitoring Soziale Stadtentwicklung) "
    "für eine CSV- oder XLSX-Tabelle berechnen: Indikatoren z-standardisieren, addieren, "
    "erneut standardisieren und klassifizieren (über +1 „niedrig“, über +1,5 „sehr niedrig“).",
)
def index_command(
    path: Annotated[Path, typer.Argument(help="CSV- oder XLSX-Datei", exists=True, dir_okay=False)],
    area: Annotated[str, typer.Option("--area", help="Spalte mit den Gebietsnamen oder -nummern")],
    indicators: Annotated[
        str, typer.Option("--indicators", help="Indikatorspalten, durch Komma getrennt")
    ],
    population: Annotated[
        str | None, typer.Option("--population", help="Spalte mit der Einwohnerzahl")
    ] = None,
    min_population: Annotated[
        float, typer.Option("--min-population", help="Gebiete mit weniger Einwohnern auslassen")
    ] = 0.0,
    year: Annotated[
        int | None, typer.Option("--year", help="Jahr (Standard: letztes gemeinsames Jahr)")
    ] = None,
    since: Annotated[
        int | None,
        typer.Option("--since", help="Vergleichsjahr für den Dynamikindex (z. B. 2021)"),
    ] = None,
    weights: Annotated[
        str | None,
        typer.Option("--weights", help="Gewichte in Spaltenreihenfolge, z. B. „1,2,1“"),
    ] = None,
    invert: Annotated[
        str | None,
        typer.Option(
            "--invert", help="Spalten, bei denen ein höherer Wert günstiger ist (durch Komma)"
        ),
    ] = None,
    export: Annotated[
        Path | None, typer.Option("--export", help="Ergebnis als .csv oder .xlsx speichern")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Als JSON ausgeben: [{area, value, class}]")
    ] = False,
) -> None:
    from assistant.indicators.composite import weights_from
    from assistant.indicators.export import EXPORT_SUFFIXES, export_index
    from assistant.indicators.table_index import TableIndexError, TableIndexSpec, index_from_table

    columns = _split(indicators)
    if not columns:
        err.print("Bitte mindestens eine Indikatorspalte mit --indicators angeben.")
        raise typer.Exit(2)
    if export is not None and export.suffix.lower() not in EXPORT_SUFFIXES:
        err.print(f"Export nach „{export.name}“ ist nicht möglich: bitte .csv oder .xlsx wählen.")
        raise typer.Exit(2)
    try:
        spec = TableIndexSpec(
            area,
            columns,
            population=population,
            min_population=min_population,
            year=year,
            since=since,
            weights=weights_from(weights, columns),
            invert=_split(invert),
        )
        result = index_from_table(path, spec)
    except (TableIndexError, IngestError, ValueError) as error:
        err.print(str(error))
        raise typer.Exit(1) from error
    if export is not None:
        method = [
            "Stufenverfahren: z-Standardisierung je Indikator (Standardabweichung der "
            "Grundgesamtheit), Summe, erneute Standardisierung.",
            f"Klassen: {result.status.scheme.describe()}",
            f"Quelle: {path.name}, Jahr {result.year or 'ohne Angabe'}",
        ]
        export_index(
            export, result.status, result.names, result.dynamics, result.overlay,
            result.labels, method,
        )  # fmt: skip
    if as_json:
        sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False) + "\n")
        return
    table = Table(title=f"Sozialindex {result.year or ''} – {path.name}".strip())
    table.add_column("Gebiet")
    table.add_column("Statusindex", justify="right")
    table.add_column("Statusklasse")
    if result.dynamics is not None:
        table.add_column("Dynamik", justify="right")
        table.add_column("Dynamikklasse")
    for item in result.as_json():
        row = [str(item["area"]), format_german(float(item["value"]), 2, sign=True)]  # type: ignore[arg-type]
        row.append(str(item["class"]))
        if result.dynamics is not None:
            key = next(k for k, n in result.names.items() if n == item["area"])
            if key in result.dynamics.table.index:
                value = float(result.dynamics.table.at[key, "value"])
                row += [format_german(value, 2, sign=True), result.dynamics.table.at[key, "class"]]
            else:
                row += ["–", result.dynamics.excluded.get(key, "")]
        table.add_row(*row)
    console.print(table)
    for area_key, reason in result.status.excluded.items():
        console.print(f"Nicht einbezogen: {result.names.get(area_key, area_key)} ({reason})")
    if export is not None:
        console.print(f"Gespeichert: {export}")


@indicators_app.command("list", help="Eingelesene Indikatoren mit Einheit, Jahren und Quellen.")
def list_command(
    workspace: Annotated[str | None, typer.Option("--workspace", help="Arbeitsbereich")] = None,
) -> None:
    from assistant.indicators.catalogue import DIRECTION_LABELS
    from assistant.indicators.store import IndicatorStore
    from assistant.platform.config import Settings

    settings = Settings()
    store = IndicatorStore.from_settings(settings)
    try:
        summaries = store.indicators(workspace or settings.workspace)
    finally:
        store.close()
    if not summaries:
        console.print("Noch keine Indikatortabellen eingelesen (planwerk ingest DATEI.xlsx).")
        return
    table = Table(title="Indikatoren")
    table.add_column("Schlüssel", no_wrap=True)  # typed back into `rank`, so never wrapped
    for name in ("Name", "Einheit", "Richtung", "Jahre", "Gebiete", "Quellen"):
        table.add_column(name)
    for s in summaries:
        years = f"{s.years[0]}–{s.years[-1]}" if len(s.years) > 1 else "".join(map(str, s.years))
        table.add_row(
            s.key, s.name, s.unit, DIRECTION_LABELS.get(s.direction, s.direction), years,
            str(s.areas), ", ".join(s.sources),
        )  # fmt: skip
    console.print(table)


@indicators_app.command("rank", help="Rangfolge der Gebiete für einen eingelesenen Indikator.")
def rank_command(
    indicator: Annotated[str, typer.Argument(help="Schlüssel des Indikators (siehe „list“)")],
    n: Annotated[int, typer.Option("-n", help="Anzahl der Gebiete")] = 5,
    year: Annotated[int | None, typer.Option("--year", help="Jahr (Standard: letztes)")] = None,
    lowest: Annotated[bool, typer.Option("--lowest", help="niedrigste Werte zuerst")] = False,
    workspace: Annotated[str | None, typer.Option("--workspace", help="Arbeitsbereich")] = None,
) -> None:
    from assistant.indicators.operations import IndicatorQueryError, rank
    from assistant.indicators.store import IndicatorStore
    from assistant.platform.config import Settings

    settings = Settings()
    store = IndicatorStore.from_settings(settings)
    try:
        result = rank(store, indicator, year, n, not lowest, workspace or settings.workspace)
    except IndicatorQueryError as error:
        err.print(str(error))
        raise typer.Exit(1) from error
    finally:
        store.close()
    table = Table(title=f"{result.indicator.name} {result.year or ''}".strip())
    for name in ("Rang", "Gebiet", "Wert", "Quelle"):
        table.add_column(name)
    for position, o in zip(result.ranks, result.entries, strict=True):
        table.add_row(str(position), o.area_name, o.shown(), o.ref.cell_label())
    console.print(table)
