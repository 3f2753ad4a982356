"""German labels for what the library returns as codes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.documents.ingestion import IngestResult

DOC_TYPE_LABELS = {
    "plan": "Plan / Bericht",
    "funding_call": "Förderaufruf",
    "indicators": "Indikatoren / Tabelle",
    "concept": "Konzept",
    "minutes": "Protokoll / Beschluss",
    "other": "Sonstiges",
}

# Icon and word: the status never relies on colour alone. Keyed by the values of
# `IngestStatus` (a StrEnum, so its members find them): importing the enum's module loads
# every file loader, which pages that only show labels (the chat) need not wait for.
STATUS_TEXT = {
    "indexed": ("✅", "Indexiert"),
    "unchanged": ("⏺️", "Unverändert"),
    "replaced": ("🔄", "Ersetzt"),
    "refused": ("⛔", "Abgelehnt"),
}


def doc_type_label(doc_type: str) -> str:
    return DOC_TYPE_LABELS.get(doc_type, doc_type)


def status_line(result: IngestResult) -> str:
    icon, word = STATUS_TEXT[result.status]
    return f"{icon} **{word}** – {result.source}: {result.message}"


def german_datetime(iso: str) -> str:
    """„2025-03-01T10:15:00+00:00“ -> „01.03.2025, 10:15“ (local time)."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%d.%m.%Y, %H:%M")
    except ValueError:
        return iso


def german_size(size: int) -> str:
    value = float(size)
    for unit in ("Byte", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            text = f"{value:.0f}" if unit == "Byte" else f"{value:.1f}".replace(".", ",")
            return f"{text} {unit}"
        value /= 1024
    return f"{size} Byte"
