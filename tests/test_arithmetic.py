"""Differences computed from two figures of one cited table row."""

from __future__ import annotations

from assistant.answering.arithmetic import row_difference
from assistant.answering.extractive import ExtractiveGenerator
from assistant.language.question import analyse_question
from assistant.platform.config import AnswerSettings
from tests.llm_helpers import passage

U3 = (
    "Nr.: 03; Stadtteil: Hafenviertel; Kinder unter 3 J.: 378; Plätze Kita: 72; "
    "Plätze Tagespflege: 18; Plätze gesamt: 90; Versorgungsquote (%): 23,8"
)


def _terms(question: str) -> frozenset[str]:
    return analyse_question(question).weights_of()


def test_the_gap_between_children_and_places_uses_the_total_column() -> None:
    gap = row_difference(U3, _terms("Wie viele Plätze für Kinder unter drei Jahren fehlen?"))
    assert gap is not None
    assert gap.line(2) == (
        "Berechnet: Kinder unter 3 J. 378 − Plätze gesamt 90 = 288 [2] "
        "(Differenz der beiden zitierten Werte)"
    )


def test_rates_differ_in_percentage_points_and_rates_are_not_taken_from_counts() -> None:
    row = "Stadtteil: Nordviertel; SGB-II-Quote 2019 (%): 21,9; SGB-II-Quote 2023 (%): 18,4"
    gap = row_difference(row, _terms("Wie groß ist der Unterschied der Quote 2019 und 2023?"))
    assert gap is not None and gap.result == "3,5 Prozentpunkte"
    mixed = "Stadtteil: Nordviertel; Kinder: 385; Versorgungsquote (%): 86,0"
    assert (
        row_difference(mixed, _terms("Wie viele Kinder fehlen bei der Versorgungsquote?")) is None
    )


def test_nothing_is_computed_without_two_columns_the_question_names() -> None:
    assert row_difference(U3, _terms("Wie viele Kinder fehlen im Hafenviertel?")) is None
    assert row_difference("Die Quote liegt bei 23,8 %.", _terms("Wie viele Plätze fehlen?")) is None


def test_an_extractive_answer_adds_the_gap_under_the_row_it_comes_from() -> None:
    text = (
        "Tabelle 2: Versorgung der Kinder ab drei Jahren\n\n"
        "Nr. | Stadtteil | Kinder 3 bis unter 6 J. | Plätze Kita | Versorgungsquote (%)\n"
        "02 | Bahnhofsviertel | 190 | 160 | 84,2\n"
        "03 | Hafenviertel | 385 | 331 | 86,0"
    )
    generator = ExtractiveGenerator(AnswerSettings(), lambda terms: dict.fromkeys(terms, 1.0))
    question = analyse_question(
        "Wie viele Plätze für Kinder ab drei Jahren fehlen im Hafenviertel?"
    )
    answer = generator.generate(question, [passage(1, text)]).text.splitlines()
    assert answer[0].startswith("03, Hafenviertel:")
    assert answer[1] == (
        "Berechnet: Kinder 3 bis unter 6 J. 385 − Plätze Kita 331 = 54 [1] "
        "(Differenz der beiden zitierten Werte)"
    )
