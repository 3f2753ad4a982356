"""Second-stage ordering of fused candidates by what a planner's question says.

Three signals, each small next to the fused rank score, so they reorder near neighbours
rather than overrule retrieval:

- coverage: the IDF-weighted share of the question's terms a chunk contains. BM25 rewards
  an overview page that repeats "Sozialindex" ten times; the answer is usually where the
  indicator, the area and the year occur together.
- named document: "im Förderaufruf", "laut Sozialbericht", "in den Kennzahlen" favour the
  document whose title or file name carries that document word.
- definition section: "Was ist …", "Wie ist … definiert?" favour chunks under headings
  such as "Begriffe", "Definitionen", "Methodik".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from assistant.config import RetrievalSettings
from assistant.index.catalog import StoredChunk
from assistant.retrieval.german import analyze, content_terms, stem
from ingest.chunking import leaf_heading

# Words that name a kind of planning document (as index terms).
DOCUMENT_WORDS = frozenset(
    analyze(
        "Bericht Sozialbericht Aufruf Förderaufruf Richtlinie Konzept Handlungskonzept IHK "
        "Entwurf Beschluss Ratsbeschluss Vorlage Beschlussvorlage Protokoll Niederschrift "
        "Kennzahlen Monitoring Sozialmonitoring Planung Jugendhilfeplanung Bedarfsplanung "
        "Indikatoren Tabelle"
    )
)
_HYPHENATED = re.compile(r"\w+(?:-\w+)+")


def names_document(word: str) -> bool:
    """A word naming a kind of document ("Sozialbericht", "IHK-Entwurf")."""
    parts = set(analyze(word)) - {stem(word)}
    return stem(word) in DOCUMENT_WORDS or (bool(parts) and parts <= DOCUMENT_WORDS)


def document_terms(text: str) -> set[str]:
    """Terms of a text that only say where to look: document words, and compounds made of
    them („IHK-Entwurf“ gives "ihkentwurf" besides "ihk" and "entwurf")."""
    found = content_terms(text) & DOCUMENT_WORDS
    return found | {stem(w) for w in _HYPHENATED.findall(text) if names_document(w)}


# "Was ist …", "Was versteht der Bericht unter …", "Wie wird … berechnet?": questions for
# a definition or a method (one pattern for retrieval, answers and the indicator router).
DEFINITION_QUESTION = re.compile(
    r"^\s*(was (ist|sind|bedeutet|bedeuten|heißt|meint|misst|messen|versteht)|wofür steht|"
    r"erklär|definier|wie (funktioniert|funktionieren|ist|wird|werden)\b.*"
    r"\b(definiert|berechnet|gemessen|gebildet|ermittelt|funktionier\w*)\b)",
    re.IGNORECASE,
)
_DEFINITION_HEADING = re.compile(r"begriff|definition|glossar|erläuterung|method", re.I)

TermWeights = Callable[[list[str]], dict[str, float]]


@dataclass(frozen=True, slots=True)
class QuestionSignals:
    terms: frozenset[str]
    weights: dict[str, float]
    document_words: frozenset[str]
    wants_definition: bool

    @classmethod
    def of(cls, question: str, term_weights: TermWeights) -> QuestionSignals:
        terms = frozenset(analyze(question))
        return cls(
            terms=terms,
            weights=term_weights(sorted(terms)) if terms else {},
            document_words=terms & DOCUMENT_WORDS,
            wants_definition=bool(DEFINITION_QUESTION.search(question)),
        )


@lru_cache(maxsize=4096)
def _name_terms(title: str, source: str) -> frozenset[str]:
    stem = source.rsplit(".", 1)[0].replace("_", " ")
    return frozenset(analyze(f"{title} {stem}"))


@lru_cache(maxsize=4096)
def _heading_terms(heading: str) -> frozenset[str]:
    return frozenset(analyze(heading))


def bonus(chunk: StoredChunk, signals: QuestionSignals, settings: RetrievalSettings) -> float:
    """What the question's signals add to a chunk's fused score."""
    total = sum(signals.weights.values())
    score = 0.0
    if total:
        present = signals.terms.intersection(chunk.terms)
        score += settings.coverage_weight * sum(signals.weights[t] for t in present) / total
        titled = signals.terms.intersection(_heading_terms(chunk.heading))
        score += settings.heading_weight * sum(signals.weights[t] for t in titled) / total
    if signals.document_words and signals.document_words & _name_terms(chunk.title, chunk.source):
        score += settings.named_document_weight
    # The section's own heading: under "Methodik", "1.4 Das Indexverfahren" is no glossary.
    if signals.wants_definition and _DEFINITION_HEADING.search(leaf_heading(chunk.heading)):
        score += settings.definition_weight
    return score


def rerank(
    fused: list[tuple[str, float]],
    stored: dict[str, StoredChunk],
    signals: QuestionSignals,
    settings: RetrievalSettings,
) -> list[tuple[str, float]]:
    rescored = [
        (
            chunk_id,
            score + (bonus(stored[chunk_id], signals, settings) if chunk_id in stored else 0),
        )
        for chunk_id, score in fused
    ]
    return sorted(rescored, key=lambda pair: -pair[1])
