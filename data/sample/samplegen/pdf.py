"""PDF rendering with reportlab: running header/footer, TOC, tables, two columns, footnotes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab import rl_config

rl_config.invariant = 1  # no timestamps or random ids in the PDFs

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_JUSTIFY, TA_RIGHT  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import cm  # noqa: E402
from reportlab.pdfbase.pdfmetrics import stringWidth  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents  # noqa: E402

from .markup import (  # noqa: E402
    Block,
    SourceDoc,
    TableData,
    footnote_refs,
    inline_runs,
    is_numeric_column,
)

PAGE_W, PAGE_H = A4
MARGIN_X = 2.2 * cm
MARGIN_TOP = 2.4 * cm
MARGIN_BOTTOM = 2.2 * cm
FOOTNOTE_SPACE = 3.4 * cm
DARK = colors.HexColor("#1F3A5F")
LIGHT = colors.HexColor("#E8EEF5")
ZEBRA = colors.HexColor("#F5F7FA")


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body", fontName="Helvetica", fontSize=10, leading=14, alignment=TA_JUSTIFY, spaceAfter=6
    )
    return {
        "body": body,
        "H1": ParagraphStyle(
            "H1",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=16,
            leading=20,
            spaceBefore=4,
            spaceAfter=10,
            textColor=DARK,
            alignment=0,
        ),
        "H2": ParagraphStyle(
            "H2",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=12.5,
            leading=16,
            spaceBefore=10,
            spaceAfter=6,
            textColor=DARK,
            alignment=0,
        ),
        "H3": ParagraphStyle(
            "H3",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=10.5,
            leading=14,
            spaceBefore=8,
            spaceAfter=4,
            alignment=0,
        ),
        "body_col": ParagraphStyle("body_col", parent=body, fontSize=9, leading=12, spaceAfter=5),
        "bullet": ParagraphStyle(
            "bullet", parent=body, leftIndent=14, bulletIndent=3, spaceAfter=4
        ),
        "quote": ParagraphStyle(
            "quote",
            parent=body,
            backColor=LIGHT,
            borderColor=DARK,
            borderWidth=0.6,
            borderPadding=7,
            leftIndent=8,
            rightIndent=8,
            spaceBefore=8,
            spaceAfter=12,
        ),
        "caption": ParagraphStyle(
            "caption",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=9,
            leading=12,
            spaceBefore=6,
            spaceAfter=4,
            alignment=0,
        ),
        "note": ParagraphStyle(
            "note",
            parent=body,
            fontSize=7.5,
            leading=9.5,
            spaceBefore=3,
            spaceAfter=8,
            alignment=0,
            textColor=colors.HexColor("#444444"),
        ),
        "cell": ParagraphStyle(
            "cell", fontName="Helvetica", fontSize=8, leading=10, embeddedHyphenation=1
        ),
        "cover_title": ParagraphStyle(
            "cover_title",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=26,
            leading=32,
            textColor=DARK,
            alignment=0,
        ),
        "cover_sub": ParagraphStyle("cover_sub", parent=body, fontSize=14, leading=19, alignment=0),
        "cover_small": ParagraphStyle(
            "cover_small", parent=body, fontSize=9.5, leading=13, alignment=0
        ),
        "footnote": ParagraphStyle("footnote", fontName="Helvetica", fontSize=7.5, leading=9.5),
        "toc1": ParagraphStyle(
            "toc1", fontName="Helvetica-Bold", fontSize=10, leading=15, leftIndent=0
        ),
        "toc2": ParagraphStyle(
            "toc2", fontName="Helvetica", fontSize=9.5, leading=13, leftIndent=16
        ),
    }


def rl_markup(text: str) -> str:
    """Markdown inline markup to reportlab paragraph markup."""
    try:
        text.encode("cp1252")  # the standard PDF fonts only cover WinAnsi
    except UnicodeEncodeError as exc:
        raise ValueError(f"character not printable with Helvetica: {text!r}") from exc
    out = []
    for style, chunk in inline_runs(text):
        chunk = chunk.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if style == "b":
            out.append(f"<b>{chunk}</b>")
        elif style == "i":
            out.append(f"<i>{chunk}</i>")
        elif style == "sup":
            out.append(f"<super>{chunk}</super>")
        else:
            out.append(chunk)
    return re.sub(r"\n ?", "<br/>", "".join(out))


class _FootnoteAnchor(Flowable):
    """Zero-size flowable that registers footnotes for the page it lands on."""

    def __init__(self, doc: _PdfDoc, notes: list[str]) -> None:
        super().__init__()
        self.doc = doc
        self.notes = notes

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.doc.page_footnotes.extend(self.notes)


class _PdfDoc(BaseDocTemplate):
    """Doc template with running header/footer, TOC entries and a two-column template."""

    def __init__(self, path: Path, meta: dict[str, Any]) -> None:
        super().__init__(
            str(path),
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=meta["title"],
            author=meta.get("author", ""),
            subject=meta.get("subject", ""),
            creator="Planwerk data/sample/make_sample.py",
            producer="reportlab",
        )
        self.meta = meta
        self.page_footnotes: list[str] = []
        self.styles = _styles()
        width = PAGE_W - 2 * MARGIN_X
        height = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
        gap = 0.7 * cm
        col = (width - gap) / 2
        col_h = height - FOOTNOTE_SPACE
        col_y = MARGIN_BOTTOM + FOOTNOTE_SPACE
        self.addPageTemplates(
            [
                PageTemplate(
                    id="normal",
                    frames=[Frame(MARGIN_X, MARGIN_BOTTOM, width, height, id="body")],
                    onPage=self._decorate,
                    onPageEnd=self._draw_footnotes,
                ),
                PageTemplate(
                    id="twocol",
                    frames=[
                        Frame(MARGIN_X, col_y, col, col_h, id="left"),
                        Frame(MARGIN_X + col + gap, col_y, col, col_h, id="right"),
                    ],
                    onPage=self._decorate,
                    onPageEnd=self._draw_footnotes,
                ),
            ]
        )

    def _decorate(self, canvas: Any, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.HexColor("#444444"))
        top = PAGE_H - MARGIN_TOP + 0.9 * cm
        canvas.drawString(MARGIN_X, top, self.meta["header"])
        canvas.drawRightString(PAGE_W - MARGIN_X, top, self.meta.get("header_right", ""))
        canvas.setStrokeColor(DARK)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, top - 4, PAGE_W - MARGIN_X, top - 4)
        bottom = MARGIN_BOTTOM - 1.1 * cm
        canvas.line(MARGIN_X, bottom + 10, PAGE_W - MARGIN_X, bottom + 10)
        canvas.drawString(MARGIN_X, bottom, self.meta.get("footer", ""))
        canvas.drawRightString(PAGE_W - MARGIN_X, bottom, f"Seite {doc.page}")
        canvas.restoreState()

    def _draw_footnotes(self, canvas: Any, doc: BaseDocTemplate) -> None:
        if not self.page_footnotes:
            return
        canvas.saveState()
        width = PAGE_W - 2 * MARGIN_X
        y = MARGIN_BOTTOM + FOOTNOTE_SPACE - 0.5 * cm
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, y, MARGIN_X + 5 * cm, y)
        y -= 0.2 * cm
        for note in self.page_footnotes:
            para = Paragraph(note, self.styles["footnote"])
            _, h = para.wrap(width, FOOTNOTE_SPACE)
            para.drawOn(canvas, MARGIN_X, y - h)
            y -= h + 2
        canvas.restoreState()
        self.page_footnotes = []

    def afterFlowable(self, flowable: Flowable) -> None:
        key = getattr(flowable, "_toc_key", None)
        if key is None:
            return
        level = flowable._toc_level
        text = flowable.getPlainText()
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
        self.notify("TOCEntry", (level, text, self.page, key))


class PdfRenderer:
    """Renders a parsed document to PDF."""

    def __init__(self, doc: SourceDoc, path: Path) -> None:
        self.source = doc
        self.path = path
        self.pdf = _PdfDoc(path, doc.meta)
        self.styles = self.pdf.styles
        self.width = PAGE_W - 2 * MARGIN_X
        self.heading_count = 0
        self.table_count = 0
        # outline levels must start at 0 even if a document has no level-1 headings
        self.top_level = min((b.level for b in doc.blocks if b.kind == "heading"), default=1)

    def render(self) -> None:
        """Build the PDF (two passes for the table of contents)."""
        story: list[Flowable] = self._cover()
        in_twocol = False
        for block in self.source.blocks:
            if block.kind == "twocol":
                story += [NextPageTemplate("twocol"), PageBreak()]
                in_twocol = True
            elif block.kind == "end":
                story += [NextPageTemplate("normal"), PageBreak()]
                in_twocol = False
            else:
                story += self._block(block, in_twocol)
        self.pdf.multiBuild(story)

    def _cover(self) -> list[Flowable]:
        meta = self.source.meta
        st = self.styles
        story: list[Flowable] = [Spacer(1, 3.2 * cm)]
        if meta.get("issuer"):
            story += [Paragraph(rl_markup(meta["issuer"]), st["cover_sub"]), Spacer(1, 1.4 * cm)]
        story.append(Paragraph(rl_markup(meta["title"]), st["cover_title"]))
        story.append(Spacer(1, 0.6 * cm))
        if meta.get("subtitle"):
            story.append(Paragraph(rl_markup(meta["subtitle"]), st["cover_sub"]))
        story.append(Spacer(1, 1.2 * cm))
        for line in meta.get("cover_lines", []):
            story.append(Paragraph(rl_markup(line), st["cover_small"]))
        if meta.get("cover_break", True):
            story.append(Spacer(1, 2 * cm))
            story.append(Paragraph(rl_markup(meta.get("disclaimer", "")), st["note"]))
            story.append(PageBreak())
        else:
            story.append(Paragraph(rl_markup(meta.get("disclaimer", "")), st["note"]))
            story.append(Spacer(1, 0.4 * cm))
        return story

    def _para(self, text: str, style: str, in_twocol: bool) -> list[Flowable]:
        flow: list[Flowable] = [Paragraph(rl_markup(text), self.styles[style])]
        refs = footnote_refs(text)
        if refs:
            if not in_twocol:
                raise ValueError("footnotes are only supported inside ::twocol blocks")
            notes = [f"<super>{r}</super> {rl_markup(self.source.footnotes[r])}" for r in refs]
            flow.append(_FootnoteAnchor(self.pdf, notes))
        return flow

    def _block(self, block: Block, in_twocol: bool) -> list[Flowable]:
        st = self.styles
        if block.kind == "heading":
            level = min(block.level, 3)
            flow: list[Flowable] = []
            if level == 1 and not in_twocol:
                flow.append(CondPageBreak(6 * cm))
            elif level == 2:
                flow.append(CondPageBreak(3.5 * cm))
            para = Paragraph(rl_markup(block.text), st[f"H{level}"])
            if level <= self.top_level + 1:
                self.heading_count += 1
                para._toc_key = f"h{self.heading_count}"
                para._toc_level = level - self.top_level
            return [*flow, para]
        if block.kind == "para":
            return self._para(block.text, "body_col" if in_twocol else "body", in_twocol)
        if block.kind == "quote":
            return self._para(block.text, "quote", in_twocol)
        if block.kind == "list":
            flow = []
            for n, item in enumerate(block.items, start=1):
                bullet = f"{n}." if block.ordered else "–"
                para = Paragraph(rl_markup(item), st["bullet"], bulletText=bullet)
                flow.append(para)
                if footnote_refs(item):
                    raise ValueError("footnotes inside list items are not supported")
            return flow
        if block.kind == "table" and block.table is not None:
            return self._table(block.table, in_twocol)
        if block.kind == "pagebreak":
            return [PageBreak()]
        if block.kind == "toc":
            toc = TableOfContents()
            toc.levelStyles = [st["toc1"], st["toc2"]]
            toc.dotsMinLevel = 0
            return [Paragraph("Inhalt", st["H1"]), toc, PageBreak()]
        raise ValueError(f"unknown block {block.kind}")

    def _table(self, td: TableData, in_twocol: bool) -> list[Flowable]:
        width = (self.width - 0.7 * cm) / 2 if in_twocol else self.width
        ncols = len(td.header)
        rel = td.widths or [1.0] * ncols
        if len(rel) != ncols:
            raise ValueError(f"widths {rel} do not match header {td.header}")
        col_widths = [width * w / sum(rel) for w in rel]
        cell = ParagraphStyle(
            "c", parent=self.styles["cell"], fontSize=td.font_size, leading=td.font_size * 1.25
        )
        head = ParagraphStyle("h", parent=cell, fontName="Helvetica-Bold", textColor=colors.white)
        cell_r = ParagraphStyle("cr", parent=cell, alignment=TA_RIGHT)
        bold = ParagraphStyle("b", parent=cell, fontName="Helvetica-Bold")
        bold_r = ParagraphStyle("br", parent=cell_r, fontName="Helvetica-Bold")
        numeric = [is_numeric_column(td, c) for c in range(ncols)]
        data = [[Paragraph(rl_markup(h), head) for h in td.header]]
        for r, row in enumerate(td.rows):
            is_total = td.total_row and r == len(td.rows) - 1
            styled = []
            for c, value in enumerate(row):
                if numeric[c]:
                    style = bold_r if is_total else cell_r
                else:
                    style = bold if is_total else cell
                styled.append(Paragraph(rl_markup(value), style))
            data.append(styled)
        _check_fit(td, col_widths)
        table = Table(data, colWidths=col_widths, repeatRows=1)
        commands: list[tuple[Any, ...]] = [
            ("BACKGROUND", (0, 0), (-1, 0), DARK),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#B8C4D6")),
            ("BOX", (0, 0), (-1, -1), 0.5, DARK),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        for r in range(2, len(data), 2):
            commands.append(("BACKGROUND", (0, r), (-1, r), ZEBRA))
        if td.total_row:
            commands.append(("BACKGROUND", (0, -1), (-1, -1), LIGHT))
            commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, DARK))
        table.setStyle(TableStyle(commands))
        flow: list[Flowable] = []
        if td.caption:
            self.table_count += 1
            flow.append(
                Paragraph(
                    rl_markup(f"Tabelle {self.table_count}: {td.caption}"), self.styles["caption"]
                )
            )
        flow.append(table)
        if td.note:
            flow.append(Paragraph(rl_markup(td.note), self.styles["note"]))
        else:
            flow.append(Spacer(1, 8))
        return [KeepTogether(flow)] if len(td.rows) < 30 else flow


def _check_fit(td: TableData, col_widths: Sequence[float]) -> None:
    """Fail loudly if a word is wider than its column (reportlab would break it mid-word)."""
    for row_no, row in enumerate([td.header, *td.rows]):
        font = "Helvetica-Bold"
        for value, width in zip(row, col_widths, strict=True):
            # reportlab may break after hard hyphens and at soft hyphens (then shown as "-")
            text = re.sub(r"<[^>]+>|\*", "", value).replace("\xad", "-")
            for word in re.findall(r"[^\s-]+-?", text):
                if stringWidth(word, font, td.font_size) > width - 8:
                    raise ValueError(
                        f"'{word}' too wide for column in '{td.caption}' (row {row_no})"
                    )
