"""A wide Stadtteil profile export (58 columns, many alike): each column asked with its
header's words is answered from that very column, and a question that only nearly fits
gets the candidate columns named instead of a figure from a similar column."""

from __future__ import annotations

import re

import pytest

from assistant.indicators.router import IndicatorAnswer, answer_indicator_question
from assistant.indicators.store import IndicatorStore
from assistant.language.question import analyse_question
from tests.wide_export import COLUMNS, questions_for, write_wide_export


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> IndicatorStore:
    folder = tmp_path_factory.mktemp("wide")
    path = write_wide_export(folder / "Stadtteilprofile_Wellingen_2023.csv")
    store = IndicatorStore(f"sqlite:///{folder / 'indikatoren.sqlite3'}")
    store.add_table("profile", path.name, path)
    return store


def ask(question: str, store: IndicatorStore) -> IndicatorAnswer | None:
    return answer_indicator_question(analyse_question(question), store)


def test_every_column_asked_by_its_header_is_answered_from_it(store: IndicatorStore) -> None:
    wrong = []
    for header, question in questions_for():
        answer = ask(question, store)
        columns = {s.ref.column_name for s in answer.sources} if answer else set()
        if columns != {header}:
            wrong.append((question, sorted(columns)))
    assert not wrong, wrong
    assert len(COLUMNS) >= 50


@pytest.mark.parametrize(
    ("question", "header"),
    [
        ("Wie viele Arbeitslose gibt es in Rosenau?", "Arbeitslose"),
        ("Wie hoch ist der Anteil der Sozialwohnungen in Rosenau?", "Sozialwohnungsanteil in %"),
        ("Wie hoch ist der Anteil der unter 18-Jährigen in Rosenau?",
         "Anteil der unter 18-Jährigen in %"),
        ("Welcher Stadtteil hat den höchsten Anteil an Leistungsempfängern nach SGB II?",
         "Anteil der Leistungsempfänger nach SGB II in %"),
        ("Wie groß ist die Fläche von Rosenau?", "Fläche in km²"),
    ],
)  # fmt: skip
def test_paraphrases_find_their_column(store: IndicatorStore, question: str, header: str) -> None:
    answer = ask(question, store)
    assert answer is not None, question
    assert {s.ref.column_name for s in answer.sources} == {header}


def test_a_near_miss_names_the_candidates(store: IndicatorStore) -> None:
    answer = ask("Wie hoch ist der Anteil der Haushalte in Rosenau?", store)
    assert answer is not None and answer.operation == "candidates"
    assert "„Anteil der Haushalte mit Kindern in %“" in answer.text
    assert not answer.sources and not re.search(r"\d,\d", answer.text), "no figure"


def test_two_near_columns_are_both_named(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("near")
    path = folder / "haushalte_2023.csv"
    path.write_text(
        "Stadtteil;Haushalte;Anteil der Haushalte mit Kindern in %;"
        "Anteil der Haushalte mit Senioren in %\n"
        "Altenhain;4120;21,4;30,2\nBrückfeld;3810;25,0;18,7\nRosenau;5020;19,9;27,5\n",
        encoding="utf-8",
    )
    store = IndicatorStore(f"sqlite:///{folder / 'indikatoren.sqlite3'}")
    store.add_table("haushalte", path.name, path)
    answer = ask("Wie hoch ist der Anteil der Haushalte in Rosenau?", store)
    assert answer is not None and answer.operation == "candidates"
    assert "„Anteil der Haushalte mit Kindern in %“" in answer.text
    assert "„Anteil der Haushalte mit Senioren in %“" in answer.text
    answer = ask("Wie hoch ist der Anteil der Haushalte mit Senioren in Rosenau?", store)
    assert answer is not None and "27,5" in answer.text
