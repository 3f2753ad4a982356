"""Export a draft as DOCX (python-docx) or Markdown.

Both formats share one reading of the section text (`section_text.blocks`), with `[n]`
source markers (renumbered across the document) and „[Ergänzen: …]“ gaps (highlighted in
DOCX). The sources close the document as a numbered list „Quellen und Berechnungen“;
indicator sources show the cells read and the computations made.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.drafting.document import DocumentSection, DraftDocument
from assistant.drafting.section_text import blocks
from assistant.drafting.sources import DraftSource
from assistant.llm.citations import MARKER, marker_numbers

if TYPE_CHECKING:
    from assistant.drafting.check import CheckResult

FONT = "Arial"  # LibreOffice substitutes the metric-compatible Liberation Sans
ACCENT = "1F3864"  # dark blue of headings and table heads
HEAD_FILL = "D9E2F3"
GAP_FILL = "FFF2CC"
STATUS_LABELS = {
    "erfüllt": "erfüllt",
    "teilweise": "teilweise",
    "fehlt": "fehlt",
    "Hinweis": "Hinweis",
}
_INLINE = re.compile(r"(\[Ergänzen:[^\]]*\])|" + MARKER.pattern, re.IGNORECASE)


# ---------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------


def to_markdown(document: DraftDocument, check: CheckResult | None = None) -> str:
    sources, sections = document.numbered()
    out = [f"# {document.title}", ""]
    out += [f"- {label}: {value}" for label, value in _meta(document)]
    out += ["", f"> {_NOTE}", ""]
    for section in sections:
        out += [f"## {section.heading}", ""]
        for block in blocks(section.text):
            if block.kind == "heading":
                out += [f"### {block.text}", ""]
            elif block.kind == "lead":
                out += ["", f"**{block.text}**", ""]
            elif block.kind == "bullet":
                out.append(f"- {block.text}")
            elif block.kind == "table":
                header, rows = _table(section, block.text, document)
                if rows:
                    out += ["", f"*{_caption(section, block.text, document)}*", ""]
                    out += [*_markdown_table(header, rows), ""]
                    if header[0] == "Indikator":
                        out += [f"*{TABLE_NOTE}*", ""]
            else:
                out += ["", block.text, ""]
        out.append("")
    if check is not None:
        out += ["## Anhang: Prüfung gegen den Förderaufruf", ""]
        out += _markdown_table(*_check_table(check))
        out.append("")
    out += ["## Quellen und Berechnungen", ""]
    for n, source in enumerate(sources, start=1):
        out.append(f"[{n}] {source.label}")
        if source.kind == "indicator":
            out.append(f"    {source.text}")
    return "\n".join(_collapse_blank(out)).rstrip() + "\n"


def export_markdown(document: DraftDocument, path: Path, check: CheckResult | None = None) -> Path:
    path.write_text(to_markdown(document, check), encoding="utf-8")
    return path


def _markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "/").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def _collapse_blank(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return out


# ---------------------------------------------------------------------------------------
# Tables shared by both formats
# ---------------------------------------------------------------------------------------


def _table(
    section: DocumentSection, name: str, document: DraftDocument
) -> tuple[list[str], list[list[str]]]:
    if name.casefold().startswith("kennzahl"):
        header = [
            "Indikator",
            document.quartier,
            "Stadt gesamt",
            "Faktor",
            "Veränderung",
            "Stand",
            "Quelle",
        ]
        rows = [
            [
                r["name"],
                r["value"],
                r.get("city") or "–",
                r["ratio"] if r.get("ratio") else "–",
                _change(r),
                str(r.get("stand", "")),
                f"[{r['n']}]" if r.get("n") else "",
            ]
            for r in section.details.get("facts", [])
        ]
        return header, rows
    header = ["Maßnahme", "Problem (Beleg)", "Ziel", "Indikator (Monitoring)", "Lücken"]
    rows = []
    for r in section.details.get("chain", []):
        rows.append(
            [
                _cited(r.get("measure", ""), r.get("measure_n")),
                _cited(r.get("problem", ""), r.get("problem_n")) or "–",
                _cited(r.get("goal", ""), r.get("goal_n")) or "–",
                _cited(r.get("indicator", ""), r.get("indicator_n")) or "–",
                "; ".join(r.get("gaps", [])) or "keine",
            ]
        )
    return header, rows


def _change(row: dict[str, Any]) -> str:
    """„+3,0 Pp. seit 2019“: the change with its unit abbreviated for the table."""
    change = str(row.get("change") or "")
    if not change:
        return "–"
    change = change.replace(" Prozentpunkte", " Pp.")
    return f"{change} seit {row['start_year']}" if row.get("start_year") else change


def _caption(section: DocumentSection, name: str, document: DraftDocument) -> str:
    if name.casefold().startswith("kennzahl"):
        caption = section.details.get("facts_caption") or "Kennzahlen im Vergleich zur Gesamtstadt"
        return f"{caption} – {document.quartier}"
    return "Wirkungskette Problem – Ziel – Maßnahme – Indikator"


TABLE_NOTE = (
    "Faktor: Wert des Quartiers geteilt durch den Wert der Gesamtstadt. Pp.: Prozentpunkte. "
    "Werte, Zellen und Rechenwege: siehe Quellen und Berechnungen."
)


def _check_table(check: CheckResult) -> tuple[list[str], list[list[str]]]:
    header = ["Anforderung", "Kategorie", "Status", "Beleg im Entwurf"]
    rows = [
        [
            item.criterion.text,
            item.criterion.category_label,
            item.status,
            _where(item),
        ]
        for item in check.items
    ]
    return header, rows


def _where(item: Any) -> str:
    """The chapter of the draft passage that decided a check (short, for the table)."""
    unit = item.draft_unit
    if unit is None:
        return "–"
    chapter = unit.heading.split(" > ")[0] or "Entwurf"
    return f"{chapter} (als offen genannt)" if unit.gap else chapter


def _cited(text: str, n: Any) -> str:
    if not text:
        return ""
    return f"{text} [{n}]" if n else text


# ---------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------

_NOTE = (
    "Entwurf, erstellt mit Planwerk aus den Unterlagen und Indikatortabellen der Kommune. "
    "Jede Zahl ist mit einer Quelle oder einer nachvollziehbaren Berechnung belegt "
    "(Verzeichnis am Ende). Stellen mit „[Ergänzen: …]“ sind noch zu bearbeiten."
)


def export_docx(document: DraftDocument, path: Path, check: CheckResult | None = None) -> Path:
    """Write the draft as a Word document that opens in Word and LibreOffice."""
    import docx
    from docx.enum.section import WD_SECTION
    from docx.shared import Cm, Pt, RGBColor

    sources, sections = document.numbered()
    doc = docx.Document()
    _styles(doc)
    page = doc.sections[0]
    page.page_height, page.page_width = Cm(29.7), Cm(21.0)
    page.left_margin = page.right_margin = Cm(2.5)
    page.top_margin, page.bottom_margin = Cm(2.5), Cm(2.2)
    page.header_distance = page.footer_distance = Cm(1.2)
    props = doc.core_properties
    props.title = document.title
    props.author = document.municipality or "Planwerk"
    props.subject = f"Entwurf – {document.outline.title}"
    props.comments = _NOTE

    # Title page
    if document.municipality:
        muni = doc.add_paragraph(f"Stadt {document.municipality}", style="Subtitle")
        muni.paragraph_format.space_after = Pt(36)
    doc.add_paragraph(document.title, style="Title")
    sub = doc.add_paragraph(style="Subtitle")
    sub.add_run(f"Entwurf · Stand {document.created:%d.%m.%Y}")
    meta = doc.add_table(rows=0, cols=2)
    meta.style = doc.styles["Table Grid"]
    for label, value in _meta(document):
        cells = meta.add_row().cells
        _cell_text(cells[0], label, bold=True, size=9.5)
        _cell_text(cells[1], value, size=9.5)
    _widths(meta, [Cm(4.0), Cm(12.0)])
    _cell_margins(meta)
    note = doc.add_paragraph(style="Note")
    note.add_run(_NOTE)
    doc.add_paragraph("Inhalt", style="TOC Heading")
    for section in sections:
        doc.add_paragraph(section.heading, style="Contents")
    if check is not None:
        doc.add_paragraph("Anhang: Prüfung gegen den Förderaufruf", style="Contents")
    doc.add_paragraph("Quellen und Berechnungen", style="Contents")

    body = doc.add_section(WD_SECTION.NEW_PAGE)
    body.different_first_page_header_footer = False
    _header_footer(body, document)
    doc.sections[0].different_first_page_header_footer = True

    table_number = 0
    for section in sections:
        doc.add_heading(section.heading, level=1)
        for block in blocks(section.text):
            if block.kind == "heading":
                doc.add_heading(block.text, level=2)
            elif block.kind == "lead":
                lead = doc.add_paragraph(style="Lead")
                _inline(lead, block.text)
            elif block.kind == "bullet":
                _inline(doc.add_paragraph(style="List Bullet"), block.text)
            elif block.kind == "table":
                header, rows = _table(section, block.text, document)
                if not rows:
                    continue
                table_number += 1
                kind = "Kennzahlen" if header[0] == "Indikator" else "Wirkungskette"
                caption = f"Tabelle {table_number}: {_caption(section, block.text, document)}"
                doc.add_paragraph(caption, style="Caption")
                _docx_table(doc, header, rows, kind)
                if kind == "Kennzahlen":
                    doc.add_paragraph(TABLE_NOTE, style="Table Note")
            else:
                _inline(doc.add_paragraph(), block.text)

    if check is not None:
        doc.add_heading("Anhang: Prüfung gegen den Förderaufruf", level=1)
        doc.add_paragraph(f"Geprüft gegen: {check.call_title}. {check.summary()}", style="Note")
        header, rows = _check_table(check)
        _docx_table(doc, header, rows, "Prüfung")

    doc.add_heading("Quellen und Berechnungen", level=1)
    for n, source in enumerate(sources, start=1):
        entry = doc.add_paragraph(style="Source")
        number = entry.add_run(f"[{n}]\t")
        number.bold = True
        entry.add_run(source.label)
        if source.kind == "indicator":
            detail = entry.add_run(f"\n{source.text}")
            detail.font.size = Pt(8)
            detail.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
        elif source.kind == "snippet":
            entry.add_run(" (aus einer Chat-Antwort übernommen)").italic = True
    doc.save(str(path))
    return path


def _meta(document: DraftDocument) -> list[tuple[str, str]]:
    rows = [("Quartier", document.quartier), ("Gliederung", document.outline.title)]
    if document.outline.call:
        rows.append(("Förderaufruf", document.outline.call))
    rows.append(("Stand", f"{document.created:%d.%m.%Y}"))
    open_items = len(document.open_items())
    rows.append(("Offene Punkte", f"{open_items} Stellen, im Text gelb markiert („Ergänzen“)"))
    return rows


def _styles(doc: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    styles = doc.styles
    normal = styles["Normal"]
    _font(normal, FONT, 10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for name, size, before, after in (
        ("Heading 1", 15, 18, 8),
        ("Heading 2", 12, 12, 4),
        ("Title", 24, 0, 12),
        ("Subtitle", 13, 0, 18),
        ("TOC Heading", 12, 24, 6),
    ):
        style = styles[name]
        _font(style, FONT, size, bold=name != "Subtitle", color=ACCENT)
        style.font.italic = False
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.keep_with_next = True
    styles["Title"].paragraph_format.space_before = Pt(48)
    _no_border(styles["Title"])
    _font(styles["Caption"], FONT, 9, bold=True, color=ACCENT)
    styles["Caption"].font.italic = False
    styles["Caption"].paragraph_format.space_before = Pt(6)
    styles["Caption"].paragraph_format.keep_with_next = True
    _font(styles["List Bullet"], FONT, 10.5)
    styles["List Bullet"].paragraph_format.space_after = Pt(3)

    def add(name: str, base: str = "Normal") -> Any:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        return style

    lead = add("Lead")
    _font(lead, FONT, 10.5, bold=True)
    lead.paragraph_format.space_before = Pt(8)
    lead.paragraph_format.space_after = Pt(2)
    lead.paragraph_format.keep_with_next = True
    note = add("Note")
    _font(note, FONT, 9.5, color="404040")
    note.paragraph_format.space_before = Pt(18)
    contents = add("Contents")
    contents.paragraph_format.space_after = Pt(2)
    contents.paragraph_format.left_indent = Cm(0.4)
    table_note = add("Table Note")
    _font(table_note, FONT, 8, color="595959")
    table_note.paragraph_format.space_before = Pt(2)
    table_note.paragraph_format.space_after = Pt(10)
    source = add("Source")
    _font(source, FONT, 9)
    source.paragraph_format.left_indent = Cm(1.0)
    source.paragraph_format.first_line_indent = Cm(-1.0)
    source.paragraph_format.space_after = Pt(3)
    source.paragraph_format.tab_stops.add_tab_stop(Cm(1.0))


def _font(
    style: Any, name: str, size: float, *, bold: bool = False, color: str | None = None
) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = style.font
    font.name = name
    font.size = Pt(size)
    font.bold = bold
    if color:
        font.color.rgb = RGBColor.from_string(color)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        # Theme fonts (Calibri Light in the default headings) would win over the name.
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), name)


def _no_border(style: Any) -> None:
    from docx.oxml.ns import qn

    ppr = style.element.find(qn("w:pPr"))
    if ppr is not None:
        border = ppr.find(qn("w:pBdr"))
        if border is not None:
            ppr.remove(border)


def _inline(paragraph: Any, text: str) -> None:
    """Text with superscript source numbers and highlighted gaps."""
    from docx.enum.text import WD_COLOR_INDEX

    position = 0
    numbers: list[int] = []

    def flush() -> None:
        if numbers:
            run = paragraph.add_run(",".join(str(n) for n in dict.fromkeys(numbers)))
            run.font.superscript = True
            numbers.clear()

    for match in _INLINE.finditer(text):
        before = text[position : match.start()]
        is_marker = match.group(1) is None
        if before.strip() or (before and not is_marker):
            flush()
            # "… Prozent [2]." becomes "… Prozent²." – no space before the number.
            paragraph.add_run(before.rstrip() if is_marker else before)
        if is_marker:
            numbers.extend(marker_numbers(match.group(2)))
        else:
            flush()
            run = paragraph.add_run(match.group(1))
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            run.italic = True
        position = match.end()
    flush()
    if text[position:]:
        paragraph.add_run(text[position:])


def _docx_table(doc: Any, header: Sequence[str], rows: Sequence[Sequence[str]], kind: str) -> None:
    from docx.shared import Cm

    table = doc.add_table(rows=1, cols=len(header))
    table.style = doc.styles["Table Grid"]
    size = 8.5 if kind != "Kennzahlen" else 9
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell_text(cell, text, bold=True, size=size, color=ACCENT)
        _shade(cell, HEAD_FILL)
    _repeat_header(table.rows[0])
    for row in rows:
        added = table.add_row()
        _keep_row_together(added)
        cells = added.cells
        for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
            _cell_text(
                cell, text, size=size, right=kind == "Kennzahlen" and 0 < index < 6, plain=True
            )
            if kind == "Wirkungskette" and index == 4 and text != "keine":
                _shade(cell, GAP_FILL)
            if kind == "Prüfung" and index == 2:
                _shade(
                    cell,
                    {"erfüllt": "E2EFDA", "teilweise": GAP_FILL, "Hinweis": "DDEBF7"}.get(
                        text, "F8CBAD"
                    ),
                )
    widths = {
        "Kennzahlen": [4.3, 2.3, 2.1, 1.4, 3.1, 1.4, 1.4],
        "Wirkungskette": [3.6, 3.2, 3.8, 3.0, 2.4],
        "Prüfung": [8.4, 3.0, 1.8, 2.8],
    }[kind]
    _widths(table, [Cm(w) for w in widths])
    _cell_margins(table)
    if kind != "Kennzahlen":
        doc.add_paragraph().paragraph_format.space_after = 0


def _cell_text(
    cell: Any,
    text: str,
    *,
    bold: bool = False,
    size: float = 9,
    color: str | None = None,
    right: bool = False,
    plain: bool = False,
) -> None:
    """Cell text; `plain` keeps source markers as „[5]“ instead of superscript."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if plain:
        paragraph.add_run(text)
    else:
        _inline(paragraph, text)
    for run in paragraph.runs:
        run.font.size = Pt(size if not run.font.superscript else size - 1)
        if bold:
            run.bold = True
        if color:
            run.font.color.rgb = RGBColor.from_string(color)


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def _keep_row_together(row: Any) -> None:
    """A table row is not split across two pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    cant_split = OxmlElement("w:cantSplit")
    cant_split.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(cant_split)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    props.append(header)


def _cell_margins(table: Any, vertical: int = 45, horizontal: int = 85) -> None:
    """Inner cell margins in twentieths of a point (the default has none top and bottom)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side, size in (
        ("top", vertical),
        ("left", horizontal),
        ("bottom", vertical),
        ("right", horizontal),
    ):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(size))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    props.append(margins)


def _widths(table: Any, widths: Sequence[Any]) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width
    for column, width in zip(table.columns, widths, strict=False):
        column.width = width


def _header_footer(section: Any, document: DraftDocument) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = head.add_run(f"{document.title} · Entwurf")
    run.font.size = Pt(8.5)
    run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for part in ("Seite ", "PAGE", " von ", "NUMPAGES"):
        if part in ("PAGE", "NUMPAGES"):
            _field(foot, part)
        else:
            r = foot.add_run(part)
            r.font.size = Pt(8.5)


def _field(paragraph: Any, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "17")
    props.append(size)
    run.append(props)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def export(document: DraftDocument, path: Path, check: CheckResult | None = None) -> Path:
    """DOCX or Markdown by the file suffix (.docx, .md); ValueError (German) otherwise."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return export_docx(document, path, check)
    if suffix in (".md", ".markdown"):
        return export_markdown(document, path, check)
    raise ValueError(
        f"Das Format „{suffix or path.name}“ kann Planwerk nicht schreiben. "
        "Bitte eine Datei mit der Endung .docx oder .md angeben."
    )


def sources_of(document: DraftDocument) -> list[DraftSource]:
    return document.numbered()[0]
