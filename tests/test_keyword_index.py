"""The keyword index changes per document and always equals a fresh build.

`InvertedIndex` is checked against itself built from scratch and against bm25s (what the
index used before, so scores stay those the retrieval eval was tuned on). `KeywordIndex` is
checked over a real catalog file opened by several `Catalog` connections, as separate
processes (Streamlit instances, the CLI) open it.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from pathlib import Path

import bm25s
import numpy as np
import pytest

from assistant.index import catalog as catalog_module
from assistant.index.catalog import Catalog, DocumentFields, KeywordDocument, StoredChunk
from assistant.index.filters import SearchFilters
from assistant.index.inverted_index import InvertedIndex
from assistant.index.keyword_index import KeywordIndex
from assistant.language.german import analyze
from assistant.models import DocumentRecord
from eval.bench_common import district_names, german_paragraph
from tests.index_helpers import count_full_reads

WORKSPACE = "default"
QUERIES = [
    "SGB-II-Quote im Hafenviertel",
    "Kita-Plätze für Kinder unter drei Jahren",
    "Förderquote Landesprogramm Starke Quartiere",
    "Quartiersbüro Träger Diakonie Quartier",
    "Angebotsmiete Euro je Quadratmeter",
    "Wohngeld Alleinerziehende",
]
FILTERS = [
    SearchFilters(doc_types=("plan",)),
    SearchFilters(years=(2022,)),
    SearchFilters(areas=("Nordfeld",), doc_types=("plan", "minutes")),
]


def _documents(count: int, seed: int = 5) -> list[KeywordDocument]:
    """German social-planning documents of 1–8 chunks with varied fields."""
    rng = random.Random(seed)
    districts = district_names()
    documents = []
    for number in range(count):
        doc_id = f"doc{number:03d}"
        area = rng.choice(districts)
        fields = DocumentFields(
            doc_id=doc_id,
            doc_type=rng.choice(["plan", "minutes", "funding_call"]),
            year=rng.choice([2021, 2022, None]),
            area=rng.choice([area, ""]),
            source=f"{doc_id}.pdf",
        )
        chunks = [
            (f"{doc_id}:{i:05d}", analyze(german_paragraph(rng, area, "Lindwerden", "Kita")))
            for i in range(rng.randint(1, 8))
        ]
        if number % 2:  # the same table row in many documents: equal scores to order
            chunks.append((f"{doc_id}:99998", analyze("Hafenviertel | SGB-II-Quote | 24,7")))
        documents.append((fields, chunks))
    last_id = documents[-1][0].doc_id
    documents[-1][1].append((f"{last_id}:99999", ["zauberwort", "einmalig"]))  # only here
    return documents


def _fresh(documents: list[KeywordDocument]) -> InvertedIndex:
    index = InvertedIndex()
    index.add(documents)
    return index


def _assert_same(index: InvertedIndex, expected: InvertedIndex) -> None:
    assert index.size() == expected.size()
    assert index.postings() == expected.postings()
    assert index.documents() == expected.documents()
    for query in QUERIES:
        terms = analyze(query)
        assert index.search(terms, 20) == expected.search(terms, 20), query
        for filters in FILTERS:
            assert index.search(terms, 20, filters) == expected.search(terms, 20, filters)


def test_documents_added_one_by_one_and_removed_equal_a_fresh_build() -> None:
    documents = _documents(40)
    index = InvertedIndex()
    for document in random.Random(1).sample(documents, len(documents)):
        index.add([document])
    removed = {d.doc_id for d, _ in documents[::3]}
    index.remove(removed)
    replaced = documents[1]
    index.add([(replaced[0], replaced[1][:1])])  # a new version of one document
    kept = [d for d in documents if d[0].doc_id not in removed and d is not replaced]
    _assert_same(index, _fresh([*kept, (replaced[0], replaced[1][:1])]))
    index.add([documents[0]])  # re-adding reuses the freed slots
    _assert_same(index, _fresh([*kept, (replaced[0], replaced[1][:1]), documents[0]]))


def test_scores_equal_those_of_bm25s() -> None:
    documents = _documents(30)
    index = _fresh(documents)
    chunks = sorted(chunk for _, doc_chunks in documents for chunk in doc_chunks)
    reference = bm25s.BM25()
    reference.index([terms for _, terms in chunks], show_progress=False)
    for query in [*QUERIES, "Quartier Quartier Kita"]:  # a repeated term counts twice
        terms = analyze(query)
        expected = reference.get_scores(terms)
        # How the bm25s-based index picked its top k, ties included.
        top = np.argpartition(-expected, 14)[:15]
        top = top[np.argsort(-expected[top], kind="stable")]
        wanted = [(chunks[i][0], float(expected[i])) for i in top if expected[i] > 0]
        assert index.search(terms, 15) == wanted, query  # the same float32 values


def test_removing_a_document_leaves_no_trace_of_its_terms() -> None:
    documents = _documents(10)
    index = _fresh(documents)
    last = documents[-1][0].doc_id
    assert index.document_frequency("zauberwort") == 1
    index.remove([last])
    assert index.document_frequency("zauberwort") == 0
    assert "zauberwort" not in index.postings()
    assert all(not chunk.startswith(last) for p in index.postings().values() for chunk in p)
    assert index.search(["zauberwort"], 5) == []
    _assert_same(index, _fresh(documents[:-1]))


def test_a_saved_index_loads_unchanged_and_keeps_changing(tmp_path: Path) -> None:
    documents = _documents(12)
    index = _fresh(documents)
    index.remove([documents[4][0].doc_id])  # a free slot and freed terms in the file
    index.save(tmp_path / "saved")
    loaded = InvertedIndex.load(tmp_path / "saved")
    _assert_same(loaded, index)
    loaded.add([documents[4]])
    loaded.remove([documents[0][0].doc_id])
    _assert_same(loaded, _fresh(documents[1:]))


# -- kept in step with the catalog ----------------------------------------------------------


def _write(catalog: Catalog, document: KeywordDocument, replaces: Collection[str] = ()) -> None:
    """What `DocumentIndex.add_document` commits to the catalog (vectors aside)."""
    fields, chunks = document
    record = DocumentRecord(
        doc_id=fields.doc_id,
        source=fields.source,
        title=fields.doc_id,
        doc_type=fields.doc_type,
        format="pdf",
        year=fields.year,
        municipality="",
        area=fields.area,
        pages=None,
        rows=None,
        chunk_count=len(chunks),
        added_at="2026-01-01T00:00:00+00:00",
    )
    with catalog.transaction() as conn:
        for doc_id in replaces:
            Catalog.delete_document(conn, WORKSPACE, doc_id)
        Catalog.insert_document(conn, WORKSPACE, f"/docs/{fields.source}", record)
        stored = [
            StoredChunk(chunk_id, fields.doc_id, i, "…", None, None, None, "", {}, terms)
            for i, (chunk_id, terms) in enumerate(chunks)
        ]
        Catalog.insert_chunks(conn, WORKSPACE, stored)
        Catalog.bump_generation(conn, WORKSPACE, [*replaces, fields.doc_id])


def _remove(catalog: Catalog, doc_id: str) -> None:
    with catalog.transaction() as conn:
        Catalog.delete_document(conn, WORKSPACE, doc_id)
        Catalog.bump_generation(conn, WORKSPACE, [doc_id])


_READ_DOCUMENTS = Catalog.keyword_documents


def _assert_matches_catalog(keywords: KeywordIndex, catalog: Catalog) -> None:
    expected = _fresh(list(_READ_DOCUMENTS(catalog, WORKSPACE)))  # not counted as a build
    assert keywords.size() == expected.size()
    for query in QUERIES:
        terms = analyze(query)
        assert keywords.search(terms, 20) == expected.search(terms, 20), query
        assert keywords.search(terms, 20, FILTERS[0]) == expected.search(terms, 20, FILTERS[0])
        assert keywords.document_frequency(terms) == {
            t: expected.document_frequency(t) for t in terms
        }


@pytest.fixture
def full_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every read of all of a workspace's documents (a full build), by workspace."""
    return count_full_reads(monkeypatch)


def test_other_processes_catch_up_with_writes_document_by_document(
    tmp_path: Path, full_reads: list[str]
) -> None:
    path, snapshots = tmp_path / "catalog.sqlite3", tmp_path / "bm25"
    writer, reader = Catalog(path), Catalog(path)  # two processes' connections
    documents = _documents(30)
    for document in documents[:20]:
        _write(writer, document)
    searching = KeywordIndex(reader, snapshots, WORKSPACE)
    _assert_matches_catalog(searching, reader)
    assert full_reads == [WORKSPACE]  # the first search builds once (and saves)
    for document in documents[20:]:
        _write(writer, document)
    _remove(writer, documents[3][0].doc_id)
    _write(writer, (documents[5][0], documents[5][1][:1]), replaces=[documents[5][0].doc_id])
    _assert_matches_catalog(searching, reader)
    # A process started now loads the snapshot and replays the writes made since.
    started = KeywordIndex(Catalog(path), snapshots, WORKSPACE)
    _assert_matches_catalog(started, reader)
    assert full_reads == [WORKSPACE]


def test_a_gap_in_the_change_log_means_a_full_build(
    tmp_path: Path, full_reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, snapshots = tmp_path / "catalog.sqlite3", tmp_path / "bm25"
    catalog = Catalog(path)
    documents = _documents(8)
    _write(catalog, documents[0])
    keywords = KeywordIndex(catalog, snapshots, WORKSPACE)
    _assert_matches_catalog(keywords, catalog)
    monkeypatch.setattr(catalog_module, "_CHANGES_KEPT", 2)
    for document in documents[1:5]:  # the log forgets the first of these writes
        _write(catalog, document)
    _assert_matches_catalog(keywords, catalog)
    assert full_reads == [WORKSPACE, WORKSPACE]
    catalog.reanalyze(lambda text: ["neu"], "test")  # a write that changes every chunk
    _assert_matches_catalog(keywords, catalog)
    assert keywords.search(["neu"], 50) and len(full_reads) == 3


def test_a_restored_catalog_is_never_caught_up_from_its_own_log(
    tmp_path: Path, full_reads: list[str]
) -> None:
    path = tmp_path / "catalog.sqlite3"
    catalog = Catalog(path)
    documents = _documents(6)
    for document in documents[:3]:
        _write(catalog, document)
    keywords = KeywordIndex(catalog, tmp_path / "bm25", WORKSPACE)
    _assert_matches_catalog(keywords, catalog)
    Catalog(path).new_history()  # what a restore does to the copy it puts back
    _write(catalog, documents[3])
    _assert_matches_catalog(keywords, catalog)
    assert full_reads == [WORKSPACE, WORKSPACE]
