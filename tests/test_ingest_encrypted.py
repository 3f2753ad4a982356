"""Edit-locked official PDFs (AES, empty user password) open; password-protected ones not."""

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from ingest.errors import IngestError
from ingest.formats import load_file
from tests.corpus import write_report_pdf


def _encrypt(source: Path, target: Path, user_password: str) -> Path:
    writer = PdfWriter()
    for page in PdfReader(source).pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password="amt", algorithm="AES-256")
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def test_aes_pdf_that_is_only_edit_locked_loads(tmp_path: Path) -> None:
    plain = write_report_pdf(tmp_path / "bericht.pdf")
    locked = _encrypt(plain, tmp_path / "gesperrt.pdf", user_password="")
    document = load_file(locked)
    assert document.page_count == 4
    assert any("24,7" in block.text and block.page == 3 for block in document.blocks)


def test_aes_pdf_with_a_password_is_refused_in_german(tmp_path: Path) -> None:
    plain = write_report_pdf(tmp_path / "bericht.pdf")
    locked = _encrypt(plain, tmp_path / "geheim.pdf", user_password="geheim")
    with pytest.raises(IngestError, match="Kennwort"):
        load_file(locked)
