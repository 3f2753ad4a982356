"""DOCX rendering with python-docx: real heading styles, tables, header and page numbers."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from .markup import SourceDoc, TableData, footnote_refs, inline_runs, is_numeric_column
from .ooxml import normalise_zip


def _add_page_field(paragraph: Any) -> None:
    """Append a PAGE field to a paragraph (python-docx has no API for fields)."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instr)
    run._r.append(end)


def _add_runs(paragraph: Any, text: str) -> None:
    for style, chunk in inline_runs(text):
        lines = chunk.split("\n")
        for line in lines[:-1]:
            paragraph.add_run(line.rstrip()).add_break()
        chunk = lines[-1].lstrip() if len(lines) > 1 else chunk
        run = paragraph.add_run(chunk)
        run.bold = style == "b" or None
        run.italic = style == "i" or None
        if style == "sup":
            run.font.superscript = True


def render_docx(doc: SourceDoc, path: Path, created: datetime) -> None:
    """Render a parsed document to DOCX with real heading styles."""
    meta = doc.meta
    out = Document()
    normal = out.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    section = out.sections[0]
    header = section.header.paragraphs[0]
    header.text = meta["header"]
    footer = section.footer.paragraphs[0]
    footer.text = f"{meta.get('footer', '')}\tSeite "
    _add_page_field(footer)
    out.add_paragraph(meta["title"], style="Title")
    if meta.get("subtitle"):
        out.add_paragraph(meta["subtitle"], style="Subtitle")
    for line in meta.get("cover_lines", []):
        para = out.add_paragraph()
        _add_runs(para, line)
    used_notes: list[str] = []
    for block in doc.blocks:
        if block.kind == "heading":
            out.add_heading(block.text, level=min(block.level, 3))
        elif block.kind in ("para", "quote"):
            para = out.add_paragraph(style="Intense Quote" if block.kind == "quote" else None)
            _add_runs(para, block.text)
            used_notes += footnote_refs(block.text)
        elif block.kind == "list":
            style = "List Number" if block.ordered else "List Bullet"
            for item in block.items:
                _add_runs(out.add_paragraph(style=style), item)
        elif block.kind == "table" and block.table is not None:
            _docx_table(out, block.table)
        elif block.kind == "pagebreak":
            out.add_page_break()
    if used_notes:
        out.add_heading("Anmerkungen", level=2)
        for ref in used_notes:
            para = out.add_paragraph()
            _add_runs(para, f"[^{ref}] {doc.footnotes[ref]}")
    props = out.core_properties
    props.title = meta["title"]
    props.author = meta.get("author", "")
    props.subject = meta.get("subject", "")
    props.last_modified_by = meta.get("author", "")
    props.created = created
    props.modified = created
    props.last_printed = created
    props.revision = int(meta.get("revision", 1))
    props.language = "de-DE"
    props.comments = ""
    buffer = io.BytesIO()
    out.save(buffer)
    path.write_bytes(normalise_zip(buffer.getvalue(), created))


def _docx_table(out: Any, td: TableData) -> None:
    if td.caption:
        cap = out.add_paragraph(style="Caption")
        cap.add_run(td.caption)
    ncols = len(td.header)
    table = out.add_table(rows=1 + len(td.rows), cols=ncols)
    table.style = "Table Grid"
    numeric = [is_numeric_column(td, c) for c in range(ncols)]
    for r, row in enumerate([td.header, *td.rows]):
        is_total = td.total_row and r == len(td.rows)
        for c, value in enumerate(row):
            para = table.rows[r].cells[c].paragraphs[0]
            run = para.add_run(value.replace("**", ""))
            run.bold = r == 0 or is_total or None
            run.font.size = Pt(9)
            if numeric[c] and r > 0:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if td.note:
        note = out.add_paragraph()
        run = note.add_run(td.note)
        run.font.size = Pt(8)
        run.italic = True
