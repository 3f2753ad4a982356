"""Guessing document type, year and title."""

from __future__ import annotations

import pytest

from ingest.blocks import Block, BlockKind, LoadedDocument
from ingest.metadata import guess_doc_type, guess_year, infer_metadata
from ingest.titles import fallback_title, title_from_name


def _doc(source: str, first_page: str, file_format: str = "pdf", title: str = "") -> LoadedDocument:
    blocks = [
        Block(BlockKind.HEADING, "Einleitung", page=1, level=1),
        Block(BlockKind.PARAGRAPH, first_page, page=1),
        Block(BlockKind.PARAGRAPH, "Im Jahr 1999 und 1999 und 1999 war alles anders.", page=2),
    ]
    return LoadedDocument(
        source=source, format=file_format, blocks=blocks, title=title, page_count=2
    )


@pytest.mark.parametrize(
    ("name", "first_page", "expected"),
    [
        ("Foerderaufruf_Soziale_Stadt_2025", "", "funding_call"),
        ("Richtlinie Quartiersarbeit", "", "funding_call"),
        ("Protokoll_Stadtteilkonferenz", "", "minutes"),
        ("Ratsbeschluss_2024-12_IHK", "", "minutes"),
        ("IHK_Hafenviertel_2024", "", "concept"),
        ("Integriertes Handlungskonzept Süd", "", "concept"),
        ("Sozialbericht_2023", "", "plan"),
        ("scan_0042", "Förderaufruf des Landes: Gefördert werden Projekte …", "funding_call"),
        ("scan_0043", "Niederschrift über die Sitzung des Sozialausschusses", "minutes"),
        ("scan_0044", "Dieser Sozialbericht beschreibt die Planung der Stadt.", "plan"),
        ("notizen", "Einkaufsliste: Milch, Brot", "other"),
    ],
)
def test_guess_doc_type(name: str, first_page: str, expected: str) -> None:
    assert guess_doc_type("pdf", name, first_page) == expected


def test_tables_are_indicators() -> None:
    assert guess_doc_type("xlsx", "Protokoll", "") == "indicators"
    assert guess_doc_type("csv", "Sozialbericht", "") == "indicators"


def test_year_from_file_name_first() -> None:
    assert guess_year("Sozialbericht_2023_final", "Stand 2024, Daten 2024") == 2023


def test_year_most_frequent_on_first_page_latest_on_ties() -> None:
    assert guess_year("bericht", "Daten 2021, 2022 und 2022; Ausblick 2030") == 2022
    assert guess_year("bericht", "von 2019 bis 2023") == 2023
    assert guess_year("bericht", "Telefon 12345, Raum 1850") is None


def test_infer_metadata_uses_first_page_only() -> None:
    doc = _doc("ablage/scan.pdf", "Sozialbericht der Stadt Musterhausen, Stand 2022.")
    meta = infer_metadata(doc)
    assert meta == {
        "doc_type": "plan",
        "year": 2022,
        "title": "Einleitung",
        "municipality": "Musterhausen",
    }


def test_infer_metadata_prefers_the_document_title() -> None:
    doc = _doc("x.pdf", "Text", title="Förderaufruf Starke Quartiere")
    meta = infer_metadata(doc)
    assert meta["title"] == "Förderaufruf Starke Quartiere"
    assert meta["doc_type"] == "funding_call"


def test_fallback_title_skips_section_headings() -> None:
    numbered = [
        Block(BlockKind.HEADING, "1 Einleitung", page=1, level=1),
        Block(BlockKind.HEADING, "Ziele", page=1, level=1),
    ]
    assert fallback_title(numbered, "ablage/Sozialbericht_2024.pdf") == "Sozialbericht 2024"
    cover = [
        Block(BlockKind.HEADING, "Stadt Musterstadt", page=1, level=3),
        Block(BlockKind.HEADING, "Handlungskonzept Süd", page=1, level=1),
        Block(BlockKind.HEADING, "1 Ausgangslage", page=1, level=1),
    ]
    assert fallback_title(cover, "x.pdf") == "Handlungskonzept Süd"


def test_title_from_name() -> None:
    assert title_from_name("/tmp/IHK_Nordviertel__2024.docx") == "IHK Nordviertel 2024"
