"""Upload many files at once: each is saved under the data folder, ingested and reported."""

from __future__ import annotations

from functools import partial

import streamlit as st

from assistant.access.roles import Action
from assistant.documents.ingestion import IngestResult
from assistant.documents.uploads import ingest_upload
from assistant.services import Services
from ingest.formats import SUPPORTED_LABEL
from ui import auth
from ui.ingest_progress import ingest_with_progress, show_result, summary

RESULTS = "upload_results"


def render(services: Services) -> None:
    st.subheader("Dateien hochladen")
    may_upload = auth.allowed(Action.UPLOAD)
    if not may_upload:
        st.info(auth.refusal(Action.UPLOAD), icon=":material/lock:")
    with st.form("upload-form", clear_on_submit=True):
        files = st.file_uploader(
            f"Dateien auswählen oder hierher ziehen ({SUPPORTED_LABEL}); mehrere auf einmal "
            "möglich",
            accept_multiple_files=True,
            key="upload-files",
            disabled=not may_upload,
        )
        submitted = st.form_submit_button(
            "Hochladen und einlesen",
            type="primary",
            icon=":material/upload:",
            disabled=not may_upload,
        )
    if submitted and files:
        if not auth.check(Action.UPLOAD):
            return
        guard = auth.guard()
        jobs = [
            (
                f.name,
                # each called with the file's progress callback
                partial(
                    ingest_upload,
                    services.settings,
                    services.pipeline,
                    f.name,
                    f.getvalue(),
                    guard=guard,
                ),
            )
            for f in files
        ]
        results = ingest_with_progress(jobs)
        st.session_state[RESULTS] = results
        st.success(summary(results))
    elif submitted:
        st.warning("Bitte zuerst eine oder mehrere Dateien auswählen.")
    elif previous := st.session_state.get(RESULTS):
        _show_previous(previous)


def _show_previous(results: list[IngestResult]) -> None:
    with st.expander(f"Ergebnis des letzten Hochladens – {summary(results)}", expanded=False):
        for result in results:
            show_result(result)
