from pathlib import Path

import pytest

from assistant.platform.config import Settings


def test_environment_overrides_toml_and_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = tmp_path / "planwerk.toml"
    toml.write_text(
        'workspace = "kreis"\n[chunking]\nmax_chars = 900\n[llm]\nmode = "ollama"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("PLANWERK_CONFIG", str(toml))
    monkeypatch.setenv("PLANWERK_LLM__MODE", "openai")
    settings = Settings()
    assert settings.workspace == "kreis"
    assert settings.chunking.max_chars == 900
    assert settings.llm.mode == "openai"  # env beats the file
    assert settings.embedding.mode == "use"  # untouched default


def test_data_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANWERK_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("PLANWERK_DATA_DIR", str(tmp_path / "x"))
    settings = Settings()
    assert settings.data_dir == tmp_path / "x"
    assert settings.catalog_path == tmp_path / "x" / "catalog.sqlite3"
