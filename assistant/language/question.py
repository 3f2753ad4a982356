"""One analysis per question, made once after the follow-up rewrite and read by every stage.

The indicator router, retrieval and re-ranking, the answerability checks and the answer
writer all need to know what a question asks for: a figure, a date, a count, the highest
value, a definition, whether a figure keeps a limit, which years it names. `analyse_question`
reads that once, with the cue words of `prompts/fragen.yaml`, into a `QuestionAnalysis`; no
stage parses the question text again.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import lru_cache
from typing import Literal

from assistant.language.cues import WORD, CueList, Cues, cues, words_of
from assistant.language.german import (
    MONTH_NAMES,
    STOP_WORDS,
    DocumentFrequencies,
    analyze,
    content_terms,
    expand_unknown,
    stem,
)
from assistant.language.guideline import parts_asked
from ingest.sentences import split_sentences

Extreme = Literal["highest", "lowest"]

# A year as planning documents name them; the one definition of "year" (follow-ups too).
YEAR = re.compile(r"(?:19|20)\d\d")
# „(zu: Unterlagen, Antrag im Förderaufruf)“: the previous subject a rewritten follow-up
# leans on („Und welche Frist gilt dafür?“); written by the follow-up rewrite.
SUBJECT_NOTE = re.compile(r"\s*\(zu: ([^)]*)\)")
# A figure as written; a single letter right after it makes it a name („§ 171g“, „Artikel
# 104b“), kept with it: „§ 171e“ is another paragraph.
_NUMBER = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)*(?:[a-zA-Z](?![^\W\d_]))?(?![\d])")
_CLAUSE = re.compile(r",\s*(?:und|oder|aber)\s+|;\s*")
_DEFAULT_WANTED = 5  # areas a ranking lists unless the question says how many
_SHORT_QUESTION = 6  # "SGB-II-Quote Nordviertel 2023?" asks for the figure without a verb
_WORDS_TO_AREA_NOUN = 3  # „welche drei großen Stadtteile“


Measure = Literal["rate", "amount"]  # the kind of figure a question asks for


class Role(Enum):
    TOPIC = "topic"  # one of two coordinated subjects
    VALUE = "value"  # the figure checked against a limit
    LIMIT = "limit"  # the limit itself


@dataclass(frozen=True, slots=True)
class QuestionPart:
    """A part of a compound question, searched for and answered on its own as well."""

    query: str  # searched for, and what the part's units are weighed by
    focus: frozenset[str]  # index terms of the part's subject; a unit covers half their weight
    role: Role


@dataclass(frozen=True, slots=True)
class Threshold:
    """„über 20 %“ in „Wie viele Stadtteile haben eine Quote über 20 %?“."""

    value: str  # as written
    above: bool


@dataclass(frozen=True, slots=True)
class QuestionAnalysis:
    """What a question asks for; see the module docstring."""

    text: str  # the standalone question (after a follow-up rewrite)
    asked: str  # what the user typed, when a follow-up rewrite changed it; else ""
    words: tuple[str, ...]  # lowercased words and numbers
    terms: frozenset[str]  # index terms
    topic_terms: frozenset[str]  # index terms without those that only say where to look
    document_terms: frozenset[str]  # „im Sozialbericht“: where to look, not what
    # „Definition“, „Frist“, the „hoch“ of „wie hoch“: what kind of answer, not about what.
    kind_terms: frozenset[str] = frozenset()
    years: tuple[int, ...] = ()
    numbers: tuple[str, ...] = ()  # figures asked about as written, years included
    # The terms only the sentences telling the asker's situation say („Wir wollen ein
    # altes Gemeindehaus umbauen. Bis zu welchem Betrag …?“): context, not what is asked.
    premise_terms: frozenset[str] = frozenset()
    quantity: bool = False  # asks for a figure
    # The kind of figure: a rate („Wie viel Prozent …“, „Förderquote“) or an amount of
    # money („Wie viel Geld …“, „Höchstbetrag“); None when the question does not say.
    measure: Measure | None = None
    # The terms of the generic name of the rate asked for („Förderquote“): a sentence that
    # states a rate says them („Zuschuss von bis zu 50 Prozent“).
    measure_terms: frozenset[str] = frozenset()
    # The terms of a bound asked of a figure („höchstens“, „mindestens“): a sentence that
    # states a limit says them („maximal 3.000 €“, „Förderhöchstbetrag“, „bis zu“).
    bound_terms: frozenset[str] = frozenset()
    time: bool = False  # asks for a date or a period
    # Asks for one for sure („Bis wann …“, „Antragsfrist …?“), not with a bare „wann“
    # that may ask for a condition („Wann gilt ein Quartier als benachteiligt?“).
    dated: bool = False
    counted: str | None = None  # the noun a „Wie viele …?“ question counts
    listed: str | None = None  # the noun a „Welche …?“ question asks the things of
    # Asks where, how, when or why („Wo reiche ich … ein?“), not for things.
    circumstance: bool = False
    extreme: Extreme | None = None
    ranking: bool = False  # asks for an order of areas or rows
    definition: bool = False  # asks what a term means or how something is done
    limit: str | None = None  # the limit noun of a question checking a figure against it
    parts: tuple[QuestionPart, ...] = ()
    change: bool = False
    difference: bool = False  # „Wie viele Plätze fehlen?“: two figures subtracted
    together: bool = False  # „in A und B zusammen“: the areas' figures added up
    # The whole of a share asked for: „Einwohner“ in „Wie viel Prozent der Einwohner …?“,
    # „Haushalten mit Kindern“ in „Anteil Alleinerziehender an den Haushalten mit Kindern“.
    share_of: str | None = None
    located: bool = False  # „leben in“, „entfallen auf“: where the part of a share lives
    summary: bool = False  # „Fasse die Ausgangslage … zusammen“, „Steckbrief …“
    decrease: bool = False
    since: bool = False  # „seit 2019“
    deviation: bool = False  # against the city average
    city: bool = False  # the whole city
    threshold: Threshold | None = None
    asks_index: bool = False
    burden: bool = False  # „besonders belastet“
    which_areas: bool = False  # „Welche Stadtteile …“
    how_many_areas: bool = False  # „Wie viele Stadtteile …“
    single_area: bool = False  # „Welcher Stadtteil …“
    yes_no: bool = False
    value_words: bool = False  # „beträgt“, „Wert“, or a short question without a verb
    wanted: int = _DEFAULT_WANTED  # how many areas a ranking lists
    area_word: str | None = field(default=None)  # the question's own word for areas
    # The parts of a funding guideline asked for (prompts/richtlinien.yaml): „hoehe“ …
    guideline_parts: frozenset[str] = frozenset()
    # Capitalised words right after „in“, „aus“, „Stadt“ …: perhaps a town („in Leipzig“).
    place_words: tuple[str, ...] = ()
    # Those right after an area noun („im Stadtteil Rosenhügel“): places for sure.
    area_names: tuple[str, ...] = ()
    # Two questions asked at once („Wie wird … finanziert, und wer entscheidet …?“): each
    # read on its own, the later ones with the first one's subject as a note.
    clauses: tuple[QuestionAnalysis, ...] = ()

    def resolve(self, document_frequency: DocumentFrequencies) -> QuestionAnalysis:
        """The analysis read against a corpus: a compound it lacks as a whole
        („Feuerwehrförderung“) counts by the parts it knows (feuerwehr, forder), which join
        the terms an answer is weighed by."""
        extra = frozenset(expand_unknown(self.text, document_frequency))
        return replace(
            self,
            terms=self.terms | extra,
            topic_terms=self.topic_terms | (extra - self.document_terms),
        )

    def weights_of(self) -> frozenset[str]:
        """The terms an answer is weighed by: the topic, or all terms if only documents
        are named."""
        return self.topic_terms or self.terms


def analyse_question(text: str, asked: str = "", cue_words: Cues | None = None) -> QuestionAnalysis:
    """Read a question once into a `QuestionAnalysis`."""
    c = cue_words or cues()
    words = tuple(words_of(text))
    # The compounds an elliptic „Neu- und Fortsetzungsanträge“ stands for help the search
    # find either spelling; an answer is weighed by the words as the question has them.
    terms = frozenset(analyze(text, shared_tails=False))
    # „Wie legt die Gemeinde … fest?“ asks about „festlegen“, not about „legt“ and „fest“.
    joined, fragments = _separable_verbs(text, c)
    terms = (terms - fragments) | joined
    documents = frozenset(document_terms(text, c))
    asking, premise = _asking_and_premise(text)
    keywords = _keywords_only(text, words, c)
    # „KitaBau Sachsen Förderquote?“ names the measure it asks for anywhere; a short
    # question („Welche Ziele verfolgt die Quote?“) only where it asks for it.
    bare = keywords and not c.question_words.in_words(words)
    dated = c.time.in_words(words) or _names_measure(words, c, bare, time=True)
    quantity = c.quantity.in_words(words) or _names_measure(words, c, bare)
    measure = _measure_asked(words, c) if quantity else None
    time = dated or c.when.in_words(words)
    # Words for the kind of answer („Definition“, „Frist“ in a deadline question) say
    # what to answer, not about what.
    kind_words = [w for w in words if c.meta_words.matches_word(w)]
    kind_words += [w for w in words if time and c.time_nouns.matches_word(w)]
    kind_words += _quantity_adjectives(words, c)
    kinds = frozenset(analyze(" ".join(kind_words))) - documents
    # The previous subject only weighs where the follow-up names no subject of its own
    # („Welche Förderquote gilt dafür für freie Träger?“ is about the Förderquote).
    note = SUBJECT_NOTE.search(text)
    own = frozenset(analyze(" ".join(own_nouns(SUBJECT_NOTE.sub("", text))))) - documents - kinds
    context = frozenset(analyze(note.group(1))) - own if note and own else frozenset()
    extreme: Extreme | None = (
        "lowest" if c.lowest.in_words(words) else "highest" if c.highest.in_words(words) else None
    )
    limit = checked_limit(text, c)
    area_noun = c.area_nouns.find(words)
    since = _since(words)
    single_area = _single_area(words, c)
    listed = noun_after(text, c.which)
    clauses = tuple(analyse_question(clause, cue_words=c) for clause in clause_texts(text, c))
    return QuestionAnalysis(
        text=text,
        asked=asked if asked and asked != text else "",
        words=words,
        terms=terms,
        topic_terms=frozenset(terms - documents - kinds - context),
        document_terms=documents,
        kind_terms=kinds,
        years=tuple(int(w) for w in words if YEAR.fullmatch(w)),
        # „Unsere Stadt hat 120 000 Einwohner. Können wir …?“ asks about no 120 000.
        numbers=tuple(_NUMBER.findall(asking)),
        premise_terms=frozenset(analyze(premise, shared_tails=False))
        - frozenset(analyze(asking, shared_tails=False)),
        quantity=quantity,
        measure=measure,
        measure_terms=frozenset(analyze(" ".join(w for w in words if c.rate_kinds.matches_word(w))))
        if measure == "rate"
        else frozenset(),
        bound_terms=frozenset(analyze(" ".join(w for w in words if c.bounds.matches_word(w))))
        if quantity
        else frozenset(),
        time=time,
        dated=dated,
        counted=noun_after(text, c.count),
        listed=listed,
        circumstance=c.circumstance_start.starts(words)
        and not (listed or c.quantity.in_words(words))
        and all(clause.circumstance for clause in clauses),
        extreme=extreme,
        ranking=extreme is not None or c.ranking.in_words(words),
        definition=asks_definition(words, c),
        limit=limit,
        parts=tuple(coordinated_parts(text) + limit_parts(text, limit, c)),
        change=c.change.in_words(words) or since or _period(words),
        difference=c.difference.in_words(words),
        together=c.together.in_words(words) and not c.summary.in_words(words),
        share_of=share_whole(text, c),
        located=_located(words, c),
        summary=c.summary.in_words(words),
        decrease=c.decrease.in_words(words) or extreme == "lowest",
        since=since,
        deviation=c.deviation.in_words(words),
        city=c.city.in_words(words),
        threshold=_threshold(text, c),
        asks_index=c.index.in_words(words),
        burden=c.burden.in_words(words),
        which_areas=_which_areas(words, c),
        how_many_areas=_how_many_areas(words, c),
        single_area=single_area,
        yes_no=c.yes_no_start.starts(words[:1]),
        value_words=c.value_words.in_words(words) or keywords,
        wanted=1 if single_area else _wanted(words, c),
        area_word=words[area_noun.start] if area_noun else None,
        guideline_parts=parts_asked(words, frozenset({"time"}) if time else frozenset()),
        clauses=clauses,
        place_words=place_words(text, c),
        area_names=place_words(text, c, certain=True),
    )


def _quantity_adjectives(words: Sequence[str], c: Cues) -> list[str]:
    """The adjective of a „wie hoch“, „wie alt“, „wie lange“: it asks for a figure and
    says nothing of the subject, yet „hoch“ would find every „höchste“ in a report."""
    return [
        words[span.start + 1]
        for span in c.quantity.find_all(words)
        if span.end - span.start == 2 and words[span.start] == "wie"
    ]


def _keywords_only(text: str, words: Sequence[str], c: Cues) -> bool:
    """Whether the question is a planner's keyword query („SGB-II-Quote Nordviertel 2023?“,
    „Menschen mit Migrationshintergrund im Stadtteil Chorweiler 2012?“): short, or with no
    question word and no verb to open it."""
    if len(text.split()) <= _SHORT_QUESTION:
        return True
    return not c.question_words.in_words(words) and not c.verb_start.starts(words)


# -- words the question is about ------------------------------------------------------------


def _text_words(text: str) -> list[str]:
    return [m.group(0) for m in WORD.finditer(text) if not m.group(0)[0].isdigit()]


def place_words(text: str, c: Cues, certain: bool = False) -> tuple[str, ...]:
    """Capitalised words (or parts of a hyphenated name: „Leipzig-Grünau“) right after a
    word that introduces a place („in“, „aus“, „Stadt“, „Stadtteil“): the towns a question
    may name. `certain`: only those after an area noun („im Stadtteil Rosenhügel“), which
    are places whatever their name."""
    written = _text_words(text)
    found: list[str] = []
    for before, word in itertools.pairwise(written):
        introduced = c.place_nouns.matches_word(before) or (
            not certain and c.place_before.matches_word(before)
        )
        if word[0].isupper() and introduced:
            found += [part for part in word.split("-") if part[:1].isupper()]
    return tuple(dict.fromkeys(found))


_CLAUSE_END = re.compile(r"[,;:?!.]")
_VERB_ENDINGS = ("est", "et", "st", "en", "t", "e")


def _separable_verbs(text: str, c: Cues) -> tuple[frozenset[str], frozenset[str]]:
    """The separable verbs of a question as the terms of their infinitives („legt … fest“:
    festleg), and the terms of the pieces they were split into (leg, legt, fest)."""
    joined: set[str] = set()
    fragments: set[str] = set()
    for clause in _CLAUSE_END.split(text):
        written = _text_words(clause)
        particle = written[-1] if len(written) >= 3 else ""
        if not particle.islower() or not c.separable_particles.matches_word(particle):
            continue
        verb = next(
            (
                w
                for i, w in enumerate(written[:-1])
                if (i == 0 or w.islower()) and w.lower() not in STOP_WORDS
            ),
            None,
        )
        if verb is None:
            continue
        lowered = verb.lower()
        root = next((lowered[: -len(e)] for e in _VERB_ENDINGS if lowered.endswith(e)), lowered)
        infinitive = analyze(f"{particle}{root}en")
        if infinitive:
            joined.add(infinitive[0])
            fragments |= set(analyze(f"{verb} {particle}"))
    return frozenset(joined), frozenset(fragments - joined)


def own_nouns(text: str) -> list[str]:
    """The capitalised words of a question after its first (the question word): its own
    subject, which a follow-up without any leans on the previous question's."""
    return [w for w in _text_words(text)[1:] if w[0].isupper()]


def names_document(word: str, c: Cues | None = None) -> bool:
    """A word naming a kind of document: a document word („Sozialbericht“) or a compound
    made of them („IHK-Entwurf“). Not every compound ending in one: „Quartiersmonitoring“
    and „Verstetigungskonzept“ are what a question asks about."""
    kinds = _document_stems(c or cues())
    whole = stem(word)
    parts = set(analyze(word)) - {whole}
    return whole in kinds or (bool(parts) and parts <= kinds)


@lru_cache(maxsize=4)
def _document_stems(c: Cues) -> frozenset[str]:
    """The document words as whole words („sozialbericht“, „bericht“), not their parts:
    „Sozialen“ in „einem Sozialen Ort“ and „Förderung“ name no document."""
    return frozenset(stem(word) for phrase in c.document_words.phrases for word in phrase)


def document_terms(text: str, c: Cues | None = None) -> set[str]:
    """Terms of a text that only say where to look: the words naming a document, with
    their parts („IHK-Entwurf“ gives "ihkentwurf", "ihk" and "entwurf"; „Sozialbericht“
    "sozial" too, but „Sozialen“ in „einem Sozialen Ort“ stays what is asked)."""
    c = c or cues()
    return {t for word in _text_words(text) if names_document(word, c) for t in analyze(word)}


def noun_after(text: str, cue: CueList) -> str | None:
    """The first noun after a cue, in the clause that has it: „Anträge“ in „Wie viele
    Anträge …“, „Teilen“ in „Aus welchen Teilen besteht …“."""
    clause = next((part for part in _CLAUSE.split(text) if cue.in_text(part)), "")
    found = cue.find(words_of(clause))
    if found is None:
        return None
    written = [m.group(0) for m in WORD.finditer(clause)]
    return next((w for w in written[found.end :] if w[0].isupper()), None)


_ARTICLES = frozenset({"der", "die", "den", "dem", "des", "aller", "allen", "alle"})
_NOUN_LINKS = frozenset({"mit", "ohne", "unter", "über", "ab", "von", "bis", "in", "im"})
_ADJECTIVES = 2  # words before a share's noun („aller privaten Haushalte“)
_SHARE_REACH = 4  # words between a share word and the „an“ that introduces its whole


def share_whole(text: str, c: Cues) -> str | None:
    """The whole a share question divides by, as written: the noun after „Anteil der“,
    „Prozent der“ („Einwohner“), or after „an den“ when a part comes first („Anteil der
    Alleinerziehenden an den Haushalten mit Kindern“ → „Haushalten mit Kindern“)."""
    written = [m.group(0) for m in WORD.finditer(SUBJECT_NOTE.sub("", text))]
    lowered = [w.lower() for w in written]
    span = c.share_of.find(lowered)
    share_word = c.share.find(lowered)
    anchor = span.end if span else share_word.end if share_word else None
    if anchor is None:
        return None
    after = c.share_whole_after.find(lowered[: anchor + _SHARE_REACH], anchor)
    if after is not None and after.start > anchor:
        anchor = after.end
    elif span is None or span.end != anchor:
        return None
    whole = _noun_phrase(written[anchor:])
    if whole is None or any(c.area_nouns.matches_word(w) for w in whole.split()):
        return None  # „Wie viel Prozent der Stadtteile …“ counts areas
    return whole


def _noun_phrase(written: Sequence[str]) -> str | None:
    """The first noun of `written` with its adjectives before and its attribute after
    („Haushalten mit Kindern“, „Einwohner unter 18 Jahren“); articles skipped."""
    first = 0
    while first < len(written) and written[first].lower() in _ARTICLES:
        first += 1
    noun = first
    while noun < len(written) and not written[noun][0].isupper():
        noun += 1
    if noun >= len(written) or noun - first > _ADJECTIVES:
        return None
    end = noun + 1
    if end < len(written) and written[end].lower() in _NOUN_LINKS:
        attribute = end + 1
        while attribute < min(len(written), end + _ADJECTIVES + 2):
            if written[attribute][0].isupper():
                end = attribute + 1
                break
            attribute += 1
    return " ".join(written[first:end])


def _asking_and_premise(text: str) -> tuple[str, str]:
    """The sentences of a question that ask (end in „?“) and those that tell the asker's
    situation before or around them; all of it asks when no sentence ends in „?“."""
    sentences = split_sentences(text.strip())
    asking = [s for s in sentences if s.rstrip().endswith("?")]
    if not asking or len(asking) == len(sentences):
        return text, ""
    return " ".join(asking), " ".join(s for s in sentences if s not in asking)


# -- what kind of answer ---------------------------------------------------------------------


def _names_measure(words: Sequence[str], c: Cues, bare: bool, time: bool = False) -> bool:
    """A measure noun that the question asks for („Zu welchem Zinssatz …?“, „Mit welchem
    monatlichen Zuschuss …?“, first in a keyword question: „Stichtag für …?“, anywhere in
    one without a question word, `bare`: „KitaBau Sachsen Förderquote?“) asks for a figure
    or a date; elsewhere it only qualifies („Welche Ziele verfolgt die Quote?“)."""
    nouns = c.time_nouns if time else c.measure_nouns
    return any(
        nouns.matches_word(word)
        and (bare or i == 0 or any(w.startswith("welch") for w in words[max(0, i - 2) : i]))
        for i, word in enumerate(words)
    )


def asks_definition(words: Sequence[str], c: Cues | None = None) -> bool:
    """„Was ist …“, „Was versteht der Bericht unter …“, „Wie wird … berechnet?“."""
    c = c or cues()
    if c.definition_start.starts(words):
        return True
    return c.method_start.starts(words) and c.method_verbs.in_words(words)


def checked_limit(text: str, c: Cues) -> str | None:
    """The limit noun of a question that checks a figure against it („Obergrenze“ in
    „Hält … die Obergrenze … ein?“); documents state such a limit as „höchstens 10 %“."""
    words = words_of(text)
    limit = c.limit_nouns.find(words)
    if limit is None or (limit.start > 0 and words[limit.start - 1] == "im"):
        return None  # „im Rahmen“ is no limit
    rest = [*words[: limit.start], *words[limit.end :]]
    checked = c.limit_checks.in_words(rest) or (rest and rest[-1] == "ein")
    if not checked:
        return None
    written = [m.group(0) for m in WORD.finditer(text)]
    return " ".join(written[limit.start : limit.end]) if len(written) == len(words) else None


def _located(words: Sequence[str], c: Cues) -> bool:
    """„leben in Chorweiler“, „lebten 2023 im Hafenviertel“: a verb of place right before
    the place; „…, die an ihrer Adresse wohnen“ places no count in an area."""
    return any(
        c.located.matches_word(word) and any(w in _PLACE_WORDS for w in words[i + 1 : i + 4])
        for i, word in enumerate(words)
    )


_PLACE_WORDS = frozenset({"in", "im", "auf"})


def _since(words: Sequence[str]) -> bool:
    return any(w == "seit" and YEAR.fullmatch(n) for w, n in itertools.pairwise(words))


def _period(words: Sequence[str]) -> bool:
    """„zwischen 2019 und 2023“, „von 2019 bis 2023“."""
    for i in range(len(words) - 3):
        a, y1, b, y2 = words[i : i + 4]
        years = YEAR.fullmatch(y1) and YEAR.fullmatch(y2)
        if years and ((a, b) == ("zwischen", "und") or (a == "von" and b in ("bis", "auf", "zu"))):
            return True
    return False


def _threshold(text: str, c: Cues) -> Threshold | None:
    """„über 20 %“, „mehr als 15 Prozent“: an operator, a figure, a percent sign or word."""
    words = words_of(text.replace("%", " prozent "))
    for cue_list, above in ((c.above, True), (c.below, False)):
        for span in cue_list.find_all(words):
            rest = words[span.end : span.end + 2]
            if len(rest) == 2 and rest[0][0].isdigit() and rest[1] == "prozent":
                return Threshold(rest[0], above)
    return None


def _which_areas(words: Sequence[str], c: Cues) -> bool:
    """„Welche (zwei) Stadtteile …“, „In welchen Quartieren …“."""
    for i, word in enumerate(words):
        if word.startswith("welch"):
            window = words[i + 1 : i + 1 + _WORDS_TO_AREA_NOUN]
            if any(c.area_nouns.matches_word(w) for w in window):
                return True
    return False


def _how_many_areas(words: Sequence[str], c: Cues) -> bool:
    """„Wie viele (der) Stadtteile …“, „Anteil der Quartiere“, „wie viel Prozent der“."""
    for span in c.count.find_all(words):
        rest = [w for w in words[span.end : span.end + 2] if w != "der"]
        if rest and c.area_nouns.matches_word(rest[0]):
            return True
    for i in range(len(words) - 2):
        if words[i : i + 2] == ["anteil", "der"] and c.area_nouns.matches_word(words[i + 2]):
            return True
        if words[i : i + 3] == ["viel", "prozent", "der"]:
            return True
    return False


def _single_area(words: Sequence[str], c: Cues) -> bool:
    """„Welcher Stadtteil …“, „Wo … am höchsten“: one area is asked for."""
    for i, word in enumerate(words[:-1]):
        if word in ("welcher", "welches", "welchem") and c.area_nouns.matches_word(words[i + 1]):
            return not words[i + 1].endswith(("e", "en", "räume"))
    if "wo" in words:
        at = words.index("wo")
        return any(
            a == "am" and (c.highest.matches_word(b) or c.lowest.matches_word(b))
            for a, b in itertools.pairwise(words[at:])
        )
    return False


def _wanted(words: Sequence[str], c: Cues) -> int:
    """How many areas a ranking lists: „die 3 Stadtteile“, „Top 5“, „fünf Quartiere“."""
    for i, word in enumerate(words[:-1]):
        if word.isdigit() and len(word) <= 2 and c.area_nouns.matches_word(words[i + 1]):
            return max(1, int(word))
        if word == "top" and words[i + 1].isdigit() and len(words[i + 1]) <= 2:
            return max(1, int(words[i + 1]))
    for word in words:
        if word in c.number_words:
            return c.number_words[word]
    return _DEFAULT_WANTED


# -- compound questions ------------------------------------------------------------------------


def clause_texts(text: str, c: Cues) -> list[str]:
    """The questions of a text that asks two or more at once, each standalone: a later one
    („und wie umfangreich dürfen die Teile sein“) carries the first one's nouns as a subject
    note. Empty for a single question."""
    pieces = _CLAUSE.split(SUBJECT_NOTE.sub("", text).strip().rstrip("?").strip())
    clauses = [pieces[0]]
    for piece in pieces[1:]:
        if c.clause_start.starts(words_of(piece)):
            clauses.append(piece)
        else:  # „, und zwar …“: the same question goes on
            clauses[-1] += f", {piece}"
    if len(clauses) < 2:
        return []
    subject = ", ".join(own_nouns(clauses[0]))
    note = f" (zu: {subject})" if subject else ""
    first, *later = clauses
    return [f"{first}?"] + [f"{clause[0].upper()}{clause[1:]}?{note}" for clause in later]


def coordinated_parts(text: str) -> list[QuestionPart]:
    """Two coordinated subjects: „Wie hängen (die) Kita-Versorgung und (die) Kinderarmut
    zusammen?“ — the noun right before „und“ and the first noun after it (articles and
    adjectives between are skipped)."""
    written = [m for m in WORD.finditer(text)]
    for i in range(1, len(written) - 1):
        if written[i].group(0) != "und":
            continue
        left = written[i - 1]
        right = next(
            (m for m in written[i + 1 : i + 4] if m.group(0)[0].isupper()),
            None,
        )
        if i - 1 == 0 or right is None or not left.group(0)[0].isupper():
            continue
        if _same_word(left.group(0), right.group(0)):
            return []  # „Bewohnerinnen und Bewohner“
        span = (left.start(), right.end())
        # The right subject keeps its adjectives (not its article): „begleitenden Maßnahmen“.
        between = [m.group(0) for m in written[i + 1 :] if m.start() < right.start()]
        adjectives = [w for w in between if w.lower() not in STOP_WORDS]
        subjects = (left.group(0), " ".join([*adjectives, right.group(0)]))
        return [
            QuestionPart(
                query=text[: span[0]] + subject + text[span[1] :],
                focus=frozenset(content_terms(subject)),
                role=Role.TOPIC,
            )
            for subject in subjects
        ]
    return []


def _same_word(first: str, second: str) -> bool:
    a, b = analyze(first)[:1], analyze(second)[:1]
    return bool(a and b) and (a[0].startswith(b[0]) or b[0].startswith(a[0]))


def limit_parts(text: str, limit: str | None, c: Cues) -> list[QuestionPart]:
    """A value and the limit it is checked against: „Hält M6 die Obergrenze für den
    Baustein D ein?“ — the value before the limit noun, the limit from it on."""
    if limit is None:
        return []
    at = text.find(limit)
    if at < 0:
        return []
    before_words = text[:at].split()[1:]  # the question's first word is its verb
    lead_in = {"innerhalb", "unterhalb", "oberhalb", "unter", "über", "die", "der", "des"}
    lead_in |= {"den", "dem", "das", "eine", "einer", "eines", "einen", "einem"}
    while before_words and before_words[-1].lower() in lead_in:
        before_words.pop()
    before = " ".join(before_words)
    after_words = text[at:].rstrip(" ?").split()
    while after_words and after_words[-1].lower() in ("ein", "einzuhalten", "zu", "halten"):
        after_words.pop()
    after = " ".join(after_words).rstrip(" ,")
    limit_terms = set(analyze(limit))
    value_focus = content_terms(before) - document_terms(before, c)
    limit_focus = content_terms(after) - document_terms(after, c) - limit_terms
    if not value_focus:
        return []
    return [
        QuestionPart(before, frozenset(value_focus), Role.VALUE),
        QuestionPart(after, frozenset(limit_focus), Role.LIMIT),
    ]


_FIGURE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w.,]*\d)")
_CUE_REACH = 5  # words between a limit cue and its figure


_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})")
# A day and month without a year after the word that makes it a date („bis zum 31.10.“), not
# a section number („Nummer 5.2.“).
_DAY_MONTH = re.compile(
    r"\b(?:bis|zum|am|vom|ab|spätestens)\s+(?:zum\s+|dem\s+)?(?:[012]?\d|3[01])\."
    r"(?:0?[1-9]|1[0-2])\.(?!\d)"
)
_MONTH_YEAR = re.compile(r"(?<![\d/])(?:0?[1-9]|1[0-2])/(?:19|20)\d\d(?![\d/])")  # „08/2026“


# A number that orders or points, not one that answers: a list's or a section's number
# at the start or after a comma („6.3.1 Die Anträge …“, „…, 2. Erfahrungsaustausch“,
# „(2) Die Förderung“) and a paragraph sign's numbers („§§ 23 und 44 LHO“). A day
# before its month („bis zum 15. Februar“) is a date, not a list number.
_ENUMERATOR = re.compile(
    r"(?:^|(?<=[,;:]))[\s\-–•]*(?:\d+(?:\.\d+)+\.?|\d{1,2}[.)]|\(\d{1,2}\))\s+"
    rf"(?=[A-ZÄÖÜ])(?!(?:{'|'.join(m.capitalize() for m in MONTH_NAMES)})\b)"
)
_PARAGRAPH = re.compile(r"§§?\s*\d+[a-z]?\b(?:\s*(?:,|bis|und|oder)\s*\d+[a-z]?\b)*")
_JOINING = frozenset({"bis", "und", "oder", "sowie"})


def without_references(text: str) -> str:
    """A passage's text without the numbers that only point somewhere: list and section
    numbers opening a line („6.3.1 Die Anträge …“) and paragraphs („§ 171b“, „§§ 23 und
    44“)."""
    return _PARAGRAPH.sub(" ", _ENUMERATOR.sub(" ", text))


def has_figure(text: str, c: Cues | None = None) -> bool:
    """Whether a passage's sentence states a figure: a number that is not a list's,
    a section's or a reference's („Nummer 6.3.2“, „Tabelle 3“), or a number word —
    „höchstens zwei Wochen“ answers „Wie viel Zeit …?“ as much as „14 Tage“."""
    c = c or cues()
    words = words_of(without_references(text))
    pointing = -2  # the position of the last number that was a reference's
    for i, word in enumerate(words):
        if word in c.number_words:
            return True
        if not word[0].isdigit():
            continue
        before = words[i - 1] if i else ""
        if not (
            c.reference_words.matches_word(before) or (before in _JOINING and pointing == i - 2)
        ):
            return True
        pointing = i
    return False


def _measure_asked(words: Sequence[str], c: Cues) -> Measure | None:
    if c.rate_words.in_words(words):
        return "rate"
    return "amount" if c.amount_words.in_words(words) else None


# „bis zu 50 Prozent“, „15 %“, „6 vom Hundert“, „die Hälfte“, „jeder Vierte“, „87 von 100“;
# „10 000 Euro“, „2.000 €“, „EUR 500“.
# A figure in digits, or a number word („höchstens sieben Prozent“, prompts/fragen.yaml).
_FIGURE_OR_WORD = r"(?:\d[\d.,  ]*|\b(?:{words})\s)"


@lru_cache(maxsize=1)
def _measure_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    figure = _FIGURE_OR_WORD.format(words="|".join(map(re.escape, cues().number_words)))
    rate = re.compile(
        rf"{figure}\s?(?:%|Prozent\b|vom Hundert\b|v\.\s?H\.)|\d+\s+von\s+(?:100|hundert)\b"
        r"|\b(?:Hälfte|Drittel|Viertel|Fünftel|Zehntel)\b"
        r"|\bjede[rs]?\s+(?:zweite|dritte|vierte|fünfte|zehnte)\b",
        re.IGNORECASE,
    )
    amount = re.compile(rf"{figure}\s?(?:Euro\b|EUR\b|€)|(?:EUR|€)\s?\d")
    return rate, amount


def states_measure(text: str, measure: Measure | None = None) -> bool:
    """Whether a sentence states a rate, an amount of money, or (`measure` None) either."""
    rate, amount = _measure_patterns()
    if measure == "rate":
        return rate.search(text) is not None
    if measure == "amount":
        return amount.search(text) is not None
    return rate.search(text) is not None or amount.search(text) is not None


def states_deadline(text: str, c: Cues | None = None) -> bool:
    """Whether a sentence names a date or period as a deadline („bis zum 31. Juli“,
    „spätestens“, „binnen zwei Wochen“), not only the date of a law it cites."""
    c = c or cues()
    return states_time(text, c) and c.deadline_words.in_words(words_of(text))


def states_time(text: str, c: Cues | None = None) -> bool:
    """Whether a passage's sentence names a date or a period: „31. Dezember 2023“,
    „30.05.2025“, „bis zum 31.10. eines jeden Jahres“, „08/2026“, „binnen zwei Jahren“,
    „innerhalb von 6 Monaten“."""
    c = c or cues()
    if _MONTH_YEAR.search(text) or _DAY_MONTH.search(text):
        return True
    words = words_of(text)
    for i, word in enumerate(words):
        if word in MONTH_NAMES or _DATE.fullmatch(word):
            return True
        if i and c.time_units.matches_word(word):
            before = words[i - 1]
            if before.isdigit() or before in c.number_words or before in ("einem", "eines"):
                return True
    return False


def limit_figures(text: str, limit_cues: CueList | None = None) -> tuple[list[str], list[str]]:
    """The figures of a passage split into (values, limits): a limit figure has a limit
    cue („höchstens“, „bis zu“, „Rahmen von“) within a few words before it. Years are
    neither."""
    limit_cues = limit_cues or cues().limit_cues
    values: list[str] = []
    limits: list[str] = []
    for match in _FIGURE.finditer(text):
        figure = match.group(0)
        if YEAR.fullmatch(figure):
            continue
        lead = words_of(" ".join(text[: match.start()].split()[-_CUE_REACH:]))
        (limits if limit_cues.in_words(lead) else values).append(figure)
    return values, limits
