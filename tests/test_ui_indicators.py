"""The Indikatoren page: ranking chart and table, time series, social index, map, downloads."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from assistant.documents.uploads import ingest_upload
from assistant.indicators import area_maps
from assistant.platform.config import Settings
from assistant.services import Services
from tests.fixtures_files import write_csv
from ui import indicator_charts as charts

APP = str(Path(__file__).resolve().parents[1] / "ui" / "app.py")
PAGE = "views/indicators.py"
HEADER = ["Stadtteil", "SGB-II-Quote (%)", "Arbeitslosenquote (%)", "Einwohner"]
TABLES = {
    2021: [
        ["Hafenviertel", "20,1", "9,5", "10318"],
        ["Nordfeld", "9,0", "3,1", "9000"],
        ["Altstadt", "12,0", "5,2", "7791"],
        ["Südstadt", "15,0", "7,0", "8000"],
    ],
    2023: [
        ["Hafenviertel", "24,7", "9,9", "10400"],
        ["Nordfeld", "8,1", "3,0", "9100"],
        ["Altstadt", "11,6", "5,0", "7800"],
        ["Südstadt", "15,3", "7,2", "8100"],
    ],
}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in list(os.environ):
        if key.startswith("PLANWERK_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PLANWERK_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("PLANWERK_DATA_DIR", str(tmp_path / "index"))
    return tmp_path / "index"


@pytest.fixture
def seeded(data_dir: Path, tmp_path: Path) -> Path:
    services = Services(Settings())
    for year, rows in TABLES.items():
        name = f"kennzahlen_{year}.csv"
        data = write_csv(tmp_path / name, [HEADER, *rows], encoding="utf-8").read_bytes()
        ingest_upload(services.settings, services.pipeline, name, data)
    services.close()
    return data_dir


def page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for kind in ("info", "warning", "error"):
        parts += [str(e.value) for e in at.get(kind)]
    return "\n".join(parts)


def select_sgb2(at: AppTest) -> None:
    next(s for s in at.selectbox if s.label == "Indikator").select("sgb2_quote").run()
    assert not at.exception, at.exception


def download_labels(at: AppTest) -> list[str]:
    return [e.proto.label for e in at.get("download_button")]


def test_empty_store_points_to_documents(data_dir: Path) -> None:
    at = page()
    assert "Seite „Dokumente“" in texts(at)
    assert not at.dataframe


def test_ranking_series_index_and_downloads(seeded: Path) -> None:
    at = page()
    select_sgb2(at)
    ranked = at.dataframe[0].value
    assert list(ranked["Gebiet"]) == ["Hafenviertel", "Südstadt", "Altstadt", "Nordfeld"]
    assert list(ranked["Wert"]) == ["24,7 %", "15,3 %", "11,6 %", "8,1 %"]
    assert "Zahl" not in ranked, "figures are shown once, in German format"
    assert "kennzahlen_2023.csv" in ranked["Quelle"][0] and "Zeile 2" in ranked["Quelle"][0]
    assert at.get("vega_lite_chart"), "bar and line charts"
    assert len(at.get("vega_lite_chart")) >= 2
    bars = at.get("vega_lite_chart")[0].proto
    assert '"text"' in bars.spec, "values are written next to the bars"
    plotted = pa.ipc.open_stream(bars.datasets[0].data.data).read_pandas()
    assert dict(zip(plotted["Gebiet"], plotted["Zahl"], strict=True))["Hafenviertel"] == 24.7
    assert list(plotted["Wert"]) == list(ranked["Wert"])
    spec = json.loads(bars.spec)
    assert spec["layer"][0]["encoding"]["y"]["sort"] == list(ranked["Gebiet"]), "bars = table"
    assert spec["config"]["locale"]["number"]["decimal"] == ",", "German axis numbers"

    series = at.dataframe[1].value
    hafen = series[series["Gebiet"] == "Hafenviertel"]
    assert list(hafen["Jahr"]) == [2021, 2023]
    assert list(hafen["Wert"]) == ["20,1 %", "24,7 %"]
    assert not any("nan" in q for q in series["Quelle"]), "no sheet name for a CSV"

    index = at.dataframe[2].value
    assert {"Statusindex", "Statusklasse", "Dynamikklasse", "Status/Dynamik"} <= set(index)
    assert index["Gebiet"].iloc[0] == "Hafenviertel"
    assert index["Statusklasse"].iloc[0] == "sehr niedrig"
    assert all(isinstance(c, str) and c for c in index["Statusklasse"])

    labels = download_labels(at)
    assert labels.count("Als CSV herunterladen") == 3
    assert labels.count("Als XLSX herunterladen") == 3
    assert "GeoJSON" in texts(at)
    assert not at.get("deck_gl_json_chart")


def test_download_bytes_hold_the_source_figures() -> None:
    frame = pd.DataFrame({"Gebiet": ["Hafenviertel"], "Wert": ["24,7"], "Zahl": [24.7]})
    csv = charts.csv_bytes(frame).decode("utf-8-sig")
    assert csv.splitlines() == ["Gebiet;Wert;Zahl", "Hafenviertel;24,7;24,7"]
    back = pd.read_excel(io.BytesIO(charts.xlsx_bytes(frame)), engine="openpyxl")
    assert back.loc[0, "Zahl"] == 24.7 and back.loc[0, "Gebiet"] == "Hafenviertel"


def _square(x: float, y: float) -> list[list[list[float]]]:
    return [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]]


GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"id": i, "STADTTEIL": name},
            "geometry": {"type": "Polygon", "coordinates": _square(8.0 + i * 0.01, 50.0)},
        }
        for i, name in enumerate(["Hafenviertel", "Nordfeld", "Altstadt", "Wüste"])
    ],
}


def test_geojson_upload_draws_a_map(seeded: Path) -> None:
    data = json.dumps(GEOJSON).encode()
    drawn = charts.build_choropleth(
        area_maps.parse_geojson(data),
        "STADTTEIL",
        {"hafenviertel": "~h", "nordfeld": "~n", "altstadt": "~a"},
        {"~h": 24.7, "~n": 8.1, "~a": 11.6},
        {"~h": "24,7", "~n": "8,1", "~a": "11,6"},
        {"~h": "Hafenviertel", "~n": "Nordfeld", "~a": "Altstadt"},
    )
    assert list(drawn.table["Wert"]) == ["24,7", "8,1", "11,6", ""]
    assert drawn.table["Klasse"].iloc[0].startswith("Klasse 3")
    assert drawn.unmatched == ["Wüste"]

    at = page()
    select_sgb2(at)
    at.file_uploader[0].upload("stadtteile.geojson", data, "application/geo+json").run()
    assert not at.exception, at.exception
    assert at.get("deck_gl_json_chart")
    assert "Legende" in texts(at) and "Klasse 1" in texts(at)
    table = at.dataframe[-1].value
    assert list(table["Gebiet"])[:3] == ["Hafenviertel", "Nordfeld", "Altstadt"]
    assert list(table["Wert"])[:3] == ["24,7", "8,1", "11,6"]
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert not spec.get("mapStyle"), "no basemap tiles from the internet"
    assert len(spec["layers"]) == 1 and spec["layers"][0]["@@type"] == "GeoJsonLayer"

    colour_by = next(r for r in at.radio if r.label == "Einfärben nach")
    colour_by.set_value(next(o for o in colour_by.options if o.startswith("Statusindex"))).run()
    assert not at.exception, at.exception
    table = at.dataframe[-1].value
    assert table["Wert"].iloc[0].endswith("(sehr niedrig)")
    assert at.get("deck_gl_json_chart")


def test_each_dataset_is_shown_on_its_own(seeded: Path, tmp_path: Path) -> None:
    """A Kreis table beside the Stadtteil tables: the page shows one of them at a time."""
    services = Services(Settings())
    rows = [
        ["Kreis", "Kennziffer", "SGB-II-Quote (%)"],
        ["Kreis Nordheide", "05111", "31,2"],
        ["Kreis Südmoor", "05112", "18,4"],
        ["Kreis Westfeld", "05113", "9,7"],
    ]
    data = write_csv(tmp_path / "kreise_2023.csv", rows, encoding="utf-8").read_bytes()
    ingest_upload(services.settings, services.pipeline, "kreise_2023.csv", data)
    services.close()

    at = page()
    dataset = next(s for s in at.selectbox if s.label == "Datensatz")
    assert len(dataset.options) == 2
    assert any("Kreise" in o for o in dataset.options) and any(
        "Stadtteile" in o for o in dataset.options
    )
    select_sgb2(at)
    assert set(at.dataframe[0].value["Gebiet"]) == {
        "Hafenviertel",
        "Südstadt",
        "Altstadt",
        "Nordfeld",
    }

    kreise = next(o for o in dataset.options if "Kreise" in o)
    dataset.select(dataset.options[dataset.options.index(kreise)]).run()
    assert not at.exception, at.exception
    select_sgb2(at)
    ranked = at.dataframe[0].value
    assert list(ranked["Gebiet"]) == ["Kreis Nordheide", "Kreis Südmoor", "Kreis Westfeld"]
    assert "Berechnet nur aus kreise_2023 (Kreise)" in texts(at)


def test_five_colour_classes_carry_colours_and_shades() -> None:
    classes = charts.colour_classes([float(v) for v in range(10)])
    assert [c.shade for c in classes] == list(charts.SHADES)
    assert all(len(c.colour) == 3 for c in classes)
