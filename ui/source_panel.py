"""The source panel: a cited passage in its page, the PDF page, or a table row with its header."""

from __future__ import annotations

import html
from typing import Any

import streamlit as st

from assistant.documents.source_view import (
    PassageContext,
    passage_context,
    render_pdf_page,
    split_highlights,
)
from assistant.models import SourceRef
from assistant.services import Services
from ui import state
from ui.markdown_text import inert

# Contrast: dark text on light yellow (>12:1); the passage is also framed and labelled,
# so the highlight never relies on colour alone.
_CITED_STYLE = (
    "border-left:6px solid #6b4a00;background:#fff6cc;padding:.5rem .8rem;margin:.6rem 0;"
    "border-radius:4px"
)
_MARK_STYLE = (
    "background:#ffd84d;color:#1a1a1a;font-weight:600;text-decoration:underline;"
    "text-decoration-thickness:2px;padding:0 .1rem"
)
_TEXT_STYLE = "white-space:pre-wrap;line-height:1.55;color:#1a1a1a;margin:.4rem 0"


def citation_ref(citation: dict[str, Any]) -> SourceRef:
    return SourceRef.from_json(citation)


def open_source(message_id: int, n: int) -> None:
    st.session_state[state.SOURCE] = {"message_id": message_id, "n": n}


def close_source() -> None:
    st.session_state.pop(state.SOURCE, None)


def show_selected(services: Services, answers: dict[int, dict[str, Any]]) -> None:
    """Open the panel for the selected citation, if one is selected and still exists."""
    selected = st.session_state.get(state.SOURCE)
    if not selected:
        return
    data = answers.get(selected["message_id"])
    citation = next(
        (c for c in (data or {}).get("citations", []) if c.get("n") == selected["n"]), None
    )
    if data is None or citation is None:
        close_source()
        return
    n = int(selected["n"])
    phrases = [
        s["text"]
        for s in data.get("sentences", [])
        if n in s.get("citations", []) and s.get("kept", True)
    ]
    dialog = st.dialog(f"Quelle [{n}]", width="large", on_dismiss=close_source)
    dialog(_panel)(services, citation, phrases)


def _panel(services: Services, citation: dict[str, Any], phrases: list[str]) -> None:
    ref = citation_ref(citation)
    st.markdown(f"**{inert(html.escape(ref.label()))}**")
    if ref.section():
        st.caption(f"Abschnitt: {inert(ref.section())}")
    context = passage_context(services.settings, services.index, citation)
    scanned = context.chunk is not None and bool(context.chunk.extra.get("ocr"))
    if scanned:
        st.caption(
            "(Texterkennung) Dieser Text wurde per Texterkennung aus einem Scan gelesen – "
            "Zahlen und Namen bitte an der Originalseite prüfen."
        )
    if not context.found:
        st.warning(
            "Diese Stelle ist nicht mehr im Index – das Dokument wurde gelöscht oder neu "
            "eingelesen. Unten steht der Text, wie er zitiert wurde."
        )
        st.html(_text_html([(str(citation.get("text") or ""), True)], phrases))
    elif context.table_rows:
        _table(context, citation)
    elif context.pdf_path is not None and context.page is not None:
        original = "Scan" if scanned else "PDF"
        text_tab, page_tab = st.tabs(
            ["Text der Seite", f"Originalseite {context.page} ({original})"]
        )
        with text_tab:
            _page_text(context, phrases)
        with page_tab:
            st.image(
                render_pdf_page(context.pdf_path, context.page, phrases),
                caption=f"{ref.title or ref.source}, Seite {context.page}; zitierte Sätze umrahmt",
            )
    else:
        _page_text(context, phrases)
    if st.button("Schließen", key="close-source", icon=":material/close:"):
        close_source()
        st.rerun()


def _page_text(context: PassageContext, phrases: list[str]) -> None:
    if context.page is not None:
        st.caption(
            f"Text von Seite {context.page}; die zitierte Stelle ist umrandet und mit "
            "„Zitierte Stelle“ beschriftet, zitierte Sätze sind unterstrichen."
        )
    else:
        st.caption(
            "Die zitierte Stelle mit den Abschnitten davor und danach; zitierte Sätze sind "
            "unterstrichen."
        )
    st.html(_segments_html(context, phrases))


def _segments_html(context: PassageContext, phrases: list[str]) -> str:
    parts = []
    for segment in context.segments:
        if segment.cited:
            body = _pieces_html(split_highlights(segment.text, phrases))
            parts.append(
                f'<div style="{_CITED_STYLE}" role="region" aria-label="Zitierte Stelle">'
                '<div style="font-weight:700;color:#1a1a1a">▶ Zitierte Stelle</div>'
                f'<div class="pw-cited" style="{_TEXT_STYLE}">{body}</div></div>'
            )
        else:
            parts.append(f'<div style="{_TEXT_STYLE}">{html.escape(segment.text)}</div>')
    return '<div class="pw-source">' + "".join(parts) + "</div>"


def _text_html(segments: list[tuple[str, bool]], phrases: list[str]) -> str:
    body = "".join(_pieces_html(split_highlights(text, phrases)) for text, _ in segments)
    inner = f'<div class="pw-cited" style="{_TEXT_STYLE}">{body}</div>'
    return f'<div style="{_CITED_STYLE}">{inner}</div>'


def _pieces_html(pieces: list[tuple[str, bool]]) -> str:
    return "".join(
        f'<mark style="{_MARK_STYLE}">{html.escape(text)}</mark>' if marked else html.escape(text)
        for text, marked in pieces
    )


def _table(context: PassageContext, citation: dict[str, Any]) -> None:
    # An indicator answer cites one cell: its column is marked in the row.
    ref = citation_ref(citation)
    cited_column = ref.column_name if ref.column is not None else ""
    if context.table_title:
        st.markdown(f"**{inert(html.escape(context.table_title))}**")
    row = context.row
    sheet = context.chunk.sheet if context.chunk else None
    where = ", ".join(p for p in (f"Blatt „{sheet}“" if sheet else "", f"Zeile {row}") if p)
    st.caption(f"{where} mit der Kopfzeile der Tabelle: links die Spalte, rechts der Wert.")
    rows = [
        {
            "Spalte": column,
            "Wert": value,
            "Zitiert": "◀ zitiert" if cited_column and column == cited_column else "",
        }
        for column, value in context.table_rows
    ]
    if not cited_column:
        for r in rows:
            r.pop("Zitiert")
    st.dataframe(rows, hide_index=True, width="stretch")
