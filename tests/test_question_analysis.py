"""One analysis per question: what it asks for, read with the cue words of prompts/fragen.yaml."""

from __future__ import annotations

import pytest

from assistant.language.cues import CueList, cues
from assistant.language.question import (
    Role,
    analyse_question,
    document_terms,
    has_figure,
    limit_figures,
    states_measure,
    states_time,
)

LIMIT_QUESTION = (
    "Hält das Quartiersmonitoring (M6) im IHK-Entwurf die Obergrenze für den Baustein D ein?"
)


def test_cue_phrases_match_whole_words_with_wildcards() -> None:
    cue = CueList(["wie hoch", "höchst*", "*grenze", "*method*"])
    assert cue.in_text("Wie hoch ist die Quote?")
    assert cue.in_text("die höchsten Werte") and cue.in_text("die Obergrenze")
    assert cue.in_text("Methodik") and cue.in_text("Zur Erhebungsmethode")
    assert not cue.in_text("Wie ist die Quote hoch?")  # a phrase is a sequence


def test_every_notion_of_the_cue_file_is_loaded() -> None:
    loaded = cues()
    assert loaded.quantity.in_text("Wie viele Kinder")
    assert loaded.number_words["fünf"] == 5


def test_a_quantity_question() -> None:
    assert analyse_question("Wie viele Haushalte in Schlägelheide beziehen Wohngeld?").quantity
    # A measure asked for counts as a quantity („Zu welchem Zinssatz …?“), one only named
    # does not („Welche Ziele verfolgt die Quote?“).
    assert analyse_question("Zu welchem Zinssatz wird das Darlehen gewährt?").quantity
    assert analyse_question("Förderquote ESF Plus Sachsen?").quantity
    assert not analyse_question("Welche Ziele verfolgt die Quote?").quantity
    # Any noun of a number („Mindesteinwohnerzahl“, „Kinderzahl“) asked for is a figure.
    assert analyse_question("Welche Mindesteinwohnerzahl verlangt die Richtlinie?").quantity


def test_the_adjective_of_a_quantity_phrase_says_what_kind_of_answer_not_about_what() -> None:
    # „hoch“ would find every „höchste“ of a report; „Höhe der Zuwendung“ stays a subject.
    question = analyse_question("Wie hoch war der Ausländeranteil in Milbertshofen 2015?")
    assert "hoch" in question.kind_terms and "hoch" not in question.weights_of()
    assert "auslanderanteil" in question.weights_of()
    aged = analyse_question("Wie alt wurden Frauen 2015 durchschnittlich?")
    assert "alt" not in aged.weights_of() and "frau" in aged.weights_of()
    height = analyse_question("In welcher Höhe wird die Zuwendung gewährt?")
    assert "hoh" in height.weights_of()


@pytest.mark.parametrize(
    "text",
    [
        "Bis wann muss das GIHK vorliegen?",
        "Innerhalb welcher Frist kann der Eigentümer die Rückgabe verlangen?",
        "Stichtag für die Abgabe des GIHK?",
        "Wie lange gilt die Bindung?",
    ],
)
def test_questions_for_a_date_or_period(text: str) -> None:
    assert analyse_question(text).time


def test_dates_and_periods_in_sentences() -> None:
    assert states_time("Die Einreichung ist bis zum 31. Dezember 2023 möglich.")
    assert states_time("Anträge bis 15.02.2025 an die Bewilligungsstelle.")
    assert states_time("Die Rückübertragung kann nur binnen zwei Jahren verlangt werden.")
    assert not states_time("Die Gemeinde hat zwei Gebiete festgelegt.")


def test_counting_asks_for_a_number_of_things_not_an_amount() -> None:
    assert analyse_question("Wie viele Anträge wurden bewilligt?").counted == "Anträge"
    assert analyse_question("Wie viel Geld hat der Rat bereitgestellt?").counted is None


def test_two_coordinated_subjects_are_two_parts_with_or_without_articles() -> None:
    for text in (
        "Wie hängen Kita-Versorgung und Kinderarmut im Hafenviertel zusammen?",
        "Wie hängen die Kita-Versorgung und die Kinderarmut im Hafenviertel zusammen?",
    ):
        parts = analyse_question(text).parts
        assert [p.role for p in parts] == [Role.TOPIC, Role.TOPIC], text
        assert "kinderarmut" in parts[1].focus and "kinderarmut" not in parts[0].focus
        assert "Kita-Versorgung" in parts[0].query and "Kinderarmut" not in parts[0].query
        assert "die die" not in parts[1].query


def test_the_second_coordinated_subject_keeps_its_adjective() -> None:
    text = "Wie viel Prozent gibt es für Stadtteilvorhaben und begleitende Maßnahmen?"
    second = analyse_question(text).parts[1]
    assert second.query == "Wie viel Prozent gibt es für begleitende Maßnahmen?"
    assert {"begleit", "massnahm"} <= second.focus


def test_a_paired_form_and_a_simple_question_have_no_parts() -> None:
    assert analyse_question("Wer berät Bewohnerinnen und Bewohner im Quartiersbüro?").parts == ()
    assert analyse_question("Wie hoch ist die SGB-II-Quote im Hafenviertel?").parts == ()
    # Without a check ("einhalten", "unter", "innerhalb") a limit noun is just a topic.
    assert analyse_question("Was regelt der Rahmenplan?").parts == ()


def test_a_limit_check_has_a_value_part_and_a_limit_part() -> None:
    question = analyse_question(LIMIT_QUESTION)
    assert question.limit == "Obergrenze"
    value, limit = question.parts
    assert (value.role, value.query) == (Role.VALUE, "das Quartiersmonitoring (M6) im IHK-Entwurf")
    assert (limit.role, limit.query) == (Role.LIMIT, "Obergrenze für den Baustein D")
    assert value.focus == {"quartiersmonitoring", "6"}  # „im IHK-Entwurf“ only says where
    assert limit.focus == {"baustein"}  # the limit noun is stated as „höchstens“ or „bis zu“
    council = analyse_question(
        "Bleibt der städtische Eigenanteil im IHK-Entwurf innerhalb des Rahmens, den der Rat "
        "beschlossen hat?"
    )
    assert [p.query for p in council.parts] == [
        "der städtische Eigenanteil im IHK-Entwurf",
        "Rahmens, den der Rat beschlossen hat",
    ]
    assert analyse_question("Was wird im Rahmen des Programms gefördert?").limit is None


def test_figures_are_values_or_limits_by_the_words_before_them() -> None:
    assert limit_figures(
        "Die Förderung im Baustein D ist auf höchstens 10 % der Gesamtausgaben begrenzt."
    ) == ([], ["10"])
    assert limit_figures(
        "Die Gesamtausgaben betragen 1.427.070 Euro und liegen unter der Höchstgrenze des "
        "Förderaufrufs von 1,5 Millionen Euro."
    ) == (["1.427.070"], ["1,5"])
    assert limit_figures("Im Haushalt 2025 stehen bis zu 290.000 Euro bereit.") == ([], ["290.000"])
    assert limit_figures("Maßnahme M6 kostet 125.580 €.") == (["125.580"], [])  # M6 is a name
    assert limit_figures("Maximal 3 Vorhaben, je Vorhaben max. 15.000 Euro.") == (
        [],
        ["3", "15.000"],
    )


def test_document_words_and_their_compounds_only_say_where() -> None:
    assert document_terms("im IHK-Entwurf") == {"ihk", "entwurf", "ihkentwurf"}
    assert document_terms("die Kita-Versorgung") == set()
    question = analyse_question("Was steht im Sozialbericht zur Kinderarmut?")
    assert "sozialbericht" in question.document_terms
    assert "kinderarmut" in question.weights_of()
    assert "sozialbericht" not in question.weights_of()
    # A part a document word shares with other words names no document: „Sozialen“ (a part
    # of „Sozialbericht“) and „Förderung“ are what these ask about.
    question = analyse_question("Was versteht die Förderrichtlinie unter einem „Sozialen Ort“?")
    assert "sozial" in question.weights_of()
    question = analyse_question("Wie hoch ist die Förderung im Förderaufruf?")
    assert question.document_terms == {"forderaufruf"}
    assert "forder" in question.weights_of()
    # „Quartiersmonitoring“ ends in a document word but is a measure, not a document.
    assert document_terms("das Quartiersmonitoring (M6)") == set()


@pytest.mark.parametrize(
    ("text", "definition"),
    [
        ("Was versteht der Sozialbericht unter einem Sozialraum?", True),
        ("Wie wird die Versorgungsquote berechnet?", True),
        ("Was misst der Indikator Kinderarmut?", True),
        ("Wie funktioniert das Stufenverfahren?", True),
        ("Wie hoch ist die Kinderarmut?", False),
        ("Wie ist die Lage im Hafenviertel?", False),
    ],
)
def test_definition_and_method_questions(text: str, definition: bool) -> None:
    assert analyse_question(text).definition is definition


def test_figures_asked_of_areas() -> None:
    ranking = analyse_question("Welche drei Stadtteile hatten 2019 die höchste SGB-II-Quote?")
    assert (ranking.extreme, ranking.wanted, ranking.years) == ("highest", 3, (2019,))
    assert ranking.which_areas and not ranking.single_area
    single = analyse_question("In welchem Stadtteil ist die Kinderarmut am niedrigsten?")
    assert (single.extreme, single.wanted, single.decrease) == ("lowest", 1, True)
    threshold = analyse_question("Wie viele Stadtteile haben eine Quote über 20 %?")
    assert threshold.how_many_areas and threshold.threshold is not None
    assert (threshold.threshold.value, threshold.threshold.above) == ("20", True)
    change = analyse_question("Wie hat sich die Quote seit 2019 entwickelt?")
    assert change.change and change.since
    assert analyse_question("Top 4 Quartiere bei der Arbeitslosigkeit").wanted == 4
    assert analyse_question("SGB-II-Quote Nordviertel 2021?").value_words


def test_month_and_year_written_with_a_slash_state_a_time() -> None:
    from assistant.language.question import states_time

    assert states_time("Neubau Kita „Am Hafenbecken“ | Hafenviertel | 40 | 50 | 08/2026")
    assert not states_time("Verhältnis 3/4 der Plätze; Drucksache 12/345")


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("Der Zuschuss beträgt 95 Prozent.", True),
        ("6.3.1 Die Anträge sollen bis zum 15. Februar eingereicht werden.", True),
        ("höchstens zwei Wochen", True),
        ("nach Nummer 5 gilt er für Kinder bis 3 Jahre", True),
        ("12.1 Die Bewilligungsbehörde prüft die Anträge.", False),
        ("Vernetzung der Städte, 2. Erfahrungsaustausch, 3. Auswertung", False),
        ("(2) Die Förderung wird gewährt.", False),
        ("nach den Nummern 5.2.2 bis 5.2.4 auf Einzelantrag", False),
        ("nach §§ 23 und 44 LHO und § 171g BauGB", False),
        ("Tabelle 3: Kinder nach Anlage 2", False),
    ],
)
def test_a_figure_is_a_number_that_neither_orders_nor_points(text: str, figure: bool) -> None:
    assert has_figure(text) is figure


def test_a_keyword_query_asks_for_a_value_like_a_question_does() -> None:
    keyword = analyse_question("Menschen mit Migrationshintergrund im Stadtteil Chorweiler 2012?")
    assert keyword.value_words
    # A question word or an opening verb makes it a question, which needs its own cue.
    assert not analyse_question("Was weiß man über Menschen im Stadtteil Chorweiler?").value_words
    assert not analyse_question(
        "Gibt es Angebote für Menschen im Stadtteil Chorweiler?"
    ).value_words
    assert analyse_question("Ist die Quote im Stadtteil Chorweiler gestiegen?").yes_no


@pytest.mark.parametrize(
    ("text", "listed", "circumstance"),
    [
        ("Aus welchen Teilen besteht ein GIHK?", "Teilen", False),
        ("Welche Unterlagen muss der Antrag enthalten?", "Unterlagen", False),
        ("Wo und wie reiche ich die Unterlagen ein?", None, True),
        ("Wie viele Unterlagen sind beizufügen?", None, False),
        ("Wie werden die Unterlagen eingereicht, und welche sind beizufügen?", None, False),
        ("Womit ist ein Antrag einzureichen?", None, False),
    ],
)
def test_things_asked_for_and_circumstances(
    text: str, listed: str | None, circumstance: bool
) -> None:
    question = analyse_question(text)
    assert question.listed == listed
    assert question.circumstance is circumstance


def test_ordinal_and_pair_words_carry_no_topic() -> None:
    # „die ersten beiden Teile“ asks about the parts, not about „erst“ or „beid“.
    assert analyse_question("Wie umfangreich dürfen die ersten beiden Teile sein?").topic_terms == {
        "umfangreich",
        "umfang",
        "reich",
        "teil",
    }


def test_a_bare_wann_may_ask_for_a_condition_bis_wann_asks_for_a_date() -> None:
    assert analyse_question("Bis wann sind die Anträge einzureichen?").dated
    assert analyse_question("Antragsfrist Kita-Bauförderung?").dated
    condition = analyse_question("Wann gilt ein Quartier als benachteiligt?")
    assert condition.time and not condition.dated


def test_the_askers_situation_is_context_not_what_is_asked() -> None:
    question = analyse_question(
        "Unsere Stadt hat rund 120 000 Einwohner. Können wir einen Sozialen Ort gefördert bekommen?"
    )
    # The figure of the situation is not one the documents must state.
    assert question.numbers == ()
    assert {"stadt", "einwohn"} <= question.premise_terms
    assert not question.premise_terms & {"sozial", "ort"}
    # One sentence, or none ending in „?“: all of it asks.
    assert analyse_question("Wie hoch war die Quote 2019?").numbers == ("2019",)
    assert analyse_question("Quote 2019. Stadtteil Nord.").premise_terms == frozenset()


def test_particles_and_possessives_carry_no_topic() -> None:
    terms = analyse_question("Gibt es unseren Zuschuss überhaupt, auch wenn gar nichts gilt?").terms
    assert terms == {"zuschuss"}


def test_the_kind_of_figure_asked_for() -> None:
    assert analyse_question("Wie viel Prozent der Baukosten übernimmt das Land?").measure == "rate"
    assert analyse_question("KitaBau Sachsen Förderquote?").measure == "rate"
    assert analyse_question("Wie viel Geld bekommt ein Verein höchstens?").measure == "amount"
    assert analyse_question("Wie viele Anträge wurden gestellt?").measure is None
    # In a keyword query the measure may stand anywhere; in a question only where asked.
    assert analyse_question("Sachsen KitaBau Förderquote?").quantity
    assert not analyse_question("Welche Ziele verfolgt die Quote?").quantity
    # A share („Anteil“) may be stated without a percent sign: no kind is asked for.
    assert analyse_question("Welchen Anteil trägt die Gemeinde?").measure is None


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("Der Zuschuss beträgt bis zu 50 Prozent.", True),
        ("Gefördert werden 6 vom Hundert.", True),
        ("In der untersten Einkommensgruppe schätzt jeder Vierte seine Gesundheit so ein.", True),
        ("Rund 87 von 100 Menschen haben einen Abschluss.", True),
        ("Der Zuschuss beträgt bis zu 5 000 Euro.", False),
        ("Nach Nummer 5.2 ist der Antrag zu stellen.", False),
    ],
)
def test_a_rate_is_stated_with_a_percent_or_in_words(text: str, rate: bool) -> None:
    assert states_measure(text, "rate") is rate
    assert states_measure("Der Zuschuss beträgt bis zu 5 000 Euro.", "amount")


def test_hoechstens_asks_for_a_bound_not_for_the_highest() -> None:
    bound = analyse_question("Wie viel Förderung bekommt ein Haushalt höchstens?")
    highest = analyse_question("Welcher Stadtteil hat die höchste Quote?")
    assert (bound.extreme, bound.ranking) == (None, False)
    assert highest.extreme == "highest"


def test_a_separable_verb_is_read_as_its_infinitive() -> None:
    fixed = analyse_question("Wie legt eine Gemeinde ein Sanierungsgebiet förmlich fest?")
    assert "festleg" in fixed.topic_terms  # „Festlegung“, „festlegen“ say it
    assert not {"legt", "fest"} & fixed.topic_terms
    related = analyse_question("Wie hängen die Kita-Versorgung und die Kinderarmut zusammen?")
    assert "zusammenhang" in related.topic_terms
    # „ab“ not closing the clause is no particle.
    assert "ablauf" not in analyse_question("Ab wann läuft die Frist?").topic_terms
