"""Does the corpus hold an answer at all? Checks that run before any answer is written.

A planner asking for the SGB-II-Quote of a Stadtteil the city does not have, or for a
year the reports do not cover, must hear "nothing found" — not the nearest figure. Signals
that are reliable without a language model:

- a specific word of the question (a noun that is not a common word, or a rare word such
  as "pflegebedürftige") occurs nowhere in the workspace: "Lebenserwartung", "Rosenhügel";
- a number of the question (a year, a measure) occurs in none of the retrieved passages;
- what restricts the question — its years and the Stadtteile it names — occurs in the
  passages, but never together ("Sozialbericht 2017" and "Hafenviertel");
- a quantity question ("Wie viele Haushalte in Schlägelheide beziehen Wohngeld?") has no
  passage that names all of its specific words together: a figure for Wohngeld in another
  Stadtteil, or for Schlägelheide without Wohngeld, is not its answer;
- a counting question ("Wie viele Anträge wurden bewilligt?") finds no count of what it
  counts: no figure right before the noun ("412 Haushalte", "rund 640 Wohnungen") or
  right after it, as in a table row ("Einwohner: 10.318"). Dates and years are no counts;
- a question for who does something („Wer leitet das Quartiersbüro?“) has no sentence
  that names the action (leitet, geleitet, Leitung, Schulleitung, Leiterin) together with
  what it acts on: a sentence about the Quartiersbüro that names no one leading it is no
  answer. Questions with a modal or auxiliary verb („Wer kann …“, „Wer ist …“) are not
  checked: their action is stated in too many ways.

Words of the document kind ("Sozialbericht") and the municipality's own name scope the
whole corpus and are not required in a passage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.models import RetrievedChunk
from assistant.retrieval.german import (
    MONTHS,
    STOP_WORDS,
    analyze,
    compound_parts,
    fold,
    stem,
    synonyms,
)
from assistant.retrieval.question_parts import checked_limit
from assistant.retrieval.rerank import names_document
from ingest.sentences import split_sentences

DocumentFrequency = Callable[[list[str]], dict[str, int]]

_WORD = re.compile(r"[^\W\d_][^\W\d_-]*(?:-[^\W\d_]+)*")
_NUMBER = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)*(?![\d])")
# Nouns this common are generic ("Geld", "Jahr", "Betrieb"): their absence says nothing.
_COMMON_ZIPF = 4.5
# Other words are specific only when rare ("pflegebedürftige", not "entwickelt").
_RARE_ZIPF = 3.5
_QUANTITY_QUESTION = re.compile(r"\bwie (viele?|hoch|gro(ß|ss))\b|\bwieviele?\b", re.I)
_CLAUSE = re.compile(r",\s*(?:und|oder|aber)\s+|;\s*")
_COUNT_QUESTION = re.compile(r"\bwie ?viele\b", re.I)  # "wie viel Geld" asks for an amount
_COUNT_TOKEN = re.compile(r"\d+(?:[.,]\d+)*\.?|[^\W\d_]+(?:-[^\W\d_]+)*")
_MONTH_NAMES = frozenset(month.lower() for month in MONTHS)
_DATE_OR_YEAR = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}|(?:19|20)\d\d|\d{1,2}\.")
_WORDS_BEFORE_NOUN = 2  # "rund 640 sanierte Wohnungen": a figure, up to two words, the noun
_WHO = re.compile(r"^\s*[Ww]er\s+([^\W\d_]+)\b")
# „Wer nimmt … teil?“: a separable verb's particle at the end changes what it names.
_PARTICLE_AT_END = re.compile(
    r"\b(?:ab|an|auf|aus|bei|ein|fest|heraus|hin|mit|nach|teil|vor|weg|zu|zurück|zusammen|"
    r"statt|vorbei|weiter)\s*\?*\s*$"
)
# Verbs after „Wer“ that name no action of their own (auxiliaries, modals, copula, having).
_NO_ACTION = frozenset(
    """
    ist sind war waren wird werden wurde wurden hat haben hatte hatten kann können konnte
    darf dürfen durfte muss müssen musste soll sollen sollte will wollen wollte möchte
    gibt gab bekommt bekam erhält erhielt kommt kam macht tut
    """.split()
)
# The forms in which a verb's action is named: leit-et, ge-leit-et, Leit-ung, Leit-erin,
# moder-iert, Moder-ation. Compound heads make other words (Leitbild, Einleitung).
_ACTION_ENDINGS = (
    "",
    "e",
    "t",
    "et",
    "en",
    "end",
    "ende",
    "st",
    "est",
    "te",
    "ten",
    "tet",
    "ung",
    "ungen",
    "er",
    "erin",
    "erinnen",
    "ers",
    "ieren",
    "iert",
    "ierung",
    "ation",
    "ator",
    "atorin",
)
_MIN_ACTION_STEM = 4


@dataclass(frozen=True, slots=True)
class Places:
    """Place names the checks know: the municipalities the documents are about (implicit
    in every passage) and the areas inside them (Stadtteile, Quartiere)."""

    towns: Collection[str] = ()
    areas: Collection[str] = ()


@lru_cache(maxsize=50_000)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "de")


def specific_nouns(question: str) -> list[str]:
    """Capitalised words after the first that are neither stop words nor common words."""
    words = [m.group(0) for m in _WORD.finditer(question)][1:]
    return [
        w
        for w in words
        if w[0].isupper() and w.lower() not in STOP_WORDS and _zipf(w) < _COMMON_ZIPF
    ]


def measured_words(question: str) -> list[str]:
    """Rare words of what a quantity question counts or measures: „pflegebedürftige“ in
    „Wie viele pflegebedürftige Menschen …“ (the words up to the first noun)."""
    found = _QUANTITY_QUESTION.search(question)
    if not found:
        return []
    rare = []
    for match in _WORD.finditer(question, found.end()):
        word = match.group(0)
        if word[0].isupper():
            break
        if word.lower() not in STOP_WORDS and _zipf(word) < _RARE_ZIPF:
            rare.append(word)
    return rare


def specific_words(question: str) -> list[str]:
    """Specific nouns, and rare words describing what a quantity question measures."""
    return [*measured_words(question), *specific_nouns(question)]


def _variants(word: str) -> tuple[str, ...]:
    return (stem(word), *synonyms(stem(word)))


def unknown_terms(question: str, document_frequency: DocumentFrequency) -> list[str]:
    """Specific words of the question that no chunk of the workspace contains. The limit
    a figure is checked against need not be named: „höchstens 10 %“ is an Obergrenze."""
    limit = checked_limit(question)
    words = [w for w in specific_words(question) if not limit or w != limit.group(0)]
    variants = {w: _variants(w) for w in words}
    frequencies = document_frequency(sorted({t for ts in variants.values() for t in ts}))
    return [w for w in words if not any(frequencies[t] for t in variants[w])]


def missing_numbers(question: str, passages: Sequence[RetrievedChunk]) -> list[str]:
    """Numbers of the question (years, figures) that none of the passages mentions."""
    wanted = _NUMBER.findall(question)
    if not wanted:
        return []
    texts = [fold(f"{p.ref.heading} {p.ref.sheet or ''} {p.text}") for p in passages]
    return [n for n in wanted if not any(_has_number(t, n) for t in texts)]


def _has_number(text: str, number: str) -> bool:
    return re.search(rf"(?<![\d,]){re.escape(number)}(?![\d]|,\d)", text) is not None


def apart(wanted: Sequence[str], passages: Sequence[RetrievedChunk]) -> list[str]:
    """The words and numbers of `wanted` missing from the passage that has most of them;
    empty when one passage has them all."""
    if not wanted or not passages:
        return []
    missing = []
    for p in passages:
        text = f"{p.ref.heading} {p.ref.sheet or ''} {p.metadata.get('area') or ''} {p.text}"
        terms, folded = _passage_terms(text)
        missing.append([w for w in wanted if not _mentions(terms, folded, w)])
    return min(missing, key=len)


@lru_cache(maxsize=256)
def _passage_terms(text: str) -> tuple[frozenset[str], str]:
    # Both checks of a question read the same passages: analyse each once.
    return frozenset(analyze(text)), fold(text)


def _mentions(terms: frozenset[str], folded: str, word: str) -> bool:
    if word[0].isdigit():
        return _has_number(folded, word)
    # "SGB-II-Bedarfsgemeinschaften" is named by "Bedarfsgemeinschaften nach dem SGB II".
    parts = set(analyze(word)) - {stem(word)}
    return any(t in terms for t in _variants(word)) or (bool(parts) and parts <= terms)


def scope_words(question: str, places: Places) -> list[str]:
    """What restricts the question: its numbers and the areas it names."""
    area_stems = {stem(a) for a in places.areas}
    areas = [w for w in specific_nouns(question) if stem(w) in area_stems]
    return [*_NUMBER.findall(question), *areas]


def quantity_words(question: str, places: Places) -> list[str]:
    """Everything a figure answering a quantity question must stand next to: its
    numbers and specific words, without document kinds and the municipality's name."""
    # Only the clause that asks for the figure: "Wie viele …, und mit welcher Maßnahme …?"
    clause = next((c for c in _CLAUSE.split(question) if _QUANTITY_QUESTION.search(c)), "")
    towns = {stem(t) for t in places.towns}
    words = [w for w in specific_words(clause) if stem(w) not in towns and not names_document(w)]
    return [*_NUMBER.findall(clause), *words] if clause else []


def counted_noun(question: str) -> str | None:
    """What a „Wie viele …?“ question counts: its first noun („Anträge“)."""
    clause = next((c for c in _CLAUSE.split(question) if _COUNT_QUESTION.search(c)), "")
    found = _COUNT_QUESTION.search(clause)
    if not found:
        return None
    return next((w for w in _WORD.findall(clause, found.end()) if w[0].isupper()), None)


def counts(noun: str, passages: Sequence[RetrievedChunk]) -> bool:
    """True if a passage gives a count of `noun`: a figure shortly before it, or right
    after it as in a table row."""
    wanted = set(_variants(noun))
    for passage in passages:
        tokens = _COUNT_TOKEN.findall(passage.text)
        for i in range(len(tokens)):
            if not _is_count(tokens, i):
                continue
            before = tokens[max(0, i - 1) : i]
            after = tokens[i + 1 : i + 2 + _WORDS_BEFORE_NOUN]
            if any(stem(word) in wanted for word in [*before, *after]):
                return True
    return False


def _is_count(tokens: list[str], i: int) -> bool:
    token = tokens[i]
    if not token[0].isdigit() or _DATE_OR_YEAR.fullmatch(token):
        return False
    return i + 1 == len(tokens) or tokens[i + 1].lower() not in _MONTH_NAMES


def asked_action(question: str) -> str | None:
    """The verb of a „Wer …?“ question that names an action („leitet“), or None."""
    found = _WHO.match(question)
    if not found or _PARTICLE_AT_END.search(question):
        return None
    verb = found.group(1)
    if not verb.islower() or verb in _NO_ACTION or verb in STOP_WORDS:
        return None
    return verb if _action_stems(verb) else None


def _action_stems(verb: str) -> tuple[str, ...]:
    """What may be the verb's stem: „leitet“ → leit, leite; „berät“ → berat, bera (the
    final t may be the ending or the stem's own)."""
    word = fold(verb)
    cut = [word[: -len(e)] for e in ("iert", "et", "t", "en") if word.endswith(e)]
    return tuple(s for s in (*cut, word) if len(s) >= _MIN_ACTION_STEM)


def names_action(verb: str, word: str) -> bool:
    """Whether `word` names the action of `verb`: the verb in another form, its noun, a
    participle („geleitet“), or a compound ending in one of those („Schulleitung“)."""
    folded = fold(word)
    tails = [folded, *([folded[2:]] if folded.startswith("ge") else [])]
    tails += [fold(p) for p in compound_parts(word.lower())[1:]]
    return any(
        tail.startswith(root) and tail[len(root) :] in _ACTION_ENDINGS
        for root in _action_stems(verb)
        for tail in tails
    )


def names_action_in(verb: str, text: str) -> bool:
    """Whether a word of `text` names the action of `verb`."""
    return any(names_action(verb, word) for word in _WORD.findall(text))


def action_object(question: str, places: Places) -> str | None:
    """What the action of a „Wer …?“ question acts on: its first specific noun that is
    no place and no document kind."""
    skipped = {stem(p) for p in (*places.towns, *places.areas)}
    nouns = [w for w in specific_nouns(question) if not names_document(w)]
    return next((w for w in nouns if stem(w) not in skipped), None)


def stated_with(verb: str, noun: str, passages: Sequence[RetrievedChunk]) -> bool:
    """Whether a sentence of the passages names the action of `verb` and `noun`; the noun
    may also be what the whole document or section is about („Moderation: S. Oberkamp“ in
    the minutes of the Stadtteilkonferenz)."""
    for passage in passages:
        about = _mentions(*_passage_terms(f"{passage.ref.title} {passage.ref.heading}"), noun)
        for sentence in split_sentences(passage.text):
            if not names_action_in(verb, sentence):
                continue
            if about or _mentions(*_passage_terms(sentence), noun):
                return True
    return False


def refusal_reason(
    question: str,
    passages: Sequence[RetrievedChunk],
    document_frequency: DocumentFrequency,
    places: Places | None = None,
) -> str | None:
    """A German sentence saying what is missing, or None when an answer may exist."""
    unknown = unknown_terms(question, document_frequency)
    if unknown:
        return f"Zu {_quoted(unknown)} enthalten die Unterlagen keine Angaben."
    numbers = missing_numbers(question, passages)
    if numbers:
        return f"Zu {_quoted(numbers)} finde ich in den gefundenen Stellen keine Angaben."
    if places is None:
        return None
    for wanted in (scope_words(question, places), quantity_words(question, places)):
        missing = apart(wanted, passages)
        if missing:
            together = [w for w in wanted if w not in missing]
            return f"Keine gefundene Stelle nennt {_quoted(missing)}" + (
                f" zusammen mit {_quoted(together)}." if together else "."
            )
    noun = counted_noun(question)
    if noun and not counts(noun, passages):
        return f"Keine gefundene Stelle nennt eine Anzahl für {_quoted([noun])}."
    verb = asked_action(question)
    acted_on = action_object(question, places) if verb else None
    if verb and acted_on and not stated_with(verb, acted_on, passages):
        return f"Keine gefundene Stelle zu {_quoted([acted_on])} sagt, wer {verb}."
    return None


def _quoted(words: Sequence[str]) -> str:
    return ", ".join(f"„{w}“" for w in words)
