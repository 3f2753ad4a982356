"""The Streamlit pages, driven by Streamlit's AppTest against the real embedded backends."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.answering.feedback import FeedbackStore
from assistant.documents.uploads import ingest_upload
from assistant.platform.config import Settings
from assistant.platform.db import engine_for
from assistant.services import Services
from tests.corpus import write_report_pdf
from tests.fixtures_files import write_csv

APP = str(Path(__file__).resolve().parents[1] / "ui" / "app.py")
QUESTION = "Wie hoch ist die SGB-II-Quote im Hafenviertel?"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in list(os.environ):
        if key.startswith("PLANWERK_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PLANWERK_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("PLANWERK_DATA_DIR", str(tmp_path / "index"))
    return tmp_path / "index"


@pytest.fixture
def seeded(data_dir: Path, tmp_path: Path) -> Iterator[Path]:
    """A data dir holding the test report (page 3: SGB-II-Quote im Hafenviertel 24,7 %)."""
    services = Services(Settings())
    pdf = write_report_pdf(tmp_path / "Sozialbericht.pdf").read_bytes()
    ingest_upload(services.settings, services.pipeline, "Sozialbericht.pdf", pdf)
    services.close()
    yield data_dir


def app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for kind in ("info", "success", "warning", "error"):
        parts += [str(e.value) for e in at.get(kind)]
    parts += [str(h.proto.body) for h in at.get("html")]
    return "\n".join(parts)


def button(at: AppTest, label_start: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label.startswith(label_start))


def test_empty_index_shows_onboarding(data_dir: Path) -> None:
    at = app()
    shown = texts(at)
    assert "Noch keine Dokumente im Index" in shown
    assert "Beispielfragen" in shown
    assert button(at, "Demo-Daten laden")
    assert button(at, "Was ist eine Präventionskette?")


def test_demo_corpus_loads_in_one_click(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = tmp_path / "demo"
    demo.mkdir()
    write_report_pdf(demo / "Sozialbericht_Demo.pdf")
    monkeypatch.setattr("assistant.documents.demo_corpus.DEMO_DIR", demo)
    at = app()
    button(at, "Demo-Daten laden").click().run()
    assert not at.exception
    assert "1 Datei: 1 indexiert" in texts(at)
    assert [p.proto.value for p in at.get("progress")] == [100]


def test_ask_cite_open_source_and_feedback(seeded: Path) -> None:
    at = app()
    at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception
    assert "24,7 Prozent" in texts(at)
    chip = button(at, "[1] ")
    assert "S. 3" in chip.label

    chip.click().run()
    assert not at.exception
    panel = texts(at)
    assert "Zitierte Stelle" in panel
    assert "<mark" in panel and "24,7 Prozent" in panel
    assert any(t.label.startswith("Originalseite 3") for t in at.tabs)
    assert at.get("imgs") or at.get("image")

    button(at, "Schließen").click().run()
    assert "Zitierte Stelle" not in texts(at)

    button(at, "Falsch").click().run()
    button(at, "Als Entwurfsabschnitt übernehmen").click().run()
    assert "Ihre Rückmeldung: **Falsch** (gespeichert)" in texts(at)
    assert button(at, "Als Entwurfsabschnitt übernommen").disabled
    store = FeedbackStore(engine_for(Settings()))
    assert [f.kind for f in store.feedback()] == ["wrong"]
    assert "24,7 Prozent" in store.snippets()[0].text
    at.text_input(key=next(k for k in _keys(at) if k.startswith("fb-comment-text"))).input(
        "Quelle ist von 2023"
    )
    next(b for b in at.button if b.label == "Hinweis speichern").click().run()
    assert store.feedback()[0].comment == "Quelle ist von 2023"


def _keys(at: AppTest) -> list[str]:
    return [w.key for w in at.text_input if w.key]


def test_threads_persist_and_can_be_renamed(seeded: Path) -> None:
    at = app()
    at.chat_input[0].set_value(QUESTION).run()
    assert button(at, QUESTION).label.endswith("(geöffnet)")
    next(w for w in at.text_input if w.label == "Neuer Name").input("Hafenviertel Armut")
    next(b for b in at.button if b.label == "Umbenennen").click().run()
    assert not at.exception

    # A new session (as after a restart) lists the thread under its new name.
    again = app()
    thread = button(again, "Hafenviertel Armut")
    thread.click().run()
    assert "24,7 Prozent" in texts(again)


def test_filters_limit_the_search(seeded: Path) -> None:
    at = app()
    services = Services(Settings())
    doc_ids = [d.doc_id for d in services.index.documents()]
    services.close()
    at.multiselect(key="f_docs").set_value(doc_ids).run()
    assert "1 Filter aktiv" in at.expander[0].label
    at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception
    assert "24,7 Prozent" in texts(at)

    button(at, "Filter zurücksetzen").click().run()
    assert at.multiselect(key="f_docs").value == []
    assert "Filter aktiv" not in at.expander[0].label


def test_example_question_is_asked_with_its_style(seeded: Path) -> None:
    at = app()
    button(at, "Was ist eine Präventionskette?").click().run()
    assert not at.exception
    assert at.session_state["answer_style"] == "ausfuehrlich"
    assert at.chat_message[0].markdown[0].value == "Was ist eine Präventionskette?"


def test_a_refusal_offers_feedback_but_nothing_to_draft_with(seeded: Path) -> None:
    at = app()
    at.chat_input[0].set_value("Wie hoch war die SGB-II-Quote in Leipzig 2014?").run()
    assert not at.exception
    assert "In den Unterlagen finde ich dazu nichts." in texts(at)
    labels = [b.label for b in at.button]
    assert "Quelle fehlt" in labels
    assert not any(label.startswith("Als Entwurfsabschnitt") for label in labels)


def test_upload_many_files_broken_one_refused(data_dir: Path, tmp_path: Path) -> None:
    at = app("views/documents.py")
    pdf = write_report_pdf(tmp_path / "bericht.pdf").read_bytes()
    at.file_uploader[0].set_value(
        [
            ("../Sozialbericht Ä.pdf", pdf, "application/pdf"),
            ("kaputt.pdf", b"%PDF-1.4 nicht lesbar", "application/pdf"),
            ("notizen.md", "# Notizen\n\nDas Quartiersbüro öffnet 2025.".encode(), "text/markdown"),
        ]
    )
    next(b for b in at.button if b.label == "Hochladen und einlesen").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "kaputt.pdf" in errors[0] and "Abgelehnt" in errors[0]
    assert "3 Dateien: 2 indexiert, 1 abgelehnt." in texts(at)
    assert len(at.get("progress")) == 3
    assert (data_dir / "uploads" / "Sozialbericht Ä.pdf").is_file()
    table = at.dataframe[0].value
    assert sorted(table["Datei"]) == ["Sozialbericht Ä.pdf", "notizen.md"]


def test_edit_reindex_and_delete_document(seeded: Path) -> None:
    at = app("views/documents.py")
    area = next(w for w in at.text_input if w.label == "Stadtteil / Quartier")
    area.input("Hafenviertel")
    next(w for w in at.text_input if w.label == "Jahr").input("2023")
    next(b for b in at.button if b.label == "Angaben speichern").click().run()
    assert not at.exception
    assert "gespeichert" in texts(at)
    table = at.dataframe[0].value
    assert list(table["Gebiet"]) == ["Hafenviertel"] and list(table["Jahr"]) == ["2023"]

    next(b for b in at.button if b.label == "Neu einlesen").click().run()
    assert "Unverändert" in texts(at)

    chat = app()
    assert "Hafenviertel" in chat.multiselect(key="f_areas").options

    button(at, "Löschen").click().run()
    assert "wirklich löschen" in texts(at)
    button(at, "Ja, endgültig löschen").click().run()
    assert not at.exception
    assert "wurde gelöscht" in texts(at)
    assert "Noch keine Dokumente" in texts(at)


def test_settings_page_shows_backends_and_tests_connection(seeded: Path) -> None:
    at = app("views/settings.py")
    assert "Extraktiver Modus ist aktiv" in texts(at)
    table = at.table[0].value
    assert "Universal Sentence Encoder" in " ".join(table["Aktiv"])
    button(at, "Verbindung testen").click().run()
    assert not at.exception
    assert len(at.success) == 3
    assert "Alles bereit" in texts(at)


def test_indicators_page_runs(data_dir: Path) -> None:
    at = app("views/indicators.py")
    assert "Indikatoren" in at.title[0].value


def test_indicators_page_ranks_areas(data_dir: Path, tmp_path: Path) -> None:
    rows = [
        ["Stadtteil", "SGB-II-Quote (%)", "Einwohner"],
        ["Hafenviertel", "24,7", "10318"],
        ["Nordfeld", "8,1", "9000"],
        ["Altstadt", "11,6", "7791"],
    ]
    services = Services(Settings())
    data = write_csv(tmp_path / "kennzahlen_2023.csv", rows, encoding="utf-8").read_bytes()
    ingest_upload(services.settings, services.pipeline, "kennzahlen_2023.csv", data)
    services.close()
    at = app("views/indicators.py")
    indicator = next(s for s in at.selectbox if s.label == "Indikator")
    indicator.select(next(k for k in indicator.options if "SGB" in k)).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Gebiet"])[:3] == ["Hafenviertel", "Altstadt", "Nordfeld"]
    assert list(table["Rang"])[:3] == [1, 2, 3]
    assert "kennzahlen_2023.csv" in table["Quelle"][0]


def test_drafts_page_is_mounted(seeded: Path) -> None:
    at = app("views/drafts.py")
    assert at.title[0].value == "Entwürfe"


def test_a_rewritten_follow_up_says_how_it_was_understood(seeded: Path) -> None:
    at = app()
    at.chat_input[0].set_value(QUESTION).run()
    assert "Verstanden als" not in texts(at), "a question asked in full is not restated"
    at.chat_input[0].set_value("Und im Jahr 2021?").run()
    assert not at.exception, at.exception
    understood = [c.value for c in at.caption if c.value.startswith("Verstanden als:")]
    assert understood and "Hafenviertel" in understood[-1] and "2021" in understood[-1]


def test_markdown_images_and_links_in_answers_are_shown_as_text() -> None:
    from ui.answer_view import answer_markdown
    from ui.markdown_text import inert

    hostile = "Siehe ![x](http://example.invalid/p.png) und [hier](http://example.invalid) [1]"
    shown = answer_markdown(hostile)
    assert "![x](" not in shown and "[hier](" not in shown
    assert "\\[x\\](http\\://example.invalid/p.png)" in shown and shown.endswith("[1]")
    # A bare address is not made a link either (autolinks): the colon is escaped.
    assert inert("www.lfs-bw.de und https://x.de") == "www\\.lfs-bw.de und https\\://x.de"
    assert inert("Quote [1] und [2].") == "Quote [1] und [2]."


def test_a_chip_without_a_page_names_its_section() -> None:
    from assistant.models import SourceRef
    from ui.answer_view import chip_label

    title = "Förderrichtlinie Orte des Gemeinwesens"

    def chip(heading: str, page: int | None = None) -> str:
        ref = SourceRef("d", "FRL_Orte.md", title, page=page, heading=heading)
        return chip_label({"n": 1, **ref.to_json()})

    # Converted headings repeat the title; the chip keeps only the section's own words.
    section = f"{title} > {title} V. Art und Umfang, Höhe der Förderung"
    assert chip(section) == f"[1] {title}, V. Art und Umfang, Höhe der För…"
    assert chip(title) == f"[1] {title}"
    assert chip(section, page=3) == f"[1] {title}, S. 3"
