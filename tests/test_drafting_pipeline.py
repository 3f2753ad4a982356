"""Drafting on the demo corpus: `planwerk draft`, figures and citations, the chain, the
language-model path, hand-edit protection, chat take-over, the check, DOCX in LibreOffice
and the Entwürfe page.

The demo documents are ingested once per session (the real embedder, Chroma, BM25, the
indicator store); see DEMO_FILES for what is left out to keep the tests fast.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from typer.testing import CliRunner

from assistant.answering.feedback import FeedbackStore
from assistant.documents.ingestion import content_hash
from assistant.drafting.chain import text_theme
from assistant.drafting.check import CheckItem, check_units, units_from_document
from assistant.drafting.cli import criteria_command, draft_command
from assistant.drafting.criteria import load_call
from assistant.drafting.document import DraftDocument
from assistant.drafting.export import export_docx, to_markdown
from assistant.drafting.outlines import Section, load_outline
from assistant.drafting.service import DraftingService
from assistant.drafting.sources import DraftSource
from assistant.drafting.store import HandEditProtected
from assistant.drafting.writer import SectionDraft, SectionWriter
from assistant.indicators.numbers import format_german
from assistant.llm.chat import ChatGenerator
from assistant.llm.citations import MARKER, cited_numbers, strip_markers
from assistant.llm.verification import numbers_of
from assistant.platform.config import LLMSettings, Settings
from assistant.services import Services
from tests.llm_helpers import replies

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "sample" / "generated"
# Documents the drafts are written from; the tables go to the indicator store only (their
# rows are not needed as search passages, and embedding them would cost test time).
DEMO_FILES = [
    "IHK_Entwurf_Hafenviertel.docx",
    "Kita_Jugendhilfeplanung_Auszug_2024.pdf",
    "Protokoll_Stadtteilkonferenz_Hafenviertel_2024-03.docx",
    "Ratsbeschluss_2024-12_IHK.pdf",
    "Sozialbericht_Lindwerden_2024.pdf",
]
DEMO_TABLES = ["Sozialmonitoring_2019-2023.xlsx"]
CALL = DEMO / "Foerderaufruf_Starke_Quartiere_2025.pdf"
LIBREOFFICE_HINT = (
    "LibreOffice fehlt: Die DOCX-Prüfung wandelt den Entwurf mit „libreoffice --headless“ in "
    "ein PDF um. Bitte „make test“ ausführen – es installiert libreoffice-writer-nogui und "
    "poppler-utils."
)


def _clean_settings(data_dir: Path, mp: pytest.MonkeyPatch) -> Settings:
    for key in list(os.environ):
        if key.startswith("PLANWERK_"):
            mp.delenv(key)
    mp.setenv("PLANWERK_CONFIG", str(data_dir.parent / "absent.toml"))
    mp.setenv("PLANWERK_DATA_DIR", str(data_dir))
    return Settings(data_dir=data_dir)


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("drafting") / "index"
    with pytest.MonkeyPatch.context() as mp:
        services = Services(_clean_settings(data_dir, mp))
        try:
            for name in DEMO_FILES:
                result = services.pipeline.ingest_file(DEMO / name)
                assert result.status.value == "indexed", result.message
            for name in DEMO_TABLES:
                data = (DEMO / name).read_bytes()
                assert services.indicators.add_table(content_hash(data), name, DEMO / name) > 0
        finally:
            services.close()
    return data_dir


@pytest.fixture
def demo(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    services = Services(_clean_settings(demo_dir, monkeypatch))
    yield services
    services.close()


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("draft")(draft_command)
    app.command("criteria")(criteria_command)
    return app


@pytest.fixture(scope="session")
def cli_draft(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """`planwerk draft` for the Hafenviertel after the call's outline, saved in Planwerk."""
    out = tmp_path_factory.mktemp("export") / "IHK_Hafenviertel.docx"
    with pytest.MonkeyPatch.context() as mp:
        _clean_settings(demo_dir, mp)
        result = CliRunner().invoke(
            _app(),
            ["draft", "--quartier", "Hafenviertel", "--outline", "starke_quartiere_2025",
             "--out", str(out), "--speichern", "--extraktiv"],
            catch_exceptions=False,
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    number = re.search(r"Entwurf Nr\. (\d+)", result.output)
    assert number is not None, result.output
    return out, int(number.group(1))


@pytest.fixture
def draft_document(demo: Services, cli_draft: tuple[Path, int]) -> DraftDocument:
    return DraftingService(demo).document(cli_draft[1])


# ---------------------------------------------------------------------------------------
# The complete draft
# ---------------------------------------------------------------------------------------


def test_draft_command_writes_every_section_of_the_outline(
    cli_draft: tuple[Path, int], draft_document: DraftDocument
) -> None:
    out, _ = cli_draft
    assert out.is_file() and out.stat().st_size > 10_000
    outline = load_outline("starke_quartiere_2025")
    assert [s.id for s in draft_document.sections] == outline.section_ids
    assert all(s.details["mode"] == "extractive" for s in draft_document.sections)
    assert all(s.text.strip() for s in draft_document.sections)
    # Sections with findings in the documents have quotes; Verstetigung has none and says so.
    quoted = {s.id for s in draft_document.sections if "„" in s.text}
    assert {"ausgangslage", "bestandsanalyse", "beteiligung", "massnahmen"} <= quoted
    verstetigung = next(s for s in draft_document.sections if s.id == "verstetigung")
    assert "[Ergänzen:" in verstetigung.text and "„" not in verstetigung.text


def test_every_figure_matches_the_indicator_tables(
    demo: Services, draft_document: DraftDocument
) -> None:
    frame = demo.indicators.frame()
    cells = {
        (r.source, str(r.sheet), int(r.row), r.column): str(r.value_text)
        for r in frame.itertuples()
    }
    rows_checked = 0
    for section in draft_document.sections:
        for row in section.details.get("facts", []):
            source = section.sources[row["n"] - 1]
            assert source.kind == "indicator"
            by_role = {c["role"]: c for c in source.cells}
            for cell in source.cells:
                key = (cell["source"], str(cell["sheet"]), int(cell["row"]), cell["column"])
                assert cells[key] == cell["value_text"], (section.id, row["name"], key)
            assert row["value"].startswith(by_role["quartier"]["value_text"])
            assert row["city"].startswith(by_role["stadt"]["value_text"])
            value = _number(by_role["quartier"]["value_text"])
            city = _number(by_role["stadt"]["value_text"])
            if row["ratio"]:
                assert row["ratio"] == format_german(value / city, 1), row
            if row["change"]:
                start = _number(by_role["start"]["value_text"])
                decimals = len(by_role["quartier"]["value_text"].partition(",")[2])
                assert row["change"].startswith(format_german(value - start, decimals, sign=True))
            rows_checked += 1
    assert rows_checked >= 20
    selection = next(s for s in draft_document.sections if s.id == "gebietsauswahl")
    assert "Bei 5 von 6 Indikatoren" in selection.text
    test_source = next(s for s in selection.sources if s.label.startswith("Schwellenwert"))
    assert "Ergebnis: 5 von 6 Indikatoren" in test_source.text


def test_every_citation_points_to_a_passage_that_contains_it(
    draft_document: DraftDocument,
) -> None:
    quotes = 0
    for section in draft_document.sections:
        for line in section.text.split("\n"):
            numbers = cited_numbers(line)
            if not numbers:
                # Uncited lines hold no figures (gaps may name a measure such as „M4“).
                if "[Ergänzen:" not in line:
                    assert not numbers_of(strip_markers(line)), (section.id, line)
                continue
            assert all(1 <= n <= len(section.sources) for n in numbers), line
            cited: list[DraftSource] = [section.sources[n - 1] for n in numbers]
            available = set().union(*(numbers_of(s.text) for s in cited))
            figures = numbers_of(strip_markers(line))
            assert figures <= available, (section.id, line, figures - available)
            quote = re.search(r"„(.+)“", line)
            if quote and line.lstrip().startswith("- „"):
                assert any(_plain(quote.group(1)) in _plain(s.text) for s in cited), line
                quotes += 1
    assert quotes >= 15


def test_measures_are_linked_to_problems_goals_and_indicators(
    draft_document: DraftDocument,
) -> None:
    measures = next(s for s in draft_document.sections if s.id == "massnahmen")
    chain = {row["measure"].split()[0]: row for row in measures.details["chain"]}
    assert {"M1", "M2", "M3", "M4", "M5", "M6"} <= set(chain)
    families = chain["M2"]
    assert families["problem"].startswith("Kinderarmut 38,9 %")
    assert families["goal"].startswith("Frühe Bildung sichern")
    assert families["indicator"].startswith("Kinderarmut")
    assert families["gaps"] == []
    assert "351.900 €" in families["measure"]
    cited = measures.sources[families["problem_n"] - 1]
    assert cited.kind == "indicator" and "38,9" in cited.text
    assert "351.900" in measures.sources[families["measure_n"] - 1].text
    # The health measure has no indicator in the tables: the gap is named, not papered over,
    # once, with where such figures come from.
    health = chain["M4"]
    assert health["problem"] == "" and health["indicator"] == ""
    (gap,) = health["gaps"]
    assert "Gesundheit" in gap
    assert "Schuleingangsuntersuchung" in gap
    assert "[Ergänzen: M4 Gesundheitslotsin" in measures.text


def test_each_goal_has_the_measures_and_indicators_of_its_own_topic(
    draft_document: DraftDocument,
) -> None:
    outline = load_outline("starke_quartiere_2025")
    measures = next(s for s in draft_document.sections if s.id == "massnahmen")
    chain = {row["measure"].split()[0]: row for row in measures.details["chain"]}
    # Every pairing stays within one topic: the goal is about the measure's theme.
    for row in chain.values():
        if row["goal"]:
            theme = text_theme(row["goal"], outline.themes)
            assert theme is not None and theme.name == row["theme"], row
    # The Lernwerkstatt (school) is no measure of the U3 goal (early education): the
    # documents name no school goal, and the gap says so and where it belongs.
    assert chain["M5"]["goal"] == "" and chain["M5"]["theme"] == "Schule und Bildung"
    assert any("Schule und Bildung" in g and "Leitbild und Ziele" in g for g in chain["M5"]["gaps"])
    # The text argues goal by goal: the goal, its problem, its measures, its indicator.
    argument = measures.text.split("### Ziele, Maßnahmen und Indikatoren")[1].split("\n### ")[0]
    groups = {g.split("**", 1)[0]: g for g in argument.split("\n\n**")[1:]}
    early = groups["Ziel: Frühe Bildung sichern"]
    assert "„Bis 2027 steigt die U3-Versorgungsquote" in early
    assert "Ausgangslage: Kinderarmut 38,9 %" in early and "Maßnahme M2 Familienlotsinnen" in early
    assert "Indikator für das Monitoring: Kinderarmut" in early
    assert "M5" not in early and "Lernwerkstatt" not in early
    school = groups["Schule und Bildung: Maßnahmen ohne Handlungsziel in den Unterlagen"]
    assert "M5 Lernwerkstatt" in school
    # No table row is quoted raw („Nr.: M1; Maßnahme: …“) anywhere in the draft.
    assert not any("Nr.: M" in s.text for s in draft_document.sections)


def test_gaps_are_few_and_say_where_to_look(draft_document: DraftDocument) -> None:
    gaps = [
        line
        for section in draft_document.sections
        for line in section.text.split("\n")
        if line.startswith("- [Ergänzen:")
    ]
    assert len(gaps) <= 9, gaps
    hints = ("zu finden", "noch offen", "z. B. aus", "Leitbild und Ziele")
    assert all(any(h in line for h in hints) for line in gaps), gaps
    # A document's own note that a chapter is still open is quoted with its source.
    steering = next(line for line in gaps if "Wer steuert die Umsetzung" in line)
    assert "noch offen" in steering and "„Kapitel zu Organisation und Steuerung" in steering
    assert cited_numbers(steering)
    # A lead-in is quoted with the list it announces: the goals, not „… zugeordnet sind:“.
    goals = next(s for s in draft_document.sections if s.id == "leitbild_ziele")
    assert "  - „Frühe Bildung sichern: Bis 2027" in goals.text


def test_second_quartier_gets_its_own_figures_and_lists_what_is_missing(
    demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _clean_settings(demo_dir, monkeypatch)
    out = tmp_path / "IHK_Schlaegelheide.md"
    result = CliRunner().invoke(
        _app(), ["draft", "--quartier", "Schlägelheide", "--outline", "ihk_allgemein",
                 "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Integriertes Handlungskonzept Schlägelheide")
    assert "| SGB-II-Quote | 21,4 % | 11,3 % | 1,9 |" in text
    assert "Hafenviertel" not in text.split("## Quellen und Berechnungen")[0]
    assert text.count("[Ergänzen:") >= 10
    assert "Maßnahmen mit Träger, Kosten und Zeitplan – in den Unterlagen keine gefunden" in text


def test_draft_command_refuses_unknown_quartier_outline_and_format(
    demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _clean_settings(demo_dir, monkeypatch)
    runner = CliRunner()
    base = ["draft", "--out", str(tmp_path / "x.docx")]
    unknown = runner.invoke(_app(), [*base, "--quartier", "Atlantis"])
    assert unknown.exit_code == 1
    assert "kommt in den Indikatortabellen nicht vor" in " ".join(unknown.output.split())
    outline = runner.invoke(_app(), [*base, "--quartier", "Hafenviertel", "--outline", "x"])
    assert outline.exit_code == 1 and "ihk_allgemein" in outline.output
    wrong = runner.invoke(
        _app(), ["draft", "--quartier", "Hafenviertel", "--out", str(tmp_path / "x.pdf")]
    )
    assert wrong.exit_code == 2 and ".docx" in wrong.output


# ---------------------------------------------------------------------------------------
# Language model, editing, chat answers, check
# ---------------------------------------------------------------------------------------


def _writer(demo: Services, model: object) -> SectionWriter:
    llm = LLMSettings(mode="ollama", model="fake", timeout_s=5)
    generator = ChatGenerator("ollama", lambda _tokens: model, llm)  # type: ignore[arg-type, return-value]
    return SectionWriter(
        demo.retriever, demo.indicators, demo.index.keywords.idf,
        generator=generator, verifier=demo.verifier, llm=llm,
    )  # fmt: skip


def test_language_model_writes_prose_whose_claims_are_verified(demo: Services) -> None:
    outline = load_outline("ihk_allgemein")
    section = outline.section("bestandsanalyse")
    # Facts come first in the prompt: [4] is the SGB-II-Quote (4th indicator of the section).
    reply = (
        "Die SGB-II-Quote im Hafenviertel liegt bei 23,6 % (Stand 2023) und damit beim "
        "2,1-Fachen des städtischen Werts [4]. Die Kinderarmut erreicht 99,9 % [5].\n\n"
        "Noch zu ergänzen:\n- [Ergänzen: Angaben zur gesundheitlichen Lage]"
    )
    model = replies(reply)
    drafted = _writer(demo, model).write("Hafenviertel", outline, section)
    system, user = model.seen[0]
    assert "Integrierten Handlungskonzepts" in system.content
    assert "Abschnitt: Bestandsanalyse" in user.content
    assert '<quelle nr="4" fundstelle="Kennzahl SGB-II-Quote' in user.content
    assert "Wie ist die soziale Lage im Vergleich zur Gesamtstadt?" in user.content
    assert drafted.mode == "ollama"
    assert "23,6 %" in drafted.text and "99,9" not in drafted.text
    assert "ließen sich nicht belegen" in drafted.notice
    assert "Angaben zur gesundheitlichen Lage" in drafted.missing
    first = cited_numbers(drafted.text.split("23,6 %")[1])[0]
    assert drafted.sources[first - 1].kind == "indicator"
    assert "SGB-II-Quote" in drafted.sources[first - 1].label
    assert drafted.text.startswith("[Tabelle: Kennzahlen]")


def test_failing_model_falls_back_to_the_extractive_draft(demo: Services) -> None:
    class Broken(GenericFakeChatModel):
        def _stream(self, *args: object, **kwargs: object) -> Iterator[object]:  # type: ignore[override]
            raise ConnectionError("connect failed")

    outline = load_outline("ihk_allgemein")
    drafted = _writer(demo, Broken(messages=iter([]))).write(
        "Hafenviertel", outline, outline.section("beteiligung")
    )
    assert drafted.mode == "extractive"
    assert "nicht erreichbar" in drafted.notice and "extraktive" in drafted.notice
    assert "„" in drafted.text


def test_regenerating_a_hand_edit_needs_consent_and_chat_answers_can_be_taken_over(
    demo: Services,
) -> None:
    drafting = DraftingService(demo)
    draft = drafting.create_draft("Hafenviertel", "ihk_allgemein", "Test Handfassung")
    generated = drafting.generate_section(draft.id, "beteiligung")
    assert generated.origin == "generated" and "„" in generated.text
    drafting.edit_section(draft.id, "beteiligung", "Eigener Text der Planerin.")
    with pytest.raises(HandEditProtected):
        drafting.generate_section(draft.id, "beteiligung")
    both = drafting.generate_section(draft.id, "beteiligung", keep_both=True)
    assert both.text == "Eigener Text der Planerin." and both.pending_generation
    drafting.writer = _QuickWriter()  # type: ignore[assignment]  # the writing itself is tested above
    report = drafting.generate_all(draft.id)
    assert "beteiligung" in report.kept and "ausgangslage" in report.written
    assert drafting.store.section(draft.id, "beteiligung").text == "Eigener Text der Planerin."  # type: ignore[union-attr]

    feedback = FeedbackStore(drafting.store.engine, demo.settings.workspace)
    answer = demo.answers.ask("Wie viele Haushalte wurden im Hafenviertel befragt?")
    assert answer.citations
    snippet = feedback.add_snippet(
        answer.text, message_id=None, question=answer.question,
        sources=answer.to_json()["citations"],
    )  # fmt: skip
    taken = drafting.take_over_snippet(
        draft.id, "beteiligung", snippet, mode="append", feedback=feedback
    )
    assert taken.origin == "chat"
    assert taken.text.startswith("Eigener Text der Planerin.\n\n")
    assert "412" in taken.text
    for n in cited_numbers(taken.text):
        assert taken.sources[n - 1].kind == "snippet"
    assert feedback.snippets(include_used=False) == []


class _QuickWriter:
    """Writes every section at once with a fixed text (for the bookkeeping of a whole draft)."""

    def write(
        self, quartier: str, outline: object, section: Section, *args: object, **kw: object
    ) -> SectionDraft:
        return SectionDraft(section.id, section.title, f"Text zu {section.title}.", [], {})


def test_cut_draft_is_checked_against_the_call(draft_document: DraftDocument) -> None:
    checklist = load_call(CALL)
    full = check_units(checklist, units_from_document(draft_document), "voll")
    cut = DraftDocument(
        draft_document.title,
        draft_document.quartier,
        draft_document.outline,
        [s for s in draft_document.sections if s.id not in ("beteiligung", "monitoring")],
        draft_document.created,
    )
    partial = check_units(checklist, units_from_document(cut), "gekürzt")

    def item(result: object, category: str, start: str) -> CheckItem:
        return next(
            i
            for i in result.items  # type: ignore[attr-defined]
            if i.criterion.category == category and i.criterion.text.startswith(start)
        )

    for category, start in (
        ("mandatory_section", "Die Beteiligung der Bewohnerschaft"),
        ("scoring", "Monitoring und Evaluation"),
    ):
        before = item(full, category, start)
        # Monitoring still names an open question of its own: "teilweise".
        assert before.status in ("erfüllt", "teilweise"), start
        assert before.draft_unit is not None
        assert before.draft_unit.heading.split(" > ")[0].endswith(("Beteiligung", "Evaluation"))
        assert item(partial, category, start).status == "fehlt", start
    # Chapters that only list what is missing are not fulfilled, in either version.
    assert item(full, "mandatory_section", "Ein Konzept zur Verstetigung").status == "fehlt"
    assert item(full, "mandatory_section", "Eine Beschreibung der Ausgangslage").status == (
        "erfüllt"
    )


# ---------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------


def test_docx_has_headings_tables_sources_and_highlighted_gaps(
    cli_draft: tuple[Path, int], draft_document: DraftDocument
) -> None:
    import docx

    document = docx.Document(str(cli_draft[0]))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "1 Ausgangslage und Gebietsabgrenzung"
    assert headings[-1] == "Quellen und Berechnungen"
    assert len(headings) == len(draft_document.sections) + 1
    assert len(document.tables) >= 5
    header = [c.text for c in document.tables[1].rows[0].cells]
    assert header == ["Indikator", "Hafenviertel", "Stadt gesamt", "Faktor", "Veränderung",
                      "Stand", "Quelle"]  # fmt: skip
    highlighted = [r for p in document.paragraphs for r in p.runs if r.font.highlight_color]
    assert any(r.text.startswith("[Ergänzen:") for r in highlighted)
    sources = [p for p in document.paragraphs if p.style.name == "Source"]
    assert sources and sources[0].text.startswith("[1]")
    markdown = to_markdown(draft_document)
    assert markdown.count("\n## ") == len(draft_document.sections) + 1
    body, listing = markdown.split("## Quellen und Berechnungen")
    used = {n for match in MARKER.finditer(body) for n in cited_numbers(match.group(0))}
    listed = {int(n) for n in re.findall(r"^\[(\d+)\] ", listing, re.MULTILINE)}
    assert used == listed == set(range(1, len(listed) + 1))


def test_docx_converts_to_pdf_in_libreoffice(cli_draft: tuple[Path, int], tmp_path: Path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None or shutil.which("pdftotext") is None:
        pytest.fail(LIBREOFFICE_HINT)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [office, f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(cli_draft[0])],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / cli_draft[0].with_suffix(".pdf").name
    assert pdf.is_file(), "LibreOffice hat kein PDF erzeugt."
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    first_page = text.split("\f")[0]
    assert "Integriertes Handlungskonzept" in first_page and "Hafenviertel" in first_page
    assert "Stadt Lindwerden" in first_page
    assert "Quellen und Berechnungen" in text
    assert text.count("\f") >= 6
    assert "Seite 2 von" in text.split("\f")[1]


def test_export_of_an_edited_section_keeps_its_sources(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from assistant.drafting.document import DocumentSection

    outline = load_outline("ihk_allgemein")
    a = DraftSource("passage", "Bericht, S. 2", "Text A mit 12,5 Prozent.")
    b = DraftSource("passage", "Protokoll", "Text B.")
    first = "Erstens 12,5 Prozent [2].\n- Zweitens [1]"
    sections = [
        DocumentSection("ausgangslage", 1, "Ausgangslage", first, [b, a]),
        DocumentSection(
            "bestandsanalyse", 2, "Bestandsanalyse", "Wieder A [1]. [Ergänzen: mehr]", [a]
        ),
    ]
    document = DraftDocument("IHK Test", "Hafenviertel", outline, sections, datetime.now(UTC))
    sources, numbered = document.numbered()
    assert [s.label for s in sources] == ["Bericht, S. 2", "Protokoll"]
    assert numbered[0].text == "Erstens 12,5 Prozent [1].\n- Zweitens [2]"
    assert numbered[1].text == "Wieder A [1]. [Ergänzen: mehr]"
    assert document.open_items() == [("2 Bestandsanalyse", "mehr")]
    path = export_docx(document, tmp_path / "t.docx")
    import docx

    paragraphs = docx.Document(str(path)).paragraphs
    body = next(p for p in paragraphs if p.text.startswith("Erstens"))
    superscript = [r.text for r in body.runs if r.font.superscript]
    assert body.text == "Erstens 12,5 Prozent1." and superscript == ["1"]


# ---------------------------------------------------------------------------------------
# The Entwürfe page
# ---------------------------------------------------------------------------------------


def _page_script() -> None:
    from assistant.platform.config import Settings
    from assistant.services import Services
    from ui.drafts_page import render_drafts_page

    render_drafts_page(Services(Settings()))


def test_drafts_page_creates_edits_and_protects_a_section(
    demo_dir: Path, cli_draft: tuple[Path, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    settings = _clean_settings(demo_dir, monkeypatch)
    app = AppTest.from_function(_page_script, default_timeout=120)
    app.run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Entwürfe"
    app.selectbox(key="drafts_page.select").select(cli_draft[1])
    app.run()
    sections = [e.label for e in app.expander if e.label[:1].isdigit()]
    assert len(sections) == len(load_outline("starke_quartiere_2025").sections)
    assert sections[0].startswith("1 Ausgangslage und Gebietsabgrenzung · erzeugt")
    assert any("Tabelle" not in m.value and "„" in m.value for m in app.markdown)

    app.selectbox(key="drafts_page.new_quartier").select("Schlägelheide")
    app.selectbox(key="drafts_page.new_outline").select("ihk_allgemein")
    app.checkbox[0].uncheck()
    next(b for b in app.button if b.label == "Entwurf anlegen").click()
    app.run()
    assert not app.exception, app.exception
    drafting = DraftingService(Services(settings))
    draft = drafting.store.drafts()[0]
    assert draft.quartier == "Schlägelheide" and drafting.store.sections(draft.id) == {}

    key = f"drafts_page.{draft.id}.ausgangslage"
    app.button(key=f"{key}.generate").click()
    app.run()
    assert drafting.store.section(draft.id, "ausgangslage").origin == "generated"  # type: ignore[union-attr]
    app.text_area(key=f"{key}.text").input("Text der Planerin [Ergänzen: Karte]")
    app.button(key=f"{key}.save").click()
    app.run()
    app.button(key=f"{key}.generate").click()  # default choice: keep both versions
    app.run()
    assert not app.exception, app.exception
    section = drafting.store.section(draft.id, "ausgangslage")
    assert section is not None and section.text == "Text der Planerin [Ergänzen: Karte]"
    assert section.origin == "hand" and section.pending_generation


def _number(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def _plain(text: str) -> str:
    return " ".join(text.split())
