"""Conversation threads in the sidebar: new, switch, rename, delete (stored across restarts)."""

from __future__ import annotations

import streamlit as st

from assistant.access.models import Thread
from assistant.answering.conversation import ConversationStore
from ui import auth, state
from ui.markdown_text import inert
from ui.thread_rename import rename_thread

QUERY_KEY = "gespraech"  # the open thread in the address, so a reload keeps it
MAX_LISTED = 40


def visible_threads(store: ConversationStore) -> list[Thread]:
    """The threads the person may see: with login, the workspace's shared ones and their
    own private ones; without login, all of them."""
    policy = auth.policy()
    return policy.threads().visible(policy.user) if policy is not None else store.threads()


def new_thread(store: ConversationStore) -> Thread:
    """A new thread; with login owned by the person and private if the settings say so."""
    policy = auth.policy()
    if policy is None:
        return store.create()
    private = state.current_settings().private_threads
    return policy.threads().create(policy.user, private=private)


def current_thread(store: ConversationStore) -> Thread | None:
    """The open thread: from the session, else from the address; None for a new one."""
    thread_id = st.session_state.get(state.THREAD) or st.query_params.get(QUERY_KEY)
    if not thread_id:
        return None
    found = next((t for t in visible_threads(store) if t.id == thread_id), None)
    if found is None:
        st.session_state[state.THREAD] = None
        st.query_params.pop(QUERY_KEY, None)
    return found


def select_thread(thread_id: str | None) -> None:
    st.session_state[state.THREAD] = thread_id
    st.session_state.pop(state.SOURCE, None)
    st.session_state.pop("confirm_thread_delete", None)
    if thread_id:
        st.query_params[QUERY_KEY] = thread_id
    else:
        st.query_params.pop(QUERY_KEY, None)


def render(store: ConversationStore, current: Thread | None) -> None:
    with st.sidebar:
        st.button(
            "Neues Gespräch",
            icon=":material/add_comment:",
            on_click=select_thread,
            args=(None,),
            width="stretch",
        )
        threads = visible_threads(store)
        st.subheader("Gespräche")
        if not threads:
            st.caption("Noch keine Gespräche. Ihre Fragen und Antworten werden hier gespeichert.")
        for thread in threads[:MAX_LISTED]:
            is_current = current is not None and thread.id == current.id
            st.button(
                inert(thread.title or "Ohne Titel") + (" (geöffnet)" if is_current else ""),
                key=f"thread-{thread.id}",
                on_click=select_thread,
                args=(thread.id,),
                type="primary" if is_current else "tertiary",
                icon=":material/forum:",
                width="stretch",
            )
        if len(threads) > MAX_LISTED:
            st.caption(f"… und {len(threads) - MAX_LISTED} ältere Gespräche.")
        if current is not None:
            _manage(store, current)


def _visibility(thread: Thread) -> None:
    """With login: the author of the open thread can keep it to themselves or share it."""
    policy = auth.policy()
    if policy is None:
        return
    threads = policy.threads()
    if threads.owner_id(thread.id) != policy.user.id:
        return
    private = threads.is_private(thread.id)
    wanted = st.toggle(
        "Privat (nur für mich sichtbar)",
        value=private,
        key=f"private-{thread.id}",
        help="Private Gespräche sehen andere im Arbeitsbereich nicht.",
    )
    if wanted != private:
        threads.set_private(policy.user, thread.id, wanted)
        st.rerun()


def _manage(store: ConversationStore, thread: Thread) -> None:
    _visibility(thread)
    with st.expander("Gespräch umbenennen oder löschen", icon=":material/edit:"):
        key = f"rename-title-{thread.id}"
        if not st.session_state.get(key):
            st.session_state[key] = thread.title
        with st.form(f"rename-{thread.id}", border=False):
            title = st.text_input("Neuer Name", key=key, max_chars=200)
            if st.form_submit_button("Umbenennen"):
                try:
                    rename_thread(store, thread.id, title)
                except ValueError as error:
                    st.error(str(error))
                else:
                    st.rerun()
        if st.session_state.get("confirm_thread_delete") == thread.id:
            st.warning("Dieses Gespräch mit allen Fragen und Antworten wirklich löschen?")
            yes, no = st.columns(2)
            if yes.button("Ja, löschen", key="thread-delete-yes", type="primary"):
                store.delete(thread.id)
                select_thread(None)
                st.rerun()
            if no.button("Abbrechen", key="thread-delete-no"):
                st.session_state.pop("confirm_thread_delete", None)
                st.rerun()
        elif st.button("Gespräch löschen …", icon=":material/delete:"):
            st.session_state["confirm_thread_delete"] = thread.id
            st.rerun()
