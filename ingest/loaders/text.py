"""Plain text files: paragraphs at blank lines, numbered or capitalised headings, lists."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.blocks import Block, BlockKind, LoadedDocument
from ingest.cleaning import (
    Vocabulary,
    build_vocabulary,
    collapse_spaces,
    join_lines,
    normalize_characters,
)
from ingest.encoding import decode_bytes
from ingest.structure import (
    HeadingTracker,
    is_caps_heading,
    list_item_text,
    numbered_heading_level,
)
from ingest.titles import fallback_title

_SETEXT = re.compile(r"^(=+|-+)\s*$")


def load(path: Path, source: str) -> LoadedDocument:
    """Load a .txt file in UTF-8, UTF-8 with BOM or cp1252."""
    text = normalize_characters(decode_bytes(path.read_bytes()))
    blocks = text_blocks(text)
    title = fallback_title(blocks, source)
    return LoadedDocument(source=source, format="txt", blocks=blocks, title=title)


def text_blocks(text: str) -> list[Block]:
    """Blocks of plain text whose paragraphs are separated by blank lines."""
    vocabulary = build_vocabulary([text])
    tracker = HeadingTracker()
    blocks: list[Block] = []
    for paragraph in re.split(r"\n[ \t]*\n", text):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        if lines:
            blocks.extend(_paragraph_blocks(lines, tracker, vocabulary))
    return blocks


def _paragraph_blocks(
    lines: list[str], tracker: HeadingTracker, vocabulary: Vocabulary
) -> list[Block]:
    heading = _heading(lines)
    if heading is not None:
        level, title = heading
        return [tracker.heading_block(level, title)]
    blocks: list[Block] = []
    current: list[str] = []
    kind = BlockKind.PARAGRAPH
    for line in lines:
        item = list_item_text(line)
        if item is not None:
            _flush(blocks, tracker, kind, current, vocabulary)
            current, kind = [item], BlockKind.LIST_ITEM
        else:
            current.append(line)
    _flush(blocks, tracker, kind, current, vocabulary)
    return blocks


def _heading(lines: list[str]) -> tuple[int, str] | None:
    """(level, text) if the paragraph is a heading: numbered, underlined or in capitals."""
    first = collapse_spaces(lines[0])
    if len(lines) == 2 and _SETEXT.match(lines[1].strip()):
        return (1 if lines[1].strip().startswith("=") else 2), first
    if len(lines) != 1:
        return None
    level = numbered_heading_level(first)
    if level is not None:
        return level, first
    return (1, first) if is_caps_heading(first) else None


def _flush(
    blocks: list[Block],
    tracker: HeadingTracker,
    kind: BlockKind,
    lines: list[str],
    vocabulary: Vocabulary,
) -> None:
    text = collapse_spaces(join_lines(lines, vocabulary))
    if text:
        blocks.append(tracker.content_block(kind, text))
    lines.clear()
