"""The offline extractive answerer on real sentence splitting and term analysis."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.answering.extractive import ExtractiveGenerator
from assistant.language.question import analyse_question
from assistant.llm.styles import get_style
from assistant.platform.config import AnswerSettings
from tests.llm_helpers import passage


def _uniform(terms: list[str]) -> dict[str, float]:
    return dict.fromkeys(terms, 1.0)


def _answer(question: str, *passages: object) -> str:
    generator = ExtractiveGenerator(AnswerSettings(), _uniform)
    generated = generator.generate(analyse_question(question), list(passages))  # type: ignore[arg-type]
    assert generated.found
    return generated.text


def test_list_items_come_with_their_lead_in_sentence() -> None:
    text = (
        "2 Versorgungsziele\n\n"
        "Der Jugendhilfeausschuss hat folgende Versorgungsziele festgelegt:\n\n"
        "- Kinder unter drei Jahren: Versorgungsquote von 42 % in der Gesamtstadt,\n"
        "- Kinder ab drei Jahren: Versorgungsquote von 100 % in jedem Stadtteil."
    )
    answer = _answer(
        "Welche Versorgungsziele hat der Jugendhilfeausschuss festgelegt?",
        passage(1, text, heading="2 Versorgungsziele"),
    )
    lines = answer.split("\n")
    assert lines[0].startswith("Der Jugendhilfeausschuss hat folgende Versorgungsziele")
    assert "42 %" in lines[1] and "100 %" in lines[2]
    assert all(line.endswith("[1]") for line in lines)


def test_the_section_heading_is_not_quoted_as_an_answer() -> None:
    text = (
        "5 Einrichtungen und Familienzentren\n\n"
        "In Lindwerden gibt es 77 Kindertageseinrichtungen, von denen 11 als Familienzentrum "
        "zertifiziert sind."
    )
    answer = _answer(
        "Wie viele Einrichtungen und Familienzentren gibt es?",
        passage(1, text, heading="5 Einrichtungen und Familienzentren"),
    )
    assert answer.startswith("In Lindwerden gibt es 77")
    assert "5 Einrichtungen und Familienzentren [" not in answer


def test_a_table_row_read_from_a_pdf_is_matched_and_shown_with_its_header() -> None:
    text = (
        "7 Höhe der Zuwendung\n\n"
        "Tabelle 2: Förderquoten und Eigenanteile\n\n"
        "Antragsteller Förderquote Eigenanteil\n"
        "Kommunale Antragsteller (Gemeinden, Städte, Kreise) 80 % 20 %\n"
        "Nicht-kommunale Antragsteller (freie Träger, Vereine) 90 % 10 %"
    )
    answer = _answer(
        "Welchen Eigenanteil tragen freie Träger?",
        passage(1, text, heading="7 Höhe der Zuwendung"),
    )
    first = answer.split("\n")[0]
    assert first.startswith("Antragsteller Förderquote Eigenanteil: Nicht-kommunale")
    assert "90 % 10 %" in first
    assert "Kommunale Antragsteller (Gemeinden" not in answer


def test_a_second_source_is_quoted_for_what_the_first_lacks() -> None:
    measure = passage(
        1,
        "Das Übergangscoaching „Hafenlotsen“ (M3) wird von der Jugendberufshilfe gGmbH als "
        "Übergangscoaching an zwei Schulen getragen.",
        source="IHK_Entwurf.docx",
    )
    rate = passage(
        2,
        "Für Vorhaben freier Träger beträgt die Förderquote 90 %.",
        source="Foerderaufruf.pdf",
    )
    answer = _answer(
        "Welche Förderquote gilt für das Übergangscoaching „Hafenlotsen“?", measure, rate
    )
    assert answer.split("\n")[0].startswith("Das Übergangscoaching")
    assert "Förderquote 90 %. [2]" in answer


def test_a_sentence_counts_the_subject_of_its_section() -> None:
    citywide = passage(
        1,
        "Stadtweit liegt die Versorgungsquote für Kinder unter drei Jahren bei 36,6 %.",
        heading="3 Versorgung der Kinder unter drei Jahren",
    )
    profile = passage(
        2,
        "Für Kinder unter drei Jahren liegt die Versorgungsquote bei 23,8 %.",
        heading="11 Stadtteilprofile > 11.3 Hafenviertel (03)",
    )
    answer = _answer(
        "Wie hoch ist die Versorgungsquote für Kinder unter drei Jahren im Hafenviertel?",
        citywide,
        profile,
    )
    assert answer.split("\n")[0].startswith("Für Kinder unter drei Jahren liegt")


def test_a_list_is_quoted_whole_with_its_lead_in_also_across_chunks() -> None:
    """A law's list: markers on lines of their own, the lead-in without a colon, and the
    list going on in the next chunk (the next page)."""
    first = passage(
        1,
        "§ 164b Verwaltungsvereinbarung\n\n"
        "(2) Schwerpunkt für den Einsatz solcher Finanzhilfen sind\n\n1.\n\n"
        "die Stärkung von Innenstädten und Ortsteilzentren,\n\n2.",
        heading="§ 164b Verwaltungsvereinbarung",
    )
    first.metadata["chunk_index"] = 7
    second = passage(
        2,
        "§ 164b Verwaltungsvereinbarung\n\n"
        "die Wiedernutzung von Flächen,\n\n3.\n\n"
        "städtebauliche Maßnahmen zur Behebung sozialer Missstände.\n\n"
        "(3) Die Länder legen Programme fest.",
        heading="§ 164b Verwaltungsvereinbarung",
    )
    second.metadata.update(chunk_index=8, continues=first.chunk_id)
    answer = _answer("Welche Schwerpunkte haben die Finanzhilfen?", first, second)
    assert answer.splitlines()[:4] == [
        "(2) Schwerpunkt für den Einsatz solcher Finanzhilfen sind [1]",
        "1. die Stärkung von Innenstädten und Ortsteilzentren, [1]",
        "2. die Wiedernutzung von Flächen, [2]",
        "3. städtebauliche Maßnahmen zur Behebung sozialer Missstände. [2]",
    ]


def test_inline_dash_items_are_a_list() -> None:
    text = (
        "4. Inhalt des GIHK Das GIHK hat folgende Bestandteile:\n\n"
        "– Teil A: Rahmenbedingungen und Bedarfe, – Teil B: strategischer Ansatz und "
        "– Teil C: geplante Einzelvorhaben."
    )
    answer = _answer("Welche Bestandteile hat das GIHK?", passage(1, text))
    assert answer.splitlines() == [
        "4. Inhalt des GIHK Das GIHK hat folgende Bestandteile: [1]",
        "– Teil A: Rahmenbedingungen und Bedarfe, [1]",
        "– Teil B: strategischer Ansatz und [1]",
        "– Teil C: geplante Einzelvorhaben. [1]",
    ]


def test_a_deadline_question_leads_with_the_sentence_that_names_a_period() -> None:
    text = (
        "Die Rückübertragung des Grundstücks regelt die Gemeinde im Einzelnen.\n\n"
        "Die Rückübertragung des Grundstücks ist binnen zwei Jahren zu beantragen."
    )
    answer = _answer("Bis wann ist die Rückübertragung des Grundstücks möglich?", passage(1, text))
    assert answer.splitlines()[0].startswith("Die Rückübertragung des Grundstücks ist binnen")


def test_table_rows_read_as_lines_with_the_asked_column_first() -> None:
    from ingest.structure import row_sentence

    row = "Nr.: 03; Stadtteil: Hafenviertel; Kinder unter 3 J.: 378; Versorgungsquote (%): 23,8"
    assert row_sentence(row, asked=lambda name: "Versorgung" in name) == (
        "03, Hafenviertel: Versorgungsquote (%) 23,8; Kinder unter 3 J. 378"
    )
    measure = "Nr.: M6; Maßnahme: Monitoring; Träger: Stadt; Baustein: D; Gesamtkosten: 125.580 €"
    assert row_sentence(measure) == "M6, Monitoring, Stadt: Baustein D; Gesamtkosten 125.580 €"
    prose = "Klassen: unter -1: hoch; -1 bis +1: mittel; über +1,5: sehr niedrig."
    assert row_sentence(prose) == prose


def test_a_table_caption_brings_its_rows() -> None:
    from assistant.answering.lists import items_after, lines_of

    text = (
        "Tabelle 5: Bewertungskriterien und Punkte\n\nKriterium | Höchstpunktzahl\n\n"
        "- 1. Nachgewiesener Handlungsbedarf | 20\n- 2. Qualität des IHK | 20\n"
        "- 3. Integrierter Ansatz | 15"
    )
    lines = lines_of(text)
    assert items_after(lines, 0) == [
        "- 1. Nachgewiesener Handlungsbedarf | 20",
        "- 2. Qualität des IHK | 20",
        "- 3. Integrierter Ansatz | 15",
    ]


def test_a_sentence_announcing_the_following_table_brings_its_rows() -> None:
    # Other sentences stand between the announcement and the table (as in real calls).
    text = (
        "11 Bewertungskriterien\n\n"
        "Die Interessenbekundungen werden anhand der folgenden Kriterien bewertet. Es können "
        "höchstens 100 Punkte erreicht werden. Bei Punktgleichheit entscheidet der Bedarf.\n\n"
        "Tabelle 5: Bewertungskriterien und Punkte\n\nKriterium | Höchstpunktzahl\n\n"
        "- 1. Nachgewiesener Handlungsbedarf | 20\n- 2. Qualität des IHK | 20\n"
        "- 3. Integrierter Ansatz | 15"
    )
    answer = _answer(
        "Nach welchen Kriterien werden die Interessenbekundungen bewertet?",
        passage(1, text, heading="11 Bewertungskriterien"),
    )
    lines = answer.splitlines()
    assert lines[0].startswith("Die Interessenbekundungen werden anhand der folgenden")
    assert any("Nachgewiesener Handlungsbedarf" in line for line in lines[1:4])
    assert any("Integrierter Ansatz" in line for line in lines)


def test_a_sentence_without_a_forward_reference_brings_no_later_list() -> None:
    from assistant.answering.lists import announced_items, lines_of

    lines = lines_of(
        "Die Anträge werden geprüft. Danach entscheidet das Gremium.\n\n- 1. Erstes,\n- 2. Zweites."
    )
    assert announced_items(lines, 0) == []
    announcing = lines_of(
        "Es gelten die nachstehenden Fristen. Sie sind verbindlich.\n\n- 1. Erste."
    )
    assert announced_items(announcing, 0) == ["- 1. Erste."]


@pytest.mark.parametrize(
    ("question", "text", "figure"),
    [
        (
            "Wie viel Zeit bleibt, wenn die Bewilligungsbehörde fehlende Unterlagen nachfordert?",
            "Für jedes Vorhaben ist ein eigener Antrag mit den in Nummer 10 genannten "
            "Unterlagen einzureichen. Die Bewilligungsbehörde kann eine Frist zur Nachreichung "
            "fehlender Unterlagen von höchstens zwei Wochen setzen.",
            "höchstens zwei Wochen",
        ),
        # „sieben Prozent“ states a rate as „7 %“ does; a sentence with a rate in digits
        # about something else must not push it out.
        (
            "Wie viel Prozent der Gesamtausgaben darf die geförderte Vorbereitung höchstens "
            "betragen?",
            "Die Summe der geförderten Ausgaben der Vorbereitung darf höchstens sieben Prozent "
            "der zuwendungsfähigen Gesamtausgaben betragen. Bei Mehrfachförderung beträgt die "
            "Gesamtförderung der Ausgaben bis zu 90 Prozent.",
            "sieben Prozent",
        ),
    ],
)
def test_a_figure_written_in_words_answers_a_figure_question(
    question: str, text: str, figure: str
) -> None:
    assert figure in _answer(question, passage(1, text)).splitlines()[0]


def test_a_deadline_question_is_answered_by_the_dated_sentence_of_its_section() -> None:
    text = (
        "6 Verfahren\n\n"
        "Die feuerwehrtechnische Beamtin der Bewilligungsstelle berät die Kommunen bei "
        "Baumaßnahmen rechtzeitig.\n\n"
        "6.3.1 Die Anträge auf Zuwendungen sollen bei den Bewilligungsstellen bis zum "
        "15. Februar des laufenden Haushaltsjahres eingereicht werden."
    )
    answer = _answer(
        "Bis zu welchem Termin sollen Kommunen ihre Anträge bei der Bewilligungsstelle für "
        "Baumaßnahmen abgeben?",
        passage(1, text, heading="6 Verfahren"),
    )
    assert "15. Februar" in answer
    assert "feuerwehrtechnische Beamtin" not in answer


def test_a_sentence_referring_back_is_about_the_words_of_the_sentence_before() -> None:
    # „Diese“ stands for the Verfügungsfonds named in the sentence before it. The next
    # paragraph is about something else.
    text = (
        "In den Fördergebieten können Verfügungsfonds eingerichtet werden. Diese "
        "finanzieren sich bis zu 50 Prozent aus Mitteln Dritter.\n\nDie Gemeinde legt den "
        "Gesamtetat fest."
    )
    answer = _answer("Wie finanziert sich ein Verfügungsfonds?", passage(1, text))
    first = answer.splitlines()[0]
    # Quoted with the sentence it refers to, which is then not quoted a second time.
    assert first == (
        "In den Fördergebieten können Verfügungsfonds eingerichtet werden. Diese "
        "finanzieren sich bis zu 50 Prozent aus Mitteln Dritter. [1]"
    )
    assert answer.count("eingerichtet werden") == 1
    assert "Gesamtetat" not in answer


def test_a_short_paragraph_is_quoted_from_the_chosen_sentence_to_its_end() -> None:
    # The question's words are in the first sentence; the cap and the hourly rate follow
    # in the same clause of the guideline, which a planner needs whole.
    clause = (
        "5. Der Eigenanteil kann durch unbare Leistungen des Zuwendungsempfängers erbracht "
        "werden. Diese können als unbezahlte freiwillige Arbeitsstunden erfolgen; die "
        "Stundenbewertung entspricht dem Mindestlohn nach dem Mindestlohngesetz vom 11. "
        "August 2014 (BGBl. I S. 1348). Der Wert darf 5 000 Euro pro Maßnahme nicht "
        "übersteigen."
    )
    other = "6. Der Verwendungsnachweis ist binnen sechs Monaten vorzulegen."
    answer = _answer(
        "Kann der Eigenanteil durch unbare Leistungen erbracht werden?",
        passage(1, f"{clause}\n\n{other}"),
    )
    first = answer.splitlines()[0]
    assert first == f"{clause} [1]"
    assert "Verwendungsnachweis" not in answer
    # A paragraph longer than a short clause stands for itself: only the chosen sentence.
    long_clause = clause + " Weitere Einzelheiten regelt die Bewilligungsbehörde." * 8
    answer = _answer(
        "Kann der Eigenanteil durch unbare Leistungen erbracht werden?",
        passage(1, long_clause),
    )
    assert "5 000 Euro" not in answer and "unbare Leistungen" in answer


def test_a_rule_in_two_versions_of_a_guideline_is_quoted_once() -> None:
    old = (
        "Der Eigenanteil kann durch unbare Leistungen als Arbeitsleistungen in Form von "
        "unbezahlten freiwilligen Arbeitsstunden erbracht werden; die Stundenbewertung "
        "entspricht der Höhe des jeweils gültigen Mindestlohns gemäß § 1 Absatz 2 des "
        "Mindestlohngesetzes, das zuletzt durch Artikel 2 des Gesetzes vom 10. Juli 2020 "
        "(BGBl. I S. 1657) geändert worden ist."
    )
    new = old.replace("10. Juli 2020", "28. Juni 2022").replace("1657", "969")
    answer = _answer(
        "Kann der Eigenanteil durch unbare Leistungen erbracht werden?",
        passage(1, old, source="FRL_2021.pdf"),
        passage(2, new, source="FRL_2023.pdf"),
    )
    assert answer.count("Stundenbewertung") == 1


def test_a_paragraph_is_quoted_on_only_as_far_as_the_answer_has_room() -> None:
    clause = (
        "Der Eigenanteil kann durch unbare Leistungen erbracht werden. Der Wert darf 5 000 "
        "Euro pro Maßnahme nicht übersteigen."
    )
    question = "Kann der Eigenanteil durch unbare Leistungen erbracht werden?"
    roomy = ExtractiveGenerator(AnswerSettings(), _uniform).generate(
        analyse_question(question), [passage(1, clause)], replace(get_style(), max_chars=1200)
    )
    tight = ExtractiveGenerator(AnswerSettings(), _uniform).generate(
        analyse_question(question), [passage(1, clause)], replace(get_style(), max_chars=80)
    )
    assert "5 000 Euro" in roomy.text and "5 000 Euro" not in tight.text
    # What the answer's checks read is the chosen sentence, not the context after it.
    assert "5 000 Euro" not in roomy.basis


def test_list_and_section_numbers_do_not_answer_a_figure_question() -> None:
    # The enumerated list matches the question best but states no amount; the sentence
    # with the rate matches less. Whether the passage speaks to the question is judged on
    # both, the figure then decides which one answers.
    text = (
        "Gegenstand ist der Betrieb einer Servicestelle für Gemeinwesenarbeit: 1. Vernetzung "
        "der Programmstädte und Träger, 2. Erfahrungsaustausch der Träger, 3. Fachveranstaltungen "
        "zur Gemeinwesenarbeit nach Nummer 5.2 der Richtlinie.\n\n"
        "Der Zuschuss für den Träger wird in Höhe von 95 Prozent gewährt."
    )
    answer = _answer(
        "Mit welchem Zuschuss kann der Träger einer Servicestelle für Gemeinwesenarbeit rechnen?",
        passage(1, text),
    )
    first = answer.splitlines()[0]
    assert first.startswith("Der Zuschuss für den Träger wird in Höhe von 95 Prozent")


def test_a_word_said_shorter_or_longer_counts_for_the_question_term() -> None:
    # „Verstetigungskonzept“ is said as „Verstetigung“; the other sentence shares only the
    # Quartier with the question.
    text = (
        "Ein Konzept der Gemeinde beschreibt die Ziele im Quartier.\n\n"
        "Zur Verstetigung legt die Gemeinde dar, welche Angebote im Quartier nach dem Ende "
        "der Förderung bleiben."
    )
    answer = _answer("Was gehört im Quartier in ein Verstetigungskonzept?", passage(1, text))
    assert answer.splitlines()[0].startswith("Zur Verstetigung legt die Gemeinde dar")


def test_a_compound_counts_as_one_word_not_as_its_parts_too() -> None:
    # „Quartiersprojekten“ is one word of the question; counted with its parts it would
    # outweigh „Prozent der förderfähigen Kosten“ and pick the flat-rate sentence.
    answer = _answer(
        "Wie viel Prozent der förderfähigen Kosten übernimmt das Land bei Quartiersprojekten?",
        passage(
            1,
            "Bei Quartiersprojekten werden die Sachkosten mit einer Pauschale von 15 Prozent "
            "der Personalkosten abgegolten.",
        ),
        passage(2, "Das Land trägt bis zu 80 Prozent der förderfähigen Kosten."),
    )
    assert answer.startswith("Das Land trägt bis zu 80 Prozent")


def test_a_subsection_heading_run_into_the_prose_is_what_its_sentences_are_about() -> None:
    # Converted legal texts run „5.2 Fördersatz“ into the paragraph; the sentence with the
    # rate does not repeat the heading's word.
    text = (
        "5.1 Art der Zuwendung Die Mittel werden als Zuschuss zur Anteilfinanzierung gewährt. "
        "5.2 Bemessungsgrundlage und Fördersatz Bemessungsgrundlage sind die anerkannten "
        "Ausgaben des Vorhabens. Die Höhe beträgt 70 Prozent der Bemessungsgrundlage. "
        "5.3 Eigenanteil Den übrigen Teil trägt die Gemeinde aus eigenen Mitteln."
    )
    answer = _answer("Wie hoch ist der Fördersatz?", passage(1, text, heading="5 Zuwendung"))
    assert "70 Prozent" in answer.split("\n")[0]


def test_the_askers_situation_weighs_less_than_what_is_asked() -> None:
    text = (
        "Der Verein stellt den Antrag.\n\n"
        "Die Kosten der Jugendarbeit werden bis zu 90 Prozent bezuschusst."
    )
    answer = _answer(
        "Wir sind ein kleiner Sportverein aus Oberhausen mit einer Jugendabteilung und "
        "vielen Trainern. Wie viel der Kosten wird bezuschusst?",
        passage(1, text),
    )
    # Counted in full, the situation's dozen words would leave the answer below the gate.
    assert answer == "Die Kosten der Jugendarbeit werden bis zu 90 Prozent bezuschusst. [1]"


def test_a_date_question_is_answered_by_a_sentence_that_says_the_verb_of_its_noun() -> None:
    text = (
        "Der Landkreis und das Jugendamt stimmen die Bedarfsplanung jährlich ab.\n\n"
        "Die Landkreise beantragen die Zuwendungen bis zum 31. Juli des laufenden Jahres."
    )
    answer = _answer("Welcher Stichtag gilt für den Antrag der Landkreise?", passage(1, text))
    assert answer.splitlines()[0].startswith("Die Landkreise beantragen die Zuwendungen bis")


def test_a_compound_of_the_question_is_not_near_its_last_part() -> None:
    from assistant.answering.extractive import _near_terms

    assert _near_terms({"antrag"}, {"beantrag"}) == {"antrag"}
    assert _near_terms({"stadtumbaumassnahm"}, {"massnahm"}) == set()


def test_a_rate_question_is_answered_by_the_sentence_that_states_a_rate() -> None:
    text = (
        "Das Land übernimmt die Baukosten der Kostengruppen 300 und 400 nach DIN 276.\n\n"
        "Der Zuschuss des Landes beträgt bis zu 50 Prozent der Baukosten."
    )
    answer = _answer("Wie viel Prozent der Baukosten übernimmt das Land?", passage(1, text))
    # The first sentence shares more words and has figures, but states no rate.
    assert answer.splitlines()[0].startswith("Der Zuschuss des Landes beträgt bis zu 50")


def test_a_sentence_stating_a_rate_says_the_rate_word_it_does_not_repeat() -> None:
    # „bis zu 50 Prozent“ shares no word with „Förderquote“, yet it is the answer; the
    # other sentence shares the programme's name only.
    text = (
        "Die Förderrichtlinie KitaBau gilt im ganzen Land.\n\n"
        "Die Zuwendung erfolgt als Zuschuss von bis zu 50 Prozent der Ausgaben."
    )
    answer = _answer("KitaBau Förderquote?", passage(1, text, heading="KitaBau > Höhe"))
    assert answer.splitlines()[0].startswith("Die Zuwendung erfolgt als Zuschuss von bis zu 50")


def test_a_heading_with_only_its_list_below_leads_the_list_in() -> None:
    text = (
        "3 Antragsberechtigte\n\n"
        "- Natürliche Personen mit Erstwohnsitz in Potsdam\n"
        "- Eingetragene Vereine für Veranstaltungen im Rahmen einer Sonderförderung"
    )
    other = "Die Antragsprüfung übernimmt die Koordinierungsstelle Klimaschutz in Potsdam."
    answer = _answer(
        "Wer darf in Potsdam einen Antrag stellen?",
        passage(1, other),
        passage(2, text, heading="Richtlinie > 3 Antragsberechtigte"),
    )
    # The list comes whole, also the item that shares no word with the question.
    assert "3 Antragsberechtigte [2]\n- Natürliche Personen mit Erstwohnsitz" in answer
    assert "- Eingetragene Vereine für Veranstaltungen" in answer


def test_the_second_subject_is_answered_by_the_sentence_told_alongside_the_first() -> None:
    report = (
        "2015 lag die durchschnittliche Lebenserwartung von Frauen in Deutschland bei 83 "
        "Jahren. Männer wurden im Schnitt 78 Jahre alt."
    )
    other = "Junge Männer in Deutschland sind 2015 mit elf Prozent häufiger gefährdet."
    answer = _answer(
        "Wie alt wurden Frauen und Männer in Deutschland 2015 durchschnittlich?",
        passage(1, report),
        passage(2, other),
    )
    # Chosen for the second subject, the sentence is read where it stands, after the first.
    assert answer.splitlines()[0] == f"{report} [1]"


def test_a_deadline_question_is_answered_by_a_deadline_not_by_a_cited_law_s_date() -> None:
    text = (
        "Kita-Baumittel für den Antrag auf Kita-Bau regelt das Gesetz über "
        "Kindertageseinrichtungen in der Fassung der Bekanntmachung vom 15. Mai 2009.\n\n"
        "Die Landkreise stellen den Antrag auf Baumittel bis zum 31. Juli."
    )
    answer = _answer("Welcher Stichtag gilt für den Antrag auf Kita-Baumittel?", passage(1, text))
    assert answer.splitlines()[0].startswith("Die Landkreise stellen den Antrag auf Baumittel bis")


def test_a_question_word_is_said_in_its_synonym() -> None:
    text = "Neue Plätze in Kindertageseinrichtungen werden bis zu 50 Prozent gefördert."
    # „Kita“ and „Kindertageseinrichtung“ are synonyms (prompts/synonyms.yaml).
    answer = _answer("Wie viel Prozent bekommt eine Kita?", passage(1, text))
    assert answer.startswith("Neue Plätze in Kindertageseinrichtungen")


def test_parts_are_covered_when_no_unit_was_chosen_before() -> None:
    from assistant.answering.extractive import _Candidate, _Unit
    from assistant.language.question import QuestionPart, Role

    generator = ExtractiveGenerator(AnswerSettings(), lambda terms: dict.fromkeys(terms, 1.0))
    unit = _Unit("Männer wurden im Schnitt 78 Jahre alt.", passage(1, "x"))
    candidate = _Candidate(0, 0, unit, 0.5, 0.5, 0.5, frozenset({"mann"}))
    part = QuestionPart("Männer", frozenset({"mann"}), Role.TOPIC)
    # Nothing chosen (every unit below the floor): the part's unit is all there is.
    assert generator._cover_parts([], [candidate], [part], 4) == [candidate]


def test_a_figure_told_right_after_the_sentence_naming_what_it_counts() -> None:
    text = (
        "Die Zahl der Wohnungseinbrüche ging zurück. 2016 wurden 151.000 Einbrüche gezählt.\n\n"
        "2016 kam es jedoch zu einem Anstieg der Gewaltdelikte. "
        "Gezählt wurden rund 193.500 Fälle."
    )
    answer = _answer("Wie viele Gewaltdelikte gab es 2016?", passage(1, text))
    # The figure's sentence says no word of the question; it is read with the one before.
    assert answer.startswith(
        "2016 kam es jedoch zu einem Anstieg der Gewaltdelikte. Gezählt wurden rund 193.500 "
        "Fälle. [1]"
    )


def test_a_stated_limit_answers_a_question_for_a_bound_in_other_words() -> None:
    # „höchstens“ asked, „maximal“ written: the sentence stating the cap answers.
    text = "Pro Haushalt und Jahr werden maximal 3.000 € ausgezahlt."
    answer = _answer(
        "Wie viel Förderung kann ein privater Haushalt in Potsdam pro Jahr höchstens über die "
        "Klimaschutzförderrichtlinie bekommen?",
        passage(1, text),
    )
    assert "maximal 3.000 €" in answer.splitlines()[0]


@pytest.mark.parametrize("doc_type", ["funding_call", "report"])
def test_a_guidelines_sentences_speak_for_the_programme_its_title_names(doc_type: str) -> None:
    # The deadline sentence never repeats „Zuwendungen … Feuerwehrwesen“: in a funding
    # call its title says that for it, so the date comes first; a report's title does not.
    source = "VwV_Zuwendungen_Feuerwehrwesen.md"
    general = passage(
        1,
        "Zuwendungen für das Feuerwehrwesen werden auf Antrag gewährt.",
        source=source,
        heading="5 Höhe",
        doc_type=doc_type,
    )
    deadline = passage(
        2,
        "Die Anträge sind bis zum 15. Februar beim Regierungspräsidium einzureichen.",
        source=source,
        heading="6 Verfahren",
        doc_type=doc_type,
    )
    answer = _answer(
        "Bis wann sind Anträge auf Zuwendungen für das Feuerwehrwesen einzureichen?",
        general,
        deadline,
    )
    opens_with_date = answer.startswith("Die Anträge sind bis zum 15. Februar")
    assert opens_with_date == (doc_type == "funding_call")


def test_a_lead_in_that_lost_its_colon_still_brings_its_list() -> None:
    # Converted guidelines drop the colon: „Zuwendungsempfänger können sein“ and the list.
    heading = "Förderrichtlinie Orte III. Zuwendungsempfänger"
    text = (
        f"{heading}\n\nZuwendungsempfänger können sein\n\n"
        "- gemeinnützige Vereine und Verbände,\n"
        "- juristische Personen des öffentlichen Rechts."
    )
    answer = _answer(
        "Wer kann Zuwendungsempfänger sein?",
        passage(1, text, source="FRL_Orte.md", heading=heading, doc_type="funding_call"),
    )
    lines = answer.split("\n")
    assert lines[0].startswith("Zuwendungsempfänger können sein")
    assert "gemeinnützige Vereine" in answer and "juristische Personen" in answer
