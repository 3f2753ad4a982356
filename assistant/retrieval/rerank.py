"""Second-stage ordering of fused candidates by what a planner's question says.

Named stages, each scoring a chunk between 0 and 1; `Settings.retrieval.rerank` chooses
them and their weights. The weights are small next to the fused rank score (RRF scores are
about 0.01-0.03), so stages reorder near neighbours rather than overrule retrieval:

- coverage: the IDF-weighted share of the question's terms a chunk contains. BM25 rewards
  an overview page that repeats "Sozialindex" ten times; the answer is usually where the
  indicator, the area and the year occur together.
- heading: the same share counted on the chunk's heading path alone: a section titled
  with the question's terms is about them.
- title: the same share counted on the chunk's document title and file name: „Bagatellgrenze
  Klimaschutzförderung Potsdam?“ is about the Potsdam guideline, whose table rows never
  say „Potsdam“.
- named_document: "im Förderaufruf", "laut Sozialbericht" favour the document whose title
  or file name carries that document word.
- guideline_part: a funding-call chunk under the heading of the guideline part the question
  asks for (who may apply: „Zuwendungsempfänger“; how much: „Höhe der Zuwendung“).
- answer_form: a chunk that states the kind of answer asked for (a date for a deadline
  question, an amount or rate for a figure question).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from assistant.index.catalog import StoredChunk
from assistant.language.german import analyze, expand_unknown, name_terms
from assistant.language.guideline import in_asked_part
from assistant.language.question import (
    QuestionAnalysis,
    states_deadline,
    states_measure,
    states_time,
)


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


def _title(chunk: StoredChunk, signals: QuestionSignals) -> float:
    return _share(name_terms(chunk.title, chunk.source), signals)


def _named_document(chunk: StoredChunk, signals: QuestionSignals) -> float:
    named = signals.question.document_terms
    return float(bool(named and named & name_terms(chunk.title, chunk.source)))


def _answer_form(chunk: StoredChunk, signals: QuestionSignals) -> float:
    """Whether a chunk states what kind of thing the question asks for: a date or period
    for „Bis wann …“ / „Antragsfrist“, an amount or rate for „Wie viel Prozent …“ /
    „Förderquote“. The sentence that answers usually shares few words with a question
    phrased in other words („Förderquote“ vs „Es werden bis zu 85 Prozent … bezuschusst“)."""
    question = signals.question
    if question.dated:
        # „Antragsschluss?“ asks for a deadline: a chunk that states one („bis zum
        # 31.10.“) before one that only dates a law it cites.
        return 1.0 if states_deadline(chunk.text) else 0.5 * states_time(chunk.text)
    if question.time:
        return float(states_time(chunk.text))
    if question.quantity and question.counted is None:
        return float(states_measure(chunk.text))
    return 0.0


def _guideline_part(chunk: StoredChunk, signals: QuestionSignals) -> float:
    """Whether a funding-call chunk stands under a heading of the guideline part the
    question asks for („Wer darf …“ under „Zuwendungsempfänger“, see
    `assistant/language/guideline.py`)."""
    return float(in_asked_part(signals.question.guideline_parts, chunk.doc_type, chunk.heading))


Stage = Callable[[StoredChunk, QuestionSignals], float]
STAGES: dict[str, Stage] = {
    "coverage": _coverage,
    "heading": _heading,
    "title": _title,
    "named_document": _named_document,
    "answer_form": _answer_form,
    "guideline_part": _guideline_part,
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
