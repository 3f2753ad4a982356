"""Filters above the chat (document type, year, area, documents) and the answer style."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from assistant.index.filters import SearchFilters
from assistant.llm.styles import DEFAULT_STYLE, get_style, style_names
from assistant.models import DocumentRecord
from ui import state
from ui.labels import doc_type_label

KEYS = {"doc_types": "f_doc_types", "years": "f_years", "areas": "f_areas", "doc_ids": "f_docs"}


def _active_count() -> int:
    return sum(1 for key in KEYS.values() if st.session_state.get(key))


def clear_filters() -> None:
    for key in KEYS.values():
        st.session_state[key] = []


def render(documents: Sequence[DocumentRecord]) -> tuple[SearchFilters, str]:
    """Draw the filter row; returns the filters and the chosen answer style."""
    active = _active_count()
    label = "Suche eingrenzen" + (f" – {active} Filter aktiv" if active else "")
    doc_types = sorted({d.doc_type for d in documents}, key=doc_type_label)
    years = sorted({d.year for d in documents if d.year is not None}, reverse=True)
    areas = sorted({d.area for d in documents if d.area})
    titles = {d.doc_id: f"{d.title} ({d.source})" for d in documents}
    _drop_stale(KEYS["doc_types"], doc_types)
    _drop_stale(KEYS["years"], years)
    _drop_stale(KEYS["areas"], areas)
    _drop_stale(KEYS["doc_ids"], list(titles))
    names = style_names()
    if st.session_state.get(state.STYLE) not in names:
        st.session_state[state.STYLE] = DEFAULT_STYLE
    with st.expander(label, icon=":material/filter_list:", expanded=bool(active)):
        first, second = st.columns(2)
        first.multiselect(
            "Dokumenttyp",
            doc_types,
            key=KEYS["doc_types"],
            format_func=doc_type_label,
            placeholder="alle Typen",
        )
        second.multiselect("Jahr", years, key=KEYS["years"], placeholder="alle Jahre")
        third, fourth = st.columns(2)
        third.multiselect(
            "Stadtteil / Quartier",
            areas,
            key=KEYS["areas"],
            placeholder="alle Gebiete" if areas else "keine Gebiete hinterlegt",
            disabled=not areas,
            help="Gebiete, die bei den Dokumenten eingetragen sind (Seite „Dokumente“).",
        )
        fourth.multiselect(
            "Bestimmte Dokumente",
            list(titles),
            key=KEYS["doc_ids"],
            format_func=lambda doc_id: titles.get(doc_id, doc_id),
            placeholder="alle Dokumente",
        )
        st.radio(
            "Antwortstil",
            names,
            key=state.STYLE,
            format_func=lambda name: get_style(name).label,
            horizontal=True,
        )
        if active:
            st.button("Filter zurücksetzen", on_click=clear_filters, icon=":material/close:")
    filters = SearchFilters(
        doc_types=tuple(st.session_state.get(KEYS["doc_types"], [])),
        years=tuple(st.session_state.get(KEYS["years"], [])),
        areas=tuple(st.session_state.get(KEYS["areas"], [])),
        doc_ids=tuple(st.session_state.get(KEYS["doc_ids"], [])),
    )
    return filters, str(st.session_state[state.STYLE])


def _drop_stale(key: str, options: Sequence[object]) -> None:
    """Forget selected values that no longer exist (a deleted document, an edited year)."""
    chosen = st.session_state.get(key)
    if chosen:
        st.session_state[key] = [v for v in chosen if v in options]
