"""The app's shared objects (one `Services` per configuration) and session state keys."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from assistant.answering.feedback import FeedbackStore
from assistant.platform.config import Settings
from assistant.platform.db import engine_for
from assistant.services import Services

# Session state keys shared by several modules.
THREAD = "thread_id"  # the open conversation, None for a new one
SOURCE = "source"  # the citation shown in the source panel: {"message_id": int, "n": int}
PENDING = "pending_question"  # a question chosen from the examples, asked on this run
STYLE = "answer_style"
CHOSEN_WORKSPACE = "auth.workspace"  # with login: the workspace chosen in the sidebar (ui.auth)


def current_settings() -> Settings:
    """Settings from the environment and planwerk.toml, read again only when these change.

    Building `Settings` costs ~30 ms, too much for every rerun of every page.
    """
    config = Path(os.environ.get("PLANWERK_CONFIG", "planwerk.toml"))
    stamp = config.stat().st_mtime if config.is_file() else 0.0
    environment = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("PLANWERK_")))
    return _settings(environment, str(config.resolve()), stamp)


@st.cache_resource(show_spinner=False, max_entries=8)
def _settings(environment: tuple[tuple[str, str], ...], config: str, stamp: float) -> Settings:
    return Settings()


@st.cache_resource(show_spinner="Planwerk wird vorbereitet …")
def _services(key: str, _settings: Settings) -> Services:
    return Services(_settings)


_WARM_UP_QUESTION = "Wie hoch ist die SGB-II-Quote im Stadtteil?"


def warm_up() -> None:
    """Load the embedder, the BM25 index, the vector store and the answer path once per
    configuration, so the first question is answered as fast as every later one.

    app.py calls this at the end of a script run, after the page has been drawn: the
    first page is shown without waiting for them (a second and a half on a quiet
    machine), and the run ends once they are loaded, so a click or a question sent
    meanwhile is handled right after, as it was when the first page waited."""
    settings = current_settings()
    key = _key(settings)
    _warm_up(key, _services(key, settings))


@st.cache_resource(show_spinner=False)
def _warm_up(key: str, _loading: Services) -> bool:
    _loading.answers.ask(_WARM_UP_QUESTION)  # nothing is stored
    return True


@st.cache_resource(show_spinner=False)
def _feedback(key: str, _settings: Settings) -> FeedbackStore:
    return FeedbackStore(engine_for(_settings), _settings.workspace)


def _key(settings: Settings) -> str:
    return settings.model_dump_json()


@st.cache_resource(show_spinner=False, max_entries=16)
def _workspace_services(key: str, workspace: str, _base: Services) -> Services:
    return _base.for_workspace(workspace)


def services() -> Services:
    """The services of the open workspace: the configured one, or with login
    (`Settings.auth`) the one chosen in the sidebar."""
    settings = current_settings()
    base = _services(_key(settings), settings)
    if settings.auth:
        chosen = st.session_state.get(CHOSEN_WORKSPACE)
        if chosen and chosen != settings.workspace:
            return _workspace_services(_key(settings), chosen, base)
    return base


def feedback_store() -> FeedbackStore:
    settings = current_settings()
    return _feedback(_key(settings), settings)
