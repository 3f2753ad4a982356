"""The parts of a funding guideline a question asks for (`prompts/richtlinien.yaml`).

A guideline answers „Wer darf einen Antrag stellen?“ under „Zuwendungsempfänger“ with
„Antragsberechtigt sind …“ and „Wie hoch ist die Förderquote?“ under „Art, Umfang und Höhe
der Zuwendung“ with „Es werden bis zu 85 Prozent … bezuschusst“: the question and the
answer share few words, but the section the answer stands in is predictable, because
German guidelines follow one pattern of parts. The question analysis names the parts a
question asks for; re-ranking favours funding-call chunks under a heading of those parts.

Guidelines also refer to their own numbered sections („mit den in Nummer 10 genannten
Unterlagen“); `section_references` finds such references so the answer can quote the
section they name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from assistant.language.cues import CueList, words_of
from ingest.chunking import leaf_heading

FUNDING_CALL = "funding_call"  # the document type of guidelines and calls


@dataclass(frozen=True, slots=True)
class GuidelinePart:
    name: str
    label: str  # the part's name in an answer
    question: CueList  # a question with one of these asks for the part
    heading: CueList  # a section heading with one of these is the part
    asks: str = ""  # an answer kind asking for the part when no cue word names one: "time"


@lru_cache(maxsize=1)
def guideline_parts() -> tuple[GuidelinePart, ...]:
    from assistant.platform.templates import prompt_data

    data = prompt_data("richtlinien.yaml")["parts"]
    return tuple(
        GuidelinePart(
            name=str(name),
            label=str(part["label"]),
            question=CueList(str(c) for c in part["question"]),
            heading=CueList(str(c) for c in part["heading"]),
            asks=str(part.get("asks", "")),
        )
        for name, part in data.items()
    )


def parts_asked(words: Sequence[str], kinds: frozenset[str]) -> frozenset[str]:
    """The parts a question asks for by its words; failing those, by its answer `kinds`
    („Bis wann …?“ asks for the procedure: "time")."""
    parts = guideline_parts()
    named = frozenset(p.name for p in parts if p.question.in_words(words))
    return named or frozenset(p.name for p in parts if p.asks and p.asks in kinds)


def in_asked_part(asked: frozenset[str], doc_type: str, heading: str) -> bool:
    """Whether a chunk of a document type, under a heading path, is a funding call's
    section of one of the `asked` parts („4 Antragsberechtigte“ for „Wer darf …?“)."""
    if not asked or doc_type != FUNDING_CALL:
        return False
    return bool(asked & parts_of_heading(leaf_heading(heading)))


@lru_cache(maxsize=4096)
def parts_of_heading(heading: str) -> frozenset[str]:
    """The parts a section heading names („VI. Art und Umfang, Höhe der Zuwendung“: hoehe)."""
    words = words_of(heading)
    return frozenset(p.name for p in guideline_parts() if p.heading.in_words(words))


@dataclass(frozen=True, slots=True)
class _ReferenceCues:
    nouns: CueList
    verbs: CueList


@lru_cache(maxsize=1)
def _reference_cues() -> _ReferenceCues:
    from assistant.platform.templates import prompt_data

    data = prompt_data("richtlinien.yaml")["references"]
    return _ReferenceCues(CueList(data["nouns"]), CueList(data["verbs"]))


# A section number as headings start with it: „10“, „4.2“, „10.“ (not a year).
_SECTION_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?(?=\s)")
_VERB_WITHIN = 2


def section_references(text: str) -> list[str]:
    """The numbers of the sections a sentence refers to („mit den in Nummer 10 genannten
    Unterlagen“: ["10"]), in order, without repeats."""
    cue = _reference_cues()
    words = words_of(text)
    found: list[str] = []
    for i, word in enumerate(words[:-1]):
        number = words[i + 1].rstrip(".")
        if not (cue.nouns.matches_word(word) and _SECTION_NUMBER.match(f"{number} ")):
            continue
        after = words[i + 2 : i + 2 + _VERB_WITHIN]
        if any(cue.verbs.matches_word(w) for w in after) and number not in found:
            found.append(number)
    return found


def heading_number(heading: str) -> str | None:
    """The section number a heading starts with („10 Erforderliche Unterlagen“: "10")."""
    match = _SECTION_NUMBER.match(heading.strip())
    return match.group(1) if match else None


@cache
def _cue_list(key: str) -> CueList:
    """A cue list of prompts/richtlinien.yaml by its key („rule_words“, „frame_cues“ …)."""
    from assistant.platform.templates import prompt_data

    return CueList(str(c) for c in prompt_data("richtlinien.yaml")[key])


def states_rule(text: str) -> bool:
    """Whether a guideline's sentence states a rule: an obligation, a bound, an exclusion."""
    return _cue_list("rule_words").in_text(text)


def states_exception(text: str) -> bool:
    """Whether a guideline's sentence states a special case („Sofern …“, „… abweichend
    von Nummer 6.1 …“) rather than the rule."""
    words = words_of(text)
    opens = _cue_list("exception_start").starts(words)
    return opens or _cue_list("exception_words").in_words(words)


def frames_application(text: str) -> bool:
    """Whether a call's statement frames an application (an exclusion, the way the grant
    is given, a duty after the grant) instead of asking for content of the draft."""
    return _cue_list("frame_cues").in_text(text)
