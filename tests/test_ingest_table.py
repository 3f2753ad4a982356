"""CSV and XLSX tables: encodings, delimiters, headers, row numbers and sheets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from ingest.blocks import BlockKind, LoadedDocument
from ingest.delimiters import guess_delimiter
from ingest.formats import load_file
from ingest.loaders.table import cell_display
from tests.fixtures_files import write_csv

HEADER = ["Stadtteil", "SGB-II-Quote in %", "Größe in ha"]
ROWS = [["Nordviertel", "23,4", "120,5"], ["Süd", "8,1", "310,0"], ["Altstadt", "12,0", "45,2"]]


def test_latin1_csv_with_semicolons_keeps_umlauts(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "indikatoren.csv", [HEADER, *ROWS], encoding="cp1252")
    assert path.read_bytes().count(b"\xfc") == 1  # "ü" of "Süd" in cp1252
    doc = load_file(path)
    assert doc.format == "csv"
    assert doc.row_count == 3
    rows = doc.blocks
    assert all(block.kind is BlockKind.TABLE_ROW for block in rows)
    assert rows[1].text == "Stadtteil: Süd; SGB-II-Quote in %: 8,1; Größe in ha: 310,0"
    assert rows[1].table_header == "Stadtteil | SGB-II-Quote in % | Größe in ha"
    assert [block.row for block in rows] == [2, 3, 4]


def test_utf8_bom_csv_with_commas(tmp_path: Path) -> None:
    rows = [["Stadtteil", "Einwohner"], ["Süd", "4711"], ["Nordviertel", "9000"]]
    path = write_csv(tmp_path / "bom.csv", rows, encoding="utf-8-sig", delimiter=",")
    doc = load_file(path)
    assert [b.text for b in doc.blocks] == [
        "Stadtteil: Süd; Einwohner: 4711",
        "Stadtteil: Nordviertel; Einwohner: 9000",
    ]


def test_tab_separated_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "werte.tsv", [HEADER, *ROWS], encoding="utf-8", delimiter="\t")
    assert load_file(path).blocks[0].text == (
        "Stadtteil: Nordviertel; SGB-II-Quote in %: 23,4; Größe in ha: 120,5"
    )


def test_sniffer_prefers_semicolon_over_decimal_commas() -> None:
    text = "Stadtteil;Quote;Fläche\nNord;23,4;1,5\nSüd;8,1;2,5\n"
    assert guess_delimiter(text).delimiter == ";"
    assert guess_delimiter("a,b,c\n1,2,3\n4,5,6\n").delimiter == ","


def test_csv_skips_empty_rows_and_keeps_row_numbers(tmp_path: Path) -> None:
    rows = [HEADER, ROWS[0], ["", "", ""], [], ROWS[1]]
    doc = load_file(write_csv(tmp_path / "lücken.csv", rows))
    assert [(b.row, b.text.split(";")[0]) for b in doc.blocks] == [
        (2, "Stadtteil: Nordviertel"),
        (5, "Stadtteil: Süd"),
    ]


def test_csv_title_line_and_group_header(tmp_path: Path) -> None:
    rows = [
        ["Tabelle 3: Sozialindikatoren 2023", "", ""],
        ["", "Soziales", ""],
        ["Stadtteil", "SGB-II-Quote in %", "Alleinerziehende in %"],
        ["Nordviertel", "23,4", "31,0"],
        ["Quelle: Statistikstelle", "", ""],
    ]
    doc = load_file(write_csv(tmp_path / "gruppen.csv", rows))
    first, note = doc.blocks
    assert first.text == (
        "Stadtteil: Nordviertel; Soziales / SGB-II-Quote in %: 23,4; "
        "Soziales / Alleinerziehende in %: 31,0"
    )
    assert first.row == 4
    assert first.heading_path == ("Tabelle 3: Sozialindikatoren 2023",)
    assert note.text == "Quelle: Statistikstelle"


def _workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Indikatoren 2023"
    sheet["A1"] = "Sozialmonitoring Musterstadt – Stichtag 31.12.2023"
    sheet.merge_cells("A1:D1")
    sheet["A2"], sheet["B2"] = "Gebiet", "Soziales"
    sheet.merge_cells("B2:C2")
    sheet["D2"] = "Bildung"
    sheet.append(["Stadtteil", "SGB-II-Quote in %", "Alleinerziehende in %", "Übergangsquote"])
    sheet.append(["Nordviertel", 23.4, 31, 0.285])
    sheet["D4"].number_format = "0.0%"
    sheet.append([None, None, None, None])
    sheet.append(["Süd", 8.1, 12.5, 0.52])
    sheet["D6"].number_format = "0.0%"
    second = workbook.create_sheet("Kita")
    second.append(["Einrichtung", "Plätze", "Stand"])
    second.append(["Kita Sonnenschein", 85, date(2024, 3, 1)])
    workbook.create_sheet("Leer")
    workbook.save(path)
    return path


@pytest.fixture
def workbook_doc(tmp_path: Path) -> LoadedDocument:
    return load_file(_workbook(tmp_path / "Sozialmonitoring_2023.xlsx"))


def test_xlsx_rows_carry_sheet_row_and_combined_header(workbook_doc: LoadedDocument) -> None:
    north, south, _kita = workbook_doc.blocks
    assert north.text == (
        "Gebiet / Stadtteil: Nordviertel; Soziales / SGB-II-Quote in %: 23,4; "
        "Soziales / Alleinerziehende in %: 31; Bildung / Übergangsquote: 28,5 %"
    )
    assert (north.sheet, north.row) == ("Indikatoren 2023", 4)
    assert (south.sheet, south.row) == ("Indikatoren 2023", 6)
    assert north.table_header == (
        "Gebiet / Stadtteil | Soziales / SGB-II-Quote in % | Soziales / Alleinerziehende in % "
        "| Bildung / Übergangsquote"
    )
    assert north.heading_path == (
        "Indikatoren 2023",
        "Sozialmonitoring Musterstadt – Stichtag 31.12.2023",
    )


def test_xlsx_reads_every_sheet(workbook_doc: LoadedDocument) -> None:
    kita = workbook_doc.blocks[-1]
    assert kita.sheet == "Kita"
    assert kita.row == 2
    assert kita.text == "Einrichtung: Kita Sonnenschein; Plätze: 85; Stand: 01.03.2024"
    assert workbook_doc.format == "xlsx"
    assert workbook_doc.row_count == 3


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (23.4, "General", "23,4"),
        (1234.0, "General", "1234"),
        (0.285, "0.0%", "28,5 %"),
        (0.5, "0%", "50 %"),
        (True, "General", "ja"),
        (None, "General", ""),
        (date(2023, 12, 31), "General", "31.12.2023"),
    ],
)
def test_cell_display(value: object, number_format: str, shown: str) -> None:
    assert cell_display(value, number_format) == shown
