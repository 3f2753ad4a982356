"""Example questions for the three user groups, matching the demo municipality Lindwerden."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExampleGroup:
    title: str
    description: str
    style: str  # answer style the questions are asked in
    questions: tuple[str, ...]


EXAMPLE_GROUPS = (
    ExampleGroup(
        "Sozialplanung in der Kommune",
        "Zahlen und Befunde für Berichte und Vorlagen",
        "kurz",
        (
            "Wie hoch ist die SGB-II-Quote im Hafenviertel?",
            "Welcher Stadtteil hat die höchste Kinderarmut?",
            "Wie hängen Kita-Versorgung und Kinderarmut im Hafenviertel zusammen?",
        ),
    ),
    ExampleGroup(
        "Beratung der Landesagentur",
        "Förderaufrufe und Anträge prüfen",
        "stichpunkte",
        (
            "Wie hoch ist die Förderquote für kommunale Antragsteller im Förderaufruf?",
            "Erfüllt das Hafenviertel die Kriterien der Gebietsauswahl im Förderaufruf?",
            "Welche im Förderaufruf verlangten Unterlagen fehlen im IHK-Entwurf für das "
            "Hafenviertel noch?",
        ),
    ),
    ExampleGroup(
        "Neu in der Sozialplanung",
        "Begriffe und Verfahren verständlich erklärt",
        "ausfuehrlich",
        (
            "Was ist eine Präventionskette?",
            "Wie funktioniert das gestufte Indexverfahren für den Sozialindex?",
            "Was misst der Indikator Kinderarmut?",
        ),
    ),
)
