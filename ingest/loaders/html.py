"""HTML pages: h1–h6, paragraphs, list items and tables; scripts, styles and navigation dropped."""

from __future__ import annotations

import codecs
import copy
import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from ingest.blocks import Block, BlockKind, LoadedDocument
from ingest.cleaning import collapse_spaces, normalize_characters
from ingest.encoding import detect_encoding
from ingest.structure import HeadingTracker
from ingest.table_rows import RawRow, table_blocks
from ingest.titles import fallback_title

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_DROPPED = ["script", "style", "nav", "noscript", "template", "svg", "iframe", "form"]
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_TEXT_TAGS = {"p": BlockKind.PARAGRAPH, "li": BlockKind.LIST_ITEM, "dt": BlockKind.PARAGRAPH}
_TEXT_TAGS |= {"dd": BlockKind.PARAGRAPH, "pre": BlockKind.PARAGRAPH}
_TEXT_TAGS |= {"blockquote": BlockKind.PARAGRAPH, "figcaption": BlockKind.PARAGRAPH}
_HANDLED = [*_HEADINGS, *_TEXT_TAGS, "table"]
_CONTAINERS = ["div", "section", "article", "main", "header", "footer", "aside", "td", "body"]
_BLOCK_TAGS = [*_HANDLED, *_CONTAINERS, "ul", "ol", "dl"]


def load(path: Path, source: str) -> LoadedDocument:
    """Load an HTML file; the charset comes from the file's meta tag or is detected."""
    data = path.read_bytes()
    soup = BeautifulSoup(data, "html.parser", from_encoding=_encoding(data))
    for tag in soup(_DROPPED):
        tag.decompose()
    blocks = html_blocks(soup)
    return LoadedDocument(
        source=source, format="html", blocks=blocks, title=_title(soup, blocks, source)
    )


def _encoding(data: bytes) -> str:
    """The declared charset, else UTF-8 or cp1252 as for text files (bs4 guesses worse)."""
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "replace")
        try:
            return codecs.lookup(name).name
        except LookupError:
            pass
    return detect_encoding(data)


def html_blocks(soup: BeautifulSoup) -> list[Block]:
    """Blocks in document order; an element inside an already handled one is not repeated.

    Text in a container without any block element inside (a bare `<div>Text</div>`)
    becomes a paragraph, so pages built from divs lose nothing.
    """
    tracker = HeadingTracker()
    blocks: list[Block] = []
    root = soup.body or soup
    for element in root.find_all([*_HANDLED, *_CONTAINERS]):
        if any(parent.name in _HANDLED for parent in element.parents):
            continue
        if element.name in _CONTAINERS:
            if element.find(_BLOCK_TAGS) is None:
                text = _text(element, one_line=True)
                if text:
                    blocks.append(tracker.content_block(BlockKind.PARAGRAPH, text))
            continue
        blocks.extend(_element_blocks(element, tracker))
    return blocks


def _element_blocks(element: Tag, tracker: HeadingTracker) -> list[Block]:
    if element.name in _HEADINGS:
        text = _text(element, one_line=True)
        return [tracker.heading_block(_HEADINGS[element.name], text)] if text else []
    if element.name == "table":
        return table_blocks(_table_rows(element), heading_path=tracker.path)
    if element.name == "li":
        # Nested items become items of their own, after their parent's text.
        items = [element, *element.find_all("li")]
        texts = (_own_text(item) for item in items)
        return [tracker.content_block(BlockKind.LIST_ITEM, t) for t in texts if t]
    text = _text(element, one_line=element.name != "pre")
    return [tracker.content_block(_TEXT_TAGS[element.name], text)] if text else []


def _own_text(item: Tag) -> str:
    """A list item's text without the text of lists nested in it."""
    own = copy.copy(item)
    for nested in own.find_all(["ul", "ol"]):
        nested.decompose()
    return _text(own, one_line=True)


def _table_rows(table: Tag) -> list[RawRow]:
    rows = []
    for number, tr in enumerate(table.find_all("tr"), start=1):
        cells: list[str] = []
        merged = False
        for cell in tr.find_all(["th", "td"]):
            span = _colspan(cell)
            merged = merged or span > 1
            cells.extend([_text(cell, one_line=True)] * span)
        rows.append(RawRow(number, cells, merged_across=merged))
    return rows


def _colspan(cell: Tag) -> int:
    value = str(cell.get("colspan") or "1").strip()
    return min(int(value), 50) if value.isdigit() and int(value) > 0 else 1


def _text(element: Tag, one_line: bool = False) -> str:
    text = normalize_characters(element.get_text(" " if one_line else "\n"))
    return " ".join(text.split()) if one_line else collapse_spaces(text)


def _title(soup: BeautifulSoup, blocks: list[Block], source: str) -> str:
    if soup.title and soup.title.get_text(strip=True):
        return " ".join(soup.title.get_text().split())
    return fallback_title(blocks, source)
