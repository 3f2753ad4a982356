"""Shared fixtures: a fresh data directory and the real embedded backends per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.platform.config import Settings
from assistant.services import Services


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    # Keep a developer's planwerk.toml or PLANWERK_* variables out of the tests.
    for key in list(os.environ):
        if key.startswith("PLANWERK_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PLANWERK_CONFIG", str(tmp_path / "absent.toml"))
    return Settings(data_dir=tmp_path / "index")


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    svc = Services(settings)
    yield svc
    svc.close()
