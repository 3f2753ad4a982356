"""Rewriting `[n]` markers: per-section numbers to new numbers (export, take-over, models)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from assistant.llm.citations import MARKER, marker_numbers

# Lines that stand for a table of the section (rendered from `details`, not from text).
TABLE_LINE = re.compile(r"^\s*\[Tabelle: (?P<name>[^\]]+)\]\s*$")
GAP = re.compile(r"\[Ergänzen:[^\]]*\]")


def map_markers(text: str, number: Callable[[int], int | None]) -> str:
    """Replace every marker's numbers by `number(n)`; numbers mapped to None are dropped."""

    def replace(match: re.Match[str]) -> str:
        mapped = [number(n) for n in marker_numbers(match.group(1))]
        kept = dict.fromkeys(m for m in mapped if m is not None)
        return "".join(f"[{m}]" for m in kept)

    return MARKER.sub(replace, text)


def renumber(text: str, mapping: Mapping[int, int]) -> str:
    """Markers rewritten by `mapping` (old -> new); unmapped numbers are dropped."""
    return map_markers(text, mapping.get)


def shift_markers(text: str, offset: int) -> str:
    """Every marker number plus `offset` (for appending text with its own sources)."""
    return map_markers(text, lambda n: n + offset)


def first_use_order(text: str) -> list[int]:
    """Marker numbers in order of first appearance."""
    seen: dict[int, None] = {}
    for match in MARKER.finditer(text):
        for n in marker_numbers(match.group(1)):
            seen.setdefault(n, None)
    return list(seen)
