"""Does the corpus hold an answer at all? Checks that run before any answer is written.

A planner asking for the SGB-II-Quote of a Stadtteil the city does not have, or for a
year the reports do not cover, must hear "nothing found" — not the nearest figure. Signals
that are reliable without a language model:

- a specific word of the question (a noun that is not a common word, or a rare word such
  as "pflegebedürftige") occurs nowhere in the workspace: "Lebenserwartung", "Rosenhügel";
- a number of the question (a year, a measure) occurs in none of the retrieved passages;
- what restricts the question — its years and the Stadtteile it names — occurs in the
  passages, but never together ("Sozialbericht 2017" and "Hafenviertel");
- a counting question ("Wie viele Anträge wurden bewilligt?") finds no count of what it
  counts: no figure right before the noun ("412 Haushalte", "rund 640 Wohnungen") or
  right after it, as in a table row ("Einwohner: 10.318"). Dates and years are no counts.

A compound the corpus lacks counts as known when the corpus knows its parts
(`QuestionAnalysis.resolve`): planners and documents name the same thing with different
compounds. Words of the document kind ("Sozialbericht") and the municipality's own name scope the
whole corpus and are not required in a passage. Each signal is a named check; which run is
`Settings.answer.checks`. All of them read the question's one `QuestionAnalysis`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.answering.question import Places, QuestionAnalysis
from assistant.models import RetrievedChunk
from assistant.retrieval.german import MONTHS, analyze, fold, stem, synonyms

DocumentFrequency = Callable[[list[str]], dict[str, int]]

_COUNT_TOKEN = re.compile(r"\d+(?:[.,]\d+)*\.?|[^\W\d_]+(?:-[^\W\d_]+)*")
_MONTH_NAMES = frozenset(month.lower() for month in MONTHS)
_DATE_OR_YEAR = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}|(?:19|20)\d\d|\d{1,2}\.")
_WORDS_BEFORE_NOUN = 2  # "rund 640 sanierte Wohnungen": a figure, up to two words, the noun


def _variants(word: str) -> tuple[str, ...]:
    return (stem(word), *synonyms(stem(word)))


def unknown_terms(question: QuestionAnalysis, document_frequency: DocumentFrequency) -> list[str]:
    """Specific words of the question that no chunk of the workspace contains. The limit
    a figure is checked against need not be named: „höchstens 10 %“ is an Obergrenze."""
    words = [w for w in question.specific if w != question.limit]
    variants = {w: _variants(w) for w in words}
    frequencies = document_frequency(sorted({t for ts in variants.values() for t in ts}))
    known = question.known_parts
    return [w for w in words if not any(frequencies[t] for t in variants[w]) and w not in known]


def missing_numbers(question: QuestionAnalysis, passages: Sequence[RetrievedChunk]) -> list[str]:
    """Numbers of the question (years, figures) that none of the passages mentions."""
    if not question.numbers:
        return []
    texts = [fold(f"{p.ref.heading} {p.ref.sheet or ''} {p.text}") for p in passages]
    return [n for n in question.numbers if not any(_has_number(t, n) for t in texts)]


def _has_number(text: str, number: str) -> bool:
    return re.search(rf"(?<![\d,]){re.escape(number)}(?![\d]|,\d)", text) is not None


def apart(
    wanted: Sequence[str],
    passages: Sequence[RetrievedChunk],
    known_parts: Mapping[str, tuple[str, ...]] | None = None,
) -> list[str]:
    """The words and numbers of `wanted` missing from the passage that has most of them;
    empty when one passage has them all. A compound the corpus lacks is there when its
    known parts are."""
    if not wanted or not passages:
        return []
    known_parts = known_parts or {}
    missing = []
    for p in passages:
        text = f"{p.ref.heading} {p.ref.sheet or ''} {p.metadata.get('area') or ''} {p.text}"
        terms, folded = _passage_terms(text)
        missing.append(
            [w for w in wanted if not _mentions(terms, folded, w, known_parts.get(w, ()))]
        )
    return min(missing, key=len)


@lru_cache(maxsize=256)
def _passage_terms(text: str) -> tuple[frozenset[str], str]:
    # Several checks of a question read the same passages: analyse each once.
    return frozenset(analyze(text)), fold(text)


def _mentions(terms: frozenset[str], folded: str, word: str, known: tuple[str, ...] = ()) -> bool:
    if word[0].isdigit():
        return _has_number(folded, word)
    # "SGB-II-Bedarfsgemeinschaften" is named by "Bedarfsgemeinschaften nach dem SGB II".
    parts = set(analyze(word)) - {stem(word)}
    if any(t in terms for t in _variants(word)) or (bool(parts) and parts <= terms):
        return True
    return bool(known) and set(known) <= terms


def counts(noun: str, passages: Sequence[RetrievedChunk]) -> bool:
    """True if a passage gives a count of `noun`: a figure shortly before it, or right
    after it as in a table row."""
    wanted = set(_variants(noun))
    for passage in passages:
        tokens = _COUNT_TOKEN.findall(passage.text)
        for i in range(len(tokens)):
            if not _is_count(tokens, i):
                continue
            before = tokens[max(0, i - 1) : i]
            after = tokens[i + 1 : i + 2 + _WORDS_BEFORE_NOUN]
            if any(stem(word) in wanted for word in [*before, *after]):
                return True
    return False


def _is_count(tokens: list[str], i: int) -> bool:
    token = tokens[i]
    if not token[0].isdigit() or _DATE_OR_YEAR.fullmatch(token):
        return False
    return i + 1 == len(tokens) or tokens[i + 1].lower() not in _MONTH_NAMES


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What the checks may consult besides the question and the passages."""

    document_frequency: DocumentFrequency
    places: Places | None = None


Check = Callable[[QuestionAnalysis, Sequence[RetrievedChunk], CheckContext], str | None]


def _unknown_terms(
    q: QuestionAnalysis, _: Sequence[RetrievedChunk], ctx: CheckContext
) -> str | None:
    unknown = unknown_terms(q, ctx.document_frequency)
    return f"Zu {_quoted(unknown)} enthalten die Unterlagen keine Angaben." if unknown else None


def _missing_numbers(
    q: QuestionAnalysis, passages: Sequence[RetrievedChunk], _: CheckContext
) -> str | None:
    numbers = missing_numbers(q, passages)
    if numbers:
        return f"Zu {_quoted(numbers)} finde ich in den gefundenen Stellen keine Angaben."
    return None


def _together(
    q: QuestionAnalysis, wanted: Sequence[str], passages: Sequence[RetrievedChunk]
) -> str | None:
    missing = apart(wanted, passages, q.known_parts)
    if not missing:
        return None
    together = [w for w in wanted if w not in missing]
    return f"Keine gefundene Stelle nennt {_quoted(missing)}" + (
        f" zusammen mit {_quoted(together)}." if together else "."
    )


def _scope_apart(
    q: QuestionAnalysis, passages: Sequence[RetrievedChunk], ctx: CheckContext
) -> str | None:
    """Years and named areas occur, but never in one passage."""
    return _together(q, [*q.numbers, *q.areas], passages) if ctx.places else None


def _no_count(
    q: QuestionAnalysis, passages: Sequence[RetrievedChunk], _: CheckContext
) -> str | None:
    if q.counted and not counts(q.counted, passages):
        return f"Keine gefundene Stelle nennt eine Anzahl für {_quoted([q.counted])}."
    return None


# The checks by name, in the order they run (the first reason found is given).
CHECKS: dict[str, Check] = {
    "unknown_terms": _unknown_terms,
    "missing_numbers": _missing_numbers,
    "scope_apart": _scope_apart,
    "count": _no_count,
}


def refusal_reason(
    question: QuestionAnalysis,
    passages: Sequence[RetrievedChunk],
    document_frequency: DocumentFrequency,
    places: Places | None = None,
    checks: Sequence[str] = tuple(CHECKS),
) -> str | None:
    """A German sentence saying what is missing, or None when an answer may exist."""
    context = CheckContext(document_frequency, places)
    for name in (c for c in CHECKS if c in checks):
        reason = CHECKS[name](question, passages, context)
        if reason:
            return reason
    return None


def _quoted(words: Sequence[str]) -> str:
    return ", ".join(f"„{w}“" for w in words)
