"""Citation markers: parsing, cleaning, and the guard that filters a token stream."""

from __future__ import annotations

import pytest

from assistant.llm.chat import _without_reasoning
from assistant.llm.citations import (
    CitationGuard,
    cited_numbers,
    keep_valid_markers,
    marker_numbers,
    strip_markers,
)


@pytest.mark.parametrize(
    ("body", "numbers"),
    [("2", [2]), ("1, 3", [1, 3]), ("2-4", [2, 3, 4]), ("Quelle 2", [2]), ("1 und 5", [1, 5])],
)
def test_marker_shapes(body: str, numbers: list[int]) -> None:
    assert marker_numbers(body) == numbers


def test_cited_numbers_in_order_of_first_use() -> None:
    text = "Erstens [3]. Zweitens [1, 3]. Drittens [Quelle 2]. Keine Quelle: [Anm. d. Red.]"
    assert cited_numbers(text) == [3, 1, 2]
    assert strip_markers("Die Quote liegt bei 24,7 Prozent [1].") == (
        "Die Quote liegt bei 24,7 Prozent."
    )


def test_invented_numbers_are_dropped_and_markers_normalised() -> None:
    text = "Die Quote steigt [1, 7]. Ein erfundener Beleg [9]. Bereich [2-3]."
    assert keep_valid_markers(text, {1, 2, 3}) == (
        "Die Quote steigt [1]. Ein erfundener Beleg. Bereich [2][3]."
    )


def test_guard_filters_markers_split_across_tokens() -> None:
    guard = CitationGuard({1, 2})
    tokens = [
        "Die Quote ",
        "liegt bei 24,7 ",
        "Prozent [",
        "1",
        "]. Laut ",
        "[",
        "7",
        "] ",
        "sogar ",
        "mehr [2",
        "].",
    ]
    shown = "".join(guard.feed(t) for t in tokens) + guard.flush()
    assert shown == "Die Quote liegt bei 24,7 Prozent [1]. Laut  sogar mehr [2]."
    assert "[7]" not in shown


def test_guard_lets_ordinary_brackets_through() -> None:
    guard = CitationGuard({1})
    shown = guard.feed("Ein Satz [siehe Anhang] und ein offenes [") + guard.flush()
    assert shown == "Ein Satz [siehe Anhang] und ein offenes ["


def test_reasoning_blocks_of_thinking_models_are_not_shown() -> None:
    tokens = ["<thi", "nk>Ich überlege", " lange.</th", "ink>", "Die Antwort", " [1]. a<b"]
    assert "".join(_without_reasoning(iter(tokens))) == "Die Antwort [1]. a<b"
