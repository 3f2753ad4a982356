"""Funding-call questions end to end: real loader, index, retrieval and answer writer."""

from __future__ import annotations

from pathlib import Path

from assistant.services import Services

_CALL = """# Förderaufruf Quartiere 2026

# 2 Zuwendungszweck

Zweck der Förderung ist die Stärkung benachteiligter Quartiere durch soziale Projekte.

# 4 Antragsberechtigte

Antragsberechtigt sind:

1. Gemeinden und Kreise,
2. anerkannte Träger der freien Wohlfahrtspflege im Einvernehmen mit der Kommune.

# 7 Höhe der Zuwendung

Es werden bis zu 85 Prozent der zuwendungsfähigen Ausgaben bezuschusst.

# 8 Inhalt des Handlungskonzepts

Das Handlungskonzept ist in Teilen jährlich fortzuschreiben.
Das Handlungskonzept hat folgende Bestandteile:

- Teil A: Ausgangslage und Bedarfe,
- Teil B: Ziele und Maßnahmen.

# 9 Verfahren

Für jedes Vorhaben ist ein eigener Antrag mit den in Nummer 10 genannten Unterlagen
einzureichen. Die Anträge sind bis zum 30. Mai 2026 einzureichen.

# 10 Erforderliche Unterlagen

Beizufügen sind:

1. Projektbeschreibung je Vorhaben,
2. Finanzierungsplan je Vorhaben,
3. Personalplan mit Stellenumfang.
"""


def _ingest(services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "aufruf"
    folder.mkdir()
    (folder / "Foerderaufruf_Quartiere_2026.md").write_text(_CALL, encoding="utf-8")
    services.pipeline.ingest_paths([folder])


def test_a_reference_to_a_numbered_section_is_answered_with_its_list(
    services: Services, tmp_path: Path
) -> None:
    _ingest(services, tmp_path)
    answer = services.answers.ask("Womit ist für jedes Vorhaben ein eigener Antrag einzureichen?")
    lines = answer.text.splitlines()
    assert lines[0].startswith("Für jedes Vorhaben ist ein eigener Antrag")
    listed = "\n".join(lines[1:])
    for item in ("Projektbeschreibung je Vorhaben", "Finanzierungsplan", "Personalplan"):
        assert item in listed
    # The items cite section 10, where they stand, not the referring sentence's section.
    cited = {c.ref.heading.split(" > ")[-1] for c in answer.citations}
    assert "10 Erforderliche Unterlagen" in cited


def test_who_may_apply_is_answered_from_the_recipients_section(
    services: Services, tmp_path: Path
) -> None:
    _ingest(services, tmp_path)
    answer = services.answers.ask("Wer darf einen Antrag stellen?")
    assert "Gemeinden und Kreise" in answer.text
    assert "freien Wohlfahrtspflege" in answer.text


def test_a_summary_of_the_call_quotes_it_part_by_part(services: Services, tmp_path: Path) -> None:
    _ingest(services, tmp_path)
    answer = services.answers.ask("Fasse die Förderbedingungen des Förderaufrufs zusammen.")
    lines = answer.text.splitlines()
    assert lines[0].startswith("Zusammenstellung aus")
    labels = [line.split(":")[0] for line in lines[1:]]
    # The call's parts in its own order, each line a cited quote.
    assert labels[:3] == ["- Zweck", "- Antragsberechtigt", "- Höhe der Förderung"]
    assert "bis zu 85 Prozent" in answer.text
    assert all(line.rstrip().endswith("]") for line in lines[1:])


def test_a_summary_of_named_parts_quotes_only_those(services: Services, tmp_path: Path) -> None:
    _ingest(services, tmp_path)
    answer = services.answers.ask("Fasse die Fördersätze des Förderaufrufs zusammen.")
    assert answer.text.splitlines()[1].startswith("- Höhe der Förderung: Es werden bis zu 85")
    assert "Antragsberechtigt" not in answer.text


def test_the_list_a_lead_in_announces_answers_which_parts(
    services: Services, tmp_path: Path
) -> None:
    _ingest(services, tmp_path)
    answer = services.answers.ask("Aus welchen Teilen besteht das Handlungskonzept?")
    lines = answer.text.splitlines()
    assert lines[0].startswith("Das Handlungskonzept hat folgende Bestandteile:")
    assert "Teil B: Ziele und Maßnahmen" in lines[2]


def test_where_to_submit_is_not_answered_with_a_referenced_list(
    services: Services, tmp_path: Path
) -> None:
    _ingest(services, tmp_path)
    answer = services.answers.ask("Wie ist für jedes Vorhaben ein eigener Antrag einzureichen?")
    assert answer.text.startswith("Für jedes Vorhaben ist ein eigener Antrag")
    assert "Personalplan" not in answer.text
