"""A funding guideline summarised part by part, without a model.

„Fasse die wichtigsten Förderbedingungen der ESF-Plus-Richtlinie zusammen“ asks for what a
planner checks first: what the guideline is for, what it funds, who may apply, the
conditions, the rate and its caps, the procedure. The search finds the sentences that
share the question's words, which for a summary are a few generic ones („Förderung“,
„Richtlinie“), so the answer used to be whatever sentence repeated them. German
guidelines put each of those parts in a section of its own (`prompts/richtlinien.yaml`),
so the digest quotes from each part's section the sentences that state most (a figure,
the words a question about the part uses, a rule rather than an exception), one line per
part in the guideline's order. A question that names parts („Fördersätze und
Obergrenzen“) gets only those, with more sentences. The digest fits the answer's length
by taking each part's best sentence before any part's second, and says it is a
compilation of quotes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.answering.length import even_share
from assistant.answering.lists import lines_of
from assistant.language.cues import words_of
from assistant.language.german import content_terms
from assistant.language.guideline import (
    FUNDING_CALL,
    GuidelinePart,
    guideline_parts,
    parts_of_heading,
    states_exception,
    states_rule,
)
from assistant.language.question import QuestionAnalysis, has_figure
from assistant.llm.base import Generated
from assistant.models import RetrievedChunk
from ingest.chunking import leaf_heading

DocumentPassages = Callable[[RetrievedChunk], list[RetrievedChunk]]

# The passages of the search that may name the guideline asked about.
_GUIDELINE_AMONG = 3
# Sentences quoted per part: a summary of the whole guideline, and of the parts it names.
_PER_PART = 2
_PER_ASKED_PART = 4
_SHORTEST = 5  # words: shorter lines are headings or list stubs, not statements
_LONGEST = 300  # characters: longer sentences are lists run together, cut after a clause
_OPENING = 0.5
_SHORTEST_SHARE = 120  # characters a part's first line keeps however many parts there are
_DASHES = "-–•▪◦* "
_LINE_FRAME = 24  # characters of a line's label and citation


@dataclass(frozen=True, slots=True)
class _Quote:
    part: GuidelinePart
    sentence: str
    source: RetrievedChunk
    position: int  # reading order in the guideline
    weight: float


def guideline_digest(
    question: QuestionAnalysis,
    retrieved: Sequence[RetrievedChunk],
    document_passages: DocumentPassages,
    max_chars: int,
) -> Generated | None:
    """The digest of the funding guideline the search found first, within `max_chars`;
    None when the question is no summary or the search found no guideline with parts."""
    if not question.summary:
        return None
    guideline = next(
        (p for p in retrieved[:_GUIDELINE_AMONG] if p.metadata.get("doc_type") == FUNDING_CALL),
        None,
    )
    if guideline is None:
        return None
    quotes = _quotes(question, _programme(document_passages(guideline), guideline))
    per_part = _PER_ASKED_PART if question.guideline_parts else _PER_PART
    chosen = _within(quotes, per_part, max_chars)
    return _written(guideline.ref.title, chosen) if chosen else None


def _programme(passages: list[RetrievedChunk], found: RetrievedChunk) -> list[RetrievedChunk]:
    """The passages of the programme `found` belongs to: a guideline for two programmes
    („A. Chancengleichheit …“, „B. Servicestelle …“) runs through its parts twice, and a
    new run begins where the parts start over."""
    order = {p.name: i for i, p in enumerate(guideline_parts())}
    runs: list[list[RetrievedChunk]] = [[]]
    last = -1
    for passage in passages:
        part = _part_of(passage)
        first = None if part is None else order[part.name]
        if first is not None and first < last and runs[-1]:
            runs.append([])
            last = -1
        if first is not None:
            last = max(last, first)
        runs[-1].append(passage)
    return next((run for run in runs if any(p.key == found.key for p in run)), runs[0])


def _part_of(passage: RetrievedChunk) -> GuidelinePart | None:
    """The part a passage's section is, the first in the guideline's order when its
    heading names several („VIII. Verwendungsnachweisverfahren“: Verfahren, Berichte)."""
    named = parts_of_heading(leaf_heading(passage.ref.heading))
    return next((p for p in guideline_parts() if p.name in named), None)


def _quotes(question: QuestionAnalysis, passages: list[RetrievedChunk]) -> list[_Quote]:
    """The statements of each part's sections (of the parts asked, if any), weighed by
    what they state: a figure, the words a question about the part uses, a rule rather
    than an exception, the question's words; a section's first statement counts extra."""
    asked = question.guideline_parts
    terms = question.weights_of()
    quotes: list[_Quote] = []
    last_part = ""
    for passage in passages:
        heading = passage.ref.heading or ""
        part = _part_of(passage)
        if part is None or (asked and part.name not in asked):
            continue
        opening = part.name != last_part
        last_part = part.name
        for line in lines_of(passage.text):
            # A dash item is quoted as a sentence of the line: the line is the list.
            sentence = line.text.strip().lstrip(_DASHES).strip()
            # A lead-in („…, wenn mindestens drei der folgenden Indikatoren …:“) announces
            # a list the line has no room for: it states nothing on its own.
            if len(sentence.split()) < _SHORTEST or sentence in heading or sentence.endswith(":"):
                continue
            words = words_of(sentence)
            weight = (
                float(has_figure(sentence))
                + float(part.question.in_words(words))
                + float(states_rule(sentence))
                - float(states_exception(sentence))
                - float(len(sentence) > _LONGEST)  # a list run into one sentence
                + min(len(content_terms(sentence) & terms), 3) / 3
                # A section opens with what it rules („Zuwendungsempfänger sind …“).
                + _OPENING * opening
            )
            opening = False
            quotes.append(_Quote(part, _shortened(sentence), passage, len(quotes), weight))
    return quotes


def _shortened(sentence: str, longest: int = _LONGEST) -> str:
    """A sentence of at most `longest` characters: a list run into one sentence, or a
    line that must share the answer's room, is cut after a clause, marked with „…“."""
    if len(sentence) <= longest:
        return sentence
    cut = sentence.rfind(", ", 0, longest - 2)
    if cut <= 0:
        cut = sentence.rfind(" ", 0, longest - 2)
    return f"{sentence[: cut if cut > 0 else longest - 2].rstrip()} …"


def _within(quotes: list[_Quote], per_part: int, max_chars: int) -> list[_Quote]:
    """Each part's best quote, shortened to an even share of `max_chars` so that every
    part gets its line, then each part's second … while they fit; in reading order."""
    ranked: dict[str, list[_Quote]] = {p.name: [] for p in guideline_parts()}
    for quote in sorted(quotes, key=lambda q: (-q.weight, q.position)):
        ranked[quote.part.name].append(quote)
    ranked = {name: found for name, found in ranked.items() if found}
    firsts = [f"{found[0].sentence} [1]" for found in ranked.values()]
    share = even_share(firsts, max_chars - _LINE_FRAME * len(firsts), _SHORTEST_SHARE)
    chosen: list[_Quote] = []
    used = 0
    for round_ in range(per_part):
        for best in ranked.values():
            if round_ >= len(best):
                continue
            quote = best[round_]
            if round_ == 0:
                quote = replace(quote, sentence=_shortened(quote.sentence, share))
            size = len(quote.sentence) + _LINE_FRAME
            if used + size <= max_chars:
                chosen.append(quote)
                used += size
    return sorted(chosen, key=lambda q: q.position)


def _written(title: str, quotes: list[_Quote]) -> Generated:
    """One line per part, its quotes in reading order, each cited."""
    cited: list[RetrievedChunk] = []
    numbers: dict[tuple[str, int | None], int] = {}

    def number(source: RetrievedChunk) -> int:
        if source.key not in numbers:
            numbers[source.key] = len(cited) + 1
            cited.append(source)
        return numbers[source.key]

    lines: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for quote in quotes:
        labels[quote.part.name] = quote.part.label
        lines.setdefault(quote.part.name, []).append(f"{quote.sentence} [{number(quote.source)}]")
    text = [f"Zusammenstellung aus „{title}“, Teil für Teil (Zitate, ohne Sprachmodell):"]
    text += [f"- {labels[name]}: {' '.join(said)}" for name, said in lines.items()]
    return Generated("\n".join(text), cited, found=True)
