"""The checks that decide "not in the documents" before anything is answered."""

from assistant.models import RetrievedChunk, SourceRef
from assistant.retrieval.answerability import (
    missing_numbers,
    refusal_reason,
    specific_nouns,
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
