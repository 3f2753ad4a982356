"""Word files: heading styles, paragraphs, lists and tables in reading order."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from ingest.blocks import BlockKind, LoadedDocument
from ingest.formats import load_file


def _handlungskonzept(path: Path) -> Path:
    document = docx.Document()
    document.core_properties.title = "IHK Nordviertel"
    document.add_heading("3 Ziele", level=1)
    document.add_paragraph("Das Quartier soll für Familien attraktiver werden.")
    document.add_heading("3.2 Bildung", level=2)
    document.add_paragraph("Die Grundschule erhält eine Ganztagsbetreuung.")
    document.add_paragraph("Sprachförderung in Kitas", style="List Bullet")
    document.add_paragraph("Elterncafé im Familienzentrum", style="List Number")
    table = document.add_table(rows=3, cols=3)
    for row, values in zip(
        table.rows,
        [
            ("Maßnahme", "Kosten in €", "Zeitraum"),
            ("Schulsozialarbeit", "120.000", "2025–2027"),
            ("Lernwerkstatt", "45.500", "2026"),
        ],
        strict=True,
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_heading("4 Umsetzung", level=1)
    document.add_paragraph("Der Rat beschließt im Juni.\nDanach beginnt die Umsetzung.")
    document.add_paragraph("")
    document.save(str(path))
    return path


@pytest.fixture
def concept(tmp_path: Path) -> LoadedDocument:
    return load_file(_handlungskonzept(tmp_path / "IHK_Nordviertel.docx"))


def test_docx_headings_have_levels_and_paths(concept: LoadedDocument) -> None:
    headings = [
        (b.level, b.text, b.heading_path) for b in concept.blocks if b.kind is BlockKind.HEADING
    ]
    assert headings == [
        (1, "3 Ziele", ()),
        (2, "3.2 Bildung", ("3 Ziele",)),
        (1, "4 Umsetzung", ()),
    ]


def test_docx_paragraphs_and_list_items_in_order(concept: LoadedDocument) -> None:
    content = [(b.kind, b.text) for b in concept.blocks if b.kind is not BlockKind.TABLE_ROW]
    assert content[1] == (BlockKind.PARAGRAPH, "Das Quartier soll für Familien attraktiver werden.")
    assert (BlockKind.LIST_ITEM, "Sprachförderung in Kitas") in content
    assert (BlockKind.LIST_ITEM, "Elterncafé im Familienzentrum") in content
    last = concept.blocks[-1]
    assert last.text == "Der Rat beschließt im Juni. Danach beginnt die Umsetzung."
    assert last.heading_path == ("4 Umsetzung",)


def test_docx_tables_become_rows_with_header(concept: LoadedDocument) -> None:
    rows = [b for b in concept.blocks if b.kind is BlockKind.TABLE_ROW]
    assert [b.text for b in rows] == [
        "Maßnahme: Schulsozialarbeit; Kosten in €: 120.000; Zeitraum: 2025–2027",
        "Maßnahme: Lernwerkstatt; Kosten in €: 45.500; Zeitraum: 2026",
    ]
    assert rows[0].table_header == "Maßnahme | Kosten in € | Zeitraum"
    assert [b.row for b in rows] == [2, 3]
    assert rows[0].heading_path == ("3 Ziele", "3.2 Bildung")


def test_docx_title_from_properties(concept: LoadedDocument) -> None:
    assert concept.title == "IHK Nordviertel"
    assert concept.format == "docx"
    assert concept.page_count is None


def test_docx_title_falls_back_to_first_heading(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Protokoll Stadtteilkonferenz", level=1)
    document.add_paragraph("Anwesend: zwölf Personen.")
    document.save(str(tmp_path / "p.docx"))
    assert load_file(tmp_path / "p.docx").title == "Protokoll Stadtteilkonferenz"
