"""What every digest shares: quotes grouped (by guideline part, or by paragraph of a
report's section), fitted to the answer's length so that each group gets its line before
any gets a second quote, and written one cited line per group.

A digest answers „Fasse … zusammen“ without a model. The search finds the sentences that
share the question's words, which for a summary are a few generic ones, so the answer
used to be whatever sentence repeated them; a digest instead quotes what each part of the
text the question is about states most, in the text's order, and says it is a compilation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.answering.length import even_share
from assistant.answering.lists import lines_of
from assistant.language.german import content_terms
from assistant.language.question import has_figure
from assistant.llm.base import Generated
from assistant.models import RetrievedChunk

DocumentPassages = Callable[[RetrievedChunk], list[RetrievedChunk]]

SHORTEST = 5  # words: shorter lines are headings or list stubs, not statements
LONGEST = 300  # characters: longer sentences are lists run together, cut after a clause
_SHORTEST_SHARE = 120  # characters a group's first line keeps however many groups there are
_DASHES = "-–•▪◦* "
_LINE_FRAME = 24  # characters of a line's label and citation


@dataclass(frozen=True, slots=True)
class Quote:
    group: str  # the part or paragraph the sentence is quoted for
    label: str  # how its line is introduced („Höhe der Förderung“), or "" for none
    sentence: str
    source: RetrievedChunk
    position: int  # reading order in the document
    weight: float


def statements(passage: RetrievedChunk) -> list[str]:
    """The sentences of a passage that state something on their own: not its heading,
    not a stub of a few words, not a lead-in („…, wenn mindestens drei der folgenden
    Indikatoren …:“) whose list a digest line has no room for. A dash item is quoted as
    a sentence of its line: the line is the list."""
    heading = passage.ref.heading or ""
    found = []
    for line in lines_of(passage.text):
        sentence = line.text.strip().lstrip(_DASHES).strip()
        if len(sentence.split()) < SHORTEST or sentence in heading or sentence.endswith(":"):
            continue
        found.append(sentence)
    return found


def stated_weight(sentence: str, terms: frozenset[str]) -> float:
    """What every digest weighs a statement by: a figure, up to three of the question's
    words; a list run into one sentence counts less."""
    return (
        float(has_figure(sentence))
        - float(len(sentence) > LONGEST)
        + min(len(content_terms(sentence) & terms), 3) / 3
    )


def shortened(sentence: str, longest: int = LONGEST) -> str:
    """A sentence of at most `longest` characters: a list run into one sentence, or a
    line that must share the answer's room, is cut after a clause, marked with „…“."""
    if len(sentence) <= longest:
        return sentence
    cut = sentence.rfind(", ", 0, longest - 2)
    if cut <= 0:
        cut = sentence.rfind(" ", 0, longest - 2)
    return f"{sentence[: cut if cut > 0 else longest - 2].rstrip()} …"


def within(
    quotes: list[Quote], groups: Sequence[str], per_group: int, max_chars: int
) -> list[Quote]:
    """Each group's best quote, shortened to an even share of `max_chars` so that every
    group gets its line (in the order of `groups` while room lasts), then the best of the
    groups' further quotes while they fit; in reading order."""
    ranked: dict[str, list[Quote]] = {group: [] for group in groups}
    for quote in sorted(quotes, key=lambda q: (-q.weight, q.position)):
        ranked.setdefault(quote.group, []).append(quote)
    ranked = {group: found for group, found in ranked.items() if found}
    firsts = [f"{found[0].sentence} [1]" for found in ranked.values()]
    share = even_share(firsts, max_chars - _LINE_FRAME * len(firsts), _SHORTEST_SHARE)
    firsts_fitted = [
        replace(found[0], sentence=shortened(found[0].sentence, share)) for found in ranked.values()
    ]
    # After every group's first, the best of the rest, whichever group they are from.
    seconds = sorted(
        (q for found in ranked.values() for q in found[1:per_group]),
        key=lambda q: (-q.weight, q.position),
    )
    chosen: list[Quote] = []
    used = 0
    for quote in [*firsts_fitted, *seconds]:
        size = len(quote.sentence) + _LINE_FRAME
        if used + size <= max_chars:
            chosen.append(quote)
            used += size
    return sorted(chosen, key=lambda q: q.position)


def written(intro: str, quotes: list[Quote]) -> Generated:
    """`intro`, then one line per group, its quotes in reading order, each cited."""
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
        labels[quote.group] = f"{quote.label}: " if quote.label else ""
        lines.setdefault(quote.group, []).append(f"{quote.sentence} [{number(quote.source)}]")
    text = [intro, *(f"- {labels[group]}{' '.join(said)}" for group, said in lines.items())]
    return Generated("\n".join(text), cited, found=True)
