"""The checks that decide "not in the documents" before anything is answered."""

from assistant.answering.question import Places, analyse_question
from assistant.models import RetrievedChunk, SourceRef
from assistant.retrieval.answerability import (
    apart,
    counts,
    missing_numbers,
    refusal_reason,
    unknown_terms,
)
from assistant.retrieval.german import stem

CORPUS_TERMS = {stem(w): 3 for w in ["Kinderarmut", "Hafenviertel", "Höchstgrenze", "Quote"]}
LINDWERDEN = Places(areas=["Hafenviertel", "Schlägelheide"])


def frequency(terms: list[str]) -> dict[str, int]:
    return {t: CORPUS_TERMS.get(t, 0) for t in terms}


def passage(text: str, sheet: str | None = None) -> RetrievedChunk:
    return RetrievedChunk("c1", text, SourceRef("d", "x.pdf", "X", sheet=sheet), {})


def refusal(text: str, passages: list[RetrievedChunk], df=frequency, places=None) -> str | None:
    return refusal_reason(analyse_question(text, places), passages, df, places)


def test_a_noun_found_nowhere_is_reported() -> None:
    unknown = analyse_question("Wie hoch ist die Lebenserwartung im Hafenviertel?")
    assert unknown_terms(unknown, frequency) == ["Lebenserwartung"]
    known = analyse_question("Wie hoch ist die Kinderarmut im Hafenviertel?")
    assert unknown_terms(known, frequency) == []


def test_a_synonym_in_the_corpus_makes_a_noun_known() -> None:
    assert unknown_terms(analyse_question("Wo liegt die Obergrenze?"), frequency) == []


def test_a_rare_word_of_what_is_counted_must_be_known() -> None:
    question = analyse_question("Wie viele pflegebedürftige Menschen leben im Hafenviertel?")
    assert unknown_terms(question, frequency) == ["pflegebedürftige"]  # "Menschen" is common


def test_a_year_that_no_passage_mentions_is_missing() -> None:
    passages = [passage("Die Kinderarmut lag 2023 bei 38,9 %."), passage("x", sheet="2022")]

    def missing(text: str) -> list[str]:
        return missing_numbers(analyse_question(text), passages)

    assert missing("Kinderarmut im Jahr 2015?") == ["2015"]
    assert missing("Kinderarmut im Jahr 2022?") == []  # the sheet name
    assert missing("Kinderarmut 2023?") == []
    assert missing("Lag sie bei 38?") == ["38"]  # 38,9 is not 38


def test_refusal_reason_names_what_is_missing() -> None:
    reason = refusal("Wie hoch ist die Lebenserwartung?", [])
    assert reason is not None and "„Lebenserwartung“" in reason
    assert refusal("Wie hoch ist die Kinderarmut im Hafenviertel?", []) is None


def test_year_and_area_of_a_question_must_meet_in_one_passage() -> None:
    apart_passages = [passage("Berichte erschienen 2017 und 2020."), passage("Hafenviertel")]
    assert apart(["2017", "Hafenviertel"], apart_passages) == ["Hafenviertel"]
    assert apart(["2017", "Hafenviertel"], [passage("Das Hafenviertel lag 2017 vorn.")]) == []
    question = "Welche Ergebnisse hatte der Bericht 2017 für das Hafenviertel?"
    known = lambda ts: dict.fromkeys(ts, 1)  # noqa: E731
    reason = refusal(question, apart_passages, known, LINDWERDEN)
    assert reason == "Keine gefundene Stelle nennt „Hafenviertel“ zusammen mit „2017“."


def test_split_compounds_count_as_named() -> None:
    text = "Ende 2023 lebten 3.912 Kinder in Bedarfsgemeinschaften nach dem SGB II."
    assert apart(["SGB-II-Bedarfsgemeinschaften"], [passage(text)]) == []


def test_a_counting_question_needs_a_count_of_what_it_counts() -> None:
    question = "Wie viele Anträge wurden im Förderaufruf bewilligt?"
    dated = [
        passage("Stufe 2: Eingang der vollständigen Anträge bis 30.05.2025."),
        passage("Anträge bis 30. Mai 2025; Bewilligung voraussichtlich 2025."),
    ]
    assert not counts("Anträge", dated)
    reason = refusal(question, dated, lambda terms: dict.fromkeys(terms, 3), Places())
    assert reason == "Keine gefundene Stelle nennt eine Anzahl für „Anträge“."
    assert counts("Anträge", [passage("Bisher wurden 14 vollständige Anträge bewilligt.")])
    assert counts("Einwohner", [passage("Einwohner: 10.318; Anteil unter 18 Jahren: 21,8")])


def test_the_limit_a_figure_is_checked_against_need_not_be_named() -> None:
    # „höchstens 10 %“ states an Obergrenze; the word itself is nowhere in this corpus.
    corpus = {stem(w): 2 for w in ["Baustein", "Quartiersmonitoring"]}

    def known(terms: list[str]) -> dict[str, int]:
        return {t: corpus.get(t, 0) for t in terms}

    checked = analyse_question("Hält das Quartiersmonitoring die Obergrenze für Baustein D ein?")
    assert unknown_terms(checked, known) == []
    asked = analyse_question("Was ist eine Obergrenze im Baustein D?")
    assert unknown_terms(asked, known) == ["Obergrenze"]


def test_checks_are_chosen_by_name() -> None:
    question = analyse_question("Wie hoch ist die Lebenserwartung?")
    assert refusal_reason(question, [], frequency, checks=["missing_numbers"]) is None
    assert refusal_reason(question, [], frequency, checks=["unknown_terms"]) is not None


def test_a_compound_the_corpus_lacks_is_known_by_its_parts() -> None:
    corpus = {stem(w): 2 for w in ["Feuerwehr", "Förderung", "Anträge", "Quote", "Thür", "Ingen"]}

    def known(terms: list[str]) -> dict[str, int]:
        return {t: corpus.get(t, 0) for t in terms}

    question = analyse_question("Wer prüft bei der Feuerwehrförderung die Anträge?").resolve(known)
    assert question.known_parts == {"Feuerwehrförderung": ("feuerwehr", "forder")}
    assert unknown_terms(question, known) == []
    # A word in its own right is not made of parts the corpus happens to hold.
    other = analyse_question("Wie hoch ist die Feuerwehrförderung in Thüringen?").resolve(known)
    assert unknown_terms(other, known) == ["Thüringen"]
