"""The demo municipality Lindwerden (data/sample/generated), loadable in one click."""

from __future__ import annotations

from pathlib import Path

from assistant.documents.ingestion import expand_paths

DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "sample" / "generated"


def demo_files(directory: Path | None = None) -> list[Path]:
    """The demo corpus's files in ingest order; empty when the folder is missing."""
    directory = directory or DEMO_DIR
    if not directory.is_dir():
        return []
    return list(expand_paths([directory]))
