"""llama.cpp (a local GGUF file) as a LangChain chat model.

`llama-cpp-python` is an optional extra (`pip install -e '.[llamacpp]'`) because it
compiles for a long time; it is imported on first use, and a loaded model is shared.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.llm.failures import BackendNotConfigured

NOT_INSTALLED = "Das Paket „llama-cpp-python“ (optionale Erweiterung) ist nicht installiert."
INSTALL_COMMAND = (
    "Installieren mit: .venv/bin/pip install -e '.[llamacpp]' (kompiliert einige Minuten; "
    'für NVIDIA-Grafikkarten vorher CMAKE_ARGS="-DGGML_CUDA=on" setzen).'
)
INSTALL_HINT = f"{NOT_INSTALLED} {INSTALL_COMMAND}"


def llama_cpp_available() -> bool:
    import importlib.util
    import sys

    return "llama_cpp" in sys.modules or importlib.util.find_spec("llama_cpp") is not None


@lru_cache(maxsize=2)
def load_model(path: str, n_ctx: int) -> Any:
    """Load a GGUF file once per process; loading takes seconds and gigabytes."""
    if not Path(path).is_file():
        raise BackendNotConfigured(
            f"Die Modelldatei „{path}“ gibt es nicht. PLANWERK_LLM__MODEL muss auf eine "
            "lokale .gguf-Datei zeigen."
        )
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise BackendNotConfigured(INSTALL_HINT) from exc
    return Llama(model_path=path, n_ctx=n_ctx, n_threads=os.cpu_count(), verbose=False)


def _role(message: BaseMessage) -> str:
    return {"system": "system", "human": "user", "ai": "assistant"}.get(message.type, "user")


class LlamaCppChat(BaseChatModel):
    model_path: str
    n_ctx: int = 8192
    max_tokens: int = 800
    temperature: float = 0.1

    @property
    def _llm_type(self) -> str:
        return "llamacpp"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(str(c.message.content) for c in self._stream(messages, stop, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        llama = load_model(self.model_path, self.n_ctx)
        parts = llama.create_chat_completion(
            messages=[{"role": _role(m), "content": str(m.content)} for m in messages],
            max_tokens=kwargs.get("max_tokens", self.max_tokens),
            temperature=self.temperature,
            stop=stop,
            stream=True,
        )
        for part in parts:
            delta = part["choices"][0].get("delta", {}).get("content")
            if delta:
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                if run_manager is not None:
                    run_manager.on_llm_new_token(delta, chunk=chunk)
                yield chunk
