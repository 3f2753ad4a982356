"""Compound questions: each part is searched for and covered by the answer (the parts
themselves: tests/test_question_analysis.py)."""

from __future__ import annotations

from pathlib import Path

from assistant.answering.extractive import ExtractiveGenerator
from assistant.answering.service import AnswerService
from assistant.index.filters import SearchFilters
from assistant.language.question import QuestionAnalysis, analyse_question
from assistant.models import RetrievedChunk
from assistant.platform.config import AnswerSettings, Settings
from assistant.services import Services
from tests.llm_helpers import passage, uniform_weights

LIMIT_QUESTION = (
    "Hält das Quartiersmonitoring (M6) im IHK-Entwurf die Obergrenze für den Baustein D ein?"
)
M6_ROW = (
    "Nr.: M6; Maßnahme: Quartiersmonitoring; Träger: Stadt, Sozialplanung; Baustein: D; "
    "Gesamtkosten: 125.580 €"
)
BAUSTEIN_D = (
    "Die Förderung im Baustein D ist auf höchstens 10 % der zuwendungsfähigen "
    "Gesamtausgaben eines Quartiers begrenzt."
)


def _answer(question: str, *passages: RetrievedChunk) -> str:
    generator = ExtractiveGenerator(AnswerSettings(), uniform_weights)
    generated = generator.generate(analyse_question(question), list(passages))
    assert generated.found
    return generated.text


def test_the_answer_quotes_the_limit_next_to_the_value() -> None:
    workshop = "- Geplant: zweite Quartierswerkstatt zur Vorstellung des IHK-Entwurfs."
    answer = _answer(
        LIMIT_QUESTION,
        passage(1, M6_ROW, source="IHK_Entwurf.docx"),
        passage(2, workshop, source="IHK_Entwurf.docx"),
        passage(3, BAUSTEIN_D, source="Foerderaufruf.pdf"),
    )
    # The row is written as a line, its Baustein and cost named (see `row_sentence`).
    row = "M6, Quartiersmonitoring, Stadt, Sozialplanung: Baustein D; Gesamtkosten 125.580 €"
    assert answer.splitlines() == [f"{row} [1]", f"{BAUSTEIN_D} [2]"]


def test_the_answer_quotes_each_of_two_subjects() -> None:
    kita = passage(
        1,
        "Im Hafenviertel liegt die Kita-Versorgung für Kinder unter drei Jahren bei 23,8 %. "
        "Die Kita-Versorgung der Kinder ab drei Jahren liegt im Hafenviertel bei 86,0 %. "
        "Die Kita-Versorgung im Hafenviertel soll bis 2026 um 90 Plätze für Kinder wachsen. "
        "Der Ausbau der Kita-Versorgung für Kinder im Hafenviertel hat Vorrang.",
        source="Kita.pdf",
    )
    poverty = passage(2, "Die Kinderarmut im Hafenviertel liegt bei 38,9 %.", source="Bericht.pdf")
    answer = _answer(
        "Wie hängen Kita-Versorgung und Kinderarmut im Hafenviertel zusammen?", kita, poverty
    )
    assert "23,8 %" in answer and "38,9 %. [2]" in answer


class _PartSearch:
    """Each query's own results, as a search index returns them."""

    def __init__(self, results: dict[str, list[RetrievedChunk]]) -> None:
        self.results = results
        self.queries: list[str] = []

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        *,
        question: QuestionAnalysis | None = None,
    ) -> list[RetrievedChunk]:
        self.queries.append(query)
        return self.results.get(query, [])[: k or None]


def test_each_part_brings_its_best_passage_after_the_first_three(tmp_path: Path) -> None:
    whole = [passage(n, f"Abschnitt {n} des IHK-Entwurfs.", source="IHK.docx") for n in range(1, 8)]
    limit = passage(9, BAUSTEIN_D, source="Foerderaufruf.pdf")
    value, limit_part = analyse_question(LIMIT_QUESTION).parts
    search = _PartSearch(
        {LIMIT_QUESTION: whole, value.query: [whole[0], whole[5]], limit_part.query: [limit]}
    )
    settings = Settings(data_dir=tmp_path)
    generator = ExtractiveGenerator(settings.answer, uniform_weights)
    answer = AnswerService(settings, search, generator).ask(LIMIT_QUESTION)
    assert search.queries == [LIMIT_QUESTION, value.query, limit_part.query]
    # The value part's best passage is among the first three already; the limit's comes next.
    assert [c.chunk_id for c in answer.retrieved[:4]] == [
        *(c.chunk_id for c in whole[:3]),
        limit.chunk_id,
    ]
    assert len(answer.retrieved) == len(whole)


def test_a_limit_in_another_document_is_found_and_quoted(
    services: Services, tmp_path: Path
) -> None:
    """Real loaders, index and search: the value in the IHK, the limit in the call."""
    folder = tmp_path / "unterlagen"
    folder.mkdir()
    (folder / "IHK_Entwurf.md").write_text(
        "# 6 Maßnahmen\n\n"
        "Das Quartiersmonitoring (M6) der Sozialplanung kostet insgesamt 125.580 Euro und "
        "wird aus dem Baustein D gefördert. Das Quartiersbüro (M1) kostet 421.740 Euro.\n\n"
        "# 8 Beteiligung\n\n"
        "Geplant ist eine zweite Quartierswerkstatt zur Vorstellung des IHK-Entwurfs.\n",
        encoding="utf-8",
    )
    (folder / "Foerderaufruf.md").write_text(
        "# Baustein A: Quartiersarbeit\n\n"
        "Gefördert werden Quartiersbüros und Anlaufstellen in den Quartieren.\n\n"
        "# Baustein D: Daten zu Taten\n\n"
        "Gefördert wird der Aufbau eines quartiersbezogenen Monitorings. Die Förderung im "
        "Baustein D ist auf höchstens 10 % der zuwendungsfähigen Gesamtausgaben begrenzt.\n",
        encoding="utf-8",
    )
    services.pipeline.ingest_paths([folder])
    answer = services.answers.ask(LIMIT_QUESTION)
    assert answer.found, answer.text
    assert "125.580" in answer.text and "höchstens 10 %" in answer.text
    assert {c.ref.source for c in answer.citations} == {"IHK_Entwurf.md", "Foerderaufruf.md"}


def test_two_questions_asked_at_once_are_read_each_on_its_own() -> None:
    analysis = analyse_question(
        "Wie wird ein Verfügungsfonds finanziert, und wer entscheidet über die Mittel?"
    )
    first, second = analysis.clauses
    assert first.text == "Wie wird ein Verfügungsfonds finanziert?"
    # The later question carries the first one's subject as a note.
    assert second.text == "Wer entscheidet über die Mittel? (zu: Verfügungsfonds)"
    assert "verfugungsfond" not in second.topic_terms  # it names its own subject
    # „, und zwar …“ goes on with the same question.
    assert analyse_question("Welche Stadtteile liegen vorn, und zwar über 20 %?").clauses == ()


def test_each_of_two_questions_asked_at_once_gets_its_own_answer() -> None:
    financing = "Der Verfügungsfonds wird zur Hälfte aus Mitteln der Städtebauförderung finanziert."
    deciding = "Über die Verwendung der Mittel entscheidet ein lokales Gremium."
    other = "Ein lokales Gremium begleitet das Quartiersmanagement."
    answer = _answer(
        "Wie wird der Verfügungsfonds finanziert, und wer entscheidet über die Verwendung?",
        passage(1, financing, source="FRL.pdf"),
        passage(2, other, source="FRL.pdf"),
        passage(3, deciding, source="FRL.pdf"),
    )
    assert financing in answer and deciding in answer
    assert other not in answer


def test_a_second_question_is_answered_although_the_first_finds_nothing() -> None:
    deciding = "Über die Verwendung der Mittel entscheidet ein lokales Gremium."
    answer = _answer(
        "Wie hoch ist die Rücklage der Sparkasse, und wer entscheidet über die Verwendung?",
        passage(1, deciding, source="FRL.pdf"),
    )
    assert answer == f"{deciding} [1]"


def test_a_clause_opened_by_a_preposition_and_a_question_word_is_a_question_of_its_own() -> None:
    question = analyse_question(
        "Was muss das Entwicklungskonzept enthalten, und unter wessen Beteiligung stellt "
        "die Gemeinde es auf?"
    )
    assert [c.text for c in question.clauses] == [
        "Was muss das Entwicklungskonzept enthalten?",
        "Unter wessen Beteiligung stellt die Gemeinde es auf? (zu: Entwicklungskonzept)",
    ]
