"""Cleaning of extracted German text: characters, hyphenation, split words, running lines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.cleaning import (
    build_vocabulary,
    clean_text,
    collapse_spaces,
    dehyphenate,
    is_page_number_line,
    join_lines,
    normalize_characters,
    reflow,
    remove_running_lines,
    repair_split_words,
)

# Sentences from a municipal report; nothing in them may change.
GERMAN_PROSE = (
    "Die Stadt legt mit diesem Sozialbericht eine Analyse der sozialen Lage vor. In der "
    "Innenstadt und in den Stadtteilen leben Menschen mit sehr unterschiedlichen "
    "Voraussetzungen. Die Quote der Leistungsberechtigten nach dem SGB II ist im Nordviertel "
    "am höchsten, so wie es schon im letzten Bericht beschrieben wurde. Zu dem Ergebnis kommt "
    "auch die Kinder- und Jugendhilfeplanung. Die Übergangsquote liegt bei 23,4 Prozent, in dem "
    "Südviertel aber deutlich höher. Wie viel Geld bereitsteht, ist offen. Da mit steigenden "
    "Zahlen zu rechnen ist, muss die Stadt handeln. Im Amt für Soziales arbeiten viele "
    "Fachkräfte. Gruppe B ist klein. Vor allem Familien mit Kindern sind betroffen, z. B. "
    "Alleinerziehende. Das Budget umfasst rund eine Million Euro pro Jahr."
)


def test_normalize_characters_fixes_ligatures_spaces_and_soft_hyphens() -> None:
    raw = "Die Einﬂuss\u00adgröße\u00a0und  \ufb01nanzielle Mittel\u200b: Sozial\u00ad\nplanung"
    assert normalize_characters(raw) == "Die Einflussgröße und  finanzielle Mittel: Sozialplanung"


def test_normalize_characters_composes_umlauts() -> None:
    assert normalize_characters("Gro\u0308ße und Su\u0308d") == "Größe und Süd"
    assert normalize_characters("Gro¨ße") == "Größe"


def test_a_dash_bound_by_a_non_breaking_space_stays_inside_its_list_item() -> None:
    from assistant.answering.lists import lines_of

    raw = "Gefördert werden: – 300 Bauwerk\u00a0– Baukonstruktionen, – 500 Außenanlagen."
    text = normalize_characters(raw)
    assert "Bauwerk\u00a0– Baukonstruktionen" in text
    assert "Gefördert\u00a0" not in normalize_characters("Gefördert\u00a0werden")
    items = [line.text for line in lines_of(text)]
    assert items == [
        "Gefördert werden:",
        "– 300 Bauwerk\u00a0– Baukonstruktionen,",
        "– 500 Außenanlagen.",
    ]


def test_collapse_spaces_keeps_one_blank_line() -> None:
    assert collapse_spaces("a  b \n\n\n\n c") == "a b\n\nc"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Die Sozial-\nplanung wirkt", "Die Sozialplanung wirkt"),
        ("Die Kinder-\nund Jugendhilfe", "Die Kinder- und Jugendhilfe"),
        ("die Kinder-\nJugendhilfe", "die Kinder-Jugendhilfe"),
        ("für 2-\njährige Kinder", "für 2-jährige Kinder"),
        ("die SGB-\nII-Quote", "die SGB-II-Quote"),
        ("Arbeits-\nmarkt und Woh-\nnen", "Arbeitsmarkt und Wohnen"),
    ],
)
def test_dehyphenate(raw: str, expected: str) -> None:
    assert dehyphenate(raw) == expected


def test_dehyphenate_leaves_inline_ellipsis_alone() -> None:
    assert dehyphenate("Kinder- und Jugendhilfe") == "Kinder- und Jugendhilfe"


def test_dehyphenate_keeps_hyphen_the_document_uses() -> None:
    vocabulary = build_vocabulary(["Das Quartiers-Netzwerk tagt. Das Quartiers-Netzwerk lädt ein."])
    assert dehyphenate("im Quartiers-\nnetzwerk", vocabulary) == "im Quartiers-netzwerk"


def test_join_lines_reflows_a_paragraph() -> None:
    lines = ["Die Sozial-", "planung im Nord-", "viertel ist", "wichtig."]
    assert join_lines(lines) == "Die Sozialplanung im Nordviertel ist wichtig."


def test_reflow_keeps_paragraph_breaks() -> None:
    text = "Erste Zeile\nzweite Zeile.\n\nNeuer Absatz\nmit Text."
    assert reflow(text) == "Erste Zeile zweite Zeile.\n\nNeuer Absatz mit Text."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Arb eitsmarkt", "Arbeitsmarkt"),
        ("Proze nt", "Prozent"),
        ("Sozialpl anung", "Sozialplanung"),
        ("der Arb eits markt", "der Arbeitsmarkt"),
        ("Die SGB-II-Quo te liegt bei 23,4 Proze nt.", "Die SGB-II-Quote liegt bei 23,4 Prozent."),
        ("viele Kita s im Quartier", "viele Kitas im Quartier"),
        ("D ie Stadt", "Die Stadt"),
        ("Alleinerzie hende und Einwohnerin nen", "Alleinerziehende und Einwohnerinnen"),
    ],
)
def test_repair_split_words_joins_fragments(raw: str, expected: str) -> None:
    assert repair_split_words(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "in der Stadt",
        "Die Stadt",
        "SGB II",
        "so wie",
        "in dem Viertel",
        "zu dem Ergebnis",
        "Gruppe B ist klein",
        "siehe s. u.",
        "Kinder- und Jugendhilfe",
        "Das Feld %s ist leer",
        GERMAN_PROSE,
    ],
)
def test_repair_split_words_keeps_real_word_pairs(text: str) -> None:
    assert repair_split_words(text, build_vocabulary([text])) == text


def test_repair_split_words_uses_words_seen_intact_in_the_document() -> None:
    text = "Die Sozialraumorientierung gilt. Die Sozialraum orientierung wirkt."
    repaired = repair_split_words(text, build_vocabulary([text]))
    assert repaired == "Die Sozialraumorientierung gilt. Die Sozialraumorientierung wirkt."


def test_repair_split_words_trusts_rare_words_the_document_repeats() -> None:
    # "Nordviertel" is rare in general German but used throughout this document.
    text = "Das Nordviertel ist groß. Im Nordviertel ist es laut. Nordviertel ist bunt."
    assert repair_split_words(text, build_vocabulary([text])) == text


def test_clean_text_runs_all_repairs() -> None:
    raw = "Die Sozial-\nplanung im Arb eitsmarkt\nist ﬂexibel.\n\nZweiter Absatz."
    assert clean_text(raw) == "Die Sozialplanung im Arbeitsmarkt ist flexibel.\n\nZweiter Absatz."


@pytest.mark.parametrize(
    "line", ["3", "- 3 -", "– 12 –", "Seite 3", "Seite 3 von 30", "3 / 30", "S. 4", "[7]"]
)
def test_page_number_lines(line: str) -> None:
    assert is_page_number_line(line)


@pytest.mark.parametrize(
    "line", ["3 Ziele", "Seite an Seite", "2023", "2023 wurde gebaut", "23,4 %"]
)
def test_not_page_number_lines(line: str) -> None:
    assert not is_page_number_line(line)


def test_remove_running_lines_drops_headers_footers_and_page_numbers() -> None:
    topics = ["Bildung", "Wohnen", "Arbeit", "Gesundheit"]
    pages = [
        ["Sozialbericht 2023 | Stadt Musterstadt", f"Text über {topic}", f"Seite {n} von 4"]
        for n, topic in enumerate(topics, start=1)
    ]
    pages[0].insert(1, "Vorwort der Oberbürgermeisterin")
    cleaned = remove_running_lines(pages)
    assert cleaned[0] == ["Vorwort der Oberbürgermeisterin", "Text über Bildung"]
    assert cleaned[3] == ["Text über Gesundheit"]


def test_remove_running_lines_needs_enough_pages() -> None:
    pages = [["Kopfzeile", "Text eins"], ["Kopfzeile", "Text zwei"]]
    assert remove_running_lines(pages) == pages


def test_remove_running_lines_keeps_lines_in_the_middle_of_pages() -> None:
    # Only the first and last three lines of a page can be running lines.
    pages = []
    for n in range(5):
        top = [f"Kopf {n}", f"Anfang {'a' * n}", f"Einleitung {'b' * n}"]
        bottom = [f"Schluss {'c' * n}", f"Ende {'d' * n}"]
        pages.append([*top, "Wiederholte Zeile", *bottom, f"{n}"])
    cleaned = remove_running_lines(pages)
    assert cleaned[2] == [
        "Anfang aa",
        "Einleitung bb",
        "Wiederholte Zeile",
        "Schluss cc",
        "Ende dd",
    ]


COMMON_WORDS = (
    "die der das und in zu den mit von für auf ist im nicht ein eine als auch es an sich dem "
    "Stadt Kinder Familien Quartier soziale Arbeit Planung Bericht Jahr Menschen Angebote "
    "wird werden sind hat haben kann soll mehr sehr gut neue viele alle wie so wo da nur "
    "Schule Kita Wohnen Hilfe Jugend Beratung Ziel Ziele Maßnahmen Mittel Rat Amt SGB II"
).split()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(COMMON_WORDS), min_size=2, max_size=25))
def test_repair_split_words_never_joins_common_words(words: list[str]) -> None:
    text = " ".join(words)
    assert repair_split_words(text) == text
    assert repair_split_words(text, build_vocabulary([text])) == text


def test_word_font_bullets_are_read_as_bullets() -> None:
    # Symbol and Wingdings glyphs land in the private use area of PDF text.
    text = normalize_characters("Nachweise \uf0b7 Rechnung \uf0fc Foto der Maßnahme")
    assert text == "Nachweise • Rechnung • Foto der Maßnahme"
