"""The indicator store: per-document transactions, replace/remove, gazetteer, catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.indicators.catalogue import Catalogue
from assistant.indicators.gazetteer import Gazetteer, aggregate_kind, split_code
from assistant.indicators.store import IndicatorStore
from assistant.platform.config import Settings
from ingest.errors import IngestError
from tests.test_indicators_fixtures import (
    monitoring_store,
    write_bom_csv,
    write_monitoring_xlsx,
)


def test_values_land_in_long_format_with_catalogue_keys(tmp_path: Path) -> None:
    store = monitoring_store(tmp_path)
    frame = store.frame()
    keys = set(frame["indicator"])
    assert {"sgb2_quote", "kinderarmut", "arbeitslosenanteil", "einwohner"} <= keys
    assert "anteil_haushalte_mit_wohngeld" in keys  # header-derived, not in the catalogue
    assert "alleinerziehende" in keys  # "Alleinerziehende in %" matched by synonym
    derived = store.definition("anteil_haushalte_mit_wohngeld")
    assert (derived.catalogued, derived.unit, derived.direction) == (False, "%", "unknown")
    nord = frame[(frame["indicator"] == "sgb2_quote") & (frame["year"] == 2023)]
    nord = nord[nord["area_label"] == "Nordviertel"].iloc[0]
    assert (nord["source"], nord["sheet"], nord["row"], nord["column"]) == (
        "sozialmonitoring.xlsx",
        "2023",
        5,
        "D",
    )
    summaries = {s.key: s for s in store.indicators()}
    assert summaries["sgb2_quote"].years == (2019, 2021, 2023)
    assert summaries["sgb2_quote"].areas == 7


def test_gazetteer_links_name_variants_to_codes(tmp_path: Path) -> None:
    store = monitoring_store(tmp_path)
    frame = store.frame()
    single = frame[frame["indicator"] == "alleinerziehende"]
    keys = dict(zip(single["area_name"], single["area_key"], strict=True))
    assert keys["Nord-Viertel"] == "2"  # learned: "Nordviertel" has code 02 in the workbook
    assert keys["Stadtteil 03"] == "3"
    assert keys["Lindenhöhe"] == "4"
    wohngeld = frame[frame["indicator"] == "anteil_haushalte_mit_wohngeld"]
    assert set(wohngeld["area_key"]) == {"1", "2", "3"}  # "1" is the same area as "01"
    labels = dict(zip(single["area_key"], single["area_label"], strict=True))
    assert labels["2"] == "Nordviertel"
    gazetteer = store.geographies()
    assert gazetteer.resolve("", "Nord-Viertel") == "2"
    assert [m.key for m in gazetteer.find_in_text("Wie steht Stadtteil 03 da?")] == ["3"]


def test_gazetteer_on_its_own() -> None:
    gazetteer = Gazetteer()
    gazetteer.learn("", "Nordstadt")  # a name-only table came first
    gazetteer.learn("04", "Nordstadt")
    assert gazetteer.resolve("", "Nord-Stadt") == "4"
    assert gazetteer.resolve("", "Stadtteil 04") == "4"
    assert gazetteer.resolve("4", "") == "4"
    assert gazetteer.name("4") == "Nordstadt" and gazetteer.code("4") == "04"
    assert gazetteer.resolve("", "Nordstdt") == "4"  # a typo still finds the area
    assert gazetteer.resolve("", "Südpark") is None
    mentions = gazetteer.find_in_text("Wie hoch ist die Quote in der Nord-Stadt?")
    assert [(m.key, m.text) for m in mentions] == [("4", "Nord-Stadt")]
    assert split_code("04 Nordstadt") == ("04", "Nordstadt")
    assert aggregate_kind("", "Stadt gesamt") == "Gesamtstadt"
    assert aggregate_kind("", "Summe") == "Gesamtstadt"
    assert aggregate_kind("", "Bezirk Nord insgesamt") == "Bezirk"
    assert aggregate_kind("", "Gesamtschule Nord") == ""


def test_a_kreis_written_with_its_kind_after_the_name_is_found_as_a_question_writes_it() -> None:
    from assistant.indicators.gazetteer import Gazetteer

    gazetteer = Gazetteer()
    gazetteer.learn("14713000", "Leipzig Stadt")
    gazetteer.learn("14729000", "Leipzig, Landkreis")
    found = gazetteer.find_in_text(
        "Vergleiche die Fahrzeit in der Stadt Leipzig mit der im Landkreis Leipzig."
    )
    assert [m.name for m in found] == ["Leipzig Stadt", "Leipzig, Landkreis"]


def test_remove_and_replace_stay_in_step_with_the_document(tmp_path: Path) -> None:
    store = monitoring_store(tmp_path)
    before = len(store.frame())
    assert store.has_document("bom")
    removed = store.remove_document("bom")
    assert removed == 3
    assert not store.has_document("bom")
    assert "anteil_haushalte_mit_wohngeld" not in set(store.frame()["indicator"])
    assert len(store.frame()) == before - 3
    # A changed file replaces its predecessor in one step.
    store.add_table("bom-v2", "wohngeld.csv", write_bom_csv(tmp_path / "w2.csv"))
    rows = store.add_table(
        "bom-v3", "wohngeld.csv", write_bom_csv(tmp_path / "w3.csv"), replaces=["bom-v2"]
    )
    assert rows == 3
    assert [d.doc_id for d in store.documents()][-1] == "bom-v3"
    assert not store.has_document("bom-v2")
    # Re-adding the same doc_id is idempotent.
    assert store.add_table("bom-v3", "wohngeld.csv", tmp_path / "w3.csv") == 3
    assert len(store.frame()) == before


def test_a_failing_file_leaves_the_store_unchanged(tmp_path: Path) -> None:
    store = monitoring_store(tmp_path)
    before = store.frame().copy()
    broken = tmp_path / "kaputt.xlsx"
    broken.write_bytes(b"PK\x03\x04 nope")
    with pytest.raises(IngestError):
        store.add_table("xlsx", "sozialmonitoring.xlsx", broken)  # same doc_id as before
    assert store.has_document("xlsx")
    assert len(store.frame()) == len(before)


def test_prepare_then_write_for_the_ingest_pipeline(tmp_path: Path) -> None:
    store = IndicatorStore("sqlite://")
    prepared = store.prepare_table(write_monitoring_xlsx(tmp_path / "m.xlsx"))
    assert prepared.rows > 0 and store.frame().empty  # parsing writes nothing
    assert store.write_table("m", "m.xlsx", prepared) == prepared.rows
    assert store.has_document("m") and not store.frame().empty


def test_non_indicator_tables_are_recorded_without_values(tmp_path: Path) -> None:
    store = IndicatorStore("sqlite://")
    path = tmp_path / "termine.csv"
    path.write_text("Datum;Termin\n01.02.2024;Ausschuss\n", encoding="utf-8")
    assert store.add_table("t", "termine.csv", path) == 0
    assert store.has_document("t") and store.documents()[0].notes
    assert store.add_table("p", "bericht.pdf", tmp_path / "bericht.pdf") == 0  # not a table
    assert store.remove_document("t") == 0 and not store.has_document("t")


def test_workspaces_are_separate_and_settings_give_the_database(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "index")
    store = IndicatorStore.from_settings(settings)
    path = write_monitoring_xlsx(tmp_path / "m.xlsx")
    store.add_table("x", "m.xlsx", path, workspace="essen")
    assert (tmp_path / "index" / "planwerk.sqlite3").exists()
    assert store.frame("default").empty
    assert not store.frame("essen").empty
    other = IndicatorStore.from_settings(settings)  # a second process sees the same data
    assert len(other.frame("essen")) == len(store.frame("essen"))


def test_duplicate_values_prefer_a_present_value_then_the_newest_document(
    tmp_path: Path,
) -> None:
    store = IndicatorStore("sqlite://")
    first = tmp_path / "a.csv"
    first.write_text("Stadtteil;SGB-II-Quote 2023 (%)\nAltstadt;12,1\nHafen;.\n", encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text("Stadtteil;SGB-II-Quote 2023 (%)\nAltstadt;12,2\nHafen;.\n", "utf-8")
    store.add_table("a", "a.csv", first)
    store.add_table("b", "b.csv", second)
    frame = store.frame().set_index("area_label")
    assert frame.loc["Altstadt", "display"] == "12,2" and frame.loc["Altstadt", "source"] == "b.csv"
    assert frame.loc["Hafen", "value_text"] == "."


def test_catalogue_edits_apply_after_reclassify(tmp_path: Path) -> None:
    store = IndicatorStore(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    store.add_table("bom", "wohngeld.csv", write_bom_csv(tmp_path / "w.csv"))
    assert "anteil_haushalte_mit_wohngeld" in set(store.frame()["indicator"])
    extended = Catalogue.from_dict(
        {
            "indicators": [
                {
                    "key": "wohngeld",
                    "name": "Wohngeldquote",
                    "unit": "%",
                    "direction": "higher_is_worse",
                    "kind": "rate",
                    "synonyms": ["Haushalte mit Wohngeld"],
                }
            ]
        }
    )
    edited = IndicatorStore(store.engine, extended)
    assert edited.reclassify() == 3
    assert set(edited.frame()["indicator"]) == {"wohngeld"}
    with pytest.raises(ValueError, match="Richtung"):
        Catalogue.from_dict({"indicators": [{"key": "a", "name": "A", "direction": "up"}]})


def test_a_count_header_keeps_its_own_key_beside_a_rate_entry_of_that_name(
    tmp_path: Path,
) -> None:
    # „Alleinerziehende“ counts households (values far above 100): the catalogue's rate
    # „alleinerziehende“ refuses it, and its own key must not be the rate's key.
    path = tmp_path / "profile.csv"
    path.write_text(
        "Stadtteil;Alleinerziehende;Anteil Alleinerziehender in %\n"
        "Altstadt;310;4,0\nNordhafen;880;8,6\nBergfeld;402;5,7\n",
        encoding="utf-8",
    )
    store = IndicatorStore(f"sqlite:///{tmp_path / 'planwerk.sqlite3'}")
    store.add_table("p", "profile.csv", path)
    definitions = store.definitions()
    by_name = {d.name: d for d in definitions.values()}
    count, rate = by_name["Alleinerziehende"], by_name["Anteil Alleinerziehender"]
    assert count.key != rate.key and count.unit != "%" and rate.unit == "%"
    frame = store.frame()
    counts = frame[frame["indicator"] == count.key]
    assert sorted(counts["value"]) == [310.0, 402.0, 880.0]
