"""Funding-call requirements against the gold list, and the check of an incomplete draft."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from assistant.drafting.check import (
    CheckResult,
    DraftUnit,
    check_units,
    units_from_file,
)
from assistant.drafting.cli import criteria_command, draft_command
from assistant.drafting.criteria import CallChecklist, Criterion, load_call
from assistant.index.embedders import make_embedder
from assistant.language.german import fold
from assistant.platform.config import Settings
from eval.checklist_eval import found, matches

ROOT = Path(__file__).resolve().parents[1]
GOLD = yaml.safe_load((ROOT / "eval" / "criteria_gold.yaml").read_text(encoding="utf-8"))
CALL = ROOT / GOLD["call"]
DRAFT = ROOT / GOLD["draft_check"]["draft"]


@lru_cache(maxsize=1)
def checklist() -> CallChecklist:
    return load_call(CALL)


@lru_cache(maxsize=1)
def demo_check() -> CheckResult:
    title, units = units_from_file(DRAFT)
    encode = make_embedder(Settings().embedding).encode
    return check_units(checklist(), units, title, encode)


def test_every_requirement_of_the_call_is_found_with_its_category() -> None:
    criteria = checklist().criteria
    missed = [g["id"] for g in GOLD["criteria"] if not found(g, criteria)]
    assert missed == [], f"nicht gefunden: {missed}"
    # Nothing beyond the gold list and its optional statements (precision 1.0).
    known = GOLD["criteria"] + GOLD["optional"]
    extra = [c.text for c in criteria if not any(matches(g, c) for g in known)]
    assert extra == []
    assert len(criteria) >= len(GOLD["criteria"])


def test_criteria_cite_the_passage_and_page_they_come_from() -> None:
    criteria = checklist().criteria
    for gold in GOLD["criteria"]:
        for criterion in found(gold, criteria):
            citation = criterion.citation
            assert citation.source == CALL.name
            assert citation.page is not None and 1 <= citation.page <= 7
            # The cited passage holds the criterion (list items with their lead-in, table
            # rows read from a PDF after their header line).
            pieces = fold(criterion.text.rstrip(".:")).split(": ", 1)
            assert all(piece[:40] in fold(citation.text) for piece in pieces), gold["id"]
            assert citation.heading.startswith(f"{gold['section']} "), (gold["id"], citation)


def test_scoring_criteria_keep_their_points() -> None:
    criteria = checklist().criteria
    for gold in GOLD["criteria"]:
        if "points" in gold:
            points = {c.points for c in found(gold, criteria)}
            assert points == {gold["points"]}, gold["id"]
    scoring = [c for c in criteria if c.category == "scoring" and c.points is not None]
    assert sum(c.points for c in scoring if c.points) == 100


def test_deadlines_carry_their_dates() -> None:
    deadlines = {c.date for c in checklist().criteria if c.category == "deadline"}
    assert {"31.01.2025", "30.05.2025", "31. August 2025"} <= deadlines


def test_incomplete_demo_draft_is_marked_as_expected() -> None:
    result = demo_check()
    expected = GOLD["draft_check"]["expected"]
    by_gold = {g["id"]: g for g in GOLD["criteria"]}
    wrong = []
    for gold_id, wanted in expected.items():
        statuses = wanted if isinstance(wanted, list) else [wanted]
        items = [
            i for i in result.items if i.criterion in found(by_gold[gold_id], checklist().criteria)
        ]
        assert items, gold_id
        wrong += [(gold_id, i.status, statuses) for i in items if i.status not in statuses]
    assert wrong == []
    counts = result.counts()
    assert sum(counts.values()) == len(checklist().criteria)
    assert counts["erfüllt"] >= 8 and counts["fehlt"] >= 10


def test_eligibility_and_deadlines_are_notes_not_gaps() -> None:
    items = demo_check().items
    framing = [i for i in items if i.criterion.category in ("eligibility", "deadline")]
    assert framing and all(i.status in ("erfüllt", "Hinweis") for i in framing)
    assert not [i for i in items if i.status == "Hinweis" and i.criterion.category == "scoring"]
    assert "Hinweise zum Rahmen des Aufrufs" in demo_check().summary()
    excluded = next(i for i in items if i.criterion.text.startswith("Investitionen in Gebäude"))
    assert excluded.status == "Hinweis"  # an item of „Nicht förderfähig sind: …“


def test_caps_are_checked_on_the_drafts_cost_table() -> None:
    items = demo_check().items
    share = next(
        i for i in items if "Baustein D" in i.criterion.text and "10 %" in i.criterion.text
    )
    # Baustein D: M6 Quartiersmonitoring 125.580 € of 1.427.070 € (the draft's Summe row).
    assert share.status == "erfüllt"
    assert "125.580 € von 1.427.070 € = 8,8 % (höchstens 10 %)" in share.reason
    total = next(i for i in items if "1,5 Millionen Euro" in i.criterion.text)
    assert total.status == "erfüllt" and "Summe 1.427.070 €" in total.reason


def test_a_cap_the_draft_exceeds_is_reported_with_the_computation() -> None:
    from assistant.drafting.caps import check_cap

    rows = [
        "Nr.: M1; Baustein: A; Gesamtkosten: 300.000 €",
        "Nr.: M2; Baustein: D; Gesamtkosten: 100.000 €",
    ]
    cap = check_cap("Baustein D höchstens 10 % der Gesamtausgaben", rows)
    assert cap is not None and not cap.met
    assert cap.reason.endswith("Baustein D 100.000 € von 400.000 € = 25,0 % (höchstens 10 %).")
    # The table names no group „Baustein C“: left to the wording check.
    assert check_cap("Baustein C höchstens 10 % der Gesamtausgaben", rows) is None
    assert check_cap("Die Interessenbekundung hat höchstens zehn Seiten.", rows) is None


def test_missing_chapters_point_to_the_drafts_open_points() -> None:
    result = demo_check()
    for word in ("Verstetigung", "Organisation", "Monitoring"):
        item = next(
            i
            for i in result.items
            if i.criterion.category == "mandatory_section" and word in i.criterion.text
        )
        assert item.status == "fehlt"
        assert item.draft_unit is not None and item.draft_unit.gap
        assert "Offene Punkte" in item.draft_unit.heading
        assert word in item.draft_unit.text
    fulfilled = next(i for i in result.items if i.criterion.text.startswith("Die Beteiligung"))
    assert fulfilled.status == "erfüllt"
    assert fulfilled.draft_unit is not None and "Beteiligung" in fulfilled.draft_unit.heading


def test_extraction_is_generic_for_another_call(tmp_path: Path) -> None:
    """A call with other headings, wording and layout (Markdown) is read the same way."""
    call = tmp_path / "Richtlinie_Nachbarschaft.md"
    call.write_text(
        "# Förderrichtlinie Gute Nachbarschaft\n\n"
        "## 1 Zweck\n\nDas Land unterstützt Nachbarschaftsprojekte in allen Regionen.\n\n"
        "## 2 Zuwendungsempfänger\n\nGefördert werden Landkreise und kreisfreie Städte.\n\n"
        "## 3 Inhalt des Konzepts\n\nDas Quartierskonzept muss folgende Bestandteile "
        "enthalten:\n\n- eine Sozialraumanalyse\n- ein Beteiligungskonzept\n\n"
        "## 4 Antragsunterlagen\n\nDem Antrag sind beizufügen:\n\n"
        "1. Kostenplan\n2. Stellungnahme des Jugendamts\n\n"
        "## 5 Termine\n\nAnträge sind spätestens zum 15.03.2026 einzureichen.\n\n"
        "## 6 Auswahlkriterien\n\n- Innovationsgehalt 30\n- Nachhaltigkeit 20\n\n"
        "## 7 Höhe der Förderung\n\nDer Eigenanteil beträgt mindestens 25 %.\n",
        encoding="utf-8",
    )
    found = {(c.category, c.text, c.points) for c in load_call(call).criteria}
    assert ("eligibility", "Gefördert werden Landkreise und kreisfreie Städte.", None) in found
    assert ("mandatory_section", "Eine Sozialraumanalyse", None) in found
    assert ("mandatory_section", "Ein Beteiligungskonzept", None) in found
    assert ("required_document", "Kostenplan", None) in found
    assert ("required_document", "Stellungnahme des Jugendamts", None) in found
    assert ("scoring", "Innovationsgehalt", 30) in found
    assert ("scoring", "Nachhaltigkeit", 20) in found
    assert ("co_financing", "Der Eigenanteil beträgt mindestens 25 %.", None) in found
    deadline = [c for c in load_call(call).criteria if c.category == "deadline"]
    assert [c.date for c in deadline] == ["15.03.2026"]
    assert not any("Nachbarschaftsprojekte" in text for _, text, _ in found)


def test_table_rows_of_a_word_call_become_criteria_with_points(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Aufruf Familienzentren 2026", level=1)
    document.add_heading("Auswahlkriterien", level=2)
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Nr.", "Kriterium", "Punkte"], strict=True):
        cell.text = text
    for number, criterion, points in (("1", "Sozialräumliche Begründung", "40"),
                                      ("2", "Kooperation mit Kitas", "25")):  # fmt: skip
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = number, criterion, points
    document.add_heading("Fristen", level=2)
    document.add_paragraph("Die Anträge sind bis spätestens 30. April 2026 einzureichen.")
    path = tmp_path / "Aufruf.docx"
    document.save(str(path))
    found = {(c.category, c.text, c.points) for c in load_call(path).criteria}
    assert ("scoring", "Sozialräumliche Begründung", 40) in found
    assert ("scoring", "Kooperation mit Kitas", 25) in found
    assert ("deadline", "Die Anträge sind bis spätestens 30. April 2026 einzureichen.", None) in (
        found
    )


def test_check_counts_a_chapter_only_when_it_has_content() -> None:
    criterion = Criterion(
        "K01", "Ein Konzept zur Verstetigung", "mandatory_section", checklist().criteria[0].citation
    )
    calls = CallChecklist("Aufruf", "a.pdf", (criterion,))
    empty = [
        DraftUnit("7 Verstetigung", "[Ergänzen: Wie wird verstetigt?]", gap=True),
        DraftUnit("7 Verstetigung", "", chapter=True),
    ]
    assert check_units(calls, empty, "E").items[0].status == "fehlt"
    text = (
        "Das Quartiersbüro wird nach dem Ende der Förderung aus dem Haushalt weiter "
        "finanziert; die Familienlotsinnen gehen in das Regelangebot des Jugendamts über."
    )
    filled = [DraftUnit("7 Verstetigung", text), DraftUnit("7 Verstetigung", text, chapter=True)]
    item = check_units(calls, filled, "E").items[0]
    assert item.status == "erfüllt" and item.draft_unit is not None


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("draft")(draft_command)
    app.command("criteria")(criteria_command)
    return app


def test_criteria_command_prints_json_with_both_citations(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANWERK_DATA_DIR", str(settings.data_dir))
    result = CliRunner().invoke(
        _app(), ["criteria", str(CALL), "--draft", str(DRAFT), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == len(checklist().criteria)
    for row in rows:
        assert {"criterion", "category", "status", "call_citation", "draft_citation"} <= set(row)
        assert row["status"] in ("erfüllt", "teilweise", "fehlt", "Hinweis")
        assert row["call_citation"]["source"] == CALL.name
    organisation = next(r for r in rows if r["criterion"].startswith("Aussagen zu Organisation"))
    assert organisation["status"] == "fehlt"
    assert "ergänzen" in organisation["draft_citation"]["text"]

    plain = CliRunner().invoke(_app(), ["criteria", str(CALL), "--json"])
    assert plain.exit_code == 0
    assert all(r["status"] is None for r in json.loads(plain.stdout))


def test_criteria_command_explains_a_missing_file(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANWERK_DATA_DIR", str(settings.data_dir))
    result = CliRunner().invoke(_app(), ["criteria", "gibt_es_nicht.pdf"])
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "weder als Datei noch unter den eingelesenen Dokumenten" in message
