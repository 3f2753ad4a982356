"""Composition root: builds the configured components once and hands them out."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property, partial
from typing import TYPE_CHECKING

from assistant.access.policy import Policy
from assistant.access.roles import Principal
from assistant.answering.conversation import ConversationStore, FollowUpRewriter
from assistant.answering.extractive import ExtractiveGenerator
from assistant.answering.factory import make_generator
from assistant.answering.service import AnswerService, Searcher
from assistant.index.document_index import DocumentIndex
from assistant.index.embedders import Embedder, make_embedder
from assistant.index.keyword_index import KeywordIndex
from assistant.language.question import QuestionAnalysis
from assistant.llm.base import Generator
from assistant.llm.verification import CitationVerifier
from assistant.models import Answer, TableGap
from assistant.platform.config import Settings
from assistant.platform.db import engine_for
from assistant.retrieval.hybrid import HybridRetriever, MultiWorkspaceRetriever, to_retrieved

if TYPE_CHECKING:
    from assistant.documents.ingestion import IngestPipeline
    from assistant.indicators.store import IndicatorStore


class Services:
    """The parts of Planwerk for one settings object, created on first use.

    `settings.workspace` selects the workspace: its documents, indicator tables and
    threads. Knowledge bases an administrator attached to it are searched in addition,
    read-only; nothing else outside the workspace is ever read.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def for_workspace(self, workspace: str) -> Services:
        """The same configuration for another workspace, sharing the loaded embedder."""
        other = Services(self.settings.model_copy(update={"workspace": workspace}))
        if "embedder" in self.__dict__:
            other.__dict__["embedder"] = self.embedder
        return other

    def policy(self, user: Principal) -> Policy:
        """What `user` may do in this workspace; pass it as `guard` to the services
        (`PermissionDenied` when the person has no role here)."""
        return Policy(engine_for(self.settings), self.settings.workspace, user)

    @cached_property
    def knowledge_bases(self) -> list[str]:
        """Knowledge-base workspaces attached to this workspace (searched read-only)."""
        from assistant.workspace.workspaces import Workspaces

        return Workspaces(engine_for(self.settings)).knowledge_bases(self.settings.workspace)

    @cached_property
    def index(self) -> DocumentIndex:
        return DocumentIndex(self.settings)

    @cached_property
    def embedder(self) -> Embedder:
        return make_embedder(self.settings.embedding)

    @cached_property
    def indicators(self) -> IndicatorStore:
        # pandas and the table readers take about half a second to import; pages that do
        # not compute from tables (the chat's first page) need not wait for them.
        from assistant.indicators.store import IndicatorStore

        return IndicatorStore.from_settings(self.settings)

    @cached_property
    def pipeline(self) -> IngestPipeline:
        # The loaders (PDF, OCR, Office, HTML, word frequencies) take about half a second to
        # import; answering a question never needs them.
        from assistant.documents.ingestion import IngestPipeline

        return IngestPipeline(self.settings, self.index, self.embedder, self.indicators)

    @cached_property
    def retriever(self) -> HybridRetriever | MultiWorkspaceRetriever:
        own = HybridRetriever(self.index, self.embedder, self.settings.retrieval)
        if not self.knowledge_bases:
            return own
        attached = [
            HybridRetriever(self.index.view(name), self.embedder, self.settings.retrieval)
            for name in self.knowledge_bases
        ]
        return MultiWorkspaceRetriever([own, *attached])

    @property
    def search_statistics(self) -> MultiWorkspaceRetriever | KeywordIndex:
        """Term statistics over everything searched (the workspace and its knowledge bases),
        for answerability checks and the extractive answer's term weights."""
        retriever = self.retriever
        return retriever if isinstance(retriever, MultiWorkspaceRetriever) else self.index.keywords

    @cached_property
    def extractive(self) -> ExtractiveGenerator:
        """The offline answerer; also the fallback when a language model fails."""
        # Words found nowhere cannot pick a sentence; whether their absence means "not in
        # the documents" is the answerability check's decision, not the sentence scores'.
        return ExtractiveGenerator(
            self.settings.answer, partial(self.search_statistics.idf, unseen=0.0)
        )

    @cached_property
    def generator(self) -> Generator:
        """The configured backend (`settings.llm.mode`); model clients connect lazily."""
        return make_generator(self.settings, self.extractive)

    @cached_property
    def verifier(self) -> CitationVerifier:
        encode = self.embedder.encode if self.settings.llm.verify_with_embeddings else None
        return CitationVerifier(encode=encode)

    @cached_property
    def conversations(self) -> ConversationStore:
        return ConversationStore(engine_for(self.settings), self.settings.workspace)

    @cached_property
    def rewriter(self) -> FollowUpRewriter:
        complete = getattr(self.generator, "rewrite_follow_up", None)
        return FollowUpRewriter(known_areas=self.known_areas, complete=complete)

    def known_areas(self) -> set[str]:
        """Area names the documents are tagged with, for swapping areas in follow-ups."""
        return {d.area for d in self.index.documents() if d.area}

    @cached_property
    def answers(self) -> AnswerService:
        return self.answer_service()

    def answer_service(
        self,
        search: Searcher | None = None,
        generator: Generator | None = None,
        settings: Settings | None = None,
        *,
        threads: bool = True,
        vocabulary: bool = True,
        indicators: bool = True,
    ) -> AnswerService:
        """The answer service as the app runs it. The evaluation swaps the search, the
        generator or the settings and leaves out threads, the corpus vocabulary or the
        indicator tables; the passage lookups (next chunk, referenced section, whole
        document) always come from the workspace's index, as in the app."""
        return AnswerService(
            settings or self.settings,
            search or self.retriever,
            generator or self.generator,
            fallback=self.extractive,
            verifier=self.verifier,
            conversations=self.conversations if threads else None,
            rewriter=self.rewriter if threads else None,
            document_frequency=self.search_statistics.document_frequency if vocabulary else None,
            indicators=self.indicator_answers if indicators else None,
            next_passage=self.retriever.next_passage,
            section_passage=self.retriever.section_passage,
            document_passages=self.retriever.document_passages,
        )

    def indicator_answers(self, question: QuestionAnalysis) -> Answer | TableGap | None:
        """A computed answer from the indicator tables (or an area's fact sheet drawn
        from them and the documents); for a figure of known areas under a name the tables
        lack, that gap; None for document questions."""
        from assistant.drafting.area_profile import area_profile
        from assistant.indicators.router import answer_indicator_question, missing_indicator

        workspace = self.settings.workspace
        profile = area_profile(
            question, self.indicators, lambda q, k: self.retriever.search(q, k=k), workspace
        )
        if profile is not None:
            return self._cells_as_rows(profile, read_first=True)
        computed = answer_indicator_question(
            question, self.indicators, workspace=workspace, embedder=self.embedder
        )
        if computed is None:
            return missing_indicator(
                question, self.indicators, workspace=workspace, embedder=self.embedder
            )
        # The inputs of a computed index state none of its figures (the report's table does).
        return self._cells_as_rows(computed.to_answer(), read_first=computed.operation != "index")

    def _cells_as_rows(self, answer: Answer, read_first: bool) -> Answer:
        """Cell citations of this workspace's tables shown as their whole rows with the
        header (as the document index holds them); `read_first`: those rows lead the
        passages to read."""
        workspace = self.settings.workspace
        citations = []
        rows = []
        for citation in answer.citations:
            if citation.ref.workspace:
                citations.append(citation)  # found by the search (a fact sheet's sentence)
                continue
            # Computed from this workspace's tables only; the citation says so.
            ref = replace(citation.ref, workspace=workspace)
            # Cite the whole row with its header, as the document index holds it.
            row = None
            if ref.row is not None:
                row = self.index.catalog.table_row(workspace, ref.doc_id, ref.sheet, ref.row)
            citations.append(replace(citation, ref=ref, text=row.text if row else citation.text))
            if row is not None and read_first:
                rows.append(to_retrieved(row, 1.0, workspace))
        return replace(answer, citations=citations, retrieved=[*answer.retrieved, *rows])

    def close(self) -> None:
        if "index" in self.__dict__:
            self.index.close()
        if "indicators" in self.__dict__:
            self.indicators.close()
