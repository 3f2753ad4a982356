"""A whole draft as one document: sections in outline order and one source list.

Each section numbers its sources from 1; a document numbers them once across all sections
(the same passage or fact keeps one number), which is what the exports show.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assistant.drafting.outlines import Outline
from assistant.drafting.renumber import TABLE_LINE, first_use_order, renumber
from assistant.drafting.sources import DraftSource


@dataclass(slots=True)
class DocumentSection:
    id: str
    number: int
    title: str
    text: str  # with section-local `[n]` markers
    sources: list[DraftSource]
    details: dict[str, Any] = field(default_factory=dict)
    origin: str = "generated"

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}"


@dataclass(slots=True)
class DraftDocument:
    title: str
    quartier: str
    outline: Outline
    sections: list[DocumentSection]
    created: datetime
    municipality: str = ""

    def numbered(self) -> tuple[list[DraftSource], list[DocumentSection]]:
        """All cited sources numbered once, and the sections rewritten to those numbers
        (text markers and the source numbers of the tables)."""
        sources: list[DraftSource] = []
        numbers: dict[tuple[object, ...], int] = {}
        rewritten = []
        for section in self.sections:
            local: dict[int, int] = {}
            for n in _referenced(section):
                if n in local or not 1 <= n <= len(section.sources):
                    continue
                key = section.sources[n - 1].key()
                if key not in numbers:
                    sources.append(section.sources[n - 1])
                    numbers[key] = len(sources)
                local[n] = numbers[key]
            text = renumber(section.text, local)
            details = _renumber_details(section.details, local)
            rewritten.append(
                DocumentSection(
                    section.id,
                    section.number,
                    section.title,
                    text,
                    [],  # global numbers now: see the returned source list
                    details,
                    section.origin,
                )
            )
        return sources, rewritten

    def open_items(self) -> list[tuple[str, str]]:
        """(section heading, item) for every „[Ergänzen: …]“ in the draft."""
        items = []
        for section in self.sections:
            for match in re.finditer(r"\[Ergänzen:\s*([^\]]+)\]", section.text):
                items.append((section.heading, match.group(1).strip()))
        return items


def _referenced(section: DocumentSection) -> Iterator[int]:
    """Local source numbers in the order a reader meets them: text, with tables in place."""
    for line in section.text.split("\n"):
        table = TABLE_LINE.match(line)
        if table is None:
            yield from first_use_order(line)
            continue
        name = table.group("name").casefold()
        if name.startswith("kennzahl"):
            for row in section.details.get("facts", []):
                yield int(row["n"])
        elif name.startswith("wirkungskette"):
            for row in section.details.get("chain", []):
                for key in ("measure_n", "problem_n", "goal_n", "indicator_n"):
                    if row.get(key):
                        yield int(row[key])


def _renumber_details(details: dict[str, Any], local: dict[int, int]) -> dict[str, Any]:
    out = dict(details)
    out["facts"] = [{**row, "n": local.get(int(row["n"]))} for row in details.get("facts", [])]
    chain = []
    for row in details.get("chain", []):
        row = dict(row)
        for key in ("measure_n", "problem_n", "goal_n", "indicator_n"):
            if row.get(key):
                row[key] = local.get(int(row[key]))
        chain.append(row)
    out["chain"] = chain
    return out
