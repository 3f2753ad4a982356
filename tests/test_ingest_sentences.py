"""German sentence splitting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.sentences import split_sentences


def test_splits_at_sentence_ends() -> None:
    text = "Die Quote steigt. Wer ist betroffen? Vor allem Kinder! Das ist neu."
    assert split_sentences(text) == [
        "Die Quote steigt.",
        "Wer ist betroffen?",
        "Vor allem Kinder!",
        "Das ist neu.",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Angebote wie z. B. Sprachkurse helfen.",
        "Das steht in Maßnahme Nr. 4 des Plans.",
        "Es gibt ca. 300 Plätze.",
        "Kitas bzw. Horte sind voll.",
        "Träger u. a. der Caritas machen mit.",
        "Der Rat tagte am 3. Juni 2024 im Rathaus.",
        "Die Quote liegt bei 23,4 Prozent.",
        "Es leben dort 1.234 Menschen.",
        "Siehe Abs. 2 der Richtlinie.",
        "Das gilt d. h. für alle Träger.",
        "Vgl. Kap. 3 und Tab. 5 im Anhang.",
        "Die Kita St. Barbara ist ein Familienzentrum.",
        # A Roman section number in a heading line („… III. Zuwendungsempfänger“).
        "Förderrichtlinie Orte des Gemeinwesens III. Zuwendungsempfänger",
        "Teil IV. Verfahren",
    ],
)
def test_does_not_split_inside_a_sentence(sentence: str) -> None:
    assert split_sentences(sentence) == [sentence]


def test_splits_after_a_year_and_a_decimal() -> None:
    text = "Das galt im Jahr 2023. Die Quote lag bei 23,4. Danach sank sie."
    assert split_sentences(text) == [
        "Das galt im Jahr 2023.",
        "Die Quote lag bei 23,4.",
        "Danach sank sie.",
    ]


def test_line_breaks_end_sentences() -> None:
    assert split_sentences("Überschrift\nDer Text folgt.") == ["Überschrift", "Der Text folgt."]


def test_quotes_after_the_period_stay_with_the_sentence() -> None:
    assert split_sentences("Er sagte „Ja.“ Dann ging er.") == ["Er sagte „Ja.“", "Dann ging er."]


def test_a_law_gazette_cited_inside_a_sentence_does_not_end_it() -> None:
    text = (
        "Es gilt das Gesetz vom 11. August 2014 (BGBl. I S. 1348), geändert durch die "
        "SächsGVBl. Nummer 4 und das ABl. EU vom Mai. Danach folgt der Antrag."
    )
    assert split_sentences(text) == [
        "Es gilt das Gesetz vom 11. August 2014 (BGBl. I S. 1348), geändert durch die "
        "SächsGVBl. Nummer 4 und das ABl. EU vom Mai.",
        "Danach folgt der Antrag.",
    ]


@given(st.text(alphabet="abcÄöü .,!?0123456789zBNr\u00a0", max_size=200))
def test_splitting_loses_no_text(text: str) -> None:
    pieces = split_sentences(text)
    assert " ".join(" ".join(pieces).split()) == " ".join(text.split())


def test_numbered_clauses_run_on_in_one_line_are_split_at_each_next_number() -> None:
    # Guidelines converted to text run their numbered clauses on without a full stop.
    line = (
        "1. Zuwendungsart: Projektförderung 2. Finanzierungsart: Festbetragsfinanzierung "
        "3. Die Zuwendung erfolgt als Zuschuss von bis zu 50 Prozent. 4. Bemessungsgrundlage "
        "ist die Höhe der Ausgaben."
    )
    assert split_sentences(line) == [
        "1. Zuwendungsart: Projektförderung",
        "2. Finanzierungsart: Festbetragsfinanzierung",
        "3. Die Zuwendung erfolgt als Zuschuss von bis zu 50 Prozent.",
        "4. Bemessungsgrundlage ist die Höhe der Ausgaben.",
    ]


def test_a_dash_item_counts_as_the_first_of_the_numbered_clauses_it_runs_on_with() -> None:
    line = "- Zuwendungsart: Projektförderung 2. Finanzierungsart: Festbetragsfinanzierung"
    assert split_sentences(line) == [
        "- Zuwendungsart: Projektförderung",
        "2. Finanzierungsart: Festbetragsfinanzierung",
    ]
    assert split_sentences("- Die Stadt Oberhausen 3. Bauabschnitt") == [
        "- Die Stadt Oberhausen 3. Bauabschnitt"
    ]
    # A dash item with its own number keeps it.
    assert split_sentences("- 2. Qualität des IHK | 20") == ["- 2. Qualität des IHK | 20"]


@pytest.mark.parametrize(
    "sentence",
    [
        "1. Der Antrag ist vom 1. Januar bis 2. Februar zu stellen.",  # dates
        "1. Der Antrag für die 2. Stufe folgt später.",  # an ordinal after an article
        "1. Es gilt Nummer 2. Absatz 3 der Richtlinie.",  # a reference
        "Die Stadt Oberhausen 2. Bauabschnitt beginnt.",  # no numbering before it
    ],
)
def test_an_ordinal_inside_a_numbered_clause_is_no_new_clause(sentence: str) -> None:
    assert split_sentences(sentence) == [sentence]
