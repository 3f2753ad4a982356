"""Grounded answers from any LangChain chat model (Ollama, OpenAI-compatible, llama.cpp)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from assistant.language.question import QuestionAnalysis
from assistant.llm.base import Definition, Generated, GenerationStream, Turn
from assistant.llm.followup import model_rewriter
from assistant.llm.prompting import AnswerPrompt, build_answer_prompt
from assistant.llm.styles import AnswerStyle, get_style
from assistant.llm.watchdog import with_idle_timeout
from assistant.models import RetrievedChunk
from assistant.platform.config import LLMSettings

# The refusal the prompt asks for; the verifier recognises it (see verification.py).
REFUSAL = "In den Unterlagen finde ich dazu nichts."

ModelFactory = Callable[[int], BaseChatModel]


class ChatGenerator:
    """Builds the prompt, streams the model's text; checking citations is the caller's job.

    `model_for(max_tokens)` returns the chat model; tests pass a fake chat model here.
    """

    def __init__(self, mode: str, model_for: ModelFactory, settings: LLMSettings) -> None:
        self.mode = mode
        self.settings = settings
        self._model_for = lru_cache(maxsize=4)(model_for)

    def prompt(
        self,
        question: QuestionAnalysis,
        passages: list[RetrievedChunk],
        style: AnswerStyle | None = None,
        definitions: Sequence[Definition] = (),
    ) -> AnswerPrompt:
        style = style or get_style()
        return build_answer_prompt(
            question.text,
            passages,
            style,
            definitions,
            self.settings.context_window,
            self._answer_tokens(style),
        )

    def stream(
        self,
        question: QuestionAnalysis,
        passages: list[RetrievedChunk],
        style: AnswerStyle | None = None,
        definitions: Sequence[Definition] = (),
    ) -> GenerationStream:
        style = style or get_style()
        prompt = self.prompt(question, passages, style, definitions)
        if not prompt.passages:
            # Nothing retrieved: a model asked without sources could only invent.
            return GenerationStream([], iter([REFUSAL]))
        model = self._model_for(self._answer_tokens(style))
        return GenerationStream(prompt.passages, _text_of(model.stream(prompt.messages)))

    def generate(
        self,
        question: QuestionAnalysis,
        passages: list[RetrievedChunk],
        style: AnswerStyle | None = None,
        definitions: Sequence[Definition] = (),
    ) -> Generated:
        streamed = self.stream(question, passages, style, definitions)
        text = "".join(streamed.tokens).strip()
        return Generated(text, streamed.passages, found=REFUSAL not in text)

    def complete(self, messages: list[BaseMessage], max_tokens: int = 120) -> str:
        """One short completion (follow-up rewriting, connection test), with the timeout."""
        tokens = _text_of(self._model_for(max_tokens).stream(messages))
        return "".join(with_idle_timeout(tokens, self.settings.timeout_s)).strip()

    def rewrite_follow_up(self, question: str, history: Sequence[Turn]) -> str:
        """A standalone question from a follow-up, written by the model."""
        return model_rewriter(self.complete)(question, history)

    def _answer_tokens(self, style: AnswerStyle) -> int:
        return min(style.answer_tokens, self.settings.max_answer_tokens)


def _text_of(chunks: Iterator[BaseMessage]) -> Iterator[str]:
    """The text deltas of a chat stream, without the hidden reasoning of thinking models."""
    return _without_reasoning(_content(chunk) for chunk in chunks)


def _content(chunk: BaseMessage) -> str:
    content = chunk.content
    if isinstance(content, str):
        return content
    return "".join(
        part.get("text", "") if isinstance(part, dict) else str(part) for part in content
    )


def _without_reasoning(tokens: Iterator[str]) -> Iterator[str]:
    """Drop `<think>…</think>` blocks that reasoning models (qwen3, deepseek-r1) emit."""
    buffer = ""
    thinking = False
    for token in tokens:
        buffer += token
        while True:
            if thinking:
                end = buffer.find("</think>")
                if end < 0:
                    buffer = buffer[-len("</think>") :]
                    break
                buffer = buffer[end + len("</think>") :].lstrip()
                thinking = False
            else:
                start = buffer.find("<think>")
                if start >= 0:
                    if start:
                        yield buffer[:start]
                    buffer = buffer[start + len("<think>") :]
                    thinking = True
                    continue
                # Keep a possible beginning of "<think>" back until the next token.
                cut = buffer.rfind("<")
                if cut >= 0 and "<think>".startswith(buffer[cut:]):
                    if cut:
                        yield buffer[:cut]
                    buffer = buffer[cut:]
                else:
                    if buffer:
                        yield buffer
                    buffer = ""
                break
    if buffer and not thinking:
        yield buffer
