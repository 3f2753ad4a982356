"""Entwürfe: IHK drafts per Quartier and outline — write, edit, take over chat answers,
check against a funding call, export (DOCX, Markdown).

One entry point, `render_drafts_page(services)`, mounted in the navigation by ui/app.py.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.access.roles import Action, PermissionDenied
from assistant.answering.feedback import FeedbackStore
from assistant.drafting.check import CheckResult, check_units, units_from_document
from assistant.drafting.comments import CommentError
from assistant.drafting.criteria import CATEGORIES, load_call
from assistant.drafting.export import to_markdown
from assistant.drafting.outlines import Outline, Section, list_outlines
from assistant.drafting.renumber import TABLE_LINE
from assistant.drafting.service import DraftingError, DraftingService, GenerationReport
from assistant.drafting.store import ORIGIN_LABELS, DraftInfo, HandEditProtected, StoredSection
from assistant.platform.db import engine_for
from ui import auth
from ui.markdown_text import inert

_SELECT = "drafts_page.select"  # the id of the draft in view (the selectbox's state)
_REQUESTED = "drafts_page.requested"  # a draft to show on the next run (just created)
_CHECK = "drafts_page.check"  # draft id -> its last check in this session
_FLASH = "drafts_page.flash"  # a message for the next run of the page
_STATUS_ICON = {"erfüllt": "🟢", "teilweise": "🟡", "fehlt": "🔴", "Hinweis": "ℹ️"}
_rights = {"edit": True}  # set per run: may the person edit drafts (role „Lesen“ may not)


def _locked() -> bool:
    return not _rights["edit"]


def _edit_ok(target: str = "") -> bool:
    """Check the edit right through the workspace session (refusals are audited)."""
    return auth.check(Action.EDIT_DRAFT, target)


def render_drafts_page(services: Any) -> None:
    """The „Entwürfe“ page for the given `assistant.services.Services`."""
    st.title("Entwürfe")
    st.caption(
        "Integrierte Handlungskonzepte Abschnitt für Abschnitt aus den eigenen Unterlagen und "
        "Kennzahlen schreiben. Jede Zahl trägt eine Quelle; was fehlt, steht als "
        "„[Ergänzen: …]“ im Text. Von Hand bearbeitete Abschnitte werden nie ohne Rückfrage "
        "überschrieben."
    )
    drafting = DraftingService(services, guard=auth.guard())
    _rights["edit"] = auth.allowed(Action.EDIT_DRAFT)
    if _locked():
        st.info(
            auth.refusal(Action.EDIT_DRAFT) + " Lesen und Kommentieren ist möglich.",
            icon=":material/lock:",
        )
    if not services.index.documents():
        st.info(
            "Noch keine Dokumente eingelesen. Bitte zuerst auf der Seite „Dokumente“ die "
            "Unterlagen und Indikatortabellen der Kommune hochladen.",
            icon=":material/info:",
        )
        return
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        st.success(flash, icon=":material/task_alt:")
    drafts = drafting.drafts()
    left, right = st.columns([2, 3])
    with left:
        current = _choose_draft(drafts)
    with right, st.expander("Neuen Entwurf anlegen", expanded=not drafts):
        _new_draft_form(drafting)
    if current is None:
        return
    try:
        outline = drafting.outline(current.outline_id)
    except DraftingError as error:
        st.error(str(error))
        return
    st.divider()
    _draft_header(drafting, current, outline)
    sections, check = st.tabs(["Abschnitte", "Prüfung gegen Förderaufruf"], key="drafts_page.tabs")
    with sections:
        _sections(drafting, current, outline, services)
    with check:
        _check_tab(drafting, current, services)


# ---------------------------------------------------------------------------------------
# Choosing and creating drafts
# ---------------------------------------------------------------------------------------


def _choose_draft(drafts: list[DraftInfo]) -> DraftInfo | None:
    """The draft in view. The choice lives in the selectbox's own state: a selectbox whose
    default changes between runs is a new widget to Streamlit and falls back to that
    default, which showed one draft while the page acted on another."""
    if not drafts:
        st.write("Noch keine Entwürfe.")
        return None
    by_id = {d.id: d for d in drafts}
    requested = st.session_state.pop(_REQUESTED, None)  # a draft just created
    if requested in by_id:
        st.session_state[_SELECT] = requested
    if st.session_state.get(_SELECT) not in by_id:  # none yet, or deleted
        st.session_state[_SELECT] = drafts[0].id
    chosen = st.selectbox(
        "Entwurf",
        list(by_id),
        format_func=lambda i: (
            f"{by_id[i].title} ({by_id[i].quartier}, {by_id[i].updated_at:%d.%m.%Y})"
        ),
        key=_SELECT,
    )
    return by_id[chosen]


def _new_draft_form(drafting: DraftingService) -> None:
    quartiere = drafting.quartiere()
    if not quartiere:
        st.warning(
            "In den Indikatortabellen sind keine Quartiere bekannt. Bitte eine Tabelle mit "
            "Kennzahlen je Stadtteil einlesen."
        )
        return
    outlines = list_outlines()
    by_id = {o.id: o for o in outlines}
    with st.form("drafts_page.new", clear_on_submit=False):
        quartier = st.selectbox("Quartier", quartiere, key="drafts_page.new_quartier")
        outline_id = st.selectbox(
            "Gliederung",
            list(by_id),
            format_func=lambda i: by_id[i].title,
            key="drafts_page.new_outline",
        )
        title = st.text_input("Titel (optional)", placeholder="Integriertes Handlungskonzept …")
        write_all = st.checkbox("Alle Abschnitte gleich schreiben", value=True)
        submitted = st.form_submit_button("Entwurf anlegen", type="primary", disabled=_locked())
    if not submitted or not _edit_ok(title or quartier):
        return
    try:
        info = drafting.create_draft(quartier, outline_id, title)
        if write_all:
            _write_all(drafting, info.id)
    except DraftingError as error:
        st.error(str(error))
        return
    st.session_state[_REQUESTED] = info.id
    st.rerun()


def _write_all(drafting: DraftingService, draft_id: int) -> GenerationReport:
    """Write every section with a progress bar naming the section being written; each
    section is stored as soon as it is done."""
    bar = st.progress(0.0, text="Abschnitte werden vorbereitet …")

    def progress(done: int, total: int, title: str) -> None:
        text = (
            f"Abschnitt {done + 1} von {total} wird geschrieben: {title}"
            if done < total
            else f"Alle {total} Abschnitte geschrieben."
        )
        bar.progress(done / total if total else 1.0, text=text)
        if done == total:  # shown again after the page reloads
            st.session_state[_FLASH] = text

    return drafting.generate_all(draft_id, progress=progress)


def _draft_header(drafting: DraftingService, draft: DraftInfo, outline: Outline) -> None:
    st.subheader(draft.title)
    stored = drafting.store.sections(draft.id)
    written = sum(1 for s in outline.sections if s.id in stored)
    gaps = sum(stored[s].text.count("[Ergänzen:") for s in stored)
    cols = st.columns(4)
    cols[0].metric("Quartier", draft.quartier)
    cols[1].metric("Abschnitte geschrieben", f"{written} von {len(outline.sections)}")
    cols[2].metric("Stellen „Ergänzen“", gaps)
    cols[3].metric("Von Hand bearbeitet", sum(1 for s in stored.values() if s.protected))
    st.caption(f"Gliederung: {outline.title}")
    actions = st.columns([2, 2, 2, 2])
    if actions[0].button(
        "Alle Abschnitte schreiben", key="drafts_page.all", disabled=_locked()
    ) and _edit_ok(str(draft.id)):
        report = _write_all(drafting, draft.id)
        if report.kept:
            st.info(
                "Von Hand bearbeitete Abschnitte blieben unverändert; der neue Text liegt "
                f"daneben zum Vergleich ({', '.join(report.kept)})."
            )
        st.rerun()
    if written:
        # Built when clicked, with the draft's check as it is then: a check run further down
        # this page, after the buttons were drawn, lands in the same `checks` dict.
        checks = _checks()
        actions[1].download_button(
            "Als Word-Datei (DOCX)",
            data=lambda: _docx_bytes(drafting.document(draft.id), checks.get(draft.id)),
            file_name=f"{_file_name(draft.title)}.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            key="drafts_page.docx",
        )
        actions[2].download_button(
            "Als Markdown",
            data=lambda: to_markdown(drafting.document(draft.id), checks.get(draft.id)).encode(
                "utf-8"
            ),
            file_name=f"{_file_name(draft.title)}.md",
            mime="text/markdown",
            key="drafts_page.md",
        )
    with actions[3].popover("Entwurf löschen"):
        st.write("Der Entwurf wird mit allen Fassungen gelöscht.")
        if st.button(
            "Endgültig löschen", type="primary", key="drafts_page.delete", disabled=_locked()
        ) and _edit_ok(str(draft.id)):
            drafting.delete_draft(draft.id)
            st.rerun()


# ---------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------


def _sections(drafting: DraftingService, draft: DraftInfo, outline: Outline, services: Any) -> None:
    stored = drafting.store.sections(draft.id)
    feedback = FeedbackStore(engine_for(services.settings), services.settings.workspace)
    snippets = feedback.snippets(include_used=False)
    for number, section in enumerate(outline.sections, start=1):
        current = stored.get(section.id)
        state = ORIGIN_LABELS.get(current.origin, current.origin) if current else "noch leer"
        gaps = current.text.count("[Ergänzen:") if current else 0
        label = f"{number} {section.title} · {state}" + (f" · {gaps}× Ergänzen" if gaps else "")
        with st.expander(label, expanded=False):
            _section(drafting, draft, section, current, snippets, feedback)


def _section(
    drafting: DraftingService,
    draft: DraftInfo,
    section: Section,
    current: StoredSection | None,
    snippets: list[Any],
    feedback: FeedbackStore,
) -> None:
    key = f"drafts_page.{draft.id}.{section.id}"
    with st.popover("Worum es in diesem Abschnitt geht"):
        st.markdown(section.purpose)
        if section.questions:
            st.markdown("**Fragen, die der Abschnitt beantworten soll**")
            st.markdown("\n".join(f"- {q.text}" for q in section.questions))
        if section.funder_checks:
            st.markdown("**Worauf Fördergeber achten**")
            st.markdown("\n".join(f"- {c}" for c in section.funder_checks))
    if current is not None and current.details.get("notice"):
        st.info(current.details["notice"], icon=":material/info:")
    if current is not None:
        _show(current, draft.quartier)
    text = st.text_area(
        "Text bearbeiten",
        value=current.text if current else "",
        height=260,
        key=f"{key}.text",
        disabled=_locked(),
        help="Quellenangaben [n] bleiben erhalten, solange die Nummer im Text steht. "
        "„[Tabelle: …]“-Zeilen zeigen die Tabellen des Abschnitts an dieser Stelle.",
    )
    buttons = st.columns([1, 1, 2])
    target = f"{draft.id}/{section.id}"
    if buttons[0].button("Speichern", key=f"{key}.save", disabled=_locked()) and _edit_ok(target):
        drafting.edit_section(draft.id, section.id, text)
        st.toast("Gespeichert – der Abschnitt gilt jetzt als von Hand bearbeitet.")
        st.rerun()
    generate_label = "Neu schreiben" if current else "Schreiben"
    if current is not None and current.protected:
        choice = buttons[2].radio(
            "Handfassung beim Neuschreiben",
            ["beide Fassungen behalten", "überschreiben"],
            horizontal=True,
            key=f"{key}.choice",
        )
    else:
        choice = ""
    if buttons[1].button(generate_label, key=f"{key}.generate", disabled=_locked()) and _edit_ok(
        target
    ):
        try:
            with st.spinner("Abschnitt wird geschrieben …"):
                drafting.generate_section(
                    draft.id,
                    section.id,
                    overwrite=choice == "überschreiben",
                    keep_both=choice == "beide Fassungen behalten",
                )
        except HandEditProtected as error:
            st.warning(str(error))
            return
        st.rerun()
    if current is not None and current.pending_generation:
        st.markdown("**Neu geschriebene Fassung (nicht übernommen)**")
        st.markdown(_readable(current.generated_text))
        if st.button(
            "Diese Fassung übernehmen", key=f"{key}.adopt", disabled=_locked()
        ) and _edit_ok(target):
            drafting.store.adopt_generated(draft.id, section.id)
            st.rerun()
    if snippets:
        _take_over(drafting, draft, section, current, snippets, feedback, key)
    _comments(drafting, draft, section, key)


def _comments(drafting: DraftingService, draft: DraftInfo, section: Section, key: str) -> None:
    """The section's comments (author, time) and a form for a new one („@name“ notifies
    a member of the workspace)."""
    store, user = drafting.comments, drafting.guard.user
    try:
        comments = store.comments(user, str(draft.id), section.id)
    except PermissionDenied as error:
        st.error(str(error))
        return
    st.markdown(f"**Kommentare ({len(comments)})**")
    for comment in comments:
        with st.container(border=True):
            when = comment.created_at.astimezone().strftime("%d.%m.%Y %H:%M")
            st.caption(f"{comment.author} · {when}")
            st.markdown(inert(comment.body))
    with st.form(f"{key}.comment_form", clear_on_submit=True):
        body = st.text_area(
            "Kommentar schreiben",
            key=f"{key}.comment",
            height=80,
            placeholder="z. B. @name bitte die Zahlen prüfen",
            help="Mit „@Benutzername“ wird eine Person des Arbeitsbereichs erwähnt.",
        )
        sent = st.form_submit_button("Kommentar speichern")
    if not sent:
        return
    try:
        result = store.add(user, str(draft.id), section.id, body)
    except (CommentError, PermissionDenied) as error:
        st.error(str(error))
        return
    if result.unknown_mentions:
        names = ", ".join(f"@{n}" for n in result.unknown_mentions)
        st.warning(f"Nicht im Arbeitsbereich und daher nicht benachrichtigt: {names}")
    st.toast("Kommentar gespeichert.")
    st.rerun()


def _show(current: StoredSection, quartier: str) -> None:
    """The section as it will read, with its tables and sources."""
    for kind, part in _parts(current.text):
        if kind == "text":
            if part.strip():
                st.markdown(_readable(part))
        elif part == "kennzahl" and current.details.get("facts"):
            caption = current.details.get("facts_caption") or "Kennzahlen"
            st.caption(f"{caption} – {quartier}")
            st.dataframe(
                [
                    {
                        "Indikator": r["name"],
                        quartier: r["value"],
                        "Stadt gesamt": r.get("city") or "–",
                        "Faktor": r.get("ratio") or "–",
                        "Veränderung": (
                            f"{r['change']} seit {r['start_year']}" if r.get("change") else "–"
                        ),
                        "Stand": r.get("stand"),
                        "Quelle": f"[{r['n']}]",
                    }
                    for r in current.details["facts"]
                ],
                hide_index=True,
                width="stretch",
            )
        elif part == "wirkungskette" and current.details.get("chain"):
            st.caption("Wirkungskette Problem – Ziel – Maßnahme – Indikator")
            st.dataframe(
                [
                    {
                        "Maßnahme": r["measure"],
                        "Problem (Beleg)": r.get("problem") or "–",
                        "Ziel": r.get("goal") or "–",
                        "Indikator (Monitoring)": r.get("indicator") or "–",
                        "Lücken": "; ".join(r.get("gaps", [])) or "keine",
                    }
                    for r in current.details["chain"]
                ],
                hide_index=True,
                width="stretch",
            )
    if current.sources:
        with st.popover(f"Quellen ({len(current.sources)})"):
            for n, source in enumerate(current.sources, start=1):
                st.markdown(f"**[{n}]** {source.label}")
                if source.kind == "indicator":
                    st.caption(source.text)


def _take_over(
    drafting: DraftingService,
    draft: DraftInfo,
    section: Section,
    current: StoredSection | None,
    snippets: list[Any],
    feedback: FeedbackStore,
    key: str,
) -> None:
    with st.popover("Chat-Antwort übernehmen"):
        by_id = {s.id: s for s in snippets}
        chosen = st.selectbox(
            "Gemerkte Antwort",
            list(by_id),
            format_func=lambda i: by_id[i].question or by_id[i].text[:60],
            key=f"{key}.snippet",
        )
        st.markdown(_readable(by_id[chosen].text))
        mode = st.radio(
            "Übernehmen",
            ["anhängen", "ersetzen"],
            horizontal=True,
            key=f"{key}.snippet_mode",
            help="„Ersetzen“ überschreibt einen von Hand bearbeiteten Text nur nach Bestätigung.",
        )
        confirm = True
        if mode == "ersetzen" and current is not None and current.protected:
            confirm = st.checkbox("Von Hand bearbeiteten Text ersetzen", key=f"{key}.confirm")
        if st.button(
            "Übernehmen", key=f"{key}.take", disabled=not confirm or _locked()
        ) and _edit_ok(f"{draft.id}/{section.id}"):
            drafting.take_over_snippet(
                draft.id,
                section.id,
                by_id[chosen],
                mode="append" if mode == "anhängen" else "replace",
                overwrite=confirm and mode == "ersetzen",
                feedback=feedback,
            )
            st.rerun()


# ---------------------------------------------------------------------------------------
# Funding-call check
# ---------------------------------------------------------------------------------------


def _check_tab(drafting: DraftingService, draft: DraftInfo, services: Any) -> None:
    from assistant.documents.document_actions import source_file

    calls = [d for d in services.index.documents() if d.doc_type == "funding_call"]
    options = {d.doc_id: d.source for d in calls}
    st.write(
        "Die Anforderungen des Förderaufrufs werden aus seinen Abschnitten gelesen "
        "(Antragsberechtigte, Pflichtinhalte, Unterlagen, Fristen, Eigenanteil, "
        "Bewertungskriterien) und mit dem Entwurf verglichen."
    )
    chosen = (
        st.selectbox(
            "Förderaufruf", list(options), format_func=options.__getitem__, key="drafts_page.call"
        )
        if options
        else None
    )
    upload = st.file_uploader(
        "… oder einen Förderaufruf hochladen (PDF, DOCX, Markdown)",
        type=["pdf", "docx", "md", "txt"],
        key="drafts_page.call_upload",
    )
    if not st.button("Prüfen", type="primary", key="drafts_page.check_button"):
        result = _checks().get(draft.id)
        if result is not None:
            _show_check(result)
        return
    try:
        if upload is not None:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / Path(upload.name).name
                path.write_bytes(upload.getvalue())
                checklist = load_call(path, upload.name)
        elif chosen is not None:
            original = source_file(services.settings, services.index, chosen)
            if original is None:
                st.error(
                    "Die Originaldatei des Förderaufrufs ist nicht mehr vorhanden. Bitte die "
                    "Datei hier hochladen."
                )
                return
            checklist = load_call(original, options[chosen])
        else:
            st.warning("Bitte einen Förderaufruf auswählen oder hochladen.")
            return
    except Exception as error:  # loaders raise German IngestErrors; anything else is shown
        st.error(str(error))
        return
    if not checklist.criteria:
        st.warning("In diesem Dokument wurden keine Anforderungen erkannt.")
        return
    document = drafting.document(draft.id)
    with st.spinner("Entwurf wird geprüft …"):
        result = check_units(
            checklist, units_from_document(document), draft.title, services.embedder.encode
        )
    _checks()[draft.id] = result
    _show_check(result)


def _checks() -> dict[int, CheckResult]:
    """The last check of each draft in this session, by draft id: every action on the page
    (showing, exporting) uses the check of the draft in view, never that of another."""
    return st.session_state.setdefault(_CHECK, {})


def _show_check(result: CheckResult) -> None:
    counts = result.counts()
    cols = st.columns(4)
    cols[0].metric("erfüllt", counts["erfüllt"])
    cols[1].metric("teilweise", counts["teilweise"])
    cols[2].metric("fehlt", counts["fehlt"])
    cols[3].metric(
        "Hinweise",
        counts["Hinweis"],
        help="Rahmen des Aufrufs (Antragsberechtigung, Fristen, Ausschlüsse, Pflichten nach der "
        "Bewilligung): beim Antrag zu beachten, kein Inhalt des Entwurfs",
    )
    categories = ["alle", *CATEGORIES]
    category = st.selectbox(
        "Kategorie",
        categories,
        format_func=lambda c: "alle Kategorien" if c == "alle" else CATEGORIES[c],
        key="drafts_page.check_category",
    )
    items = [i for i in result.items if category in ("alle", i.criterion.category)]
    st.dataframe(
        [
            {
                "Status": f"{_STATUS_ICON[i.status]} {i.status}",
                "Anforderung": i.criterion.text,
                "Kategorie": i.criterion.category_label,
                "Fundstelle im Aufruf": i.criterion.citation.label(),
                "Beleg im Entwurf": i.draft_location or "–",
            }
            for i in items
        ],
        hide_index=True,
        width="stretch",
    )
    st.caption(
        result.summary() + " Die Prüfung vergleicht Begriffe und Bedeutung; sie "
        "ersetzt nicht die fachliche Durchsicht."
    )


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------


def _parts(text: str) -> list[tuple[str, str]]:
    """("text", markdown) and ("table", "kennzahl" | "wirkungskette") pieces in order."""
    parts: list[tuple[str, str]] = []
    buffer: list[str] = []
    for line in text.split("\n"):
        match = TABLE_LINE.match(line)
        if match is None:
            buffer.append(line)
            continue
        if buffer:
            parts.append(("text", "\n".join(buffer)))
            buffer = []
        name = match.group("name").casefold()
        parts.append(("table", "kennzahl" if name.startswith("kennzahl") else "wirkungskette"))
    if buffer:
        parts.append(("text", "\n".join(buffer)))
    return parts


def _readable(text: str) -> str:
    """Markdown for the screen: gaps highlighted, table lines left out."""
    lines = [line for line in inert(text).split("\n") if not TABLE_LINE.match(line)]
    return "\n".join(lines).replace("[Ergänzen:", ":orange-background[Ergänzen:")


def _docx_bytes(document: Any, check: CheckResult | None) -> bytes:
    from assistant.drafting.export import export_docx

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "entwurf.docx"
        export_docx(document, path, check)
        return path.read_bytes()


def _file_name(title: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in title).strip()
    return "_".join(safe.split()) or "Entwurf"
