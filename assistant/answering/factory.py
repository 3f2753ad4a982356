"""The generator for `settings.llm.mode`: the only place that maps a mode to a backend."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.answering.extractive import ExtractiveGenerator
from assistant.llm.base import Generator
from assistant.platform.config import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


def make_generator(settings: Settings, extractive: ExtractiveGenerator) -> Generator:
    """Extractive by default; otherwise a chat model, connected on first use.

    A misconfigured backend (no model, no key) is not an error here: the first answer
    reports it and falls back to the extractive mode, and `planwerk doctor` explains it.
    """
    if settings.llm.mode == "extractive":
        return extractive
    # LangChain takes about half a second to import; the extractive default never needs it.
    from assistant.llm.backends import chat_model
    from assistant.llm.chat import ChatGenerator

    llm = settings.llm

    def model_for(max_tokens: int) -> BaseChatModel:
        return chat_model(llm, max_tokens)

    return ChatGenerator(llm.mode, model_for, llm)
