import pytest

from assistant.index.catalog import StoredChunk
from assistant.language.question import analyse_question
from assistant.platform.config import RetrievalSettings
from assistant.retrieval.hybrid import reciprocal_rank_fusion
from assistant.retrieval.rerank import QuestionSignals, bonus


class _EveryTermOnce:
    """Statistics of a corpus in which every term occurs in one chunk."""

    def idf(self, terms: list[str], unseen: float | None = None) -> dict[str, float]:
        return dict.fromkeys(terms, 1.0)

    def document_frequency(self, terms: list[str]) -> dict[str, int]:
        return dict.fromkeys(terms, 1)


def _signals(question: str) -> QuestionSignals:
    return QuestionSignals.of(question, analyse_question(question), _EveryTermOnce())


def test_item_ranked_well_by_both_lists_wins() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "a"]], k=60)
    assert [i for i, _ in fused] == ["b", "a", "c"]


def test_scores_follow_the_formula() -> None:
    fused = dict(reciprocal_rank_fusion([["a", "b"], ["b"]], k=10))
    assert fused["a"] == pytest.approx(1 / 11)
    assert fused["b"] == pytest.approx(1 / 12 + 1 / 11)


def test_weights_shift_the_order() -> None:
    lists = [["a", "b"], ["b", "a"]]
    assert reciprocal_rank_fusion(lists, weights=[2.0, 1.0])[0][0] == "a"
    assert reciprocal_rank_fusion(lists, weights=[1.0, 2.0])[0][0] == "b"


def test_an_item_in_one_list_only_is_kept() -> None:
    fused = reciprocal_rank_fusion([["a"], ["z"]])
    assert {i for i, _ in fused} == {"a", "z"}


def _section(heading: str) -> StoredChunk:
    return StoredChunk("c", "d", 0, "Text", 6, None, None, heading, {}, ["text"])


def test_a_section_titled_with_the_question_terms_gets_a_small_bonus() -> None:
    weights = RetrievalSettings().rerank
    signals = _signals("Wie funktioniert das gestufte Indexverfahren?")
    titled = _section("1 Methodik > 1.4 Das gestufte Indexverfahren")
    mentioned = _section("10 Sozialindex 2023")
    # Same body terms, so only the heading differs.
    titled.terms = mentioned.terms = ["gestuft", "indexverfahr"]
    difference = bonus(titled, signals, weights) - bonus(mentioned, signals, weights)
    assert 0 < difference <= weights["heading"]


def _chunk(text: str) -> StoredChunk:
    return StoredChunk("c", "d", 0, text, 1, None, None, "", {}, [])


def test_answer_form_prefers_chunks_stating_the_kind_of_answer_asked() -> None:
    weights = {"answer_form": 1.0}
    deadline = _signals("Antragsfrist Zuwendungen Feuerwehrwesen?")
    assert bonus(_chunk("Anträge sind bis zum 15. Februar einzureichen."), deadline, weights) == 1
    assert bonus(_chunk("Anträge sind bei der Stelle einzureichen."), deadline, weights) == 0
    # A deadline before the date of a law the chunk cites.
    cited = _chunk("Die Richtlinie vom 10. April 2001 gilt für alle Anträge.")
    assert bonus(cited, deadline, weights) == 0.5
    rate = _signals("Förderquote ESF Plus Stadtteilvorhaben?")
    assert bonus(_chunk("Es werden bis zu 85 Prozent bezuschusst."), rate, weights) == 1
    assert bonus(_chunk("Das Gebiet umfasst 3 Quartiere."), rate, weights) == 0


def test_guideline_part_favours_the_call_section_a_question_asks_for() -> None:
    weights = {"guideline_part": 1.0}

    def call(heading: str, doc_type: str = "funding_call") -> StoredChunk:
        chunk = _section(heading)
        chunk.doc_type = doc_type
        return chunk

    who = _signals("Wer darf im Förderaufruf einen Antrag stellen?")
    assert bonus(call("4 Antragsberechtigte"), who, weights) == 1
    assert bonus(call("III. Zuwendungsempfänger"), who, weights) == 1
    assert bonus(call("11 Bewertungskriterien"), who, weights) == 0
    # Only funding calls have these parts; a report's heading earns nothing.
    assert bonus(call("4 Antragsberechtigte", doc_type="plan"), who, weights) == 0
    rate = _signals("Wie hoch ist die Förderquote für freie Träger?")
    assert bonus(call("VI. Art und Umfang, Höhe der Zuwendung"), rate, weights) == 1
    assert bonus(call("5.2 Bemessungsgrundlage und allgemeiner Fördersatz"), rate, weights) == 1
    deadline = _signals("Bis wann ist der Antrag einzureichen?")
    assert bonus(call("9 Verfahren und Fristen"), deadline, weights) == 1
    # A figure question asks for no part by itself: the cap of a Baustein stands under it.
    cap = _signals("Hält die Maßnahme die Obergrenze für den Baustein D ein?")
    assert cap.question.guideline_parts == frozenset()
