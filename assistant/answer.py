"""Question -> retrieve -> generate -> check citations -> Answer."""

from __future__ import annotations

from assistant.config import Settings
from assistant.llm.base import Generated, Generator
from assistant.models import Answer, Citation
from assistant.retrieval.filters import SearchFilters
from assistant.retrieval.hybrid import HybridRetriever


class AnswerService:
    def __init__(self, settings: Settings, retriever: HybridRetriever, generator: Generator):
        self.settings = settings
        self.retriever = retriever
        self.generator = generator

    def ask(self, question: str, filters: SearchFilters | None = None) -> Answer:
        retrieved = self.retriever.search(
            question, k=self.settings.retrieval.top_k, filters=filters
        )
        generated = self.generator.generate(question, retrieved)
        return Answer(
            question=question,
            text=generated.text,
            mode=self.generator.mode,
            citations=citations_of(generated),
            retrieved=retrieved,
            found=generated.found,
        )


def citations_of(generated: Generated) -> list[Citation]:
    """One citation per passage the text refers to as `[n]`; unknown numbers are dropped."""
    return [
        Citation(n=n, ref=passage.ref, text=passage.text)
        for n, passage in enumerate(generated.passages, start=1)
        if f"[{n}]" in generated.text
    ]
