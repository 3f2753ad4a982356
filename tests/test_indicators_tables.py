"""Reading real CSV/XLSX files into long format: layouts, encodings, units, years, totals."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from openpyxl import Workbook

from assistant.indicators.catalogue import Catalogue
from assistant.indicators.tables import read_table
from ingest.errors import IngestError
from tests.test_indicators_fixtures import (
    AREAS,
    CP1252_ROWS,
    SGB2,
    write_bom_csv,
    write_cp1252_csv,
    write_monitoring_xlsx,
    xlsx_row,
)


def test_xlsx_one_sheet_per_year_with_merged_group_header(tmp_path: Path) -> None:
    read = read_table(write_monitoring_xlsx(tmp_path / "m.xlsx"))
    frame = read.frame
    assert [layout.kind for layout in read.layouts] == ["wide", "wide", "wide"]
    assert read.layouts[0].header_rows == (2, 3)
    assert sorted(frame["year"].unique()) == [2019, 2021, 2023]
    sgb = frame[(frame["label"] == "SGB-II-Quote") & (frame["year"] == 2023)]
    nord = sgb[sgb["area_name"] == "Nordviertel"].iloc[0]
    assert (nord["sheet"], nord["row"], nord["column"]) == ("2023", xlsx_row("02"), "D")
    assert nord["column_name"] == "Soziale Lage / SGB-II-Quote (%)"
    assert (nord["value"], nord["display"], nord["unit"], nord["area_code"]) == (
        21.3,
        "21,3",
        "%",
        "02",
    )
    assert nord["reference"] == "2023"
    population = frame[(frame["label"] == "Einwohner insgesamt") & (frame["area_code"] == "01")]
    assert population.iloc[0]["display"] == "7.834"


def test_totals_are_marked_and_suppressed_cells_kept_with_reason(tmp_path: Path) -> None:
    frame = read_table(write_monitoring_xlsx(tmp_path / "m.xlsx")).frame
    city = frame[frame["area_name"] == "Stadt gesamt"]
    assert not city.empty and set(city["aggregate"]) == {"Gesamtstadt"}
    assert set(frame.loc[frame["area_name"] != "Stadt gesamt", "aggregate"]) == {""}
    gap = frame[
        (frame["area_code"] == "07") & (frame["label"] == "SGB-II-Quote") & (frame["year"] == 2019)
    ].iloc[0]
    assert math.isnan(gap["value"]) and gap["value_text"] == "."
    assert "geheim" in gap["missing"]
    assert not frame["area_name"].str.startswith(("Quelle", "Zeichen")).any()


def test_cp1252_csv_with_title_names_only_and_german_numbers(tmp_path: Path) -> None:
    read = read_table(write_cp1252_csv(tmp_path / "sozialdaten.csv"))
    frame = read.frame
    assert read.layouts[0].kind == "wide"
    assert "Lindenhöhe" in set(frame["area_name"])  # decoded from Windows-1252
    change = frame[frame["label"].str.startswith("Veränderung")]
    assert set(change["unit"]) == {"Prozentpunkte"}
    assert set(change["year"]) == {2023}
    by_name = dict(zip(change["area_name"], change["value"], strict=True))
    assert by_name["Lindenhöhe"] == pytest.approx(-0.3)
    assert by_name["Bergheim"] == pytest.approx(-0.1)
    count = frame[frame["label"] == "Wohngeldhaushalte"]
    counts = dict(zip(count["area_name"], count["value"], strict=True))
    assert counts["Nord-Viertel"] == 1234 and counts["Stadtteil 03"] == 1410
    assert set(count["unit"]) == {"Anzahl"}
    codes = dict(zip(frame["area_name"], frame["area_code"], strict=False))
    assert codes["Stadtteil 03"] == "03"  # the code inside the name is taken
    totals = frame[frame["aggregate"] != ""]
    assert set(totals["area_name"]) == {"Insgesamt"}
    rows = dict(zip(count["area_name"], count["row"], strict=True))
    assert rows["Altstadt"] == 3  # row numbers as a spreadsheet shows them
    assert len(count) == len(CP1252_ROWS)


def test_bom_csv_header_gives_name_unit_and_reference_date(tmp_path: Path) -> None:
    frame = read_table(write_bom_csv(tmp_path / "wohngeld.csv")).frame
    assert set(frame["label"]) == {"Anteil Haushalte mit Wohngeld"}
    assert set(frame["unit"]) == {"%"}
    assert set(frame["year"]) == {2013} and set(frame["reference"]) == {"Dez 2013"}
    assert list(frame["area_code"]) == ["1", "2", "3"]
    assert list(frame["display"]) == ["6,1", "11,8", "14,2"]


def test_long_format_with_year_and_unit_columns(tmp_path: Path) -> None:
    path = tmp_path / "lang.csv"
    lines = ["Jahr;Stadtteil-Nr;Stadtteil;Indikator;Wert;Einheit"]
    for year in (2019, 2023):
        for index, (code, name, _) in enumerate(AREAS[:3]):
            value = str(SGB2[year][index]).replace(".", ",")
            lines.append(f"{year};{code};{name};SGB-II-Quote;{value};%")
    lines.append("2023;00;Stadt gesamt;SGB-II-Quote;12,0;%")
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    read = read_table(path)
    frame = read.frame
    assert read.layouts[0].kind == "long"
    assert len(frame) == 7
    assert set(frame["column"]) == {"E"}
    assert frame[frame["area_code"] == "00"].iloc[0]["aggregate"] == "Gesamtstadt"
    row = frame[(frame["area_code"] == "02") & (frame["year"] == 2023)].iloc[0]
    assert (row["row"], row["display"], row["unit"]) == (6, "21,3", "%")


def test_years_as_columns_named_by_the_caption(tmp_path: Path) -> None:
    path = tmp_path / "zeitreihe.csv"
    path.write_text(
        "SGB-II-Quote in %\nStadtteil;2019;2021;2023\nAltstadt;11,6;12,0;12,1\n"
        "Nordviertel;18,2;19,5;21,3\n",
        encoding="utf-8",
    )
    frame = read_table(path).frame
    assert sorted(frame["year"].unique()) == [2019, 2021, 2023]
    assert set(frame["label"]) == {"SGB-II-Quote"} and set(frame["unit"]) == {"%"}
    nord = frame[(frame["area_name"] == "Nordviertel") & (frame["year"] == 2021)].iloc[0]
    assert (nord["row"], nord["column"], nord["display"]) == (4, "C", "19,5")


def test_years_as_columns_without_a_caption_are_named_by_the_file(tmp_path: Path) -> None:
    path = tmp_path / "Kinderarmut_Stadtteile_2019-2023.csv"
    path.write_text(
        "Stadtteil;2019;2021;2023\nAltstadt;11,6;12,0;12,1\nNordviertel;18,2;19,5;21,3\n",
        encoding="utf-8",
    )
    frame = read_table(path).frame
    assert set(frame["label"]) == {"Kinderarmut"}
    assert sorted(frame["year"].unique()) == [2019, 2021, 2023]


def test_transposed_table_with_indicators_as_rows(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "2023"
    sheet.append(["Merkmal", "Altstadt", "Nordviertel", "Stadt gesamt"])
    sheet.append(["SGB-II-Quote (%)", 12.1, 21.3, 12.0])
    sheet.append(["Kinderarmut (%)", 20.2, 33.5, 22.3])
    path = tmp_path / "quer.xlsx"
    workbook.save(path)
    read = read_table(path, is_indicator_label=Catalogue.load().is_indicator_label)
    frame = read.frame
    assert read.layouts[0].kind == "transposed"
    nord = frame[(frame["area_name"] == "Nordviertel") & (frame["label"] == "SGB-II-Quote")]
    assert nord.iloc[0]["value"] == pytest.approx(21.3)
    assert (nord.iloc[0]["row"], nord.iloc[0]["column"]) == (2, "C")
    assert set(frame.loc[frame["area_name"] == "Stadt gesamt", "aggregate"]) == {"Gesamtstadt"}


def test_a_table_without_areas_gives_nothing_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / "termine.csv"
    path.write_text("Datum;Termin\n01.02.2024;Ausschuss\n", encoding="utf-8")
    read = read_table(path)
    assert read.frame.empty
    assert read.notes


def test_a_broken_xlsx_raises_a_german_error(tmp_path: Path) -> None:
    path = tmp_path / "kaputt.xlsx"
    path.write_bytes(b"not a zip file")
    with pytest.raises(IngestError, match="kann nicht geöffnet werden"):
        read_table(path)


def test_area_column_can_be_named(tmp_path: Path) -> None:
    frame = read_table(write_monitoring_xlsx(tmp_path / "m.xlsx"), area_column="Stadtteil").frame
    assert "Nordviertel" in set(frame["area_name"])
    with pytest.raises(IngestError, match="Gebietsspalte"):
        read_table(tmp_path / "m.xlsx", area_column="Gibtsnicht")


# An Indikatorenatlas export: text columns name each row's indicator, several columns hold
# its figures, a column names the figure beside the value, another repeats the area's number.
MEASURES = (
    '"INDIKATOR_GRUPPE","INDIKATOR_BEZEICHNUNG","INDIKATOR_AUSPRAEGUNG","INDIKATOR_WERT",'
    '"BASISWERT_1","BASISWERT_2","NAME_BASISWERT1","NAME_BASISWERT2","JAHR","NUMMER","NAME"\n'
    '"Arbeitsmarkt","Arbeitslose","Langzeit","38.56","612","1587","Langzeitarbeitslose",'
    '"alle Arbeitslosen","2015","10","10 Moosach"\n'
    '"Arbeitsmarkt","Arbeitslose","Frauen","45.1","716","1587","weibliche Arbeitslose",'
    '"alle Arbeitslosen","2015","10","10 Moosach"\n'
    '"Arbeitsmarkt","Arbeitslose","Langzeit","15.98","90","563","Langzeitarbeitslose",'
    '"alle Arbeitslosen","2015","1","01 Altstadt - Lehel"\n'
    '"Arbeitsmarkt","Arbeitslose","Frauen","47.2","266","563","weibliche Arbeitslose",'
    '"alle Arbeitslosen","2015","1","01 Altstadt - Lehel"\n'
    '"Arbeitsmarkt","Arbeitslose","Langzeit","21.3","1210","5680","Langzeitarbeitslose",'
    '"alle Arbeitslosen","2015","2","02 Ludwigsvorstadt - Isarvorstadt"\n'
    '"Arbeitsmarkt","Arbeitslose","Frauen","44.0","2499","5680","weibliche Arbeitslose",'
    '"alle Arbeitslosen","2015","2","02 Ludwigsvorstadt - Isarvorstadt"\n'
)


def test_a_long_table_with_several_figure_columns_names_each_figure(tmp_path: Path) -> None:
    path = tmp_path / "Arbeitslose_Stadtbezirke.csv"
    path.write_text(MEASURES, encoding="utf-8")
    records = read_table(path).records
    labels = {str(r["label"]) for r in records}
    assert labels == {
        "Arbeitsmarkt – Arbeitslose – Langzeit",
        "Arbeitsmarkt – Arbeitslose – Frauen",
        "Langzeitarbeitslose",
        "weibliche Arbeitslose",
        "alle Arbeitslosen",
    }
    moosach = {r["label"]: r["value"] for r in records if r["area_code"] == "10"}
    assert moosach["Arbeitsmarkt – Arbeitslose – Langzeit"] == pytest.approx(38.56)
    assert moosach["Langzeitarbeitslose"] == 612
    # The value is the count as a share of all, row by row: a percentage no header names.
    units = {r["label"]: r["unit"] for r in records}
    assert units["Arbeitsmarkt – Arbeitslose – Langzeit"] == "%"
    assert units["Langzeitarbeitslose"] == ""
    # The denominator shared by both variants' rows is one value, not two.
    assert sum(1 for r in records if r["label"] == "alle Arbeitslosen") == 3


def test_codes_before_the_area_names_are_codes_whatever_their_header(tmp_path: Path) -> None:
    # „KREG | name | value“: read as a figure, the codes would be a second indicator.
    path = tmp_path / "Fahrzeit_Hausarzt_Kreisregionen_2016.csv"
    path.write_text(
        "KREG,name,value\n1002000,KS Kiel,3.25\n1003000,KS Lübeck,3.88\n"
        "1051000,Dithmarschen,6.12\n1053000,Herzogtum Lauenburg,5.01\n",
        encoding="utf-8",
    )
    records = read_table(path).records
    assert {r["area_code"] for r in records} == {"1002000", "1003000", "1051000", "1053000"}
    assert {r["column_name"] for r in records} == {"value"}
    assert records[0]["label"].startswith("Fahrzeit Hausarzt") and records[0]["value"] == 3.25
