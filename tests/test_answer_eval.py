"""Answer-level metrics of eval/metrics.py on hand-made answers."""

from __future__ import annotations

from assistant.models import Answer, Citation, SourceRef, VerifiedSentence
from eval.dataset import Gold, Question
from eval.metrics import AnswerResult, answer_metrics, numbers_exact, numbers_in

REF = SourceRef("d", "Sozialbericht.pdf", "Sozialbericht", page=3)


def _question(qid: str, facts: tuple[str, ...], kind: str = "fact") -> Question:
    return Question(qid, kind, f"Frage {qid}?", (Gold("Sozialbericht.pdf", 3),), facts)


def _answer(
    text: str, cited: str = "", found: bool = True, mode: str = "ollama", ok: int = 1, bad: int = 0
) -> Answer:
    sentences = [VerifiedSentence("s", [1], "verified")] * ok + [
        VerifiedSentence("s", [1], "unsupported", kept=False)
    ] * bad
    citations = [Citation(1, REF, cited)] if cited else []
    return Answer("q", text, mode, citations, [], found, sentences)


def test_answer_metrics_score_citations_numbers_refusals_and_verification() -> None:
    results = [
        # Right figure, cited passage holds it.
        AnswerResult(
            _question("a", ("24,7",)), _answer("Sie beträgt 24,7 % [1].", "… 24,7 Prozent …"), 10
        ),
        # Right figure but the cited passage does not hold it; one sentence removed.
        AnswerResult(
            _question("b", ("11,3",)),
            _answer("Es sind 11,3 % [1].", "anderer Text", ok=1, bad=1),
            20,
        ),
        # Wrong figure, from the extractive fallback.
        AnswerResult(
            _question("c", ("9,8",)), _answer("Es sind 9,7 % [1].", "9,7", mode="extractive"), 30
        ),
        # Unanswerable and refused.
        AnswerResult(_question("d", (), "unanswerable"), _answer("Nichts.", found=False, ok=0), 40),
    ]
    metrics = answer_metrics(results, "ollama")
    assert metrics["citation_correct"] == 1 / 3
    assert metrics["numbers_exact"] == 2 / 3
    assert metrics["refusals_correct"] == 1.0 and metrics["false_refusals"] == 0.0
    assert metrics["verified_share"] == (1 + 0.5 + 1) / 3
    assert metrics["fallback_share"] == 0.25
    assert metrics["p50_ms"] == 25.0


def test_a_date_is_one_figure_however_it_is_written() -> None:
    assert numbers_exact("bis zum 31.08.2025 nachreichen", ["31. August 2025", "31.08.2025"])
    assert numbers_exact("bis 31. August 2025", ["31.08.2025"])
    assert not numbers_exact("bis zum 30.08.2025", ["31. August 2025"])
    assert numbers_in("23,8 % und 1.054 Plätze") == {"23,8", "1054"}


def test_fact_share_credits_each_fact_a_given_answer_states() -> None:
    two_of_three = AnswerResult(
        _question("e", ("85 Prozent", "SGB II-Quote", "INSEK")),
        _answer("Bis zu 85 Prozent [1]. Maßgeblich ist die SGB II-Quote [1]."),
        10,
    )
    refused = AnswerResult(
        _question("f", ("85 Prozent",)), _answer("85 Prozent? Nichts gefunden.", found=False), 10
    )
    metrics = answer_metrics([two_of_three, refused], "extractive")
    assert metrics["fact_share"] == (2 / 3 + 0) / 2
    assert metrics["facts_in_answer"] == 0.0
