"""Which backends are active and how large the index is, in German, for the status page.

`connection_checks` tests what the configuration points at: the vector store, the app
database and the generation backend (`planwerk doctor`'s checks, with one tiny request).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from assistant.index.document_index import DocumentIndex
from assistant.llm.doctor import Check, diagnose
from assistant.platform.config import Settings
from assistant.platform.db import engine_for

EMBEDDER_LABELS = {
    "use": "Universal Sentence Encoder, mehrsprachig (im Paket enthalten, offline)",
    "sentence-transformers": "Sentence-Transformers-Modell",
}
LLM_LABELS = {
    "extractive": "Extraktiv – ohne Sprachmodell, zitierte Sätze aus den Quellen",
    "ollama": "Ollama",
    "openai": "OpenAI-kompatibler Server",
    "llamacpp": "llama.cpp (lokale GGUF-Datei)",
}


@dataclass(frozen=True, slots=True)
class SystemStatus:
    embedder: str
    vector_store: str
    database: str
    generation: str
    extractive: bool
    documents: int
    chunks: int
    data_dir: str
    disk_bytes: int


def system_status(settings: Settings, index: DocumentIndex) -> SystemStatus:
    embedding = settings.embedding
    embedder = EMBEDDER_LABELS[embedding.mode]
    if embedding.mode == "sentence-transformers":
        embedder += f": {embedding.model or 'all-MiniLM-L6-v2 (im Paket enthalten)'}"
    store = settings.vector_store
    vector_store = (
        f"Chroma-Server unter {store.host}:{store.port}"
        if store.mode == "chroma-server"
        else f"Chroma, eingebettet unter {settings.chroma_path}"
    )
    llm = settings.llm
    generation = LLM_LABELS[llm.mode]
    if llm.mode != "extractive":
        details = ", ".join(p for p in (llm.model, llm.base_url) if p)
        generation += f" ({details})" if details else " (kein Modell eingestellt)"
    return SystemStatus(
        embedder=embedder,
        vector_store=vector_store,
        database=_database_label(settings.database),
        generation=generation,
        extractive=llm.mode == "extractive",
        documents=len(index.documents()),
        chunks=index.catalog.chunk_count(index.workspace),
        data_dir=str(settings.data_dir),
        disk_bytes=_size(settings.data_dir),
    )


def connection_checks(settings: Settings, index: DocumentIndex) -> list[Check]:
    """Vector store, app database and generation backend, each with a German result."""
    checks: list[Check] = []
    try:
        count = index.vectors.count(index.workspace)
        checks.append(Check(True, f"Vektorspeicher erreichbar ({count} Vektoren)."))
    except Exception as exc:
        checks.append(
            Check(
                False,
                f"Der Vektorspeicher antwortet nicht ({_short(exc)}).",
                "Bei einem Chroma-Server: „chroma run“ starten und Adresse "
                "PLANWERK_VECTOR_STORE__HOST/PORT prüfen.",
            )
        )
    try:
        with engine_for(settings).connect() as conn:
            conn.execute(text("SELECT 1"))
        checks.append(Check(True, "Datenbank erreichbar."))
    except Exception as exc:
        checks.append(
            Check(
                False,
                f"Die Datenbank antwortet nicht ({_short(exc)}).",
                "PLANWERK_DATABASE_URL prüfen oder leer lassen (dann SQLite im Datenordner).",
            )
        )
    checks.extend(diagnose(settings.llm, probe=True))
    return checks


def _database_label(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite-Datei {parsed.database}"
    return f"{parsed.get_backend_name()} – {parsed.render_as_string(hide_password=True)}"


def _size(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _short(exc: BaseException) -> str:
    message = str(exc).strip() or type(exc).__name__
    return message if len(message) <= 160 else message[:159] + "…"
