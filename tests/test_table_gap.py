"""A figure asked of areas only the tables know, under a name none of their indicators has:
refused with what the tables do hold, unless a document speaks of those areas."""

from __future__ import annotations

from pathlib import Path

from assistant.documents.ingestion import IngestStatus
from assistant.services import Services


def _ingest(services: Services, folder: Path) -> None:
    for result in services.pipeline.ingest_paths([folder]):
        assert result.status == IngestStatus.INDEXED, result.message


def _tables(folder: Path) -> Path:
    folder.mkdir()
    (folder / "Arbeitsmarkt_Stadtteile.csv").write_text(
        "Stadtteil;Jahr;Arbeitslose;Arbeitslosenquote\n"
        "Nordviertel;2023;812;9,4\n"
        "Hafenviertel;2023;1204;15,3\n"
        "Altstadt;2023;431;6,1\n",
        encoding="utf-8",
    )
    return folder


def test_an_indicator_the_tables_lack_is_refused_naming_what_they_hold(
    services: Services, tmp_path: Path
) -> None:
    _ingest(services, _tables(tmp_path / "daten"))
    answer = services.answers.ask("Wie hoch war die SGB-II-Quote im Hafenviertel 2023?")
    assert not answer.found
    assert "Die Tabellen zu Hafenviertel enthalten dazu keinen Wert" in answer.text
    assert "sie führen: Arbeitslose" in answer.text
    # What the tables hold is still answered from them.
    held = services.answers.ask("Wie hoch war die Arbeitslosenquote im Hafenviertel 2023?")
    assert held.found and "15,3" in held.text


def test_a_report_speaking_of_the_area_still_answers(services: Services, tmp_path: Path) -> None:
    folder = _tables(tmp_path / "daten")
    (folder / "Sozialbericht.md").write_text(
        "# Mindestsicherung\n\nDie SGB-II-Quote im Hafenviertel lag 2023 bei 21,9 Prozent und "
        "damit deutlich über dem Durchschnitt der Stadt.\n",
        encoding="utf-8",
    )
    _ingest(services, folder)
    answer = services.answers.ask("Wie hoch war die SGB-II-Quote im Hafenviertel 2023?")
    assert answer.found and "21,9 Prozent" in answer.text


def test_a_report_naming_the_area_for_another_figure_does_not_answer(
    services: Services, tmp_path: Path
) -> None:
    folder = _tables(tmp_path / "daten")
    (folder / "Sozialbericht.md").write_text(
        "# Arbeitsmarkt\n\nIm Hafenviertel ist die Quote mit 15,3 Prozent die höchste aller "
        "Stadtteile; die Altstadt liegt am unteren Ende.\n",
        encoding="utf-8",
    )
    _ingest(services, folder)
    answer = services.answers.ask("Wie hoch ist die Pflegequote im Hafenviertel?")
    assert not answer.found
    assert "Die Tabellen zu Hafenviertel enthalten dazu keinen Wert" in answer.text


def test_a_year_the_tables_lack_for_a_held_indicator_is_refused_naming_their_years(
    services: Services, tmp_path: Path
) -> None:
    _ingest(services, _tables(tmp_path / "daten"))
    answer = services.answers.ask("Wie hoch war die Arbeitslosenquote im Hafenviertel 2015?")
    assert not answer.found
    assert "für Hafenviertel nur für 2023, nicht für 2015." in answer.text
    # A year the tables hold is answered from them.
    held = services.answers.ask("Wie hoch war die Arbeitslosenquote im Hafenviertel 2023?")
    assert held.found and "15,3" in held.text
