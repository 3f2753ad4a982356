"""What a first visit shows: an empty index explains the next step; example questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from ui import state
from ui.example_questions import EXAMPLE_GROUPS

if TYPE_CHECKING:
    from pathlib import Path

    from assistant.services import Services
    from ui.ingest_progress import IngestJob

# The demo corpus and the ingest progress are imported where used: they load every file
# loader, and the chat page imports this module on every start.


def render_empty_index(services: Services) -> None:
    st.info(
        "**Noch keine Dokumente im Index.** Planwerk beantwortet Fragen aus Ihren eigenen "
        "Unterlagen – Sozialberichte, Förderaufrufe, Indikatortabellen, Protokolle – und "
        "nennt zu jeder Aussage die Quelle.",
        icon=":material/info:",
    )
    st.markdown(
        "**So geht es los:**\n"
        "1. Auf der Seite **Dokumente** eigene Dateien hochladen (PDF, DOCX, XLSX, CSV, …), "
        "oder\n"
        "2. zum Ausprobieren die Demo-Daten der fiktiven Stadt Lindwerden laden.\n"
        "3. Dann unten eine Frage eingeben oder eine Beispielfrage anklicken."
    )
    from assistant.documents.demo_corpus import demo_files

    files = demo_files()
    left, right = st.columns(2)
    with left:
        st.page_link(
            "views/documents.py", label="Eigene Dokumente hochladen", icon=":material/upload_file:"
        )
    with right:
        clicked = st.button(
            f"Demo-Daten laden ({len(files)} Dateien, etwa eine Minute)",
            type="primary",
            icon=":material/download:",
            disabled=not files,
            key="load-demo",
        )
    if clicked:
        load_demo(services)


def load_demo(services: Services) -> None:
    from assistant.documents.demo_corpus import demo_files
    from ui.ingest_progress import ingest_with_progress, summary

    files = demo_files()
    pipeline = services.pipeline
    st.markdown("**Demo-Daten werden eingelesen …**")

    def job(path: Path) -> IngestJob:
        return path.name, lambda progress: pipeline.ingest_file(path, progress=progress)

    results = ingest_with_progress([job(path) for path in files])
    st.success(summary(results) + " Sie können jetzt Fragen stellen.")
    st.button("Weiter zum Chat", type="primary", icon=":material/chat:")


def ask_example(question: str, style: str) -> None:
    st.session_state[state.PENDING] = question
    st.session_state[state.STYLE] = style


def render_examples() -> None:
    st.markdown("**Beispielfragen** – zum Stellen anklicken:")
    for group in EXAMPLE_GROUPS:
        st.markdown(f"**{group.title}** – {group.description}")
        with st.container(horizontal=True, gap="small"):
            for i, question in enumerate(group.questions):
                st.button(
                    question,
                    key=f"example-{group.style}-{i}",
                    on_click=ask_example,
                    args=(question, group.style),
                    icon=":material/help:",
                )
