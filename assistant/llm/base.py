"""The one interface every generation backend implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from assistant.models import RetrievedChunk

NOT_FOUND_TEXT = (
    "In den Unterlagen finde ich dazu nichts. Bitte die Frage anders formulieren, die "
    "Filter prüfen oder das passende Dokument hinzufügen."
)


@dataclass(slots=True)
class Generated:
    """Backend output: text with `[n]` markers, n indexing into `passages` from 1."""

    text: str
    passages: list[RetrievedChunk] = field(default_factory=list)
    found: bool = True


class Generator(Protocol):
    mode: str

    def generate(self, question: str, passages: list[RetrievedChunk]) -> Generated: ...
