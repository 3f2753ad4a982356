"""Einstellungen / Status: active backends, index size, connection test."""

from __future__ import annotations

import streamlit as st

from assistant.operations.status import connection_checks, system_status
from ui import state
from ui.labels import german_size

services = state.services()
settings = services.settings
status = system_status(settings, services.index)

st.title("Einstellungen und Status")
if status.extractive:
    st.info(
        "**Extraktiver Modus ist aktiv.** Planwerk antwortet ohne Sprachmodell mit wörtlich "
        "zitierten Sätzen aus den Quellen – offline und ohne Wartezeit. Für ausformulierte "
        "Antworten kann ein lokales Sprachmodell angebunden werden (siehe Handbuch).",
        icon=":material/info:",
    )

st.subheader("Aktive Bausteine")
st.table(
    [
        {"Baustein": "Textvektoren (Embedding)", "Aktiv": status.embedder},
        {"Baustein": "Vektorspeicher", "Aktiv": status.vector_store},
        {"Baustein": "Datenbank", "Aktiv": status.database},
        {"Baustein": "Antworterzeugung", "Aktiv": status.generation},
        {"Baustein": "Arbeitsbereich", "Aktiv": settings.workspace},
    ]
)

st.subheader("Index")
docs, chunks, size = st.columns(3)
docs.metric("Dokumente", status.documents)
chunks.metric("Abschnitte", status.chunks)
size.metric("Speicherplatz", german_size(status.disk_bytes))
st.caption(f"Datenordner: {status.data_dir}")

st.subheader("Verbindung testen")
st.caption("Prüft Vektorspeicher, Datenbank und Antworterzeugung mit einer kleinen Testanfrage.")
if st.button("Verbindung testen", type="primary", icon=":material/network_check:"):
    with st.spinner("Verbindungen werden geprüft …"):
        checks = connection_checks(settings, services.index)
    for check in checks:
        text = f"{'✅ In Ordnung' if check.ok else '⛔ Problem'}: {check.title}"
        if check.ok:
            st.success(text)
        else:
            st.error(text + (f"\n\n**Was tun:** {check.fix}" if check.fix else ""))
    if all(c.ok for c in checks):
        st.markdown("**Ergebnis:** Alles bereit.")
    else:
        st.markdown("**Ergebnis:** Mindestens ein Baustein braucht Aufmerksamkeit (siehe oben).")
st.caption(
    "Einstellungen werden in der Datei planwerk.toml oder über Umgebungsvariablen "
    "PLANWERK_… festgelegt (siehe Handbuch); die App liest sie beim Start."
)
