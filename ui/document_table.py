"""The document list: what is indexed, and editing, re-indexing or deleting one document."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from assistant.access.roles import Action, PermissionDenied
from assistant.documents.document_actions import delete_document, reindex_document
from assistant.index.metadata_edit import DOC_TYPES, MetadataError, update_document_metadata
from assistant.models import DocumentRecord
from assistant.services import Services
from ui import auth
from ui.ingest_progress import show_result
from ui.labels import doc_type_label, german_datetime

SELECTED = "doc_selected"
CONFIRM_DELETE = "doc_confirm_delete"
MESSAGE = "doc_message"


def render(services: Services) -> None:
    documents = services.index.documents()
    st.subheader(f"Im Index ({len(documents)} Dokumente)")
    if message := st.session_state.pop(MESSAGE, None):
        st.success(message, icon=":material/check:")
    if not documents:
        st.info("Noch keine Dokumente. Laden Sie oben Dateien hoch.", icon=":material/info:")
        return
    st.dataframe(_rows(documents), hide_index=True, width="stretch")
    _manage(services, documents)


def _rows(documents: Sequence[DocumentRecord]) -> list[dict[str, object]]:
    return [
        {
            "Titel": d.title,
            "Datei": d.source,
            "Typ": doc_type_label(d.doc_type),
            "Jahr": str(d.year) if d.year is not None else "–",
            "Gebiet": d.area or "–",
            "Umfang": _extent(d),
            "Abschnitte": d.chunk_count,
            "Hinzugefügt": german_datetime(d.added_at),
        }
        for d in documents
    ]


def _extent(record: DocumentRecord) -> str:
    if record.pages:
        return f"{record.pages} Seiten" if record.pages != 1 else "1 Seite"
    if record.rows:
        return f"{record.rows} Zeilen" if record.rows != 1 else "1 Zeile"
    return "–"


def _manage(services: Services, documents: Sequence[DocumentRecord]) -> None:
    st.subheader("Dokument bearbeiten")
    by_id = {d.doc_id: d for d in documents}
    if st.session_state.get(SELECTED) not in by_id:
        st.session_state[SELECTED] = documents[0].doc_id
    doc_id = st.selectbox(
        "Dokument auswählen",
        list(by_id),
        key=SELECTED,
        format_func=lambda i: f"{by_id[i].title} ({by_id[i].source})",
    )
    record = by_id[doc_id]
    with st.form(f"meta-{doc_id}"):
        st.markdown("**Angaben korrigieren** – wirken sofort auf die Filter im Chat.")
        left, middle, right = st.columns(3)
        doc_type = left.selectbox(
            "Dokumenttyp",
            DOC_TYPES,
            index=DOC_TYPES.index(record.doc_type) if record.doc_type in DOC_TYPES else 5,
            format_func=doc_type_label,
        )
        year_text = middle.text_input(
            "Jahr", value=str(record.year or ""), max_chars=4, placeholder="z. B. 2024"
        )
        area = right.text_input(
            "Stadtteil / Quartier", value=record.area, placeholder="z. B. Hafenviertel"
        )
        if st.form_submit_button(
            "Angaben speichern", type="primary", disabled=not auth.allowed(Action.UPLOAD)
        ) and auth.check(Action.UPLOAD, record.source):
            _save(services, record, doc_type, year_text, area)
    reindex, delete = st.columns(2)
    may_change = auth.allowed(Action.UPLOAD) and auth.allowed(Action.DELETE)
    if not may_change:
        st.info(auth.refusal(Action.DELETE), icon=":material/lock:")
    if reindex.button(
        "Neu einlesen",
        disabled=not may_change,
        icon=":material/refresh:",
        help="Die Originaldatei erneut einlesen (z. B. nach einer Änderung der Datei).",
    ):
        with st.spinner(f"„{record.source}“ wird neu eingelesen …"):
            try:
                result = reindex_document(
                    services.settings,
                    services.index,
                    services.pipeline,
                    record.doc_id,
                    guard=auth.guard(),
                )
            except PermissionDenied as error:
                st.error(str(error))
                return
        show_result(result)
    if st.session_state.get(CONFIRM_DELETE) == doc_id:
        st.warning(
            f"„{record.title}“ wirklich löschen? Das Dokument wird aus dem Index entfernt und "
            "kann danach nicht mehr zitiert werden."
        )
        yes, no = st.columns(2)
        if yes.button(
            "Ja, endgültig löschen",
            type="primary",
            icon=":material/delete_forever:",
            disabled=not may_change,
        ):
            try:
                delete_document(services.settings, services.pipeline, doc_id, guard=auth.guard())
            except PermissionDenied as error:
                st.error(str(error))
                return
            st.session_state.pop(CONFIRM_DELETE, None)
            st.session_state.pop(SELECTED, None)
            st.session_state[MESSAGE] = f"„{record.title}“ wurde gelöscht."
            st.rerun()
        if no.button("Abbrechen"):
            st.session_state.pop(CONFIRM_DELETE, None)
            st.rerun()
    elif delete.button("Löschen …", icon=":material/delete:", disabled=not may_change):
        st.session_state[CONFIRM_DELETE] = doc_id
        st.rerun()


def _save(
    services: Services, record: DocumentRecord, doc_type: str, year_text: str, area: str
) -> None:
    year_text = year_text.strip()
    if year_text and not year_text.isdigit():
        st.error("Das Jahr bitte als vierstellige Zahl eingeben, z. B. 2024, oder leer lassen.")
        return
    try:
        update_document_metadata(
            services.index,
            record.doc_id,
            doc_type=doc_type,
            year=int(year_text) if year_text else None,
            area=area,
        )
    except MetadataError as error:
        st.error(str(error))
        return
    st.session_state[MESSAGE] = f"Angaben zu „{record.title}“ gespeichert."
    st.rerun()
