"""Asking a question: stream the draft into the chat, store the checked answer in the thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import streamlit as st

from assistant.access.models import Thread
from assistant.answering.service import Done, Token
from assistant.index.filters import SearchFilters
from assistant.services import Services
from ui.answer_view import answer_markdown

log = logging.getLogger(__name__)


def ask(
    services: Services,
    thread: Thread,
    question: str,
    filters: SearchFilters,
    style: str,
    show: Callable[[int, dict[str, Any]], None],
) -> bool:
    """Show the question and stream the answer into an assistant message.

    The draft is replaced by `show(message_id, answer_json)` of the stored answer in the
    same message. False after a German error message.
    """
    with st.chat_message("user"):
        st.markdown(answer_markdown(question))
    with st.chat_message("assistant"):
        return _stream(services, thread, question, filters, style, show)


def _stream(
    services: Services,
    thread: Thread,
    question: str,
    filters: SearchFilters,
    style: str,
    show: Callable[[int, dict[str, Any]], None],
) -> bool:
    draft = st.empty()
    draft.markdown("_Suche in den Unterlagen …_")
    text = ""
    try:
        for event in services.answers.stream(
            question, None if filters.is_empty() else filters, style, thread.id
        ):
            if isinstance(event, Token):
                text += event.text
                draft.markdown(answer_markdown(text) + " ▌")
            elif isinstance(event, Done):
                draft.empty()
                stored = services.conversations.messages(thread.id)[-1]
                show(stored.id, event.answer.to_json())
                return True
    except Exception:
        log.exception("Frage konnte nicht beantwortet werden")
    draft.error(
        "Die Frage konnte gerade nicht beantwortet werden. Bitte noch einmal senden; hilft "
        "das nicht, auf der Seite „Einstellungen“ die Verbindung testen."
    )
    return False
