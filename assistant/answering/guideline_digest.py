"""A funding guideline summarised part by part, without a model.

„Fasse die wichtigsten Förderbedingungen der ESF-Plus-Richtlinie zusammen“ asks for what a
planner checks first: what the guideline is for, what it funds, who may apply, the
conditions, the rate and its caps, the procedure. The search finds the sentences that
share the question's words, which for a summary are a few generic ones („Förderung“,
„Richtlinie“), so the answer used to be whatever sentence repeated them. German
guidelines put each of those parts in a section of its own (`prompts/richtlinien.yaml`),
so the digest quotes from each part's section the sentences that state most (a figure,
the words a question about the part uses, a rule rather than an exception), one line per
part in the guideline's order (`assistant/answering/digest.py`). A question that names
parts („Fördersätze und Obergrenzen“) gets only those, with more sentences.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answering.digest import (
    DocumentPassages,
    Quote,
    shortened,
    stated_weight,
    statements,
    within,
    written,
)
from assistant.language.cues import words_of
from assistant.language.guideline import (
    FUNDING_CALL,
    GuidelinePart,
    guideline_parts,
    parts_of_heading,
    states_exception,
    states_rule,
)
from assistant.language.question import QuestionAnalysis
from assistant.llm.base import Generated
from assistant.models import RetrievedChunk
from ingest.chunking import leaf_heading

# The passages of the search that may name the guideline asked about.
_GUIDELINE_AMONG = 3
# Sentences quoted per part: a summary of the whole guideline, and of the parts it names.
_PER_PART = 2
_PER_ASKED_PART = 4
_OPENING = 0.5


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
    quotes = _quotes(question, _programme(document_passages(guideline), guideline, retrieved))
    per_part = _PER_ASKED_PART if question.guideline_parts else _PER_PART
    chosen = within(quotes, [p.name for p in guideline_parts()], per_part, max_chars)
    intro = (
        f"Zusammenstellung aus „{guideline.ref.title}“, Teil für Teil (Zitate, ohne Sprachmodell):"
    )
    return written(intro, chosen) if chosen else None


def _programme(
    passages: list[RetrievedChunk], found: RetrievedChunk, retrieved: Sequence[RetrievedChunk]
) -> list[RetrievedChunk]:
    """The passages of the programme the search found most of (`found`'s on a tie): a
    guideline for two programmes („A. Soziale Orte“, „B. Orte der Demokratie“) runs through
    its parts once for what they share and once per programme, and a new run begins where
    the parts start over. The run the best passage stands in may be the shared one, which
    lists the programmes but rules neither."""
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
    searched = {p.key for p in retrieved}

    def found_in(run: list[RetrievedChunk]) -> tuple[int, bool]:
        return sum(p.key in searched for p in run), any(p.key == found.key for p in run)

    return max(runs, key=found_in)


def _part_of(passage: RetrievedChunk) -> GuidelinePart | None:
    """The part a passage's section is, the first in the guideline's order when its
    heading names several („VIII. Verwendungsnachweisverfahren“: Verfahren, Berichte)."""
    named = parts_of_heading(leaf_heading(passage.ref.heading))
    return next((p for p in guideline_parts() if p.name in named), None)


def _quotes(question: QuestionAnalysis, passages: list[RetrievedChunk]) -> list[Quote]:
    """The statements of each part's sections (of the parts asked, if any), weighed by
    what they state: a figure, the words a question about the part uses, a rule rather
    than an exception, the question's words; a section's first statement counts extra."""
    asked = question.guideline_parts
    terms = question.weights_of()
    quotes: list[Quote] = []
    last_part = ""
    for passage in passages:
        part = _part_of(passage)
        if part is None or (asked and part.name not in asked):
            continue
        opening = part.name != last_part
        last_part = part.name
        for sentence in statements(passage):
            weight = (
                stated_weight(sentence, terms)
                + float(part.question.in_words(words_of(sentence)))
                + float(states_rule(sentence))
                - float(states_exception(sentence))
                # A section opens with what it rules („Zuwendungsempfänger sind …“).
                + _OPENING * opening
            )
            opening = False
            quote = Quote(part.name, part.label, shortened(sentence), passage, len(quotes), weight)
            quotes.append(quote)
    return quotes
