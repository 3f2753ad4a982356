"""A funding guideline summarised part by part (assistant/answering/guideline_digest.py)."""

from __future__ import annotations

from assistant.answering.guideline_digest import guideline_digest
from assistant.language.guideline import states_exception
from assistant.language.question import analyse_question
from assistant.models import RetrievedChunk, SourceRef

_TITLE = "Richtlinie Quartiersarbeit"


def _chunk(index: int, heading: str, text: str) -> RetrievedChunk:
    ref = SourceRef(
        doc_id="rl", source="Richtlinie.md", title=_TITLE, heading=f"{_TITLE} > {heading}"
    )
    metadata = {"doc_type": "funding_call", "chunk_index": index}
    return RetrievedChunk(f"rl:{index:05d}", f"{heading}\n\n{text}", ref, metadata, 0.0)


# Two programmes in one guideline, each running through its parts.
_GUIDELINE = [
    _chunk(0, "A. Quartiersprojekte 1. Zuwendungszweck", "Zweck ist die Stärkung der Quartiere."),
    _chunk(
        1,
        "A. Quartiersprojekte 2. Höhe der Zuwendung",
        "Sofern Dritte beteiligt sind, werden höchstens 50 Prozent bezuschusst. "
        "Es werden bis zu 80 Prozent der Ausgaben bezuschusst.",
    ),
    _chunk(2, "B. Servicestelle 1. Zuwendungszweck", "Zweck ist die Beratung der Gemeinden."),
    _chunk(3, "B. Servicestelle 2. Höhe der Zuwendung", "Es werden bis zu 95 Prozent bezuschusst."),
]


def _digest(question: str, found: RetrievedChunk, max_chars: int = 900) -> str:
    generated = guideline_digest(
        analyse_question(question), [found], lambda _: list(_GUIDELINE), max_chars
    )
    assert generated is not None
    return generated.text


def test_the_programme_found_is_summarised_rule_before_exception() -> None:
    # Room for one sentence per part: the rule is chosen, not the special case.
    text = _digest("Fasse die Förderbedingungen der Richtlinie zusammen.", _GUIDELINE[1], 200)
    lines = text.splitlines()
    assert lines[0].startswith(f"Zusammenstellung aus „{_TITLE}“")
    assert lines[1] == "- Zweck: Zweck ist die Stärkung der Quartiere. [1]"
    # The rule comes before the special case, and the other programme's rate stays out.
    assert (
        lines[2]
        == "- Höhe der Förderung: Es werden bis zu 80 Prozent der Ausgaben bezuschusst. [2]"
    )
    assert "95 Prozent" not in text and "Beratung" not in text


def test_the_second_programme_is_summarised_when_found() -> None:
    text = _digest("Fasse die Förderbedingungen der Richtlinie zusammen.", _GUIDELINE[3])
    assert "bis zu 95 Prozent" in text and "Beratung der Gemeinden" in text
    assert "80 Prozent" not in text


def test_the_programme_most_passages_stand_in_is_summarised() -> None:
    # The best passage stands in programme A, but the search found more of B: B is meant.
    found = [_GUIDELINE[0], _GUIDELINE[2], _GUIDELINE[3]]
    generated = guideline_digest(
        analyse_question("Fasse die Förderbedingungen der Servicestelle zusammen."),
        found,
        lambda _: list(_GUIDELINE),
        900,
    )
    assert generated is not None
    assert "bis zu 95 Prozent" in generated.text and "80 Prozent" not in generated.text


def test_no_digest_without_a_summary_or_a_guideline() -> None:
    question = analyse_question("Wie hoch ist die Förderquote?")
    assert guideline_digest(question, _GUIDELINE, lambda _: list(_GUIDELINE), 900) is None
    report = RetrievedChunk("r:0", "Text", SourceRef("r", "Bericht.md", "Bericht"), {}, 0.0)
    summary = analyse_question("Fasse den Bericht zusammen.")
    assert guideline_digest(summary, [report], lambda _: [report], 900) is None


def test_a_special_case_is_told_by_its_opening_or_by_abweichend() -> None:
    assert states_exception("Sofern Dritte beteiligt sind, gilt ein anderer Satz.")
    assert states_exception(
        "Die Zuwendung ist abweichend von Nummer 6.1 bis 31. März zu beantragen."
    )
    assert not states_exception("Die Anträge sind bis zum 15. Februar einzureichen.")


def test_a_lead_in_without_its_list_is_not_quoted() -> None:
    conditions = _chunk(
        5,
        "3. Zuwendungsvoraussetzungen",
        "Ein Quartier gilt als benachteiligt, wenn mindestens zwei der folgenden Werte "
        "über dem Mittel liegen:\n\nDer Antrag muss bis zum 30. Mai gestellt sein.",
    )
    generated = guideline_digest(
        analyse_question("Fasse die Voraussetzungen der Richtlinie zusammen."),
        [conditions],
        lambda _: [conditions],
        900,
    )
    assert generated is not None
    assert "folgenden Werte" not in generated.text
    assert "bis zum 30. Mai" in generated.text
