"""Retrieval and answer metrics. A retrieved passage is relevant if it is a gold location."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from assistant.answering.length import LEFT_OUT
from assistant.language.german import MONTHS
from assistant.models import Answer
from eval.dataset import Gold, Question


@dataclass(frozen=True, slots=True)
class Location:
    """Where a retrieved or cited passage sits; `row_end` for multi-row table chunks."""

    source: str
    page: int | None = None
    sheet: str | None = None
    row: int | None = None
    row_end: int | None = None
    text: str = ""  # the passage itself, for gold locations without page or row


def matches(location: Location, gold: Gold, facts: Sequence[str] = ()) -> bool:
    """Whether a passage sits at a gold location. A gold location without page, sheet or
    row (a Markdown, Word or HTML file) is a whole document: there the passage must also
    state one of the answer facts, or any passage of a long guideline would count."""
    if PurePath(location.source).name != PurePath(gold.source).name:
        return False
    if gold.page is None and gold.sheet is None and gold.row is None and facts:
        text = normalize_text(location.text).casefold()
        return any(normalize_text(f).casefold() in text for f in facts)
    if gold.page is not None and location.page != gold.page:
        return False
    if gold.sheet is not None and location.sheet != gold.sheet:
        return False
    if gold.row is not None:
        if location.row is None:
            return False
        last = location.row_end if location.row_end is not None else location.row
        return location.row <= gold.row <= last
    return True


def first_relevant_rank(
    ranked: Sequence[Location], gold: Sequence[Gold], facts: Sequence[str] = ()
) -> int | None:
    """1-based rank of the first passage that matches any gold location."""
    for rank, location in enumerate(ranked, start=1):
        if any(matches(location, g, facts) for g in gold):
            return rank
    return None


def recall_at(rank: int | None, k: int) -> float:
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(rank: int | None, k: int = 10) -> float:
    return 1.0 / rank if rank is not None and rank <= k else 0.0


def ndcg_at(
    ranked: Sequence[Location], gold: Sequence[Gold], k: int = 10, facts: Sequence[str] = ()
) -> float:
    """Binary-relevance nDCG; each gold location counts once (its first match)."""
    matched: set[int] = set()
    dcg = 0.0
    for rank, location in enumerate(ranked[:k], start=1):
        hit = next(
            (i for i, g in enumerate(gold) if i not in matched and matches(location, g, facts)),
            None,
        )
        if hit is not None:
            matched.add(hit)
            dcg += 1.0 / math.log2(rank + 1)
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(len(gold), k) + 1))
    return dcg / ideal if ideal else 0.0


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A thousands dot: between digits, followed by exactly three digits ("5.061", not dates).
_THOUSANDS_DOT = re.compile(r"(?<=\d)\.(?=\d{3}(?!\d))")


_DATE = re.compile(
    r"\b(?P<day>\d{1,2})\.\s*(?:(?P<month>\d{1,2})\.|(?P<name>" + "|".join(MONTHS) + r")\s+)"
    r"(?P<year>\d{4})\b"
)


def normalize_text(text: str) -> str:
    """Collapse whitespace, drop soft hyphens and thousands dots: "5.061" equals "5061"."""
    text = _THOUSANDS_DOT.sub("", text.replace("\u00ad", ""))
    return re.sub(r"\s+", " ", text).strip()


def _iso_date(match: re.Match[str]) -> str:
    month = int(match["month"]) if match["month"] else MONTHS.index(match["name"]) + 1
    return f"{match['year']}-{month:02d}-{int(match['day']):02d}"


def numbers_in(text: str) -> set[str]:
    """The figures of a text by value; a date counts once, however written ("31.08.2025"
    is "31. August 2025"), and a table's "13010.0" is the text's "13010"."""
    found = _NUMBER.findall(_DATE.sub(_iso_date, normalize_text(text)))
    return {_by_value(n) for n in found}


def _by_value(number: str) -> str:
    """A figure as its value: one decimal mark, no trailing zeros („0,500“ is „0,5“)."""
    digits = number.replace(",", ".")
    if digits.count(".") == 1:
        whole, fraction = digits.split(".")
        fraction = fraction.rstrip("0")
        return f"{whole},{fraction}" if fraction else whole
    return number


_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def _comparable(text: str) -> str:
    """Normalised, casefolded, one decimal mark: a table's „0.149“ is a German „0,149“."""
    return _DECIMAL_POINT.sub(",", normalize_text(text)).casefold()


def facts_present(answer: str, facts: Sequence[str]) -> bool:
    """Every answer fact appears in the answer (case-insensitive, spacing-tolerant)."""
    squashed = _comparable(answer)
    return all(_comparable(f) in squashed for f in facts)


def facts_answered(answer: Answer, facts: Sequence[str]) -> bool:
    """The answer was given, not refused, and states every gold fact."""
    return answer.found and facts_present(answer.text, facts)


def fact_share(answer: Answer, facts: Sequence[str]) -> float:
    """The share of the gold facts the answer states (0 for a refusal): a summary or a
    comparison that gives two of its three facts shows as progress, which
    `facts_answered` (all or nothing) hides."""
    if not answer.found or not facts:
        return 0.0
    return sum(facts_present(answer.text, [f]) for f in facts) / len(facts)


def numbers_exact(answer: str, facts: Sequence[str]) -> bool:
    """Every number of the answer facts appears verbatim as a number in the answer."""
    wanted = set().union(*(numbers_in(f) for f in facts)) if facts else set()
    return wanted <= numbers_in(answer)


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# -- answer level -------------------------------------------------------------------------


@dataclass(slots=True)
class AnswerResult:
    question: Question
    answer: Answer
    ms: float


def citation_correct(result: AnswerResult) -> bool:
    facts = result.question.answer_facts
    answer = result.answer
    if not answer.found or not facts_present(answer.text, facts):
        return False
    cited = [c.text for c in answer.citations]
    return all(any(facts_present(text, [fact]) for text in cited) for fact in facts)


# The default style's answer length (prompts/antwortstile.yaml, „kurz“).
ANSWER_CHARS = 1200
# Three or more „Header: value;“ pairs in a row: a table row pasted instead of a sentence
# (a header is no clause with a signed number, as in „unter -1: hoch; -1 bis +1: mittel“).
_HEADER = r"(?![^:;\n]*(?:^|\s)[+-]\d)[^:;\n\[\]]{2,100}"
_ROW_DUMP = re.compile(rf"(?:{_HEADER}: [^:;\n]{{1,100}}; ){{2,}}{_HEADER}: ")


def answer_metrics(results: Sequence[AnswerResult], configured_mode: str) -> dict[str, float]:
    answerable = [r for r in results if r.question.answerable]
    unanswerable = [r for r in results if not r.question.answerable]
    numeric = [r for r in answerable if any(numbers_in(f) for f in r.question.answer_facts)]
    found = [r for r in results if r.answer.found and r.answer.sentences]
    latencies = [r.ms for r in results]
    return {
        "facts_in_answer": _mean(
            facts_answered(r.answer, r.question.answer_facts) for r in answerable
        ),
        "fact_share": _mean(fact_share(r.answer, r.question.answer_facts) for r in answerable),
        "citation_correct": _mean(citation_correct(r) for r in answerable),
        "numbers_exact": _mean(
            r.answer.found and numbers_exact(r.answer.text, r.question.answer_facts)
            for r in numeric
        ),
        "refusals_correct": _mean(not r.answer.found for r in unanswerable),
        "false_refusals": _mean(not r.answer.found for r in answerable),
        "verified_share": _mean(r.answer.verified_share() for r in found),
        # Readable answers: short, or saying what they left out; no raw „Spalte: Wert; …“.
        "within_length": _mean(
            len(r.answer.text) <= ANSWER_CHARS or LEFT_OUT in r.answer.text for r in results
        ),
        "row_dumps": _mean(bool(_ROW_DUMP.search(r.answer.text)) for r in results),
        "fallback_share": _mean(r.answer.mode != configured_mode for r in results)
        if configured_mode != "extractive"
        else 0.0,
        "p50_ms": percentile(latencies, 0.5),
        "p95_ms": percentile(latencies, 0.95),
    }


def _mean(values: object) -> float:
    items = [float(v) for v in values]  # type: ignore[attr-defined]
    return sum(items) / len(items) if items else 0.0
