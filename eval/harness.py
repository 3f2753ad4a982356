"""Runs the question set against Planwerk and its baselines on one corpus and embedder."""

from __future__ import annotations

import hashlib
import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from assistant.index.filters import SearchFilters
from assistant.language.question import QuestionAnalysis
from assistant.llm.base import Generator
from assistant.models import Answer, RetrievedChunk
from assistant.platform.config import EmbeddingSettings, Settings
from assistant.services import Services
from eval.bench_common import git_commit
from eval.dataset import QUESTIONS, Question, load_questions
from eval.langchain_recipe import LangChainRecipe
from eval.metrics import (
    AnswerResult,
    Location,
    answer_metrics,
    facts_answered,
    first_relevant_rank,
    ndcg_at,
    percentile,
    recall_at,
    reciprocal_rank,
)
from eval.plain_bm25 import PlainBM25

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "sample" / "generated"
REPORTS = ROOT / "eval" / "reports"
REALDOCS = ROOT / "eval" / "realdocs"

# Every system of a full run, in report order, and what it is.
SYSTEMS = {
    "planwerk": "Planwerk as in production (indicator tables, hybrid search, re-ranking, "
    "answerability checks, the configured answer backend)",
    "bm25": "Planwerk's lexical half alone (German analyser, synonyms, compounds)",
    "dense": "Planwerk's dense half alone (the configured embedder)",
    "bm25-pages": "plain German BM25 (Snowball, stop words) over whole pages, no answer",
    "bm25-chunks": "the same plain BM25 over 1000-character chunks, no answer",
    "langchain": "the LangChain recipe: 1000/200 character splits, Chroma, top 4",
}

# A system's search as the answer service calls it: the query, the analysed question it
# serves (None: the query), how many passages (None: the configured top_k). Filters are
# not evaluated.
Search = Callable[[str, QuestionAnalysis | None, int | None], list[RetrievedChunk]]


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
    answers: bool = True  # False for retrieval-only baselines: no answer metrics

    def subset(self, keep: Callable[[Question], bool]) -> SystemReport:
        """The same system's results for the questions `keep` selects (a split, a type)."""
        results = [r for r in self.results if keep(r.question)]
        return SystemReport(self.name, self.mode, results, self.answers)

    def metrics(self) -> dict[str, float]:
        answerable = [r for r in self.results if r.question.answerable]
        timed = [
            AnswerResult(r.question, r.answer, r.retrieve_ms + r.answer_ms) for r in self.results
        ]
        answered = answer_metrics(timed, self.mode)
        if not self.answers:
            answered = {k: v for k, v in answered.items() if k in ("p50_ms", "p95_ms")}
        return {
            "recall@1": _mean(recall_at(r.rank, 1) for r in answerable),
            "recall@5": _mean(recall_at(r.rank, 5) for r in answerable),
            "recall@10": _mean(recall_at(r.rank, 10) for r in answerable),
            "mrr@10": _mean(reciprocal_rank(r.rank, 10) for r in answerable),
            "ndcg@10": _mean(r.ndcg for r in answerable),
            **answered,
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
        chunk.text,
    )


class _TimedSearch:
    """A retriever for AnswerService that adds up how long its searches took."""

    def __init__(self, search: Search) -> None:
        self._search = search
        self.ms = 0.0

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        *,
        question: QuestionAnalysis | None = None,
    ) -> list[RetrievedChunk]:
        start = time.perf_counter()
        found = self._search(query, question, k)
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
    settings = services.settings
    if not answerability:
        settings = settings.model_copy(
            update={"answer": settings.answer.model_copy(update={"checks": []})}
        )
    service = services.answer_service(
        timed,
        generator,
        settings,
        threads=False,
        vocabulary=answerability,
        indicators=indicators,
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
                rank=first_relevant_rank(locations, q.gold, q.answer_facts),
                ndcg=ndcg_at(locations, q.gold, facts=q.answer_facts),
                answer=answer,
                retrieve_ms=timed.ms,
                answer_ms=total_ms - timed.ms,
            )
        )
    return report


def run_retrieval_only(name: str, search: Search, questions: Sequence[Question]) -> SystemReport:
    """Rank only: a baseline without an answer writer of its own."""
    report = SystemReport(name, answers=False)
    for q in questions:
        start = time.perf_counter()
        found = search(q.question, None, None)
        ms = (time.perf_counter() - start) * 1000
        locations = [_location(c) for c in found]
        answer = Answer(q.question, "", "none", retrieved=found, found=False)
        rank = first_relevant_rank(locations, q.gold, q.answer_facts)
        ndcg = ndcg_at(locations, q.gold, facts=q.answer_facts)
        report.results.append(QuestionResult(q, rank, ndcg, answer, ms, 0))
    return report


def build_index(services: Services, corpus: Path) -> None:
    results = services.pipeline.ingest_paths([corpus])
    refused = [r for r in results if r.status == "refused"]
    if refused:
        raise RuntimeError(f"Eval corpus has unreadable files: {refused}")


def index_dir(work_dir: Path, corpus: Path, embedding: EmbeddingSettings) -> Path:
    """One index per corpus and embedder: runs on other corpora never mix into it. Two
    corpora in folders of the same name (`eval/realdocs/corpus`, `eval/realdocs_fresh/
    corpus`) get their own index too: the folder above names it, and a hash of the path
    keeps any two apart."""
    label = embedding.mode if not embedding.model else Path(embedding.model).name
    where = corpus.resolve()
    digest = hashlib.sha1(str(where).encode()).hexdigest()[:8]
    return work_dir / f"{where.parent.name}-{where.name}-{digest}-{label}"


def evaluate(
    corpus: Path = CORPUS,
    work_dir: Path = REPORTS / "tmp",
    embedding: EmbeddingSettings | None = None,
    questions: Sequence[Question] | None = None,
    baselines: bool = True,
    systems: Sequence[str] | None = None,
) -> dict[str, SystemReport]:
    """Planwerk and (optionally) its baselines, all on the same corpus and embedder.

    Everything else (generation backend, retrieval settings) comes from the environment
    and planwerk.toml, so a user with Ollama configured measures their model.
    """
    questions = list(questions) if questions is not None else load_questions(QUESTIONS)
    embedding = embedding or EmbeddingSettings()
    wanted = list(systems) if systems is not None else list(SYSTEMS if baselines else ["planwerk"])
    settings = Settings(data_dir=index_dir(work_dir, corpus, embedding), embedding=embedding)
    services = Services(settings)
    try:
        build_index(services, corpus)
        return {name: _run(name, services, corpus, questions) for name in wanted}
    finally:
        services.close()


def _run(
    name: str, services: Services, corpus: Path, questions: Sequence[Question]
) -> SystemReport:
    """One system over the questions. Planwerk answers as in production: indicator tables
    first, then the configured backend. Its halves answer extractively from documents
    only; the LangChain recipe has no answerability check; plain BM25 only ranks."""
    retriever = services.retriever

    def search(
        query: str, question: QuestionAnalysis | None, k: int | None = None
    ) -> list[RetrievedChunk]:
        method = "hybrid" if name == "planwerk" else name
        return retriever.search(query, k, method=method, question=question)  # type: ignore[arg-type]

    if name == "planwerk":
        return run_system(name, search, services, questions, services.generator, indicators=True)
    if name in ("bm25", "dense"):
        return run_system(name, search, services, questions)
    if name == "langchain":
        recipe = LangChainRecipe(corpus, services.embedder)
        return run_system(
            name, lambda q, *_: recipe.search(q), services, questions, answerability=False
        )
    if name in ("bm25-pages", "bm25-chunks"):
        plain = PlainBM25(corpus, "pages" if name == "bm25-pages" else "chunks")
        return run_retrieval_only(name, lambda q, *_: plain.search(q), questions)
    raise ValueError(f"unknown system {name!r}; known: {', '.join(SYSTEMS)}")


METRIC_COLUMNS = (
    "recall@1",
    "recall@5",
    "recall@10",
    "mrr@10",
    "ndcg@10",
    "facts_in_answer",
    "fact_share",
    "citation_correct",
    "numbers_exact",
    "false_refusals",
    "refusals_correct",
    "within_length",
    "row_dumps",
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
            "—"
            if c not in metrics
            else f"{metrics[c]:.1f}"
            if c.endswith("_ms")
            else f"{metrics[c]:.3f}"
            for c in METRIC_COLUMNS
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def by_type_table(report: SystemReport) -> str:
    types = sorted({r.question.type for r in report.results})
    lines = ["| type | n | recall@5 | answer has facts | refused |", "|---|---|---|---|---|"]
    for t in types:
        rs = [r for r in report.results if r.question.type == t]
        has_facts = _mean(facts_answered(r.answer, r.question.answer_facts) for r in rs)
        lines.append(
            f"| {t} | {len(rs)} | {_mean(recall_at(r.rank, 5) for r in rs):.2f} | "
            f"{has_facts:.2f} | {_mean(not r.answer.found for r in rs):.2f} |"
        )
    return "\n".join(lines)


def topic_reports(report: SystemReport) -> dict[str, SystemReport]:
    """The system's results per topic present; questions without a topic are left out."""
    present = sorted({r.question.topic for r in report.results if r.question.topic})
    return {t: report.subset(lambda q, t=t: q.topic == t) for t in present}


def topic_summary(reports: dict[str, SystemReport]) -> dict[str, dict[str, dict[str, float]]]:
    """Per topic and system: question counts and the summary metrics of its questions."""
    by_topic: dict[str, dict[str, dict[str, float]]] = {}
    for name, report in reports.items():
        for topic, part in topic_reports(report).items():
            answerable = sum(r.question.answerable for r in part.results)
            by_topic.setdefault(topic, {})[name] = {
                "questions": len(part.results),
                "answerable": answerable,
                **summary({name: part})[name],
            }
    return by_topic


def by_topic_table(splits: dict[str, SystemReport]) -> str:
    """One system's metrics per topic and split (recall and facts over answerable questions)."""
    lines = [
        "| topic | split | questions | answerable | recall@5 | facts_in_answer | false_refusals |",
        "|---|---|---|---|---|---|---|",
    ]
    for split, report in splits.items():
        for topic, part in topic_reports(report).items():
            metrics = part.metrics()
            answerable = sum(r.question.answerable for r in part.results)
            lines.append(
                f"| {topic} | {split} | {len(part.results)} | {answerable} | "
                f"{metrics['recall@5']:.3f} | {metrics['facts_in_answer']:.3f} | "
                f"{metrics['false_refusals']:.3f} |"
            )
    return "\n".join(lines) if len(lines) > 2 else "No questions with a topic in this set."


def misses(report: SystemReport, limit: int = 40) -> str:
    lines = []
    for r in report.results:
        if r.question.answerable and (r.rank is None or r.rank > 5):
            lines.append(f"- {r.question.id} (rank {r.rank}): {r.question.question}")
        elif not r.question.answerable and r.answer.found:
            lines.append(f"- {r.question.id} (not refused): {r.question.question}")
        elif r.question.answerable and not facts_answered(r.answer, r.question.answer_facts):
            lines.append(f"- {r.question.id} (facts missing): {r.question.question}")
    return "\n".join(lines[:limit]) or "- none"


def machine_line() -> str:
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · commit {git_commit()} · "
        f"{platform.platform()} · Python {platform.python_version()} · {os.cpu_count()} cores"
    )
