"""Real HTTP round trips: langchain-openai and langchain-ollama against local test servers."""

from __future__ import annotations

import socket

import pytest
from pydantic import SecretStr

from assistant.answering.factory import make_generator
from assistant.answering.service import AnswerService, Done, Token
from assistant.llm.doctor import diagnose
from assistant.llm.verification import CitationVerifier
from assistant.platform.config import LLMSettings, Settings
from tests.llm_helpers import StubRetriever, corpus, extractive
from tests.llm_servers import Behaviour, OllamaServer, OpenAIServer

QUESTION = "Wie hoch ist die SGB-II-Quote im Hafenviertel?"
REPLY = (
    "Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent [1]. "
    "Das ist der höchste Wert aller Stadtteile [1]. Erfunden ist Quelle [12]."
)


def _service(settings: Settings, llm: LLMSettings) -> AnswerService:
    configured = settings.model_copy(update={"llm": llm})
    generator = make_generator(configured, extractive(configured))
    return AnswerService(
        configured,
        StubRetriever(corpus()),
        generator,
        fallback=extractive(configured),
        verifier=CitationVerifier(),
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_openai_compatible_server_streams_a_verified_answer(settings: Settings) -> None:
    with OpenAIServer(Behaviour(replies=[REPLY], api_key="geheim")) as server:
        llm = LLMSettings(
            mode="openai",
            model="test-modell",
            base_url=f"{server.url}/v1",
            api_key=SecretStr("geheim"),
            timeout_s=10,
        )
        events = list(_service(settings, llm).stream(QUESTION, style="kurz"))
    tokens = [e.text for e in events if isinstance(e, Token)]
    answer = events[-1].answer  # type: ignore[union-attr]
    assert isinstance(events[-1], Done)
    assert len(tokens) > 5 and "[12]" not in "".join(tokens)
    assert answer.mode == "openai" and answer.notice.startswith("Ein Satz der Antwort")
    assert answer.text == (
        "Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent [1]. "
        "Das ist der höchste Wert aller Stadtteile [1]."
    )
    (chat,) = server.chats()
    assert chat.path == "/v1/chat/completions"
    assert chat.headers["authorization"] == "Bearer geheim"
    assert chat.body is not None and chat.body["stream"] is True
    assert chat.body["model"] == "test-modell"
    assert chat.body["max_completion_tokens"] == chat.body["max_tokens"] == 350
    roles = [m["role"] for m in chat.body["messages"]]
    assert roles == ["system", "user"]
    assert (
        '<quelle nr="1" fundstelle="Sozialbericht 2024, S. 3' in chat.body["messages"][1]["content"]
    )


def test_local_openai_server_needs_no_key(settings: Settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with OpenAIServer(Behaviour(replies=[REPLY])) as server:
        llm = LLMSettings(mode="openai", model="test-modell", base_url=f"{server.url}/v1")
        answer = _service(settings, llm).ask(QUESTION)
        assert answer.mode == "openai" and answer.found
        assert server.chats()[0].headers["authorization"] == "Bearer planwerk-lokal"


def test_ollama_protocol_streams_ndjson_with_the_window_set(settings: Settings) -> None:
    with OllamaServer(Behaviour(replies=[REPLY], models=["llama3.1:8b"])) as server:
        llm = LLMSettings(
            mode="ollama", model="llama3.1:8b", base_url=server.url, context_window=4096
        )
        events = list(_service(settings, llm).stream(QUESTION, style="stichpunkte"))
    answer = events[-1].answer  # type: ignore[union-attr]
    assert answer.mode == "ollama"
    assert answer.text.endswith("Das ist der höchste Wert aller Stadtteile [1].")
    assert sum(isinstance(e, Token) for e in events) > 5
    (chat,) = server.chats()
    assert chat.path == "/api/chat" and chat.body is not None
    assert chat.body["options"]["num_ctx"] == 4096
    assert chat.body["options"]["num_predict"] == 600  # the bullet style's answer budget
    assert "Stichpunktliste" in chat.body["messages"][1]["content"]


def test_unknown_ollama_model_falls_back_with_a_german_notice(settings: Settings) -> None:
    with OllamaServer(Behaviour(models=["qwen2.5:7b"])) as server:
        llm = LLMSettings(mode="ollama", model="llama3.1:8b", base_url=server.url)
        answer = _service(settings, llm).ask(QUESTION)
    assert answer.mode == "extractive" and "24,7 Prozent" in answer.text
    assert "Das Modell ist auf dem Server nicht vorhanden" in answer.notice


def test_unreachable_server_falls_back_with_a_german_notice(settings: Settings) -> None:
    llm = LLMSettings(mode="openai", model="m", base_url=f"http://127.0.0.1:{_free_port()}/v1")
    answer = _service(settings, llm).ask(QUESTION)
    assert answer.mode == "extractive" and answer.found
    assert "Der Server ist nicht erreichbar" in answer.notice


@pytest.mark.parametrize("server_type", [OpenAIServer, OllamaServer])
def test_server_that_stalls_mid_answer_times_out(settings: Settings, server_type: type) -> None:
    with server_type(Behaviour(replies=[REPLY], models=["m"], stall_after=3)) as server:
        url = f"{server.url}/v1" if server_type is OpenAIServer else server.url
        llm = LLMSettings(mode="openai" if server_type is OpenAIServer else "ollama",
                          model="m", base_url=url, timeout_s=0.5)  # fmt: skip
        answer = _service(settings, llm).ask(QUESTION)
    assert answer.mode == "extractive"
    assert "mitten in der Antwort aufgehört und 0.5 s lang nichts mehr geliefert" in answer.notice


def test_doctor_against_a_working_openai_server(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with OpenAIServer(Behaviour(replies=["bereit"])) as server:
        checks = diagnose(
            LLMSettings(mode="openai", model="test-modell", base_url=f"{server.url}/v1")
        )
    assert all(c.ok for c in checks), checks
    assert (
        checks[-1].title.startswith("Testanfrage beantwortet in") and "bereit" in checks[-1].title
    )
    assert [r.path for r in server.requests] == ["/v1/models", "/v1/chat/completions"]


def test_doctor_names_the_wrong_key_and_the_missing_model() -> None:
    with OpenAIServer(Behaviour(api_key="richtig")) as server:
        url = f"{server.url}/v1"
        wrong_key = diagnose(LLMSettings(mode="openai", model="test-modell", base_url=url,
                                         api_key=SecretStr("falsch")))  # fmt: skip
        wrong_model = diagnose(LLMSettings(mode="openai", model="gpt-9", base_url=url,
                                           api_key=SecretStr("richtig")))  # fmt: skip
    assert not wrong_key[-1].ok and "lehnt den API-Schlüssel ab" in wrong_key[-1].title
    assert not wrong_model[-1].ok
    assert "bietet das Modell „gpt-9“ nicht an (angeboten: test-modell)" in wrong_model[-1].title


def test_doctor_for_ollama_lists_models_and_says_how_to_pull() -> None:
    with OllamaServer(Behaviour(models=["qwen2.5:7b"], replies=["bereit"])) as server:
        missing = diagnose(LLMSettings(mode="ollama", model="llama3.1:8b", base_url=server.url))
        present = diagnose(LLMSettings(mode="ollama", model="qwen2.5:7b", base_url=server.url))
    assert [c.ok for c in missing] == [True, True, False]
    assert "(vorhanden: qwen2.5:7b)" in missing[-1].title
    assert "ollama pull llama3.1:8b" in missing[-1].fix
    assert all(c.ok for c in present) and len(present) == 4
    unreachable = diagnose(
        LLMSettings(mode="ollama", model="x", base_url=f"http://127.0.0.1:{_free_port()}")
    )
    assert not unreachable[-1].ok and "ist nicht erreichbar" in unreachable[-1].title
    assert "ollama serve" in unreachable[-1].fix


def test_doctor_says_when_a_remote_service_has_no_key(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    checks = diagnose(LLMSettings(mode="openai", model="gpt-4o-mini"))
    assert not checks[-1].ok and "fehlt der API-Schlüssel" in checks[-1].title
    assert "PLANWERK_LLM__API_KEY" in checks[-1].fix
