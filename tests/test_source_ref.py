"""One `SourceRef` for passages and table cells: labels, JSON and stored rows of any age."""

from __future__ import annotations

from assistant.drafting.sources import DraftSource
from assistant.indicators.router import IndicatorAnswer
from assistant.models import Answer, Citation, SourceRef

CELL = SourceRef(
    "d1",
    "sozialmonitoring.xlsx",
    sheet="2023",
    row=7,
    column="D",
    column_name="SGB-II-Quote",
    value_text="23,4",
)


def test_labels_of_a_page_a_row_and_a_cell() -> None:
    page = SourceRef("d", "sozialbericht.pdf", "Sozialbericht 2024", page=12, heading="2 Lage")
    assert page.label() == "Sozialbericht 2024, S. 12"
    assert page.cell_label() == page.label() and page.section() == "2 Lage"
    row = SourceRef("d", "daten.xlsx", "Daten", sheet="2023", row=4)
    assert row.label() == "Daten, Blatt „2023“, Zeile 4" and row.section() == ""
    assert CELL.label() == "sozialmonitoring.xlsx, Blatt „2023“, Zeile 7"
    assert CELL.cell_label() == (
        "sozialmonitoring.xlsx, Blatt „2023“, Zeile 7, Spalte D (SGB-II-Quote)"
    )
    assert CELL.section() == "Spalte D: SGB-II-Quote"


def test_a_cell_citation_keeps_its_json_and_reads_back() -> None:
    answer = Answer("q", "23,4 % [1]", "indicators", [Citation(1, CELL, "SGB-II-Quote: 23,4")])
    stored = answer.to_json()["citations"][0]
    assert stored["heading"] == "Spalte D: SGB-II-Quote"  # as before cells had own keys
    assert (stored["column"], stored["column_name"], stored["value_text"]) == (
        "D",
        "SGB-II-Quote",
        "23,4",
    )
    again = SourceRef.from_json(stored)
    assert again.heading == "" and again.section() == "Spalte D: SGB-II-Quote"
    assert again.cell_label() == CELL.cell_label()


def test_a_cell_citation_stored_before_cells_had_columns_still_loads() -> None:
    old = {
        "n": 1, "source": "Indikatoren_2023.csv", "title": "Indikatoren_2023", "page": None,
        "sheet": None, "row": 2, "heading": "Spalte C: SGB-II-Quote", "text": "SGB-II-Quote: 24,7",
    }  # fmt: skip
    ref = SourceRef.from_json(old)
    assert (ref.column, ref.column_name, ref.heading) == ("C", "SGB-II-Quote", "")
    assert ref.label() == "Indikatoren_2023, Zeile 2"
    assert ref.section() == "Spalte C: SGB-II-Quote"
    passage = SourceRef.from_json({"source": "a.pdf", "page": 3, "heading": "Spaltenbreite"})
    assert passage.column is None and passage.heading == "Spaltenbreite"


def test_draft_sources_keep_their_stored_shape() -> None:
    old = {
        "kind": "passage", "label": "Bericht, S. 2 – Lage", "text": "Text.", "source": "b.pdf",
        "doc_id": "d7", "page": 2, "sheet": None, "row": None, "heading": "Lage", "cells": [],
    }  # fmt: skip
    source = DraftSource.from_json(old)
    assert source.ref is not None and (source.ref.doc_id, source.ref.page) == ("d7", 2)
    assert old.items() <= source.to_json().items()
    computed = DraftSource.from_json({"kind": "indicator", "label": "Prüfung", "text": "1 < 2"})
    assert computed.ref is None
    assert computed.to_json()["source"] == "" and computed.to_json()["page"] is None
    assert computed.key() == ("indicator", "1 < 2")


def test_indicator_answer_json_lists_cells_flat() -> None:
    answer = IndicatorAnswer("q", "23,4 % [1]", [Citation(1, CELL, "x")], "lookup")
    assert answer.to_json()["sources"] == [
        {
            "n": 1, "doc_id": "d1", "source": "sozialmonitoring.xlsx", "sheet": "2023",
            "row": 7, "column": "D", "column_name": "SGB-II-Quote", "value_text": "23,4",
        }
    ]  # fmt: skip
