"""Defusing instructions hidden in documents before they reach a language model.

The answer prompt already fences every source and tells the model that sources are data.
On top of that, sentences that are written *to a language model* („Ignoriere alle
bisherigen Anweisungen …“, „Du bist jetzt …“, „System: …“) carry nothing a planner needs;
they are replaced by a visible note, so the model never reads them and the citation check
cannot count them as support for what they demand.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.models import RetrievedChunk
from ingest.sentences import split_sentences

NOTE = (
    "[Hinweis von Planwerk: Hier stand Text, der wie eine Anweisung an ein Sprachmodell "
    "formuliert ist; er wurde weggelassen.]"
)

_INSTRUCTION_LIKE = re.compile(
    r"""
      \b(?:ignoriere|ignorier|vergiss|missachte|ignorieren\s+sie|vergessen\s+sie|missachten\s+sie)
          \b[^\n]{0,60}?\b(?:anweisung|regel|instruktion|vorgabe|prompt|befehl)
    | \b(?:ignore|disregard|forget)\b[^\n]{0,40}?\b(?:instructions?|rules|prompt)\b
    | \b(?:du\s+bist|sie\s+sind)\s+(?:jetzt|nun|ab\s+sofort)\b
    | \bab\s+sofort\s+(?:antwortest|bist|schreibst|gibst)\b
    | \bneue\s+(?:anweisung|rolle|instruktion|systemanweisung)\w*
    | \b(?:system|assistant|assistent|systemnachricht)\s*:
    | \bantworte\s+(?:ab\s+jetzt|nur\s+noch|ausschließlich|stattdessen|immer)\b
    | \byou\s+are\s+now\b
    """,
    re.IGNORECASE | re.VERBOSE,
)


def instruction_like(sentence: str) -> bool:
    return _INSTRUCTION_LIKE.search(sentence) is not None


def neutralise(text: str) -> tuple[str, int]:
    """The text with instruction-like sentences replaced by a note, and how many there were."""
    count = 0
    lines = []
    for line in text.split("\n"):
        if not instruction_like(line):
            lines.append(line)
            continue
        kept: list[str] = []
        for sentence in split_sentences(line):
            if instruction_like(sentence):
                count += 1
                if not kept or kept[-1] != NOTE:
                    kept.append(NOTE)
            else:
                kept.append(sentence)
        lines.append(" ".join(kept))
    return "\n".join(lines), count


def neutralise_passage(passage: RetrievedChunk) -> RetrievedChunk:
    text, count = neutralise(passage.text)
    return replace(passage, text=text) if count else passage
