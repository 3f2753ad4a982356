"""Funding-call questions end to end: real loader, index, retrieval and answer writer."""

from __future__ import annotations

from pathlib import Path

from assistant.services import Services

_CALL = """# Förderaufruf Quartiere 2026

# 4 Antragsberechtigte

Antragsberechtigt sind:

1. Gemeinden und Kreise,
2. anerkannte Träger der freien Wohlfahrtspflege im Einvernehmen mit der Kommune.

# 7 Höhe der Zuwendung

Es werden bis zu 85 Prozent der zuwendungsfähigen Ausgaben bezuschusst.

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
