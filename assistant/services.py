"""Composition root: builds the configured components once and hands them out."""

from __future__ import annotations

from functools import cached_property

from assistant.answer import AnswerService
from assistant.config import Settings
from assistant.index.document_index import DocumentIndex
from assistant.index.embedders import Embedder, make_embedder
from assistant.ingestion import IngestPipeline
from assistant.llm.base import Generator
from assistant.llm.extractive import ExtractiveGenerator
from assistant.retrieval.hybrid import HybridRetriever


class Services:
    """The parts of Planwerk for one settings object, created on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def index(self) -> DocumentIndex:
        return DocumentIndex(self.settings)

    @cached_property
    def embedder(self) -> Embedder:
        return make_embedder(self.settings.embedding)

    @cached_property
    def pipeline(self) -> IngestPipeline:
        return IngestPipeline(self.settings, self.index, self.embedder)

    @cached_property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(self.index, self.embedder, self.settings.retrieval)

    @cached_property
    def generator(self) -> Generator:
        # Model-backed modes arrive with the generation issue; until then the offline
        # default answers, and `mode` in every answer says so.
        return ExtractiveGenerator(self.settings.answer, self.index.keywords.idf)

    @cached_property
    def answers(self) -> AnswerService:
        return AnswerService(self.settings, self.retriever, self.generator)

    def close(self) -> None:
        if "index" in self.__dict__:
            self.index.close()
