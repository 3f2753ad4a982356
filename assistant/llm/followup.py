"""Follow-up rewriting by the language model (prompts/folgefrage_*.txt)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.llm.base import Complete, Turn
from assistant.platform.templates import prompt_text, render

# Earlier answers only give context; long ones would crowd out the question.
_ANSWER_CHARS = 400
_PREFIXES = ("eigenständige frage:", "frage:")

CompleteMessages = Callable[[list[BaseMessage], int], str]


def rewrite_messages(question: str, history: Sequence[Turn]) -> list[BaseMessage]:
    turns = "\n\n".join(f"Frage: {t.question}\nAntwort: {_shorten(t.answer)}" for t in history)
    return [
        SystemMessage(prompt_text("folgefrage_system.txt")),
        HumanMessage(render("folgefrage_nutzer.txt", history=turns, question=question)),
    ]


def model_rewriter(complete: CompleteMessages) -> Complete:
    """A `FollowUpRewriter` completion that asks the model for a standalone question."""

    def rewrite(question: str, history: Sequence[Turn]) -> str:
        text = complete(rewrite_messages(question, history), 120).strip()
        line = text.splitlines()[0].strip() if text else ""
        for prefix in _PREFIXES:
            if line.lower().startswith(prefix):
                line = line[len(prefix) :].strip()
        return line.strip("„“\"' ")

    return rewrite


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _ANSWER_CHARS else text[: _ANSWER_CHARS - 1] + "…"
