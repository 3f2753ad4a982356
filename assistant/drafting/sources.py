"""The sources a draft section cites as `[n]`: passages, indicator facts and chat snippets.

A section stores its sources as a JSON list (column `draft_sections.citations`); source
`[n]` is entry n-1. An indicator source carries the cells it read and the computations it
made in its `text`, so the source list of an exported draft shows every figure's origin.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from assistant.models import RetrievedChunk

SourceKind = Literal["passage", "indicator", "snippet"]


@dataclass(slots=True)
class DraftSource:
    kind: SourceKind
    label: str  # German location: „Sozialbericht 2024, S. 21 – 11 Stadtteilprofile“
    text: str  # the passage, or the indicator values with their cells and computations
    source: str = ""  # file name
    doc_id: str = ""
    page: int | None = None
    sheet: str | None = None
    row: int | None = None
    heading: str = ""
    # Indicator sources: the cells read, each {"role", "source", "sheet", "row", "column",
    # "column_name", "value_text"}; role is "quartier", "stadt" or "start".
    cells: list[dict[str, Any]] = field(default_factory=list)

    def key(self) -> tuple[object, ...]:
        """Identity across sections: the same passage or fact is listed once on export."""
        if self.kind == "indicator":
            return (self.kind, self.text)
        return (self.kind, self.source, self.page, self.sheet, self.row, self.text)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DraftSource:
        return cls(
            kind=data.get("kind", "passage"),
            label=str(data.get("label", "")),
            text=str(data.get("text", "")),
            source=str(data.get("source", "")),
            doc_id=str(data.get("doc_id", "")),
            page=data.get("page"),
            sheet=data.get("sheet"),
            row=data.get("row"),
            heading=str(data.get("heading", "")),
            cells=list(data.get("cells") or []),
        )


def passage_source(chunk: RetrievedChunk, text: str | None = None) -> DraftSource:
    """A retrieved passage as a draft source (the whole chunk text unless `text` is given)."""
    label = chunk.ref.label()
    if chunk.ref.heading:
        label += f" – {chunk.ref.heading}"
    return DraftSource(
        kind="passage",
        label=label,
        text=text if text is not None else chunk.text,
        source=chunk.ref.source,
        doc_id=chunk.ref.doc_id,
        page=chunk.ref.page,
        sheet=chunk.ref.sheet,
        row=chunk.ref.row,
        heading=chunk.ref.heading,
    )


def sources_to_json(sources: list[DraftSource]) -> list[dict[str, Any]]:
    return [s.to_json() for s in sources]


def sources_from_json(data: list[dict[str, Any]] | None) -> list[DraftSource]:
    return [DraftSource.from_json(d) for d in data or []]
