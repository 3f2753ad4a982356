"""`planwerk ask` with a model, styles and threads; `planwerk doctor`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from assistant import cli
from assistant.answering.service import Done, Token
from assistant.cli import app
from assistant.models import Answer
from assistant.platform.config import Settings
from tests.corpus import write_report_pdf
from tests.llm_servers import Behaviour, OpenAIServer

QUESTION = "Wie hoch ist die SGB-II-Quote im Hafenviertel?"


@pytest.fixture
def run(settings: Settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLANWERK_DATA_DIR", str(settings.data_dir))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, list(args))
        # Rich wraps at 80 columns; compare text, not line breaks.
        return result.exit_code, " ".join(result.output.split())

    return invoke


def test_doctor_without_a_model_explains_the_extractive_mode(run) -> None:  # type: ignore[no-untyped-def]
    code, output = run("doctor")
    assert code == 0
    assert "Kein Sprachmodell eingestellt" in output and "PLANWERK_LLM__MODE=ollama" in output


def test_doctor_reports_an_unreachable_ollama_in_german(run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLANWERK_LLM__MODE", "ollama")
    monkeypatch.setenv("PLANWERK_LLM__MODEL", "llama3.1:8b")
    monkeypatch.setenv("PLANWERK_LLM__BASE_URL", "http://127.0.0.1:9")
    code, output = run("doctor")
    assert code == 1
    assert "✗ Der Ollama-Server unter http://127.0.0.1:9 ist nicht erreichbar" in output
    assert "ollama serve" in output and "antwortet Planwerk extraktiv" in output


def test_doctor_explains_how_to_install_llamacpp(run, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLANWERK_LLM__MODE", "llamacpp")
    monkeypatch.setenv("PLANWERK_LLM__MODEL", str(tmp_path / "fehlt.gguf"))
    code, output = run("doctor", "--ohne-test")
    assert code == 1
    assert "pip install -e '.[llamacpp]'" in output
    assert "fehlt.gguf“ gibt es nicht" in output


def test_ask_rejects_an_unknown_style_and_thread(run) -> None:  # type: ignore[no-untyped-def]
    code, output = run("ask", "--stil", "lang", QUESTION)
    assert code == 2 and "Unbekannter Stil „lang“" in output and "stichpunkte" in output
    code, output = run("ask", "--thread", "abc123", QUESTION)
    assert code == 1 and "Gesprächsverlauf „abc123“ gibt es nicht" in output


def test_ask_with_a_model_server_styles_and_a_follow_up(run, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "docs"
    folder.mkdir()
    write_report_pdf(folder / "Sozialbericht_2024.pdf")
    assert run("ingest", str(folder))[0] == 0

    # Without a model: extractive, and the CLI says so.
    code, output = run("ask", QUESTION)
    assert code == 0 and "extraktiv" in output and "Ohne Sprachmodell beantwortet" in output

    reply = "Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent [1]. Erfunden [9]."
    rewritten = "Wie hoch ist die SGB-II-Quote im Stadtdurchschnitt?"
    with OpenAIServer(Behaviour(replies=[reply, rewritten, reply])) as server:
        monkeypatch.setenv("PLANWERK_LLM__MODE", "openai")
        monkeypatch.setenv("PLANWERK_LLM__MODEL", "test-modell")
        monkeypatch.setenv("PLANWERK_LLM__BASE_URL", f"{server.url}/v1")
        code, output = run("ask", "--json", "--stil", "stichpunkte", QUESTION)
        assert code == 0
        payload = json.loads(output)
        assert len(payload["retrieved"]) < 9
        assert payload["mode"] == "openai" and payload["style"] == "stichpunkte"
        assert payload["answer"] == "Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent [1]."
        assert payload["citations"][0]["page"] == 3 and len(payload["citations"]) == 1
        assert [s["status"] for s in payload["sentences"]] == ["verified", "uncited"]
        assert "nicht mit den Quellen belegen" in payload["notice"]

        code, output = run("ask", "--thread", payload["thread"][:8], "Und in der Stadt?")
        assert code == 0
        assert f"Verstanden als: {rewritten}" in output
        assert "Modus: openai" in output and "[1] Sozialbericht" in output
        rewrite, answer = (c.body["messages"][1]["content"] for c in server.chats()[1:])  # type: ignore[index]
        assert f"Frage: {QUESTION}" in rewrite and "Neue Frage: Und in der Stadt?" in rewrite
        assert f"Frage: {rewritten}" in answer and "Stichpunkt" not in answer

    # The server is gone: the answer falls back openly.
    code, output = run("ask", QUESTION)
    assert code == 0 and "Hinweis: Das Sprachmodell (openai „test-modell“" in output
    assert "extraktiv" in output and "24,7" in output


def test_terminal_shows_the_draft_and_ends_with_the_checked_answer(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    screen = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=screen, force_terminal=True, width=80))
    final = Answer(question=QUESTION, text="Geprüfte Antwort [1].", mode="ollama")
    events = iter([Token("Entwurf "), Token("der Antwort"), Done(final)])
    assert cli._stream_answer(events) is final
    assert "Entwurf der Antwort" in screen.getvalue()  # the draft was on screen while streaming
