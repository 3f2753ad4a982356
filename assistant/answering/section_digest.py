"""A section of a report summarised paragraph by paragraph, without a model.

„Fasse zusammen, was der Bericht über die Wohnkosten aussagt“ shares a word or two with
many sentences of a report; the sentences that carry its findings (the rise „von 21 auf 29
Prozent“, the share of the lowest incomes) often share none. A report puts a topic in a
section of its own, so the digest takes the section the search found most often among
its first hits and quotes from each of its paragraphs the sentences that state most (a
figure, the question's words), in the report's order (`assistant/answering/digest.py`).
"""

from __future__ import annotations

from collections import Counter
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
from assistant.language.question import QuestionAnalysis
from assistant.llm.base import Generated
from assistant.models import RetrievedChunk
from ingest.chunking import leaf_heading

# The first hits of the search that vote for the section a summary is about.
_VOTERS = 5
# Paragraphs (chunks) of a long section quoted around the hit; sentences per paragraph.
_MOST_PARAGRAPHS = 6
_PER_PARAGRAPH = 2


def section_digest(
    question: QuestionAnalysis,
    retrieved: Sequence[RetrievedChunk],
    document_passages: DocumentPassages,
    max_chars: int,
) -> Generated | None:
    """The digest of the report section the search found most often, within `max_chars`;
    None when the question is no summary or the search found no prose section."""
    if not question.summary:
        return None
    found = _found_section(retrieved)
    if found is None:
        return None
    paragraphs = _section(document_passages(found), found)
    quotes = _quotes(question, paragraphs)
    groups = [p.chunk_id for p in paragraphs]
    chosen = within(quotes, groups, _PER_PARAGRAPH, max_chars)
    heading = leaf_heading(found.ref.heading)
    where = f"Abschnitt „{heading}“" if heading else f"S. {found.ref.page}"
    intro = f"Zusammenstellung aus „{found.ref.title}“, {where} (Zitate, ohne Sprachmodell):"
    return written(intro, chosen) if chosen else None


def _section_key(passage: RetrievedChunk) -> tuple[str, str, int | None]:
    """A section: a heading of a document, or a page where the document has none."""
    heading = passage.ref.heading
    return (passage.ref.doc_id, heading, None if heading else passage.ref.page)


def _found_section(retrieved: Sequence[RetrievedChunk]) -> RetrievedChunk | None:
    """The best-ranked prose hit of the section most of the first hits stand in; table
    rows have no paragraphs to summarise."""
    prose = [p for p in retrieved[:_VOTERS] if p.ref.row is None and p.ref.sheet is None]
    if not prose:
        return None
    votes = Counter(_section_key(p) for p in prose)
    most = max(votes.values())
    return next(p for p in prose if votes[_section_key(p)] == most)


def _section(passages: list[RetrievedChunk], found: RetrievedChunk) -> list[RetrievedChunk]:
    """The run of passages of `found`'s section around it, at most `_MOST_PARAGRAPHS`,
    the nearest ones first when the section is longer."""
    position = next((i for i, p in enumerate(passages) if p.key == found.key), None)
    if position is None:
        return [found]
    key = _section_key(found)
    start = end = position
    while start > 0 and _section_key(passages[start - 1]) == key:
        start -= 1
    while end + 1 < len(passages) and _section_key(passages[end + 1]) == key:
        end += 1
    nearest = sorted(range(start, end + 1), key=lambda i: (abs(i - position), i))
    return [passages[i] for i in sorted(nearest[:_MOST_PARAGRAPHS])]


def _quotes(question: QuestionAnalysis, paragraphs: list[RetrievedChunk]) -> list[Quote]:
    """The statements of each paragraph, weighed by what they state: a figure, the
    question's words; a list run into one sentence counts less."""
    terms = question.weights_of()
    quotes: list[Quote] = []
    for paragraph in paragraphs:
        for sentence in statements(paragraph):
            weight = stated_weight(sentence, terms)
            quote = Quote(
                paragraph.chunk_id, "", shortened(sentence), paragraph, len(quotes), weight
            )
            quotes.append(quote)
    return quotes
