"""Dokumente: upload, list, edit metadata, re-index, delete."""

from __future__ import annotations

import streamlit as st

from ui import document_table, state, upload_panel

services = state.services()
st.title("Dokumente")
st.caption(
    "Hochgeladene Dateien werden im Datenordner gespeichert und eingelesen. Eine Datei mit "
    "demselben Namen ersetzt die ältere Fassung; unveränderte Dateien werden übersprungen."
)
upload_panel.render(services)
st.divider()
document_table.render(services)
