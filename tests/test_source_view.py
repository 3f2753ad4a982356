"""The source panel's data: page text with the cited chunk, table rows, the rendered page."""

from __future__ import annotations

from pathlib import Path

from assistant.documents.source_view import (
    passage_context,
    render_pdf_page,
    split_highlights,
    table_row,
)
from assistant.documents.uploads import ingest_upload
from assistant.services import Services
from tests.corpus import write_report_pdf
from tests.fixtures_files import write_csv


def test_pdf_citation_shows_its_page_and_renders(services: Services, tmp_path: Path) -> None:
    pdf = write_report_pdf(tmp_path / "bericht.pdf")
    ingest_upload(services.settings, services.pipeline, "bericht.pdf", pdf.read_bytes())
    answer = services.answers.ask("Wie hoch ist die SGB-II-Quote im Hafenviertel?")
    citation = answer.to_json()["citations"][0]
    assert citation["page"] == 3

    context = passage_context(services.settings, services.index, citation)
    assert context.found and context.page == 3
    cited = [s for s in context.segments if s.cited]
    assert len(cited) == 1 and "24,7 Prozent" in cited[0].text
    assert context.pdf_path is not None and context.pdf_path.name == "bericht.pdf"

    sentence = "Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent"
    plain = render_pdf_page(context.pdf_path, 3)
    marked = render_pdf_page(context.pdf_path, 3, [sentence])
    assert plain.size == marked.size
    assert plain.tobytes() != marked.tobytes()  # the sentence is boxed


def test_table_row_citation_shows_row_with_header(services: Services, tmp_path: Path) -> None:
    rows = [
        ["Stadtteil", "SGB-II-Quote (%)", "Einwohner"],
        ["Hafenviertel", "24,7", "10318"],
        ["Nordfeld", "8,1", "9000"],
    ]
    data = write_csv(tmp_path / "kennzahlen.csv", rows, encoding="utf-8").read_bytes()
    ingest_upload(services.settings, services.pipeline, "kennzahlen.csv", data)
    chunk = next(c for c in services.index.catalog.all_chunks("default") if "Nordfeld" in c.text)
    citation = {"source": "kennzahlen.csv", "row": 3, "text": chunk.text}
    context = passage_context(services.settings, services.index, citation)
    assert context.table_rows == [
        ("Stadtteil", "Nordfeld"),
        ("SGB-II-Quote (%)", "8,1"),
        ("Einwohner", "9000"),
    ]
    assert context.row == 3
    assert context.pdf_path is None


def test_missing_document_is_not_found(services: Services) -> None:
    context = passage_context(services.settings, services.index, {"source": "weg.pdf"})
    assert not context.found


def test_table_row_keeps_values_with_semicolons() -> None:
    text = "Titel\na | b\na: x; y; b: 2"
    assert table_row(text) == ("Titel", [("a", "x; y"), ("b", "2")])


def test_split_highlights_tolerates_line_breaks() -> None:
    pieces = split_highlights(
        "Vorher. Die Quote\nliegt bei 5 %. Danach.", ["Die Quote liegt bei 5 %."]
    )
    assert pieces == [("Vorher. ", False), ("Die Quote\nliegt bei 5 %.", True), (" Danach.", False)]
