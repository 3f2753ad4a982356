"""The checks that decide "not in the documents" before anything is answered."""

from assistant.language.german import known_parts, stem
from assistant.language.question import analyse_question
from assistant.models import RetrievedChunk, SourceRef
from assistant.retrieval.answerability import (
    counts,
    missing_numbers,
    missing_places,
    refusal_reason,
)


def passage(text: str, sheet: str | None = None) -> RetrievedChunk:
    return RetrievedChunk("c1", text, SourceRef("d", "x.pdf", "X", sheet=sheet), {})


def refusal(text: str, passages: list[RetrievedChunk]) -> str | None:
    return refusal_reason(analyse_question(text), passages)


def test_a_year_that_no_passage_mentions_is_missing() -> None:
    passages = [passage("Die Kinderarmut lag 2023 bei 38,9 %."), passage("x", sheet="2022")]

    def missing(text: str) -> list[str]:
        return missing_numbers(analyse_question(text), passages)

    assert missing("Kinderarmut im Jahr 2015?") == ["2015"]
    assert missing("Kinderarmut im Jahr 2022?") == []  # the sheet name
    assert missing("Kinderarmut 2023?") == []
    assert missing("Lag sie bei 38?") == ["38"]  # 38,9 is not 38
    reason = refusal("Wie hoch war die Kinderarmut 2015?", passages)
    assert reason == "Zu „2015“ finde ich in den gefundenen Stellen keine Angaben."


def test_a_paragraph_named_with_a_letter_is_another_paragraph() -> None:
    # „§ 171g“ is not „§ 171e“, and „§ 171“ is neither.
    passages = [passage("§ 171e Maßnahmen der Sozialen Stadt (1) Städtebauliche Maßnahmen …")]

    def missing(text: str) -> list[str]:
        return missing_numbers(analyse_question(text), passages)

    assert missing("Was regelt § 171g BauGB?") == ["171g"]
    assert missing("Was regelt § 171 BauGB?") == ["171"]
    assert missing("Was regelt § 171e BauGB?") == []
    assert missing("Was regelt § 171E BauGB?") == []


def test_a_counting_question_needs_a_count_of_what_it_counts() -> None:
    question = "Wie viele Anträge wurden im Förderaufruf bewilligt?"
    dated = [
        passage("Stufe 2: Eingang der vollständigen Anträge bis 30.05.2025."),
        passage("Anträge bis 30. Mai 2025; Bewilligung voraussichtlich 2025."),
    ]
    assert not counts("Anträge", dated)
    assert refusal(question, dated) == "Keine gefundene Stelle nennt eine Anzahl für „Anträge“."
    assert counts("Anträge", [passage("Bisher wurden 14 vollständige Anträge bewilligt.")])
    assert counts("Einwohner", [passage("Einwohner: 10.318; Anteil unter 18 Jahren: 21,8")])


def test_a_paragraph_or_clause_number_is_no_count() -> None:
    # „§ 171b Stadtumbaugebiet“ and „Absatz 3 … im Stadtumbaugebiet“ count nothing.
    law = passage(
        "§ 171b Stadtumbaugebiet, städtebauliches Entwicklungskonzept. Die Vorschriften des "
        "Absatzes 2 gelten nach Absatz 3 im Stadtumbaugebiet entsprechend."
    )
    assert not counts("Stadtumbaugebiete", [law])
    assert counts("Stadtumbaugebiete", [passage("Bundesweit gibt es 512 Stadtumbaugebiete.")])
    # The number of a procedure's step counts nothing either.
    assert not counts("Anträge", [passage("Stufe 2 – Antrag. Die Kommunen stellen ihn.")])


def test_checks_are_chosen_by_name() -> None:
    question = analyse_question("Wie viele Anträge gab es 2015?")
    assert refusal_reason(question, [], checks=[]) is None
    assert refusal_reason(question, [], checks=["count"]) is not None


def test_a_compound_the_corpus_lacks_is_known_by_its_parts() -> None:
    corpus = {stem(w): 2 for w in ["Feuerwehr", "Förderung", "Anträge"]}

    def known(terms: list[str]) -> dict[str, int]:
        return {t: corpus.get(t, 0) for t in terms}

    assert known_parts("Feuerwehrförderung", known) == ("feuerwehr", "forder")
    assert known_parts("Förderung", known) == ()  # known as it is
    # A word in its own right is not made of parts the corpus happens to hold.
    assert known_parts("Thüringen", known) == ()
    question = analyse_question("Wer prüft bei der Feuerwehrförderung die Anträge?").resolve(known)
    assert {"feuerwehr", "forder"} <= question.topic_terms


def test_a_known_tail_of_a_compound_brings_its_own_parts() -> None:
    # „mindestens 5 000 Einwohnern“ answers „Mindesteinwohnerzahl“: the corpus knows the
    # tail „Einwohnerzahl“ as a whole and its part „Einwohner“.
    corpus = {t: 2 for t in ["mind", "einwohnerzahl", "einwohn"]}

    def known(terms: list[str]) -> dict[str, int]:
        return {t: corpus.get(t, 0) for t in terms}

    assert known_parts("Mindesteinwohnerzahl", known) == ("mind", "einwohnerzahl", "einwohn")


def test_a_town_no_passage_names_is_missing() -> None:
    passages = [
        passage("Im Jahr 2014 lag die Armutsrisikoquote in Deutschland bei 15,8 Prozent."),
        RetrievedChunk(
            "c2", "Jahr: 2010; Weiblich: 17690", SourceRef("d2", "Koeln.csv", "Köln"), {}
        ),
    ]
    reason = refusal("Wie hoch war die Armutsrisikoquote in Leipzig im Jahr 2014?", passages)
    assert reason == "Zu „Leipzig“ finde ich in den gefundenen Stellen keine Angaben."
    # A town named by the title counts; an area that is no town is left to the answer.
    assert refusal("Wie viele Frauen lebten 2010 in Köln?", passages) is None
    assert refusal("Wie hoch war die Armutsrisikoquote im Hafenviertel 2014?", passages) is None
    # „Essen“ is a town only after a word that introduces a place.
    assert missing_places(analyse_question("Gibt es ein warmes Essen in der Kita?"), passages) == []
    # A Land names a region as a town does.
    reason = refusal("Wie hoch war die Armutsrisikoquote in Bayern im Jahr 2014?", passages)
    assert reason == "Zu „Bayern“ finde ich in den gefundenen Stellen keine Angaben."
    assert refusal("Wie hoch war die Armutsrisikoquote in Deutschland 2014?", passages) is None
    # A name after an area noun is a place whatever it is called: a district of any town.
    reason = refusal("Wie hoch ist die Armutsrisikoquote im Stadtteil Rosenhügel?", passages)
    assert reason == "Zu „Rosenhügel“ finde ich in den gefundenen Stellen keine Angaben."
    named = [*passages, passage("Im Hafenviertel lag die Armutsrisikoquote 2014 bei 31 %.")]
    assert refusal("Wie hoch war die Armutsrisikoquote im Quartier Hafenviertel?", named) is None
    # „Stadt“ and „Gemeinde“ may go on with a noun: only a known town counts after them.
    stadt = "Wie hoch war die Armutsrisikoquote der Stadt Deutschland 2014?"
    assert refusal(stadt, passages) is None


def test_an_answer_to_a_date_question_that_names_no_date_is_refused() -> None:
    from assistant.retrieval.answerability import undated_answer

    deadline = analyse_question("Bis wann müssen Projektvorschläge eingereicht werden?")
    assert undated_answer(deadline, "Projektvorschläge reicht die Gemeinde ein. [1]") is not None
    assert undated_answer(deadline, "Sie sind bis zum 31. März einzureichen. [1]") is None
    assert undated_answer(deadline, "Sie sind binnen zwei Wochen einzureichen. [1]") is None
    since = analyse_question("Seit wann ist das Stadtteilbüro zu?")
    assert undated_answer(since, "Das Stadtteilbüro ist seit 2019 geschlossen. [1]") is None
    # A bare „wann“ may ask for a condition, which a sentence without a date can answer.
    condition = analyse_question("Wann gilt ein Quartier als benachteiligt?")
    assert undated_answer(condition, "Es gilt als benachteiligt, wenn … [1]") is None


def test_the_answer_check_is_chosen_by_name() -> None:
    from assistant.retrieval.answerability import answer_refusal

    deadline = analyse_question("Bis wann müssen Projektvorschläge eingereicht werden?")
    quoted = "Projektvorschläge reicht die Gemeinde ein. [1]"
    assert answer_refusal(deadline, quoted) is not None
    assert answer_refusal(deadline, quoted, checks=("count",)) is None


def test_an_answer_quoted_from_passages_that_never_name_the_town_is_refused() -> None:
    from assistant.retrieval.answerability import answer_refusal

    question = analyse_question("Wie hoch war die Armutsrisikoquote in Leipzig im Jahr 2014?")
    national = passage("Im Jahr 2014 betrug die Armutsrisikoquote 15,8 Prozent.")
    quoted = "Im Jahr 2014 betrug die Armutsrisikoquote 15,8 Prozent. [1]"
    # One passage of the search names Leipzig, so the check before the answer lets it pass;
    # the sentence chosen comes from a passage that does not.
    searched = [national, passage("Leipzig hat 600 000 Einwohner.")]
    assert refusal("Wie hoch war die Armutsrisikoquote in Leipzig im Jahr 2014?", searched) is None
    reason = answer_refusal(question, quoted, [national])
    assert reason == "Zu „Leipzig“ finde ich in den gefundenen Stellen keine Angaben."
    # A title naming the town counts, as it does before the answer.
    report = RetrievedChunk(
        "c3", national.text, SourceRef("d3", "x.pdf", "Sozialbericht Leipzig"), {}
    )
    assert answer_refusal(question, quoted, [report]) is None
    assert answer_refusal(question, quoted, [national], checks=("undated",)) is None


def test_a_table_gap_is_answered_only_by_a_passage_saying_the_asked_word_whole() -> None:
    from assistant.models import TableGap
    from assistant.retrieval.answerability import table_gap_refusal

    # „Ausländeranteil“ asked for 2015, the share's own table ends in 2012.
    gap = TableGap(
        frozenset({"shares"}),
        ("Milbertshofen",),
        (("auslanderanteil", "ausland", "anteil"),),
        "Die Tabellen führen „Ausländeranteil“ für Milbertshofen nur für 2000–2012.",
        years=(2015,),
    )

    def row(doc_id: str, text: str) -> RetrievedChunk:
        return RetrievedChunk("r", text, SourceRef(doc_id, f"{doc_id}.csv", doc_id), {})

    ageing = row("ageing", "Überalterungsquotient, Ausländer, 2015: 140,4; Milbertshofen")
    assert table_gap_refusal(gap, [ageing])  # says „Ausländer“, not their share
    report = row("report", "2015 lag der Ausländeranteil in Milbertshofen bei 40 %.")
    assert not table_gap_refusal(gap, [report])
    by_parts = row("report", "Der Anteil der Ausländer in Milbertshofen stieg 2015 auf 40 %.")
    assert not table_gap_refusal(gap, [by_parts])
    # The share's own table was read for that year already: its rows of other years do not
    # answer, even when a row names 2015 elsewhere.
    own = row("shares", "Ausländeranteil, 2012: 38,1; Milbertshofen; Stand 2015")
    assert table_gap_refusal(gap, [own])
