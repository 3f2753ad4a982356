"""Ingest several files with a progress bar and a German result line per file."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from assistant.documents.ingestion import IngestResult, IngestStatus, Progress
from ui.labels import STATUS_TEXT, status_line

# A file's name and how to ingest it, reporting its progress to the callback it is given.
IngestJob = tuple[str, Callable[[Progress], IngestResult]]


def ingest_with_progress(jobs: Sequence[IngestJob]) -> list[IngestResult]:
    """Run the jobs in order; every file shows its own bar (what was read, how much is
    embedded), then its result."""
    bars = []
    for name, _ in jobs:
        box = st.container()
        bars.append((box, box.progress(0.0, text=f"{name}: wartet …")))
    results = []
    for (name, run), (box, bar) in zip(jobs, bars, strict=True):
        bar.progress(0.05, text=f"{name}: wird eingelesen …")

        def report(share: float, text: str, name: str = name, bar: DeltaGenerator = bar) -> None:
            bar.progress(min(max(share, 0.0), 1.0), text=f"{name}: {text}")

        result = run(report)
        icon, word = STATUS_TEXT[result.status]
        bar.progress(1.0, text=f"{name}: {icon} {word}")
        show_result(result, box)
        results.append(result)
    return results


def show_result(result: IngestResult, where: DeltaGenerator | None = None) -> None:
    target = where or st
    if result.status == IngestStatus.REFUSED:
        target.error(status_line(result))
    else:
        target.markdown(status_line(result))


def summary(results: Sequence[IngestResult]) -> str:
    counts = {status: 0 for status in IngestStatus}
    for result in results:
        counts[result.status] += 1
    parts = [f"{counts[s]} {STATUS_TEXT[s][1].lower()}" for s in IngestStatus if counts[s]]
    noun = "Datei" if len(results) == 1 else "Dateien"
    return f"{len(results)} {noun}: " + ", ".join(parts) + "."
