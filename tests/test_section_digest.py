"""A report section summarised paragraph by paragraph (assistant/answering/section_digest.py)."""

from __future__ import annotations

from assistant.answering.section_digest import section_digest
from assistant.language.question import analyse_question
from assistant.models import RetrievedChunk, SourceRef

_TITLE = "Sozialbericht Lindwerden"


def _chunk(index: int, heading: str, text: str) -> RetrievedChunk:
    ref = SourceRef(doc_id="sb", source="Sozialbericht.md", title=_TITLE, heading=heading)
    return RetrievedChunk(f"sb:{index:05d}", text, ref, {"chunk_index": index}, 0.0)


_REPORT = [
    _chunk(0, "Einleitung", "Der Bericht beschreibt die Lage in allen Stadtteilen der Stadt."),
    _chunk(
        1,
        "Wohnkosten",
        "Wohnen ist für viele Familien ein großes Thema im Alltag. "
        "Der Anteil der Wohnkosten am Einkommen stieg von 21 auf 29 Prozent.",
    ),
    _chunk(
        2,
        "Wohnkosten",
        "Dahinter stehen regional sehr unterschiedliche Entwicklungen der Mieten. "
        "Haushalte mit den niedrigsten Einkommen geben rund 37 Prozent für Wohnkosten aus.",
    ),
    _chunk(3, "Mobilität", "Der Bus fährt in den Außenbezirken nur jede Stunde einmal."),
]


def _digest(question: str, retrieved: list[RetrievedChunk], max_chars: int = 900) -> str | None:
    generated = section_digest(
        analyse_question(question), retrieved, lambda _: list(_REPORT), max_chars
    )
    return None if generated is None else generated.text


def test_the_section_found_is_quoted_paragraph_by_paragraph() -> None:
    text = _digest("Fasse zusammen, was der Bericht über Wohnkosten sagt.", [_REPORT[2]], 250)
    assert text is not None
    lines = text.splitlines()
    assert (
        lines[0]
        == f"Zusammenstellung aus „{_TITLE}“, Abschnitt „Wohnkosten“ (Zitate, ohne Sprachmodell):"
    )
    # Each paragraph's figure, in the report's order; other sections stay out.
    assert lines[1] == "- Der Anteil der Wohnkosten am Einkommen stieg von 21 auf 29 Prozent. [1]"
    assert "rund 37 Prozent" in lines[2]
    assert "Bus" not in text and "Einleitung" not in text


def test_the_section_most_hits_stand_in_is_summarised() -> None:
    text = _digest(
        "Fasse zusammen, was der Bericht über Wohnkosten sagt.",
        [_REPORT[3], _REPORT[1], _REPORT[2]],
    )
    assert text is not None and "Abschnitt „Wohnkosten“" in text


def test_no_digest_without_a_summary_or_for_table_rows() -> None:
    assert _digest("Wie hoch ist der Anteil der Wohnkosten?", [_REPORT[1]]) is None
    row = RetrievedChunk(
        "t:0", "Stadtteil: Nord; Quote: 3", SourceRef("t", "t.csv", "Tabelle", row=2), {}, 0.0
    )
    assert _digest("Fasse die Tabelle zusammen.", [row]) is None
