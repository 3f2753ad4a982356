"""Indicator tables as CSV (long and wide) and as an Excel workbook."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .figures import CITY_CODE, IND, SUPPRESSED, YEARS, Figures, IndexResult, de_number, de_signed
from .ooxml import normalise_zip

LONG_KEYS = (
    "einwohner",
    "anteil_unter_18",
    "anteil_ab_65",
    "migrationshintergrund",
    "sgb2_quote",
    "kinderarmut",
    "arbeitslosenanteil",
    "jugendarbeitslosigkeit",
    "alleinerziehende",
    "altersarmut",
    "uebergang_gymnasium",
    "wohnflaeche",
    "wohndauer_5j",
)


def write_long_csv(figs: Figures, path: Path) -> None:
    """Long format, semicolon, decimal comma, Windows-1252 (as exported by a statistics office)."""
    lines = [["Jahr", "Stadtteil-Nr", "Stadtteil", "Indikator", "Wert", "Einheit"]]
    for year in YEARS:
        for code in figs.codes(with_city=True):
            for key in LONG_KEYS:
                ind = IND[key]
                value = (
                    SUPPRESSED
                    if figs.suppressed(key, code, year)
                    else de_number(figs.value(key, code, year), ind.decimals, thousands=False)
                )
                lines.append([str(year), code, figs.name(code), ind.label, value, ind.unit])
    path.write_bytes(_csv_bytes(lines, "cp1252"))


def write_wide_csv(figs: Figures, index: dict[str, IndexResult], path: Path) -> None:
    """Wide format for 2023 with index classes, UTF-8 with BOM (Excel "CSV UTF-8")."""
    year = 2023
    header = ["Stadtteil-Nr", "Stadtteil"]
    for key in LONG_KEYS:
        ind = IND[key]
        header.append(ind.label if ind.unit == "Anzahl" else f"{ind.label} ({ind.unit})")
    header += ["Statusindex", "Statusklasse", "Dynamikindex", "Dynamikklasse"]
    lines = [header]
    for code in figs.codes(with_city=True):
        row = [code, figs.name(code)]
        for key in LONG_KEYS:
            row.append(
                SUPPRESSED
                if figs.suppressed(key, code, year)
                else de_number(figs.value(key, code, year), IND[key].decimals, thousands=False)
            )
        if code == CITY_CODE:
            row += ["", "", "", ""]
        else:
            res = index[code]
            row += [
                de_signed(res.status, 2),
                res.status_class,
                de_signed(res.dynamics, 2),
                res.dynamics_class,
            ]
        lines.append(row)
    path.write_bytes(b"\xef\xbb\xbf" + _csv_bytes(lines, "utf-8"))


def _csv_bytes(lines: Iterable[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(lines)
    return buffer.getvalue().encode(encoding)


# (group, [(key or count spec, header)])
XLSX_GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Bevölkerung",
        (
            ("einwohner", "Einwohner insgesamt"),
            ("anteil_unter_18", "Anteil unter 18 J. (%)"),
            ("anteil_ab_65", "Anteil 65 J. und älter (%)"),
            ("migrationshintergrund", "Migrationshintergrund (%)"),
        ),
    ),
    (
        "Soziale Lage",
        (
            ("count:sgb2_quote", "Personen in SGB-II-Bedarfsgemeinschaften"),
            ("sgb2_quote", "SGB-II-Quote (%)"),
            ("kinderarmut", "Kinderarmut unter 15 J. (%)"),
            ("alleinerziehende", "Alleinerziehende (% der Haushalte mit Kindern)"),
            ("altersarmut", "Grundsicherung im Alter (%)"),
        ),
    ),
    (
        "Arbeitsmarkt",
        (
            ("arbeitslosenanteil", "Arbeitslosenanteil SGB II (%)"),
            ("count:jugendarbeitslosigkeit", "Arbeitslose unter 25 J. (Anzahl)"),
            ("jugendarbeitslosigkeit", "Jugendarbeitslosigkeit (%)"),
        ),
    ),
    (
        "Bildung und Wohnen",
        (
            ("uebergang_gymnasium", "Übergangsquote Gymnasium (%)"),
            ("wohnflaeche", "Wohnfläche je Person (m²)"),
            ("wohndauer_5j", "Wohndauer über 5 Jahre (%)"),
        ),
    ),
)


def write_xlsx(figs: Figures, path: Path, created: datetime) -> None:
    """One sheet per year with a merged group header row and a city total row."""
    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="8EA0B8")
    head_fill = PatternFill("solid", fgColor="1F3A5F")
    group_fill = PatternFill("solid", fgColor="D6E0EC")
    for year in YEARS:
        ws = wb.create_sheet(str(year))
        ncols = 2 + sum(len(cols) for _, cols in XLSX_GROUPS)
        ws.cell(1, 1, f"Sozialmonitoring Stadt Lindwerden – Stichtag 31.12.{year}")
        ws.cell(1, 1).font = Font(bold=True, size=13)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
        ws.cell(2, 1, "Gebiet")
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=2)
        ws.cell(3, 1, "Nr.")
        ws.cell(3, 2, "Stadtteil")
        col = 3
        specs: list[str] = []
        for group, cols in XLSX_GROUPS:
            ws.cell(2, col, group)
            ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + len(cols) - 1)
            for spec, header in cols:
                ws.cell(3, col, header)
                specs.append(spec)
                col += 1
        for c in range(1, ncols + 1):
            for r in (2, 3):
                cell = ws.cell(r, c)
                cell.font = Font(bold=True, color="FFFFFF" if r == 3 else "1F3A5F")
                cell.fill = head_fill if r == 3 else group_fill
                cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
                cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        row = 4
        for code in figs.codes(with_city=True):
            ws.cell(row, 1, "" if code == CITY_CODE else code)
            ws.cell(row, 2, figs.name(code))
            for offset, spec in enumerate(specs):
                cell = ws.cell(row, 3 + offset)
                if spec.startswith("count:"):
                    key = spec.removeprefix("count:")
                    if figs.suppressed(key, code, year):
                        cell.value = SUPPRESSED
                    else:
                        cell.value = figs.count(key, code, year)
                        cell.number_format = "#,##0"
                elif figs.suppressed(spec, code, year):
                    cell.value = SUPPRESSED
                elif spec == "einwohner":
                    cell.value = int(figs.value(spec, code, year))
                    cell.number_format = "#,##0"
                else:
                    cell.value = figs.value(spec, code, year)
                    cell.number_format = "0.0"
                cell.alignment = Alignment(horizontal="right")
            if code == CITY_CODE:
                for c in range(1, ncols + 1):
                    ws.cell(row, c).font = Font(bold=True)
                    ws.cell(row, c).border = Border(top=Side(style="medium", color="1F3A5F"))
            row += 1
        ws.cell(
            row + 1,
            1,
            "Quelle: Einwohnermelderegister der Stadt Lindwerden; Statistik der "
            "Bundesagentur für Arbeit; Kommunale Schulstatistik; eigene Berechnungen.",
        )
        ws.cell(
            row + 2,
            1,
            "Zeichenerklärung: . = Wert aus Datenschutzgründen unterdrückt (Fallzahl unter 5).",
        )
        ws.column_dimensions["A"].width = 6
        ws.column_dimensions["B"].width = 18
        for c in range(3, ncols + 1):
            ws.column_dimensions[get_column_letter(c)].width = 14
        ws.row_dimensions[3].height = 48
        ws.freeze_panes = "C4"
    wb.properties.creator = "Stadt Lindwerden, Sozialplanung"
    wb.properties.title = "Sozialmonitoring Lindwerden 2019–2023"
    wb.properties.created = created
    wb.properties.modified = created
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(normalise_zip(buffer.getvalue(), created))
