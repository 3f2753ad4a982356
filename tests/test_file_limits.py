"""Files too large to read safely are refused before reading, naming the file and the limit."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.ingestion import IngestStatus
from assistant.services import Services
from assistant.uploads import ingest_upload
from ingest.errors import IngestError
from ingest.limits import FileLimits, check_file
from tests.corpus import write_report_pdf


def _refusal(path: Path, limits: FileLimits) -> str:
    with pytest.raises(IngestError) as caught:
        check_file(path, path.name, limits)
    return caught.value.message


def test_size_pages_and_text_table_cells(tmp_path: Path) -> None:
    big = tmp_path / "gross.csv"
    big.write_bytes(b"Stadtteil;Wert\n" + b"Altstadt;1,0\n" * 200_000)
    message = _refusal(big, FileLimits(max_mb=1))
    assert "„gross.csv“ ist 2 MB groß" in message and "höchstens 1 MB" in message
    message = _refusal(big, FileLimits(max_table_cells=100_000))
    assert "etwa 400.002 Zellen" in message and "höchstens 100.000 Zellen" in message

    report = write_report_pdf(tmp_path / "bericht.pdf")
    assert "Seiten" in _refusal(report, FileLimits(max_pages=1))
    check_file(report, report.name, FileLimits())  # within every limit


def test_a_packed_file_that_inflates_is_refused_unread(tmp_path: Path) -> None:
    bomb = tmp_path / "bombe.xlsx"
    sheet = (
        b'<worksheet><dimension ref="A1:Z900000"/><sheetData>'
        + b"<row/>" * 2_000_000
        + b"</sheetData></worksheet>"
    )
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/worksheets/sheet1.xml", sheet)
    assert "-fach gepackt" in _refusal(bomb, FileLimits())
    assert "entpackt sich auf 11 MB" in _refusal(bomb, FileLimits(max_unpacked_mb=5))
    message = _refusal(bomb, FileLimits(max_packing_ratio=10_000))
    assert "Tabellenblatt mit 23.400.000 Zellen" in message


def test_an_upload_over_a_limit_is_refused_in_german(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "index", limits=FileLimits(max_mb=0.001))
    services = Services(settings)
    try:
        data = b"Stadtteil;Wert\n" + b"Altstadt;1,0\n" * 200
        result = ingest_upload(settings, services.pipeline, "kennzahlen.csv", data)
        assert result.status == IngestStatus.REFUSED
        assert "„kennzahlen.csv“" in result.message and "höchstens 0,001 MB" in result.message
        assert not services.index.documents()
    finally:
        services.close()
