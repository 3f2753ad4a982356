"""„Fasse die Ausgangslage … zusammen“: a cited fact sheet from tables and reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.documents.uploads import ingest_upload
from assistant.services import Services

DEMO = Path(__file__).resolve().parents[1] / "data" / "sample" / "generated"
FILES = (
    "Kennzahlen_Stadtteile.csv",
    "Indikatoren_Stadtteile_2019-2023.csv",
    "Sozialbericht_Lindwerden_2024.pdf",
)


@pytest.fixture
def town(services: Services) -> Services:
    for name in FILES:
        ingest_upload(services.settings, services.pipeline, name, (DEMO / name).read_bytes())
    return services


def test_a_summary_of_an_area_is_a_cited_fact_sheet(town: Services) -> None:
    answer = town.answers.ask("Fasse die Ausgangslage im Hafenviertel zusammen")
    assert answer.mode == "profile"
    lines = answer.text.splitlines()
    assert lines[0].startswith("Steckbrief Hafenviertel – zusammengestellt")
    figures = [line for line in lines if line.startswith("- ")]
    assert 2 <= len(figures) <= 4
    # Each key figure has the city value and a ratio above 1 (worse than the city).
    assert all("Stadt " in line and "-fach" in line for line in figures)
    ratios = [float(line.split("-fach")[0].rsplit(" ", 1)[1].replace(",", ".")) for line in figures]
    assert all(r > 1 for r in ratios) and ratios == sorted(ratios, reverse=True)
    findings = [line for line in lines if line.startswith("Befund: ")]
    assert findings and all("Hafenviertel" in line for line in findings)
    cited = {c.n: c for c in answer.citations}
    assert any(c.ref.source.startswith("Sozialbericht") for c in cited.values())
    assert any(c.ref.row is not None for c in cited.values()), "figures cite table rows"
    assert len(answer.text) <= 1200


def test_no_sheet_for_an_area_the_tables_do_not_know(town: Services) -> None:
    answer = town.answers.ask("Fasse die Ausgangslage in Rosenhügel zusammen")
    assert answer.mode != "profile"
