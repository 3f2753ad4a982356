"""The one reader of table-row chunks (ingest.structure.RowChunk) and of „Spalte: Wert“ rows."""

from __future__ import annotations

from ingest.structure import RowChunk, row_cells


def test_title_header_and_rows() -> None:
    table = RowChunk.of("Tabelle 3: Kosten\n\nMaßnahme | Kosten\nMaßnahme: A; Kosten: 5\n\n")
    assert table.title == "Tabelle 3: Kosten" and table.header == "Maßnahme | Kosten"
    assert table.columns == ["Maßnahme", "Kosten"] and table.rows == ["Maßnahme: A; Kosten: 5"]
    assert table.cells(0) == [("Maßnahme", "A"), ("Kosten", "5")] and table.cells(1) == []


def test_a_column_name_with_a_bar_stays_whole() -> None:
    table = RowChunk.of("a|b | c\na|b: 1; c: 2")
    assert table.columns == ["a|b", "c"] and table.cells(0) == [("a|b", "1"), ("c", "2")]


def test_without_a_header_every_line_is_a_row() -> None:
    table = RowChunk.of("eins\nzwei")
    assert (table.title, table.header, table.columns, table.rows) == ("", "", [], ["eins", "zwei"])
    assert table.cells(0) == []


def test_row_cells_without_a_header() -> None:
    assert row_cells("Stadtteil: Hafen; Quote: 23,8; Anmerkung") == [
        ("Stadtteil", "Hafen"),
        ("Quote", "23,8"),
    ]
