"""The `planwerk` command as a planner and a script use it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.platform.config import Settings
from tests.corpus import write_mixed_folder


@pytest.fixture
def run(settings: Settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLANWERK_DATA_DIR", str(settings.data_dir))
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, list(args))
        return result.exit_code, result.output

    return invoke


def test_help_is_german(run) -> None:  # type: ignore[no-untyped-def]
    code, output = run("--help")
    assert code == 0
    assert "Planungsdokumente" in output and "Quellenangaben" in output


def test_ingest_ask_sources_remove(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = write_mixed_folder(tmp_path / "unterlagen")["pdf"].parent
    code, output = run("ingest", str(folder))
    assert code == 0
    assert "9 Dateien: 5 indexiert, 0 ersetzt, 0 unverändert, 4 abgelehnt." in output
    assert "abgelehnt" in output and "vertraulich.pdf" in output

    code, output = run("ask", "--json", "Seit wann ist das Stadtteilbüro im Hafenviertel zu?")
    assert code == 0
    payload = json.loads(output)
    assert payload["mode"] == "extractive"
    assert "2019" in payload["answer"]
    assert payload["citations"][0]["page"] == 3
    assert payload["citations"][0]["source"] == "Sozialbericht_2024.pdf"
    assert set(payload["citations"][0]) == {
        "n", "source", "title", "page", "sheet", "row", "heading", "text",
        "column", "column_name", "value_text",  # added for table cells
    }  # fmt: skip
    assert 1 <= len(payload["retrieved"]) <= 10
    assert set(payload["retrieved"][0]) == {"source", "page", "sheet", "row", "heading", "score"}

    code, output = run("ask", "Seit wann ist das Stadtteilbüro im Hafenviertel geschlossen?")
    assert code == 0
    assert "extraktiv" in output and "[1] Sozialbericht" in output and "S. 3" in output

    # A figure that a table holds is computed from the table and cited by cell.
    code, output = run("ask", "--json", "Wie hoch ist die SGB-II-Quote im Hafenviertel?")
    payload = json.loads(output)
    assert payload["mode"] == "indicators" and "24,7" in payload["answer"]
    assert payload["citations"][0]["source"] == "Indikatoren_2023.csv"
    assert payload["citations"][0]["row"] == 2
    # The cell's column, in its own keys and (as always) in "heading".
    assert payload["citations"][0]["column"] == "C"
    assert payload["citations"][0]["heading"].startswith("Spalte C: ")
    code, output = run("ask", "Wie hoch ist die SGB-II-Quote im Hafenviertel?")
    assert "Modus: berechnet aus Tabellen" in output and "Sprachmodell, Belege" not in output

    code, output = run("sources", "--json")
    sources = {d["source"] for d in json.loads(output)}
    assert "Sozialbericht_2024.pdf" in sources and len(sources) == 5

    code, output = run("remove", "Sozialbericht_2024.pdf")
    assert code == 0 and "Gelöscht" in output
    code, output = run("sources", "--json")
    assert "Sozialbericht_2024.pdf" not in {d["source"] for d in json.loads(output)}

    code, output = run("remove", "gibt-es-nicht.pdf")
    assert code == 1


def test_config_prints_effective_settings(run, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    code, output = run("config")
    assert code == 0
    effective = json.loads(output)
    assert effective["data_dir"] == str(settings.data_dir)
    assert effective["embedding"]["mode"] == "use"
    assert effective["llm"]["mode"] == "extractive"


def test_remove_refuses_a_name_two_documents_share(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for folder, text in (("a", "Bericht der Nordstadt 2023."), ("b", "Bericht der Südstadt 2024.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "Bericht.md").write_text(f"# Bericht\n\n{text}\n", encoding="utf-8")
        assert run("ingest", str(tmp_path / folder))[0] == 0
    code, output = run("remove", "Bericht.md")
    assert code == 1 and "passt zu 2 Dokumenten" in output and "nichts gelöscht" in output
    code, output = run("sources", "--json")
    documents = json.loads(output)
    assert [d["source"] for d in documents] == ["Bericht.md", "Bericht.md"]
    doc_id = next(d for d in documents if "Bericht" in d["source"])["doc_id"]
    code, output = run("remove", doc_id[:10])
    assert code == 0 and "Gelöscht: Bericht.md" in output


def test_control_characters_and_markup_in_names_are_printed_escaped(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A file name carrying a terminal escape sequence (colour, window title) or Rich
    markup is shown as visible text by ingest, sources and remove, never interpreted."""
    name = "Bericht\x1b[31mROT\x1b]0;Titel\x07[red]fett\u202e.md"
    (tmp_path / name).write_text("# Bericht\n\nDie Nordstadt wächst.\n", encoding="utf-8")
    shown = "Bericht\\x1b[31mROT\\x1b]0;Titel\\x07[red]fett\\u202e.md"
    outputs = [run("ingest", str(tmp_path / name)), run("sources")]
    outputs += [run("remove", name), run("remove", name)]
    for _, output in outputs:
        assert not any(ch in output for ch in "\x1b\x07\u202e"), repr(output)
    assert shown in outputs[0][1]
    assert "Bericht\\x" in outputs[1][1]  # the table shortens the long name
    assert outputs[2] == (0, f"Gelöscht: {shown} (1 Abschnitte).\n")
    assert outputs[3][0] == 1 and f"Kein Dokument „{shown}“" in outputs[3][1]


def test_serve_finds_the_apps_streamlit_config_from_any_directory(tmp_path: Path) -> None:
    """`planwerk serve` started outside the repository still reads Planwerk's Streamlit
    settings (no error details in the browser, the theme): Streamlit's own config loader,
    given the app `serve` runs, in a foreign working directory."""
    from assistant.cli import app_script

    script = (
        "import sys; from streamlit import config; config._main_script_path = sys.argv[1]; "
        "config.get_config_options(force_reparse=True); "
        "print(config.get_option('client.showErrorDetails'), config.get_option('theme.base'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(app_script())],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["none", "light"]
