"""Markdown files: ATX and underlined headings, paragraphs, lists, pipe tables, code blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.blocks import Block, BlockKind, LoadedDocument
from ingest.cleaning import collapse_spaces, normalize_characters
from ingest.encoding import decode_bytes
from ingest.structure import HeadingTracker
from ingest.table_rows import RawRow, table_blocks
from ingest.titles import fallback_title

_ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~|`)(?=\S)(.+?)(?<=\S)\1")
_HTML_TAG = re.compile(r"<[^>]+>")
# A footnote's mark in the text („… 90 Prozent).[^3]“) and before its note („[^3]: …“):
# a quote carries neither, the note reads as a paragraph of its own.
_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]:?")


def load(path: Path, source: str) -> LoadedDocument:
    """Load a Markdown file in UTF-8, UTF-8 with BOM or cp1252."""
    text = normalize_characters(decode_bytes(path.read_bytes()))
    front, body = split_front_matter(text)
    blocks = markdown_blocks(body)
    title = front.get("title") or fallback_title(blocks, source)
    return LoadedDocument(source=source, format="md", blocks=blocks, title=title)


def markdown_blocks(text: str) -> list[Block]:
    """Blocks of a Markdown text (without front matter) in reading order."""
    reader = _MarkdownReader(text.split("\n"))
    reader.read()
    return reader.blocks


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """The simple "key: value" lines of a leading YAML front matter, and the text after it."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end == -1:
        return {}, text
    fields = {}
    for line in text[4:end].split("\n"):
        key, colon, value = line.partition(":")
        if colon and key and not key.startswith((" ", "-")) and value.strip():
            fields[key.strip()] = value.strip().strip("\"'")
    return fields, text[end + 4 :].lstrip("-")


def inline_text(text: str) -> str:
    """Markdown inline markup removed: links and images keep their text, emphasis its words."""
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", _FOOTNOTE.sub("", text))
    for _ in range(2):  # nested emphasis such as ***Wort***
        text = _EMPHASIS.sub(r"\2", text)
    return collapse_spaces(_HTML_TAG.sub(" ", text).replace("\\", ""))


@dataclass
class _MarkdownReader:
    lines: list[str]
    blocks: list[Block] = field(default_factory=list)
    tracker: HeadingTracker = field(default_factory=HeadingTracker)
    position: int = 0
    paragraph: list[str] = field(default_factory=list)
    paragraph_kind: BlockKind = BlockKind.PARAGRAPH

    def read(self) -> None:
        while self.position < len(self.lines):
            self._step(self.lines[self.position])
        self._flush()

    def _step(self, line: str) -> None:
        nxt = self.lines[self.position + 1] if self.position + 1 < len(self.lines) else ""
        if _FENCE.match(line):
            self._flush()
            self._code_block()
            return
        self.position += 1
        if not line.strip():
            self._flush()
        elif atx := _ATX.match(line):
            self._heading(len(atx.group(1)), atx.group(2))
        elif self.paragraph and self.paragraph_kind is BlockKind.PARAGRAPH and _SETEXT.match(line):
            title = " ".join(self.paragraph)
            self.paragraph = []
            self._heading(1 if line.strip().startswith("=") else 2, title)
        elif _RULE.match(line):
            self._flush()
        elif "|" in line and _TABLE_SEPARATOR.match(nxt):
            self._flush()
            self._table(line)
        elif item := _LIST.match(line):
            self._flush()
            self.paragraph, self.paragraph_kind = [item.group(1)], BlockKind.LIST_ITEM
        else:
            self.paragraph.append(line.strip().lstrip(">").strip())

    def _heading(self, level: int, text: str) -> None:
        self._flush()
        title = inline_text(text)
        if title:
            self.blocks.append(self.tracker.heading_block(level, title))

    def _flush(self) -> None:
        text = inline_text(" ".join(self.paragraph))
        if text:
            self.blocks.append(self.tracker.content_block(self.paragraph_kind, text))
        self.paragraph = []
        self.paragraph_kind = BlockKind.PARAGRAPH

    def _code_block(self) -> None:
        fence = self.lines[self.position].strip()[:3]
        self.position += 1
        code: list[str] = []
        while self.position < len(self.lines) and not self.lines[self.position].strip().startswith(
            fence
        ):
            code.append(self.lines[self.position])
            self.position += 1
        self.position += 1  # the closing fence
        text = "\n".join(code).strip()
        if text:
            self.blocks.append(self.tracker.content_block(BlockKind.PARAGRAPH, text))

    def _table(self, header_line: str) -> None:
        rows = [RawRow(1, _pipe_cells(header_line))]
        self.position += 1  # the separator line
        while self.position < len(self.lines) and "|" in self.lines[self.position]:
            rows.append(RawRow(len(rows) + 1, _pipe_cells(self.lines[self.position])))
            self.position += 1
        self.blocks.extend(table_blocks(rows, heading_path=self.tracker.path))


def _pipe_cells(line: str) -> list[str]:
    body = line.strip().removeprefix("|").removesuffix("|")
    return [inline_text(cell) for cell in re.split(r"(?<!\\)\|", body)]
