"""Highest and lowest rows of the tables the PDF loader splits into cells."""

from __future__ import annotations

from assistant.answering.extractive import ExtractiveGenerator
from assistant.answering.table_extremes import table_extremes
from assistant.language.question import analyse_question
from assistant.platform.config import AnswerSettings
from tests.llm_helpers import passage

_TABLE = (
    "Nr. | Stadtteil | Kinder unter 3 J. | Versorgungsquote (%)\n"
    "01 | Altstadt | 185 | 38,9\n"
    "03 | Hafenviertel | 378 | 23,8\n"
    "05 | Lindenhöhe | 175 | 45,1\n"
    "09 | Schlägelheide | 393 | .\n"
    " | Stadt gesamt | 3.558 | 12,0"
)
_PAGE = (
    "3 Versorgung der Kinder unter drei Jahren\n\n"
    "Tabelle 1: Versorgung der Kinder unter drei Jahren nach Stadtteilen\n\n"
    f"{_TABLE}\n\n"
    "Quelle: Jugendamt, Kita-Bedarfsplanung."
)
_WEIGHTS = {"versorgungsquot": 3.0, "quot": 1.0, "kind": 0.5}


def test_the_asked_column_is_compared_without_totals_and_suppressed_cells() -> None:
    lowest = table_extremes(_PAGE, _WEIGHTS, highest=False)
    assert [(e.column, e.compared) for e in lowest] == [("Versorgungsquote (%)", 3)]
    assert "Stadtteil: Hafenviertel" in lowest[0].row and "23,8" in lowest[0].row
    highest = table_extremes(_PAGE, _WEIGHTS, highest=True)[0]
    assert "Lindenhöhe" in highest.row
    # The column with more of the question's weight wins: "Kinder" alone means the count.
    most_children = table_extremes(_PAGE, {"kind": 1.0}, highest=True)[0]
    assert most_children.column == "Kinder unter 3 J." and "Schlägelheide" in most_children.row


def test_a_table_cut_off_or_without_caption_is_not_ranked() -> None:
    cut_off = _PAGE.rsplit("\n\nQuelle", 1)[0]  # the rest may be in the next chunk
    assert table_extremes(cut_off, _WEIGHTS, highest=False) == []
    uncaptioned = _PAGE.replace("Tabelle 1: ", "Die ")
    assert table_extremes(uncaptioned, _WEIGHTS, highest=False) == []
    assert table_extremes(_PAGE, {"einwohn": 1.0}, highest=False) == []  # no column asked


def test_ties_name_no_single_row() -> None:
    tied = _PAGE.replace("| 45,1", "| 38,9")
    assert table_extremes(tied, _WEIGHTS, highest=True) == []


def test_superlative_words() -> None:
    extreme = analyse_question("Welcher Stadtteil hat die niedrigste Quote?").extreme
    assert extreme == "lowest"
    assert analyse_question("Wo leben die meisten Kinder?").extreme == "highest"
    assert analyse_question("Wie hoch ist die Quote im Hafenviertel?").extreme is None


def test_the_extractive_answer_leads_with_the_row_of_the_fitting_table() -> None:
    older = _PAGE.replace("unter drei Jahren", "ab drei Jahren").replace("23,8", "86,0")
    generator = ExtractiveGenerator(AnswerSettings(), lambda terms: dict.fromkeys(terms, 1.0))
    question = "Welcher Stadtteil hat die niedrigste Versorgungsquote für Kinder unter drei Jahren?"
    # The table for children from three ranks first; the caption's wording decides.
    generated = generator.generate(
        analyse_question(question),
        [
            passage(1, older, heading="4 Versorgung der Kinder ab drei Jahren"),
            passage(2, _PAGE, heading="3 Versorgung der Kinder unter drei Jahren"),
        ],
    )
    first = generated.text.split("\n")[0]
    assert first.startswith("Den niedrigsten Wert bei „Versorgungsquote (%)“ in „Tabelle 1")
    # The winning row as a line, the compared column's value first.
    assert "hat: 03, Hafenviertel: Versorgungsquote (%) 23,8;" in first and first.endswith("[1]")
    assert generated.passages[0].ref.page == 2
