"""Planwerk in the browser: a thin client of `assistant` (the full app is its own issue)."""

from __future__ import annotations

import os

import streamlit as st

from assistant.config import Settings
from assistant.services import Services

os.environ.setdefault("HF_HUB_OFFLINE", "1")

st.set_page_config(page_title="Planwerk", page_icon="🗺️", layout="wide")


@st.cache_resource
def services() -> Services:
    return Services(Settings())


def main() -> None:
    s = services()
    st.title("Planwerk")
    st.caption("Fragen an Ihre Planungsdokumente – jede Aussage mit Quelle.")
    if s.settings.llm.mode == "extractive":
        st.info(
            "Modus: **extraktiv** – ohne Sprachmodell. Antworten bestehen aus zitierten Sätzen "
            "der Quellen."
        )
    documents = s.index.documents()
    with st.sidebar:
        st.subheader("Dokumente")
        if not documents:
            st.write("Noch keine Dokumente. Im Terminal: `planwerk ingest ORDNER`.")
        for d in documents:
            st.write(f"• {d.title} ({d.doc_type}, {d.year or '–'})")
    question = st.chat_input("Ihre Frage, z. B. „Wie hoch ist die SGB-II-Quote in …?“")
    if not question:
        return
    with st.chat_message("user"):
        st.write(question)
    answer = s.answers.ask(question)
    with st.chat_message("assistant"):
        st.markdown(answer.text)
        for c in answer.citations:
            with st.expander(f"[{c.n}] {c.ref.label()}"):
                st.caption(c.ref.heading)
                st.text(c.text)


main()
