"""Evidence for a section: quotable units (sentences, list items, table rows) of retrieved
passages that concern the Quartier, scored against a question's search words."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace

from assistant.drafting.gaps import announces_gap
from assistant.language.german import content_terms, fold
from assistant.models import RetrievedChunk
from ingest.chunking import leaf_heading
from ingest.sentences import split_sentences
from ingest.structure import CELL_SEPARATOR, RowChunk

TermWeights = Callable[[list[str]], dict[str, float]]

# Passages of these document types are not evidence about the Quartier: funding calls say
# what a funder wants, indicator tables are read through the indicator store instead.
EXCLUDED_DOC_TYPES = frozenset({"funding_call", "indicators"})
MIN_WORDS = 6
HEADING_WEIGHT = 0.5
# A unit must end like a sentence or list item; others were cut at a page or chunk border.
_COMPLETE_END = re.compile(r"[.!?:;,“”\"»)]$")
_ABBREVIATION_END = re.compile(r"\b[A-ZÄÖÜ][a-zäöü]{0,2}\.$")
_BULLET = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+")


@dataclass(slots=True)
class Unit:
    """A quotable piece of a passage and the passage (or table row) it is cited by."""

    text: str
    chunk: RetrievedChunk  # for table rows: the row with its header, cited by row number
    rank: int  # rank of the passage in its search
    is_row: bool = False

    @property
    def key(self) -> str:
        return " ".join(fold(self.text).split())


@dataclass(slots=True)
class Scored:
    unit: Unit
    coverage: float
    score: float


def usable(chunk: RetrievedChunk) -> bool:
    return str(chunk.metadata.get("doc_type", "")) not in EXCLUDED_DOC_TYPES


def units_of(chunk: RetrievedChunk, rank: int = 0, *, open_points: bool = False) -> list[Unit]:
    """Sentences and list items of a prose passage, rows of a table passage; with
    `open_points`, only the sentences that say something is still missing („Kapitel zur
    Verstetigung ergänzen“) — no evidence, but where a gap of the draft is known."""
    if chunk.metadata.get("kind") == "table":
        return [] if open_points else _table_units(chunk, rank)
    lines = chunk.text.split("\n")
    last_heading = leaf_heading(chunk.ref.heading).strip()
    units = []
    for line in lines:
        stripped = line.strip()
        # A heading says no more than the section's name; a PDF table's row read as prose
        # would quote every area's figures at once.
        if not stripped or stripped == last_heading or stripped.count(CELL_SEPARATOR) > 1:
            continue
        body = _BULLET.sub("", stripped)
        for sentence in _sentences(body):
            if _quotable(sentence) and announces_gap(sentence, chunk.ref.heading) == open_points:
                units.append(Unit(sentence, chunk, rank))
    return units


def listed_after(unit: Unit, limit: int = 8) -> list[str]:
    """The list items that follow a lead-in unit („… vier Oberziele ab, denen …:“) in its
    passage: a lead-in is quoted with its list, never alone."""
    if unit.is_row or not unit.text.rstrip().endswith(":"):
        return []
    lines = unit.chunk.text.split("\n")
    start = next((i for i, line in enumerate(lines) if unit.text in line), None)
    if start is None:
        return []
    items: list[str] = []
    for line in lines[start + 1 :]:
        stripped = line.strip()
        if not stripped:
            continue
        if not _BULLET.match(stripped) or len(items) == limit:
            break
        items.append(_BULLET.sub("", stripped))
    return items


def _sentences(text: str) -> list[str]:
    """Sentences, joined again where the splitter cut after an abbreviation („St.“)."""
    out: list[str] = []
    for sentence in split_sentences(text):
        sentence = sentence.strip()
        if out and _ABBREVIATION_END.search(out[-1]):
            start = text.find(out[-1])
            end = text.find(sentence, start + len(out[-1])) if start >= 0 else -1
            if start >= 0 and end >= 0:
                out[-1] = text[start : end + len(sentence)]
                continue
        out.append(sentence)
    return out


def _quotable(sentence: str) -> bool:
    return (
        len(sentence.split()) >= MIN_WORDS
        and bool(_COMPLETE_END.search(sentence))
        and not _ABBREVIATION_END.search(sentence)
    )


def table_rows(chunk: RetrievedChunk) -> tuple[list[str], list[tuple[str, int | None]]]:
    """Header cells and (row line, row number) pairs of a table passage."""
    table = RowChunk.of(chunk.text)
    numbers = chunk.metadata.get("rows")
    if not isinstance(numbers, list) or len(numbers) != len(table.rows):
        numbers = [None] * len(table.rows)
    return table.columns, list(zip(table.rows, numbers, strict=True))


def _table_units(chunk: RetrievedChunk, rank: int) -> list[Unit]:
    header, rows = table_rows(chunk)
    header_line = CELL_SEPARATOR.join(header)
    units = []
    for line, number in rows:
        ref = replace(chunk.ref, row=number) if number is not None else chunk.ref
        row_chunk = replace(chunk, text=f"{header_line}\n{line}".strip(), ref=ref)
        units.append(Unit(line.strip(), row_chunk, rank, is_row=True))
    return units


def mentions(text: str, name: str) -> bool:
    """Whether `text` names the area `name` (case, umlauts and hyphens ignored)."""
    wanted = plain_text(name)
    if not wanted:
        return False
    # At a word start, so "Bildung" is found in "Bildungschancen" but not in "Ausbildung".
    return re.search(r"(?<![a-z0-9])" + re.escape(wanted), plain_text(text)) is not None


def about_area(unit: Unit, quartier: str, other_areas: Collection[str]) -> bool:
    """A unit concerns the Quartier when it, its heading or its document names it, and it
    does not speak of another area instead."""
    if mentions(unit.text, quartier):
        return True
    if any(mentions(unit.text, other) for other in other_areas):
        return False
    ref = unit.chunk.ref
    return mentions(ref.heading, quartier) or mentions(ref.title, quartier)


def score_units(
    units: Sequence[Unit],
    search: str,
    weights_of: TermWeights,
    ignore: Collection[str] = (),
) -> list[Scored]:
    """Units by the IDF-weighted share of the search terms they contain (best first)."""
    terms = sorted(content_terms(search) - set(ignore))
    if not terms:
        return []
    weights = weights_of(terms)
    total = math.fsum(weights.get(t, 0.0) for t in terms) or 1.0
    scored = []
    wanted = set(terms)
    for unit in units:
        heading = leaf_heading(unit.chunk.ref.heading)
        in_text = content_terms(unit.text) & wanted
        # Words of the unit's own heading count half: they say what the passage is about.
        in_heading = (content_terms(heading) & wanted) - in_text
        if not in_text:
            continue
        found = math.fsum(weights.get(t, 0.0) for t in in_text)
        found += HEADING_WEIGHT * math.fsum(weights.get(t, 0.0) for t in in_heading)
        coverage = found / total
        scored.append(Scored(unit, coverage, coverage + 0.02 / (1 + unit.rank)))
    scored.sort(key=lambda s: -s.score)
    return scored


def plain_text(text: str) -> str:
    """Folded text without hyphens, quotes and brackets, for finding names and phrases."""
    return " ".join(re.sub(r"[-–_/„“\"»«()]", " ", fold(text)).split())
