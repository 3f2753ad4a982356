"""„Fasse die Ausgangslage … zusammen“: a cited fact sheet from tables and reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.documents.uploads import ingest_upload
from assistant.platform.config import LLMSettings
from assistant.services import Services
from tests.llm_servers import Behaviour, OpenAIServer

DEMO = Path(__file__).resolve().parents[1] / "data" / "sample" / "generated"
FILES = (
    "Kennzahlen_Stadtteile.csv",
    "Indikatoren_Stadtteile_2019-2023.csv",
    "Sozialbericht_Lindwerden_2024.pdf",
)
QUESTION = "Fasse die Ausgangslage im Hafenviertel zusammen"


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


_FACT = re.compile(
    r"^- (?P<name>[^:]+): (?P<value>.+?) \[\d+\] \(Stadt (?P<city>.+?) \[\d+\]; "
    r"(?P<ratio>[\d,]+)-fach"
)


def _with_model(town: Services, url: str) -> Services:
    """Services on the same data with an OpenAI-compatible model server configured."""
    llm = LLMSettings(mode="openai", model="test-modell", base_url=f"{url}/v1", timeout_s=10)
    return Services(town.settings.model_copy(update={"llm": llm}))


def test_with_a_model_the_sheet_is_written_as_verified_prose(town: Services) -> None:
    sheet = town.answers.ask(QUESTION)
    fact = next(m for line in sheet.text.splitlines() if (m := _FACT.match(line)))
    name, value, city, ratio = fact["name"], fact["value"], fact["city"], fact["ratio"]
    reply = (
        f"Im Hafenviertel liegt die {name} bei {value}, in der Stadt bei {city}; das ist "
        f"das {ratio}-fach so hoch [1]. Die {name} lag 2019 bei 99,9 % [1]."
    )
    with OpenAIServer(Behaviour(replies=[reply])) as server:
        services = _with_model(town, server.url)
        try:
            answer = services.answers.ask(QUESTION)
        finally:
            services.close()
        (chat,) = server.chats()
    assert chat.body is not None
    prompt = chat.body["messages"][1]["content"]
    # The model reads the sheet's facts: the figure with its comparison and the table row.
    assert f"{name}: {value} (Stadt {city}; {ratio}-fach" in prompt
    assert answer.mode == "openai"
    assert answer.text.startswith(f"Im Hafenviertel liegt die {name} bei {value}")
    assert "99,9" not in answer.text, "a figure the sources lack is removed"
    assert "nicht mit den Quellen belegen" in answer.notice
    # The prose cites the table row the figure was read from.
    (cited,) = answer.citations
    assert cited.ref.row is not None and value.split()[0] in cited.text


def test_an_unverifiable_model_text_leaves_the_sheet(town: Services) -> None:
    reply = "Das Hafenviertel ist das schönste Viertel am Meer und hat 99 Strände [1]."
    with OpenAIServer(Behaviour(replies=[reply])) as server:
        services = _with_model(town, server.url)
        try:
            answer = services.answers.ask(QUESTION)
        finally:
            services.close()
    assert answer.mode == "profile"
    assert answer.text.startswith("Steckbrief Hafenviertel – zusammengestellt")
    assert "Strände" not in answer.text
    assert answer.notice.startswith("Der Text des Sprachmodells ließ sich nicht")
    assert "Steckbrief" in answer.notice
