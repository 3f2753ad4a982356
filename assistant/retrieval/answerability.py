"""Does the corpus hold an answer at all? Checks that run before any answer is written.

A planner asking for a year the documents do not cover, or for a count they never give,
must hear "nothing found" — not the nearest figure. Three signals earned their place on the
real-document dev split (eval/reports/realdocs.md); each is a named check, chosen in
`Settings.answer.checks`, and both read the question's one `QuestionAnalysis`:

- missing_numbers: a number of the question (a year, a measure) occurs in none of the
  retrieved passages;
- missing_place: a town the question names („in Leipzig“, GeoNames' German places), or
  any name after an area noun („im Stadtteil Rosenhügel“), occurs in none of the retrieved
  passages (their text, heading, title or file name);
- count: a counting question („Wie viele Anträge wurden bewilligt?“) finds no count of what
  it counts: no figure right before the noun („412 Haushalte“, „rund 640 Wohnungen“) or
  right after it, as in a table row („Einwohner: 10.318“). Dates and years are no counts.

Checks that run once the answer's sentences are chosen (`AFTER_ANSWER`):

- undated: a question that asks for a date for sure („Bis wann …“, „Antragsfrist …?“) is
  answered by sentences none of which names a date, a period or a year;
- unplaced: the town or area the question names is named by none of the passages the
  chosen sentences come from (a report on Germany as a whole does not answer for Leipzig,
  though another passage of the search mentions Leipzig).

Checks that did not (a question word found nowhere in the corpus; years and areas never
together in one passage; all words of a quantity question in one passage; who does what)
refused answerable questions worded differently from the documents and were removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from assistant.language.cues import cues
from assistant.language.german import MONTH_NAMES, analyze, fold, stem, synonyms
from assistant.language.question import YEAR, QuestionAnalysis, states_time, without_references
from assistant.models import RetrievedChunk, TableGap
from assistant.retrieval.places import is_german_place

_COUNT_TOKEN = re.compile(r"\d+(?:[.,]\d+)*\.?|[^\W\d_]+(?:-[^\W\d_]+)*")
_DATE_OR_YEAR = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}|(?:19|20)\d\d|\d{1,2}\.")
_WORDS_BEFORE_NOUN = 2  # "rund 640 sanierte Wohnungen": a figure, up to two words, the noun


def _variants(word: str) -> tuple[str, ...]:
    return (stem(word), *synonyms(stem(word)))


def missing_numbers(question: QuestionAnalysis, passages: Sequence[RetrievedChunk]) -> list[str]:
    """Numbers of the question (years, figures) that none of the passages mentions."""
    if not question.numbers:
        return []
    texts = [fold(f"{p.ref.heading} {p.ref.sheet or ''} {p.text}") for p in passages]
    return [n for n in question.numbers if not any(_has_number(t, n) for t in texts)]


def _has_number(text: str, number: str) -> bool:
    """Whether a (folded) text names the number: not inside a longer one, and not as
    another name made of it and a letter („171“ is not in „§ 171e“, „171g“ is not in
    „171e“)."""
    suffix = r"[^\W\d_]" if number[-1].isalpha() else r"[a-z](?![^\W\d_])"
    pattern = rf"(?<![\d,]){re.escape(fold(number))}(?![\d]|,\d|{suffix})"
    return re.search(pattern, text) is not None


def counts(noun: str, passages: Sequence[RetrievedChunk]) -> bool:
    """True if a passage gives a count of `noun`: a figure shortly before it, or right
    after it as in a table row."""
    wanted = set(_variants(noun))
    pointing = cues().reference_words
    for passage in passages:
        tokens = _COUNT_TOKEN.findall(without_references(passage.text))
        for i in range(len(tokens)):
            if not _is_count(tokens, i) or (i and pointing.matches_word(tokens[i - 1])):
                continue  # „Absatz 3 … Stadtumbaugebiet“ counts nothing
            before = tokens[max(0, i - 1) : i]
            after = tokens[i + 1 : i + 2 + _WORDS_BEFORE_NOUN]
            if any(stem(word) in wanted for word in [*before, *after]):
                return True
    return False


def _is_count(tokens: list[str], i: int) -> bool:
    token = tokens[i]
    if not token[0].isdigit() or _DATE_OR_YEAR.fullmatch(token):
        return False
    return i + 1 == len(tokens) or tokens[i + 1].lower() not in MONTH_NAMES


Check = Callable[[QuestionAnalysis, Sequence[RetrievedChunk]], str | None]


def _missing_numbers(q: QuestionAnalysis, passages: Sequence[RetrievedChunk]) -> str | None:
    numbers = missing_numbers(q, passages)
    if numbers:
        return f"Zu {_quoted(numbers)} finde ich in den gefundenen Stellen keine Angaben."
    return None


def _no_count(q: QuestionAnalysis, passages: Sequence[RetrievedChunk]) -> str | None:
    if q.counted and not counts(q.counted, passages):
        return f"Keine gefundene Stelle nennt eine Anzahl für {_quoted([q.counted])}."
    return None


def _said(passages: Sequence[RetrievedChunk]) -> set[str]:
    """The terms of the passages' texts, headings, titles and file names."""
    return set().union(
        *(analyze(f"{p.ref.title} {p.ref.source} {p.ref.heading} {p.text}") for p in passages)
    )


def table_gap_refusal(gap: TableGap, passages: Sequence[RetrievedChunk]) -> bool:
    """Whether a figure the tables lack for the areas asked about is to be refused: no
    passage says a word of what is asked („Pflegequote“) together with one of those areas
    (all the words of „Ramersdorf - Perlach“, in its text, heading or title), and no row of
    those tables says a word of it (their rows name the area and year, nothing else the
    question asks for). A word is said whole or by all its parts („Anteil der Ausländer“
    says „Ausländeranteil“, „Überalterungsquotient, Ausländer“ does not). A report naming
    the area for another figure does not answer, nor, for a year the tables lack, a passage
    that does not name that year or a row of the tables already read for it."""
    areas = [set(analyze(name)) for name in gap.areas]
    for passage in passages:
        if gap.years and passage.ref.doc_id in gap.doc_ids:
            continue  # the rows of those tables were read: none has the year for it
        said = _said([passage])
        dated = not gap.years or {str(y) for y in gap.years} & said
        if not dated or not _says_any(gap.measure, said):
            continue
        if passage.ref.doc_id in gap.doc_ids or any(a and a <= said for a in areas):
            return False
    return True


def _says_any(words: Sequence[Sequence[str]], said: set[str]) -> bool:
    """Whether one of the words (each its whole term, then its parts) is said, whole or
    by all its parts: „Überalterungsquotient der Ausländer“ does not say „Ausländeranteil“."""
    return any(w[0] in said or (len(w) > 1 and set(w[1:]) <= said) for w in words)


def missing_places(question: QuestionAnalysis, passages: Sequence[RetrievedChunk]) -> list[str]:
    """Towns the question names („in Leipzig“) that none of the passages mentions, in its
    text, heading, title or file name."""
    if not question.place_words:
        return []  # most questions: no passage needs analysing
    named = _said(passages)
    unnamed = [w for w in question.place_words if stem(w) not in named]
    # Only now the town list: most questions name places the passages mention.
    return [w for w in unnamed if w in question.area_names or is_german_place(w)]


def _missing_place(q: QuestionAnalysis, passages: Sequence[RetrievedChunk]) -> str | None:
    places = missing_places(q, passages)
    if places:
        return f"Zu {_quoted(places)} finde ich in den gefundenen Stellen keine Angaben."
    return None


# The checks by name, in the order they run (the first reason found is given).
CHECKS: dict[str, Check] = {
    "missing_numbers": _missing_numbers,
    "missing_place": _missing_place,
    "count": _no_count,
}


def refusal_reason(
    question: QuestionAnalysis,
    passages: Sequence[RetrievedChunk],
    checks: Sequence[str] = tuple(CHECKS),
) -> str | None:
    """A German sentence saying what is missing, or None when an answer may exist."""
    return _first_reason(CHECKS[name](question, passages) for name in CHECKS if name in checks)


def _first_reason(reasons: Iterable[str | None]) -> str | None:
    """The first reason a check gives, the later checks not run."""
    return next((reason for reason in reasons if reason), None)


def undated_answer(
    question: QuestionAnalysis, quoted: str, cited: Sequence[RetrievedChunk] = ()
) -> str | None:
    """Why quotes do not answer a question that asks for a date or a period for sure
    („Bis wann …“, „Antragsfrist …?“): none of them names one. The search finds the
    passages about the subject; whether one of them says when is known only once the
    answer's sentences are chosen. A question of two clauses may ask a date in one only."""
    # A year is a date here too: „seit 2019 geschlossen“ answers „Seit wann …?“.
    if not question.dated or question.clauses or states_time(quoted) or YEAR.search(quoted):
        return None
    return (
        "In den Unterlagen finde ich dazu nichts: Keine gefundene Stelle nennt ein Datum "
        "oder eine Frist."
    )


def unplaced_answer(
    question: QuestionAnalysis, quoted: str, cited: Sequence[RetrievedChunk]
) -> str | None:
    """Why quotes do not answer a question about a town or area: none of the passages
    they come from names it. One passage of the search naming „Leipzig“ somewhere lets
    the question pass `missing_place`; the sentences chosen may still all be about
    Germany as a whole."""
    if not cited:
        return None
    return _missing_place(question, cited)


AnswerCheck = Callable[[QuestionAnalysis, str, Sequence[RetrievedChunk]], str | None]

# Checks of the answer once its sentences are chosen, by name, in the order they run.
AFTER_ANSWER: dict[str, AnswerCheck] = {"undated": undated_answer, "unplaced": unplaced_answer}


def answer_refusal(
    question: QuestionAnalysis,
    quoted: str,
    cited: Sequence[RetrievedChunk] = (),
    checks: Sequence[str] = tuple(AFTER_ANSWER),
) -> str | None:
    """Why the chosen sentences (`quoted`, from the passages `cited`) do not answer after
    all (a German refusal), or None."""
    return _first_reason(
        AFTER_ANSWER[name](question, quoted, cited) for name in AFTER_ANSWER if name in checks
    )


def _quoted(words: Sequence[str]) -> str:
    return ", ".join(f"„{w}“" for w in words)
