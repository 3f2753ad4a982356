"""Assembling the answer prompt: numbered, delimited source blocks packed to the window.

Sources are data, never instructions: each sits in a `<quelle nr="n">` block, any text
inside a document that imitates such a tag is defused (a document cannot close its own
block and speak as the system), sentences addressed to a language model are left out
(injection.py), and the system prompt does not depend on the documents at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.llm.base import Definition
from assistant.llm.injection import neutralise_passage
from assistant.llm.styles import AnswerStyle
from assistant.models import RetrievedChunk, insert_after
from assistant.platform.templates import prompt_text, render
from ingest.sentences import split_sentences

CHARS_PER_TOKEN = 4
# Definitions for newcomers go right after the best few passages, before weaker ones.
_DEFINITIONS_AFTER = 3
# A passage cut shorter than this is not worth its block.
_MIN_PASSAGE_TOKENS = 60
_TAG_LIKE = re.compile(r"<(\s*/?\s*quelle\b)", re.IGNORECASE)


@dataclass(slots=True)
class AnswerPrompt:
    messages: list[BaseMessage]
    passages: list[RetrievedChunk]  # passage i is source [i + 1] in the prompt
    terms: list[str]  # technical terms the style asks the model to explain


def estimate_tokens(text: str) -> int:
    """A rough token count (characters / 4), good enough to stay inside the window."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def defuse(text: str) -> str:
    """Neutralise text that imitates the source delimiters (`<quelle …>`, `</quelle>`)."""
    return _TAG_LIKE.sub(r"‹\1", text)


def source_block(n: int, passage: RetrievedChunk) -> str:
    location = passage.ref.label()
    if passage.ref.heading:
        location += f" – {passage.ref.heading}"
    location = defuse(location).replace('"', "'")
    return f'<quelle nr="{n}" fundstelle="{location}">\n{defuse(passage.text.strip())}\n</quelle>'


def order_passages(
    passages: Sequence[RetrievedChunk], definitions: Sequence[Definition]
) -> list[RetrievedChunk]:
    """Passages by relevance, with definition passages after the best few, without doubles."""
    return insert_after(passages, [d.chunk for d in definitions], _DEFINITIONS_AFTER)


def pack(passages: Sequence[RetrievedChunk], budget_tokens: int) -> list[RetrievedChunk]:
    """The most relevant passages that fit into `budget_tokens`, in their given order.

    A passage that does not fit is skipped so smaller, later ones can still use the room;
    only when not even the best passage fits is it cut at a sentence boundary.
    """
    packed: list[RetrievedChunk] = []
    used = 0
    for passage in passages:
        cost = estimate_tokens(source_block(len(packed) + 1, passage)) + 1
        if used + cost <= budget_tokens:
            packed.append(passage)
            used += cost
        elif not packed:
            cut = _truncate(passage, budget_tokens)
            if cut is not None:
                packed.append(cut)
                used += estimate_tokens(source_block(1, cut)) + 1
    return packed


def _truncate(passage: RetrievedChunk, budget_tokens: int) -> RetrievedChunk | None:
    overhead = estimate_tokens(source_block(1, replace(passage, text="")))
    room = (budget_tokens - overhead) * CHARS_PER_TOKEN
    if room < _MIN_PASSAGE_TOKENS * CHARS_PER_TOKEN:
        return None
    kept = ""
    for sentence in split_sentences(passage.text):
        if len(kept) + len(sentence) + 1 > room:
            break
        kept = f"{kept} {sentence}".strip()
    return replace(passage, text=kept or passage.text[:room])


def build_answer_prompt(
    question: str,
    passages: Sequence[RetrievedChunk],
    style: AnswerStyle,
    definitions: Sequence[Definition],
    context_window: int,
    answer_tokens: int,
) -> AnswerPrompt:
    """System and user message with the sources that fit next to the answer."""
    terms = list(dict.fromkeys(d.term for d in definitions))
    system = prompt_text("antwort_system.txt")
    instruction = style.prompt_instruction(terms)
    frame = render(
        "antwort_nutzer.txt", sources="", question=question, style_instruction=instruction
    )
    # Leave a tenth of the window as margin: German text often runs under 4 chars/token.
    fixed = estimate_tokens(system) + estimate_tokens(frame) + answer_tokens
    budget = int(context_window * 0.9) - fixed
    ordered = [neutralise_passage(p) for p in order_passages(passages, definitions)]
    packed = pack(ordered, budget)
    sources = "\n\n".join(source_block(n, p) for n, p in enumerate(packed, start=1))
    user = render(
        "antwort_nutzer.txt", sources=sources, question=question, style_instruction=instruction
    )
    return AnswerPrompt([SystemMessage(system), HumanMessage(user)], packed, terms)
