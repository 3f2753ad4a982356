"""Drafts in the app database: sections, hand-edit protection, chat take-over, history."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import StaticPool

from assistant.drafting.service import snippet_text
from assistant.drafting.sources import DraftSource
from assistant.drafting.store import DraftNotFound, DraftStore, HandEditProtected


def _memory() -> Engine:
    """One in-memory SQLite database shared by all connections of the engine."""
    return create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )


@pytest.fixture
def store() -> DraftStore:
    return DraftStore(_memory(), "stadt")


def _source(text: str) -> DraftSource:
    return DraftSource(kind="passage", label=f"Bericht, S. 1 – {text[:10]}", text=text)


def test_generated_section_is_stored_with_sources_and_a_version(store: DraftStore) -> None:
    draft = store.create("Hafenviertel", "ihk_allgemein", "IHK Hafenviertel")
    saved = store.save_generated(
        draft.id, "ausgangslage", "„Satz.“ [1]", [_source("Satz.")], {"facts": [], "mode": "x"}
    )
    assert saved.origin == "generated" and not saved.protected
    again = store.section(draft.id, "ausgangslage")
    assert again is not None
    assert again.sources[0].text == "Satz." and again.details["mode"] == "x"
    assert [v.version for v in store.versions(draft.id, "ausgangslage")] == [1]
    assert [d.id for d in store.drafts()] == [draft.id]


def test_hand_edit_is_never_overwritten_silently(store: DraftStore) -> None:
    draft = store.create("Hafenviertel", "ihk_allgemein", "IHK")
    store.save_generated(draft.id, "ziele", "Alt [1]", [_source("Alt")])
    edited = store.save_hand_edit(draft.id, "ziele", "Von Hand geschrieben [1]")
    assert edited.origin == "hand" and edited.protected
    assert edited.sources[0].text == "Alt"  # the markers keep their sources

    with pytest.raises(HandEditProtected, match="von Hand bearbeitet"):
        store.save_generated(draft.id, "ziele", "Neu [1]", [_source("Neu")])
    assert store.section(draft.id, "ziele").text == "Von Hand geschrieben [1]"  # type: ignore[union-attr]

    kept = store.save_generated(draft.id, "ziele", "Neu [1]", [_source("Neu")], keep_both=True)
    assert kept.text == "Von Hand geschrieben [1]" and kept.origin == "hand"
    assert kept.generated_text == "Neu [1]" and kept.pending_generation

    adopted = store.adopt_generated(draft.id, "ziele")
    assert adopted.text == "Neu [1]" and adopted.origin == "generated"
    assert adopted.sources[0].text == "Neu"

    store.save_hand_edit(draft.id, "ziele", "Zweite Handfassung")
    replaced = store.save_generated(draft.id, "ziele", "Ganz neu", [], overwrite=True)
    assert replaced.text == "Ganz neu" and replaced.origin == "generated"
    history = store.versions(draft.id, "ziele")
    assert [v.origin for v in history] == [
        "generated", "hand", "generated", "generated", "hand", "generated",
    ]  # fmt: skip
    assert [v.version for v in history] == [1, 2, 3, 4, 5, 6]
    assert "überschrieben" in history[-1].note


def test_chat_answer_is_taken_over_with_renumbered_sources(store: DraftStore) -> None:
    citations = [
        {"n": 1, "source": "a.pdf", "title": "A", "page": 3, "text": "Quelle eins"},
        {"n": 2, "source": "b.pdf", "title": "B", "page": 7, "text": "Quelle zwei"},
    ]
    text, sources = snippet_text("Erstens [2]. Zweitens [1][2].", citations)
    assert text == "Erstens [2]. Zweitens [1][2]."
    assert [s.label for s in sources] == ["A, S. 3", "B, S. 7"]
    assert all(s.kind == "snippet" for s in sources)

    draft = store.create("Hafenviertel", "ihk_allgemein", "IHK")
    store.save_generated(draft.id, "beteiligung", "Eigenes [1]", [_source("Eigenes")])
    store.save_hand_edit(draft.id, "beteiligung", "Hand [1]")
    with pytest.raises(HandEditProtected):
        store.take_over(draft.id, "beteiligung", text, sources)
    appended = store.take_over(draft.id, "beteiligung", text, sources, mode="append")
    # The chat answer's [1], [2] follow the section's own source [1].
    assert appended.text == "Hand [1]\n\nErstens [3]. Zweitens [2][3]."
    assert [s.text for s in appended.sources] == ["Eigenes", "Quelle eins", "Quelle zwei"]
    assert appended.origin == "chat"
    replaced = store.take_over(draft.id, "beteiligung", text, sources, overwrite=True)
    assert replaced.text == text and len(replaced.sources) == 2


def test_drafts_are_per_workspace_and_deleted_with_their_sections(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'app.sqlite3'}")  # a file, as in the app
    mine, other = DraftStore(engine, "a"), DraftStore(engine, "b")
    draft = mine.create("Hafenviertel", "ihk_allgemein", "IHK")
    mine.save_generated(draft.id, "ausgangslage", "Text", [])
    assert other.drafts() == []
    with pytest.raises(DraftNotFound, match="gibt es nicht"):
        other.sections(draft.id)
    mine.delete(draft.id)
    assert mine.drafts() == []
    assert mine.versions(draft.id, "ausgangslage") == []
    with pytest.raises(DraftNotFound):
        mine.get(draft.id)
