"""The one interface every generation backend implements."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from assistant.llm.styles import AnswerStyle
from assistant.models import RetrievedChunk

if TYPE_CHECKING:
    from assistant.language.question import QuestionAnalysis

NOT_FOUND_TEXT = (
    "In den Unterlagen finde ich dazu nichts. Bitte die Frage anders formulieren, die "
    "Filter prüfen oder das passende Dokument hinzufügen."
)


@dataclass(frozen=True, slots=True)
class Turn:
    """One earlier exchange of a conversation, as follow-up rewriting needs it."""

    question: str  # the standalone question that was answered
    answer: str


# A model's rewrite of a follow-up into a standalone question, given the earlier turns
# (`llm.followup.model_rewriter`); `answering.conversation.FollowUpRewriter` falls back on
# its rules without one.
Complete = Callable[[str, Sequence[Turn]], str]


@dataclass(slots=True)
class Generated:
    """Backend output: text with `[n]` markers, n indexing into `passages` from 1."""

    text: str
    passages: list[RetrievedChunk] = field(default_factory=list)
    found: bool = True
    # The sentences chosen as the answer, without the context quoted around them (the rest
    # of their paragraphs): what the checks of a written answer read. Empty: all of `text`.
    basis: str = ""


@dataclass(frozen=True, slots=True)
class Definition:
    """A sentence of the corpus that defines a technical term, and the chunk it is from."""

    term: str
    sentence: str
    chunk: RetrievedChunk


@dataclass(slots=True)
class GenerationStream:
    """A streamed answer: the numbered sources the model saw, then its text token by token.

    `passages` is known before the first token, so callers can check each `[n]` while the
    text arrives. `tokens` raises on backend failure; nothing is retried here.
    """

    passages: list[RetrievedChunk]
    tokens: Iterator[str]


class Generator(Protocol):
    mode: str

    def generate(
        self,
        question: QuestionAnalysis,
        passages: list[RetrievedChunk],
        style: AnswerStyle | None = None,
        definitions: Sequence[Definition] = (),
    ) -> Generated: ...

    def stream(
        self,
        question: QuestionAnalysis,
        passages: list[RetrievedChunk],
        style: AnswerStyle | None = None,
        definitions: Sequence[Definition] = (),
    ) -> GenerationStream: ...
