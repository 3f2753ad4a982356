"""LangChain chat models for the configured backend, imported only when that mode is used."""

from __future__ import annotations

import os
from urllib.parse import urlparse

from langchain_core.language_models import BaseChatModel

from assistant.llm.failures import BackendNotConfigured
from assistant.platform.config import LLMSettings

OLLAMA_DEFAULT_URL = "http://127.0.0.1:11434"
OPENAI_DEFAULT_URL = "https://api.openai.com/v1"
# Local OpenAI-compatible servers (vLLM, LM Studio, llama.cpp server) ignore the key, but
# the OpenAI client insists on one.
LOCAL_PLACEHOLDER_KEY = "planwerk-lokal"
# The HTTP clients wait a little longer than the token watchdog (watchdog.py), so a model
# that stops answering is reported as such rather than as a network timeout.
_CLIENT_GRACE_S = 5.0


def client_timeout(settings: LLMSettings) -> float:
    return settings.timeout_s + _CLIENT_GRACE_S


def base_url(settings: LLMSettings) -> str:
    if settings.base_url:
        return settings.base_url.rstrip("/")
    return OLLAMA_DEFAULT_URL if settings.mode == "ollama" else OPENAI_DEFAULT_URL


def is_local(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return host in {"localhost", "127.0.0.1", "::1", "0.0.0.0"} or host.endswith(".local")


def api_key(settings: LLMSettings) -> str | None:
    """The key from the settings, else OPENAI_API_KEY; None if neither is set."""
    if settings.api_key is not None and settings.api_key.get_secret_value():
        return settings.api_key.get_secret_value()
    return os.environ.get("OPENAI_API_KEY") or None


def chat_model(settings: LLMSettings, max_tokens: int) -> BaseChatModel:
    """The chat model of `settings.mode` (not "extractive"), answering at most `max_tokens`."""
    if settings.mode != "llamacpp" and not settings.model:
        raise BackendNotConfigured(
            f"Für den Modus „{settings.mode}“ ist kein Modell eingestellt "
            "(PLANWERK_LLM__MODEL, z. B. „llama3.1:8b“)."
        )
    if settings.mode == "ollama":
        return _ollama(settings, max_tokens)
    if settings.mode == "openai":
        return _openai(settings, max_tokens)
    if settings.mode == "llamacpp":
        from assistant.llm.llamacpp import LlamaCppChat

        return LlamaCppChat(
            model_path=settings.model,
            n_ctx=settings.context_window,
            max_tokens=max_tokens,
            temperature=settings.temperature,
        )
    raise BackendNotConfigured(f"Der Modus „{settings.mode}“ braucht kein Sprachmodell.")


def _ollama(settings: LLMSettings, max_tokens: int) -> BaseChatModel:
    from langchain_ollama import ChatOllama

    return ChatOllama(
        model=settings.model,
        base_url=base_url(settings),
        temperature=settings.temperature,
        # Ollama's default window is small; without this, sources would be cut silently.
        num_ctx=settings.context_window,
        num_predict=max_tokens,
        client_kwargs={"timeout": client_timeout(settings)},
    )


def _openai(settings: LLMSettings, max_tokens: int) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    url = base_url(settings)
    key = api_key(settings)
    if key is None:
        if not is_local(url):
            raise BackendNotConfigured(
                f"Für den Dienst unter {url} fehlt der API-Schlüssel: "
                "PLANWERK_LLM__API_KEY oder OPENAI_API_KEY setzen."
            )
        key = LOCAL_PLACEHOLDER_KEY
    return ChatOpenAI(
        model=settings.model,
        base_url=url,
        api_key=key,
        temperature=settings.temperature,
        max_tokens=max_tokens,  # sent as max_completion_tokens
        # Older local servers (llama.cpp server, LM Studio) only read the classic field.
        extra_body={"max_tokens": max_tokens} if is_local(url) else None,
        timeout=client_timeout(settings),
        # A failed request falls back to the extractive answer at once instead of waiting.
        max_retries=0,
        streaming=True,
    )
