"""The parts of a compound question, each of which the answer has to cover.

„Wie hängen Kita-Versorgung und Kinderarmut im Hafenviertel zusammen?“ asks about two
things, and „Hält M6 die Obergrenze für den Baustein D ein?“ about a value and a limit that
usually stand in different documents. A search for the whole question finds passages about
the combination and often misses one side; each part is therefore searched for on its own
as well (`AnswerService`), and the extractive answer quotes a unit for every part that the
units chosen for the whole question leave uncovered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from assistant.retrieval.german import analyze, content_terms
from assistant.retrieval.rerank import document_terms


class Role(Enum):
    TOPIC = "topic"  # one of two coordinated subjects
    VALUE = "value"  # the figure checked against a limit
    LIMIT = "limit"  # the limit itself


@dataclass(frozen=True, slots=True)
class QuestionPart:
    query: str  # searched for, and what the part's units are weighed by
    focus: frozenset[str]  # index terms of the part's subject; a unit covers half their weight
    role: Role


# "Kita-Versorgung und Kinderarmut": two capitalised words (German nouns) joined by "und".
_COORDINATED = re.compile(r"(?<=\s)([A-ZÄÖÜ][\w-]*\w)\s+und\s+([A-ZÄÖÜ][\w-]*\w)")
# A yes/no question that checks a figure against a limit.
_LIMIT_NOUN = re.compile(
    r"\b(?:(?:Ober|Höchst|Unter|Mindest)?[Gg]renzen?|Höchst(?:betrag|beträge|satz|summe)s?|"
    r"(?<!im )Rahmens?|Deckel(?:ung)?|Budgets?|Schwellenwert(?:e|s)?)\b"  # not „im Rahmen“
)
_CHECK = re.compile(
    r"\b(?:innerhalb|unterhalb|oberhalb|unter|über|einhalten|eingehalten|"
    r"über(?:schreit|steig)\w*|unterschreit\w*|bleib\w*|lieg\w*|hält|halten)\b|"
    r"\bein\s*\?*\s*$",  # „Hält … die Obergrenze … ein?“
    re.I,
)
# Words that lead into the limit noun; they belong to neither side.
_LEAD_IN = re.compile(
    r"(?:\s+(?:innerhalb|unterhalb|oberhalb|unter|über|die|der|des|den|dem|das|eine[rsnm]?))+$",
    re.I,
)
_TRAILING_PARTICLE = re.compile(r"\s+(?:ein|ein\s*zu\s*halten)\s*\?*$|\s*\?+$", re.I)

# A figure in limit position: „höchstens 10 %“, „bis zu 290.000 Euro“, „Rahmen von 290.000“.
_LIMIT_CUE = re.compile(
    r"\b(?:höchstens|maximal|max|bis zu|nicht mehr als|mindestens|wenigstens|begrenzt|"
    r"gedeckelt|\w*grenze|höchst\w*|mindest\w*|rahmens?|deckel\w*|budgets?)\b",
    re.I,
)
_FIGURE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w.,]*\d)")
_YEAR = re.compile(r"(?:19|20)\d\d")
_CUE_REACH = 5  # words between a limit cue and its figure


def question_parts(question: str) -> list[QuestionPart]:
    """The parts of a compound question; empty for a simple one."""
    return _coordinated_parts(question) + _limit_parts(question)


def _coordinated_parts(question: str) -> list[QuestionPart]:
    match = _COORDINATED.search(question)
    if match is None:
        return []
    first, second = match.group(1), match.group(2)
    if _same_word(first, second):  # „Bewohnerinnen und Bewohner“
        return []
    return [
        QuestionPart(
            query=question[: match.start()] + word + question[match.end() :],
            focus=frozenset(content_terms(word)),
            role=Role.TOPIC,
        )
        for word in (first, second)
    ]


def _same_word(first: str, second: str) -> bool:
    a, b = analyze(first)[:1], analyze(second)[:1]
    return bool(a and b) and (a[0].startswith(b[0]) or b[0].startswith(a[0]))


def checked_limit(question: str) -> re.Match[str] | None:
    """The limit noun of a question that checks a figure against it („Obergrenze“ in
    „Hält … die Obergrenze … ein?“); documents state such a limit as „höchstens 10 %“."""
    limit = _LIMIT_NOUN.search(question)
    if limit is None or not _CHECK.search(question[: limit.start()] + question[limit.end() :]):
        return None
    return limit


def _limit_parts(question: str) -> list[QuestionPart]:
    limit = checked_limit(question)
    if limit is None:
        return []
    # The question's first word is its verb („Bleibt …“, „Hält …“): neither side's subject.
    before = _LEAD_IN.sub("", question[: limit.start()].rstrip()).split(" ", 1)[-1]
    after = _TRAILING_PARTICLE.sub("", question[limit.start() :]).rstrip(" ,")
    limit_terms = set(analyze(limit.group(0)))
    value_focus = _subject_terms(before)
    limit_focus = _subject_terms(after) - limit_terms
    if not value_focus:
        return []
    return [
        QuestionPart(before, frozenset(value_focus), Role.VALUE),
        QuestionPart(after, frozenset(limit_focus), Role.LIMIT),
    ]


def _subject_terms(text: str) -> set[str]:
    """Content terms without the words that name a document („im IHK-Entwurf“)."""
    return content_terms(text) - document_terms(text)


def limit_figures(text: str) -> tuple[list[str], list[str]]:
    """The figures of a text split into (values, limits): a limit figure has a limit cue
    („höchstens“, „bis zu“, „Rahmen von“) within a few words before it. Years are neither."""
    values: list[str] = []
    limits: list[str] = []
    for match in _FIGURE.finditer(text):
        figure = match.group(0)
        if _YEAR.fullmatch(figure):
            continue
        lead = text[: match.start()].split()[-_CUE_REACH:]
        (limits if _LIMIT_CUE.search(" ".join(lead)) else values).append(figure)
    return values, limits
