"""What the extractive answer adds to a unit's term coverage when it chooses what to quote.

A unit (a sentence, a list lead-in, a table row) first scores the share of the question's
weighted terms it matches. The signals here add what words cannot show: that the unit
defines the term asked about, that it stands in the guideline part asked for, or that it
announces the list of the things asked for. Each is a named function chosen and weighted
in `Settings` (`answer.unit_signals`), like the re-ranking stages; `eval/ablation.py`
measures what each one earns (`eval/reports/ablation.md`). `definition` is off by
default: on the real-document dev split it changes no answer. Bonuses for a figure,
a date or a table's extreme row earned nothing on any question set (the answer kind is
already enforced by the writer's filters) and were removed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from assistant.answering.definitions import reads_as_definition
from assistant.language.german import content_terms, stem
from assistant.language.question import QuestionAnalysis


@dataclass(frozen=True, slots=True)
class UnitView:
    """A unit as the signals see it."""

    question: QuestionAnalysis
    text: str
    in_part: bool  # stands in the funding call's section of the part asked for


def _definition(unit: UnitView) -> float:
    """„Was versteht man unter …?“ is answered by a sentence that defines."""
    return float(unit.question.definition and reads_as_definition(unit.text))


def _guideline_part(unit: UnitView) -> float:
    """„Wer darf …?“ is answered in the call's „Antragsberechtigte“ section."""
    return float(unit.in_part)


def _announced_list(unit: UnitView) -> float:
    """„Aus welchen Teilen besteht das GIHK?“ is answered by the list a lead-in announces
    with the noun asked for, also as a compound's last part („folgende Bestandteile:“).
    Only a colon announces: an item or a sentence that merely breaks off („– Teil B: …
    und“) does not."""
    noun = unit.question.listed
    if noun is None or not unit.text.rstrip().endswith(":"):
        return 0.0
    asked = stem(noun)
    return float(any(term.endswith(asked) for term in content_terms(unit.text)))


Signal = Callable[[UnitView], float]
UNIT_SIGNALS: dict[str, Signal] = {
    "definition": _definition,
    "guideline_part": _guideline_part,
    "announced_list": _announced_list,
}


def unit_bonus(unit: UnitView, weights: Mapping[str, float]) -> float:
    """What the weighted signals add to a unit's coverage."""
    return sum(w * UNIT_SIGNALS[name](unit) for name, w in weights.items() if w)
