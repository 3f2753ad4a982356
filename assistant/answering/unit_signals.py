"""What the extractive answer adds to a unit's term coverage when it chooses what to quote.

A unit (a sentence, a list lead-in, a table row) first scores the share of the question's
weighted terms it matches. The signals here add what words cannot show: that the unit
states the kind of thing asked for (a figure, a date, a definition), that it is the
extreme row a ranking question wants, or that it stands in the guideline part asked for.
Each is a named function chosen and weighted in `Settings` (`answer.unit_signals`), like
the re-ranking stages, so `eval/ablation.py` can measure what each one earns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from assistant.answering.cues import cues, words_of
from assistant.answering.question import QuestionAnalysis, states_time
from assistant.definitions import reads_as_definition

_NUMBER = re.compile(r"\d")
# "Tabelle 3: …" — the number names the table, it is not a figure that answers anything.
_CAPTION_NUMBER = re.compile(r"^(?:Tabelle|Tab\.|Abbildung|Abb\.)\s*\d+")


def has_figure(text: str) -> bool:
    """A digit (not a table's number) or a number word: „höchstens zwei Wochen“ answers
    „Wie viel Zeit …?“ as much as „14 Tage“ does."""
    text = _CAPTION_NUMBER.sub("", text)
    return bool(_NUMBER.search(text)) or any(w in cues().number_words for w in words_of(text))


@dataclass(frozen=True, slots=True)
class UnitView:
    """A unit as the signals see it."""

    question: QuestionAnalysis
    text: str
    ranked: bool  # the extreme row of a table, found by comparing its rows
    in_part: bool  # stands in the funding call's section of the part asked for


def _figure(unit: UnitView) -> float:
    """„Wie hoch …?“ is answered by a sentence with a figure."""
    return float(unit.question.quantity and has_figure(unit.text))


def _time(unit: UnitView) -> float:
    """„Bis wann …?“ is answered by a sentence with a date or a period."""
    return float(unit.question.time and states_time(unit.text))


def _definition(unit: UnitView) -> float:
    """„Was versteht man unter …?“ is answered by a sentence that defines."""
    return float(unit.question.definition and reads_as_definition(unit.text))


def _ranked_row(unit: UnitView) -> float:
    """„the lowest X“ is answered by comparing rows, not by a sentence that mentions it."""
    return float(unit.ranked)


def _guideline_part(unit: UnitView) -> float:
    """„Wer darf …?“ is answered in the call's „Antragsberechtigte“ section."""
    return float(unit.in_part)


Signal = Callable[[UnitView], float]
UNIT_SIGNALS: dict[str, Signal] = {
    "figure": _figure,
    "time": _time,
    "definition": _definition,
    "ranked_row": _ranked_row,
    "guideline_part": _guideline_part,
}


def unit_bonus(unit: UnitView, weights: Mapping[str, float]) -> float:
    """What the weighted signals add to a unit's coverage."""
    return sum(w * UNIT_SIGNALS[name](unit) for name, w in weights.items() if w)
