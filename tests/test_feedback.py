"""Feedback on answers and draft snippets are stored with the answer message."""

from __future__ import annotations

from assistant.answering.feedback import FeedbackStore
from assistant.models import Answer
from assistant.platform.db import engine_for
from assistant.services import Services


def test_feedback_and_snippets_are_stored(services: Services) -> None:
    store = FeedbackStore(engine_for(services.settings))
    conversations = services.conversations
    thread = conversations.create()
    conversations.add_exchange(thread.id, "Frage?", Answer("Frage?", "Antwort [1].", "extractive"))
    message_id = conversations.messages(thread.id)[-1].id

    store.record_feedback("helpful", message_id=message_id, question="Frage?")
    wrong = store.record_feedback("wrong", message_id=message_id, answer_text="Antwort [1].")
    store.add_comment(wrong.id, "  Zahl ist veraltet ")
    latest = store.latest_feedback([message_id])[message_id]
    assert (latest.kind, latest.comment) == ("wrong", "Zahl ist veraltet")

    snippet = store.add_snippet(
        "Antwort [1].", message_id=message_id, question="Frage?", sources=[{"n": 1}]
    )
    assert store.snippet_message_ids() == {message_id}
    store.mark_used(snippet.id)
    assert store.snippets(include_used=False) == []
    assert store.snippets()[0].sources == [{"n": 1}]

    # Deleting the thread keeps the judgements and snippets, detached from the message.
    conversations.delete(thread.id)
    assert [f.message_id for f in store.feedback()] == [None, None]
    assert store.snippets()[0].message_id is None


def test_unknown_feedback_kind_is_refused(services: Services) -> None:
    store = FeedbackStore(engine_for(services.settings))
    try:
        store.record_feedback("meh", message_id=None)
    except ValueError as error:
        assert "Rückmeldung" in str(error)
    else:
        raise AssertionError("expected ValueError")
