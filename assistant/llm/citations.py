"""Citation markers `[n]` in model output: parsing, cleaning, and a guard for streams.

Models write markers in several shapes ("[2]", "[1, 3]", "[1-3]", "[Quelle 2]"); all are
read, and written back as "[1][3]" with only the numbers of sources that exist, so an
invented source number never reaches the user — not even while the text is streaming.
"""

from __future__ import annotations

import re
from collections.abc import Collection

MARKER = re.compile(
    r"\[\s*(?:Quellen?\s*|Nr\.\s*)?(\d{1,3}(?:\s*(?:,|;|-|–|und)\s*(?:Quelle\s*)?\d{1,3})*)\s*\]",
    re.IGNORECASE,
)
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([.,;:!?])")
_DOUBLE_SPACE = re.compile(r"[ \t]{2,}")
# An opened "[" that has not closed after this many characters is ordinary text.
_MAX_MARKER = 32


def marker_numbers(body: str) -> list[int]:
    """Numbers of one marker body ("1, 3", "2-4", "Quelle 2") in order, ranges expanded."""
    numbers: list[int] = []
    for part in re.split(r"\s*(?:,|;|und)\s*", body):
        bounds = [int(n) for n in re.findall(r"\d+", part)]
        if len(bounds) == 2 and bounds[0] < bounds[1] <= bounds[0] + 20:
            numbers.extend(range(bounds[0], bounds[1] + 1))
        else:
            numbers.extend(bounds)
    return numbers


def cited_numbers(text: str) -> list[int]:
    """Every source number cited in `text`, in order of first appearance."""
    seen: dict[int, None] = {}
    for match in MARKER.finditer(text):
        for n in marker_numbers(match.group(1)):
            seen.setdefault(n, None)
    return list(seen)


def strip_markers(text: str) -> str:
    """The text without citation markers (for term and number checks)."""
    return _tidy(MARKER.sub("", text))


def keep_valid_markers(text: str, valid: Collection[int]) -> str:
    """Rewrite every marker as "[a][b]" with only numbers in `valid`; drop empty ones."""

    def replace(match: re.Match[str]) -> str:
        numbers = dict.fromkeys(n for n in marker_numbers(match.group(1)) if n in valid)
        return "".join(f"[{n}]" for n in numbers)

    return _tidy(MARKER.sub(replace, text))


def _tidy(text: str) -> str:
    return _DOUBLE_SPACE.sub(" ", _SPACE_BEFORE_PUNCT.sub(r"\1", text)).strip(" \t")


class CitationGuard:
    """Filters a token stream so that only markers of existing sources pass.

    Text after a "[" is held back until the bracket closes (or clearly is not a marker);
    everything else passes through at once.
    """

    def __init__(self, valid: Collection[int]) -> None:
        self._valid = frozenset(valid)
        self._held = ""

    def feed(self, token: str) -> str:
        out: list[str] = []
        for char in token:
            if self._held:
                self._held += char
                if char == "]":
                    out.append(self._release())
                elif len(self._held) > _MAX_MARKER or char == "\n":
                    out.append(self._held)
                    self._held = ""
            elif char == "[":
                self._held = char
            else:
                out.append(char)
        return "".join(out)

    def flush(self) -> str:
        held, self._held = self._held, ""
        return held

    def _release(self) -> str:
        held, self._held = self._held, ""
        match = MARKER.fullmatch(held)
        if match is None:
            return held
        numbers = dict.fromkeys(n for n in marker_numbers(match.group(1)) if n in self._valid)
        return "".join(f"[{n}]" for n in numbers)
