"""Does the corpus hold an answer at all? Checks that run before any answer is written.

A planner asking for the SGB-II-Quote of a Stadtteil the city does not have, or for a
year the reports do not cover, must hear "nothing found" — not the nearest figure. Two
signals are reliable without a language model:

- a specific noun of the question (capitalised, not a common word) occurs nowhere in the
  workspace: "Lebenserwartung", "Rosenhügel";
- a number of the question (a year, a measure) occurs in none of the retrieved passages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from assistant.models import RetrievedChunk
from assistant.retrieval.german import STOP_WORDS, fold, stem, synonyms

DocumentFrequency = Callable[[list[str]], dict[str, int]]

_WORD = re.compile(r"[^\W\d_][^\W\d_-]*(?:-[^\W\d_]+)*")
_NUMBER = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)*(?![\d])")
# Nouns this common are generic ("Geld", "Jahr", "Betrieb"): their absence says nothing.
_COMMON_ZIPF = 4.5


@lru_cache(maxsize=50_000)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "de")


def specific_nouns(question: str) -> list[str]:
    """Capitalised words after the first that are neither stop words nor common words."""
    words = [m.group(0) for m in _WORD.finditer(question)][1:]
    return [
        w
        for w in words
        if w[0].isupper() and w.lower() not in STOP_WORDS and _zipf(w) < _COMMON_ZIPF
    ]


def unknown_terms(question: str, document_frequency: DocumentFrequency) -> list[str]:
    """Specific nouns of the question that no chunk of the workspace contains."""
    nouns = specific_nouns(question)
    variants = {n: [stem(n), *synonyms(stem(n))] for n in nouns}
    frequencies = document_frequency(sorted({t for ts in variants.values() for t in ts}))
    return [n for n in nouns if not any(frequencies[t] for t in variants[n])]


def missing_numbers(question: str, passages: Sequence[RetrievedChunk]) -> list[str]:
    """Numbers of the question (years, figures) that none of the passages mentions."""
    wanted = _NUMBER.findall(question)
    if not wanted:
        return []
    texts = [fold(f"{p.ref.heading} {p.ref.sheet or ''} {p.text}") for p in passages]
    return [n for n in wanted if not any(_has_number(t, n) for t in texts)]


def _has_number(text: str, number: str) -> bool:
    return re.search(rf"(?<![\d,]){re.escape(number)}(?![\d]|,\d)", text) is not None


def refusal_reason(
    question: str, passages: Sequence[RetrievedChunk], document_frequency: DocumentFrequency
) -> str | None:
    """A German sentence saying what is missing, or None when an answer may exist."""
    unknown = unknown_terms(question, document_frequency)
    if unknown:
        names = ", ".join(f"„{w}“" for w in unknown)
        return f"Zu {names} enthalten die Unterlagen keine Angaben."
    numbers = missing_numbers(question, passages)
    if numbers:
        names = ", ".join(f"„{n}“" for n in numbers)
        return f"Zu {names} finde ich in den gefundenen Stellen keine Angaben."
    return None
