"""Cue words of the question notions, read from `prompts/fragen.yaml`.

A cue is a phrase of whole words, matched case-insensitively against a question's words; a
word of a cue may end (or start) with `*` to match any word that starts (or ends) with the
rest, and `*x*` matches words containing x. Matching words instead of writing regular
expressions keeps every notion's vocabulary in one data file that planners can read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache

WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:-[^\W\d_]+|-\d+)*")


def words_of(text: str) -> list[str]:
    """The lowercased words and numbers of a text, in order."""
    return [match.group(0).lower() for match in WORD.finditer(text)]


def _word_matches(pattern: str, word: str) -> bool:
    if pattern.startswith("*") and pattern.endswith("*") and len(pattern) > 2:
        return pattern[1:-1] in word
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    if pattern.startswith("*"):
        return word.endswith(pattern[1:])
    return word == pattern


@dataclass(frozen=True, slots=True)
class Span:
    """Words `start` to `end` (exclusive) of a word list."""

    start: int
    end: int


class CueList:
    """The phrases of one notion."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self.phrases = tuple(tuple(words_of_pattern(p)) for p in phrases if str(p).strip())

    def find(self, words: Sequence[str], start: int = 0) -> Span | None:
        """The first (then longest) phrase occurring at or after word `start`."""
        for i in range(start, len(words)):
            best = 0
            for phrase in self.phrases:
                n = len(phrase)
                if (
                    n > best
                    and i + n <= len(words)
                    and all(_word_matches(p, w) for p, w in zip(phrase, words[i : i + n]))  # noqa: B905
                ):
                    best = n
            if best:
                return Span(i, i + best)
        return None

    def find_all(self, words: Sequence[str]) -> list[Span]:
        spans = []
        position = 0
        while (span := self.find(words, position)) is not None:
            spans.append(span)
            position = span.end
        return spans

    def in_words(self, words: Sequence[str]) -> bool:
        return self.find(words) is not None

    def in_text(self, text: str) -> bool:
        return self.in_words(words_of(text))

    def words(self) -> frozenset[str]:
        """The one-word cues, for lists of words rather than phrases."""
        return frozenset(phrase[0] for phrase in self.phrases if len(phrase) == 1)

    def starts(self, words: Sequence[str]) -> bool:
        span = self.find(words[:8])
        return span is not None and span.start == 0

    def matches_word(self, word: str) -> bool:
        """Whether one word is a one-word cue."""
        lowered = word.lower()
        return any(len(p) == 1 and _word_matches(p[0], lowered) for p in self.phrases)


def words_of_pattern(phrase: str) -> list[str]:
    return str(phrase).lower().split()


def alternation(cue_list: CueList) -> str:
    """The one-word cues of a list as a regular-expression alternation, longest first
    (for the few places that must find cue words inside longer patterns)."""
    words = sorted(cue_list.words(), key=len, reverse=True)
    return "|".join(re.escape(w.strip("*")) for w in words)


@dataclass(frozen=True, eq=False)  # hashed by identity: one instance per process
class Cues:
    """Every notion of `prompts/fragen.yaml` (see there for what each means)."""

    quantity: CueList
    measure_nouns: CueList
    rate_words: CueList
    rate_kinds: CueList
    amount_words: CueList
    time: CueList
    when: CueList
    time_nouns: CueList
    time_units: CueList
    separable_particles: CueList
    deadline_words: CueList
    count: CueList
    which: CueList
    circumstance_start: CueList
    value_words: CueList
    question_words: CueList
    verb_start: CueList
    yes_no_start: CueList
    definition_start: CueList
    method_start: CueList
    method_verbs: CueList
    highest: CueList
    lowest: CueList
    ranking: CueList
    change: CueList
    decrease: CueList
    deviation: CueList
    share: CueList
    together: CueList
    share_of: CueList
    share_whole_after: CueList
    located: CueList
    not_summable: CueList
    city: CueList
    above: CueList
    below: CueList
    area_nouns: CueList
    code_words: CueList
    index: CueList
    burden: CueList
    limit_nouns: CueList
    limit_checks: CueList
    limit_cues: CueList
    bounds: CueList
    meta_words: CueList
    document_words: CueList
    defining_verbs: CueList
    forward_reference: CueList
    referring_words: CueList
    difference: CueList
    summary: CueList
    planned_words: CueList
    clause_start: CueList
    anaphora_start: CueList
    place_before: CueList
    place_nouns: CueList
    reference_words: CueList
    generic_indicator_words: CueList
    total_words: CueList
    number_words: dict[str, int]


@lru_cache(maxsize=1)
def cues() -> Cues:
    from assistant.platform.templates import prompt_data

    data = prompt_data("fragen.yaml")
    values: dict[str, object] = {}
    for field in fields(Cues):
        raw = data[field.name]
        if field.name == "number_words":
            values[field.name] = {str(k).lower(): int(v) for k, v in raw.items()}
        else:
            values[field.name] = CueList(str(item) for item in raw)
    return Cues(**values)  # type: ignore[arg-type]
