"""PDF loading on real generated PDFs: pages, headings, cleaning and refused files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.blocks import Block, BlockKind, LoadedDocument
from ingest.errors import IngestError
from ingest.formats import load_file
from ingest.structure import table_row_text
from tests.fixtures_files import (
    Line,
    encrypt_pdf,
    heading,
    make_image_only_pdf,
    make_pdf,
    paragraph,
)

HEADER = "Sozialbericht 2023 – Stadt Musterstadt"
FOOTER = "Seite {page} von {pages}"


def _report_pages() -> list[list[Line]]:
    return [
        [
            heading("Sozialbericht 2023", size=22),
            *paragraph("Die Stadt Musterstadt legt ihren dritten Bericht zur sozialen Lage vor."),
        ],
        [
            heading("1 Einleitung"),
            *paragraph(
                "Die Sozial-",
                "planung der Stadt beschreibt die Lage in allen Stadtteilen. Die Kinder-",
                "und Jugendhilfe arbeitet eng mit den Schulen zusammen.",
            ),
            *paragraph("Ein zweiter Absatz beginnt hier und endet hier."),
        ],
        [
            heading("2 Ziele"),
            heading("2.1 Bildung im Süden", size=13),
            *paragraph(
                "Die Größe der Grundschulen im Süden reicht nicht aus. Auf dem Arb eitsmarkt",
                "fehlen Fachkräfte für die Betreuung am Nachmittag.",
            ),
            Line("• Ausbau der Ganztagsbetreuung", gap_before=8),
            Line("• Mehr Schulsozialarbeit"),
        ],
        [
            heading("2.2 Wohnen", size=13),
            *paragraph("Die Mieten im Nordviertel steigen seit 2019 deutlich an."),
        ],
        [
            heading("3 Maßnahmen"),
            *paragraph("Ein Quartiersmanagement soll ab 2025 die Arbeit im Nordviertel bündeln."),
        ],
    ]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> LoadedDocument:
    path = tmp_path_factory.mktemp("pdf") / "Sozialbericht_2023.pdf"
    make_pdf(path, _report_pages(), title="Sozialbericht 2023", header=HEADER, footer=FOOTER)
    return load_file(path)


def _block_with(doc: LoadedDocument, text: str) -> Block:
    return next(block for block in doc.blocks if text in block.text)


def test_pdf_keeps_1_based_page_numbers_on_every_block(report: LoadedDocument) -> None:
    assert report.format == "pdf"
    assert report.page_count == 5
    assert [b.page for b in report.blocks if b.kind is BlockKind.HEADING] == [1, 2, 3, 3, 4, 5]
    assert _block_with(report, "Quartiersmanagement").page == 5
    assert all(block.page is not None for block in report.blocks)


def test_pdf_title_comes_from_the_metadata(report: LoadedDocument) -> None:
    assert report.title == "Sozialbericht 2023"


def test_pdf_running_header_footer_and_page_numbers_are_removed(report: LoadedDocument) -> None:
    texts = [block.text for block in report.blocks]
    assert not any("Musterstadt" in text and "Sozialbericht 2023 –" in text for text in texts)
    assert not any("Seite" in text for text in texts)


def test_pdf_headings_form_a_path(report: LoadedDocument) -> None:
    headings = [(b.level, b.text) for b in report.blocks if b.kind is BlockKind.HEADING]
    assert (1, "1 Einleitung") in headings
    assert (2, "2.1 Bildung im Süden") in headings
    block = _block_with(report, "Grundschulen")
    assert block.heading_path == ("2 Ziele", "2.1 Bildung im Süden")
    assert _block_with(report, "Mieten").heading_path == ("2 Ziele", "2.2 Wohnen")


def test_pdf_text_is_dehyphenated_and_reflowed(report: LoadedDocument) -> None:
    block = _block_with(report, "planung")
    assert block.text == (
        "Die Sozialplanung der Stadt beschreibt die Lage in allen Stadtteilen. "
        "Die Kinder- und Jugendhilfe arbeitet eng mit den Schulen zusammen."
    )
    assert block.kind is BlockKind.PARAGRAPH


def test_pdf_paragraphs_stay_apart(report: LoadedDocument) -> None:
    assert (
        _block_with(report, "zweiter Absatz").text
        == "Ein zweiter Absatz beginnt hier und endet hier."
    )


def test_pdf_split_words_are_repaired_and_umlauts_kept(report: LoadedDocument) -> None:
    block = _block_with(report, "Grundschulen")
    assert "Auf dem Arbeitsmarkt fehlen Fachkräfte" in block.text
    assert block.text.startswith("Die Größe der Grundschulen im Süden")


def test_pdf_bullets_become_list_items(report: LoadedDocument) -> None:
    items = [b.text for b in report.blocks if b.kind is BlockKind.LIST_ITEM]
    assert items == ["Ausbau der Ganztagsbetreuung", "Mehr Schulsozialarbeit"]


def test_pdf_numbered_headings_in_a_plain_document(tmp_path: Path) -> None:
    # One font, one size, no bold: only the numbering marks the headings.
    pages = [
        [
            Line("1 Ausgangslage"),
            Line("Im Quartier leben viele junge Familien mit Kindern.", gap_before=8),
            Line("1.1 Bevölkerung", gap_before=8),
            Line("Die Zahl der Einwohner ist gestiegen.", gap_before=8),
        ]
    ]
    doc = load_file(make_pdf(tmp_path / "plain.pdf", pages))
    headings = [(b.level, b.text) for b in doc.blocks if b.kind is BlockKind.HEADING]
    assert headings == [(1, "1 Ausgangslage"), (2, "1.1 Bevölkerung")]
    assert doc.blocks[-1].heading_path == ("1 Ausgangslage", "1.1 Bevölkerung")


def test_pdf_page_without_text_gives_a_warning(tmp_path: Path) -> None:
    pages = [[*paragraph("Erste Seite mit Text.")], [], [*paragraph("Dritte Seite mit Text.")]]
    doc = load_file(make_pdf(tmp_path / "lücke.pdf", pages))
    assert [b.page for b in doc.blocks] == [1, 3]
    assert len(doc.warnings) == 1
    assert "Seite 2" in doc.warnings[0]


def test_pdf_with_empty_user_password_opens(tmp_path: Path) -> None:
    plain = make_pdf(tmp_path / "offen.pdf", [[*paragraph("Nur gegen Bearbeiten geschützt.")]])
    locked = encrypt_pdf(plain, tmp_path / "rechte.pdf", user_password="", owner_password="chef")
    doc = load_file(locked)
    assert doc.blocks[0].text == "Nur gegen Bearbeiten geschützt."


def test_encrypted_pdf_is_refused_in_german(tmp_path: Path) -> None:
    plain = make_pdf(tmp_path / "offen.pdf", [[*paragraph("Vertraulich.")]])
    locked = encrypt_pdf(plain, tmp_path / "geheim.pdf", user_password="geheim", owner_password="x")
    with pytest.raises(IngestError) as caught:
        load_file(locked)
    message = str(caught.value)
    assert "„geheim.pdf“" in message
    assert "Kennwort" in message and "ohne Kennwortschutz" in message


def test_scanned_pdf_is_refused_with_ocr_hint(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        load_file(make_image_only_pdf(tmp_path / "scan.pdf"))
    assert "eingescannt" in str(caught.value)
    assert "OCR" in str(caught.value)


def test_pdf_with_only_page_numbers_counts_as_scanned(tmp_path: Path) -> None:
    path = tmp_path / "nur_nummern.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number in range(1, 4):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(300, 30, str(number))
        pdf.rect(60, 300, 400, 400, fill=1)
        pdf.showPage()
    pdf.save()
    with pytest.raises(IngestError, match="OCR"):
        load_file(path)


def test_corrupt_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kaputt.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    with pytest.raises(IngestError) as caught:
        load_file(path)
    assert "„kaputt.pdf“" in str(caught.value)
    assert "beschädigt" in str(caught.value)


def test_a_repaired_pdf_gives_a_german_note_and_nothing_on_stderr(tmp_path: Path) -> None:
    """pypdf repairs a wrong cross-reference pointer and says so in English on stderr; the
    planner gets one German note on the file instead. In a fresh interpreter, as the CLI
    runs: pytest's own log capture would hide what reaches stderr."""
    data = make_pdf(tmp_path / "gut.pdf", [[*paragraph("Die Nordstadt wächst.")]]).read_bytes()
    damaged = tmp_path / "verschoben.pdf"
    damaged.write_bytes(data[: data.rfind(b"startxref")] + b"startxref\n999\n%%EOF\n")
    script = (
        "import sys; from ingest.formats import load_file; "
        "doc = load_file(sys.argv[1]); print(doc.blocks[0].text); print(*doc.warnings)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(damaged)], capture_output=True, text=True, check=True
    )
    assert done.stderr == ""
    text, note = done.stdout.splitlines()
    assert text == "Die Nordstadt wächst."
    assert "„verschoben.pdf“" in note and "repariert" in note


def test_random_bytes_named_pdf_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "zufall.pdf"
    path.write_bytes(bytes((i * 37 + 11) % 256 for i in range(4096)))
    with pytest.raises(IngestError, match="keine lesbare PDF-Datei"):
        load_file(path)


def _table_pdf(path: Path) -> Path:
    """A page like the Kita plan: prose, a captioned table whose first cells wrap (the
    other cells sit in the middle of the row), prose again."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    body = ParagraphStyle("body", fontName="Vera", fontSize=10, leading=14)
    caption = ParagraphStyle("caption", fontName="VeraBd", fontSize=9, leading=12)
    cell = ParagraphStyle("cell", fontName="Vera", fontSize=8, leading=10)
    head = ParagraphStyle("head", fontName="VeraBd", fontSize=8, leading=10)
    rows = [
        ["Vorhaben", "Stadtteil", "U3-Plätze", "Inbetriebnahme"],
        ["Neubau Kita „Am Hafenbecken“ (6 Gruppen, Träger: AWO)", "Hafenviertel", "40", "08/2026"],
        ["Erweiterung Kita „Radestraße“", "Kirchrade", "12", "08/2025"],
        ["Umbau Kita „Lindenweg“", "Nordfeld", "", "01/2026"],
    ]
    styles = [head] + [cell] * (len(rows) - 1)
    data = [
        [Paragraph(text, style) for text in row] for row, style in zip(rows, styles, strict=True)
    ]
    table = Table(data, colWidths=[130, 80, 60, 100])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story = [
        Paragraph(
            # The line ends after "vom 1.", as in the demo call: the next line holds three
            # figures in six words and must still read as prose.
            "Der Förderzeitraum beträgt 36 Monate und umfasst den Zeitraum vom 1.<br/>"
            "Oktober 2025 bis 30. September 2028.",
            body,
        ),
        Paragraph("Tabelle 4: Ausbauvorhaben bis zum Kindergartenjahr 2026/27", caption),
        table,
        Paragraph(
            "Die Neubauten setzen voraus, dass die Landesmittel bewilligt werden. "
            # Enough prose that body text, not the table's small type, sets the body size.
            "Das Jugendamt prüft jährlich, ob die Vorhaben im Zeitplan liegen, und berichtet "
            "dem Jugendhilfeausschuss über den Stand der Planungen und der Bauarbeiten.",
            body,
        ),
    ]
    SimpleDocTemplate(str(path), leftMargin=60, rightMargin=130).build(story)
    return path


def test_pdf_table_rows_with_wrapped_cells_stay_one_line_each(tmp_path: Path) -> None:
    doc = load_file(_table_pdf(tmp_path / "kita.pdf"))
    table = _block_with(doc, "Vorhaben | Stadtteil")
    # Cells are kept apart; the empty U3 cell of the last row keeps its column.
    assert table.text.split("\n") == [
        "Vorhaben | Stadtteil | U3-Plätze | Inbetriebnahme",
        "Neubau Kita „Am Hafenbecken“ (6 Gruppen, Träger: AWO) | Hafenviertel | 40 | 08/2026",
        "Erweiterung Kita „Radestraße“ | Kirchrade | 12 | 08/2025",
        "Umbau Kita „Lindenweg“ | Nordfeld | | 01/2026",
    ]
    header, *rows = table.text.split("\n")
    assert table_row_text(header, rows[2]) == (
        "Vorhaben: Umbau Kita „Lindenweg“; Stadtteil: Nordfeld; Inbetriebnahme: 01/2026"
    )
    # Caption and the prose after the table are blocks of their own.
    assert _block_with(doc, "Tabelle 4:").text.startswith("Tabelle 4: Ausbauvorhaben")
    assert "Landesmittel" not in table.text


def test_pdf_sentence_with_dates_is_not_taken_for_a_table_row(tmp_path: Path) -> None:
    doc = load_file(_table_pdf(tmp_path / "kita.pdf"))
    prose = _block_with(doc, "Förderzeitraum")
    assert "vom 1. Oktober 2025 bis 30. September 2028" in prose.text
    assert "\n" not in prose.text


def test_a_title_naming_the_word_file_it_was_printed_from_is_not_taken(tmp_path: Path) -> None:
    pdf = make_pdf(
        tmp_path / "Klimaschutz.pdf",
        [[heading("Förderrichtlinie Klimaschutz", size=22), *paragraph("Gefördert wird viel.")]],
        title="(Microsoft Word - 260504 Schlussfassung Richtlinie.docx)",
    )
    # Not the Word file's name: the document's own heading, else the PDF's file name.
    assert "Microsoft" not in load_file(pdf, "Klimaschutz.pdf").title


def _cells_written_one_by_one_pdf(path: Path) -> Path:
    """A funding table as Word prints it: each row's cells written one after the other,
    every cell top to bottom; then a page set in two columns of prose."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Vera", 10)
    pdf.drawString(57, 780, "Die Förderhöhe richtet sich nach der Maßnahme.")
    rows = [
        (
            ["Flächenentsiegelung 40%", "max. 2.000 € pro", "Grundstück"],
            ["• Fläche größer", "12 m²", "• Versickerung"],
            ["• Rechnung", "• Fotos der", "Maßnahme"],
        ),
        (
            ["Dachbegrünung", "10 €/m², max.", "2.000 €"],
            ["• Fläche größer", "12 m²"],
            ["• Rechnung"],
        ),
    ]
    top = 740
    for row in rows:
        lowest = top
        for x, cell in zip((57, 200, 380), row, strict=True):
            for i, text in enumerate(cell):
                pdf.drawString(x, top - 12 * i, text)
                lowest = min(lowest, top - 12 * i)
        top = lowest - 20
    pdf.showPage()
    pdf.setFont("Vera", 10)
    left = [f"Links steht Zeile {i} des Berichts über das Quartier." for i in range(1, 9)]
    right = [f"Rechts steht Zeile {i} über die Schulen." for i in range(1, 9)]
    for x, lines in ((57, left), (310, right)):
        for i, text in enumerate(lines):
            pdf.drawString(x, 780 - 13 * i, text)
    pdf.showPage()
    pdf.save()
    return path


def test_a_table_row_written_cell_by_cell_reads_as_one_paragraph(tmp_path: Path) -> None:
    doc = load_file(_cells_written_one_by_one_pdf(tmp_path / "richtlinie.pdf"))
    first = _block_with(doc, "Flächenentsiegelung")
    assert first.text.startswith("Flächenentsiegelung 40% max. 2.000 € pro Grundstück • Fläche")
    assert first.text.endswith("• Rechnung • Fotos der Maßnahme")
    assert _block_with(doc, "Dachbegrünung").text.startswith("Dachbegrünung 10 €/m², max. 2.000 €")
    # Two columns of prose are no table: each column stays text of its own.
    left = _block_with(doc, "Links steht Zeile 1")
    assert "Rechts" not in left.text and "Zeile 8 des Berichts" in left.text
