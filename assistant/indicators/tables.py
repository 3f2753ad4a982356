"""Read an indicator table (CSV, XLSX, ODS, XLS, JSON/GeoJSON) into long format: one row
per area, indicator and year.

Handles what municipal tables look like in practice: title rows, a merged group header
above the real header, a unit row, wide (indicators as columns), long ("Indikator" /
"Wert" columns), panel (a "Jahr" column), years as columns, and one sheet per year.
Every value keeps the cell it came from (sheet, row, column letter) so answers can cite it.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.parsers import expat

import pandas as pd
import python_calamine
from openpyxl.utils import get_column_letter

from assistant.indicators.gazetteer import (
    aggregate_kind,
    normalise_code,
    possible_total_kind,
    split_code,
)
from assistant.indicators.geography import (
    area_type_named,
    land_of_cell,
    larger_area_type,
    read_area_type,
)
from assistant.indicators.headers import is_year_label, parse_header, unit_of, year_in
from assistant.indicators.numbers import (
    SUPPRESSION_SIGNS,
    CellNumber,
    detect_decimal_mark,
    excel_display,
    format_german,
    parse_number,
)
from ingest.errors import IngestError
from ingest.json_tables import read_json
from ingest.limits import FileLimits
from ingest.sheets import Sheet, Workbook, read_calamine, read_csv, read_xlsx

TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".xlsx", ".xlsm", ".ods", ".xls", ".json", ".geojson"})

# Columns of the long frame, in order. `label` is the indicator as the table names it,
# `unit` the unit from the header or the cells ("" if neither says).
LONG_COLUMNS = (
    "sheet", "row", "column", "column_name", "area_code", "area_name", "aggregate",
    "label", "unit", "year", "reference", "value", "value_text", "display", "missing",
    "decimals", "area_type", "region",
)  # fmt: skip

_MAX_CAPTION_ROWS = 5
_SIGN_REASONS = frozenset(SUPPRESSION_SIGNS.values())
_CODE_HEADER = re.compile(
    r"(^|[\s\-_./])(nr|nummer|code|schlüssel|schluessel|kennziffer|kennz|id|lor|key|kennung|"
    r"gkz|ags|ars)"
    r"\b\.?",
    re.IGNORECASE,
)
_NAME_HEADER = re.compile(
    r"stadtteil|quartier|gebiet|sozialraum|bezirk|ortsteil|planungsraum|viertel|"
    r"^name\b|bezeichnung|raum|siedlung|wohnplatz|^area\b",
    re.IGNORECASE,
)
_YEAR_HEADER = re.compile(r"^(jahr|berichtsjahr|stichtag|zeitraum|year)\b", re.IGNORECASE)
_INDICATOR_HEADER = re.compile(
    r"^(indikator|merkmal|kennzahl|variable|indicator|merkmalsbezeichnung|thema)", re.I
)
_VALUE_HEADER = re.compile(r"^(wert|werte|value|zahlenwert|betrag)\b", re.IGNORECASE)
_UNIT_HEADER = re.compile(r"^(einheit|maßeinheit|masseinheit|unit)\b", re.IGNORECASE)
_UNIT_CELL = re.compile(
    r"^\s*(in\s*)?(%|‰|prozent|anzahl|abs\.?|m²|qm|€|euro|je 1[.\s]?000 (ew|einwohner))\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class GridCell:
    """A cell as shown to the user; XLSX numbers arrive already parsed in `number`."""

    text: str
    number: CellNumber | None = None


@dataclass(slots=True)
class Grid:
    """The filled rows of one sheet (or of a CSV file) with the row numbers the user sees."""

    sheet: str | None
    rows: list[tuple[int, list[GridCell]]]
    merged_rows: set[int] = field(default_factory=set)  # a merge spans several columns


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """What the reader recognised in one sheet; `kind` is wide, long, panel or empty."""

    sheet: str | None
    kind: str
    header_rows: tuple[int, ...] = ()
    area_columns: tuple[str, ...] = ()
    indicator_columns: tuple[str, ...] = ()
    note: str = ""  # German, when the sheet holds no indicator values


@dataclass(slots=True)
class TableRead:
    """All indicator values of a file in long format plus what the reader saw.

    `records` are the long rows as dicts (keys `LONG_COLUMNS`); `frame` the same as a
    DataFrame, built on first use.
    """

    records: list[dict[str, object]]
    layouts: list[SheetLayout]
    _frame: pd.DataFrame | None = None

    @property
    def notes(self) -> list[str]:
        return [layout.note for layout in self.layouts if layout.note]

    @property
    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            if self.records:
                frame = pd.DataFrame.from_records(self.records, columns=list(LONG_COLUMNS))
            else:
                frame = pd.DataFrame({name: pd.Series(dtype="object") for name in LONG_COLUMNS})
            frame["year"] = frame["year"].astype("Int64")
            frame["row"] = frame["row"].astype("int64")
            frame["value"] = frame["value"].astype("float64")
            self._frame = frame
        return self._frame


IndicatorMatcher = Callable[[str], bool]


def read_table(
    path: Path,
    *,
    area_column: str | None = None,
    is_indicator_label: IndicatorMatcher | None = None,
    limits: FileLimits | None = None,
) -> TableRead:
    """Read a table file (`TABLE_SUFFIXES`) into the long frame (`LONG_COLUMNS`).

    `area_column` (a header or a column letter) overrides the detection of the area name
    column. `is_indicator_label` (from the catalogue) lets the reader recognise transposed
    tables, where indicators are rows and areas are columns. Raises IngestError (German)
    when the file cannot be read at all; a readable file without indicator values gives an
    empty frame and a note instead; a file over `limits` (default `FileLimits()`) is refused.
    """
    records: list[dict[str, object]] = []
    layouts: list[SheetLayout] = []
    for grid in read_grids(path, limits):
        sheet_records, layout = parse_grid(grid, path.stem, area_column, is_indicator_label)
        layouts.append(layout)
        records.extend(sheet_records)
    return TableRead(records, layouts)


def read_grids(path: Path, limits: FileLimits | None = None) -> list[Grid]:
    """The sheets of a table file as grids of display text (the shared reader of
    `ingest.sheets`, which the document loader uses too); refused over `limits`."""
    limits = limits or FileLimits()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_grids(path, limits)
    if suffix in (".ods", ".xls"):
        return _calamine_grids(path, limits, ods=suffix == ".ods")
    if suffix in (".json", ".geojson"):
        # One table without sheets, like a CSV: cited by row and column alone.
        return [_sheet_grid(read_json(path, path.name, limits), None)]
    if suffix in (".csv", ".tsv", ".txt"):
        return [_csv_grid(path, limits)]
    raise IngestError(
        f"„{path.name}“ ist keine Tabelle im Format CSV, XLSX, XLS, ODS oder JSON. Bitte in "
        "einem dieser Formate speichern."
    )


def _csv_grid(path: Path, limits: FileLimits) -> Grid:
    tab = "\t" if path.suffix.lower() == ".tsv" else None
    try:
        table = read_csv(path, path.name, limits, delimiter=tab)
    except OSError as error:
        raise IngestError(
            f"Die Datei „{path.name}“ kann nicht gelesen werden ({error})."
        ) from error
    rows = []
    for number, cells in table.rows:
        if any(c.strip() for c in cells):
            rows.append((number, [GridCell(c.strip()) for c in cells]))
    return Grid(None, rows)


def _xlsx_grids(path: Path, limits: FileLimits) -> list[Grid]:
    try:
        workbook = read_xlsx(path, path.name, limits)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise IngestError(
            f"Die Excel-Datei „{path.name}“ kann nicht geöffnet werden ({error}). Ist sie "
            "beschädigt oder passwortgeschützt? Bitte in Excel öffnen und neu speichern."
        ) from error
    return _workbook_grids(workbook)


def _calamine_grids(path: Path, limits: FileLimits, *, ods: bool) -> list[Grid]:
    try:
        workbook = read_calamine(path, path.name, limits, ods=ods)
    except (
        OSError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        expat.ExpatError,
        python_calamine.CalamineError,
    ) as error:
        kind = "ODS-Datei" if ods else "Excel-Datei"
        raise IngestError(
            f"Die {kind} „{path.name}“ kann nicht geöffnet werden ({error}). Ist sie "
            "beschädigt? Bitte in LibreOffice oder Excel öffnen und neu speichern."
        ) from error
    return _workbook_grids(workbook)


def _workbook_grids(workbook: Workbook) -> list[Grid]:
    return [_sheet_grid(sheet, sheet.title) for sheet in workbook.sheets]


def _sheet_grid(sheet: Sheet, title: str | None) -> Grid:
    """A sheet's non-empty rows as display cells; numbers keep their parsed value."""
    rows = []
    for row in sheet.rows:
        cells = [_xlsx_cell(v, f) for v, f in zip(row.values, row.formats, strict=True)]
        if any(c.text for c in cells):
            rows.append((row.number, cells))
    return Grid(title, rows, sheet.merged_rows)


def _xlsx_cell(value: object, number_format: str) -> GridCell:
    """A cell as shown; a formula saved without its value arrives computed, or as
    „(Formel ohne Wert)“ (see `ingest.formulas`)."""
    if value is None:
        return GridCell("")
    if isinstance(value, bool):
        return GridCell("ja" if value else "nein")
    if isinstance(value, int | float):
        number = excel_display(float(value), number_format)
        return GridCell(number.text, number)
    if hasattr(value, "strftime"):
        return GridCell(value.strftime("%d.%m.%Y"))
    return GridCell(" ".join(str(value).split()))


# --------------------------------------------------------------------------------------------
# Structure of one sheet
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Column:
    index: int
    letter: str
    header: str  # group and leaf combined: "Soziale Lage / SGB-II-Quote (%)"
    leaf: str  # the lowest header row only
    unit_cell: str = ""  # from a unit row under the header
    role: str = ""  # code, name, year, indicator, value, unit, data, ignore


def parse_grid(
    grid: Grid,
    file_stem: str,
    area_column: str | None = None,
    is_indicator_label: IndicatorMatcher | None = None,
) -> tuple[list[dict[str, object]], SheetLayout]:
    """Long-format records of one sheet and the layout the reader recognised."""
    sheet_label = grid.sheet or file_stem
    rows = grid.rows
    if len(rows) < 2:
        return [], SheetLayout(grid.sheet, "empty", note=f"„{sheet_label}“: keine Tabelle.")
    captions, rest = _split_captions(rows)
    header_rows, columns, data_rows = _split_header(rest, grid.merged_rows)
    if not columns or not data_rows:
        return [], SheetLayout(grid.sheet, "empty", note=f"„{sheet_label}“: keine Datenzeilen.")
    if _is_data_row(header_rows[0][1]):
        # Without column names nothing says what a figure is: no value is guessed.
        note = (
            f"„{sheet_label}“: keine Kopfzeile erkannt – schon die erste Zeile enthält Zahlen. "
            "Die Werte werden nicht als Indikatoren übernommen; bitte eine erste Zeile mit "
            "den Spaltennamen (z. B. „Stadtteil; SGB-II-Quote (%)“) ergänzen und die Datei "
            "erneut hochladen."
        )
        return [], SheetLayout(grid.sheet, "empty", note=note)
    _assign_roles(columns, data_rows, area_column)
    context_year = year_in(grid.sheet or "") or year_in(" ".join(captions)) or year_in(file_stem)
    context_reference = _context_reference(grid.sheet, captions, file_stem)
    name_col = next((c for c in columns if c.role == "name"), None)
    code_col = next((c for c in columns if c.role == "code"), None)
    label_col = next((c for c in columns if c.role == "indicator"), None)
    has_values = any(c.role == "value" for c in columns)
    if label_col is not None and not has_values and name_col is None:
        # "Merkmal | Altstadt | Nordviertel": indicators as rows, areas as columns.
        records = _transposed_records(grid, columns, data_rows, label_col, context_year)
        _mark_aggregates(records)
        _mark_area_type(records, columns, grid.sheet, captions, file_stem)
        return records, _layout(grid, "transposed", header_rows, columns, records, sheet_label)
    if name_col is None and code_col is None:
        note = f"„{sheet_label}“: keine Spalte mit Gebietsnamen oder -nummern erkannt."
        return [], SheetLayout(grid.sheet, "empty", tuple(r for r, _ in header_rows), note=note)
    if (
        is_indicator_label is not None
        and name_col is not None
        and _looks_transposed(columns, data_rows, name_col, is_indicator_label)
    ):
        records = _transposed_records(grid, columns, data_rows, name_col, context_year)
        kind = "transposed"
    elif any(c.role == "indicator" for c in columns) and any(c.role == "value" for c in columns):
        records = _long_records(grid, columns, data_rows, context_year, context_reference)
        kind = "long"
    elif any(c.role == "indicator" for c in columns) and (
        figures := _figure_columns(columns, data_rows)
    ):
        # „INDIKATOR_BEZEICHNUNG | INDIKATOR_AUSPRAEGUNG | INDIKATOR_WERT | BASISWERT_1 |
        # NAME_BASISWERT1“: the text columns name each row's indicator, several columns
        # hold its figures (the value, its numerator and denominator).
        records = _measure_records(
            grid, columns, data_rows, figures, context_year, context_reference
        )
        kind = "long"
    elif (single := _single_value_column(columns)) is not None:
        # One column of figures and the columns that say what each row's figure is:
        # „tabelle | zeile | zahl“, „group | krs | value“, or nothing but the file's name.
        named_by = " – ".join(captions) or grid.sheet or _stem_label(file_stem)
        categories = _category_columns(columns, data_rows)
        records = _category_records(
            grid, columns, data_rows, single, categories, named_by, context_year, context_reference
        )
        kind = "long"
    else:
        records = _wide_records(
            grid,
            columns,
            data_rows,
            context_year,
            context_reference,
            " – ".join(captions),
            _stem_label(file_stem),
        )
        kind = "panel" if any(c.role == "year" for c in columns) else "wide"
    _mark_aggregates(records)
    _mark_area_type(records, columns, grid.sheet, captions, file_stem)
    _mark_region(records, columns, data_rows)
    return records, _layout(grid, kind, header_rows, columns, records, sheet_label)


def _layout(
    grid: Grid,
    kind: str,
    header_rows: list[tuple[int, list[GridCell]]],
    columns: list[_Column],
    records: list[dict[str, object]],
    sheet_label: str,
) -> SheetLayout:
    return SheetLayout(
        grid.sheet,
        kind if records else "empty",
        tuple(number for number, _ in header_rows),
        tuple(c.header for c in columns if c.role in ("code", "name")),
        tuple(dict.fromkeys(str(r["column_name"]) for r in records)),
        "" if records else f"„{sheet_label}“: keine Zahlenspalten erkannt.",
    )


def _split_captions(
    rows: list[tuple[int, list[GridCell]]],
) -> tuple[list[str], list[tuple[int, list[GridCell]]]]:
    """Title rows (one distinct text, e.g. a merged title) above the table, and the rest."""
    captions: list[str] = []
    index = 0
    while index < min(len(rows), _MAX_CAPTION_ROWS) and _distinct_count(rows[index][1]) <= 1:
        captions.append(next(c.text for c in rows[index][1] if c.text))
        index += 1
    return captions, rows[index:]


def _split_header(
    rows: list[tuple[int, list[GridCell]]], merged_rows: set[int]
) -> tuple[list[tuple[int, list[GridCell]]], list[_Column], list[tuple[int, list[GridCell]]]]:
    if not rows:
        return [], [], []
    header_rows = [rows[0]]
    position = 1
    following = rows[1] if len(rows) > 1 else None
    if following is not None and _is_unit_row(following[1]):
        header_rows.append(following)
        position = 2
    elif (
        following is not None
        and len(rows) > 2
        and _is_textual(rows[0][1])
        and _is_textual(following[1])
        and (
            rows[0][0] in merged_rows
            or _filled_count(rows[0][1]) < _filled_count(following[1])
            or _distinct_count(rows[0][1]) < _distinct_count(following[1])
        )
    ):
        header_rows.append(following)
        position = 2
        if len(rows) > 3 and _is_unit_row(rows[2][1]):
            header_rows.append(rows[2])
            position = 3
    data = [r for r in rows[position:] if _distinct_count(r[1]) > 1]  # notes have one cell
    width = max(len(cells) for _, cells in [*header_rows, *data]) if data else 0
    units = header_rows[-1][1] if _is_unit_row(header_rows[-1][1]) else None
    names = [r for r in header_rows if r[1] is not units]
    group = _forward_fill(names[0][1], names[1][1]) if len(names) == 2 else None
    leaf_cells = names[-1][1]
    columns = []
    for index in range(width):
        leaf = _text(leaf_cells, index)
        group_text = group[index] if group and index < len(group) else ""
        header = f"{group_text} / {leaf}" if group_text and leaf and group_text != leaf else leaf
        header = header or group_text
        columns.append(
            _Column(
                index,
                get_column_letter(index + 1),
                header or f"Spalte {get_column_letter(index + 1)}",
                leaf or group_text,
                _text(units, index) if units else "",
            )
        )
    return header_rows, columns, data


def _forward_fill(groups: list[GridCell], leaves: list[GridCell]) -> list[str]:
    """Group labels over every column up to the next label (CSV loses the merge range)."""
    out: list[str] = []
    for index in range(max(len(groups), len(leaves))):
        text = _text(groups, index)
        if not text and out and _text(leaves, index):
            text = out[-1]
        out.append(text)
    return out


def _assign_roles(
    columns: list[_Column], data: list[tuple[int, list[GridCell]]], area_column: str | None
) -> None:
    stats = {c.index: _column_stats(c, data) for c in columns}
    forced = _find_column(columns, area_column) if area_column else None
    if area_column and forced is None:
        raise IngestError(
            f"Die Gebietsspalte „{area_column}“ gibt es in der Tabelle nicht. Vorhanden: "
            + ", ".join(f"„{c.header}“" for c in columns)
        )
    forced_role = ""
    if forced is not None:
        _, textual, _, codes = stats[forced.index]
        forced_role = "code" if codes and not textual else "name"
    for column in columns:
        numeric, textual, years, codes = stats[column.index]
        leaf = column.leaf
        if column is forced:
            column.role = forced_role
        elif _YEAR_HEADER.match(leaf) and years:
            column.role = "year"
        elif _UNIT_HEADER.match(leaf) and textual:
            column.role = "unit"
        elif _INDICATOR_HEADER.match(leaf) and textual:
            column.role = "indicator"
        elif _VALUE_HEADER.match(leaf) and numeric:
            column.role = "value"
        elif _CODE_HEADER.search(leaf) and (codes or textual) and forced_role != "code":
            column.role = "code"
        elif (
            (_NAME_HEADER.search(leaf) or area_type_named(leaf))
            and textual
            and forced_role != "name"
        ):
            column.role = "name"
        elif numeric:
            column.role = "data"
        else:
            column.role = "ignore"
    roles = [c.role for c in columns]
    if "name" not in roles and forced is None:
        # No header says "Stadtteil": the first text column left of the figures names areas,
        # unless its few values repeat (a group or topic: „Unter-3-Jährige“); then a column
        # of many distinct codes does („krs“).
        for column in columns:
            numeric, textual, _, codes = stats[column.index]
            if column.role == "ignore" and textual and not _repeats(_cells(column, data)):
                column.role = "name"
                break
            if column.role == "data" and "code" not in roles and _area_codes(column, data):
                column.role = "code"
                break
    _code_before_name(columns, data, forced)
    _keep_matching_code(columns, data, forced)
    for role in ("name", "code"):
        # A second text column (district, type) is not the area; a forced column wins.
        same = sorted((c for c in columns if c.role == role), key=lambda c: c is not forced)
        for extra in same[1:]:
            extra.role = "ignore"


def _cells(column: _Column, data: list[tuple[int, list[GridCell]]]) -> list[GridCell]:
    return [cells[column.index] for _, cells in data if column.index < len(cells)]


def _repeats(cells: Sequence[GridCell]) -> bool:
    """Few values, each on many rows: a category, not an area."""
    return _filled_count(cells) >= _CATEGORY_REPEAT * _distinct_count(cells)


_AREA_CODE = re.compile(r"[A-Z]{0,3}\d{1,8}")


def _area_codes(column: _Column, data: list[tuple[int, list[GridCell]]]) -> bool:
    """Whole-number codes (a total row may say „DE“), many distinct ones: the codes of
    areas („krs“: 1001, 1002, …) rather than figures or a few categories."""
    filled = [c.text for c in _cells(column, data) if c.text]
    if not filled:
        return False
    coded = sum(1 for text in filled if _AREA_CODE.fullmatch(text))
    return coded >= 0.9 * len(filled) and len(set(filled)) * 2 >= len(filled)


def _code_before_name(
    columns: list[_Column], data: list[tuple[int, list[GridCell]]], forced: _Column | None
) -> None:
    """„KREG | name | value“: a column of whole-number codes before the area names, one
    code per name, is the areas' code even when its header is no code word; read as a
    figure it would make a second indicator of the codes. Counts stand after the names."""
    if forced is not None or any(c.role == "code" for c in columns):
        return
    name = next((c for c in columns if c.role == "name"), None)
    if name is None:
        return
    names = _distinct_count(_cells(name, data))
    for column in columns[: columns.index(name)]:
        if (
            column.role == "data"
            and _area_codes(column, data)
            and _one_per_name(column, names, data)
        ):
            column.role = "code"
            return


def _keep_matching_code(
    columns: list[_Column], data: list[tuple[int, list[GridCell]]], forced: _Column | None
) -> None:
    """Of several code columns („id“, „tab_id“, „raum_id“) the area's is the one with as
    many distinct values as the area names; a row id or a topic code is none."""
    codes = [c for c in columns if c.role == "code" and c is not forced]
    name = next((c for c in columns if c.role == "name"), None)
    if name is None or len(codes) < 2:
        return
    names = _distinct_count(_cells(name, data))
    best = min(codes, key=lambda c: _names_gap(c, names, data))
    for column in codes:
        if column is not best or not _one_per_name(column, names, data):
            column.role = "ignore"


def _names_gap(column: _Column, names: int, data: list[tuple[int, list[GridCell]]]) -> int:
    return abs(_distinct_count(_cells(column, data)) - names)


def _one_per_name(column: _Column, names: int, data: list[tuple[int, list[GridCell]]]) -> bool:
    """Whether a column has about one distinct value per area name: names may repeat (a
    Stadtbezirk and a Stadtteil both „Chorweiler“), so near is enough."""
    return _names_gap(column, names, data) <= names // 5


def _column_stats(
    column: _Column, data: list[tuple[int, list[GridCell]]]
) -> tuple[bool, bool, bool, bool]:
    """(numeric, textual, years, code-like) for a column's data cells."""
    cells = _cells(column, data)
    filled = [c for c in cells if c.text]
    if not filled:
        return False, False, False, False
    parsed = [c.number or parse_number(c.text) for c in filled]
    numbers = [p for p in parsed if p.value is not None]
    signs = [p for p in parsed if p.missing in _SIGN_REASONS or p.missing.startswith("Fallzahl")]
    numeric = bool(numbers) and (len(numbers) + len(signs)) >= 0.6 * len(filled)
    textual = len(numbers) < 0.5 * len(filled)
    years = bool(numbers) and all(
        p.value is not None and p.value.is_integer() and 1900 <= p.value <= 2100 for p in numbers
    )
    codes = all(re.fullmatch(r"\d{1,8}|[A-Z]?\d{1,8}(\.\d+)*", c.text) for c in filled) or all(
        split_code(c.text)[0] for c in filled if aggregate_kind("", c.text) == ""
    )
    return numeric, textual, years, codes


def _find_column(columns: list[_Column], wanted: str) -> _Column | None:
    key = _header_key(wanted)
    for column in columns:
        if wanted.strip().upper() == column.letter:
            return column
    for column in columns:
        if key in (_header_key(column.header), _header_key(column.leaf)):
            return column
    for column in columns:
        if key and key == _header_key(parse_header(column.leaf).name):
            return column
    return None


def _header_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


# --------------------------------------------------------------------------------------------
# Records per layout
# --------------------------------------------------------------------------------------------


def _wide_records(
    grid: Grid,
    columns: list[_Column],
    data: list[tuple[int, list[GridCell]]],
    context_year: int | None,
    context_reference: str,
    caption: str = "",
    file_label: str = "Wert",
) -> list[dict[str, object]]:
    area = _area_getter(columns)
    year_col = next((c for c in columns if c.role == "year"), None)
    data_columns = [c for c in columns if c.role == "data"]
    header_refs = {
        (info.year, info.reference)
        for info in (parse_header(c.leaf) for c in data_columns if not is_year_label(c.leaf))
        if info.year is not None
    }
    if len(header_refs) == 1 and year_col is None and context_year is None:
        # "Einwohner" next to "… (Dez 2013)" columns refers to the same date.
        context_year, context_reference = next(iter(header_refs))
    records: list[dict[str, object]] = []
    for column in data_columns:
        info = parse_header(column.leaf)
        label = info.name
        if is_year_label(column.leaf):
            # Years as columns: the indicator is named by the group row or the caption,
            # else the sheet or the file („SGB2_Quote_Stadtteile_2019-2023.csv“).
            group = column.header.rsplit(" / ", 1)[0] if " / " in column.header else ""
            named_by = group or caption or grid.sheet or file_label
            label = parse_header(named_by).name
            unit = info.unit or unit_of(column.unit_cell) or unit_of(named_by)
        else:
            unit = info.unit or unit_of(column.unit_cell) or _group_unit(column)
        parsed = _parse_column(column, data)
        for (number, cells), cell in zip(data, parsed, strict=True):
            code, name = area(cells)
            if not code and not name:
                continue
            year, reference = info.year, info.reference
            if year is None and year_col is not None:
                year_cell = _text(cells, year_col.index)
                year = year_in(year_cell)
                reference = year_cell
            if year is None:
                year, reference = context_year, context_reference
            records.append(
                _record(grid, number, column, code, name, label, unit, year, reference, cell)
            )
    return records


def _long_records(
    grid: Grid,
    columns: list[_Column],
    data: list[tuple[int, list[GridCell]]],
    context_year: int | None,
    context_reference: str,
) -> list[dict[str, object]]:
    area = _area_getter(columns)
    context = (context_year, context_reference)
    indicator_col = next(c for c in columns if c.role == "indicator")
    value_col = next(c for c in columns if c.role == "value")
    unit_col = next((c for c in columns if c.role == "unit"), None)
    year_col = next((c for c in columns if c.role == "year"), None)
    parsed = _parse_column(value_col, data)
    records: list[dict[str, object]] = []
    for (number, cells), cell in zip(data, parsed, strict=True):
        code, name = area(cells)
        indicator = _text(cells, indicator_col.index)
        if not (code or name) or not indicator:
            continue
        info = parse_header(indicator)
        unit = (
            (unit_of(_text(cells, unit_col.index)) or _text(cells, unit_col.index))
            if (unit_col)
            else ""
        )
        unit = unit or info.unit or unit_of(value_col.leaf)
        year, reference = _row_year(info.year, info.reference, cells, year_col, context)
        records.append(
            _record(grid, number, value_col, code, name, info.name, unit, year, reference, cell)
        )
    return records


def _figure_columns(
    columns: list[_Column], data: list[tuple[int, list[GridCell]]]
) -> list[_Column]:
    """The columns of figures of a long table whose indicator columns name each row, the
    value column first: one whose header ends in a value word („INDIKATOR_WERT“). Empty
    columns and a column repeating the area's number („NUMMER“) hold no figures."""
    area = _area_getter(columns)
    figures = []
    for column in columns:
        if column.role != "data" or not _filled_count(_cells(column, data)):
            continue
        if _repeats_area_number(column, data, area):
            continue
        figures.append(column)
    valued = [c for c in figures if _VALUE_HEADER.match((_header_words(c.leaf) or [""])[-1])]
    return valued[:1] + [c for c in figures if c not in valued[:1]]


def _repeats_area_number(
    column: _Column,
    data: list[tuple[int, list[GridCell]]],
    area: Callable[[list[GridCell]], tuple[str, str]],
) -> bool:
    """Whether a column holds the number the area's name also carries („3“ beside
    „03 Maxvorstadt“)."""
    pairs = [(_text(cells, column.index), area(cells)[0]) for _, cells in data]
    coded = [(text, code) for text, code in pairs if text and code.isdigit()]
    return bool(coded) and all(_same_number(text, code) for text, code in coded)


def _header_words(header: str) -> list[str]:
    return [w for w in re.split(r"[\s_\-./]+", header) if w]


def _namer(figure: _Column, columns: list[_Column]) -> _Column | None:
    """A text column that names a figure column's meaning row by row: „NAME_BASISWERT1“
    for „BASISWERT_1“."""
    compact = "".join(_header_words(figure.leaf)).casefold()
    return next(
        (
            c
            for c in columns
            if c.role == "ignore"
            and compact in "".join(_header_words(c.leaf)).casefold()
            and c.leaf.casefold() != figure.leaf.casefold()
        ),
        None,
    )


def _label_parts(texts: list[str]) -> list[str]:
    """The indicator columns' texts of a row, each said once: a text that a later one
    repeats („Haushalte mit Kindern“ before „Haushalte mit Kindern - gesamt“) is left out."""
    filled = [t for t in texts if t]
    return [
        t
        for i, t in enumerate(filled)
        if not any(t.casefold() in later.casefold() for later in filled[i + 1 :])
    ]


def _measure_records(
    grid: Grid,
    columns: list[_Column],
    data: list[tuple[int, list[GridCell]]],
    figures: list[_Column],
    context_year: int | None,
    context_reference: str,
) -> list[dict[str, object]]:
    """Records of a long table with several figure columns: the first is the indicator
    the text columns name („Arbeitslose – Unter 25-Jährige“), each other one the figure
    its naming column gives („Arbeitslose unter 25 Jahren“), else the indicator with the
    column's header. A figure repeated on several rows (a denominator shared by all
    variants) is kept once."""
    area = _area_getter(columns)
    context = (context_year, context_reference)
    label_cols = [c for c in columns if c.role == "indicator"]
    year_col = next((c for c in columns if c.role == "year"), None)
    parsed = [_parse_column(figure, data) for figure in figures]
    share_unit = "%" if _is_percent_of(parsed) else ""
    # Each row's area and indicator name, read once for all its figures.
    rows = [
        (area(cells), _label_parts([_text(cells, c.index) for c in label_cols]))
        for _, cells in data
    ]
    records: list[dict[str, object]] = []
    seen: set[tuple[str, str, str, int | None]] = set()
    for position, (figure, figure_cells) in enumerate(zip(figures, parsed, strict=True)):
        namer = _namer(figure, columns)
        for (number, cells), cell, ((code, name), parts) in zip(
            data, figure_cells, rows, strict=True
        ):
            if not (code or name) or not parts or not cell.text:
                continue
            if position == 0:
                label = " – ".join(parts)
            elif namer is not None:
                label = _text(cells, namer.index)
            else:
                label = " – ".join([*parts, figure.leaf])
            info = parse_header(label)
            year, reference = _row_year(info.year, info.reference, cells, year_col, context)
            key = (info.name, code, name, year)
            if not label or key in seen:
                continue
            seen.add(key)
            unit = info.unit or unit_of(figure.leaf) or (share_unit if position == 0 else "")
            records.append(
                _record(grid, number, figure, code, name, info.name, unit, year, reference, cell)
            )
    return records


_SHARE_TOLERANCE = 0.01  # of the value: rounding in the export
_SHARE_ROWS = 0.9  # of the rows where all three figures are given


def _is_percent_of(figures: list[list[CellNumber]]) -> bool:
    """Whether the value column is, row by row, the next figure as a percentage of the one
    after it („INDIKATOR_WERT“ 6,7 = 86 of 1.290,3 alle Arbeitslosen): then it is a share
    in %, though no header says so. `figures`: the parsed figure columns, value first."""
    if len(figures) < 3:
        return False
    value, part, whole = figures[:3]
    rows = [
        (v.value, p.value, w.value)
        for v, p, w in zip(value, part, whole, strict=True)
        if v.value is not None and p.value is not None and w.value
    ]
    fitting = sum(
        1 for v, p, w in rows if abs(v - 100 * p / w) <= _SHARE_TOLERANCE * max(abs(v), 1)
    )
    return bool(rows) and fitting >= _SHARE_ROWS * len(rows)


# Headers that name no indicator of their own: the figure's meaning is elsewhere.
_GENERIC_VALUE_HEADER = re.compile(r"^(wert|werte|value|zahl|zahlen|anzahl|betrag|n)$", re.I)
# A column whose values repeat this often per distinct value says what a row measures.
_CATEGORY_REPEAT = 3


def _single_value_column(columns: list[_Column]) -> _Column | None:
    """The one column of figures of a table that has no indicator column, if it has one
    and its header does not name an indicator (a named one is read as a wide table)."""
    figures = [c for c in columns if c.role in ("value", "data")]
    if len(figures) != 1 or any(c.role == "indicator" for c in columns):
        return None
    single = figures[0]
    return single if single.role == "value" or _GENERIC_VALUE_HEADER.match(single.leaf) else None


def _category_columns(
    columns: list[_Column], data: list[tuple[int, list[GridCell]]]
) -> list[_Column]:
    """Text columns whose values repeat across rows (a topic, a group, a line label):
    together they name what the row's figure measures. A column of Länder says where the
    area lies, not what is measured."""
    return [
        c
        for c in columns
        if c.role == "ignore"
        and _names_category(_cells(c, data))
        and not _names_laender(_cells(c, data))
    ]


def _names_category(cells: Sequence[GridCell]) -> bool:
    return bool(_filled_count(cells)) and _is_textual(cells) and _repeats(cells)


def _category_records(
    grid: Grid,
    columns: list[_Column],
    data: list[tuple[int, list[GridCell]]],
    value_col: _Column,
    categories: list[_Column],
    named_by: str,
    context_year: int | None,
    context_reference: str,
) -> list[dict[str, object]]:
    area = _area_getter(columns)
    context = (context_year, context_reference)
    year_col = next((c for c in columns if c.role == "year"), None)
    parsed = _parse_column(value_col, data)
    records: list[dict[str, object]] = []
    for (number, cells), cell in zip(data, parsed, strict=True):
        code, name = area(cells)
        if not (code or name):
            continue
        parts = [_text(cells, c.index) for c in categories]
        if len(parts) < 2:
            # A lone group („Unter-3-Jährige“) needs what it is a group of: the file's name.
            parts = [named_by, *parts]
        label = " – ".join(dict.fromkeys(p for p in parts if p))  # „X – X“ says X once
        info = parse_header(label)
        year, reference = _row_year(info.year, info.reference, cells, year_col, context)
        unit = info.unit or unit_of(value_col.leaf) or unit_of(named_by)
        records.append(
            _record(grid, number, value_col, code, name, info.name, unit, year, reference, cell)
        )
    return records


# Words of a file name that say where or when, not what: „…_Kreise_2005_2016.csv“.
_STEM_NOISE = re.compile(
    r"^(\d{2,4}|kreise?|stadtteile?|stadtbezirke?|bezirke?|gemeinden?|kommunen?|quartiere?|"
    r"sozialr(ä|ae)ume?|planungsr(ä|ae)ume?|ortsteile?|export|daten|tabelle|tab|od|csv)$",
    re.I,
)


def _stem_label(file_stem: str) -> str:
    """What a file name says a table measures: „Arbeitslosenquote_Kreise_2005_2016“ →
    „Arbeitslosenquote“; the name as it is when every word is noise."""
    words = [w for w in re.split(r"[\s_\-]+", file_stem) if w]
    kept = [w for w in words if not _STEM_NOISE.match(w)]
    return " ".join(kept) or file_stem


def _row_year(
    year: int | None,
    reference: str,
    cells: list[GridCell],
    year_col: _Column | None,
    context: tuple[int | None, str],
) -> tuple[int | None, str]:
    """A row's year: its year column, else what its label says, else the table's."""
    if year_col is not None:
        year_cell = _text(cells, year_col.index)
        year, reference = year_in(year_cell) or year, year_cell
    return (year, reference) if year is not None else context


def _transposed_records(
    grid: Grid,
    columns: list[_Column],
    data: list[tuple[int, list[GridCell]]],
    label_col: _Column,
    context_year: int | None,
) -> list[dict[str, object]]:
    """Indicators as rows, areas as columns: each data column header names an area."""
    records: list[dict[str, object]] = []
    area_columns = [c for c in columns if c.role == "data"]
    for column in area_columns:
        code, name = split_code(column.leaf)
        parsed = _parse_column(column, data)
        for (number, cells), cell in zip(data, parsed, strict=True):
            label_text = _text(cells, label_col.index)
            if not label_text:
                continue
            info = parse_header(label_text)
            year = info.year or context_year
            reference = info.reference or (str(year) if year else "")
            records.append(
                _record(
                    grid, number, column, code, name, info.name, info.unit, year, reference, cell
                )
            )
    return records


def _looks_transposed(
    columns: list[_Column],
    data: list[tuple[int, list[GridCell]]],
    name_col: _Column,
    is_indicator_label: IndicatorMatcher,
) -> bool:
    labels = list(dict.fromkeys(_text(cells, name_col.index) for _, cells in data))
    labels = [label for label in labels if label][:200]
    if not labels:
        return False
    hits = sum(1 for label in labels if is_indicator_label(label))
    data_headers = [c.leaf for c in columns if c.role == "data"]
    header_hits = sum(1 for h in data_headers if is_indicator_label(h))
    return hits >= 0.5 * len(labels) and header_hits < 0.5 * max(1, len(data_headers))


def _record(
    grid: Grid,
    number: int,
    column: _Column,
    code: str,
    name: str,
    label: str,
    unit: str,
    year: int | None,
    reference: str,
    cell: CellNumber,
) -> dict[str, object]:
    if not unit and cell.unit:
        unit = cell.unit
    return {
        "sheet": grid.sheet,
        "row": number,
        "column": column.letter,
        "column_name": column.header,
        "area_code": code,
        "area_name": name,
        "aggregate": "",
        "label": label,
        "unit": unit,
        "year": year,
        "reference": reference,
        "value": cell.value if cell.value is not None else float("nan"),
        "value_text": cell.text,
        "display": cell.display or cell.text,
        "missing": cell.missing,
        "decimals": cell.decimals,
        "area_type": "",
        "region": "",
    }


def _parse_column(column: _Column, data: list[tuple[int, list[GridCell]]]) -> list[CellNumber]:
    cells = [
        cells[column.index] if column.index < len(cells) else GridCell("") for _, cells in data
    ]
    mark = detect_decimal_mark(c.text for c in cells if c.number is None)
    parsed = [c.number or parse_number(c.text, mark) for c in cells]
    present = [n for n in parsed if n.value is not None]
    if present and all(n.decimals and float(n.value).is_integer() for n in present):  # type: ignore[arg-type]
        # Whole numbers exported as floats ("80895.0"): counts, shown as "80.895".
        return [
            replace(n, decimals=0, display=format_german(n.value, 0)) if n.value is not None else n
            for n in parsed
        ]
    return parsed


def _area_getter(columns: list[_Column]) -> Callable[[list[GridCell]], tuple[str, str]]:
    code_col = next((c for c in columns if c.role == "code"), None)
    name_col = next((c for c in columns if c.role == "name"), None)

    def area(cells: list[GridCell]) -> tuple[str, str]:
        code = _text(cells, code_col.index) if code_col else ""
        name = _text(cells, name_col.index) if name_col else ""
        if code and not name:
            embedded, rest = split_code(code)
            return (embedded, rest) if embedded and rest else (code, code)
        if name:
            # „10 Moosach“ beside the code 10 (or without a code column): the name is
            # „Moosach“, as questions say it.
            embedded, rest = split_code(name)
            if embedded and (not code or _same_number(embedded, code)):
                return code or embedded, rest or name
        return code, name

    return area


def _same_number(a: str, b: str) -> bool:
    return a.isdigit() and b.isdigit() and int(a) == int(b)


def _mark_aggregates(records: list[dict[str, object]]) -> None:
    """Flag city or district totals per row: by a name that says so ("Stadt gesamt",
    "Summe", code "00"), or by a name that may say so ("Stadt Köln", "Kreis Unna") when the
    figures agree (see `_figures_show_total`)."""
    pairs = {(str(r["area_code"]), str(r["area_name"])) for r in records}
    zero_code_is_total = len({code for code, _ in pairs if code}) > 2
    kinds = {}
    for code, name in pairs:
        kind = aggregate_kind(code, name)
        # Code "00" marks the city total in many exports, unless the name carries the code
        # itself ("Gebiet 00"), which is a real area numbered from zero.
        if not kind and zero_code_is_total and code and set(code) == {"0"} and code not in name:
            kind = "Gesamtstadt"
        kinds[(code, name)] = kind
    maybe = {p: k for p in pairs if not kinds[p] and (k := possible_total_kind(p[1]))}
    # Many „Stadt …“ rows are the cities of a municipalities export, not totals.
    if len(maybe) <= _MAX_POSSIBLE_TOTALS:
        for pair, kind in maybe.items():
            if _figures_show_total(pair, records, set(maybe) | {p for p in pairs if kinds[p]}):
                kinds[pair] = kind
    for record in records:
        record["aggregate"] = kinds[(str(record["area_code"]), str(record["area_name"]))]


_MAX_POSSIBLE_TOTALS = 3
_EVIDENCE_SHARE = 0.8


def _figures_show_total(
    pair: tuple[str, str], records: list[dict[str, object]], not_areas: set[tuple[str, str]]
) -> bool:
    """Whether a row's figures are those of a total of the other rows: at least the largest
    part for counts (a sum; a Land row exceeds the parts shown), between the smallest and
    the largest for rates (an average), in most columns and years."""
    groups: dict[tuple[object, ...], tuple[list[float], list[float]]] = {}
    for record in records:
        value = record["value"]
        if not isinstance(value, float | int) or value != value:
            continue
        own, others = groups.setdefault(
            (record["column"], record["year"], record["label"]), ([], [])
        )
        area = (str(record["area_code"]), str(record["area_name"]))
        if area == pair:
            own.append(float(value))
        elif area not in not_areas:
            others.append(float(value))
    counts, rates = [], []
    for own, others in groups.values():
        if not own or len(others) < 2:
            continue
        value = own[0]
        if all(v >= 0 and float(v).is_integer() for v in [*others, value]):
            counts.append(value >= max(others))
        else:
            rates.append(min(others) <= value <= max(others))
    checks = counts or rates
    return bool(checks) and sum(checks) >= _EVIDENCE_SHARE * len(checks)


def _mark_area_type(
    records: list[dict[str, object]],
    columns: Sequence[_Column],
    sheet: str | None,
    captions: Sequence[str],
    file_stem: str,
) -> None:
    """The kind of areas (Stadtteil, Gemeinde, Kreis …) the sheet's rows are, by the area
    column's header, else the sheet, caption or file name, else the codes' length."""
    headers = " ".join(c.header for c in columns if c.role in ("code", "name"))
    area_type = read_area_type(
        [headers, " ".join((sheet or "", *captions, file_stem))],
        (str(r["area_code"]) for r in records if not r["aggregate"]),
    )
    parent_type = larger_area_type(area_type)
    parents = _parent_codes(records) if parent_type is not None else set()
    for record in records:
        parent = normalise_code(str(record["area_code"])) in parents
        chosen = parent_type if parent else area_type
        record["area_type"] = chosen.name if chosen else ""


def _mark_region(
    records: list[dict[str, object]],
    columns: Sequence[_Column],
    data: list[tuple[int, list[GridCell]]],
) -> None:
    """The Land of every row, where a text column names Länder („Bundesland“ of a
    municipalities export), so a question can rank within one Land."""
    for column in columns:
        cells = _cells(column, data)
        if column.role in ("ignore", "") and _names_laender(cells):
            by_row = {number: _text(row, column.index) for number, row in data}
            for record in records:
                land = land_of_cell(by_row.get(int(record["row"]), ""))  # type: ignore[call-overload]
                record["region"] = land.name if land else ""
            return


def _names_laender(cells: Sequence[GridCell]) -> bool:
    distinct = {c.text for c in cells if c.text}
    named = sum(1 for text in distinct if land_of_cell(text))
    return bool(distinct) and named >= _LAND_SHARE * len(distinct)


_LAND_SHARE = 0.7


def _parent_codes(records: list[dict[str, object]]) -> set[str]:
    """Codes of areas that contain others of the same table: „5“ (Stadtbezirk Nippes) when
    „501“, „502“ … (its Stadtteile) are rows too. Such rows are the next larger level."""
    codes = {
        normalise_code(str(r["area_code"]))
        for r in records
        if r["area_code"] and not r["aggregate"] and str(r["area_code"]).isdigit()
    }
    below: Counter[str] = Counter()
    for code in codes:
        for length in range(1, len(code) - 1):
            if code[:length] in codes:
                below[code[:length]] += 1
    parents = {code for code, count in below.items() if count >= 2}
    rest = codes - parents
    covered = sum(1 for c in rest if any(c[:n] in parents for n in range(1, len(c) - 1)))
    # A hierarchy only when nearly every other area lies in one of the parents and the
    # areas below have codes of one length; otherwise codes merely share leading digits
    # (areas 1 … 12, or rows numbered 0 … 2599).
    lengths = Counter(len(c) for c in rest)
    one_length = bool(lengths) and max(lengths.values()) >= _HIERARCHY_SHARE * len(rest)
    nested = parents and one_length and covered >= _HIERARCHY_SHARE * len(rest)
    return parents if nested else set()


_HIERARCHY_SHARE = 0.9


def _group_unit(column: _Column) -> str:
    if " / " in column.header:
        return unit_of(column.header.rsplit(" / ", 1)[0])
    return ""


def _context_reference(sheet: str | None, captions: Sequence[str], file_stem: str) -> str:
    for text in (sheet or "", *captions, file_stem):
        info = parse_header(text)
        if info.year is not None:
            return info.reference
    return ""


def _text(cells: Sequence[GridCell] | None, index: int) -> str:
    if cells is None or index >= len(cells):
        return ""
    return cells[index].text


def _filled_count(cells: Sequence[GridCell]) -> int:
    return sum(1 for c in cells if c.text)


def _distinct_count(cells: Sequence[GridCell]) -> int:
    return len({c.text for c in cells if c.text})


def _is_textual(cells: Sequence[GridCell]) -> bool:
    """A header-like row: at most a fifth of its cells are figures (years count as text)."""
    figures, filled = _figures(cells)
    return filled > 0 and figures <= 0.2 * filled


def _is_data_row(cells: Sequence[GridCell]) -> bool:
    """A row no header looks like: half or more of its cells are figures (not years)."""
    figures, filled = _figures(cells)
    return figures >= 2 and figures >= 0.5 * filled


def _figures(cells: Sequence[GridCell]) -> tuple[int, int]:
    """How many filled cells are figures (years count as text), and how many are filled."""
    values = [c for c in cells if c.text]
    figures = 0
    for cell in values:
        parsed = cell.number or parse_number(cell.text)
        if parsed.value is not None and not is_year_label(cell.text):
            figures += 1
    return figures, len(values)


def _is_unit_row(cells: Sequence[GridCell]) -> bool:
    values = [c.text for c in cells if c.text]
    return bool(values) and all(_UNIT_CELL.match(v) for v in values)
