"""Files too large to read safely are refused before reading, naming the file and the limit."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from assistant.documents.ingestion import IngestStatus
from assistant.documents.uploads import ingest_upload
from assistant.indicators.tables import read_table
from assistant.platform.config import Settings
from assistant.services import Services
from ingest.errors import IngestError
from ingest.formats import load_file
from ingest.limits import FileLimits, check_file
from tests.corpus import write_report_pdf
from tests.fixtures_files import write_xlsx_bomb

# The ingest CLI, then its own peak memory (ru_maxrss, KiB) on stderr.
_PEAK = (
    "import resource, sys\nfrom assistant.cli import app\n"
    "try:\n    app()\nexcept SystemExit as end:\n    code = end.code\n"
    "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)"
)


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
    assert "hat 23.400.000 Zellen" in message and "limits.max_table_cells" in message


def test_the_filled_cells_are_counted_before_a_sheet_without_declared_size_is_read(
    tmp_path: Path,
) -> None:
    bomb = write_xlsx_bomb(tmp_path / "bombe.xlsx", megabytes=2, columns=10)
    message = _refusal(bomb, FileLimits(max_table_cells=50_000))
    assert "„bombe.xlsx“ hat 7" in message and "gefüllte Zellen" in message
    assert "höchstens 50.000 Zellen" in message
    check_file(bomb, bomb.name, FileLimits())  # the default allows these 75,000 cells


def _sparse_sheet(path: Path, rows: int) -> Path:
    """Few filled cells, but a used range of `rows` × 26: column A and one cell in Z1,
    saved without a declared size, so only counting while reading can see it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Kennzahlen"
    sheet["A1"], sheet["Z1"] = "Stadtteil", "Quelle"
    for row in range(2, rows + 1):
        sheet.cell(row, 1, f"Stadtteil {row}")
    workbook.save(path)
    _rewrite_sheet(path, lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))
    return path


def _rewrite_sheet(path: Path, change: Callable[[bytes], bytes]) -> None:
    packed = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(packed)) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, change(data) if "worksheets/sheet" in item.filename else data)


def test_rows_times_columns_are_counted_while_reading(tmp_path: Path) -> None:
    sheet = _sparse_sheet(tmp_path / "weit.xlsx", rows=1000)
    limits = FileLimits(max_table_cells=10_000)
    check_file(sheet, sheet.name, limits)  # 1,001 filled cells: nothing to see up front
    expected = "„weit.xlsx“ hat mehr als 10.000 Zellen (Zeilen × Spalten, gezählt bis Zeile 385)"
    with pytest.raises(IngestError, match=re.escape(expected)):
        load_file(sheet, limits=limits)
    with pytest.raises(IngestError, match=re.escape(expected)):
        read_table(sheet, limits=limits)  # the indicator reader shares the reader
    assert load_file(sheet).row_count == 999  # within the default limit: every row

    table = tmp_path / "mit_titel.csv"  # a one-field title line hides the width up front
    table.write_text("Tabelle 1: Kennzahlen\n" + "Altstadt;1;2;3;4\n" * 3000, encoding="utf-8")
    check_file(table, table.name, limits)
    with pytest.raises(IngestError, match=re.escape("„mit_titel.csv“ hat mehr als 10.000")):
        load_file(table, limits=limits)


def test_a_wrong_declared_size_loses_no_row_and_no_formula(tmp_path: Path) -> None:
    path = tmp_path / "falsche_groesse.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Stadtteil", "Einwohner"])
    sheet.append(["Altstadt", 1200])
    sheet.append(["Neustadt", 800])
    sheet.append(["Summe", "=SUM(B2:B3)"])
    workbook.save(path)
    _rewrite_sheet(
        path, lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', xml)
    )
    rows = [block.text for block in load_file(path).blocks]
    assert rows[-1] == "Stadtteil: Summe; Einwohner: 2000"


def test_bombs_are_refused_early_in_german_within_the_memory_bound(tmp_path: Path) -> None:
    """The 8 MB XLSX that unpacks to 130 MB took 50 s and 1.3 GiB and was then called
    unreadable; one that unpacks to 40 MB of 1.3 million cells passes the size checks."""
    inflating = write_xlsx_bomb(tmp_path / "bombe.xlsx", megabytes=130)
    crowded = write_xlsx_bomb(tmp_path / "zellen.xlsx", megabytes=40, columns=10)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANWERK_")}
    env |= {"PLANWERK_DATA_DIR": str(tmp_path / "index"), "COLUMNS": "400"}
    env |= {"PLANWERK_CONFIG": str(tmp_path / "x.toml")}
    run = subprocess.run(
        [sys.executable, "-c", _PEAK, "ingest", str(inflating), str(crowded)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert "„bombe.xlsx“ entpackt sich auf 130 MB" in run.stdout
    assert re.search(r"„zellen.xlsx“ hat 1\.3\d\d\.\d{3} gefüllte Zellen", run.stdout)
    assert "keine lesbare" not in run.stdout
    peak_kib = int(run.stderr.rsplit("PEAK", 1)[1].split()[0])
    assert peak_kib < 1.5 * 1024 * 1024, f"peak {peak_kib / 1024:.0f} MiB"


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
