"""Real indicator files for the indicator tests, written into a test's tmp_path.

- `write_monitoring_xlsx`: one sheet per year (2019, 2021, 2023), a merged title row, a
  merged group header row, "Stadt gesamt", suppressed "." cells, a small area.
- `write_cp1252_csv`: Windows-1252, ";" and decimal commas, a title line, name variants
  without codes ("Nord-Viertel", "Stadtteil 03"), "-  0,4", "1.234", padded cells, "Insgesamt".
- `write_bom_csv`: UTF-8 with BOM, unpadded codes, an indicator the catalogue does not know
  ("Anteil Haushalte mit Wohngeld in % (Dez 2013)").

Also the store fixture the other indicator tests share (SQLite file in tmp_path).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from assistant.indicators.store import IndicatorStore

YEARS = (2019, 2021, 2023)
# code, name, population
AREAS = (
    ("01", "Altstadt", 7834),
    ("02", "Nordviertel", 9120),
    ("03", "Hafenviertel", 10019),
    ("04", "Lindenhöhe", 6917),
    ("05", "Südstadt", 8616),
    ("06", "Bergheim", 7300),
    ("07", "Gewerbegebiet Ost", 150),
)
S = "."  # suppressed in the source
SGB2 = {
    2019: (11.6, 18.2, 20.6, 3.1, 9.4, 6.0, S),
    2021: (12.0, 19.5, 22.1, 2.9, 9.8, 6.2, S),
    2023: (12.1, 21.3, 23.4, 2.8, 9.1, 5.9, S),
}
KINDER = {
    2019: (19.6, 30.1, 34.3, 3.6, 15.2, 9.0, S),
    2021: (20.4, 31.8, 36.0, 3.3, 15.9, 9.4, S),
    2023: (20.2, 33.5, 38.9, S, 14.8, 8.7, S),
}
ALO = {
    2019: (5.3, 8.1, 9.0, 1.2, 4.4, 2.8, S),
    2021: (5.6, 8.8, 9.9, 1.1, 4.6, 2.9, S),
    2023: (5.5, 9.6, 10.7, 1.0, 4.2, 2.7, S),
}
YOUTH = (41, 63, 88, 2, 30, 12, 0)  # "Arbeitslose unter 25 J. (Anzahl)", same every year
CITY = {2019: (11.0, 21.0, 5.9), 2021: (11.7, 21.9, 6.2), 2023: (12.0, 22.3, 6.4)}
HEADERS = (
    "Nr.",
    "Stadtteil",
    "Einwohner insgesamt",
    "SGB-II-Quote (%)",
    "Kinderarmut unter 15 J. (%)",
    "Arbeitslosenanteil SGB II (%)",
    "Arbeitslose unter 25 J. (Anzahl)",
)
FIRST_DATA_ROW = 4  # rows 1-3: title, group header, header
COLUMN = {"einwohner": "C", "sgb2_quote": "D", "kinderarmut": "E", "arbeitslosenanteil": "F"}


def xlsx_row(code: str) -> int:
    """Sheet row of an area in the monitoring workbook."""
    return FIRST_DATA_ROW + [a[0] for a in AREAS].index(code)


def write_monitoring_xlsx(path: Path) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for year in YEARS:
        sheet = workbook.create_sheet(str(year))
        sheet.cell(1, 1, f"Sozialmonitoring Musterstadt – Stichtag 31.12.{year}")
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
        for start, end, label in ((1, 2, "Gebiet"), (3, 3, "Bevölkerung"),
                                  (4, 5, "Soziale Lage"), (6, 7, "Arbeitsmarkt")):  # fmt: skip
            sheet.cell(2, start, label)
            if end > start:
                sheet.merge_cells(start_row=2, start_column=start, end_row=2, end_column=end)
        for column, header in enumerate(HEADERS, start=1):
            sheet.cell(3, column, header)
        for index, (code, name, population) in enumerate(AREAS):
            row = FIRST_DATA_ROW + index
            values = (code, name, population, SGB2[year][index], KINDER[year][index],
                      ALO[year][index], YOUTH[index])  # fmt: skip
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row, column, value)
                if isinstance(value, float):
                    cell.number_format = "0.0"
                elif isinstance(value, int):
                    cell.number_format = "#,##0"
        total = FIRST_DATA_ROW + len(AREAS)
        sheet.cell(total, 2, "Stadt gesamt")
        sheet.cell(total, 3, sum(a[2] for a in AREAS)).number_format = "#,##0"
        for offset, value in enumerate(CITY[year]):
            sheet.cell(total, 4 + offset, value).number_format = "0.0"
        sheet.cell(total + 2, 1, "Quelle: Einwohnermelderegister; Statistik der BA.")
        sheet.cell(total + 3, 1, "Zeichenerklärung: . = Wert aus Datenschutzgründen gesperrt.")
    workbook.save(path)
    return path


CP1252_ROWS = (
    # name as the planning office writes it, Alleinerziehende, change in pp, Wohngeld count
    ("Altstadt", "24,5", "0,5", "312"),
    ("Nord-Viertel", "31,2", "3,1", "1.234"),
    ("Stadtteil 03", "33,9", "2,8", "  1.410 "),
    ("Lindenhöhe", "12,0", "-  0,3", "2"),
    ("Südstadt", "21,7", "-0,3", "402"),
    ("Bergheim", "15,4", "-  0,1", "188"),
    ("Insgesamt", "22,9", "1,0", "3.548"),
)


def write_cp1252_csv(path: Path) -> Path:
    lines = [
        "Sozialdaten Musterstadt 2023;;;",
        "Stadtteil;Alleinerziehende in %;Veränderung SGB-II-Quote 2019–2023 in %-Punkten;"
        "Wohngeldhaushalte (Anzahl)",
        *(";".join(row) for row in CP1252_ROWS),
        "Quelle: Sozialamt Musterstadt;;;",
    ]
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    return path


BOM_ROWS = (("1", "Altstadt", "6,1"), ("2", "Nordviertel", "11,8"), ("3", "Hafenviertel", "14,2"))


def write_bom_csv(path: Path) -> Path:
    lines = ["Stadtteil-Nr;Stadtteil;Anteil Haushalte mit Wohngeld in % (Dez 2013)"]
    lines += [";".join(row) for row in BOM_ROWS]
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8"))
    return path


def monitoring_store(tmp_path: Path) -> IndicatorStore:
    """A store on a SQLite file with the three files ingested (doc ids xlsx, cp1252, bom)."""
    store = IndicatorStore(f"sqlite:///{tmp_path / 'planwerk.sqlite3'}")
    store.add_table("xlsx", "sozialmonitoring.xlsx", write_monitoring_xlsx(tmp_path / "m.xlsx"))
    store.add_table("cp1252", "sozialdaten.csv", write_cp1252_csv(tmp_path / "sozialdaten.csv"))
    store.add_table("bom", "wohngeld.csv", write_bom_csv(tmp_path / "wohngeld.csv"))
    return store
