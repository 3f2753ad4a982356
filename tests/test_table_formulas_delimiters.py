"""No silent loss in tables: formula cells saved without values, unsure delimiters."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from assistant.indicators.tables import read_grids
from assistant.services import Services
from ingest.delimiters import guess_delimiter
from ingest.formats import load_file
from ingest.formulas import NO_VALUE


def _workbook_with_formulas(path: Path) -> Path:
    """As scripts write them: openpyxl stores the formulas and no values."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Kita"
    sheet.append(["Stadtteil", "Kinder", "Plätze"])
    sheet.append(["Altstadt", 210, 180])
    sheet.append(["Hafenviertel", 385, 331])
    sheet.append(["Summe", "=SUM(B2:B3)", "=SUMME(C2:C3)"])  # the second is German: not Excel's
    sheet.append(["Lücke", "=B4-C4", "=B3-C3"])
    workbook.save(path)
    return path


def test_simple_formulas_are_computed_and_others_flagged(tmp_path: Path) -> None:
    document = load_file(_workbook_with_formulas(tmp_path / "kita.xlsx"))
    rows = {block.text.split(";")[0]: block.text for block in document.blocks}
    assert rows["Stadtteil: Summe"] == f"Stadtteil: Summe; Kinder: 595; Plätze: {NO_VALUE}"
    assert "Kinder: 595" not in rows["Stadtteil: Lücke"]  # B4 - C4 needs C4, which has none
    assert f"Kinder: {NO_VALUE}" in rows["Stadtteil: Lücke"]
    assert "Plätze: 54" in rows["Stadtteil: Lücke"]
    computed, empty = document.warnings
    assert computed.startswith("„kita.xlsx“: 2 Formelzellen") and "berechnet" in computed
    assert "2 Formelzellen haben keinen gespeicherten Wert" in empty
    assert "Kita!C4 „=SUMME(C2:C3)“" in empty


def test_the_indicator_reader_sees_the_computed_values(tmp_path: Path) -> None:
    (grid,) = read_grids(_workbook_with_formulas(tmp_path / "kita.xlsx"))
    rows = {cells[0].text: cells for _, cells in grid.rows}
    assert rows["Summe"][1].number is not None and rows["Summe"][1].number.value == 595
    assert rows["Summe"][2].text == NO_VALUE


def test_ingest_reports_the_formula_cells_in_its_message(
    services: Services, tmp_path: Path
) -> None:
    folder = tmp_path / "tabellen"
    folder.mkdir()
    _workbook_with_formulas(folder / "kita.xlsx")
    (result,) = services.pipeline.ingest_paths([folder])
    assert "Formelzellen" in result.message and "kita.xlsx" in result.message


def test_a_german_export_is_read_without_doubt() -> None:
    text = "Stadtteil;Quote;Einwohner\nAltstadt;12,5;7912\nHafen;21,9;8000\nSüd;8,1;4711\n"
    guess = guess_delimiter(text)
    assert guess.delimiter == ";" and guess.sure and guess.warning("a.csv") is None


def test_mixed_delimiters_are_reported_as_unsure(tmp_path: Path) -> None:
    lines = ["Stadtteil;Quote;Einwohner"]
    lines += [f"Teil {i};1{i},5;{7000 + i}" for i in range(6)]
    lines += [f"Ort {i},2{i},{8000 + i}" for i in range(6)]  # pasted from another export
    path = tmp_path / "gemischt.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    document = load_file(path)
    (warning,) = document.warnings
    assert warning.startswith("„gemischt.csv“: Das Trennzeichen ist nicht eindeutig")
    assert "„;“ gewählt" in warning and "andere Spaltenzahl" in warning
