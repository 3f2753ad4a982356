"""Document titles when the file names none: a title-like heading, else the file name."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.blocks import Block, BlockKind
from ingest.structure import numbered_heading_level

_FIRST_BLOCKS = 15  # a title stands at the very beginning


def fallback_title(blocks: list[Block], source: str) -> str:
    """The top-level heading that opens the document (on page 1 for PDFs), else the name.

    Only headings before the first numbered one count: "1 Einleitung" and what follows name
    sections, not the document.
    """
    candidates: list[Block] = []
    for block in blocks[:_FIRST_BLOCKS]:
        if block.page not in (None, 1):
            break
        if block.kind is not BlockKind.HEADING:
            continue
        if numbered_heading_level(block.text) is not None:
            break
        candidates.append(block)
    if candidates:
        return min(candidates, key=lambda block: block.level).text
    return title_from_name(source)


def title_from_name(source: str) -> str:
    """A readable title from a file name: "Sozialbericht_2024.pdf" -> "Sozialbericht 2024"."""
    stem = Path(source).stem
    return re.sub(r"\s+", " ", stem.replace("_", " ")).strip() or stem
