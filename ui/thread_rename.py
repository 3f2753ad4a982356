"""Renaming a conversation thread.

`ConversationStore` has no rename yet; this adapter uses its public `rename` once it has
one and otherwise writes the title through its engine and `Thread` model.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from assistant.access.models import Thread
from assistant.access.threads import ThreadNotFound
from assistant.answering.conversation import ConversationStore

MAX_TITLE_CHARS = 200


def rename_thread(store: ConversationStore, thread_id: str, title: str) -> str:
    """Give a thread a new title; returns the stored title. Raises ValueError if empty."""
    title = " ".join(title.split())[:MAX_TITLE_CHARS]
    if not title:
        raise ValueError("Bitte einen Namen für das Gespräch eingeben.")
    rename = getattr(store, "rename", None)
    if callable(rename):
        rename(thread_id, title)
        return title
    with Session(store.engine) as session, session.begin():
        thread = session.get(Thread, thread_id)
        if thread is None:
            raise ThreadNotFound(f"Einen Gesprächsverlauf „{thread_id}“ gibt es nicht.")
        thread.title = title
    return title
