"""llama.cpp backend: the adapter and doctor, with a stand-in for the optional package."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any, ClassVar

import pytest

from assistant.llm import llamacpp
from assistant.llm.backends import chat_model
from assistant.llm.doctor import diagnose
from assistant.llm.failures import BackendNotConfigured
from assistant.platform.config import LLMSettings


class FakeLlama:
    """Speaks llama-cpp-python's create_chat_completion(stream=True) chunk format."""

    loaded: ClassVar[list[dict[str, Any]]] = []
    calls: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, **kwargs: Any) -> None:
        FakeLlama.loaded.append(kwargs)

    def create_chat_completion(self, **kwargs: Any) -> Any:
        FakeLlama.calls.append(kwargs)
        yield {"choices": [{"delta": {"role": "assistant"}}]}
        for piece in ("Die Quote ", "beträgt ", "24,7 Prozent [1]."):
            yield {"choices": [{"delta": {"content": piece}}]}


@pytest.fixture
def gguf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setitem(sys.modules, "llama_cpp", types.SimpleNamespace(Llama=FakeLlama))
    llamacpp.load_model.cache_clear()
    FakeLlama.loaded.clear()
    FakeLlama.calls.clear()
    path = tmp_path / "modell-q4_k_m.gguf"
    path.write_bytes(b"\0" * 2048)
    return path


def test_llamacpp_chat_streams_through_the_local_model(gguf: Path) -> None:
    model = chat_model(LLMSettings(mode="llamacpp", model=str(gguf), context_window=4096), 300)
    pieces = [str(chunk.content) for chunk in model.stream("Frage?")]
    assert "".join(pieces) == "Die Quote beträgt 24,7 Prozent [1]."
    assert FakeLlama.loaded[0]["model_path"] == str(gguf) and FakeLlama.loaded[0]["n_ctx"] == 4096
    call = FakeLlama.calls[0]
    assert call["stream"] is True and call["max_tokens"] == 300
    assert call["messages"] == [{"role": "user", "content": "Frage?"}]
    model.invoke("Noch eine Frage?")
    assert len(FakeLlama.loaded) == 1  # the model file is loaded once


def test_missing_gguf_file_is_a_german_configuration_error(gguf: Path) -> None:
    model = chat_model(LLMSettings(mode="llamacpp", model=str(gguf.with_name("x.gguf"))), 100)
    with pytest.raises(BackendNotConfigured, match=r"Modelldatei .* gibt es nicht"):
        model.invoke("Frage?")


def test_doctor_reports_size_memory_and_a_test_answer(gguf: Path) -> None:
    checks = diagnose(LLMSettings(mode="llamacpp", model=str(gguf)))
    assert [c.ok for c in checks] == [True, True, True]
    assert "modell-q4_k_m.gguf: 0.0 GB, braucht etwa 1 GB Arbeitsspeicher" in checks[1].title
    assert checks[2].title.startswith("Testanfrage beantwortet")


def test_doctor_rejects_a_file_that_is_not_gguf(gguf: Path) -> None:
    other = gguf.with_suffix(".bin")
    other.write_bytes(b"x")
    checks = diagnose(LLMSettings(mode="llamacpp", model=str(other)), probe=False)
    assert not checks[-1].ok and "keine GGUF-Datei" in checks[-1].title
