"""The sources a draft section cites as `[n]`: passages, indicator facts and chat snippets.

A section stores its sources as a JSON list (column `draft_sections.citations`); source
`[n]` is entry n-1. An indicator source carries the cells it read and the computations it
made in its `text`, so the source list of an exported draft shows every figure's origin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.models import RetrievedChunk, SourceRef

SourceKind = Literal["passage", "indicator", "snippet"]


@dataclass(slots=True)
class DraftSource:
    kind: SourceKind
    label: str  # German location: „Sozialbericht 2024, S. 21 – 11 Stadtteilprofile“
    text: str  # the passage, or the indicator values with their cells and computations
    ref: SourceRef | None = None  # where it stands; None for a computation of its own
    # Indicator sources: the cells read, each {"role", "source", "sheet", "row", "column",
    # "column_name", "value_text"}; role is "quartier", "stadt" or "start".
    cells: list[dict[str, Any]] = field(default_factory=list)

    def key(self) -> tuple[object, ...]:
        """Identity across sections: the same passage or fact is listed once on export."""
        if self.kind == "indicator":
            return (self.kind, self.text)
        ref = self.ref or _NOWHERE
        return (self.kind, ref.source, ref.page, ref.sheet, ref.row, self.text)

    def to_json(self) -> dict[str, Any]:
        """The stored shape (column `draft_sections.citations`; keys are only ever added)."""
        ref = self.ref or _NOWHERE
        return {
            "kind": self.kind,
            "label": self.label,
            "text": self.text,
            "doc_id": ref.doc_id,
            **ref.to_json(),
            "cells": list(self.cells),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DraftSource:
        located = any(data.get(key) not in (None, "") for key in _LOCATION_KEYS)
        return cls(
            kind=data.get("kind", "passage"),
            label=str(data.get("label", "")),
            text=str(data.get("text", "")),
            ref=SourceRef.from_json(data) if located else None,
            cells=list(data.get("cells") or []),
        )


_NOWHERE = SourceRef("", "")
_LOCATION_KEYS = ("doc_id", "source", "page", "sheet", "row", "heading", "column")


def passage_source(chunk: RetrievedChunk, text: str | None = None) -> DraftSource:
    """A retrieved passage as a draft source (the whole chunk text unless `text` is given)."""
    label = chunk.ref.label()
    if chunk.ref.heading:
        label += f" – {chunk.ref.heading}"
    return DraftSource(
        kind="passage",
        label=label,
        text=text if text is not None else chunk.text,
        ref=chunk.ref,
    )


def sources_to_json(sources: list[DraftSource]) -> list[dict[str, Any]]:
    return [s.to_json() for s in sources]


def sources_from_json(data: list[dict[str, Any]] | None) -> list[DraftSource]:
    return [DraftSource.from_json(d) for d in data or []]
