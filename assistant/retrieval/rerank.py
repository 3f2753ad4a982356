"""Second-stage ordering of fused candidates by what a planner's question says.

Named stages, each scoring a chunk between 0 and 1; `Settings.retrieval.rerank` chooses
them and their weights. The weights are small next to the fused rank score (RRF scores are
about 0.01-0.03), so stages reorder near neighbours rather than overrule retrieval:

- coverage: the IDF-weighted share of the question's terms a chunk contains. BM25 rewards
  an overview page that repeats "Sozialindex" ten times; the answer is usually where the
  indicator, the area and the year occur together.
- heading: the same share counted on the chunk's heading path alone: a section titled
  with the question's terms is about them.
- named_document: "im Förderaufruf", "laut Sozialbericht" favour the document whose title
  or file name carries that document word.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from assistant.answering.question import QuestionAnalysis
from assistant.index.catalog import StoredChunk
from assistant.retrieval.german import analyze, expand_unknown


class TermStatistics(Protocol):
    def idf(self, terms: list[str], unseen: float | None = None) -> dict[str, float]: ...

    def document_frequency(self, terms: list[str]) -> dict[str, int]: ...


@dataclass(frozen=True, slots=True)
class QuestionSignals:
    """The searched terms with their weights, and the question they come from."""

    terms: frozenset[str]
    weights: dict[str, float]
    question: QuestionAnalysis

    @classmethod
    def of(
        cls, query: str, question: QuestionAnalysis, statistics: TermStatistics
    ) -> QuestionSignals:
        """The query's terms, compounds the corpus lacks by their known parts, weighted
        by IDF; a term found nowhere weighs nothing (no chunk can cover it)."""
        terms = frozenset(analyze(query)) | frozenset(
            expand_unknown(query, statistics.document_frequency)
        )
        weights = statistics.idf(sorted(terms), unseen=0.0) if terms else {}
        return cls(terms, weights, question)


@lru_cache(maxsize=4096)
def _name_terms(title: str, source: str) -> frozenset[str]:
    stem = source.rsplit(".", 1)[0].replace("_", " ")
    return frozenset(analyze(f"{title} {stem}"))


@lru_cache(maxsize=4096)
def _heading_terms(heading: str) -> frozenset[str]:
    return frozenset(analyze(heading))


def _share(terms: frozenset[str], signals: QuestionSignals) -> float:
    total = math.fsum(signals.weights.values())
    present = signals.terms.intersection(terms)
    return math.fsum(signals.weights[t] for t in present) / total if total else 0.0


def _coverage(chunk: StoredChunk, signals: QuestionSignals) -> float:
    return _share(frozenset(chunk.terms), signals)


def _heading(chunk: StoredChunk, signals: QuestionSignals) -> float:
    return _share(_heading_terms(chunk.heading), signals)


def _named_document(chunk: StoredChunk, signals: QuestionSignals) -> float:
    named = signals.question.document_terms
    return float(bool(named and named & _name_terms(chunk.title, chunk.source)))


Stage = Callable[[StoredChunk, QuestionSignals], float]
STAGES: dict[str, Stage] = {
    "coverage": _coverage,
    "heading": _heading,
    "named_document": _named_document,
}


def bonus(chunk: StoredChunk, signals: QuestionSignals, weights: Mapping[str, float]) -> float:
    """What the weighted stages add to a chunk's fused score."""
    return sum(weight * STAGES[name](chunk, signals) for name, weight in weights.items() if weight)


def rerank(
    fused: list[tuple[str, float]],
    stored: dict[str, StoredChunk],
    signals: QuestionSignals,
    weights: Mapping[str, float],
) -> list[tuple[str, float]]:
    rescored = [
        (cid, score + (bonus(stored[cid], signals, weights) if cid in stored else 0.0))
        for cid, score in fused
    ]
    return sorted(rescored, key=lambda pair: -pair[1])
