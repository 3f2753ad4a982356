"""Export index results as CSV (German Excel dialect) or XLSX (written with openpyxl)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from assistant.indicators.composite import IndexResult, Overlay
from assistant.indicators.numbers import format_german

EXPORT_SUFFIXES = (".csv", ".xlsx")


def index_rows(
    status: IndexResult,
    names: Mapping[str, str] | None = None,
    dynamics: IndexResult | None = None,
    combined: Overlay | None = None,
    labels: Mapping[str, str] | None = None,
) -> tuple[list[str], list[list[object]]]:
    """Header and rows (German column names), most burdened area first.

    `labels` maps indicator keys to display names for the z-value columns.
    """
    names = names or {}
    labels = labels or {}
    header = ["Gebiet", "Statusindex", "Statusklasse"]
    header += [f"z {labels.get(k, k)}" for k in status.indicators]
    if dynamics is not None:
        header += ["Dynamikindex", "Dynamikklasse"]
    if combined is not None:
        header += ["Status/Dynamik", "Aufmerksamkeit"]
    rows: list[list[object]] = []
    for area in status.table.sort_values("value", ascending=False).index:
        record = status.table.loc[area]
        row: list[object] = [names.get(str(area), str(area)), float(record["value"])]
        row.append(str(record["class"]))
        row += [float(record[f"z:{k}"]) for k in status.indicators]
        if dynamics is not None:
            if area in dynamics.table.index:
                row += [float(dynamics.table.at[area, "value"]), dynamics.table.at[area, "class"]]
            else:
                row += [None, dynamics.excluded.get(str(area), "nicht berechnet")]
        if combined is not None:
            if area in combined.table.index:
                group = combined.table.at[area, "group"]
                row += [group, "ja" if combined.table.at[area, "attention"] else "nein"]
            else:
                row += ["", ""]
        rows.append(row)
    for area, reason in status.excluded.items():
        empty: list[object] = [None] * (len(header) - 3)
        rows.append([names.get(area, area), None, f"nicht einbezogen: {reason}", *empty])
    return header, rows


def export_index(
    path: Path,
    status: IndexResult,
    names: Mapping[str, str] | None = None,
    dynamics: IndexResult | None = None,
    combined: Overlay | None = None,
    labels: Mapping[str, str] | None = None,
    method: Sequence[str] = (),
) -> Path:
    """Write the index table to `path` (.csv or .xlsx); `method` lines go to a notes sheet."""
    header, rows = index_rows(status, names, dynamics, combined, labels)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        write_csv(path, header, rows)
    elif suffix == ".xlsx":
        write_xlsx(path, header, rows, method)
    else:
        raise ValueError(
            f"Export nach „{path.name}“ ist nicht möglich: bitte .csv oder .xlsx als Endung wählen."
        )
    return path


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Semicolon CSV with decimal commas and a BOM, so German Excel opens it correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def write_xlsx(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    method: Sequence[str] = (),
) -> None:
    """An .xlsx with numbers as numbers (two decimals shown) and a "Methode" sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Index"
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, float):
                cell.number_format = "0.00"
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 24
    if method:
        notes = workbook.create_sheet("Methode")
        for line in method:
            notes.append([line])
    workbook.save(path)


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format_german(value, 4, thousands=False)
    return str(value)
