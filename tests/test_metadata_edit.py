"""Editing doc_type, year and area changes both search paths: BM25 (catalog) and Chroma."""

from __future__ import annotations

import pytest

from assistant.index.filters import SearchFilters
from assistant.index.metadata_edit import MetadataError, update_document_metadata
from assistant.services import Services
from tests.index_helpers import add, make_document


def _ids(services: Services, filters: SearchFilters) -> set[str]:
    query = "SGB-II-Quote Hafenviertel"
    lexical = services.index.keywords.search(["sgb", "quot", "hafenviertel"], 10, filters)
    vector = services.embedder.encode([query])[0]
    dense = services.index.vectors.query(services.index.workspace, vector, 10, filters)
    return {i for i, _ in lexical} | {i for i, _ in dense}


def test_edit_updates_catalog_and_vectors(services: Services) -> None:
    record, chunks = make_document(["Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent."])
    add(services.index, services.embedder, record, chunks)
    by_area = SearchFilters(areas=("Hafenviertel",), years=(2021,), doc_types=("minutes",))
    assert _ids(services, by_area) == set()

    updated = update_document_metadata(
        services.index, record.doc_id, doc_type="minutes", year=2021, area=" Hafenviertel "
    )
    assert (updated.doc_type, updated.year, updated.area) == ("minutes", 2021, "Hafenviertel")
    assert services.index.documents()[0] == updated
    assert _ids(services, by_area) == {chunks[0].chunk_id}
    metadata = services.index.vectors._collection("default").get(ids=[chunks[0].chunk_id])
    assert metadata["metadatas"][0]["area"] == "Hafenviertel"
    assert metadata["metadatas"][0]["year"] == 2021

    cleared = update_document_metadata(
        services.index, record.doc_id, doc_type="plan", year=None, area=""
    )
    assert (cleared.year, cleared.area) == (None, "")
    metadata = services.index.vectors._collection("default").get(ids=[chunks[0].chunk_id])
    assert "area" not in metadata["metadatas"][0]
    assert "year" not in metadata["metadatas"][0]
    assert _ids(services, SearchFilters(doc_types=("plan",))) == {chunks[0].chunk_id}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"doc_type": "roman", "year": 2020, "area": ""}, "Dokumenttyp"),
        ({"doc_type": "plan", "year": 20, "area": ""}, "Jahr"),
        ({"doc_type": "plan", "year": 2020, "area": "x" * 101}, "zu lang"),
    ],
)
def test_invalid_edits_are_refused(services: Services, kwargs: dict, message: str) -> None:
    record, chunks = make_document(["Ein Satz über das Nordviertel."])
    add(services.index, services.embedder, record, chunks)
    with pytest.raises(MetadataError, match=message):
        update_document_metadata(services.index, record.doc_id, **kwargs)
    assert services.index.documents()[0] == record


def test_failed_catalog_write_restores_vector_metadata(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    record, chunks = make_document(["Ein Satz über das Nordviertel."])
    add(services.index, services.embedder, record, chunks)

    def broken_bump(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("assistant.index.metadata_edit.Catalog.bump_generation", broken_bump)
    with pytest.raises(RuntimeError):
        update_document_metadata(
            services.index, record.doc_id, doc_type="minutes", year=2020, area="Nord"
        )
    assert services.index.documents()[0] == record
    metadata = services.index.vectors._collection("default").get(ids=[chunks[0].chunk_id])
    assert metadata["metadatas"][0]["doc_type"] == "plan"
    assert "area" not in metadata["metadatas"][0]
