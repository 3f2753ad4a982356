"""The quality bar: a drop in any of these fails the build.

Two sets run through the real evaluation (Planwerk as in production, the real index,
embedder and answer path): the test split of the real-document corpus in eval/realdocs
(public documents nobody at Planwerk wrote; never tuned on) and the demo municipality.
Thresholds sit a little under the values measured in eval/reports/realdocs.md and
eval/reports/latest.md, so noise passes and regressions do not; they guard, they are not
targets (the targets are in the reports).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.dataset import load_questions
from eval.harness import REALDOCS, SystemReport, evaluate


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SystemReport]:
    work_dir: Path = tmp_path_factory.mktemp("eval-real")
    questions = load_questions(REALDOCS / "questions.yaml", split="test")
    return evaluate(
        corpus=REALDOCS / "corpus",
        work_dir=work_dir,
        questions=questions,
        systems=["planwerk", "bm25-pages"],
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SystemReport]:
    work_dir: Path = tmp_path_factory.mktemp("eval-demo")
    return evaluate(work_dir=work_dir, systems=["planwerk", "langchain"])


def test_real_documents_retrieval(real: dict[str, SystemReport]) -> None:
    metrics = real["planwerk"].metrics()
    assert metrics["recall@5"] >= 0.84
    assert metrics["mrr@10"] >= 0.72


def test_real_documents_answers(real: dict[str, SystemReport]) -> None:
    metrics = real["planwerk"].metrics()
    assert metrics["facts_in_answer"] >= 0.48
    assert metrics["false_refusals"] <= 0.05
    assert metrics["refusals_correct"] >= 0.45
    assert metrics["within_length"] == 1.0, "every answer short or saying what it left out"
    assert metrics["row_dumps"] == 0.0, "no table row pasted as „Spalte: Wert; …“"


def test_real_documents_planwerk_ranks_above_plain_bm25(real: dict[str, SystemReport]) -> None:
    planwerk = real["planwerk"].metrics()["mrr@10"]
    assert planwerk >= real["bm25-pages"].metrics()["mrr@10"] + 0.05


def test_demo_municipality(demo: dict[str, SystemReport]) -> None:
    metrics = demo["planwerk"].metrics()
    assert metrics["recall@5"] >= 0.90
    assert metrics["numbers_exact"] >= 0.95
    assert metrics["false_refusals"] <= 0.05
    assert metrics["within_length"] == 1.0, "every answer short or saying what it left out"
    assert metrics["row_dumps"] == 0.0, "no table row pasted as „Spalte: Wert; …“"
    assert metrics["recall@5"] >= demo["langchain"].metrics()["recall@5"] + 0.10


def test_two_corpora_in_folders_of_one_name_get_their_own_index(tmp_path: Path) -> None:
    from assistant.platform.config import EmbeddingSettings
    from eval.harness import index_dir

    embedding = EmbeddingSettings()
    first = index_dir(tmp_path, REALDOCS / "corpus", embedding)
    second = index_dir(tmp_path, REALDOCS.parent / "realdocs_fresh" / "corpus", embedding)
    assert first != second and first.parent == second.parent == tmp_path


@pytest.mark.parametrize(
    "name", ["realdocs", "realdocs_fresh", "realdocs_holdout", "realdocs_holdout2"]
)
def test_every_gold_location_of_the_real_sets_holds_its_answer_facts(name: str) -> None:
    from eval.questions_check import check_file

    folder = REALDOCS.parent / name
    assert check_file(folder / "corpus", folder / "questions.yaml") == []


def test_a_set_held_out_as_a_whole_is_reported_as_test_without_its_questions() -> None:
    from assistant.models import Answer
    from eval.__main__ import report_text
    from eval.dataset import Question
    from eval.harness import QuestionResult

    folder = REALDOCS.parent / "realdocs_holdout"
    question = Question("h900", "fact", "Wie hoch ist der Zuschuss in Heidelberg?", (), (), "test")
    missed = Answer(question.question, "Nichts gefunden.", "extractive", found=False)
    report = SystemReport("planwerk", results=[QuestionResult(question, None, 0.0, missed, 1, 1)])
    text = report_text({"planwerk": report}, folder / "corpus", folder / "questions.yaml", "use")
    assert "## Split `test` (report only: never read to tune)" in text
    assert "Wie hoch ist der Zuschuss" not in text and "h900" not in text
