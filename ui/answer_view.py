"""One stored answer in the chat: text, notice, citation chips and the answer actions."""

from __future__ import annotations

from typing import Any

import streamlit as st

from assistant.answering.feedback import FEEDBACK_LABELS, FeedbackEntry, FeedbackStore
from ingest.chunking import leaf_heading
from ui import state
from ui.markdown_text import inert
from ui.source_panel import citation_ref, open_source

_FEEDBACK_ICONS = {
    "helpful": ":material/thumb_up:",
    "wrong": ":material/thumb_down:",
    "missing_source": ":material/link_off:",
}
_CHIP_TITLE_CHARS = 38
_CHIP_SECTION_CHARS = 32


def answer_markdown(text: str) -> str:
    """Answer text for st.markdown: one paragraph per line, no formulas or strike-through.

    The answer puts each sentence on its own line; Markdown would join them (and glue a
    sentence to a list item above it), so every line break becomes a paragraph break.
    """
    text = inert(text).replace("$", r"\$").replace("~", r"\~")
    return "\n\n".join(line for line in text.splitlines() if line.strip())


def chip_label(citation: dict[str, Any]) -> str:
    ref = citation_ref(citation)
    title = ref.title or ref.source
    where = f"S. {ref.page}" if ref.page is not None else (f"Z. {ref.row}" if ref.row else "")
    if not where:
        # A text without pages (Markdown, Word) is told apart by its section: six chips
        # all reading „Förderrichtlinie Orte des Gemeinwesens“ say nothing.
        where = _shortened(_own_section(ref.heading, title), _CHIP_SECTION_CHARS)
    # Button labels render Markdown images: a title from a document stays text.
    label = inert(_shortened(title, _CHIP_TITLE_CHARS))
    return f"[{citation['n']}] {label}" + (f", {inert(where)}" if where else "")


def _own_section(heading: str, title: str) -> str:
    """The last heading of a passage without the document title converted headings
    repeat („Förderrichtlinie Orte des Gemeinwesens V. Art und Umfang …“)."""
    section = leaf_heading(heading).strip()
    if section == title:
        return ""
    if title and section.startswith(title):
        section = section[len(title) :].strip(" –-:")
    return section


def _shortened(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def render_answer(
    message_id: int,
    data: dict[str, Any],
    feedback: FeedbackStore,
    latest: FeedbackEntry | None,
    taken_over: bool,
) -> None:
    """The body of an assistant message (call inside `st.chat_message`)."""
    understood = str(data.get("question") or "")
    if understood and understood != str(data.get("asked") or understood):
        # A follow-up was rewritten into a question of its own: say how it was read.
        st.caption(f"Verstanden als: „{inert(understood)}“")
    st.markdown(answer_markdown(str(data.get("answer", ""))))
    if data.get("mode") == "indicators":
        st.caption("Berechnet aus Tabellen – die Werte stehen so in den zitierten Zellen.")
    elif data.get("mode") == "profile":
        st.caption(
            "Zusammengestellt aus Kennzahlen und Dokumenten, ohne Sprachmodell – jede Zeile "
            "mit ihrer Quelle."
        )
    if data.get("notice"):
        st.info(str(data["notice"]), icon=":material/info:")
    citations = data.get("citations", [])
    selected = st.session_state.get(state.SOURCE) or {}
    if citations:
        st.caption("Quellen – zum Nachlesen anklicken:")
        with st.container(horizontal=True, gap="small"):
            for citation in citations:
                n = int(citation["n"])
                is_open = selected.get("message_id") == message_id and selected.get("n") == n
                st.button(
                    chip_label(citation),
                    key=f"cite-{message_id}-{n}",
                    help=f"Quelle [{n}] öffnen: {inert(citation_ref(citation).label())}",
                    on_click=open_source,
                    args=(message_id, n),
                    type="primary" if is_open else "secondary",
                    icon=":material/description:",
                )
    _actions(message_id, data, feedback, latest, taken_over)


def _actions(
    message_id: int,
    data: dict[str, Any],
    feedback: FeedbackStore,
    latest: FeedbackEntry | None,
    taken_over: bool,
) -> None:
    text = str(data.get("answer", ""))
    question = str(data.get("asked") or data.get("question") or "")
    with st.container(horizontal=True, gap="small"):
        with st.popover("Kopieren", icon=":material/content_copy:"):
            st.caption("Mit dem Symbol rechts oben im Feld in die Zwischenablage kopieren.")
            st.code(_copy_text(data), language=None, wrap_lines=True)
        if data.get("found", True):  # „nothing found“ is nothing to draft with
            st.button(
                "Als Entwurfsabschnitt übernommen"
                if taken_over
                else "Als Entwurfsabschnitt übernehmen",
                key=f"snippet-{message_id}",
                icon=":material/check:" if taken_over else ":material/post_add:",
                disabled=taken_over,
                on_click=_take_over,
                args=(feedback, message_id, question, text, data.get("citations", [])),
            )
        for kind, label in FEEDBACK_LABELS.items():
            chosen = latest is not None and latest.kind == kind
            st.button(
                label,
                key=f"fb-{kind}-{message_id}",
                icon=_FEEDBACK_ICONS[kind],
                type="primary" if chosen else "tertiary",
                help=f"Rückmeldung „{label}“ zu dieser Antwort speichern",
                on_click=_record,
                args=(feedback, kind, message_id, question, text),
            )
    if latest is not None:
        st.caption(f"Ihre Rückmeldung: **{FEEDBACK_LABELS[latest.kind]}** (gespeichert)")
        if latest.kind != "helpful" and not latest.comment:
            with st.form(f"fb-comment-{message_id}", border=False):
                comment = st.text_input(
                    "Was ist falsch oder welche Quelle fehlt? (freiwillig)",
                    key=f"fb-comment-text-{message_id}",
                )
                if st.form_submit_button("Hinweis speichern") and comment.strip():
                    feedback.add_comment(latest.id, comment)
                    st.rerun()


def _copy_text(data: dict[str, Any]) -> str:
    """The answer with its sources listed below, as it would go into a document."""
    lines = [str(data.get("answer", "")).strip()]
    citations = data.get("citations", [])
    if citations:
        lines.append("")
        lines.append("Quellen:")
        lines.extend(f"[{c['n']}] {citation_ref(c).label()}" for c in citations)
    return "\n".join(lines)


def _take_over(
    feedback: FeedbackStore,
    message_id: int,
    question: str,
    text: str,
    citations: list[dict[str, Any]],
) -> None:
    feedback.add_snippet(text, message_id=message_id, question=question, sources=citations)
    st.toast("Als Entwurfsabschnitt gespeichert.", icon=":material/check:")


def _record(feedback: FeedbackStore, kind: str, message_id: int, question: str, text: str) -> None:
    feedback.record_feedback(kind, message_id=message_id, question=question, answer_text=text)
    st.toast(f"Rückmeldung „{FEEDBACK_LABELS[kind]}“ gespeichert.", icon=":material/check:")
