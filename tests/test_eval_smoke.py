"""The quality bar on the demo municipality: a drop in any of these fails the build.

Runs the real evaluation (all 92 questions, Planwerk and its baselines on the same index
and embedder). Thresholds sit a little under the measured values in
eval/reports/latest.md, so noise passes and regressions do not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.harness import SystemReport, evaluate


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SystemReport]:
    work_dir: Path = tmp_path_factory.mktemp("eval")
    return evaluate(work_dir=work_dir)


def test_planwerk_retrieval_quality(reports: dict[str, SystemReport]) -> None:
    metrics = reports["planwerk"].metrics()
    assert metrics["recall@5"] >= 0.92
    assert metrics["recall@10"] >= 0.95
    assert metrics["mrr@10"] >= 0.83


def test_planwerk_beats_the_plain_langchain_recipe_by_ten_points(
    reports: dict[str, SystemReport],
) -> None:
    planwerk = reports["planwerk"].metrics()["recall@5"]
    assert planwerk >= reports["langchain"].metrics()["recall@5"] + 0.10


def test_hybrid_is_not_worse_than_either_half(reports: dict[str, SystemReport]) -> None:
    hybrid = reports["planwerk"].metrics()["recall@5"]
    assert hybrid >= reports["bm25"].metrics()["recall@5"]
    assert hybrid >= reports["dense"].metrics()["recall@5"]


def test_answers_cite_correctly_and_refuse(reports: dict[str, SystemReport]) -> None:
    metrics = reports["planwerk"].metrics()
    assert metrics["citation_correct"] >= 0.78
    assert metrics["numbers_exact"] >= 0.95
    assert metrics["refusals_correct"] >= 0.99
    assert metrics["false_refusals"] <= 0.05
