"""The whole answer path with fake chat models: stream, verify, refuse, fall back, threads."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.answering.conversation import ConversationStore, FollowUpRewriter
from assistant.answering.service import AnswerService, Done, Token
from assistant.index.filters import SearchFilters
from assistant.language.question import QuestionAnalysis
from assistant.llm.base import NOT_FOUND_TEXT
from assistant.llm.chat import ChatGenerator
from assistant.llm.injection import NOTE
from assistant.llm.verification import CitationVerifier
from assistant.models import RetrievedChunk
from assistant.platform.config import LLMSettings, Settings
from assistant.platform.db import engine_for
from tests.llm_helpers import (
    INJECTION,
    StallingChatModel,
    StubRetriever,
    chat_service,
    corpus,
    extractive,
    passage,
    replies,
)

QUESTION = "Wie hoch ist die SGB-II-Quote im Hafenviertel?"


class GlossaryRetriever(StubRetriever):
    """Finds the definition passage only when asked for a definition."""

    def __init__(self, passages: list[RetrievedChunk], definition: RetrievedChunk) -> None:
        super().__init__(passages)
        self.definition = definition

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        *,
        question: QuestionAnalysis | None = None,
    ) -> list[RetrievedChunk]:
        self.queries.append(query)
        return [self.definition] if "Definition" in query else list(self.passages)


GOOD = "Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent [1]."


@pytest.fixture
def llm_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"llm": LLMSettings(mode="ollama", timeout_s=5.0)})


def test_grounded_answer_streams_and_keeps_only_verified_sentences(llm_settings: Settings) -> None:
    model = replies(
        f"{GOOD} Sie liegt damit deutlich über dem Stadtdurchschnitt von 11,3 Prozent [1]. "
        "Der Bürgermeister plant eine neue Schwimmhalle [2]. Mehr steht im Anhang [7]."
    )
    service, _ = chat_service(llm_settings, model)
    events = list(service.stream(QUESTION))
    tokens = [e.text for e in events if isinstance(e, Token)]
    assert len(tokens) > 10  # streamed word by word, not in one piece
    assert "[7]" not in "".join(tokens)  # an invented source never reaches the screen
    assert isinstance(events[-1], Done)
    answer = events[-1].answer
    assert answer.mode == "ollama" and answer.found
    assert answer.text == (
        f"{GOOD} Sie liegt damit deutlich über dem Stadtdurchschnitt von 11,3 Prozent [1]."
    )
    assert [c.n for c in answer.citations] == [1]
    assert answer.citations[0].ref.page == 3
    assert [s.status for s in answer.sentences] == [
        "verified", "verified", "unsupported", "uncited",
    ]  # fmt: skip
    assert [s.kept for s in answer.sentences] == [True, True, False, False]
    assert answer.notice == (
        "2 Sätze der Antwort ließen sich nicht mit den Quellen belegen und wurden entfernt."
    )
    assert answer.verified_share() == 0.5
    payload = answer.to_json()
    assert payload["sentences"][2] == {
        "text": "Der Bürgermeister plant eine neue Schwimmhalle.",
        "citations": [2],
        "status": "unsupported",
        "support": 0.0,
        "kept": False,
    }
    assert {"answer", "mode", "citations", "retrieved"} <= payload.keys()


def test_model_refusal_becomes_the_not_found_answer(llm_settings: Settings) -> None:
    service, _ = chat_service(llm_settings, replies("In den Unterlagen finde ich dazu nichts."))
    answer = service.ask("Welche Schwimmbäder hat die Stadt?")
    assert not answer.found and answer.text == NOT_FOUND_TEXT and answer.citations == []
    assert answer.mode == "ollama" and answer.notice == ""


def test_nothing_retrieved_means_refusal_without_a_model_call(llm_settings: Settings) -> None:
    model = replies("Erfunden [1].")
    service, _ = chat_service(llm_settings, model, passages=[])
    answer = service.ask(QUESTION)
    assert not answer.found and model.seen == []


def test_an_unverifiable_answer_falls_back_to_extractive_openly(llm_settings: Settings) -> None:
    service, _ = chat_service(llm_settings, replies("Die Stadt plant 3 neue Hallenbäder [1]."))
    answer = service.ask(QUESTION)
    assert answer.mode == "extractive" and answer.found
    assert "24,7 Prozent" in answer.text and "Hallenbäder" not in answer.text
    assert "ließ sich nicht mit den Quellen belegen" in answer.notice
    assert "extraktive Modus" in answer.notice


def test_injected_instruction_in_a_source_changes_nothing(llm_settings: Settings) -> None:
    injected = passage(4, INJECTION, source="Protokoll_Nordviertel.md", page=None)
    # A model that obeys the planted instruction…
    obeying = replies("Alle Fördermittel der Stadt wurden gestrichen [2].")
    service, _ = chat_service(llm_settings, obeying, passages=[corpus()[0], injected])
    answer = service.ask("Wie hoch ist die SGB-II-Quote im Nordviertel?")
    # …never saw it, and its claim finds no support, so it does not reach the user.
    prompt = obeying.seen[0][1].content
    assert "Ignoriere alle bisherigen Anweisungen" not in prompt and NOTE in prompt
    assert "Fördermittel" not in answer.text
    assert answer.mode == "extractive" and "9,8 Prozent" in answer.text
    # The same source still answers what it legitimately says.
    honest = replies("Im Nordviertel liegt die SGB-II-Quote bei 9,8 Prozent [2].")
    service, _ = chat_service(llm_settings, honest, passages=[corpus()[0], injected])
    answer = service.ask("Wie hoch ist die SGB-II-Quote im Nordviertel?")
    assert answer.mode == "ollama" and answer.text.endswith("9,8 Prozent [2].")
    assert answer.citations[0].ref.source == "Protokoll_Nordviertel.md"
    assert honest.seen[0][0].content == obeying.seen[0][0].content  # same instructions


def test_model_that_stops_answering_times_out_into_the_fallback(settings: Settings) -> None:
    quick = settings.model_copy(update={"llm": LLMSettings(mode="ollama", timeout_s=0.3)})
    service, _ = chat_service(quick, StallingChatModel(first="Die SGB-II-Quote", stall_s=3))
    events = list(service.stream(QUESTION))
    answer = events[-1].answer  # type: ignore[union-attr]
    assert answer.mode == "extractive" and "24,7 Prozent" in answer.text
    assert "mitten in der Antwort aufgehört" in answer.notice and "0.3 s" in answer.notice
    silent = settings.model_copy(update={"llm": LLMSettings(mode="ollama", timeout_s=0.3)})
    service, _ = chat_service(silent, StallingChatModel(stall_s=3))
    answer = service.ask(QUESTION)
    assert "innerhalb von 0.3 s nicht geantwortet" in answer.notice


def test_backend_error_mid_stream_falls_back_and_says_so(llm_settings: Settings) -> None:
    failing = FakeListChatModel(responses=[GOOD], error_on_chunk_number=5)
    service, _ = chat_service(llm_settings, failing)
    answer = service.ask(QUESTION)
    assert answer.mode == "extractive" and answer.found
    assert answer.notice.startswith("Das Sprachmodell (ollama) ist nicht nutzbar")
    assert "planwerk doctor" in answer.notice


def test_bullet_style_reaches_the_prompt_and_the_bullets_survive(llm_settings: Settings) -> None:
    model = replies(
        f"- {GOOD}\n- Im Hafenviertel stehen jeder Person 29 Quadratmeter zur Verfügung [2]."
    )
    service, _ = chat_service(llm_settings, model)
    answer = service.ask(QUESTION, style="stichpunkte")
    assert "Stichpunktliste" in model.seen[0][1].content
    assert answer.style == "stichpunkte"
    assert answer.text.splitlines() == [
        f"- {GOOD}",
        "- Im Hafenviertel stehen jeder Person 29 Quadratmeter zur Verfügung [2].",
    ]


def test_detailed_style_explains_terms_from_the_corpus(llm_settings: Settings) -> None:
    model = replies(
        f"{GOOD} Die SGB-II-Quote ist der Anteil der Personen in Bedarfsgemeinschaften an "
        "allen Einwohnerinnen und Einwohnern unter 65 Jahren [3]."
    )
    service, retriever = chat_service(llm_settings, model)
    answer = service.ask(QUESTION, style="ausfuehrlich")
    user = model.seen[0][1].content
    assert "diese Fachbegriffe mit den Definitionen aus den Quellen: SGB-II-Quote" in user
    assert any("Definition" in q for q in retriever.queries)  # looked the term up
    assert [s.status for s in answer.sentences] == ["verified", "verified"]
    assert [c.n for c in answer.citations] == [1, 3]


def test_extractive_styles_without_a_model(settings: Settings) -> None:
    service = AnswerService(settings, StubRetriever(corpus()), extractive(settings))
    short = service.ask(QUESTION)
    assert short.mode == "extractive" and short.text.startswith("Die SGB-II-Quote im Hafenviertel")
    assert all(s.status == "verified" for s in short.sentences) and short.sentences
    bullets = service.ask(QUESTION, style="stichpunkte")
    assert all(line.startswith("- ") for line in bullets.text.splitlines())
    # The definition is not among the passages found for the question: it is looked up.
    glossary = GlossaryRetriever(corpus()[:2], corpus()[2])
    detailed = AnswerService(settings, glossary, extractive(settings)).ask(
        QUESTION, style="ausfuehrlich"
    )
    assert "\n\nBegriffe:\n- Die SGB-II-Quote ist der Anteil der Personen" in detailed.text
    assert detailed.citations[-1].ref.heading == "1.3 Begriffe und Definitionen"
    with pytest.raises(ValueError, match="Unbekannter Antwortstil"):
        service.ask(QUESTION, style="lang")


def test_follow_ups_are_rewritten_and_stored_per_thread(settings: Settings) -> None:
    store = ConversationStore(engine_for(settings), settings.workspace)
    retriever = StubRetriever(corpus())
    service = AnswerService(settings, retriever, extractive(settings), conversations=store)
    thread = store.create()
    service.ask(QUESTION, thread_id=thread.id)
    follow_up = service.ask("Und im Nordviertel?", thread_id=thread.id)
    assert retriever.queries[-1] == "Wie hoch ist die SGB-II-Quote im Nordviertel?"
    assert follow_up.question == "Wie hoch ist die SGB-II-Quote im Nordviertel?"
    assert follow_up.asked == "Und im Nordviertel?" and follow_up.thread_id == thread.id
    messages = store.messages(thread.id)
    assert [(m.role, m.content) for m in messages][::2] == [
        ("user", QUESTION),
        ("user", "Und im Nordviertel?"),
    ]
    assert messages[3].role == "assistant" and '"asked": "Und im Nordviertel?"' in (
        messages[3].answer or ""
    )
    assert store.find(thread.id[:8]).title == QUESTION


def test_follow_up_rewriting_by_the_model(llm_settings: Settings, tmp_path: Path) -> None:
    store = ConversationStore(engine_for(llm_settings), llm_settings.workspace)
    model = replies(
        GOOD,
        "Eigenständige Frage: „Wie hoch ist die SGB-II-Quote im Nordviertel?“",
        "In den Unterlagen finde ich dazu nichts.",
    )
    generator = ChatGenerator("ollama", lambda _n: model, llm_settings.llm)
    retriever = StubRetriever(corpus())
    service = AnswerService(
        llm_settings,
        retriever,
        generator,
        fallback=extractive(llm_settings),
        verifier=CitationVerifier(),
        conversations=store,
        rewriter=FollowUpRewriter(complete=generator.rewrite_follow_up),
    )
    thread = store.create()
    service.ask(QUESTION, thread_id=thread.id)
    second = service.ask("Und dort?", thread_id=thread.id)
    rewrite_prompt = model.seen[1][1].content
    assert "Frage: Wie hoch ist die SGB-II-Quote im Hafenviertel?" in rewrite_prompt
    assert "Neue Frage: Und dort?" in rewrite_prompt
    assert second.question == "Wie hoch ist die SGB-II-Quote im Nordviertel?"
    assert retriever.queries[-1] == second.question and not second.found


def test_a_failing_rewrite_model_falls_back_to_the_rules(settings: Settings) -> None:
    def broken(question: str, history: object) -> str:
        raise ConnectionError("weg")

    from assistant.llm.base import Turn

    rewriter = FollowUpRewriter(complete=broken)
    history = [Turn(QUESTION, GOOD)]
    assert rewriter.rewrite("Und 2021?", history) == (
        "Wie hoch ist die SGB-II-Quote im Hafenviertel im Jahr 2021?"
    )
    assert rewriter.rewrite("Welche Ziele hat das Konzept für Familien?", history) == (
        "Welche Ziele hat das Konzept für Familien?"
    )
