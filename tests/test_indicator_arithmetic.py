"""Sums over areas and shares of two counts, computed from the indicator store and cited."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.indicators.router import IndicatorAnswer, answer_indicator_question
from assistant.indicators.store import IndicatorStore
from assistant.language.question import analyse_question

FILES = {
    "arbeitslose.csv": (
        "Stadtteil;Arbeitslose 2015;Einwohner 2015;Arbeitslosenquote 2015 (%)\n"
        "Schwabing-West;1361;68100;3,9\n"
        "Maxvorstadt;1156;51900;3,3\n"
        "Moosach;1762;53300;4,6\n"
        "Stadt gesamt;30850;1450000;4,1\n"
    ),
    "haushalte.csv": (
        "Stadtteil;Haushalte;Alleinerziehende Haushalte;Haushalte mit Kindern\n"
        "Schwabing-West;40100;1205;6010\n"
        "Maxvorstadt;33200;2;4100\n"
        "Moosach;27800;1320;5890\n"
        "Stadt gesamt;820000;25400;140200\n"
    ),
}


def ask(question: str, store: IndicatorStore) -> IndicatorAnswer | None:
    return answer_indicator_question(analyse_question(question), store)


@pytest.fixture
def store(tmp_path: Path) -> IndicatorStore:
    store = IndicatorStore(f"sqlite:///{tmp_path / 'planwerk.sqlite3'}")
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        store.add_table(name, name, tmp_path / name)
    return store


def cells(answer: IndicatorAnswer) -> list[str]:
    return [s.ref.value_text for s in answer.sources]


def test_counts_of_two_areas_are_added_with_each_input_cited(store: IndicatorStore) -> None:
    answer = ask(
        "Wie viele Arbeitslose gab es 2015 in Schwabing-West und Maxvorstadt zusammen?", store
    )
    assert answer is not None and answer.operation == "sum"
    assert "zusammen: 2.517." in answer.text
    assert "Schwabing-West 1361 [1]" in answer.text and "Maxvorstadt 1156 [2]" in answer.text
    assert "Methode: Summe der Tabellenwerte der 2 Gebiete 2015." in answer.text
    assert cells(answer) == ["1361", "1156"]


def test_counts_of_three_areas_are_added(store: IndicatorStore) -> None:
    question = "Wie viele Arbeitslose gab es insgesamt in Schwabing-West, Maxvorstadt und Moosach?"
    answer = ask(question, store)
    assert answer is not None and answer.operation == "sum"
    assert "Schwabing-West, Maxvorstadt und Moosach zusammen: 4.279." in answer.text
    assert cells(answer) == ["1361", "1156", "1762"]
    assert "Summe der Tabellenwerte der 3 Gebiete" in answer.text


def test_a_sum_with_one_area_the_tables_lack_says_there_is_no_sum(
    store: IndicatorStore,
) -> None:
    answer = ask("Wie viele Arbeitslose gab es 2015 in Moosach und Nordhausen zusammen?", store)
    assert answer is not None and "zusammen:" not in answer.text
    assert "Moosach" in answer.text and "1762" in cells(answer)
    assert "Keine Summe: von den genannten Gebieten führen die Tabellen nur „Moosach“." in (
        answer.text
    )


def test_rates_are_not_added_but_given_with_the_reason(store: IndicatorStore) -> None:
    answer = ask(
        "Wie hoch ist die Arbeitslosenquote in Schwabing-West und Moosach zusammen?", store
    )
    assert answer is not None and answer.operation == "sum"
    assert "nicht zusammenzählen" in answer.text and "zusammen:" not in answer.text
    assert "Schwabing-West 3,9 % [1]" in answer.text and "Moosach 4,6 % [2]" in answer.text
    assert "nicht addiert" in answer.text


def test_a_count_below_the_privacy_minimum_is_not_added(store: IndicatorStore) -> None:
    answer = ask(
        "Wie viele Alleinerziehende Haushalte gibt es in Moosach und Maxvorstadt zusammen?", store
    )
    assert answer is not None
    assert "unter 3" in answer.text and "keine Summe" in answer.text
    assert "1.322" not in answer.text and "1322" not in answer.text


def test_a_share_is_computed_from_two_counts_of_the_same_area(store: IndicatorStore) -> None:
    answer = ask("Welcher Anteil der Haushalte in Moosach sind Alleinerziehende Haushalte?", store)
    assert answer is not None and answer.operation == "share"
    # 1320 / 27800 = 4.748 %
    assert "in Moosach: 4,7 %." in answer.text
    assert cells(answer) == ["1320", "27800"]
    assert "Methode: 1.320 ÷ 27.800 × 100" in answer.text


def test_an_area_share_of_the_city_divides_by_the_total_row(store: IndicatorStore) -> None:
    answer = ask("Wie viel Prozent der Einwohner der Stadt leben in Moosach?", store)
    assert answer is not None and answer.operation == "share"
    assert "3,7 %" in answer.text  # 53300 / 1450000
    assert cells(answer) == ["53300", "1450000"]
    assert "Stadt gesamt" in answer.text and "Methode:" in answer.text


def test_a_share_the_table_holds_is_taken_as_it_stands(store: IndicatorStore) -> None:
    answer = ask(
        "Wie hoch ist der Anteil der Arbeitslosen in Moosach 2015 laut Arbeitslosenquote?", store
    )
    assert answer is not None and answer.operation == "lookup"
    assert "4,6 % [1]" in answer.text and "selbst aus" in answer.text


def test_questions_without_arithmetic_stay_as_they_were(store: IndicatorStore) -> None:
    comparison = ask("Wie viele Arbeitslose gab es 2015 in Schwabing-West und Maxvorstadt?", store)
    assert comparison is not None and comparison.operation == "comparison"
    assert "liegt um 205 über Maxvorstadt" in comparison.text
    lookup = ask("Wie viele Arbeitslose gab es 2015 in Moosach?", store)
    assert lookup is not None and lookup.operation == "lookup"
    assert lookup.text.endswith("Methode: Wert unverändert aus der Tabelle übernommen.")
    analysis = analyse_question("Fasse die Lage in Moosach und Maxvorstadt zusammen")
    assert not analysis.together and analysis.share_of is None
    threshold = analyse_question("Wie viel Prozent der Stadtteile haben eine Quote über 4 %?")
    assert threshold.share_of is None
    # A rate named by its description stays the answer: „wohnen“ places no count in an area.
    stayed = "Wie hoch ist in Moosach der Anteil der Einwohner, die an ihrer Adresse wohnen?"
    assert not analyse_question(stayed).located
    assert analyse_question("Wie viel Prozent der Einwohner leben in Moosach?").located


def test_a_difference_of_two_years_is_a_change(tmp_path: Path) -> None:
    store = IndicatorStore(f"sqlite:///{tmp_path / 'verlauf.sqlite3'}")
    path = tmp_path / "verlauf.csv"
    path.write_text("Stadtteil;Arbeitslose 2010;Arbeitslose 2015\nMoosach;1900;1762\n"
                    "Maxvorstadt;1200;1156\nAu;800;700\n", encoding="utf-8")  # fmt: skip
    store.add_table("verlauf", "verlauf.csv", path)
    question = "Wie groß ist der Unterschied bei den Arbeitslosen in Moosach 2010 und 2015?"
    assert not analyse_question(question).change  # a difference of two years, not a change cue
    answer = ask(question, store)
    assert answer is not None and answer.operation == "change"
    assert "1900 (2010) [1]" in answer.text and "1762 (2015) [2]" in answer.text
    assert "Methode: Differenz der Tabellenwerte 2015 und 2010" in answer.text
