"""The structure of a draft section's text, read the same way by the export and the
funding-criteria check: `### ` sub-headings, `**…**` lead lines, `- ` list items, blank
lines between paragraphs, and `[Tabelle: Kennzahlen]` / `[Tabelle: Wirkungskette]` lines
for the tables kept in the section's details.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.drafting.renumber import TABLE_LINE

_BOLD_LINE = re.compile(r"^\*\*(?P<text>.+)\*\*$")


@dataclass(slots=True)
class Block:
    kind: str  # heading | lead | paragraph | bullet | table
    text: str


def blocks(text: str) -> Iterator[Block]:
    """The blocks of a section text, in order (see the module docstring)."""
    paragraph: list[str] = []

    def flush() -> Iterator[Block]:
        if paragraph:
            yield Block("paragraph", " ".join(p.strip() for p in paragraph))
            paragraph.clear()

    for raw in text.split("\n"):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            yield from flush()
            continue
        table = TABLE_LINE.match(stripped)
        if table:
            yield from flush()
            yield Block("table", table.group("name"))
        elif stripped.startswith("#"):
            yield from flush()
            yield Block("heading", stripped.lstrip("#").strip())
        elif _BOLD_LINE.match(stripped):
            yield from flush()
            yield Block("lead", _BOLD_LINE.match(stripped).group("text"))  # type: ignore[union-attr]
        elif re.match(r"^[-*•]\s+", stripped):
            yield from flush()
            yield Block("bullet", re.sub(r"^[-*•]\s+", "", stripped))
        else:
            paragraph.append(stripped)
    yield from flush()
