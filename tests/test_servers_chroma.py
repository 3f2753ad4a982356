"""The document index against a real Chroma server (`chroma run`, started by
`make test-servers`): writes, deletes, reconcile, workspace isolation, and the same answers
as the embedded store."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.index.document_index import DocumentIndex
from assistant.index.embedders import Embedder
from assistant.index.vector_store import make_client
from assistant.platform.config import Settings
from assistant.retrieval.hybrid import MultiWorkspaceRetriever
from assistant.services import Services
from tests.index_helpers import add, make_document
from tests.server_env import on_chroma_server, requires_chroma, unique_workspace
from tests.workspace_corpus import (
    LINDENFELD,
    with_shared_embedder,
    write_knowledge_base,
    write_town,
)

pytestmark = requires_chroma


@pytest.fixture
def server_settings(settings: Settings) -> Settings:
    return on_chroma_server(settings).model_copy(update={"workspace": unique_workspace("idx")})


def test_index_writes_searches_and_deletes_on_the_server(
    server_settings: Settings, services: Services
) -> None:
    embedder: Embedder = services.embedder
    index = DocumentIndex(server_settings)
    record, chunks = make_document(
        ["Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent.", "Kita-Plätze im Nordviertel."]
    )
    add(index, embedder, record, chunks)
    client = make_client(server_settings)
    collection = client.get_collection(index.vectors.collection_name(index.workspace))
    assert collection.count() == 2
    hits = index.vectors.query(index.workspace, embedder.encode(["SGB-II-Quote Hafen"])[0], 2)
    assert hits[0][0] == chunks[0].chunk_id

    # A vector the catalog does not know (a crash between the steps) is swept.
    index.vectors.add(
        index.workspace, ["orphan"], embedder.encode(["verwaist"]), [{"doc_id": "weg"}]
    )
    assert index.reconcile() == 1
    assert index.vectors.ids(index.workspace) == {c.chunk_id for c in chunks}

    assert index.remove_document(record.doc_id)
    assert collection.count() == 0
    index.close()


def test_workspaces_are_separate_collections_on_the_server(
    server_settings: Settings, services: Services
) -> None:
    embedder = services.embedder
    first = DocumentIndex(server_settings)
    second = DocumentIndex(server_settings.model_copy(update={"workspace": unique_workspace("b")}))
    text = "Das Stadtteilbüro im Hafenviertel berät Familien."
    record, chunks = make_document([text])
    add(first, embedder, record, chunks)
    vector = embedder.encode([text])[0]
    assert first.vectors.query(first.workspace, vector, 5)
    assert second.vectors.query(second.workspace, vector, 5) == []
    assert second.catalog.chunk_ids(second.workspace) == set()
    first.close()
    second.close()


def test_server_and_embedded_store_give_the_same_answers(
    settings: Settings, tmp_path: Path
) -> None:
    """Ingest the same files into the embedded store and into the server: same answers,
    also with an attached knowledge base searched on the server."""
    workspace = unique_workspace("stadt")
    questions = [
        "Wie viele Kita-Plätze gibt es im Hafenviertel?",
        "Was plant die Stadt für den Nordviertel?",
        "Wie hoch ist der Fördersatz im Förderaufruf Starke Quartiere?",
        "Wie beginnt Beteiligung in der Sozialplanung?",
    ]
    kb = unique_workspace("wissen")
    results = []
    for mode, data_dir in (("embedded", tmp_path / "a"), ("server", tmp_path / "b")):
        configured = settings.model_copy(update={"data_dir": data_dir, "workspace": workspace})
        if mode == "server":
            configured = on_chroma_server(configured)
        services = with_shared_embedder(Services(configured))
        for path in write_town(tmp_path / "files", LINDENFELD)[1:]:
            services.pipeline.ingest_file(path)
        knowledge = services.for_workspace(kb)
        for path in write_knowledge_base(tmp_path / "kb"):
            knowledge.pipeline.ingest_file(path)
        # Attach the knowledge base the way Services does for attached workspaces.
        services.__dict__["knowledge_bases"] = [kb]
        assert isinstance(services.retriever, MultiWorkspaceRetriever)
        results.append(
            [json.dumps(services.answers.ask(q).to_json(), ensure_ascii=False) for q in questions]
        )
        funding = services.answers.ask(questions[2])
        assert {c.metadata["workspace"] for c in funding.retrieved} == {workspace, kb}
        knowledge.close()
        services.close()
    assert results[0] == results[1]


def test_vectors_keep_float32_precision_through_the_server(
    server_settings: Settings, services: Services
) -> None:
    index = DocumentIndex(server_settings)
    vectors = services.embedder.encode(["Erster Text.", "Zweiter Text."])
    index.vectors.add(index.workspace, ["a", "b"], vectors, [{"doc_id": "x"}, {"doc_id": "x"}])
    collection = make_client(server_settings).get_collection(
        index.vectors.collection_name(index.workspace)
    )
    stored = collection.get(ids=["a", "b"], include=["embeddings"])
    # float32 survives: the round trip may move the last bit (1e-8 here), a half-precision
    # or truncated transport would move the fourth decimal.
    np.testing.assert_allclose(np.asarray(stored["embeddings"]), vectors, rtol=0, atol=1e-7)
    index.close()
