"""Checking a generated answer against the sources it cites, sentence by sentence.

A sentence passes when every `[n]` it carries names a source that exists, the cited text
carries most of its content terms (German-normalised: stems, umlauts folded) — or, with an
embedder, says the same in other words — and every figure in it appears in a cited source.
Sentences that fail are removed (or flagged, by setting); invented source numbers are
always dropped, so no source that was not given to the model reaches the user.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from assistant.language.german import content_terms, fold
from assistant.llm.citations import cited_numbers, keep_valid_markers, strip_markers
from assistant.models import RetrievedChunk, VerifiedSentence
from ingest.sentences import split_sentences

Encode = Callable[[list[str]], np.ndarray]
Policy = Literal["remove", "flag", "keep"]

FLAGS = {
    "unsupported": "[nicht belegt]",
    "uncited": "[ohne Quelle]",
    "number_mismatch": "[Zahl nicht in der Quelle]",
}
# Phrases with which the model says the sources hold no answer (see prompts/).
REFUSAL_PHRASES = ("finde ich dazu nichts", "enthalten die unterlagen keine", "keine angaben")

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_PREFIX = re.compile(r"^(\s*(?:[-*•–]|\d{1,2}[.)])\s+)")
_LEADING_MARKERS = re.compile(r"^((?:\[[^\]]{1,30}\]\s*)+)")
_HEADING = re.compile(r"^\s*(#{1,6}\s|\*\*[^*]+\*\*:?\s*$)")


# A web address as models write them, bare or in Markdown link and image syntax.
_ADDRESS = re.compile(r"(?:https?|ftp)://[^\s)\]>\"']+|www\.[^\s)\]>\"']+", re.IGNORECASE)


@dataclass(slots=True)
class Verification:
    text: str  # the answer as it may be shown
    sentences: list[VerifiedSentence] = field(default_factory=list)

    @property
    def cited(self) -> list[int]:
        """Source numbers the shown text cites, in order of first use."""
        return cited_numbers(self.text)

    @property
    def claims(self) -> list[VerifiedSentence]:
        return [s for s in self.sentences if s.status not in ("structural", "refusal")]

    @property
    def kept_claims(self) -> list[VerifiedSentence]:
        return [s for s in self.claims if s.kept]

    @property
    def removed(self) -> list[VerifiedSentence]:
        return [s for s in self.sentences if not s.kept]

    @property
    def refused(self) -> bool:
        """The model said the sources hold no answer, and claimed nothing that passed."""
        return not self.kept_claims and any(s.status == "refusal" for s in self.sentences)


def canonical_number(token: str) -> str:
    """„118.400“ -> 118400, „24,7“ and „24.7“ -> 24.7: German and English figures meet."""
    if _THOUSANDS.fullmatch(token):
        return token.replace(".", "")
    return token.replace(",", ".")


def numbers_of(text: str) -> set[str]:
    return {canonical_number(n) for n in _NUMBER.findall(text)}


@dataclass(slots=True)
class _Piece:
    line: int
    prefix: str  # bullet or numbering of the line, kept when the text is rebuilt
    text: str
    heading: bool = False


class CitationVerifier:
    def __init__(
        self,
        min_support: float = 0.5,
        encode: Encode | None = None,
        min_similarity: float = 0.62,
        min_support_with_similarity: float = 0.25,
    ) -> None:
        self.min_support = min_support
        self.encode = encode
        self.min_similarity = min_similarity
        self.min_support_with_similarity = min_support_with_similarity

    def verify(
        self, text: str, passages: Sequence[RetrievedChunk], policy: Policy = "remove"
    ) -> Verification:
        """Check each sentence of `text` against `passages` (source [n] is passages[n-1])."""
        valid = set(range(1, len(passages) + 1))
        pieces = _pieces(text)
        _inherit_citations(pieces, valid)
        sentences = [self._check(p, passages, valid) for p in pieces]
        for sentence in sentences:
            sentence.kept = policy != "remove" or sentence.status in (
                "verified",
                "structural",
                "refusal",
            )
        blank = {i for i, line in enumerate(text.strip().split("\n")) if not line.strip()}
        shown = _rebuild(pieces, sentences, policy, valid, blank)
        if not any(s.kept for s in sentences if s.status not in ("structural", "refusal")):
            # Headings without any claim under them would be an empty shell.
            shown = "\n".join(s.text for s in sentences if s.status == "refusal" and s.kept).strip()
        return Verification(shown, sentences)

    def _check(
        self, piece: _Piece, passages: Sequence[RetrievedChunk], valid: set[int]
    ) -> VerifiedSentence:
        numbers = [n for n in cited_numbers(piece.text) if n in valid]
        clean = strip_markers(piece.text)
        folded = fold(clean)
        if not numbers and any(phrase in folded for phrase in REFUSAL_PHRASES):
            return VerifiedSentence(clean, [], "refusal", 0.0)
        if not numbers and _structural(piece, clean):
            return VerifiedSentence(clean, [], "structural", 0.0)
        if not numbers:
            return VerifiedSentence(clean, [], "uncited", 0.0)
        cited = [passages[n - 1].text for n in numbers]
        source = "\n".join(cited)
        if any(address not in source for address in _ADDRESS.findall(clean)):
            # A web address or image the sources do not contain is a channel out (the
            # browser would fetch it), never a finding: unverified, removed.
            return VerifiedSentence(clean, numbers, "unsupported", 0.0)
        if not numbers_of(clean) <= numbers_of(source):
            return VerifiedSentence(clean, numbers, "number_mismatch", self._support(clean, source))
        support = self._support(clean, source)
        if support >= self.min_support or (
            support >= self.min_support_with_similarity and self._similar(clean, cited)
        ):
            return VerifiedSentence(clean, numbers, "verified", support)
        return VerifiedSentence(clean, numbers, "unsupported", support)

    @staticmethod
    def _support(sentence: str, source: str) -> float:
        terms = content_terms(sentence)
        if not terms:
            return 1.0
        return len(terms & content_terms(source)) / len(terms)

    def _similar(self, sentence: str, cited: list[str]) -> bool:
        if self.encode is None:
            return False
        units = [u for text in cited for u in split_sentences(text)] or cited
        vectors = np.asarray(self.encode([sentence, *units]), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit = vectors / np.where(norms == 0, 1.0, norms)
        return float(np.max(unit[1:] @ unit[0])) >= self.min_similarity


def _pieces(text: str) -> list[_Piece]:
    """Sentences with their line and bullet; markers at a sentence start go to the one before."""
    pieces: list[_Piece] = []
    for number, raw in enumerate(text.strip().split("\n")):
        line = raw.rstrip()
        if not line.strip():
            continue
        match = _PREFIX.match(line)
        prefix = match.group(1).lstrip() if match else ""
        body = line[match.end() :] if match else line.strip()
        heading = bool(_HEADING.match(line))
        for sentence in split_sentences(body):
            lead = _LEADING_MARKERS.match(sentence)
            if lead and pieces and cited_numbers(lead.group(1)):
                pieces[-1].text = _append_markers(pieces[-1].text, lead.group(1).strip())
                sentence = sentence[lead.end() :].strip()
            if sentence:
                pieces.append(_Piece(number, prefix, sentence, heading))
    return pieces


def _inherit_citations(pieces: list[_Piece], valid: set[int]) -> None:
    """An uncited sentence takes the citations of the next cited sentence of its line.

    Models often cite once at the end of a short run of sentences; each sentence is still
    checked against those sources, and shows the marker it was checked against.
    """
    for i, piece in enumerate(pieces):
        if piece.heading or any(n in valid for n in cited_numbers(piece.text)):
            continue
        for later in pieces[i + 1 :]:
            if later.line != piece.line:
                break
            numbers = [n for n in cited_numbers(later.text) if n in valid]
            if numbers:
                piece.text = _append_markers(piece.text, "".join(f"[{n}]" for n in numbers))
                break


def _append_markers(sentence: str, markers: str) -> str:
    """Put markers before the sentence's final punctuation: „… Prozent [2].“"""
    stripped = sentence.rstrip()
    end = len(stripped)
    while end and stripped[end - 1] in ".!?:;":
        end -= 1
    return f"{stripped[:end]} {markers}{stripped[end:]}"


def _structural(piece: _Piece, clean: str) -> bool:
    """A heading or lead-in („Im Einzelnen:“) that claims nothing by itself."""
    if piece.heading:
        return True
    words = clean.split()
    return clean.endswith(":") and len(words) <= 8 and not _NUMBER.search(clean)


def _rebuild(
    pieces: list[_Piece],
    sentences: list[VerifiedSentence],
    policy: Policy,
    valid: set[int],
    blank: set[int],
) -> str:
    lines: dict[int, list[str]] = {}
    prefixes: dict[int, str] = {}
    for piece, sentence in zip(pieces, sentences, strict=True):
        prefixes.setdefault(piece.line, piece.prefix)
        if not sentence.kept:
            continue
        shown = keep_valid_markers(piece.text, valid)
        if policy == "flag" and sentence.status in FLAGS:
            shown = _append_markers(shown, FLAGS[sentence.status])
        lines.setdefault(piece.line, []).append(shown)
    out: list[str] = []
    previous = None
    for number in sorted(lines):
        if previous is not None and any(previous < b < number for b in blank):
            out.append("")  # keep the model's paragraph breaks
        out.append(prefixes[number] + " ".join(lines[number]))
        previous = number
    return "\n".join(out)
