"""Browser uploads: safe names, saved under the data folder, a bad file refused in German."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.documents.document_actions import delete_document, reindex_document, source_file
from assistant.documents.ingestion import IngestResult, IngestStatus, file_hash
from assistant.documents.uploads import ingest_upload, safe_upload_name, upload_dir
from assistant.services import Services
from tests.corpus import write_report_pdf


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sozialbericht 2024.pdf", "Sozialbericht 2024.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("C:\\Users\\a\\Übersicht Quartiere.xlsx", "Übersicht Quartiere.xlsx"),
        ("U\u0308bersicht.csv", "Übersicht.csv"),  # decomposed umlaut (macOS)
        (".hidden.md", "hidden.md"),
        ("..", "datei"),
        ("a\x00b<c>|d.txt", "ab_c__d.txt"),
        ("  viele   Leerzeichen .pdf ", "viele Leerzeichen .pdf"),
    ],
)
def test_safe_upload_name(name: str, expected: str) -> None:
    assert safe_upload_name(name) == expected


def test_long_name_keeps_suffix() -> None:
    name = safe_upload_name("x" * 400 + ".pdf")
    assert len(name) <= 150
    assert name.endswith(".pdf")


def test_upload_is_saved_and_indexed(services: Services, tmp_path: Path) -> None:
    pdf = write_report_pdf(tmp_path / "bericht.pdf").read_bytes()
    result = ingest_upload(services.settings, services.pipeline, "../Bericht Ä.pdf", pdf)
    assert result.status == IngestStatus.INDEXED
    saved = upload_dir(services.settings) / "Bericht Ä.pdf"
    assert saved.read_bytes() == pdf
    assert source_file(services.settings, services.index, result.doc_id) == saved
    assert not any((upload_dir(services.settings) / ".incoming").iterdir())

    again = ingest_upload(services.settings, services.pipeline, "Bericht Ä.pdf", pdf)
    assert again.status == IngestStatus.UNCHANGED
    assert (
        reindex_document(services.settings, services.index, services.pipeline, result.doc_id).status
        == IngestStatus.UNCHANGED
    )

    assert delete_document(services.settings, services.pipeline, result.doc_id)
    assert not saved.exists()
    assert services.index.documents() == []


def test_broken_upload_is_refused_and_keeps_the_stored_version(
    services: Services, tmp_path: Path
) -> None:
    pdf = write_report_pdf(tmp_path / "bericht.pdf").read_bytes()
    first = ingest_upload(services.settings, services.pipeline, "bericht.pdf", pdf)
    broken = ingest_upload(services.settings, services.pipeline, "bericht.pdf", b"%PDF-1.4 kaputt")
    assert broken.status == IngestStatus.REFUSED
    assert broken.message  # German reason from the loader
    assert (upload_dir(services.settings) / "bericht.pdf").read_bytes() == pdf
    assert [d.doc_id for d in services.index.documents()] == [first.doc_id]


def test_unexpected_loader_error_becomes_refused(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(services.pipeline, "ingest_file", explode)
    result = ingest_upload(services.settings, services.pipeline, "a.txt", b"Text")
    assert result.status == IngestStatus.REFUSED
    assert "unerwarteten Fehlers" in result.message


def test_workspaces_keep_their_own_upload_files(services: Services) -> None:
    other = services.settings.model_copy(update={"workspace": "nordkreis"})
    assert upload_dir(services.settings) == services.settings.data_dir / "uploads"
    assert upload_dir(other) == services.settings.data_dir / "uploads" / "nordkreis"


def test_a_table_upload_reports_what_it_read_and_how_far_it_is(services: Services) -> None:
    rows = ["Stadtteil;SGB-II-Quote (%);Einwohner"] + [
        f"Gebiet {i};{10 + i % 7},{i % 10};{1000 + i}" for i in range(2600)
    ]
    heard: list[tuple[float, str]] = []
    result = ingest_upload(
        services.settings,
        services.pipeline,
        "kennzahlen_2023.csv",
        "\n".join(rows).encode("utf-8"),
        lambda share, text: heard.append((share, text)),
    )
    assert result.status == IngestStatus.INDEXED
    shares = [share for share, _ in heard]
    assert shares == sorted(shares) and shares[0] > 0 and shares[-1] < 1
    assert "5.200 Tabellenwerte in 1 Datensatz" in heard[0][1]
    embedded = [text for _, text in heard if text.startswith("für die Suche aufbereitet")]
    assert len(embedded) >= 2, "the embedding reports more than once"
    assert embedded[-1].endswith(f"{result.chunks} von {result.chunks} Abschnitten")


def test_a_table_without_header_row_is_searchable_but_gives_no_guessed_values(
    services: Services,
) -> None:
    rows = "01;Altstadt;12,1;7912\n02;Bahnhofsviertel;17,1;6437\n03;Hafenviertel;23,6;10318\n"
    result = ingest_upload(services.settings, services.pipeline, "ohne_kopf.csv", rows.encode())
    assert result.status == IngestStatus.INDEXED
    assert "keine Kopfzeile erkannt" in result.message and "ohne_kopf" in result.message
    assert services.indicators.frame(services.settings.workspace).empty


def test_sessions_uploading_the_same_name_at_once_all_succeed(
    services: Services, tmp_path: Path
) -> None:
    """Three browser sessions upload „bericht.pdf“ together, each another version: each
    stages its own bytes, all finish without an error, and the kept file is the version
    the index holds."""
    base = write_report_pdf(tmp_path / "a.pdf").read_bytes()
    versions = [base + f"\n% Fassung {n}\n".encode() for n in range(3)]
    start = threading.Barrier(len(versions), timeout=60)

    def upload(data: bytes) -> IngestResult:
        start.wait()
        return ingest_upload(services.settings, services.pipeline, "bericht.pdf", data)

    with ThreadPoolExecutor(len(versions)) as pool:
        results = list(pool.map(upload, versions))

    assert all(r.status != IngestStatus.REFUSED for r in results), results
    (held,) = services.index.documents()
    kept = upload_dir(services.settings) / "bericht.pdf"
    assert held.doc_id == file_hash(kept)
    assert kept.read_bytes() in versions
    assert not any((upload_dir(services.settings) / ".incoming").iterdir())
