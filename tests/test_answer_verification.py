"""Citation verification: existence of `[n]`, lexical support, figures, policies."""

from __future__ import annotations

import numpy as np

from assistant.llm.verification import CitationVerifier, canonical_number, numbers_of
from tests.llm_helpers import HAFEN, WOHNEN, corpus, passage


def _statuses(text: str, policy: str = "remove") -> tuple[str, list[tuple[str, str]]]:
    checked = CitationVerifier().verify(text, corpus(), policy)  # type: ignore[arg-type]
    return checked.text, [(s.status, s.text) for s in checked.sentences]


def test_supported_sentences_pass_and_unsupported_ones_are_removed() -> None:
    text, statuses = _statuses(
        "Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent [1]. "
        "Sie liegt damit deutlich über dem Stadtdurchschnitt von 11,3 Prozent [1]. "
        "Der Bürgermeister plant eine neue Schwimmhalle [2]. "
        "Laut Gutachten sind es sogar 31 Prozent [1]. "
        "Weitere Angaben stehen im Anhang [7]."
    )
    assert [s for s, _ in statuses] == [
        "verified", "verified", "unsupported", "number_mismatch", "uncited",
    ]  # fmt: skip
    assert text == (
        "Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent [1]. "
        "Sie liegt damit deutlich über dem Stadtdurchschnitt von 11,3 Prozent [1]."
    )


def test_the_cited_block_must_be_the_one_that_supports_the_sentence() -> None:
    # True in source 1, but cited as source 2 (the housing passage).
    _, statuses = _statuses("Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent [2].")
    assert statuses[0][0] == "number_mismatch"
    _, statuses = _statuses(
        "Die SGB-II-Quote im Hafenviertel ist die höchste aller Stadtteile [2]."
    )
    assert statuses[0][0] == "unsupported"


def test_german_normalisation_accepts_inflection_and_umlaut_spelling() -> None:
    checked = CitationVerifier().verify(
        "Im Villenviertel sind die Wohnflächen je Person mit 52 Quadratmetern am groessten [2].",
        corpus(),
    )
    assert checked.sentences[0].status == "verified"


def test_numbers_are_compared_in_german_and_english_notation() -> None:
    assert canonical_number("24,7") == canonical_number("24.7") == "24.7"
    assert canonical_number("118.400") == "118400"
    assert numbers_of("rund 118.400 Menschen, 24,7 %") == {"118400", "24.7"}
    checked = CitationVerifier().verify(
        "Die Quote im Hafenviertel beträgt 24.7 Prozent [1].", corpus()
    )
    assert checked.sentences[0].status == "verified"


def test_flag_policy_keeps_but_marks_and_still_drops_invented_sources() -> None:
    text, _ = _statuses(
        "Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent [1]. "
        "Der Bürgermeister plant eine neue Schwimmhalle [2, 8].",
        policy="flag",
    )
    assert text == (
        "Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent [1]. "
        "Der Bürgermeister plant eine neue Schwimmhalle [2] [nicht belegt]."
    )


def test_a_run_of_sentences_cited_once_is_checked_against_that_citation() -> None:
    text, statuses = _statuses(
        "Im Villenviertel ist die Wohnfläche je Person mit 52 Quadratmetern am größten. "
        "Im Hafenviertel stehen jeder Person 29 Quadratmeter zur Verfügung [2]."
    )
    assert [s for s, _ in statuses] == ["verified", "verified"]
    assert text.startswith(
        "Im Villenviertel ist die Wohnfläche je Person mit 52 Quadratmetern am größten [2]."
    )


def test_markers_after_the_full_stop_belong_to_the_sentence_before() -> None:
    _, statuses = _statuses(
        "Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent. [1] "
        "Im Hafenviertel stehen jeder Person 29 Quadratmeter zur Verfügung. [2]"
    )
    assert [s for s, _ in statuses] == ["verified", "verified"]


def test_bullets_headings_and_paragraphs_survive_the_check() -> None:
    answer = (
        "Überblick:\n"
        "- Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent [1].\n"
        "- Der Hafen bekommt eine Seilbahn [1].\n"
        "\n"
        "- Im Hafenviertel stehen jeder Person 29 Quadratmeter zur Verfügung [2]."
    )
    checked = CitationVerifier().verify(answer, corpus())
    assert checked.text == (
        "Überblick:\n"
        "- Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent [1].\n"
        "\n"
        "- Im Hafenviertel stehen jeder Person 29 Quadratmeter zur Verfügung [2]."
    )
    assert [s.status for s in checked.sentences] == [
        "structural", "verified", "unsupported", "verified",
    ]  # fmt: skip
    assert checked.cited == [1, 2]


def test_refusal_is_recognised_and_nothing_else_remains() -> None:
    checked = CitationVerifier().verify("In den Unterlagen finde ich dazu nichts.", corpus())
    assert checked.refused and checked.kept_claims == []
    checked = CitationVerifier().verify("Die Stadt hat 3 Schwimmbäder [5].", corpus())
    assert not checked.refused and checked.text == "" and checked.kept_claims == []


def test_embedding_similarity_accepts_a_close_paraphrase_only_with_an_embedder() -> None:
    paraphrase = "Am Hafen bezieht fast ein Viertel Grundsicherung nach SGB II [1]."

    def encode(texts: list[str]) -> np.ndarray:
        # A stand-in embedder: the paraphrase and the first source sentence point the same way.
        vectors = []
        for text in texts:
            close = "Hafen" in text and ("Viertel" in text or "24,7" in text)
            vectors.append([1.0, 0.1] if close else [0.0, 1.0])
        return np.asarray(vectors, dtype=np.float32)

    sources = [passage(1, HAFEN), passage(2, WOHNEN)]
    lexical_only = CitationVerifier().verify(paraphrase, sources)
    assert lexical_only.sentences[0].status == "unsupported"
    with_embeddings = CitationVerifier(encode=encode).verify(paraphrase, sources)
    assert with_embeddings.sentences[0].status == "verified"
    assert 0.25 <= with_embeddings.sentences[0].support < 0.5


def test_a_web_address_or_image_in_no_source_is_removed_as_unverified() -> None:
    text, statuses = _statuses(
        "Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent [1]. "
        "Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent "
        "![Grafik](http://sammler.example/q.png?d=hafen) [1]."
    )
    assert [s for s, _ in statuses] == ["verified", "unsupported"]
    assert "sammler.example" not in text and text.endswith("24,7 Prozent [1].")
