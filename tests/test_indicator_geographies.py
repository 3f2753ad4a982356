"""Tables of different places never mix: a Stadtteil table, a municipalities export and a
Kreis table in one workspace, each ranking and lookup computed within one of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.indicators.operations import rank, social_index
from assistant.indicators.router import IndicatorAnswer, answer_indicator_question
from assistant.indicators.store import IndicatorStore
from assistant.language.question import analyse_question

STADTTEILE = """Stadtteil-Nr;Stadtteil;Jahr;Kinderarmut (%);Einwohner
01;Altstadt;2019;24,1;5200
02;Nordviertel;2019;31,5;6100
03;Hafenviertel;2019;40,4;4300
04;Südpark;2019;12,0;7000
05;Am Wald;2019;9,8;3000
06;Weststadt;2019;18,3;5500
99;Stadt gesamt;2019;21,0;31100
"""

# Another city's Stadtteile with the same codes: code 03 is a different area there.
ANDERE_STADT = """Stadtteil-Nr;Stadtteil;Jahr;Einwohner
01;Innere Altstadt;2019;8400
02;Pirnaische Vorstadt;2019;9100
03;Johannstadt-Nord;2019;12500
04;Friedrichstadt;2019;11300
"""

KOMMUNEN = """GKZ;Kommune;Bundesland;Jahr;Kinderarmut (%);Einwohner
05334002;Aachen;Nordrhein-Westfalen;2019;28,9;248960
05562014;Gladbeck;Nordrhein-Westfalen;2019;30,6;75610
05315000;Köln;Nordrhein-Westfalen;2019;22,0;1087863
05913000;Dortmund;Nordrhein-Westfalen;2019;27,5;588250
01058135;Rendsburg;Schleswig-Holstein;2019;33,4;27900
03352059;Land Hadeln;Niedersachsen;2019;8,2;13400
09162000;München;Bayern;2019;9,1;1484226
"""

KREISE = """Kreisschlüssel;Kreis;Jahr;Kinderarmut (%)
05334;Städteregion Aachen;2019;20,1
05562;Recklinghausen;2019;24,3
01058;Rendsburg-Eckernförde;2019;12,1
05978;Unna;2019;19,4
09184;München, Landkreis;2019;5,2
"""

# Stadtbezirke (codes 1, 2) and their Stadtteile (101 …) in one table; a Bezirk and one of
# its Stadtteile share the name „Nippes“.
BEZIRKE_UND_STADTTEILE = """raum_id;raum;jahr;Einwohner
000;Stadt Köln;2012;1017155.0
001;Innenstadt;2012;127000.0
002;Nippes;2012;113945.0
101;Altstadt/Süd;2012;27732.0
102;Deutz;2012;16134.0
201;Nippes;2012;34936.0
202;Riehl;2012;12500.0
203;Niehl;2012;19800.0
"""


def _store(tmp_path: Path, tables: dict[str, str]) -> IndicatorStore:
    store = IndicatorStore(f"sqlite:///{tmp_path / 'indicators.sqlite3'}")
    for name, text in tables.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        store.add_table(name, name, path)
    return store


def _ask(question: str, store: IndicatorStore) -> IndicatorAnswer:
    answer = answer_indicator_question(analyse_question(question), store)
    assert answer is not None, question
    return answer


@pytest.fixture
def store(tmp_path: Path) -> IndicatorStore:
    return _store(
        tmp_path,
        {
            "stadtteile_2019.csv": STADTTEILE,
            "kommunen_2019.csv": KOMMUNEN,
            "kreise_2019.csv": KREISE,
        },
    )


def test_each_table_is_one_geography_of_its_area_type(store: IndicatorStore) -> None:
    geographies = store.geographies()
    types = {g.datasets[0].source: g.area_type.name for g in geographies.items if g.area_type}
    assert types == {
        "stadtteile_2019.csv": "Stadtteil",
        "kommunen_2019.csv": "Gemeinde",
        "kreise_2019.csv": "Kreis",
    }
    frame = store.frame()
    assert frame.groupby("source")["geography"].nunique().max() == 1
    assert frame["geography"].nunique() == 3


def test_rankings_stay_within_the_asked_area_type(store: IndicatorStore) -> None:
    stadtteil = _ask("Welcher Stadtteil hatte 2019 die höchste Kinderarmut?", store)
    assert "Hafenviertel" in stadtteil.text
    assert "Rendsburg" not in stadtteil.text and "Gladbeck" not in stadtteil.text
    assert {s.ref.source for s in stadtteil.sources} == {"stadtteile_2019.csv"}
    assert "Hinweis" not in stadtteil.text  # the question said which areas it means

    kommune = _ask("Welche Kommune hatte 2019 die höchste Kinderarmut?", store)
    assert {s.ref.source for s in kommune.sources} == {"kommunen_2019.csv"}
    assert "Rendsburg" in kommune.text and "Hafenviertel" not in kommune.text
    assert "von 7 Kommunen" in kommune.text

    kreis = _ask("Welcher Kreis hatte 2019 die höchste Kinderarmut?", store)
    assert {s.ref.source for s in kreis.sources} == {"kreise_2019.csv"}
    assert "Recklinghausen" in kreis.text


def test_a_land_narrows_a_ranking_when_the_table_names_each_rows_land(
    store: IndicatorStore,
) -> None:
    answer = _ask("Welche NRW-Kommune hatte 2019 die höchste Kinderarmut?", store)
    assert "Gladbeck" in answer.text and "30,6" in answer.text
    assert "Rendsburg" not in answer.text
    assert "nur Gebiete in Nordrhein-Westfalen" in answer.text


def test_without_a_hint_the_smallest_areas_are_ranked(store: IndicatorStore) -> None:
    answer = _ask("Wo war die Kinderarmut 2019 am höchsten?", store)
    assert "Hafenviertel" in answer.text and "Rendsburg" not in answer.text
    # The other tables with the same indicator are named, not silently left out.
    assert "kommunen_2019" in answer.text and "kreise_2019" in answer.text
    result = rank(store, "kinderarmut", 2019, n=1)
    assert [o.area_name for o in result.entries] == ["Hafenviertel"]
    assert result.total == 6


def test_totals_by_evidence_not_by_name(store: IndicatorStore) -> None:
    frame = store.frame()
    aggregates = dict(zip(frame["area_name"], frame["aggregate"], strict=False))
    assert aggregates["Stadt gesamt"] == "Gesamtstadt"
    # A Samtgemeinde whose name starts with „Land“ is an area of the export.
    assert aggregates["Land Hadeln"] == ""
    lowest = _ask("Welche Kommune hatte 2019 die niedrigste Kinderarmut?", store)
    assert "Land Hadeln" in lowest.text


def test_same_codes_in_two_cities_are_different_areas(tmp_path: Path) -> None:
    store = _store(
        tmp_path, {"stadtteile_2019.csv": STADTTEILE, "andere_stadt_2019.csv": ANDERE_STADT}
    )
    first = _ask("Wie viele Einwohner hatte Hafenviertel 2019?", store)
    assert "4300" in first.text.replace(".", "")
    other = _ask("Wie viele Einwohner hatte Johannstadt-Nord 2019?", store)
    assert "12500" in other.text.replace(".", "")
    both = _ask("Welcher Stadtteil hatte 2019 die meisten Einwohner?", store)
    assert len({s.ref.source for s in both.sources}) == 1


def test_a_table_of_two_levels_is_read_as_two(tmp_path: Path) -> None:
    store = _store(tmp_path, {"koeln_2012.csv": BEZIRKE_UND_STADTTEILE})
    types = sorted(g.area_type.name for g in store.geographies().items if g.area_type)
    assert types == ["Stadtbezirk", "Stadtteil"]
    stadtteil = _ask("Wie viele Einwohner hatte der Stadtteil Nippes 2012?", store)
    assert "34.936" in stadtteil.text
    bezirk = _ask("Wie viele Einwohner hatte der Stadtbezirk Nippes 2012?", store)
    assert "113.945" in bezirk.text
    largest = _ask("Welcher Stadtteil hatte 2012 die meisten Einwohner?", store)
    assert "Nippes: 34.936" in largest.text and "Innenstadt" not in largest.text
    assert "Stadt Köln" not in largest.text.split("Methode")[0]


def test_fractions_are_not_shown_as_percent(tmp_path: Path) -> None:
    table = "krs;year;Arbeitslosenanteil\n1001;2016;0.0903\n1002;2016;0.1467\n1003;2016;0.05\n"
    store = _store(tmp_path, {"arbeitslose_kreise.csv": table})
    answer = _ask("Welcher Kreis hatte 2016 den höchsten Arbeitslosenanteil?", store)
    assert "0,1467 (= 14,7 %)" in answer.text
    assert "0,1467 %" not in answer.text


_AREAS = {"101": "Altstadt/Süd", "102": "Deutz", "103": "Altstadt/Nord", "104": "Neustadt/Nord"}
_LINES = {
    ("Einwohner in Köln", "Einwohner"): 16000,
    ("Einwohner nach Geschlecht", "Weiblich"): 8000,
    ("Einwohner mit Migrationshintergrund", "Insgesamt"): 5000,
}
# Köln's export: what each figure counts is in the columns „tabelle“ and „zeile“.
LANGFORMAT = "tabelle,jahr,raum_id,raum,zeile,zahl\n" + "".join(
    f"{table},2012,{code},{name},{line},{base + 100 * int(code[-1])}.0\n"
    for (table, line), base in _LINES.items()
    for code, name in _AREAS.items()
)


def test_labels_of_one_long_format_column_stay_apart(tmp_path: Path) -> None:
    """„Einwohner nach Geschlecht – Weiblich“ names Einwohner too, but is not the
    population: only the plainest label keeps the catalogue's indicator."""
    store = _store(tmp_path, {"koeln_langformat.csv": LANGFORMAT})
    labels = store.frame().groupby("indicator")["label"].unique()
    assert len(labels) == 3
    assert list(labels["einwohner"]) == ["Einwohner in Köln – Einwohner"]
    answer = _ask("Wie viele Einwohner mit Migrationshintergrund hatte Deutz 2012?", store)
    assert "5.200" in answer.text
    population = _ask("Wie viele Einwohner hatte Deutz 2012?", store)
    assert "16.200" in population.text


def test_drafts_offer_only_parts_of_a_town(store: IndicatorStore) -> None:
    from assistant.drafting.facts import known_areas

    stadtteile = {str(n) for n in store.frame().query("geography == ''")["area_label"]}
    quartiere = known_areas(store)
    assert quartiere and set(quartiere) <= stadtteile
    assert "Gladbeck" not in quartiere and "Rendsburg" not in quartiere


def test_comparisons_and_the_index_stay_within_one_geography(store: IndicatorStore) -> None:
    compared = _ask("Vergleiche die Kinderarmut 2019 in Hafenviertel und Altstadt.", store)
    assert {s.ref.source for s in compared.sources} == {"stadtteile_2019.csv"}
    assert "40,4" in compared.text and "24,1" in compared.text

    index = social_index(store, indicators=["kinderarmut"], year=2019, dynamics=False)
    areas = set(index.names.values())
    assert "Hafenviertel" in areas and not areas & {"Gladbeck", "Rendsburg", "Unna"}
