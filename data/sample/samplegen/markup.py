"""A tiny Markdown dialect for the document sources, parsed into renderer-neutral blocks."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from .figures import NBSP


@dataclass
class TableData:
    """A table as strings; renderers decide the layout."""

    header: list[str]
    rows: list[list[str]]
    caption: str = ""
    note: str = ""
    widths: list[float] | None = None  # relative column widths
    total_row: bool = False  # last row is an aggregate and printed bold
    font_size: float = 8.0


@dataclass
class Block:
    """One block of a document: heading, para, quote, list, table, pagebreak, toc, twocol, end."""

    kind: str
    text: str = ""
    level: int = 0
    items: list[str] = field(default_factory=list)
    ordered: bool = False
    table: TableData | None = None


Directive = Callable[[list[str]], list[Block]]


@dataclass
class SourceDoc:
    """A parsed source document (``Document`` is taken by python-docx)."""

    meta: dict[str, Any]
    blocks: list[Block]
    footnotes: dict[str, str]


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split ``---`` YAML front matter from the body."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.index("\n---\n", 4)
    return yaml.safe_load(text[4:end]) or {}, text[end + 5 :]


def _parse_pipe_table(lines: list[str], caption: str) -> TableData:
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]
    rows = [r for r in rows if not all(re.fullmatch(r":?-{3,}:?", c) for c in r)]
    widths = None
    if rows and rows[0] and rows[0][0].startswith("{") and rows[0][0].endswith("}"):
        # optional first row "{3|1|1}" with relative column widths
        widths = [float(w) for w in rows[0][0][1:-1].split(",")]
        rows = rows[1:]
    total = bool(rows) and rows[-1][0].startswith("**")
    if total:
        rows[-1] = [c.replace("**", "") for c in rows[-1]]
    return TableData(header=rows[0], rows=rows[1:], caption=caption, widths=widths, total_row=total)


def parse_markdown(text: str, directives: dict[str, Directive]) -> SourceDoc:
    """Parse the Markdown dialect used in ``sources/*.md``.

    Supported: ``#``-headings, paragraphs, ``-`` and ``1.`` lists (continuation lines indented),
    ``>`` quote boxes, pipe tables (``::caption`` before them), footnotes ``[^1]`` with
    ``[^1]: text`` definitions, and directives on their own line: ``::pagebreak``, ``::toc``,
    ``::twocol`` ... ``::end`` and ``::NAME args`` looked up in ``directives``.
    """
    meta, body = split_front_matter(text)
    blocks: list[Block] = []
    footnotes: dict[str, str] = {}
    para: list[str] = []
    quote: list[str] = []
    table_lines: list[str] = []
    caption = ""
    lines = body.splitlines()

    def flush() -> None:
        nonlocal caption
        if para:
            blocks.append(Block("para", " ".join(para)))
            para.clear()
        if quote:
            blocks.append(Block("quote", " ".join(quote)))
            quote.clear()
        if table_lines:
            blocks.append(Block("table", table=_parse_pipe_table(table_lines, caption)))
            table_lines.clear()
            caption = ""

    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        stripped = line.strip()
        i += 1
        if not stripped or stripped.startswith("<!--"):
            flush()
            continue
        if stripped.startswith("#"):
            flush()
            hashes = len(stripped) - len(stripped.lstrip("#"))
            blocks.append(Block("heading", stripped[hashes:].strip(), level=hashes))
            continue
        if stripped.startswith("::"):
            flush()
            name, *args = stripped[2:].split()
            if name == "caption":
                caption = stripped[len("::caption") :].strip()
            elif name in ("pagebreak", "toc", "twocol", "end"):
                blocks.append(Block(name))
            else:
                blocks.extend(directives[name](args))
            continue
        footnote = re.match(r"\[\^(\w+)\]:\s*(.*)", stripped)
        if footnote:
            flush()
            footnotes[footnote.group(1)] = footnote.group(2)
            continue
        if stripped.startswith("|"):
            if para or quote:
                flush()
            table_lines.append(stripped)
            continue
        if stripped.startswith(">"):
            if para:
                flush()
            quote.append(stripped.lstrip("> ").strip())
            continue
        item = re.match(r"(- |\d+\. )(.*)", stripped)
        if item and not line.startswith(" "):
            flush()
            ordered = item.group(1) != "- "
            items = [item.group(2)]
            while i < len(lines):
                nxt = lines[i]
                nxt_item = re.match(r"(- |\d+\. )(.*)", nxt)
                if nxt_item and (nxt_item.group(1) != "- ") == ordered:
                    items.append(nxt_item.group(2))
                elif nxt.startswith("  ") and nxt.strip():
                    items[-1] += " " + nxt.strip()
                else:
                    break
                i += 1
            blocks.append(Block("list", items=items, ordered=ordered))
            continue
        # a trailing backslash forces a line break inside the paragraph
        para.append(stripped[:-1] + "\n" if stripped.endswith("\\") else stripped)
    flush()
    return SourceDoc(meta, blocks, footnotes)


INLINE = re.compile(r"\*\*(.+?)\*\*|\*(\S(?:.*?\S)?)\*|\[\^(\w+)\]")


def inline_runs(text: str) -> list[tuple[str, str]]:
    """Split inline markup into (style, text) runs; style is '', 'b', 'i' or 'sup'."""
    runs: list[tuple[str, str]] = []
    pos = 0
    for m in INLINE.finditer(text):
        if m.start() > pos:
            runs.append(("", text[pos : m.start()]))
        if m.group(1) is not None:
            runs.append(("b", m.group(1)))
        elif m.group(2) is not None:
            runs.append(("i", m.group(2)))
        else:
            runs.append(("sup", m.group(3)))
        pos = m.end()
    if pos < len(text):
        runs.append(("", text[pos:]))
    return runs


def footnote_refs(text: str) -> list[str]:
    """Footnote labels referenced in a text."""
    return re.findall(r"\[\^(\w+)\]", text)


def is_numeric_column(td: TableData, col: int) -> bool:
    """True if all non-empty cells of a column look like numbers (right-aligned)."""
    values = [row[col] for row in td.rows if row[col]]
    pattern = re.compile(r"[-+]?[\d.]+(,\d+)?( ?(%|Pp\.|m²|€))?|\.")
    return bool(values) and all(pattern.fullmatch(v.replace(NBSP, " ")) for v in values)
