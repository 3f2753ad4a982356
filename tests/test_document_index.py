"""The index writes a document all or nothing, across Chroma, the catalog and BM25."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from assistant.index import vector_store
from assistant.index.catalog import Catalog
from assistant.index.filters import SearchFilters
from assistant.index.metadata_edit import update_document_metadata
from assistant.services import Services
from tests.index_helpers import add, count_full_reads, make_document

ROOT = Path(__file__).resolve().parent.parent

OLD = [
    "Die SGB-II-Quote im Nordviertel liegt bei 23,4 Prozent.",
    "Die Kinderarmut im Nordviertel betrifft fast jedes dritte Kind.",
]
NEW = [
    "Die SGB-II-Quote im Nordviertel ist auf 21,9 Prozent gesunken.",
    "Im Nordviertel wurde ein Familienzentrum eröffnet.",
    "Die Wohnfläche je Person beträgt 31 Quadratmeter.",
]


def _texts(services: Services, query: str) -> list[str]:
    return [r.text for r in services.retriever.search(query, k=10)]


def _state(services: Services) -> tuple[int, int, int]:
    index = services.index
    return (
        len(index.documents()),
        index.catalog.chunk_count(index.workspace),
        index.vectors.count(index.workspace),
    )


def test_add_then_search_finds_the_document(services: Services) -> None:
    record, chunks = make_document(OLD)
    add(services.index, services.embedder, record, chunks)
    assert _state(services) == (1, 2, 2)
    results = services.retriever.search("SGB-II-Quote Nordviertel", k=1)
    assert results[0].text == OLD[0]
    assert results[0].ref.page == 1
    assert results[0].bm25_rank == 1 and results[0].dense_rank is not None


def test_replacing_swaps_old_chunks_for_new(services: Services) -> None:
    old, old_chunks = make_document(OLD)
    add(services.index, services.embedder, old, old_chunks)
    new, new_chunks = make_document(NEW)
    add(services.index, services.embedder, new, new_chunks, replaces=(old.doc_id,))
    assert _state(services) == (1, 3, 3)
    texts = _texts(services, "SGB-II-Quote Nordviertel")
    assert NEW[0] in texts and OLD[0] not in texts


def test_failure_inside_catalog_write_keeps_previous_state(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, old_chunks = make_document(OLD)
    add(services.index, services.embedder, old, old_chunks)
    before = _state(services)

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Festplatte voll")

    monkeypatch.setattr(Catalog, "insert_chunks", staticmethod(crash))
    new, new_chunks = make_document(NEW)
    with pytest.raises(RuntimeError):
        add(services.index, services.embedder, new, new_chunks, replaces=(old.doc_id,))
    monkeypatch.undo()

    assert _state(services) == before
    assert OLD[0] in _texts(services, "SGB-II-Quote Nordviertel")
    assert NEW[2] not in _texts(services, "Wohnfläche je Person")


def test_failure_midway_through_vector_writes_removes_partial_vectors(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, old_chunks = make_document(OLD)
    add(services.index, services.embedder, old, old_chunks)
    before = _state(services)
    store = services.index.vectors
    real_add = store.add

    def add_first_then_fail(workspace, ids, vectors, metadatas):  # type: ignore[no-untyped-def]
        real_add(workspace, ids[:1], vectors[:1], metadatas[:1])
        raise OSError("Verbindung unterbrochen")

    monkeypatch.setattr(store, "add", add_first_then_fail)
    new, new_chunks = make_document(NEW)
    with pytest.raises(OSError):
        add(services.index, services.embedder, new, new_chunks, replaces=(old.doc_id,))
    assert _state(services) == before


def test_hard_crash_between_vectors_and_catalog_leaves_previous_state(services: Services) -> None:
    old, old_chunks = make_document(OLD)
    add(services.index, services.embedder, old, old_chunks)
    before = _state(services)
    data_dir = services.settings.data_dir
    services.close()

    # A second process dies (no cleanup, no exception handling) right before the commit.
    script = textwrap.dedent(
        f"""
        import os
        from assistant.platform.config import Settings
        from assistant.index.catalog import Catalog
        from assistant.services import Services
        from tests.index_helpers import add, count_full_reads, make_document

        def die(*args, **kwargs):
            os._exit(3)

        Catalog.insert_document = staticmethod(die)
        services = Services(Settings(data_dir={str(data_dir)!r}))
        new, chunks = make_document({NEW!r})
        add(services.index, services.embedder, new, chunks, replaces=({old.doc_id!r},))
        """
    )
    crashed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT
    )
    assert crashed.returncode == 3, crashed.stderr

    fresh = Services(services.settings)
    try:
        documents, chunks, vectors = _state(fresh)
        assert (documents, chunks) == before[:2]
        assert vectors == before[2] + len(NEW)  # orphans exist until reconciled ...
        assert NEW[2] not in _texts(fresh, "Wohnfläche je Person")  # ... but are never found
        assert fresh.index.reconcile() == len(NEW)
        assert _state(fresh) == before
    finally:
        fresh.close()


def test_remove_deletes_everywhere(services: Services) -> None:
    record, chunks = make_document(OLD)
    add(services.index, services.embedder, record, chunks)
    assert services.index.remove_document(record.doc_id) is True
    assert _state(services) == (0, 0, 0)
    assert _texts(services, "SGB-II-Quote") == []
    assert services.index.remove_document(record.doc_id) is False


def test_filters_apply_to_both_halves(services: Services) -> None:
    plan, plan_chunks = make_document(OLD, source="sozialbericht.pdf", year=2023)
    call, call_chunks = make_document(
        ["Antragsberechtigt sind Kommunen mit einem Quartier mit hoher SGB-II-Quote."],
        source="foerderaufruf.pdf",
        doc_type="funding_call",
        year=2025,
    )
    add(services.index, services.embedder, plan, plan_chunks)
    add(services.index, services.embedder, call, call_chunks)
    query = "SGB-II-Quote"
    for method in ("hybrid", "bm25", "dense"):
        only_call = services.retriever.search(
            query, filters=SearchFilters(doc_types=("funding_call",)), method=method
        )
        assert {r.ref.source for r in only_call} == {"foerderaufruf.pdf"}, method
        only_2023 = services.retriever.search(
            query, filters=SearchFilters(years=(2023,)), method=method
        )
        assert {r.ref.source for r in only_2023} == {"sozialbericht.pdf"}, method


def test_keyword_index_is_reloaded_from_disk_by_a_new_process(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    record, chunks = make_document(OLD)
    add(services.index, services.embedder, record, chunks)
    services.retriever.search("Kinderarmut")  # builds and saves the BM25 index
    generation = services.index.catalog.generation(services.index.workspace)
    saved = services.settings.data_dir / "bm25" / "default" / f"gen-{generation}"
    assert (saved / "index.npz").exists()
    new, new_chunks = make_document(NEW, source="neu.pdf")
    add(services.index, services.embedder, new, new_chunks)  # after the snapshot
    full_reads = count_full_reads(monkeypatch)
    fresh = Services(services.settings)
    try:
        hits = fresh.index.keywords.search(["kinderarmut"], k=5)
        assert [h[0] for h in hits] == [chunks[1].chunk_id]
        hits = fresh.index.keywords.search(["familienzentrum"], k=5)
        assert [h[0] for h in hits] == [new_chunks[1].chunk_id]
        assert full_reads == []  # loaded, then caught up with the newer document alone
    finally:
        fresh.close()


def test_writes_update_the_keyword_index_without_reading_the_whole_catalog(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, old_chunks = make_document(OLD)
    other, other_chunks = make_document(NEW, source="neu.pdf")
    add(services.index, services.embedder, old, old_chunks)
    services.retriever.search("Kinderarmut")  # the one full build
    full_reads = count_full_reads(monkeypatch)
    add(services.index, services.embedder, other, other_chunks)
    replacement, replacement_chunks = make_document(
        ["Die Kinderarmut im Nordviertel ist leicht gesunken."]
    )
    add(services.index, services.embedder, replacement, replacement_chunks, replaces=(old.doc_id,))
    update_document_metadata(services.index, other.doc_id, doc_type="minutes", year=2020, area="")
    keywords = services.index.keywords
    hits = keywords.search(["kinderarmut"], k=5)
    assert [h[0] for h in hits] == [replacement_chunks[0].chunk_id]
    only_minutes = keywords.search(["nordviertel"], 5, SearchFilters(doc_types=("minutes",)))
    assert {h[0] for h in only_minutes} == {c.chunk_id for c in other_chunks[:2]}
    assert services.index.remove_document(other.doc_id)
    assert keywords.search(["familienzentrum"], k=5) == []
    assert keywords.size() == 1
    assert full_reads == []


def test_changed_text_analysis_recomputes_stored_terms(services: Services) -> None:
    record, chunks = make_document(OLD)
    add(services.index, services.embedder, record, chunks)
    catalog = services.index.catalog
    with catalog.transaction() as conn:  # as if written by an older analyzer
        conn.execute("UPDATE chunks SET terms='veraltet'")
        conn.execute("UPDATE meta SET value='0' WHERE key='analyzer'")
    fresh = Services(services.settings)
    try:
        stored = fresh.index.catalog.all_chunks("default")
        assert stored[1].terms == chunks[1].terms
        assert fresh.index.keywords.search(["kinderarmut"], k=1)[0][0] == chunks[1].chunk_id
    finally:
        fresh.close()


def test_filtered_dense_search_falls_back_to_chroma_when_few_pass(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Filters are applied to a wider unfiltered result first; a rare document type that
    is not among those candidates is still found through Chroma's own filter (in a
    collection too large for an exhaustive query)."""
    monkeypatch.setattr(vector_store, "_EXHAUSTIVE_UP_TO", 0)
    many, many_chunks = make_document(
        [f"Die Quote im Viertel {i} liegt bei {i}." for i in range(30)]
    )
    rare, rare_chunks = make_document(
        ["Antragsberechtigt sind Kommunen."], source="aufruf.pdf", doc_type="funding_call"
    )
    add(services.index, services.embedder, many, many_chunks)
    add(services.index, services.embedder, rare, rare_chunks)
    vector = services.embedder.encode(["Quote im Viertel"])[0]
    store, ws = services.index.vectors, services.index.workspace
    only_rare = store.query(ws, vector, 3, SearchFilters(doc_types=("funding_call",)))
    assert [i for i, _ in only_rare] == [rare_chunks[0].chunk_id]
    only_plan = store.query(ws, vector, 3, SearchFilters(doc_types=("plan",)))
    assert len(only_plan) == 3 and all(i.startswith(many.doc_id) for i, _ in only_plan)


def test_filtered_dense_search_keeps_ten_or_more_matches_of_the_wide_pass(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enough matching chunks in the widest unfiltered pass are the answer, nearest first,
    without Chroma's slow filtered search."""
    many, many_chunks = make_document(
        [f"Die Quote im Viertel {i} liegt bei {i}." for i in range(30)]
    )
    calls, rare_texts = (
        [],
        [f"Antragsberechtigt sind Kommunen mit {i} Quartieren." for i in range(12)],
    )
    rare, rare_chunks = make_document(rare_texts, source="aufruf.pdf", doc_type="funding_call")
    add(services.index, services.embedder, many, many_chunks)
    add(services.index, services.embedder, rare, rare_chunks)
    store, ws = services.index.vectors, services.index.workspace
    query = store._query
    monkeypatch.setattr(store, "_query", lambda *a, **kw: calls.append(a[3]) or query(*a, **kw))
    vector = services.embedder.encode(["Quote im Viertel"])[0]
    found = store.query(ws, vector, 40, SearchFilters(doc_types=("funding_call",)))
    assert sorted(i for i, _ in found) == sorted(c.chunk_id for c in rare_chunks)
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
    assert all(where is None for where in calls)  # never Chroma's own filter


def test_dense_search_in_a_small_collection_is_exact(services: Services) -> None:
    """Up to a few thousand vectors every query is exhaustive: Chroma's approximate graph
    dropped the exact nearest demo chunk from its top 100 in some processes."""
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(1500, 64)).astype(np.float32)
    ids = [f"v{i:04d}" for i in range(len(vectors))]
    store, ws = services.index.vectors, services.index.workspace
    for start in range(0, len(ids), 250):  # written in parts, as ingestion does
        end = start + 250
        store.add(ws, ids[start:end], vectors[start:end], [{"doc_id": "d"}] * 250)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    misses = 0
    for query in rng.normal(size=(40, 64)).astype(np.float32):
        exact = np.argsort(-(unit @ (query / np.linalg.norm(query))))[:10]
        found = [i for i, _ in store.query(ws, query, 10)]
        misses += len({ids[i] for i in exact} - set(found))
    assert misses == 0
