from assistant.language.german import (
    STOP_WORDS,
    analyze,
    compound_parts,
    expand_query,
    fold,
    raw_tokens,
    stem,
    synonyms,
    word_terms,
)


def test_umlauts_and_sharp_s_fold_to_the_same_term() -> None:
    assert analyze("Größe") == analyze("Grösse") == analyze("GRÖSSE")
    assert fold("Übergänge") == "ubergange"


def test_inflected_forms_share_a_stem() -> None:
    assert analyze("Stadtteile")[0] == analyze("Stadtteilen")[0] == analyze("Stadtteil")[0]
    assert analyze("Kinder") == analyze("Kindern")


def test_stop_words_and_question_words_are_dropped() -> None:
    terms = analyze("Wie hoch ist die Quote in der Stadt?")
    assert set(terms) == {"hoch", "quot", "stadt"}
    assert "wie" in STOP_WORDS and "die" in STOP_WORDS
    # „Ost gegenüber West“ compares; „gegenüber“ is no topic, nor its parts gegen + über.
    assert set(analyze("Ost gegenüber West")) == {"ost", "west"}


def test_hyphenated_compound_gives_parts_and_joined_form() -> None:
    assert raw_tokens("SGB-II-Quote") == ["sgb", "ii", "quote", "sgbiiquote"]
    terms = analyze("SGB-II-Quote")
    assert {"sgb", "ii", "sgbiiquot"} <= set(terms)


def test_first_parts_sharing_a_last_part_give_the_compounds_they_stand_for() -> None:
    # „Neu- und Fortsetzungsanträge“ meets a document that writes „Neuanträge“.
    assert "neuantrag" in analyze("Neu- und Fortsetzungsanträge")
    assert "neuantrag" in analyze("Neuanträge")
    assert {"bauwes", "wohnungswes"} <= set(analyze("Bau-, Wohnungs- und Verkehrswesen"))
    # Only where a compound follows, and not for the question's own weights.
    assert raw_tokens("2021- und 2022") == ["2021", "und", "2022"]
    assert "neuantrag" not in analyze("Neu- und Fortsetzungsanträge", shared_tails=False)


def test_numbers_stay_whole() -> None:
    assert "23,4" in analyze("Die Quote beträgt 23,4 %.")
    assert "1.234" in analyze("1.234 Einwohner")
    assert "2023" in analyze("im Jahr 2023")


def test_ellipsis_compound_keeps_both_words() -> None:
    terms = analyze("Kinder- und Jugendhilfe")
    assert terms[0] == "kind"
    assert {"kinderhilf", "jugendhilf"} <= set(terms)


def test_compounds_add_their_parts() -> None:
    assert analyze("Gesamtstadt") == ["gesamtstadt", "gesamt", "stadt"]
    assert set(analyze("Stadt gesamt")) <= set(analyze("Gesamtstadt"))
    assert compound_parts("kinderarmut") == ("kinder", "armut")
    assert compound_parts("schlägelheide") == ()  # a name, not two common words


def test_synonyms_from_the_editable_list_expand_a_query() -> None:
    assert stem("Höchstgrenze") in synonyms(stem("Obergrenze"))
    expanded = expand_query(analyze("Obergrenze"))
    assert expanded[0] == "obergrenz" and stem("Höchstgrenze") in expanded


def test_a_street_written_out_or_abbreviated_is_one_term() -> None:
    # Address lists abbreviate („Universitätsstr. 150“), planners write the street out.
    assert set(analyze("Universitätsstr. 150")) <= set(analyze("Universitätsstraße 150"))
    assert stem("Hauptstrasse") == stem("Hauptstr")


def test_the_forms_of_a_verb_on_ieren_share_a_term() -> None:
    # The stemmer alone gives „finanzi“, „finanziert“ and „finanzier“.
    assert stem("finanziert") == stem("finanzieren") == stem("Finanzierung")
    assert analyze("Projektfinanzierung")[1:] == ["projekt", stem("Finanzierung")]


def test_a_sex_named_as_a_column_value_is_a_synonym_of_the_people() -> None:
    assert stem("weiblich") in synonyms(stem("Frauen"))
    assert stem("männlich") in synonyms(stem("Männer"))


def test_word_terms_give_the_whole_word_first_then_its_parts() -> None:
    words = word_terms("Wie viele Stadtteilvorhaben gibt es in Baden-Württemberg?")
    assert words[0][0] == stem("Stadtteilvorhaben")
    assert set(words[0][1:]) >= {stem("Stadtteil"), stem("Vorhaben")}
    assert words[1][0] == stem("Baden-Württemberg") and stem("Württemberg") in words[1]
