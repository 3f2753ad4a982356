"""`planwerk indicators …` through typer's CliRunner on the sub-app."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from assistant.indicators.cli import indicators_app
from assistant.indicators.store import IndicatorStore
from tests.test_indicators_fixtures import write_monitoring_xlsx

runner = CliRunner()

# The hand-computed table of test_indicators_composite (see the arithmetic there) as a
# Windows-1252 CSV the way a statistics office exports it, plus a small area and a total.
HAND_CSV = """Sozialindikatoren 2023;;;;
Stadtteil;Einwohner;SGB-II-Quote in %;Kinderarmut in %;Übergangsquote Gymnasium in %
A;5.000;14,0;17,0;30,0
B;6.000;8,0;17,0;40,0
C;7.000;8,0;20,0;40,0
D;8.000;10,0;20,0;45,0
E;9.000;10,0;20,0;45,0
F;4.000;10,0;26,0;40,0
Kleingarten;120;30,0;50,0;5,0
Stadt gesamt;39.120;10,1;20,3;40,6
"""
EXPECTED = {
    "A": (3 / math.sqrt(20 / 6), "sehr niedrig"),
    "B": (-2 / math.sqrt(20 / 6), "hoch"),
    "C": (-1 / math.sqrt(20 / 6), "mittel"),
    "D": (-1 / math.sqrt(20 / 6), "mittel"),
    "E": (-1 / math.sqrt(20 / 6), "mittel"),
    "F": (2 / math.sqrt(20 / 6), "niedrig"),
}


@pytest.fixture
def hand_csv(tmp_path: Path) -> Path:
    path = tmp_path / "indikatoren.csv"
    path.write_bytes(HAND_CSV.replace("\n", "\r\n").encode("cp1252"))
    return path


def _index(*args: str) -> tuple[int, str]:
    result = runner.invoke(indicators_app, ["index", *args])
    return result.exit_code, result.output


def test_index_json_matches_the_hand_computation(hand_csv: Path) -> None:
    code, output = _index(
        str(hand_csv),
        "--area", "Stadtteil",
        "--indicators", "SGB-II-Quote,Kinderarmut,Übergangsquote Gymnasium",
        "--population", "Einwohner",
        "--min-population", "300",
        "--json",
    )  # fmt: skip
    assert code == 0, output
    items = json.loads(output)
    assert [set(item) for item in items] == [{"area", "value", "class"}] * 6
    by_area = {item["area"]: item for item in items}
    assert set(by_area) == set(EXPECTED)  # "Kleingarten" too small, "Stadt gesamt" a total
    for area, (value, label) in EXPECTED.items():
        assert by_area[area]["value"] == pytest.approx(value, abs=1e-6)
        assert by_area[area]["class"] == label
    assert items[0]["area"] == "A"  # most burdened first


def test_invert_option_and_weights(hand_csv: Path) -> None:
    args = [str(hand_csv), "--area", "Stadtteil", "--json", "--population", "Einwohner",
            "--min-population", "300"]  # fmt: skip
    # Columns by letter; no catalogue direction for letters' labels is needed with --invert.
    code, output = _index(*args, "--indicators", "C,D,E", "--invert", "E")
    assert code == 0, output
    assert {i["area"]: i["class"] for i in json.loads(output)}["F"] == "niedrig"
    code, output = _index(*args, "--indicators", "C,D,E", "--weights", "2,1,1")
    assert code == 0, output
    first = json.loads(output)[0]
    assert first["area"] == "A" and first["value"] == pytest.approx(5 / math.sqrt(44 / 6))


def test_index_text_output_and_export(hand_csv: Path, tmp_path: Path) -> None:
    target = tmp_path / "index.xlsx"
    code, output = _index(
        str(hand_csv), "--area", "Stadtteil", "--indicators", "SGB-II-Quote,Kinderarmut",
        "--population", "Einwohner", "--min-population", "300", "--export", str(target),
    )  # fmt: skip
    assert code == 0, output
    assert "Statusklasse" in output and "Nicht einbezogen: Kleingarten" in output
    sheet = load_workbook(target)["Index"]
    assert [c.value for c in sheet[1]][:3] == ["Gebiet", "Statusindex", "Statusklasse"]
    assert isinstance(sheet["B2"].value, float)
    assert "Methode" in load_workbook(target).sheetnames
    csv_target = tmp_path / "index.csv"
    code, _ = _index(str(hand_csv), "--area", "Stadtteil", "--indicators", "Kinderarmut",
                     "--export", str(csv_target))  # fmt: skip
    assert code == 0
    text = csv_target.read_bytes().decode("utf-8-sig")
    assert text.startswith("Gebiet;Statusindex;Statusklasse") and "," in text.split("\n")[1]


def test_index_over_sheets_with_dynamics(tmp_path: Path) -> None:
    path = write_monitoring_xlsx(tmp_path / "m.xlsx")
    code, output = _index(
        str(path), "--area", "Stadtteil", "--indicators", "SGB-II-Quote,Arbeitslosenanteil SGB II",
        "--population", "Einwohner insgesamt", "--min-population", "300", "--since", "2019",
    )  # fmt: skip
    assert code == 0, output
    assert "Dynamikklasse" in output and "Gewerbegebiet Ost" in output
    assert "2023" in output


def test_index_errors_are_german(hand_csv: Path) -> None:
    code, output = _index(str(hand_csv), "--area", "Stadtteil", "--indicators", "Feinstaub")
    assert code == 1 and "Die Spalte „Feinstaub“ gibt es" in output
    code, output = _index(str(hand_csv), "--area", "Bezirk", "--indicators", "Kinderarmut")
    assert code == 1 and "Gebietsspalte" in output
    code, output = _index(str(hand_csv), "--area", "Stadtteil", "--indicators", "C,D",
                          "--weights", "1")  # fmt: skip
    assert code == 1 and "Gewichte" in output
    help_text = runner.invoke(indicators_app, ["index", "--help"]).output
    assert "Stufenverfahren" in help_text and "Einwohnerzahl" in help_text


def test_list_and_rank_read_the_configured_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("PLANWERK_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("PLANWERK_DATABASE_URL", url)
    store = IndicatorStore(url)
    store.add_table("m", "sozialmonitoring.xlsx", write_monitoring_xlsx(tmp_path / "m.xlsx"))
    store.close()
    listed = runner.invoke(indicators_app, ["list"])
    assert listed.exit_code == 0 and "sgb2_quote" in listed.output
    ranked = runner.invoke(indicators_app, ["rank", "kinderarmut", "-n", "2"])
    assert ranked.exit_code == 0, ranked.output
    assert "Hafenviertel" in ranked.output and "38,9 %" in ranked.output
    missing = runner.invoke(indicators_app, ["rank", "feinstaub"])
    assert missing.exit_code == 1 and "in keiner Tabelle" in missing.output
