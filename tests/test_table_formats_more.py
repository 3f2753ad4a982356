"""ODS, XLS, GeoJSON and JSON tables through the same path as CSV/XLSX: the document
loader (table rows for retrieval) and the indicator reader (values for the router)."""

from __future__ import annotations

import json
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest

from assistant.documents import uploads
from assistant.documents.ingestion import IngestStatus
from assistant.indicators import area_maps
from assistant.indicators.tables import read_table
from assistant.platform.config import Settings
from assistant.services import Services
from ingest.errors import IngestError
from ingest.formats import SUPPORTED_LABEL, SUPPORTED_SUFFIXES, detect_format, load_file
from ingest.limits import FileLimits
from tests.spreadsheet_files import Percent, Span, write_ods, write_ods_xml, write_xls

HEADER = ["Stadtteil", "Nr.", "Arbeitslosenquote (%)", "Stichtag"]
DISTRICTS = [
    ["Altstadt", "01", 7.4, date(2023, 12, 31)],
    ["Nordviertel", "02", 12.1, date(2023, 12, 31)],
    ["Hafenviertel", "03", 15.25, date(2023, 12, 31)],
]


def _values(path: Path) -> dict[tuple[str, str, str], tuple[str, int, str]]:
    """(sheet, area, indicator) -> (display, row, column) from the real indicator reader."""
    frame = read_table(path).frame
    return {
        (str(r.sheet), str(r.area_name), str(r.label)): (str(r.display), int(r.row), r.column)
        for r in frame.itertuples()
        if r.value == r.value  # not NaN
    }


def _row_texts(path: Path, source: str | None = None) -> list[str]:
    return [block.text for block in load_file(path, source).blocks]


# --- ODS ----------------------------------------------------------------------------------


def _ods(path: Path) -> Path:
    caption: list[object] = ["Sozialmonitoring Lindwerden"]
    group = [None, None, Span("Soziale Lage", 2), None]
    header = ["Stadtteil", "Nr.", "Arbeitslosenquote (%)", "Anteil Alleinerziehende"]
    rows = [
        ["Altstadt", "01", 7.4, Percent(0.125, "12,5 %")],
        ["Nordviertel", "02", 12.1, Percent(0.2, "20,0 %")],
    ]
    return write_ods(
        path,
        {
            "2022": [caption, [], group, header, *rows],
            "2023": [HEADER, *DISTRICTS],
        },
    )


def test_ods_rows_reach_the_document_loader(tmp_path: Path) -> None:
    path = _ods(tmp_path / "Monitoring.ods")
    document = load_file(path)
    assert document.format == "ods" and document.row_count == 5
    first = document.blocks[0]
    assert first.sheet == "2022" and first.row == 5
    # German decimals, the percentage as LibreOffice shows it, the merged group header.
    assert "Soziale Lage / Arbeitslosenquote (%): 7,4" in first.text
    assert "Soziale Lage / Anteil Alleinerziehende: 12,5 %" in first.text
    assert first.heading_path[:2] == ("2022", "Sozialmonitoring Lindwerden")
    last = document.blocks[-1]
    assert (last.sheet, last.row) == ("2023", 4)
    assert "Hafenviertel" in last.text and "15,25" in last.text and "31.12.2023" in last.text


def test_ods_values_reach_the_indicator_reader(tmp_path: Path) -> None:
    values = _values(_ods(tmp_path / "Monitoring.ods"))
    assert values[("2022", "Altstadt", "Arbeitslosenquote")] == ("7,4", 5, "C")
    assert values[("2023", "Hafenviertel", "Arbeitslosenquote")] == ("15,25", 4, "C")
    frame = read_table(tmp_path / "Monitoring.ods").frame
    share = frame[
        (frame["label"] == "Anteil Alleinerziehende") & (frame["area_name"] == "Nordviertel")
    ]
    assert list(share["value"]) == [20.0] and list(share["display"]) == ["20,0 %"]
    assert set(frame["area_code"]) >= {"01", "02", "03"}


def test_a_renamed_ods_is_recognised_by_its_content(tmp_path: Path) -> None:
    path = _ods(tmp_path / "export")
    assert detect_format(path, path.read_bytes()[:1024]) == "ods"
    assert load_file(path, "Monitoring.ods").format == "ods"


def test_an_ods_bomb_is_refused_before_calamine_expands_it(tmp_path: Path) -> None:
    """One filled cell repeated 100,000 × 1,000 times: 600 bytes on disk, 10⁸ cells. calamine
    would allocate until the process dies; the first pass counts and refuses."""
    cell = (
        '<table:table-cell table:number-columns-repeated="1000" office:value-type="float" '
        'office:value="1"><text:p>1</text:p></table:table-cell>'
    )
    table = (
        '<table:table table:name="Blatt1"><table:table-row table:number-rows-repeated='
        f'"100000">{cell}</table:table-row></table:table>'
    )
    path = write_ods_xml(tmp_path / "bombe.ods", table)
    assert path.stat().st_size < 2000
    started = time.perf_counter()
    for read in (lambda: load_file(path), lambda: read_table(path)):
        with pytest.raises(IngestError) as caught:
            read()
        message = str(caught.value)
        assert "„bombe.ods“ hat mehr als 1.000.000 Zellen" in message
        assert "limits.max_table_cells" in message
    assert time.perf_counter() - started < 10


def test_ods_cells_are_counted_against_the_limit(tmp_path: Path) -> None:
    path = _ods(tmp_path / "Monitoring.ods")
    with pytest.raises(IngestError, match=r"„Monitoring\.ods“ hat mehr als 20 Zellen"):
        load_file(path, limits=FileLimits(max_table_cells=20))
    assert load_file(path, limits=FileLimits(max_table_cells=60)).row_count == 5


@pytest.mark.parametrize(
    "content",
    [
        b"<office:document-content><office:body>",  # cut off mid-file
        None,  # no content.xml at all
    ],
)
def test_a_broken_ods_gets_a_german_message_naming_it(
    tmp_path: Path, content: bytes | None
) -> None:
    path = _ods(tmp_path / "kaputt.ods")
    broken = tmp_path / "broken.ods"
    with zipfile_copy(path, broken) as package:
        if content is not None:
            package.writestr("content.xml", content)
    with pytest.raises(IngestError) as caught:
        load_file(broken, "kaputt.ods")
    assert "„kaputt.ods“" in str(caught.value) and "keine lesbare ODS-Datei" in str(caught.value)
    renamed = broken.rename(tmp_path / "kaputt2.ods")
    with pytest.raises(IngestError, match=r"Die ODS-Datei „kaputt2\.ods“ kann nicht geöffnet"):
        read_table(renamed)


def zipfile_copy(source: Path, target: Path) -> zipfile.ZipFile:
    """A copy of `source`'s mimetype and manifest only; the caller adds the rest."""
    with zipfile.ZipFile(source) as original:
        parts = {n: original.read(n) for n in ("mimetype", "META-INF/manifest.xml")}
    package = zipfile.ZipFile(target, "w")
    package.writestr(zipfile.ZipInfo("mimetype"), parts["mimetype"])
    package.writestr("META-INF/manifest.xml", parts["META-INF/manifest.xml"])
    return package


# --- XLS ----------------------------------------------------------------------------------


def _xls(path: Path) -> Path:
    """Two sheets; the 2023 table starts at B3 under a merged caption, as exports do."""
    caption = [["Arbeitsmarkt 2023", None, None, None], [None] * 4]
    return write_xls(
        path,
        {"2023": [*caption, HEADER, *DISTRICTS], "2022": [HEADER, ["Altstadt", "01", 8, None]]},
        start=(2, 1),
        merges=(("2023", 2, 2, 1, 4),),
    )


def test_xls_rows_reach_the_document_loader(tmp_path: Path) -> None:
    document = load_file(_xls(tmp_path / "Arbeitsmarkt.xls"))
    assert document.format == "xls"
    texts = [(b.sheet, b.row, b.text) for b in document.blocks]
    sheet, row, text = texts[0]
    assert (sheet, row) == ("2023", 6)  # B3 caption, B5 header, B6 Altstadt
    assert "Stadtteil: Altstadt" in text and "Arbeitslosenquote (%): 7,4" in text
    assert "Stichtag: 31.12.2023" in text
    assert any(s == "2022" and "Arbeitslosenquote (%): 8" in t for s, _, t in texts)


def test_xls_values_reach_the_indicator_reader(tmp_path: Path) -> None:
    values = _values(_xls(tmp_path / "Arbeitsmarkt.xls"))
    assert values[("2023", "Altstadt", "Arbeitslosenquote")] == ("7,4", 6, "D")
    assert values[("2023", "Hafenviertel", "Arbeitslosenquote")] == ("15,25", 8, "D")
    assert values[("2022", "Altstadt", "Arbeitslosenquote")] == ("8", 4, "D")


def test_xls_is_no_longer_sent_to_be_converted(tmp_path: Path) -> None:
    path = _xls(tmp_path / "Arbeitsmarkt.xls")
    assert detect_format(path, path.read_bytes()[:1024]) == "xls"
    fake = tmp_path / "kaputt.xls"
    fake.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(IngestError) as caught:
        load_file(fake)
    assert "„kaputt.xls“ ist keine lesbare Excel-Datei" in str(caught.value)
    assert "altes Office-Format" not in str(caught.value)


# --- GeoJSON and JSON ---------------------------------------------------------------------


def _feature(name: str, code: str, rate: float, **more: object) -> dict[str, object]:
    square = [[[13.7, 51.0], [13.8, 51.0], [13.8, 51.1], [13.7, 51.0]]]
    return {
        "type": "Feature",
        "properties": {"Stadtteil": name, "Nr": code, "Arbeitslosenquote": rate, **more},
        "geometry": {"type": "Polygon", "coordinates": square},
    }


def _geojson(path: Path) -> Path:
    features = [
        _feature("Altstadt", "01", 7.4, Jahr=2023, Quelle={"Amt": "BA", "Stand": "12/2023"}),
        _feature("Nordviertel", "02", 12.1, Jahr=2023, Programme=["Sanierungsgebiet", "ISEK"]),
        _feature("Hafenviertel", "03", 15.25, Jahr=2023, Gebaeude=[{"nr": 1}]),
    ]
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def test_geojson_properties_become_table_rows(tmp_path: Path) -> None:
    document = load_file(_geojson(tmp_path / "Stadtteile.geojson"))
    assert document.format == "json" and document.row_count == 3
    first, second, third = (b.text for b in document.blocks)
    assert "Stadtteil: Altstadt" in first and "Arbeitslosenquote: 7,4" in first
    assert "Quelle.Amt: BA" in first  # nested object flattened
    assert "Programme: Sanierungsgebiet, ISEK" in second  # a list of plain values joined
    assert "Gebaeude" not in third and "nr" not in third  # a list of objects skipped
    assert "coordinates" not in first and "13,7" not in first  # geometry dropped
    assert [b.row for b in document.blocks] == [2, 3, 4]


def test_geojson_values_reach_the_indicator_reader(tmp_path: Path) -> None:
    frame = read_table(_geojson(tmp_path / "Stadtteile.geojson")).frame
    rates = frame[frame["label"] == "Arbeitslosenquote"]
    assert dict(zip(rates["area_name"], rates["display"], strict=True)) == {
        "Altstadt": "7,4",
        "Nordviertel": "12,1",
        "Hafenviertel": "15,25",
    }
    assert set(rates["area_code"]) == {"01", "02", "03"}
    assert set(rates["year"]) == {2023} and set(rates["row"]) == {2, 3, 4}


def test_json_records_are_one_table(tmp_path: Path) -> None:
    records = [
        {"Stadtteil": "Altstadt", "Einwohner": 12345, "SGB-II-Quote": "8,1"},
        {"Stadtteil": "Nordviertel", "Einwohner": 8020, "SGB-II-Quote": "21,3", "Neu": True},
    ]
    path = tmp_path / "sgb2.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    texts = _row_texts(path)
    assert texts[0].endswith("Stadtteil: Altstadt; Einwohner: 12345; SGB-II-Quote: 8,1")
    assert "Neu: ja" in texts[1]
    values = _values(path)
    assert values[("None", "Nordviertel", "SGB-II-Quote")] == ("21,3", 3, "C")
    assert values[("None", "Altstadt", "Einwohner")] == ("12345", 2, "B")


def test_records_an_api_wraps_are_read(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text(
        '{"success": true, "result": {"fields": [{"id": "Stadtteil"}, {"id": "Quote"}], '
        '"records": [{"Stadtteil": "Altstadt", "Quote": 7.4}, {"Stadtteil": "Hafen", '
        '"Quote": 21.3}, {"Stadtteil": "Nord", "Quote": 9.0}]}}',
        encoding="utf-8",
    )
    values = _values(path)
    assert values[("None", "Hafen", "Quote")][0] == "21,3"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"result": {"records": 3}}', "ein Objekt mit den Schlüsseln „result“"),
        ("[1, 2, 3]", "die Liste enthält nicht nur Objekte"),
        ("[]", "die Liste ist leer"),
        ('"Stadtteil"', "nur einen einzelnen Wert"),
        ('{"type": "FeatureCollection", "features": []}', "enthält keine Objekte"),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null}]}',
            "keine Eigenschaften (properties)",
        ),
        ('[{"Karte": [{"x": 1}]}]', "keine einfachen Werte"),
    ],
)
def test_json_that_is_no_table_is_refused_naming_file_and_reason(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "daten.json"
    path.write_text(content, encoding="utf-8")
    for read in (lambda: load_file(path), lambda: read_table(path)):
        with pytest.raises(IngestError) as caught:
            read()
        message = str(caught.value)
        assert message.startswith("„daten.json“ enthält keine Tabelle: ")
        assert reason in message


def test_broken_json_names_the_file_and_the_place(tmp_path: Path) -> None:
    path = tmp_path / "kaputt.geojson"
    path.write_text('{"type": "FeatureCollection",\n "features": [', encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        load_file(path)
    assert str(caught.value).startswith(
        "„kaputt.geojson“ ist keine gültige JSON-Datei (Fehler in Zeile 2"
    )


def test_json_cells_are_counted_against_the_limit(tmp_path: Path) -> None:
    records = [{"Stadtteil": f"Gebiet {i}", "Wert": i} for i in range(30)]
    path = tmp_path / "gross.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    limits = FileLimits(max_table_cells=40)
    with pytest.raises(IngestError) as caught:
        load_file(path, limits=limits)
    assert "„gross.json“ hat" in str(caught.value) and "höchstens 40 Zellen" in str(caught.value)
    # Counted while the rows are built, too: 20 records × 2 keys pass the first check,
    # the header row makes 42 cells.
    path.write_text(json.dumps(records[:20]), encoding="utf-8")
    with pytest.raises(IngestError, match=r"„gross\.json“ hat mehr als 40 Zellen .*Zeile 21"):
        read_table(path, limits=limits)


def test_the_new_formats_are_announced() -> None:
    assert {".ods", ".xls", ".json", ".geojson"} <= SUPPORTED_SUFFIXES
    for label in ("ODS", "XLS", "JSON", "GeoJSON"):
        assert label in SUPPORTED_LABEL


# --- End to end ---------------------------------------------------------------------------


def test_an_indicator_question_is_answered_from_an_ingested_geojson(
    services: Services, tmp_path: Path
) -> None:
    path = _geojson(tmp_path / "Arbeitsmarkt_Stadtteile.geojson")
    (result,) = services.pipeline.ingest_paths([path])
    assert result.status == IngestStatus.INDEXED, result.message
    answer = services.answers.ask("Wie hoch ist die Arbeitslosenquote im Hafenviertel?")
    assert answer.mode == "indicators"
    assert "15,25" in answer.text
    cell = answer.citations[0].ref
    assert (cell.source, cell.row, cell.column) == ("Arbeitsmarkt_Stadtteile.geojson", 4, "C")
    ranking = services.answers.ask("Welcher Stadtteil hat die höchste Arbeitslosenquote?")
    assert ranking.mode == "indicators" and "Hafenviertel" in ranking.text.split("\n")[1]


def test_a_geojson_uploaded_as_a_map_still_goes_to_the_maps(
    settings: Settings, tmp_path: Path
) -> None:
    data = _geojson(tmp_path / "Stadtteile.geojson").read_bytes()
    saved = uploads.save_map(settings, "Stadtteile.geojson", data)
    assert area_maps.map_files(uploads.map_folder(settings)) == [saved]
    lookup = area_maps.area_lookup([("a", ("01", "Altstadt", "Altstadt"))])
    found = area_maps.best_map([saved], lookup)
    assert found is not None and found.prop == "Stadtteil"
