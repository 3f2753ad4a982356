"""Metadata filters shared by lexical and dense search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Restrict search to chunks whose document matches every non-empty field."""

    doc_types: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    areas: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.doc_types or self.years or self.areas or self.sources or self.doc_ids)

    def matches(self, metadata: dict[str, Any]) -> bool:
        """Whether a chunk with this (vector store) metadata passes the filter."""
        return all(not values or metadata.get(field) in values for field, values in self._fields())

    def _fields(self) -> tuple[tuple[str, tuple[Any, ...]], ...]:
        return (
            ("doc_type", self.doc_types),
            ("year", self.years),
            ("area", self.areas),
            ("source", self.sources),
            ("doc_id", self.doc_ids),
        )

    def chroma_where(self) -> dict[str, Any] | None:
        """The same filter in Chroma's `where` syntax."""
        clauses: list[dict[str, Any]] = [
            {field: {"$in": list(values)}} for field, values in self._fields() if values
        ]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}
