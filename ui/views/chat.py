"""Chat: questions to the documents, streamed answers with citation chips and a source panel."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from ui import answer_stream, filter_bar, onboarding, source_panel, state, thread_list
from ui.answer_view import answer_markdown, render_answer

services = state.services()
feedback = state.feedback_store()
store = services.conversations
thread = thread_list.current_thread(store)
documents = services.index.documents()

# Read first, so a question sent on this run is answered on this run (no second rerun).
typed = st.chat_input(
    "Ihre Frage an die Unterlagen, z. B. „Wie hoch ist die SGB-II-Quote im Hafenviertel?“",
    key="chat-input",
)
question = (typed or st.session_state.pop(state.PENDING, None) or "").strip()

st.title("Fragen an Ihre Unterlagen")
if services.settings.llm.mode == "extractive":
    st.caption(
        "Extraktiver Modus: Antworten bestehen aus wörtlich zitierten Sätzen der Quellen, "
        "ohne Sprachmodell. Jede Aussage trägt eine Quellennummer [n]."
    )
if not documents:
    onboarding.render_empty_index(services)
filters, style = filter_bar.render(documents)

messages = store.messages(thread.id) if thread is not None else []
answers: dict[int, dict[str, Any]] = {}
# The history is drawn after a new question is answered (into the container above it), so
# the answer's latency does not grow with the length of the conversation.
history = st.container()
if question:
    if thread is None:
        thread = thread_list.new_thread(store)
        thread_list.select_thread(thread.id)

    def show(message_id: int, data: dict[str, Any]) -> None:
        answers[message_id] = data
        render_answer(message_id, data, feedback, None, False)

    answer_stream.ask(services, thread, question, filters, style, show)
    thread = store.find(thread.id)  # with the title the first question gave it

with history:
    latest = feedback.latest_feedback([m.id for m in messages if m.role == "assistant"])
    taken_over = feedback.snippet_message_ids() if messages else set()
    for message in messages:
        if message.role == "user":
            with st.chat_message("user"):
                st.markdown(answer_markdown(message.content))
            continue
        data = json.loads(message.answer or "{}") or {"answer": message.content}
        answers[message.id] = data
        with st.chat_message("assistant"):
            render_answer(
                message.id, data, feedback, latest.get(message.id), message.id in taken_over
            )
    if not messages and not question:
        onboarding.render_examples()

thread_list.render(store, thread)
source_panel.show_selected(services, answers)
