"""End to end through the real loaders, embedder, Chroma and the catalog."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.documents.ingestion import IngestStatus
from assistant.index.catalog import Catalog
from assistant.index.filters import SearchFilters
from assistant.services import Services
from tests.corpus import REPORT_PAGES, write_mixed_folder, write_report_pdf

GOOD = {"pdf", "docx", "md", "csv", "xlsx"}
BAD = {"encrypted", "scanned", "empty", "unknown"}


@pytest.fixture
def folder(tmp_path: Path) -> dict[str, Path]:
    return write_mixed_folder(tmp_path / "unterlagen")


def _by_name(results: list) -> dict[str, object]:
    return {r.source: r for r in results}


def test_mixed_folder_indexes_good_files_and_explains_bad_ones(
    services: Services, folder: dict[str, Path]
) -> None:
    results = _by_name(services.pipeline.ingest_paths([folder["pdf"].parent]))
    assert {results[folder[k].name].status for k in GOOD} == {IngestStatus.INDEXED}
    for key in BAD:
        result = results[folder[key].name]
        assert result.status == IngestStatus.REFUSED, key
        assert folder[key].name in result.message or "Datei" in result.message
    assert "Kennwort" in results["vertraulich.pdf"].message or "Passwort" in (
        results["vertraulich.pdf"].message
    )
    assert "OCR" in results["scan.pdf"].message or "Texterkennung" in results["scan.pdf"].message
    assert "leer" in results["leer.docx"].message
    assert len(services.index.documents()) == len(GOOD)


def test_question_is_answered_with_the_page_it_is_on(
    services: Services, folder: dict[str, Path]
) -> None:
    services.pipeline.ingest_paths([folder["pdf"].parent])
    answer = services.answers.ask("Seit wann gibt es kein Stadtteilbüro im Hafenviertel?")
    assert answer.found and answer.mode == "extractive"
    assert "2019" in answer.text
    assert "[1]" in answer.text
    first = answer.citations[0]
    assert (first.ref.source, first.ref.page) == ("Sozialbericht_2024.pdf", 3)
    assert "Stadtteilbüro" in first.text


def test_figure_from_a_table_is_computed_and_cited_by_cell(
    services: Services, folder: dict[str, Path]
) -> None:
    services.pipeline.ingest_paths([folder["pdf"].parent])
    answer = services.answers.ask("Wie hoch ist die Kinderarmut im Hafenviertel?")
    assert answer.mode == "indicators"
    assert "38,5" in answer.text
    cell = answer.citations[0].ref
    assert (cell.source, cell.sheet, cell.row) == ("Monitoring.xlsx", "2023", 2)
    # The cited row is the first passage to read, with its header; the documents follow.
    first, *rest = answer.retrieved
    assert (first.ref.source, first.ref.sheet, first.ref.row) == ("Monitoring.xlsx", "2023", 2)
    assert first.text.splitlines()[0].startswith("Stadtteil | Kinderarmut")
    assert "38,5" in first.text and "Süd" not in first.text
    assert rest and all((r.ref.source, r.ref.row) != ("Monitoring.xlsx", 2) for r in rest)


def test_rows_of_a_ranking_are_one_passage_and_the_report_page_follows(
    services: Services, folder: dict[str, Path]
) -> None:
    services.pipeline.ingest_paths([folder["pdf"].parent])
    answer = services.answers.ask("Welche Stadtteile haben die höchste Kinderarmut?")
    assert answer.mode == "indicators" and len(answer.citations) == 2
    table = answer.retrieved[0]
    assert table.metadata["rows"] == [2, 3] and table.metadata["row_end"] == 3
    assert "Hafenviertel" in table.text and "Süd" in table.text
    assert answer.retrieved[1].ref.source != "Monitoring.xlsx"


def test_removing_a_table_removes_its_indicator_values(
    services: Services, folder: dict[str, Path]
) -> None:
    result = services.pipeline.ingest_file(folder["xlsx"])
    assert services.indicators.has_document(result.doc_id)
    assert services.pipeline.remove(result.doc_id)
    assert not services.indicators.has_document(result.doc_id)
    assert services.answers.ask("Wie hoch ist die Kinderarmut im Hafenviertel?").mode != (
        "indicators"
    )


def test_failed_catalog_commit_leaves_no_indicator_values(
    services: Services, folder: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The indicator values are written inside the catalog transaction; when its commit
    fails, they are taken back, so both stores stay as they were."""

    @contextmanager
    def commit_fails(self: Catalog) -> Iterator[object]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        finally:
            self._conn.execute("ROLLBACK")
        raise OSError("Festplatte voll")

    monkeypatch.setattr(Catalog, "transaction", commit_fails)
    with pytest.raises(OSError):
        services.pipeline.ingest_file(folder["xlsx"])
    monkeypatch.undo()
    assert services.index.documents() == []
    assert services.indicators.documents() == []
    assert services.index.vectors.count("default") == 0


def test_latin1_csv_row_is_found_with_umlauts_intact(
    services: Services, folder: dict[str, Path]
) -> None:
    services.pipeline.ingest_file(folder["csv"])
    hits = services.retriever.search("Süd SGB-II-Quote", k=3)
    assert hits[0].ref.source == "Indikatoren_2023.csv"
    assert "Süd" in hits[0].text and "8,9" in hits[0].text
    assert "Stadtteil" in hits[0].text  # the header travels with the row


def test_unrelated_question_is_refused(services: Services, folder: dict[str, Path]) -> None:
    services.pipeline.ingest_paths([folder["pdf"].parent])
    answer = services.answers.ask("Wann fährt der letzte Bus nach Hamburg-Altona?")
    assert not answer.found
    assert answer.citations == []
    assert "finde ich dazu nichts" in answer.text


def test_reingest_is_idempotent(services: Services, folder: dict[str, Path]) -> None:
    services.pipeline.ingest_paths([folder["pdf"].parent])
    before = services.index.catalog.chunk_count("default")
    again = services.pipeline.ingest_paths([folder["pdf"].parent])
    good = [r for r in again if r.status != IngestStatus.REFUSED]
    assert {r.status for r in good} == {IngestStatus.UNCHANGED}
    assert services.index.catalog.chunk_count("default") == before
    assert services.index.vectors.count("default") == before


def test_changed_file_replaces_its_old_chunks(services: Services, tmp_path: Path) -> None:
    path = write_report_pdf(tmp_path / "bericht.pdf")
    services.pipeline.ingest_file(path)
    changed = [*REPORT_PAGES[:2], ("3 Mindestsicherung", "Die SGB-II-Quote sank auf 22,1 Prozent.")]
    write_report_pdf(path, changed)
    result = services.pipeline.ingest_file(path)
    assert result.status == IngestStatus.REPLACED
    assert len(services.index.documents()) == 1
    texts = " ".join(r.text for r in services.retriever.search("SGB-II-Quote", k=10))
    assert "22,1" in texts and "24,7" not in texts


def test_duplicate_upload_under_another_name_is_not_stored_twice(
    services: Services, tmp_path: Path
) -> None:
    first = write_report_pdf(tmp_path / "a.pdf")
    copy = tmp_path / "Kopie von a.pdf"
    copy.write_bytes(first.read_bytes())
    assert services.pipeline.ingest_file(first).status == IngestStatus.INDEXED
    second = services.pipeline.ingest_file(copy)
    assert second.status == IngestStatus.UNCHANGED
    assert "a.pdf" in second.message
    assert len(services.index.documents()) == 1


def test_filter_by_source_limits_the_answer(services: Services, folder: dict[str, Path]) -> None:
    services.pipeline.ingest_paths([folder["pdf"].parent])
    hits = services.retriever.search(
        "Hafenviertel", filters=SearchFilters(sources=("IHK_Hafenviertel.docx",))
    )
    assert hits and {h.ref.source for h in hits} == {"IHK_Hafenviertel.docx"}


def test_changed_chunk_settings_reprocess_an_unchanged_file(
    services: Services, tmp_path: Path
) -> None:
    path = write_report_pdf(tmp_path / "bericht.pdf")
    services.pipeline.ingest_file(path)
    old_ids = services.index.catalog.chunk_ids("default")
    services.settings.chunking.max_chars = 400
    result = services.pipeline.ingest_file(path)
    assert result.status == IngestStatus.REPLACED
    new_ids = services.index.catalog.chunk_ids("default")
    assert new_ids.isdisjoint(old_ids)
    assert services.index.vectors.ids("default") == new_ids
    assert services.pipeline.ingest_file(path).status == IngestStatus.UNCHANGED


def test_a_moved_file_is_reprocessed_when_its_processing_changed(
    services: Services, tmp_path: Path
) -> None:
    (tmp_path / "alt").mkdir()
    path = write_report_pdf(tmp_path / "alt" / "bericht.pdf")
    services.pipeline.ingest_file(path)
    moved = tmp_path / "neu" / "bericht.pdf"
    moved.parent.mkdir()
    moved.write_bytes(path.read_bytes())
    services.settings.chunking.max_chars = 400
    result = services.pipeline.ingest_file(moved)
    assert result.status == IngestStatus.REPLACED, result.message
    assert len(services.index.documents()) == 1
    assert services.index.vectors.ids("default") == services.index.catalog.chunk_ids("default")


def test_the_encoder_reads_table_cells_without_their_separators() -> None:
    from types import SimpleNamespace

    from assistant.documents.ingestion import embedding_text

    record = SimpleNamespace(title="Kita-Bedarfsplanung")
    chunk = SimpleNamespace(text="Nr. | Stadtteil | Quote (%)\n03 | Hafenviertel | 23,8")
    assert embedding_text(record, chunk) == (  # type: ignore[arg-type]
        "Kita-Bedarfsplanung\nNr. Stadtteil Quote (%)\n03 Hafenviertel 23,8"
    )
