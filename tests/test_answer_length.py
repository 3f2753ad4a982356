"""Answers are at most a style's length and say in one line what they left out."""

from __future__ import annotations

from assistant.answering.length import limit_length
from assistant.llm.styles import get_style
from assistant.models import Answer


def _answer(lines: list[str]) -> Answer:
    return Answer("Frage?", "\n".join(lines), "extractive")


def test_a_short_answer_stays_as_it_is() -> None:
    answer = _answer(["Die Frist endet am 30.05.2025 [1]."])
    assert limit_length(answer, 1200) is answer


def test_a_long_list_is_cut_by_whole_items_and_names_the_rest() -> None:
    items = [f"- Unterlage Nummer {i}: " + "ausführliche Beschreibung " * 4 + f"[{i}]" for i in
             range(1, 21)]  # fmt: skip
    answer = limit_length(_answer(["Dem Antrag sind beizufügen:", *items]), 1200)
    assert len(answer.text) <= 1200
    lines = answer.text.splitlines()
    shown = [line for line in lines if line.startswith("- ")]
    assert shown == items[: len(shown)], "whole items, in order, none skipped"
    note = lines[-1]
    assert note.startswith("(Gekürzt:") and f"{20 - len(shown)} weitere Zeilen" in note
    assert f"[{len(shown) + 1}]" in note and "[20]" in note
    assert f"[{len(shown)}]" not in note, "markers still shown are not listed as left out"


def test_a_long_line_is_shortened_and_a_closing_note_kept() -> None:
    wall = "Ausgeschlossen: " + "; ".join(f"Gemeinde {i} (Einwohnerzahl fehlt) [2]" for i in
                                          range(200))  # fmt: skip
    answer = limit_length(
        _answer(["Der Index ordnet die Gemeinden nach Status [1].", wall, "Methode: z-Werte."]),
        1200,
    )
    assert len(answer.text) <= 1200
    assert "Der Index ordnet" in answer.text and "Methode: z-Werte." in answer.text
    assert "Gemeinde 150 (" not in answer.text and "„…“ abgekürzt" in answer.text


def test_one_very_long_sentence_line_is_cut_at_a_sentence_end() -> None:
    line = " ".join(f"Satz {i} über die Förderung im Quartier [1]." for i in range(80))
    answer = limit_length(_answer([line]), 1200)
    assert len(answer.text) <= 1200
    assert answer.text.splitlines()[0].endswith("[1].")


def test_every_style_has_a_length() -> None:
    assert get_style("kurz").max_chars == 1200
    assert get_style("ausfuehrlich").max_chars >= get_style("kurz").max_chars


def test_a_wall_is_left_out_and_the_lines_after_it_stay() -> None:
    table = (
        "Tabelle 11 [1]\n"
        + "Nr. | Stadtteil | Index "
        + " | ".join(f"{i:02d} | Gebiet {i} | +0,{i}" for i in range(60))
        + " [2]"
    )
    answer = limit_length(
        _answer([table, "Aus den Veränderungen wird ein Dynamikindex berechnet. [3]"]), 1200
    )
    assert "Dynamikindex berechnet. [3]" in answer.text
    assert "Gebiet 59" not in answer.text and "[2]" in answer.text.splitlines()[-1]


def test_long_items_are_shortened_so_the_list_stays_whole() -> None:
    items = [
        f"{i}. Voraussetzung {i}: " + "eine lange Bedingung mit vielen Worten, " * 9 + f"[{i}]"
        for i in range(1, 6)
    ]
    answer = limit_length(_answer(["Die Gemeinde kann festlegen, wenn", *items]), 1200)
    assert len(answer.text) <= 1200
    for i in range(1, 6):
        assert f"{i}. Voraussetzung {i}:" in answer.text and f"[{i}]" in answer.text
    assert "„…“ abgekürzt" in answer.text.splitlines()[-1]


def test_the_list_after_the_best_line_is_quoted_whole() -> None:
    items = [f"{i}. Unterlage Nummer {i} mit kurzer Beschreibung, [1]" for i in range(1, 13)]
    others = [f"Ein weiterer langer Satz über das Verfahren Nummer {i}. " * 5 + "[2]" for i in
              range(4)]  # fmt: skip
    answer = limit_length(_answer(["Dem Antrag sind beizufügen: [1]", *items, *others]), 1200)
    assert len(answer.text) <= 1200
    assert all(item in answer.text for item in items), "every item, unshortened"


def test_a_list_that_fits_when_its_items_are_shortened_keeps_every_item() -> None:
    # Twelve required documents, each with details: every document is named, from its
    # beginning, rather than the list ending after the eighth.
    items = [
        f"- {i}. Unterlage {i} mit Angaben zu Funktion, Stellenumfang, Zeitplan, Zielen, "
        f"Zielgruppen, Ergebnisindikatoren und weiteren Einzelheiten der Anlage {i} [1]"
        for i in range(1, 13)
    ]
    answer = limit_length(
        _answer(["Dem Antrag sind folgende Unterlagen beizufügen: [1]", *items]), 1200
    )
    assert len(answer.text) <= 1200
    lines = answer.text.splitlines()
    shown = [line for line in lines if line.startswith("- ")]
    assert [line.split(" mit ")[0] for line in shown] == [
        f"- {i}. Unterlage {i}" for i in range(1, 13)
    ]
    assert all(line.endswith("[1]") for line in shown)
    assert lines[-1].startswith("(Gekürzt:") and "abgekürzt" in lines[-1]


def test_a_shortened_sentence_keeps_the_stretch_the_question_asks_about() -> None:
    from assistant.language.question import analyse_question

    law = (
        "(1) Wird die Satzung aus den in Absatz 1 bezeichneten Gründen aufgehoben, hat der "
        + "frühere Eigentümer einen Anspruch auf Übertragung des Grundstücks, " * 12
        + "; die Rückübertragung kann nur binnen zwei Jahren seit der Aufhebung verlangt "
        + "werden. [1]"
    )
    other = "Die Gemeinde prüft den Antrag und entscheidet über die Rückübertragung. [2]"
    focus = analyse_question("Binnen welcher Frist kann die Rückübertragung verlangt werden?")
    shortened = limit_length(_answer([other, law, other.replace("[2]", "[3]")]), 600,
                             focus.weights_of())  # fmt: skip
    kept = next(line for line in shortened.text.splitlines() if line.endswith("[1]"))
    assert kept.startswith("… ") and "binnen zwei Jahren seit der Aufhebung" in kept
    plain = limit_length(_answer([other, law, other.replace("[2]", "[3]")]), 600)
    assert "binnen zwei Jahren" not in plain.text, "without a focus the beginning is kept"
