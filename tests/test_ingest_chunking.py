"""Chunking along structure: pages, headings, sentences and table rows."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.blocks import Block, BlockKind, LoadedDocument
from ingest.chunking import chunk_document
from ingest.formats import load_file
from tests.fixtures_files import heading, make_pdf, paragraph, write_csv

BILDUNG = ("3 Ziele", "3.2 Bildung")


def _doc(blocks: list[Block], file_format: str = "pdf") -> LoadedDocument:
    return LoadedDocument(source="test", format=file_format, blocks=blocks, title="Test")


def _para(text: str, page: int | None = 1, path: tuple[str, ...] = ()) -> Block:
    return Block(BlockKind.PARAGRAPH, text, page=page, heading_path=path)


def test_chunks_never_span_two_pages(tmp_path: Path) -> None:
    pages = [
        [
            heading("1 Lage"),
            *paragraph("Kurzer Text auf Seite eins, der über", "zwei Zeilen geht."),
        ],
        [
            *paragraph("Fortsetzung auf Seite zwei, die sich über", "zwei Zeilen erstreckt."),
            *paragraph("Noch ein Absatz mit einem Satz, der", "ebenfalls umbricht."),
        ],
        [heading("2 Ziele"), *paragraph("Text auf Seite drei.")],
    ]
    doc = load_file(make_pdf(tmp_path / "seiten.pdf", pages))
    chunks = chunk_document(doc)
    assert [(c.page, c.heading) for c in chunks] == [(1, "1 Lage"), (2, "1 Lage"), (3, "2 Ziele")]
    assert chunks[0].text == "1 Lage\n\nKurzer Text auf Seite eins, der über zwei Zeilen geht."
    assert chunks[1].text == (
        "1 Lage\n\nFortsetzung auf Seite zwei, die sich über zwei Zeilen erstreckt.\n\n"
        "Noch ein Absatz mit einem Satz, der ebenfalls umbricht."
    )
    assert [c.chunk_index for c in chunks] == [0, 1, 2]


def test_heading_path_and_nearest_heading_prefix() -> None:
    blocks = [
        Block(BlockKind.HEADING, "3 Ziele", page=1, level=1),
        _para("Allgemeine Ziele.", path=("3 Ziele",)),
        Block(BlockKind.HEADING, "3.2 Bildung", page=1, level=2, heading_path=("3 Ziele",)),
        _para("Mehr Ganztagsplätze.", path=BILDUNG),
        Block(
            BlockKind.LIST_ITEM, "Lernwerkstatt", page=1, heading_path=("3 Ziele", "3.2 Bildung")
        ),
        Block(BlockKind.LIST_ITEM, "Elterncafé", page=1, heading_path=("3 Ziele", "3.2 Bildung")),
    ]
    chunks = chunk_document(_doc(blocks))
    assert [c.heading for c in chunks] == ["3 Ziele", "3 Ziele > 3.2 Bildung"]
    assert chunks[1].text == "3.2 Bildung\n\nMehr Ganztagsplätze.\n\n- Lernwerkstatt\n- Elterncafé"


def test_paragraphs_are_grouped_up_to_max_chars() -> None:
    blocks = [_para(f"Absatz {n}: " + "Wort " * 30) for n in range(6)]
    chunks = chunk_document(_doc(blocks), max_chars=400, min_chars=50)
    assert len(chunks) == 3
    assert all(len(c.text) <= 400 for c in chunks)
    assert chunks[1].text.startswith("Absatz 2:")


def test_long_paragraph_is_split_at_sentences_not_abbreviations() -> None:
    sentence = (
        "Die Stadt fördert z. B. Sprachkurse, Nr. 4 der Liste, seit dem 3. Juni mit ca. 23,4 %."
    )
    text = " ".join([sentence] * 8)
    chunks = chunk_document(_doc([_para(text)]), max_chars=300, min_chars=50)
    assert len(chunks) > 1
    for chunk in chunks:
        assert len(chunk.text) <= 300
        assert chunk.text.startswith("Die Stadt fördert z. B. Sprachkurse")
        assert chunk.text.endswith("mit ca. 23,4 %.")


def test_small_trailing_piece_joins_the_previous_chunk() -> None:
    blocks = [_para("A" * 280), _para("B" * 280), _para("Kurzer Rest.")]
    chunks = chunk_document(_doc(blocks), max_chars=600, min_chars=100)
    assert len(chunks) == 1
    assert chunks[0].text.endswith("Kurzer Rest.")


def test_small_trailing_piece_stays_on_its_own_page() -> None:
    blocks = [_para("A" * 500, page=1), _para("Kurzer Rest.", page=2)]
    chunks = chunk_document(_doc(blocks), max_chars=600, min_chars=100)
    assert [(c.page, c.text) for c in chunks] == [(1, "A" * 500), (2, "Kurzer Rest.")]


def test_table_chunks_repeat_the_header_and_name_their_rows(tmp_path: Path) -> None:
    header = ["Stadtteil", "SGB-II-Quote in %", "Einwohner"]
    rows = [[f"Stadtteil {n:02d}", f"{10 + n},5", str(1000 * n)] for n in range(1, 31)]
    doc = load_file(write_csv(tmp_path / "indikatoren.csv", [header, *rows]))
    chunks = chunk_document(doc, max_chars=400, min_chars=100, table_rows=50)
    assert len(chunks) > 2
    for chunk in chunks:
        assert chunk.text.split("\n")[0] == "Stadtteil | SGB-II-Quote in % | Einwohner"
        assert chunk.extra["kind"] == "table"
    first, second = chunks[0], chunks[1]
    assert first.row == 2
    assert (
        first.text.split("\n")[1]
        == "Stadtteil: Stadtteil 01; SGB-II-Quote in %: 11,5; Einwohner: 1000"
    )
    assert second.row == first.extra["row_end"] + 1
    assert chunks[-1].extra["row_end"] == 31
    assert [len(c.extra["rows"]) for c in chunk_document(doc)] == [1] * 30  # default
    rows_in_chunks = sum(len(c.text.split("\n")) - 1 for c in chunks)
    assert rows_in_chunks == 30


def test_table_chunk_keeps_the_sheet() -> None:
    blocks = [
        Block(
            BlockKind.TABLE_ROW,
            f"Jahr: {year}; Wert: 1",
            sheet="2023",
            row=row,
            heading_path=("2023",),
            table_header="Jahr | Wert",
        )
        for row, year in [(2, 2021), (3, 2022)]
    ]
    (chunk,) = chunk_document(_doc(blocks, "xlsx"), table_rows=5)
    assert (chunk.sheet, chunk.row, chunk.extra["row_end"], chunk.page) == ("2023", 2, 3, None)
    assert chunk.extra["rows"] == [2, 3]
    assert chunk.text == "2023\nJahr | Wert\nJahr: 2021; Wert: 1\nJahr: 2022; Wert: 1"


def test_text_and_table_never_share_a_chunk() -> None:
    blocks = [
        _para("Die Tabelle zeigt die Quoten.", page=None),
        Block(BlockKind.TABLE_ROW, "A: 1", row=2, table_header="A"),
    ]
    chunks = chunk_document(_doc(blocks, "md"))
    assert [c.extra["kind"] for c in chunks] == ["text", "table"]


def test_document_of_headings_only_still_gives_a_chunk() -> None:
    blocks = [Block(BlockKind.HEADING, "Anhang", page=1, level=1)]
    assert [c.text for c in chunk_document(_doc(blocks))] == ["Anhang"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet="abcdefghij ÄÖÜß.,", min_size=1, max_size=700).filter(str.strip),
        min_size=1,
        max_size=12,
    ),
    st.integers(min_value=120, max_value=900),
)
def test_chunking_keeps_every_word(texts: list[str], max_chars: int) -> None:
    blocks = [_para(text, page=1 + index // 4) for index, text in enumerate(texts)]
    chunks = chunk_document(_doc(blocks), max_chars=max_chars, min_chars=max_chars // 4)
    for page in {block.page for block in blocks}:
        in_chunks = [w for c in chunks if c.page == page for w in c.text.split()]
        assert in_chunks == [w for b in blocks if b.page == page for w in b.text.split()]


def test_a_table_caption_moves_to_the_chunk_of_its_table() -> None:
    rows = "\n".join(f"{n:02d} Stadtteil {n} {n},5 {n + 1},0" for n in range(1, 16))
    blocks = [
        _para("Einleitender Absatz. " * 20),
        _para("Tabelle 1: Versorgung der Kinder unter drei Jahren nach Stadtteilen"),
        _para(f"Nr. Stadtteil 2022 2023\n{rows}"),
    ]
    chunks = chunk_document(_doc(blocks), max_chars=600, min_chars=50)
    assert len(chunks) == 2
    assert "Tabelle 1" not in chunks[0].text
    assert chunks[1].text.startswith("Tabelle 1: Versorgung")
    assert "15 Stadtteil 15" in chunks[1].text


def test_cell_separators_do_not_move_chunk_ends() -> None:
    rows = [f"{n:02d} Stadtteil{n} 1.{n:03d} {n},5 +0,{n % 10}" for n in range(1, 40)]
    prose = _para("Der Bericht beschreibt die Lage. " * 12)
    layouts = []
    for table in ("\n".join(rows), "\n".join(row.replace(" ", " | ") for row in rows)):
        doc = _doc([_para("Tabelle 1: Einwohner nach Stadtteilen"), _para(table), prose])
        layouts.append([c.text.replace(" | ", " ") for c in chunk_document(doc)])
    assert layouts[0] == layouts[1] and len(layouts[0]) > 1
