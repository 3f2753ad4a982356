"""Runs the question set against Planwerk and its baselines on one corpus and embedder."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from assistant.answer import AnswerService
from assistant.config import EmbeddingSettings, Settings
from assistant.llm.base import Generator
from assistant.models import Answer, RetrievedChunk
from assistant.retrieval.filters import SearchFilters
from assistant.services import Services
from eval.bench_common import git_commit
from eval.dataset import Question, load_questions
from eval.langchain_recipe import LangChainRecipe
from eval.metrics import (
    AnswerResult,
    Location,
    answer_metrics,
    facts_present,
    first_relevant_rank,
    ndcg_at,
    numbers_exact,
    percentile,
    recall_at,
    reciprocal_rank,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "sample" / "generated"
REPORTS = ROOT / "eval" / "reports"

Search = Callable[[str], list[RetrievedChunk]]


@dataclass(slots=True)
class QuestionResult:
    question: Question
    rank: int | None
    ndcg: float
    answer: Answer
    retrieve_ms: float
    answer_ms: float


@dataclass(slots=True)
class SystemReport:
    name: str
    mode: str = "extractive"  # the generation backend the system was configured with
    results: list[QuestionResult] = field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        answerable = [r for r in self.results if r.question.answerable]
        timed = [
            AnswerResult(r.question, r.answer, r.retrieve_ms + r.answer_ms) for r in self.results
        ]
        return {
            "recall@1": _mean(recall_at(r.rank, 1) for r in answerable),
            "recall@5": _mean(recall_at(r.rank, 5) for r in answerable),
            "recall@10": _mean(recall_at(r.rank, 10) for r in answerable),
            "mrr@10": _mean(reciprocal_rank(r.rank, 10) for r in answerable),
            "ndcg@10": _mean(r.ndcg for r in answerable),
            **answer_metrics(timed, self.mode),
            "retrieve_p50_ms": percentile([r.retrieve_ms for r in self.results], 0.5),
            "retrieve_p95_ms": percentile([r.retrieve_ms for r in self.results], 0.95),
            "answer_p50_ms": percentile([r.answer_ms for r in self.results], 0.5),
            "answer_p95_ms": percentile([r.answer_ms for r in self.results], 0.95),
        }


def _mean(values: object) -> float:
    items = [float(v) for v in values]  # type: ignore[attr-defined]
    return sum(items) / len(items) if items else 0.0


def _location(chunk: RetrievedChunk) -> Location:
    row_end = chunk.metadata.get("row_end")
    return Location(
        chunk.ref.source,
        chunk.ref.page,
        chunk.ref.sheet,
        chunk.ref.row,
        int(row_end) if row_end is not None else None,
    )


class _TimedSearch:
    """A retriever for AnswerService that adds up how long its searches took."""

    def __init__(self, search: Search) -> None:
        self._search = search
        self.ms = 0.0

    def search(
        self, query: str, k: int | None = None, filters: SearchFilters | None = None
    ) -> list[RetrievedChunk]:
        start = time.perf_counter()
        found = self._search(query)
        self.ms += (time.perf_counter() - start) * 1000
        return found


def run_system(
    name: str,
    search: Search,
    services: Services,
    questions: Sequence[Question],
    generator: Generator | None = None,
    answerability: bool = True,
    indicators: bool = False,
) -> SystemReport:
    """Every question through the production answer path, on `search`'s retrieval."""
    timed = _TimedSearch(search)
    generator = generator or services.extractive
    service = AnswerService(
        services.settings,
        timed,
        generator,
        fallback=services.extractive,
        verifier=services.verifier,
        document_frequency=services.index.keywords.document_frequency if answerability else None,
        indicators=services.indicator_answers if indicators else None,
        places=services.places if answerability else None,
    )
    report = SystemReport(name, mode=generator.mode)
    for q in questions:
        timed.ms = 0.0
        start = time.perf_counter()
        answer = service.ask(q.question)
        total_ms = (time.perf_counter() - start) * 1000
        # Ranked as the answer presents its passages: for a figure computed from an
        # indicator table, the cited rows come before the search results.
        locations = [_location(c) for c in answer.retrieved]
        report.results.append(
            QuestionResult(
                question=q,
                rank=first_relevant_rank(locations, q.gold),
                ndcg=ndcg_at(locations, q.gold),
                answer=answer,
                retrieve_ms=timed.ms,
                answer_ms=total_ms - timed.ms,
            )
        )
    return report


def build_index(services: Services, corpus: Path) -> None:
    results = services.pipeline.ingest_paths([corpus])
    refused = [r for r in results if r.status == "refused"]
    if refused:
        raise RuntimeError(f"Eval corpus has unreadable files: {refused}")


def evaluate(
    corpus: Path = CORPUS,
    work_dir: Path = REPORTS / "tmp",
    embedding: EmbeddingSettings | None = None,
    questions: Sequence[Question] | None = None,
    baselines: bool = True,
) -> dict[str, SystemReport]:
    """Planwerk and (optionally) its baselines, all on the same corpus and embedder.

    Everything else (generation backend, retrieval settings) comes from the environment
    and planwerk.toml, so a user with Ollama configured measures their model.
    """
    questions = list(questions or load_questions())
    embedding = embedding or EmbeddingSettings()
    label = embedding.mode if not embedding.model else Path(embedding.model).name
    settings = Settings(data_dir=work_dir / f"index-{label}", embedding=embedding)
    services = Services(settings)
    try:
        build_index(services, corpus)
        # Planwerk answers as in production: indicator tables first, then the configured
        # backend. The baselines differ in retrieval and answer extractively from documents
        # only; the plain recipe has no answerability check either.
        reports = {
            "planwerk": run_system(
                "planwerk",
                services.retriever.search,
                services,
                questions,
                services.generator,
                indicators=True,
            )
        }
        if baselines:
            for method in ("bm25", "dense"):
                reports[method] = run_system(
                    method,
                    lambda q, m=method: services.retriever.search(q, method=m),
                    services,
                    questions,
                )
            recipe = LangChainRecipe(corpus, services.embedder)
            reports["langchain"] = run_system(
                "langchain", recipe.search, services, questions, answerability=False
            )
        return reports
    finally:
        services.close()


METRIC_COLUMNS = (
    "recall@1",
    "recall@5",
    "recall@10",
    "mrr@10",
    "ndcg@10",
    "citation_correct",
    "numbers_exact",
    "refusals_correct",
    "p50_ms",
    "p95_ms",
)


def summary(reports: dict[str, SystemReport]) -> dict[str, dict[str, float]]:
    return {
        name: {k: round(v, 4) for k, v in report.metrics().items() if k in METRIC_COLUMNS}
        for name, report in reports.items()
    }


def markdown_table(reports: dict[str, SystemReport]) -> str:
    header = "| system | " + " | ".join(METRIC_COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(METRIC_COLUMNS) + 1)]
    for name, report in reports.items():
        metrics = report.metrics()
        cells = [
            f"{metrics[c]:.1f}" if c.endswith("_ms") else f"{metrics[c]:.3f}"
            for c in METRIC_COLUMNS
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def by_type_table(report: SystemReport) -> str:
    types = sorted({r.question.type for r in report.results})
    lines = ["| type | n | recall@5 | answer has facts | refused |", "|---|---|---|---|---|"]
    for t in types:
        rs = [r for r in report.results if r.question.type == t]
        has_facts = _mean(
            r.answer.found and facts_present(r.answer.text, r.question.answer_facts) for r in rs
        )
        lines.append(
            f"| {t} | {len(rs)} | {_mean(recall_at(r.rank, 5) for r in rs):.2f} | "
            f"{has_facts:.2f} | {_mean(not r.answer.found for r in rs):.2f} |"
        )
    return "\n".join(lines)


def misses(report: SystemReport, limit: int = 40) -> str:
    lines = []
    for r in report.results:
        if r.question.answerable and (r.rank is None or r.rank > 5):
            lines.append(f"- {r.question.id} (rank {r.rank}): {r.question.question}")
        elif not r.question.answerable and r.answer.found:
            lines.append(f"- {r.question.id} (not refused): {r.question.question}")
        elif not numbers_exact(r.answer.text, r.question.answer_facts):
            lines.append(f"- {r.question.id} (a figure missing): {r.question.question}")
    return "\n".join(lines[:limit]) or "- none"


def machine_line() -> str:
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · commit {git_commit()} · "
        f"{platform.platform()} · Python {platform.python_version()} · {os.cpu_count()} cores"
    )
