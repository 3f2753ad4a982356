"""Two municipalities with overlapping content and a knowledge base, for isolation tests.

Both towns have the same districts, the same kinds of documents and the same indicators;
they differ in the town name and in every number (Lindenfeld's rates lie between 5 and
30 %, Brakenau's between 40 and 70 %, populations in disjoint ranges), so a passage,
row or figure that crossed over is recognisable. One guideline is byte-identical in
both towns (same document id and chunk ids), which only the workspace tag tells apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.index.embedders import make_embedder
from assistant.platform.config import EmbeddingSettings

AREAS = ("Altstadt", "Hafenviertel", "Nordviertel", "Südstadt", "Eichwald", "Sonnenberg")
YEARS = (2021, 2022, 2023)
INDICATORS = {
    "SGB-II-Quote": "%",
    "Kinderarmut": "%",
    "Arbeitslosenanteil (SGB II)": "%",
    "Einwohnerinnen und Einwohner": "Anzahl",
}


@dataclass(frozen=True, slots=True)
class Town:
    workspace: str
    name: str
    rate_base: float  # rates lie in [rate_base, rate_base + 25)
    population_base: int

    def rate(self, indicator: int, area: int, year: int) -> float:
        return round(self.rate_base + (indicator * 7 + area * 3.3 + (year - 2021) * 0.7) % 25, 1)

    def population(self, area: int, year: int) -> int:
        return self.population_base + area * 1234 + (year - 2021) * 17

    def rates(self) -> set[str]:
        """Every rate of the town as written (German decimal comma)."""
        return {
            _german(self.rate(i, a, y)) for i in range(3) for a in range(len(AREAS)) for y in YEARS
        }


LINDENFELD = Town("lindenfeld", "Lindenfeld", 5.0, 5000)
BRAKENAU = Town("brakenau", "Brakenau", 40.0, 20000)


def _german(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def write_town(folder: Path, town: Town) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = [_indicator_table(folder, town), _social_report(folder, town)]
    files += [_kita_plan(folder, town), _minutes(folder, town), _shared_guideline(folder)]
    return files


def _indicator_table(folder: Path, town: Town) -> Path:
    lines = ["Jahr;Stadtteil-Nr;Stadtteil;Indikator;Wert;Einheit"]
    for year in YEARS:
        for a, area in enumerate(AREAS):
            for i, (indicator, unit) in enumerate(INDICATORS.items()):
                value = (
                    str(town.population(a, year)) if unit == "Anzahl" else _german(
                        town.rate(i, a, year))
                )  # fmt: skip
                lines.append(f"{year};0{a + 1};{area};{indicator};{value};{unit}")
    path = folder / f"Indikatoren_{town.name}_2021-2023.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _social_report(folder: Path, town: Town) -> Path:
    parts = [f"# Sozialbericht {town.name} 2024", ""]
    parts += [
        "## Einleitung",
        "",
        f"Der Sozialbericht beschreibt die soziale Lage in den Stadtteilen von {town.name}. "
        f"Er dient der Sozialplanung der Stadt {town.name} als Grundlage für Entscheidungen "
        "des Rates über Angebote, Förderanträge und Quartiersmanagement.",
        "",
    ]
    for a, area in enumerate(AREAS):
        sgb = _german(town.rate(0, a, 2023))
        kids = _german(town.rate(1, a, 2023))
        parts += [
            f"## {a + 2} Stadtteil {area}",
            "",
            f"Im Stadtteil {area} von {town.name} lag die SGB-II-Quote 2023 bei {sgb} Prozent. "
            f"Die Kinderarmut im {area} erreichte {kids} Prozent. Das Stadtteilbüro {area} "
            f"in {town.name} berät Familien an drei Tagen pro Woche.",
            "",
            f"Für den {area} plant {town.name} ein Jugendzentrum und einen Seniorentreff. "
            f"Die Wohnfläche je Person beträgt im {area} {30 + a + town.rate_base:.0f} "
            "Quadratmeter.",
            "",
        ]
    path = folder / f"Sozialbericht_{town.name}_2024.md"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _kita_plan(folder: Path, town: Town) -> Path:
    parts = [f"# Kita-Bedarfsplanung {town.name} 2024", ""]
    for a, area in enumerate(AREAS):
        places = int(town.population(a, 2023) / 40)
        parts += [
            f"## Kita-Plätze im {area}",
            "",
            f"Im {area} stehen in {town.name} {places} Kita-Plätze zur Verfügung. Der "
            f"Versorgungsgrad für unter Dreijährige liegt im {area} bei "
            f"{_german(town.rate(2, a, 2023))} Prozent. Bis 2027 plant {town.name} eine "
            f"neue Kindertagesstätte im {area}.",
            "",
        ]
    path = folder / f"Kita_Bedarfsplanung_{town.name}_2024.md"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _minutes(folder: Path, town: Town) -> Path:
    text = f"""# Protokoll der Stadtteilkonferenz Hafenviertel in {town.name}

## Teilnehmende

Vertreterinnen und Vertreter der Stadt {town.name}, des Quartiersmanagements Hafenviertel,
der Schulen und der Wohnungsbaugesellschaft {town.name}er Wohnen.

## Beschlüsse

Die Stadtteilkonferenz {town.name} empfiehlt, das Familienzentrum am Hafen bis 2027 zu
einem Stadtteiltreff auszubauen. Die Kosten schätzt die Stadt {town.name} auf
{town.population_base * 96} Euro. Ein Antrag im Förderaufruf Starke Quartiere wird
vorbereitet.
"""
    path = folder / f"Protokoll_Stadtteilkonferenz_{town.name}.md"
    path.write_text(text, encoding="utf-8")
    return path


def _shared_guideline(folder: Path) -> Path:
    text = """# Leitfaden Beteiligung in der Sozialplanung

## Grundsätze

Beteiligung beginnt früh: Bewohnerinnen und Bewohner werden vor der Festlegung von Zielen
gefragt. Jede Beteiligung hat einen klaren Auftrag, einen Zeitplan und eine Rückmeldung an
die Beteiligten.

## Methoden

Stadtteilspaziergänge, aktivierende Befragungen und Quartierskonferenzen eignen sich für
Quartiere mit hohem Handlungsbedarf. Für Jugendliche bewähren sich digitale Formate.
"""
    path = folder / "Leitfaden_Beteiligung.md"
    path.write_text(text, encoding="utf-8")
    return path


def write_knowledge_base(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    text = """# Förderaufruf Starke Quartiere 2025 des Landes

## Gegenstand der Förderung

Gefördert werden integrierte Handlungskonzepte für Quartiere mit besonderem
Entwicklungsbedarf. Förderfähig sind Quartiersmanagement, Stadtteiltreffs und
Beteiligungsverfahren.

## Fördersatz und Antragsfrist

Der Fördersatz beträgt bis zu 80 Prozent der förderfähigen Ausgaben. Die Antragsfrist
endet am 31. März 2025. Anträge stellen Kommunen beim Landesamt für Soziales.
"""
    path = folder / "Foerderaufruf_Starke_Quartiere_2025.md"
    path.write_text(text, encoding="utf-8")
    return [path]


TOPICS = (
    "Wie hoch ist die SGB-II-Quote im {area}?",
    "Was sagt der Sozialbericht zur Kinderarmut im {area}?",
    "Wie viele Kita-Plätze gibt es im {area}?",
    "Was plant die Stadt für den {area}?",
    "Wann berät das Stadtteilbüro {area}?",
    "Wie groß ist die Wohnfläche je Person im {area}?",
    "Gibt es einen Seniorentreff im {area}?",
    "Wie hoch ist der Versorgungsgrad für unter Dreijährige im {area}?",
    "Welche neue Kindertagesstätte ist im {area} geplant?",
    "Welche Angebote für Jugendliche gibt es im {area}?",
)
GENERAL = (
    "Was empfiehlt die Stadtteilkonferenz für das Familienzentrum am Hafen?",
    "Wie hoch sind die Kosten für den Stadtteiltreff?",
    "Wie beginnt Beteiligung in der Sozialplanung?",
    "Welche Methoden der Beteiligung eignen sich für Jugendliche?",
    "Wie hoch ist der Fördersatz im Förderaufruf Starke Quartiere?",
    "Wann endet die Antragsfrist des Förderaufrufs?",
    "Welche Maßnahmen sind im Förderaufruf förderfähig?",
    "Wie hoch ist die Kinderarmut in Brakenau?",
    "Wie hoch ist die Kinderarmut in Lindenfeld?",
    "Wer nahm an der Stadtteilkonferenz teil?",
)
INDICATOR_QUESTIONS = (
    "Wie hoch war die SGB-II-Quote im {area} {year}?",
    "Wie hoch ist die Kinderarmut im {area}?",
    "Wie viele Einwohnerinnen und Einwohner hat {area}?",
    "Wie hat sich die SGB-II-Quote im {area} seit 2021 entwickelt?",
)
RANKINGS = (
    "Welche drei Stadtteile haben die höchste Kinderarmut?",
    "Welcher Stadtteil hatte 2022 die niedrigste SGB-II-Quote?",
    "Welche Stadtteile haben den höchsten Arbeitslosenanteil?",
    "Wie viele Stadtteile haben eine SGB-II-Quote über 20 %?",
)


def document_questions() -> list[str]:
    return [t.format(area=a) for t in TOPICS for a in AREAS] + list(GENERAL)


def indicator_questions() -> list[str]:
    questions = [
        q.format(area=a, year=YEARS[i % len(YEARS)])
        for i, a in enumerate(AREAS)
        for q in INDICATOR_QUESTIONS
    ]
    return questions + list(RANKINGS)


class CachedEmbedder:
    """The real embedder, remembering the vector of every text it encoded.

    The tests ask the same questions of several stores (two towns; before and after a
    restore): the query vectors are computed once. What is compared are the stores.
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._vectors: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self._inner.encode(missing), strict=True))
        if not texts:
            return np.asarray(self._inner.encode([]))
        return np.vstack([self._vectors[t] for t in texts])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@lru_cache(maxsize=1)
def shared_embedder() -> CachedEmbedder:
    """One configured (default) embedder for all tests of the workspace layer."""
    return CachedEmbedder(make_embedder(EmbeddingSettings.model_validate({})))


def with_shared_embedder(services: Any) -> Any:
    """`services` using the shared embedder (before anything used its own)."""
    services.__dict__["embedder"] = shared_embedder()
    return services
