"""Format detection and the German messages for files that cannot be read."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from ingest.errors import IngestError
from ingest.formats import SUPPORTED_SUFFIXES, detect_format, load_file


def _docx(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("Protokoll der Sitzung", level=1)
    document.add_paragraph("Der Ausschuss tagte am 3. Juni 2024.")
    document.save(str(path))
    return path


def test_supported_suffixes_cover_all_formats() -> None:
    expected = {".pdf", ".docx", ".md", ".txt", ".html", ".htm", ".csv", ".xlsx"}
    assert expected <= SUPPORTED_SUFFIXES
    assert ".xyz" not in SUPPORTED_SUFFIXES


def test_zero_byte_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"")
    with pytest.raises(IngestError) as caught:
        load_file(path)
    assert str(caught.value) == (
        "Die Datei „x.pdf“ ist leer (0 Byte). Bitte die Originaldatei erneut exportieren."
    )


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "daten.xyz"
    path.write_text("irgendwas", encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        load_file(path)
    message = str(caught.value)
    assert "„.xyz“ wird nicht unterstützt" in message
    assert "PDF, DOCX" in message
    assert "umwandeln" in message


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"„fehlt\.pdf“ wurde nicht gefunden"):
        load_file(tmp_path / "fehlt.pdf")


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="keine Datei"):
        load_file(tmp_path)


def test_old_word_format_asks_for_docx(tmp_path: Path) -> None:
    path = tmp_path / "alt.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(IngestError) as caught:
        load_file(path)
    assert "altes Office-Format" in str(caught.value)
    assert "DOCX" in str(caught.value)


def test_damaged_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kaputt.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(IngestError, match="keine lesbare Word-Datei"):
        load_file(path)


@pytest.mark.parametrize(
    ("sample", "kind"),
    [("IHK_Entwurf_Hafenviertel.docx", "Word"), ("Sozialmonitoring_2019-2023.xlsx", "Excel")],
)
def test_truncated_or_garbled_office_files_are_refused_by_name(
    tmp_path: Path, sample: str, kind: str
) -> None:
    """Cut off mid-download, or a zip whose parts are no XML: a German message naming the
    file and the reason, never „Das Format … wird nicht unterstützt“."""
    original = Path(__file__).parent.parent / "data" / "sample" / "generated" / sample
    data = original.read_bytes()
    truncated = tmp_path / f"abgebrochen{original.suffix}"
    truncated.write_bytes(data[: len(data) // 3])
    garbled = tmp_path / f"verstuemmelt{original.suffix}"
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(garbled, "w") as archive:
        for name in source.namelist():
            part = b"\x00kein XML" if name.endswith(".xml") else source.read(name)
            archive.writestr(name, part)
    for path in (truncated, garbled):
        with pytest.raises(IngestError) as caught:
            load_file(path)
        message = str(caught.value)
        assert f"„{path.name}“" in message and f"keine lesbare {kind}-Datei" in message
        assert "nicht unterstützt" not in message


def test_text_file_without_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "leer.txt"
    path.write_text("   \n\n  \n", encoding="utf-8")
    with pytest.raises(IngestError, match="kein Text gefunden"):
        load_file(path)


def test_format_comes_from_content_when_the_name_lies(tmp_path: Path) -> None:
    real = _docx(tmp_path / "protokoll.docx")
    renamed = tmp_path / "protokoll.bin"
    shutil.copy(real, renamed)
    assert detect_format(renamed, renamed.read_bytes()[:1024]) == "docx"


def test_upload_name_gives_source_and_format(tmp_path: Path) -> None:
    upload = tmp_path / "upload_4711"
    upload.write_text("Erste Zeile.\n\nZweiter Absatz.", encoding="utf-8")
    doc = load_file(upload, source_name="Notizen Sozialplanung.txt")
    assert doc.source == "Notizen Sozialplanung.txt"
    assert doc.format == "txt"
    assert [b.text for b in doc.blocks] == ["Erste Zeile.", "Zweiter Absatz."]


def test_default_source_is_the_path(tmp_path: Path) -> None:
    path = _docx(tmp_path / "sitzung.docx")
    assert load_file(path).source == str(path)


def test_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "gesperrt.pdf"
    path.write_bytes(b"%PDF-1.7\n")

    def deny(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Keine Berechtigung")

    monkeypatch.setattr(Path, "open", deny)
    with pytest.raises(IngestError) as caught:
        load_file(path)
    assert str(caught.value).startswith("Die Datei „gesperrt.pdf“ kann nicht gelesen werden")
    assert "Zugriffsrechte" in str(caught.value)


def test_damaged_workbook_inside_a_valid_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "monitoring.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<kaputt")
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(IngestError, match="keine lesbare Excel-Datei"):
        load_file(path)
