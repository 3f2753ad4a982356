"""IHK outlines in prompts/outlines/: the general outline, the call outline, merging."""

from __future__ import annotations

import pytest

from assistant.drafting.outlines import (
    OutlineError,
    Section,
    _merge_sections,
    list_outlines,
    load_outline,
    outline_ids,
)
from assistant.indicators.catalogue import Catalogue

GENERAL_TITLES = [
    "Ausgangslage und Gebietsabgrenzung",
    "Bestandsanalyse",
    "Stärken und Schwächen",
    "Leitbild und Ziele",
    "Handlungsfelder",
    "Maßnahmen mit Kosten-, Finanzierungs- und Zeitplan",
    "Beteiligung",
    "Bündelung der Mittel",
    "Organisation und Steuerung",
    "Verstetigung",
    "Monitoring und Evaluation",
]


def test_general_outline_has_the_ihk_chapters_in_order() -> None:
    outline = load_outline("ihk_allgemein")
    assert [s.title for s in outline.sections] == GENERAL_TITLES
    assert outline_ids()[0] == "ihk_allgemein"
    for section in outline.sections:
        assert section.purpose, section.id
        assert section.questions, section.id
        assert section.funder_checks, section.id
        assert all("{quartier}" in q.search for q in section.questions), section.id
    assert outline.section("massnahmen").chain
    assert outline.section("staerken_schwaechen").indicator_view == "assessment"


def test_call_outline_extends_the_general_one() -> None:
    outline = load_outline("starke_quartiere_2025")
    general = load_outline("ihk_allgemein")
    ids = outline.section_ids
    # Every general section is kept, in order; the call adds its own.
    assert [i for i in ids if i in general.section_ids] == general.section_ids
    assert ids.index("gebietsauswahl") == ids.index("ausgangslage") + 1
    assert ids[-1] == "querschnittsziele"
    selection = outline.section("gebietsauswahl")
    assert selection.area_test is not None
    assert (selection.area_test.factor, selection.area_test.required) == (1.3, 3)
    assert len(selection.indicators) == 6
    # Merged sections keep the general checks and add the call's.
    measures = outline.section("massnahmen")
    assert set(general.section("massnahmen").funder_checks) < set(measures.funder_checks)
    assert any("1,5 Mio" in check for check in measures.funder_checks)
    assert outline.themes == general.themes
    assert outline.call_document.endswith(".pdf")


def test_every_outline_indicator_is_in_the_catalogue() -> None:
    catalogue = Catalogue.load()
    for outline in list_outlines():
        keys = {k for s in outline.sections for k in s.indicators}
        keys |= {k for t in outline.themes for k in t.indicators}
        unknown = sorted(k for k in keys if catalogue.get(k) is None)
        assert unknown == [], f"{outline.id}: {unknown}"


def test_unknown_outline_and_section_give_german_messages() -> None:
    with pytest.raises(OutlineError, match=r"gibt es nicht.*ihk_allgemein"):
        load_outline("gibt_es_nicht")
    with pytest.raises(OutlineError, match="keinen Abschnitt „foo“"):
        load_outline("ihk_allgemein").section("foo")


def test_merge_appends_lists_replaces_texts_and_inserts_after() -> None:
    base = (
        Section("a", "A", "Zweck A", indicators=("x",), funder_checks=("c1",)),
        Section("b", "B", "Zweck B"),
    )
    merged = _merge_sections(
        base,
        [
            {"id": "a", "purpose": "Neu", "indicators": ["y", "x"], "funder_checks": ["c2"]},
            {"id": "n", "title": "N", "after": "a"},
            {"id": "z", "title": "Z"},
        ],
        "test",
    )
    assert [s.id for s in merged] == ["a", "n", "b", "z"]
    assert merged[0].title == "A" and merged[0].purpose == "Neu"
    assert merged[0].indicators == ("x", "y")
    assert merged[0].funder_checks == ("c1", "c2")
    with pytest.raises(OutlineError, match="keine `id`"):
        _merge_sections(base, [{"title": "ohne id"}], "test")
