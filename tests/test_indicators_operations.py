"""Operations over the store: each result cites the cells its figures come from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from assistant.indicators.operations import (
    IndicatorQueryError,
    change,
    compare,
    deviation,
    lookup,
    rank,
    rank_change,
    share_above,
    social_index,
)
from assistant.indicators.store import IndicatorStore
from tests.test_indicators_fixtures import (
    AREAS,
    KINDER,
    SGB2,
    monitoring_store,
    xlsx_row,
)


@pytest.fixture
def store(tmp_path: Path) -> IndicatorStore:
    return monitoring_store(tmp_path)


def _cell_text(tmp_path: Path, sheet: str, row: int, column: str) -> object:
    return load_workbook(tmp_path / "m.xlsx")[sheet][f"{column}{row}"].value


def test_lookup_cites_the_cell(store: IndicatorStore, tmp_path: Path) -> None:
    found = lookup(store, "sgb2_quote", "Nordviertel").observation
    assert (found.year, found.display, found.shown()) == (2023, "21,3", "21,3 %")
    assert (found.ref.sheet, found.ref.row, found.ref.column) == ("2023", xlsx_row("02"), "D")
    assert _cell_text(tmp_path, "2023", found.ref.row, "D") == 21.3
    assert lookup(store, "sgb2_quote", "02", 2019).observation.display == "18,2"
    assert lookup(store, "sgb2_quote", "Stadt gesamt").observation.aggregate == "Gesamtstadt"
    with pytest.raises(IndicatorQueryError, match="nicht bekannt"):
        lookup(store, "sgb2_quote", "Atlantis")


def test_lookup_of_a_suppressed_cell_gives_the_reason_and_the_last_value(
    store: IndicatorStore,
) -> None:
    result = lookup(store, "kinderarmut", "Lindenhöhe")
    assert result.observation.value is None and result.observation.ref.value_text == "."
    assert "geheim" in result.observation.missing
    assert result.fallback is not None and result.fallback.display == "3,3"


def test_small_counts_are_never_shown(store: IndicatorStore) -> None:
    youth = lookup(store, "arbeitslose_unter_25", "Lindenhöhe").observation  # the cell holds 2
    assert youth.value is None and youth.masked
    assert youth.display == "unter 3" and youth.ref.value_text == "(nicht ausgewiesen)"
    ranking = rank(store, "arbeitslose_unter_25", n=10, highest=False)
    assert all(o.value is None or o.value >= 3 for o in ranking.entries)
    shown = [o.display for o in ranking.entries]
    assert "2" not in shown and "0" not in shown
    assert lookup(store, "sgb2_quote", "Lindenhöhe").observation.display == "2,8"  # rates stay


def test_ranking_leaves_out_totals_and_missing_values(store: IndicatorStore) -> None:
    result = rank(store, "kinderarmut", n=3)
    assert result.year == 2023
    assert [o.area_name for o in result.entries] == ["Hafenviertel", "Nordviertel", "Altstadt"]
    assert [o.display for o in result.entries] == ["38,9", "33,5", "20,2"]
    assert result.ranks == [1, 2, 3]
    assert result.total == 5
    assert {o.area_name for o in result.missing} == {"Lindenhöhe", "Gewerbegebiet Ost"}
    assert [o.area_name for o in result.aggregates] == ["Stadt gesamt"]
    lowest = rank(store, "sgb2_quote", year=2019, n=1, highest=False)
    assert [(o.area_name, o.display) for o in lowest.entries] == [("Lindenhöhe", "3,1")]


def test_ties_share_a_rank(tmp_path: Path) -> None:
    path = tmp_path / "gleich.csv"
    path.write_text("Stadtteil;SGB-II-Quote 2023 (%)\nA;5,0\nB;7,5\nC;7,5\nD;1,0\n", "utf-8")
    store = IndicatorStore("sqlite://")
    store.add_table("g", "gleich.csv", path)
    result = rank(store, "sgb2_quote", n=2)
    assert result.ranks == [1, 1] and {o.area_name for o in result.entries} == {"B", "C"}


def test_compare_and_change(store: IndicatorStore) -> None:
    result = compare(store, "kinderarmut", ["Altstadt", "Hafenviertel"])
    assert result.year == 2023
    assert [o.display for o in result.observations] == ["20,2", "38,9"]
    assert result.difference() == pytest.approx(20.2 - 38.9)
    moved = change(store, "sgb2_quote", "Nordviertel", start=2019)
    assert (moved.start.display, moved.end.display) == ("18,2", "21,3")
    assert moved.difference == pytest.approx(3.1)
    assert moved.difference_text == "+3,1 Prozentpunkte"
    assert moved.relative == pytest.approx(3.1 / 18.2 * 100)
    with pytest.raises(IndicatorQueryError):
        change(store, "sgb2_quote", "Nordviertel", start=2015)
    biggest = rank_change(store, "sgb2_quote", 2019, 2023, n=2)
    assert [r.end.area_name for r in biggest.entries] == [
        "Nordviertel",
        "Hafenviertel",
    ]  # +3,1; +2,8


def test_deviation_is_population_weighted(store: IndicatorStore) -> None:
    result = deviation(store, "sgb2_quote", "Hafenviertel")
    codes = [a[0] for a in AREAS[:6]]  # Gewerbegebiet Ost has no value (".")
    values = np.array(SGB2[2023][:6], dtype=float)
    weights = np.array([a[2] for a in AREAS[:6]], dtype=float)
    assert len(codes) == 6
    assert result.average == pytest.approx(np.average(values, weights=weights))
    assert result.difference == pytest.approx(23.4 - result.average)
    assert "gewichtet mit der Einwohnerzahl" in result.method
    assert result.city is not None and result.city.display == "12,0"


def test_deviation_without_population_uses_the_city_row(tmp_path: Path) -> None:
    path = tmp_path / "ohne.csv"
    path.write_text("Stadtteil;Kinderarmut 2023 (%)\nA;10,0\nB;30,0\nStadt gesamt;18,0\n", "utf-8")
    store = IndicatorStore("sqlite://")
    store.add_table("o", "ohne.csv", path)
    result = deviation(store, "kinderarmut", "B")
    assert result.average == 18.0 and result.average_ref is not None
    assert result.average_ref.row == 4


def test_share_above_threshold(store: IndicatorStore) -> None:
    result = share_above(store, "kinderarmut", 20.0)
    expected = [v for v in KINDER[2023] if isinstance(v, float) and v > 20.0]
    assert len(result.matching) == len(expected) == 3
    assert result.total == 5 and result.share == pytest.approx(0.6)
    below = share_above(store, "kinderarmut", 10.0, above=False)
    assert [o.area_name for o in below.matching] == ["Bergheim"]


def test_social_index_from_the_store(store: IndicatorStore) -> None:
    result = social_index(store)
    assert result.year == 2023 and result.since == 2021
    assert [d.key for d in result.indicators] == ["arbeitslosenanteil", "sgb2_quote", "kinderarmut"]
    status = result.status
    assert set(status.excluded) == {"7", "4"}  # too small; Kinderarmut suppressed
    assert "weniger als 300 Einwohner" in status.excluded["7"]
    assert status.values.idxmax() == "3"  # Hafenviertel carries the highest burden
    assert np.isclose(status.values.mean(), 0) and np.isclose(status.values.std(ddof=0), 1)
    assert result.overlay is not None and result.dynamics is not None
    cell = result.ref("3", "sgb2_quote", 2023)
    assert cell is not None and cell.row == xlsx_row("03") and cell.sheet == "2023"
    assert result.display("3", "sgb2_quote", 2023) == "23,4"
