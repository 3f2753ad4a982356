"""The checks that decide "not in the documents" before anything is answered."""

from assistant.models import RetrievedChunk, SourceRef
from assistant.retrieval.answerability import (
    Places,
    action_object,
    apart,
    asked_action,
    counted_noun,
    counts,
    measured_words,
    missing_numbers,
    names_action,
    quantity_words,
    refusal_reason,
    scope_words,
    specific_nouns,
    stated_with,
    unknown_terms,
)
from assistant.retrieval.german import stem

CORPUS_TERMS = {stem(w): 3 for w in ["Kinderarmut", "Hafenviertel", "Höchstgrenze", "Quote"]}


def frequency(terms: list[str]) -> dict[str, int]:
    return {t: CORPUS_TERMS.get(t, 0) for t in terms}


def passage(text: str, sheet: str | None = None) -> RetrievedChunk:
    return RetrievedChunk("c1", text, SourceRef("d", "x.pdf", "X", sheet=sheet), {})


def test_specific_nouns_skip_the_first_word_and_common_words() -> None:
    nouns = specific_nouns("Wie hoch ist die Lebenserwartung im Hafenviertel im Jahr?")
    assert nouns == ["Lebenserwartung", "Hafenviertel"]  # "Jahr" is too common to matter


def test_a_noun_found_nowhere_is_reported() -> None:
    assert unknown_terms("Wie hoch ist die Lebenserwartung im Hafenviertel?", frequency) == [
        "Lebenserwartung"
    ]
    assert unknown_terms("Wie hoch ist die Kinderarmut im Hafenviertel?", frequency) == []


def test_a_synonym_in_the_corpus_makes_a_noun_known() -> None:
    assert unknown_terms("Wo liegt die Obergrenze?", frequency) == []


def test_a_year_that_no_passage_mentions_is_missing() -> None:
    passages = [passage("Die Kinderarmut lag 2023 bei 38,9 %."), passage("x", sheet="2022")]
    assert missing_numbers("Kinderarmut im Jahr 2015?", passages) == ["2015"]
    assert missing_numbers("Kinderarmut im Jahr 2022?", passages) == []  # the sheet name
    assert missing_numbers("Kinderarmut 2023?", passages) == []
    assert missing_numbers("Lag sie bei 38?", passages) == ["38"]  # 38,9 is not 38


def test_refusal_reason_names_what_is_missing() -> None:
    reason = refusal_reason("Wie hoch ist die Lebenserwartung?", [], frequency)
    assert reason is not None and "„Lebenserwartung“" in reason
    assert refusal_reason("Wie hoch ist die Kinderarmut im Hafenviertel?", [], frequency) is None


LINDWERDEN = Places(towns=["Lindwerden"], areas=["Hafenviertel", "Schlägelheide"])


def test_a_rare_word_of_what_is_counted_must_be_known() -> None:
    question = "Wie viele pflegebedürftige Menschen leben im Hafenviertel?"
    assert measured_words(question) == ["pflegebedürftige"]
    assert unknown_terms(question, frequency) == ["pflegebedürftige"]
    # Verbs and common words elsewhere in a question are not required to be known.
    assert measured_words("Welche verlangten Unterlagen fehlen?") == []
    assert measured_words("Wie viele Kinder besuchen eine Kita?") == []


def test_a_quantity_question_needs_its_words_in_one_passage() -> None:
    question = "Wie viele Haushalte in Schlägelheide beziehen Wohngeld?"
    assert quantity_words(question, LINDWERDEN) == ["Haushalte", "Schlägelheide", "Wohngeld"]
    scattered = [
        passage("Im Hafenviertel beziehen 410 Haushalte Wohngeld."),
        passage("In Schlägelheide leben 5.120 Haushalte."),
    ]
    reason = refusal_reason(question, scattered, lambda ts: dict.fromkeys(ts, 1), LINDWERDEN)
    assert reason == (
        "Keine gefundene Stelle nennt „Schlägelheide“ zusammen mit „Haushalte“, „Wohngeld“."
    )
    together = [*scattered, passage("In Schlägelheide beziehen 380 Haushalte Wohngeld.")]
    assert refusal_reason(question, together, lambda ts: dict.fromkeys(ts, 1), LINDWERDEN) is None


def test_year_and_area_of_a_question_must_meet_in_one_passage() -> None:
    question = "Welche Ergebnisse hatte der Bericht 2017 für das Hafenviertel?"
    assert scope_words(question, LINDWERDEN) == ["2017", "Hafenviertel"]
    apart_passages = [passage("Berichte erschienen 2017 und 2020."), passage("Hafenviertel")]
    assert apart(["2017", "Hafenviertel"], apart_passages) == ["Hafenviertel"]
    assert apart(["2017", "Hafenviertel"], [passage("Das Hafenviertel lag 2017 vorn.")]) == []


def test_town_names_document_kinds_and_split_compounds_count_as_named() -> None:
    question = (
        "Wie viele Kinder lebten in Lindwerden laut Sozialbericht in SGB-II-Bedarfsgemeinschaften?"
    )
    assert quantity_words(question, LINDWERDEN) == ["SGB-II-Bedarfsgemeinschaften"]
    text = "Ende 2023 lebten 3.912 Kinder in Bedarfsgemeinschaften nach dem SGB II."
    assert apart(["SGB-II-Bedarfsgemeinschaften"], [passage(text)]) == []
    # Only the clause that asks for a figure is checked.
    both = "Wie viele Kinder im Hafenviertel, und mit welcher Maßnahme will man reagieren?"
    assert quantity_words(both, LINDWERDEN) == ["Hafenviertel"]


def test_a_counting_question_needs_a_count_of_what_it_counts() -> None:
    question = "Wie viele Anträge wurden im Förderaufruf bewilligt?"
    assert counted_noun(question) == "Anträge"
    dated = [
        passage("Stufe 2: Eingang der vollständigen Anträge bis 30.05.2025."),
        passage("Anträge bis 30. Mai 2025; Bewilligung voraussichtlich 2025."),
    ]
    assert not counts("Anträge", dated)
    reason = refusal_reason(question, dated, lambda terms: dict.fromkeys(terms, 3), Places())
    assert reason == "Keine gefundene Stelle nennt eine Anzahl für „Anträge“."
    assert counts("Anträge", [passage("Bisher wurden 14 vollständige Anträge bewilligt.")])
    assert counts("Einwohner", [passage("Einwohner: 10.318; Anteil unter 18 Jahren: 21,8")])
    # "Wie viel Geld …" asks for an amount, not a count.
    assert counted_noun("Wie viel Geld hat der Rat bereitgestellt?") is None


def test_the_limit_a_figure_is_checked_against_need_not_be_named() -> None:
    # „höchstens 10 %“ states an Obergrenze; the word itself is nowhere in this corpus.
    corpus = {stem(w): 2 for w in ["Baustein", "Quartiersmonitoring"]}

    def known(terms: list[str]) -> dict[str, int]:
        return {t: corpus.get(t, 0) for t in terms}

    assert (
        unknown_terms("Hält das Quartiersmonitoring die Obergrenze für Baustein D ein?", known)
        == []
    )
    assert unknown_terms("Was ist eine Obergrenze im Baustein D?", known) == ["Obergrenze"]


def test_an_action_is_named_by_its_forms_nouns_and_compounds() -> None:
    for word in ["leitet", "geleitet", "Leitung", "Leiterin", "Schulleitung", "Teamleitung"]:
        assert names_action("leitet", word), word
    # Other words that share the letters: compound heads, prefixes, another verb.
    for word in ["Leitbild", "Leitziele", "Einleitung", "begleitet", "abgeleitet"]:
        assert not names_action("leitet", word), word
    assert names_action("berät", "Beratung") and names_action("moderiert", "Moderation")


def test_who_questions_with_an_action_verb_are_checked() -> None:
    assert asked_action("Wer leitet das Quartiersbüro im Hafenviertel?") == "leitet"
    assert asked_action("Wer ist Träger der Maßnahme?") is None
    assert asked_action("Wer kann einen Antrag stellen?") is None
    assert asked_action("Was leitet die Sozialplanung ab?") is None
    places = Places(towns=["Lindwerden"], areas=["Hafenviertel"])
    question = "Wer leitet im Hafenviertel das Quartiersbüro?"
    assert action_object(question, places) == "Quartiersbüro"


def test_a_who_question_needs_the_action_next_to_what_it_acts_on() -> None:
    question = "Wer leitet das Quartiersbüro im Hafenviertel?"
    unstated = [
        passage("Im Hafenviertel wird ein Quartiersbüro eingerichtet. Frau Lenz (Leitung)"),
        passage("Das Quartiersbüro begleitet die Umsetzung; Leitbild ist das Hafenviertel."),
    ]
    assert not stated_with("leitet", "Quartiersbüro", unstated)
    reason = refusal_reason(question, unstated, lambda ts: dict.fromkeys(ts, 2), LINDWERDEN)
    assert reason == "Keine gefundene Stelle zu „Quartiersbüro“ sagt, wer leitet."
    stated = [*unstated, passage("Das Quartiersbüro wird von Frau Okafor geleitet.")]
    assert refusal_reason(question, stated, lambda ts: dict.fromkeys(ts, 2), LINDWERDEN) is None
    listed = [passage("- Quartiersbüro Hafenviertel: Frau Okafor (Büroleiterin)")]
    assert stated_with("leitet", "Quartiersbüro", listed)


def test_what_the_document_is_about_counts_as_named_with_the_action() -> None:
    minutes = RetrievedChunk(
        "m1",
        "Moderation: Sabine Oberkamp (Sozialplanung) · Protokoll: Jonas Reuter",
        SourceRef("d", "Protokoll.docx", "Protokoll der Stadtteilkonferenz Hafenviertel"),
        {},
    )
    assert stated_with("moderiert", "Stadtteilkonferenz", [minutes])
    assert not stated_with("leitet", "Stadtteilkonferenz", [minutes])
