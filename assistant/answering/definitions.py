"""Definitions of technical terms drawn from the corpus, for the detailed answer style.

prompts/fachbegriffe.yaml only says which words are terms of the trade; what they mean is
always a sentence of an indexed document („Die SGB-II-Quote ist der Anteil …“), cited.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.language.cues import cues, words_of
from assistant.language.german import fold
from assistant.llm.base import Definition
from assistant.models import RetrievedChunk
from assistant.platform.templates import prompt_data
from ingest.sentences import split_sentences

Search = Callable[[str], list[RetrievedChunk]]

_TERM_BEFORE_VERB_WORDS = 8
_ARTICLE_AFTER = re.compile(r"\s+(der|die|das|ein|eine|einen|alle|jede)\b")
_NOT_DEFINING = re.compile(r"\b(deshalb|daher|damit|somit|also|auch|besonders|stark|hoch)\b")
_MAX_TERMS = 3


@dataclass(frozen=True, slots=True)
class Term:
    name: str
    variants: tuple[str, ...]

    def pattern(self) -> re.Pattern[str]:
        spellings = sorted({fold(self.name), *(fold(v) for v in self.variants)}, key=len)
        alternatives = "|".join(re.escape(s) for s in reversed(spellings))
        return re.compile(rf"(?<![\w-])(?:{alternatives})")


@lru_cache(maxsize=1)
def glossary() -> tuple[Term, ...]:
    entries = prompt_data("fachbegriffe.yaml") or []
    return tuple(
        Term(str(e["begriff"]), tuple(str(v) for v in e.get("varianten") or ())) for e in entries
    )


def terms_in(texts: Sequence[str], terms: Sequence[Term] | None = None) -> list[Term]:
    """Glossary terms that occur in `texts`, the earliest text first."""
    terms = glossary() if terms is None else terms
    found: list[Term] = []
    for text in texts:
        folded = fold(text)
        hits = sorted(
            ((m.start(), t) for t in terms if (m := t.pattern().search(folded))),
            key=lambda pair: pair[0],
        )
        found += [t for _, t in hits if t not in found]
    return found


def definition_sentence(term: Term, text: str) -> str | None:
    """The sentence of `text` that best defines `term`, if any sentence does."""
    best = max(
        (
            (score, sentence)
            for sentence in split_sentences(text)
            if (score := _score(term, sentence))
        ),
        default=None,
        key=lambda pair: pair[0],
    )
    return _clean(best[1]) if best else None


def defining_verb(sentence: str) -> tuple[int, int] | None:
    """Where the verb of a defining sentence stands („ist“, „bezeichnet“, „versteht man“),
    as a character span of the folded sentence, if one comes early enough for the term
    before it."""
    folded = fold(sentence)
    words = words_of(folded)
    span = cues().defining_verbs.find(words)
    if span is None or span.start > _TERM_BEFORE_VERB_WORDS:
        return None
    phrase = r"\W+".join(re.escape(w) for w in words[span.start : span.end])
    found = re.search(rf"(?<!\w){phrase}(?!\w)", folded)
    return found.span() if found else None


def reads_as_definition(sentence: str) -> bool:
    """A sentence that defines something: a defining verb within its first words."""
    return defining_verb(sentence) is not None


def _score(term: Term, sentence: str) -> int:
    """How much a sentence reads like a definition of `term`; 0 if not at all.

    „Die SGB-II-Quote ist der Anteil …“ scores high; „Die SGB-II-Quote ist deshalb der
    wichtigste Indikator“ is a statement about the term, not what it means.
    """
    folded = fold(sentence.replace("**", ""))
    verb = defining_verb(folded)
    name = term.pattern().search(folded)
    if verb is None or name is None or name.start() > verb[0]:
        return 0
    score = 2
    if len(folded[: name.start()].split()) <= 1:
        score += 1  # the term is the subject
    if _ARTICLE_AFTER.match(folded[verb[1] :]):
        score += 1  # „ist der Anteil“, „bezeichnet ein Gebiet“
    if _NOT_DEFINING.search(folded):
        score -= 2
    return max(score, 0)


def _clean(sentence: str) -> str:
    """Without Markdown emphasis and a leading run-in heading („Sozialraum. Ein …“)."""
    text = sentence.replace("**", "").replace("__", "").strip()
    lead = re.match(r"^[^.!?]{1,40}\.\s+(?=[A-ZÄÖÜ])", text)
    if lead and len(lead.group(0).split()) <= 3:
        text = text[lead.end() :]
    return text


def find_definitions(
    question: str, passages: Sequence[RetrievedChunk], search: Search, limit: int = _MAX_TERMS
) -> list[Definition]:
    """Corpus definitions of the terms in the question and the best passages."""
    terms = terms_in([question, *(p.text for p in passages[:3])])[:limit]
    definitions = []
    for term in terms:
        candidates = [
            (_score(term, sentence) + _glossary_bonus(chunk), sentence, chunk)
            for chunk in [*search(f"{term.name} Begriff Definition"), *passages]
            if (sentence := definition_sentence(term, chunk.text))
        ]
        if candidates:
            _, sentence, chunk = max(candidates, key=lambda c: c[0])
            definitions.append(Definition(term.name, sentence, chunk))
    return definitions


def _glossary_bonus(chunk: RetrievedChunk) -> int:
    """Sections titled „Begriffe“, „Definitionen“ or „Glossar“ are where definitions live."""
    heading = fold(chunk.ref.heading)
    return 2 if any(w in heading for w in ("begriff", "definition", "glossar")) else 0
