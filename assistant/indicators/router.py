"""Indicator questions in the chat: recognise, compute, answer in German with cell citations.

`answer_indicator_question` returns None when a question is not about indicator figures or
names no indicator or area the store knows, so the document path answers instead. Figures
are quoted exactly as their source cell shows them ("23,4" stays "23,4").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd

from assistant.indicators.answer_text import (
    SourceList,
    area_noun,
    change_ranking_text,
    change_text,
    comparison_text,
    deviation_text,
    index_area_text,
    index_text,
    lookup_text,
    ranking_text,
    share_text,
    sum_text,
    threshold_text,
)
from assistant.indicators.catalogue import IndicatorDef, stem_set, words
from assistant.indicators.gazetteer import AreaMention
from assistant.indicators.geography import (
    Geography,
    GeographyChoice,
    choose_geography,
    land_named,
)
from assistant.indicators.numbers import parse_number
from assistant.indicators.operations import (
    IndicatorQueryError,
    Scope,
    change,
    compare,
    deviation,
    lookup,
    rank,
    rank_change,
    share,
    share_above,
    social_index,
    summable,
    total,
)
from assistant.indicators.store import IndicatorStore
from assistant.language.cues import cues
from assistant.language.german import STOP_WORDS, analyze, fold, synonyms
from assistant.language.question import QuestionAnalysis
from assistant.models import Answer, Citation, TableGap

Intent = Literal[
    "index", "ranking", "change", "change_ranking", "comparison", "deviation", "threshold",
    "lookup", "candidates", "sum", "share",
]  # fmt: skip

# Embedding fallback: best n-gram similarity and its lead over the runner-up.
_EMBED_MIN = 0.6
_EMBED_MARGIN = 0.08
_PHRASE_VECTORS: dict[tuple[int, tuple[str, ...]], np.ndarray] = {}


class TextEncoder(Protocol):
    """Anything with `encode(texts) -> (n, d) unit vectors`, e.g. the configured embedder."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(slots=True)
class IndicatorAnswer:
    """A computed answer: German text with `[n]` markers and the cells they point to."""

    question: str
    text: str
    sources: list[Citation]  # one per cited cell (`ref.column` set)
    operation: Intent
    result: Any = field(default=None, repr=False)

    def to_answer(self) -> Answer:
        """The shared `Answer` type (mode "indicators"), so the chat shows it like any other."""
        citations = [replace(c) for c in self.sources]
        return Answer(self.question, self.text, "indicators", citations, [], True)

    def to_json(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "operation": self.operation,
            "sources": [
                {"n": c.n, "doc_id": c.ref.doc_id, **c.ref.cell_json()} for c in self.sources
            ],
        }


@dataclass(slots=True)
class ParsedQuestion:
    """What the router understood; exposed for tests and the UI's "so gerechnet" view."""

    intent: Intent | None
    indicator: str | None
    areas: list[AreaMention]
    years: list[int]
    since: bool
    n: int
    highest: bool
    threshold: float | None = None
    above: bool = True
    city: bool = False
    geography: Geography | None = None  # the tables the answer comes from
    also: tuple[Geography, ...] = ()  # other tables that fit the question as well
    region: str | None = None  # the Land a question narrows to („NRW-Kommune“)
    candidates: tuple[str, ...] = ()  # indicators that nearly fit when none clearly does
    whole: str | None = None  # the indicator a share divides by (`indicator` is the part)

    @property
    def scope(self) -> Scope:
        return Scope(self.geography.id if self.geography else None, self.region)


def parse_question(
    question: QuestionAnalysis,
    store: IndicatorStore,
    workspace: str = "default",
    embedder: TextEncoder | None = None,
) -> ParsedQuestion:
    """The question's intent for the tables, with its indicator and areas as the store
    knows them; intent None = not for the router."""
    definitions = store.definitions(workspace)
    geographies = store.geographies(workspace)
    mentions = geographies.find_in_text(question.text)
    frame = store.frame(workspace)
    match = _match_where_named(question, definitions, frame, mentions, embedder)
    indicator = match.key
    holding = frame[frame["indicator"] == indicator] if indicator is not None else frame
    choice = choose_geography(geographies, holding["geography"].unique(), question.text, mentions)
    areas = [m for m in mentions if choice is None or m.geography == choice.chosen.id]
    parsed = ParsedQuestion(
        None,
        indicator,
        areas,
        _asked_years(question, definitions.get(indicator) if indicator else None),
        question.since,
        question.wanted,
        not question.decrease,
        city=question.city,
        geography=choice.chosen if choice else None,
        also=choice.others if choice else (),
        region=_region(question.text, holding, choice),
        candidates=match.candidates,
    )
    threshold = question.threshold
    asks_index = question.asks_index or (
        question.burden
        and indicator is None
        and (question.which_areas or bool(areas and question.yes_no))
    )
    if asks_index and (indicator is None or any("index" in w for w in question.words)):
        parsed.intent = "index"
    elif _share_of_counts(question, store, workspace, indicator, mentions, parsed):
        parsed.intent = "share"
    elif indicator is None:
        return parsed
    elif threshold and (question.how_many_areas or question.which_areas):
        parsed.intent = "threshold"
        parsed.threshold = parse_number(threshold.value).value
        parsed.above = threshold.above
    elif question.together and len(areas) >= 2:
        parsed.intent = "sum"
    elif question.change or (question.difference and len(set(parsed.years)) >= 2 and areas):
        parsed.intent = "change" if areas else "change_ranking"
    elif question.deviation and areas:
        parsed.intent = "deviation"
    elif len(areas) >= 2:
        parsed.intent = "comparison"
    elif question.ranking or (not areas and question.which_areas and not question.city):
        parsed.intent = "ranking"
    elif (areas or question.city) and (question.quantity or question.value_words):
        parsed.intent = "lookup"
    return parsed


def _match_where_named(
    question: QuestionAnalysis,
    definitions: dict[str, IndicatorDef],
    frame: pd.DataFrame,
    mentions: Sequence[AreaMention],
    embedder: TextEncoder | None,
) -> IndicatorMatch:
    """The indicator a question names, among those of the tables holding the areas it
    names first: „Alleinerziehenden-Haushalte in Prohlis-Süd“ asks for Dresden's column,
    though another city's table names its indicator a little more like the question; then
    among those any table holds; then among all the catalogue knows."""
    counting = question.counted is not None
    named_in = {m.geography for m in mentions}
    # The tables of the named areas first, then any table: a catalogue entry no table
    # holds („Einwohner“ for „Anteil ausländischer Einwohner“) answers nothing.
    scopes = [frame.loc[frame["geography"].isin(named_in)]] if named_in else []
    for scope in [*scopes, frame]:
        held = set(scope["indicator"].unique())
        local = [d for key, d in definitions.items() if key in held]
        match = match_indicator(question.text, local, embedder, counting=counting)
        if match.key is not None or match.candidates:
            return match
    return match_indicator(question.text, definitions.values(), embedder, counting=counting)


def answer_indicator_question(
    question: QuestionAnalysis,
    store: IndicatorStore,
    *,
    workspace: str = "default",
    embedder: TextEncoder | None = None,
) -> IndicatorAnswer | None:
    """Answer an indicator question from the store, or None for the document path.

    None when the question is not about figures, names no indicator or area the store
    knows, or the figures it needs are not there (e.g. the asked year is missing). A
    question about a method or a term („Was misst der Dynamikindex?“) is for the documents.
    """
    if not question.text.strip() or question.definition:
        return None
    parsed = parse_question(question, store, workspace, embedder)
    if question.summary and not parsed.areas:
        # „Fasse zusammen, wie sich die Arbeitslosigkeit in Deutschland entwickelt hat“
        # asks the reports; an area's fact sheet (`area_profile`) summarises the tables.
        return None
    if parsed.intent == "share":
        try:
            return _answer(question, parsed, store, workspace)
        except IndicatorQueryError:
            parsed = replace(parsed, intent=None)  # as if no share had been asked
    if parsed.candidates and (parsed.areas or question.ranking or question.which_areas):
        return _candidates_answer(question, parsed, store, workspace)
    if parsed.intent is None or _share_asked_of_a_count(question, parsed, store, workspace):
        return None
    try:
        answer = _answer(question, parsed, store, workspace)
    except IndicatorQueryError:
        return None
    if answer is not None and question.together and len(parsed.areas) == 1:
        # „Hafenviertel und Nordviertel zusammen“ where the tables know one of them: its
        # value, and why there is no sum, rather than the value as if it were one.
        answer.text += (
            f"\nKeine Summe: von den genannten Gebieten führen die Tabellen nur "
            f"„{parsed.areas[0].name}“."
        )
    return answer


def missing_indicator(
    question: QuestionAnalysis,
    store: IndicatorStore,
    *,
    workspace: str = "default",
    embedder: TextEncoder | None = None,
) -> TableGap | None:
    """For a figure asked of areas the tables know („SGB-II-Quote im Stadtbezirk
    Ramersdorf - Perlach“) under a name none of their tables' indicators has: the gap,
    naming what those tables do hold. None when the question asks for no figure, names no
    known area, or names an indicator of those tables for a year they hold (the router
    answers or explains it); for a year they lack, that gap (`_missing_year`)."""
    if question.definition or not question.quantity:
        return None
    written = fold(question.text)
    # Only areas the question writes out: the gazetteer also finds „Langel“ in „Wie lange“.
    mentions = [
        m
        for m in store.geographies(workspace).find_in_text(question.text)
        if re.search(rf"(?<!\w){re.escape(fold(m.name))}(?!\w)", written)
    ]
    if not mentions:
        return None
    frame = store.frame(workspace)
    holding = frame[frame["geography"].isin({m.geography for m in mentions})]
    definitions = store.definitions(workspace)
    held = [definitions[k] for k in holding["indicator"].unique() if k in definitions]
    counting = question.counted is not None
    match = match_indicator(question.text, held, embedder, counting=counting)
    areas = tuple(dict.fromkeys(m.name for m in mentions))
    if match.key is not None:
        return _missing_year(question, holding, definitions[match.key], areas)
    if match.candidates or not held:
        return None
    where = set(analyze(" ".join(m.text for m in mentions))) | {str(y) for y in question.years}
    return TableGap(
        frozenset(holding["doc_id"].unique()),
        areas,
        _asked_words(question, where),
        _gap_text(areas, [d.name for d in held]),
    )


def _missing_year(
    question: QuestionAnalysis, holding: pd.DataFrame, held: IndicatorDef, areas: tuple[str, ...]
) -> TableGap | None:
    """A year asked of an indicator the tables hold for the areas, but not for that year
    („Ausländeranteil in Milbertshofen 2015“ where the table ends in 2012): the gap, with
    the years they have. None when a year asked is there (the router answers it)."""
    rows = holding[holding["indicator"] == held.key]
    years = sorted({int(y) for y in rows["year"].dropna()})
    if not question.years or not years or set(question.years) & set(years):
        return None
    asked = ", ".join(str(y) for y in question.years)
    held_years = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    where = set(analyze(" ".join(areas))) | {str(y) for y in question.years}
    return TableGap(
        frozenset(rows["doc_id"].unique()),
        areas,
        _asked_words(question, where),
        f"Die Tabellen führen „{held.name}“ für {', '.join(areas)} nur für {held_years}, "
        f"nicht für {asked}.",
        years=question.years,
    )


def _asked_words(question: QuestionAnalysis, where: set[str]) -> tuple[tuple[str, ...], ...]:
    """The question's words that say what is asked, each as its terms (whole, then parts):
    not the areas and years, not „wie hoch“, and not „Quote“ or „Anteil“ alone, which
    name no indicator (each table has one)."""
    dropped = where | _form_terms(question) | _generic_stems()
    asked = []
    for word in dict.fromkeys(question.words):
        terms = analyze(word)
        whole = max(terms, key=len, default="")  # „sgb-ii-quote“: sgb, ii, quot, sgbiiquot
        if whole in question.topic_terms and whole not in dropped:
            asked.append((whole, *(t for t in terms if t != whole)))
    return tuple(asked)


def _form_terms(question: QuestionAnalysis) -> set[str]:
    """The terms of the words that say a figure is asked for („wie hoch“, „im Jahr“),
    not which one."""
    c = cues()
    words = question.words
    found = [w for w in words if c.time_units.matches_word(w)]
    span = c.quantity.find(words)
    while span is not None:
        found += words[span.start : span.end]
        span = c.quantity.find(words, span.end)
    return set(analyze(" ".join(found)))


def _gap_text(areas: Sequence[str], names: Sequence[str]) -> str:
    """The refusal naming what the tables hold: long-table labels by their topic
    („Arbeitsmarkt – Arbeitslose“ for its ten variants), the largest topics first."""
    topics = Counter(" – ".join(name.split(" – ")[:2]) for name in names)
    shown = [topic for topic, _ in topics.most_common()]
    listed = "; ".join(shown[:_GAP_NAMES])
    more = f" und {len(shown) - _GAP_NAMES} weitere" if len(shown) > _GAP_NAMES else ""
    return (
        f"Die Tabellen zu {', '.join(areas)} enthalten dazu keinen Wert; "
        f"sie führen: {listed}{more}."
    )


def _share_asked_of_a_count(
    question: QuestionAnalysis, parsed: ParsedQuestion, store: IndicatorStore, workspace: str
) -> bool:
    """A question for a share ("Anteil der Einwohner, die …") matched to a count
    indicator ("Einwohner") means the real indicator was not recognised."""
    asks_share = cues().share.in_words(question.words) or "%" in question.text
    if parsed.indicator is None or not asks_share:
        return False
    definition = store.definitions(workspace).get(parsed.indicator)
    return definition is not None and definition.kind in ("count", "population")


def _share_of_counts(
    question: QuestionAnalysis,
    store: IndicatorStore,
    workspace: str,
    indicator: str | None,
    mentions: Sequence[AreaMention],
    parsed: ParsedQuestion,
) -> bool:
    """A share asked of two counts („Wie viel Prozent der Einwohner Kölns leben in
    Chorweiler?“, „Welcher Anteil der Haushalte sind Alleinerziehende?“): sets the part
    (`indicator`), the whole, their tables and areas on `parsed`. A rate the tables hold
    for the question is answered as it stands instead: it is not computed again."""
    definitions = store.definitions(workspace)
    if question.share_of is None or question.together:
        return False
    # A rate the question names answers it, unless it asks how a count is spread over the
    # city („… der Einwohner Kölns leben in Chorweiler“), which no rate of an area is.
    rate_named = indicator is not None and not summable(definitions[indicator])
    if rate_named and not (question.located and mentions):
        return False
    frame = store.frame(workspace)
    named = [m.geography for m in mentions]
    plans: dict[str, tuple[str, str]] = {}
    for geography in dict.fromkeys(named or frame["geography"].unique().tolist()):
        rows = frame[frame["geography"] == geography]
        held = set(rows["indicator"].unique())
        counts = [d for key, d in definitions.items() if key in held and summable(d)]
        plan = _part_and_whole(question, counts)
        if plan is None:
            continue
        has_areas = any(m.geography == geography for m in mentions)
        of_city = plan[0] == plan[1]
        if (of_city and not (has_areas and question.located)) or (rate_named and not of_city):
            continue  # „Anteil der Einwohner, die ein Auto besitzen“ names no count
        city_rows = rows[(rows["aggregate"] != "") & rows["indicator"].isin(plan)]
        if (of_city or not has_areas) and city_rows.empty:
            continue  # of the city's, but the table has no row for the city
        plans[str(geography)] = plan
    geographies = store.geographies(workspace)
    choice = choose_geography(geographies, plans, question.text, mentions)
    if choice is None:
        return False
    parsed.indicator, parsed.whole = plans[choice.chosen.id]
    parsed.areas = [m for m in mentions if m.geography == choice.chosen.id]
    parsed.geography, parsed.also, parsed.candidates = choice.chosen, choice.others, ()
    return True


def _part_and_whole(
    question: QuestionAnalysis, counts: Sequence[IndicatorDef]
) -> tuple[str, str] | None:
    """The count a share question divides (the part) and the one it divides by (the
    whole, named after „Anteil der“ / „an den“). The part is the whole's own indicator
    when the question names no other count („Prozent der Einwohner … in Chorweiler“)."""
    assert question.share_of is not None
    whole_stems = stem_set(question.share_of)
    whole = _best_covered(counts, whole_stems, frozenset())
    if whole is None:
        return None
    rest = stem_set(question.text) - whole_stems
    others = [d for d in counts if d.key != whole.key]
    part = _best_covered(others, rest, whole_stems)
    return (part.key if part else whole.key), whole.key


def _best_covered(
    definitions: Sequence[IndicatorDef], asked: frozenset[str], also: frozenset[str]
) -> IndicatorDef | None:
    """The definition one of whose names consists only of words in `asked` (or in `also`,
    or generic ones such as „alle“, „gesamt“) — a compound counting by its head
    („Privathaushalte“ for „Haushalte“) — with at least one word of `asked`; the one with
    most such words, then fewest words, wins."""
    ignored = _generic_stems() | _total_stems()
    best: tuple[tuple[int, int], IndicatorDef] | None = None
    for definition in definitions:
        for phrase in _phrases(definition):
            # A name of generic words only („Haushalte“) is named by them.
            stems = (_phrase_stems(phrase) - ignored) or _phrase_stems(phrase)
            own = {s for s in stems if _covered(s, asked)}
            if not own or any(not _covered(s, asked | also) for s in stems - own):
                continue
            score = (len(own), -len(stems))
            if best is None or score > best[0]:
                best = (score, definition)
    return best[1] if best else None


def _covered(stem: str, asked: frozenset[str]) -> bool:
    """A name's word stem is asked for as it stands or as the head of a compound
    („privathaushalt“ by „haushalt“)."""
    return stem in asked or any(len(a) >= _MIN_HEAD and stem.endswith(a) for a in asked)


_MIN_HEAD = 5  # letters of a question word that a name's compound may end in


@dataclass(frozen=True, slots=True)
class IndicatorMatch:
    """The indicator a question names, or, when columns only nearly fit and none clearly
    wins, the candidates to name instead of answering with one of them."""

    key: str | None
    candidates: tuple[str, ...] = ()


def match_indicator(
    question: str,
    definitions: Any,
    embedder: TextEncoder | None = None,
    *,
    counting: bool = False,
) -> IndicatorMatch:
    """The indicator a question names: by word stems first, then (optionally) embeddings.

    A phrase (name, key, synonym or the table's own header) matches when all its stems
    occur in the question; the longest matching phrase wins, so "Arbeitslose unter 25"
    beats "Arbeitslose". On a tie rates beat counts, unless the question counts
    („Wie viele Arbeitslose …“).
    """
    question_stems = _asked_stems(question)
    question_words = words(question)
    question_compact = "".join(question_words)
    best: tuple[tuple[int, int, int, int, int, int, int], str] | None = None
    best_stems: set[str] = set()
    defs: list[IndicatorDef] = list(definitions)
    generic_words = _generic_words()
    generic, totals = _generic_stems(), _total_stems()
    sharing = bool(question_stems & _share_stems())
    for definition in defs:
        for phrase in _phrases(definition):
            # „Haushalte mit Kindern - gesamt“ is what „Haushalte mit Kindern“ asks for.
            phrase_stems = _phrase_stems(phrase) - totals or _phrase_stems(phrase)
            if not phrase_stems:
                continue
            joined = "".join(words(phrase))
            whole = phrase_stems <= question_stems
            # Inside a compound ("Kinderarmutsquote") counts too, but less than whole words:
            # "Jugendarbeitslosigkeit" must not be read as "Arbeitslosigkeit".
            inside = len(joined) >= 6 and joined not in generic_words and joined in question_compact
            # „Arbeitslose – Langzeit“ inside „Langzeitarbeitslosen“: every word, any order.
            inside = inside or _words_inside(phrase, question_stems, question_compact)
            # „Alleinerziehende“ names „Alleinerziehende Haushalte – gesamt“: a name's
            # words that say what is counted („Haushalte“, „Anteil“) may go unsaid.
            core = phrase_stems - generic
            named = bool(core) and core != phrase_stems and core <= question_stems
            counts = definition.kind in ("count", "population")
            # „Anteil ausländischer Einwohner“ asks for a share: a count that names the
            # same people („Anzahl aller ausländischen Einwohner“) is no match by them.
            named = named and not (counts and sharing and not counting)
            if whole or inside or named:
                # A counting question takes a count before a longer word form of a rate.
                score = (
                    # Words of the indicator's own count before generic ones („Anteil“):
                    # „Arbeitslose – Langzeit“ beats „Anteil Arbeitsloser“.
                    len(core),
                    len(phrase_stems) if whole or inside else len(phrase_stems & question_stems),
                    int(whole),
                    int(counting and counts),
                    # The word as the question writes it before another with its stem:
                    # „Arbeitslosigkeit“ names the phrase „Arbeitslosigkeit“, not „alle
                    # Arbeitslosen“.
                    sum(w in question_words for w in words(phrase)),
                    len(joined),
                    int(counts == counting),
                )
                if best is None or score > best[0]:
                    best = (score, definition.key)
                    best_stems = _word_stems(phrase)
    if best is not None and best_stems:
        others = [d for d in defs if d.key != best[1]]  # a name is never wider than itself
        wider = _wider_match(_word_stems(question), others, best_stems)
        if wider.key is not None or wider.candidates:
            return wider
    if best is not None and best[0][1] > 1:
        return IndicatorMatch(best[1])
    described = _description_words_match(question, defs)
    if described is not None:
        return IndicatorMatch(described)
    if embedder is None or not defs:
        return IndicatorMatch(best[1] if best is not None else None)
    # One shared word ("Einwohner") is weak evidence in a long question: a confident
    # paraphrase of an indicator's description overrules it.
    paraphrased = _description_match(question, defs, embedder)
    if paraphrased is not None:
        return IndicatorMatch(paraphrased)
    if best is not None:
        return IndicatorMatch(best[1])
    return IndicatorMatch(_embedding_match(question, defs, embedder))


def _words_inside(phrase: str, question_stems: frozenset[str], compact: str) -> bool:
    """Whether every word of a phrase of several is in the question, whole or, when long
    enough to be no mere syllable, inside one of its compounds."""
    parts = words(phrase)
    found = [
        w
        for w in parts
        if _phrase_stems(w) <= question_stems or (len(w) >= _MIN_INSIDE and w in compact)
    ]
    return len(found) > 1 and len(found) == len(parts)


def _wider_match(
    question_stems: set[str], definitions: list[IndicatorDef], matched: set[str]
) -> IndicatorMatch:
    """An indicator whose name extends the matched one by more words of the question:
    „Einwohner mit Migrationshintergrund“ asks for „Einwohner mit Migrationshintergrund –
    Insgesamt“, not for „Einwohner“. A name that also needs a word the question lacks (other
    than a generic one such as „insgesamt“) only nearly fits: „Anteil der Sozialwohnungen“
    is not „Anteil der Sozialwohnungen mit Bindungsauslauf“. Such near fits, and a best
    that does not beat the runner-up, come back as candidates."""
    generic = _generic_stems()
    scored: dict[str, tuple[int, int]] = {}
    for definition in definitions:
        for phrase in definition.phrases:
            stems = _word_stems(phrase)
            shared = stems & question_stems
            if matched < shared:
                score = (len(shared), -len(stems - question_stems - generic))
                scored[definition.key] = max(scored.get(definition.key, score), score)
    if not scored:
        return IndicatorMatch(None)
    ranked = sorted(scored.items(), key=lambda item: item[1], reverse=True)
    top_key, top = ranked[0]
    tied = [key for key, score in ranked if score == top]
    if top[1] == 0 and len(tied) == 1:
        return IndicatorMatch(top_key)
    near = [key for key, score in ranked if score[0] == top[0]]
    return IndicatorMatch(None, tuple(near[:_MAX_CANDIDATES]))


def _description_words_match(question: str, definitions: list[IndicatorDef]) -> str | None:
    """The one indicator whose description (or, lacking one, name) shares two words with
    the question that no other indicator uses, for questions that use neither its name
    nor a synonym whole ("wechseln … auf ein Gymnasium": „Anteil der Viertklässler, die
    auf ein Gymnasium wechseln“)."""
    asked = _word_stems(question)
    # A table's own column has no description: its name („Fahrzeit Hausarzt Kreisregionen“,
    # from the file's name) is all it says of itself.
    described = {d.key: _word_stems(d.description or d.name) for d in definitions}
    used = Counter(
        stem for d in definitions for stem in described[d.key] | _word_stems(" ".join(d.phrases))
    )
    shared = sorted(
        (
            (len({s for s in stems & asked if used[s] == 1}), key)
            for key, stems in described.items()
        ),
        reverse=True,
    )
    if not shared or shared[0][0] < 2:
        return None
    if len(shared) > 1 and shared[1][0] == shared[0][0]:
        return None
    return shared[0][1]


def _word_stems(text: str) -> set[str]:
    """Stems of whole content words: a compound is one word here ("Haushalte" is not also
    "Haus" and "Halt"), so two shared words mean two things the question says."""
    content = (w for w in words(text) if w.isdigit() or (w not in STOP_WORDS and len(w) > 2))
    return set(stem_set(" ".join(content)))


def _phrase_stems(text: str) -> frozenset[str]:
    """Stems of a phrase with compounds of a generic head taken apart:
    „Sozialwohnungsanteil“ is „Sozialwohnungs·anteil“, so „Anteil der Sozialwohnungen“
    names it."""
    return stem_set(_GENERIC_HEAD.sub(r"\1 \2", text))


def _asked_stems(text: str) -> frozenset[str]:
    """A question's stems, with its compounds both whole and taken apart, and their
    synonyms (prompts/synonyms.yaml: „Frauen“ asks for the column value „weiblich“)."""
    asked = stem_set(text) | _phrase_stems(text)
    return asked | frozenset(s for stem in asked for s in synonyms(stem))


def _phrases(definition: IndicatorDef) -> tuple[str, ...]:
    """What names an indicator: its name, key and synonyms, and for a table in long format
    („Arbeitsmarkt – Arbeitslose – Langzeit“) the narrower ends of its name („Arbeitslose –
    Langzeit“, „Langzeit“), unless they are generic: a question names the group it asks
    about, rarely the topic above it."""
    parts = definition.name.split(" – ")
    generic = _generic_stems()
    ends = [" – ".join(parts[i:]) for i in range(1, len(parts))]
    specific = [end for end in ends if not _phrase_stems(end) <= generic]
    return (*definition.phrases, *specific)


def _embedding_match(
    question: str, definitions: list[IndicatorDef], embedder: TextEncoder
) -> str | None:
    content = [w for w in re.findall(r"[^\W\d_]+", question) if len(w) > 3]
    content = [w for w in content if not _is_function_word(w)]
    grams = [" ".join(content[i : i + n]) for n in (1, 2, 3) for i in range(len(content) - n + 1)]
    # A compound with a generic head ("Eigenanteil", "Förderquote") resembles every
    # "…anteil" indicator ("Migrationsanteil") without meaning it.
    grams = [g for g in grams if not any(_generic_compound(w) for w in g.split())]
    if not grams:
        return None
    phrases: list[tuple[str, str]] = [
        (d.key, phrase) for d in definitions for phrase in (d.name, *d.synonyms)
    ]
    gram_vectors = np.asarray(embedder.encode(grams), dtype=float)
    phrase_vectors = _catalogue_vectors(embedder, [p for _, p in phrases])
    similarity = (gram_vectors @ phrase_vectors.T).max(axis=0)
    per_key: dict[str, float] = {}
    for (key, _), score in zip(phrases, similarity, strict=True):
        per_key[key] = max(per_key.get(key, -1.0), float(score))
    return _confident(per_key)


def _description_match(
    question: str, definitions: list[IndicatorDef], embedder: TextEncoder
) -> str | None:
    """The indicator whose description the whole question paraphrases („Anteil der
    Einwohner, die seit mehr als fünf Jahren an ihrer Adresse wohnen“)."""
    described = [(d.key, d.description) for d in definitions if d.description]
    if not described:
        return None
    vectors = _catalogue_vectors(embedder, [text for _, text in described])
    similarity = vectors @ np.asarray(embedder.encode([question]), dtype=float)[0]
    scores = zip(described, similarity, strict=True)
    return _confident({key: float(score) for (key, _), score in scores})


def _confident(per_key: dict[str, float]) -> str | None:
    ranked = sorted(per_key.items(), key=lambda item: -item[1])
    top_key, top = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else -1.0
    if top >= _EMBED_MIN and top - runner_up >= _EMBED_MARGIN:
        return top_key
    return None


def _catalogue_vectors(embedder: TextEncoder, texts: list[str]) -> np.ndarray:
    cache_key = (id(embedder), tuple(texts))
    vectors = _PHRASE_VECTORS.get(cache_key)
    if vectors is None:
        vectors = np.asarray(embedder.encode(texts), dtype=float)
        if len(_PHRASE_VECTORS) >= 8:  # names and descriptions of a few catalogues
            _PHRASE_VECTORS.clear()
        _PHRASE_VECTORS[cache_key] = vectors
    return vectors


_MIN_INSIDE = 6  # letters of a word found inside a question's compound
# A compound ending in a generic head word, with at least four letters before it.
_GENERIC_HEAD = re.compile(r"\b(\w{4,}?)(anteils?|quoten?)\b", re.IGNORECASE)
# Columns named at most when a question only nearly fits several.
_MAX_CANDIDATES = 4
_GAP_NAMES = 6  # indicators named when a question asks for one the tables lack


@lru_cache(maxsize=1)
def _generic_words() -> frozenset[str]:
    """Words of an indicator's name that say how it is counted (prompts/fragen.yaml)."""
    return cues().generic_indicator_words.words()


@lru_cache(maxsize=1)
def _generic_stems() -> frozenset[str]:
    return _phrase_stems(" ".join(_generic_words()))


@lru_cache(maxsize=1)
def _share_stems() -> frozenset[str]:
    """Stems of the words asking for a share („Anteil“, „Quote“; prompts/fragen.yaml)."""
    return _phrase_stems(" ".join(cues().share.words()))


@lru_cache(maxsize=1)
def _total_stems() -> frozenset[str]:
    """Stems of the words naming a long table's variant for all (prompts/fragen.yaml)."""
    return _phrase_stems(" ".join(cues().total_words.words()))


def _generic_compound(word: str) -> bool:
    lowered = word.lower()
    generic = _generic_words()
    return lowered not in generic and lowered.endswith(tuple(generic))


_FUNCTION_WORDS = frozenset(
    """
    welche welcher welches wieviel viele hoch höchste höchsten niedrigste niedrigsten meisten
    wenigsten stadtteil stadtteile stadtteilen quartier quartiere quartieren gebiet gebiete
    haben hatte hatten sind waren gibt leben wohnen nach seit dort diese dieser dieses
    """.split()
)


def _is_function_word(word: str) -> bool:
    return word.casefold() in _FUNCTION_WORDS


def _answer(
    question: QuestionAnalysis, parsed: ParsedQuestion, store: IndicatorStore, workspace: str
) -> IndicatorAnswer | None:
    sources = SourceList()
    scope = parsed.scope
    area_type = parsed.geography.area_type if parsed.geography else None
    area_word = question.area_word or (area_type.name if area_type else None)
    intent = parsed.intent
    text: str | None
    result: Any
    if intent == "index":
        year = _asked_year(parsed)
        result = social_index(store, year=year, workspace=workspace, scope=scope)
        if parsed.areas:
            text = index_area_text(result, sources, [a.key for a in parsed.areas], area_word)
        else:
            text = index_text(result, sources, area_word)
        return _finished(question, parsed, text, sources, result)
    indicator = parsed.indicator
    assert indicator is not None
    year = _asked_year(parsed)
    if intent == "ranking":
        result = rank(store, indicator, year, parsed.n, parsed.highest, workspace, scope)
        text = ranking_text(result, sources, area_word)
    elif intent == "threshold":
        assert parsed.threshold is not None
        result = share_above(
            store, indicator, parsed.threshold, year, parsed.above, workspace, scope
        )
        text = threshold_text(result, sources, area_noun(area_word))
    elif intent == "change":
        start, end = _period(parsed)
        result = change(store, indicator, parsed.areas[0].key, start, end, workspace, scope)
        text = change_text(result, sources)
    elif intent == "change_ranking":
        start, end = _period(parsed)
        increase = not question.decrease
        result = rank_change(store, indicator, start, end, parsed.n, increase, workspace, scope)
        text = change_ranking_text(result, sources, area_noun(area_word))
    elif intent == "deviation":
        result = deviation(store, indicator, parsed.areas[0].key, year, workspace, scope)
        text = deviation_text(result, sources)
    elif intent == "sum":
        result = total(store, indicator, [a.key for a in parsed.areas], year, workspace, scope)
        text = sum_text(result, sources)
    elif intent == "share":
        assert parsed.whole is not None
        keys = [a.key for a in parsed.areas]
        result = share(store, indicator, parsed.whole, keys, year, workspace, scope)
        text = share_text(result, sources)
    elif intent == "comparison":
        keys = [a.key for a in parsed.areas]
        result = compare(store, indicator, keys, year, workspace, scope)
        text = comparison_text(result, sources)
    else:  # lookup
        area = parsed.areas[0].key if parsed.areas else _city_area(store, parsed, workspace)
        if area is None:
            return None
        result = lookup(store, indicator, area, year, workspace, scope)
        stored_share = question.share_of is not None and result.indicator.unit == "%"
        text = lookup_text(result, sources, share=stored_share)
    return _finished(question, parsed, text, sources, result)


def _finished(
    question: QuestionAnalysis,
    parsed: ParsedQuestion,
    text: str | None,
    sources: SourceList,
    result: Any,
) -> IndicatorAnswer | None:
    if not text:
        return None
    if parsed.region:
        text += f"\nBerücksichtigt sind nur Gebiete in {parsed.region}."
    if parsed.also and parsed.geography is not None:
        text += "\n" + _also_note(parsed.geography, parsed.also)
    return IndicatorAnswer(question.text, text, sources.items, parsed.intent, result)  # type: ignore[arg-type]


def _candidates_answer(
    question: QuestionAnalysis, parsed: ParsedQuestion, store: IndicatorStore, workspace: str
) -> IndicatorAnswer:
    """Name the columns that nearly fit, by their headers as the table writes them,
    instead of answering with one of them; a column holding several indicators (a long
    table's „INDIKATOR_WERT“) by the indicator's own label."""
    frame = store.frame(workspace)
    first = frame.drop_duplicates("indicator").set_index("indicator")
    shared = frame.groupby("column_name")["indicator"].nunique()
    names = [
        str(first.at[key, "column_name"])
        if shared[first.at[key, "column_name"]] == 1
        else str(first.at[key, "label"])
        for key in parsed.candidates
        if key in first.index
    ]
    listed = ", ".join(f"„{name}“" for name in names)
    if len(names) == 1:
        text = (
            f"Die Frage passt zu keiner Tabellenspalte genau; am nächsten kommt {listed}. "
            "Wenn Sie diese Spalte meinen, fragen Sie bitte mit ihrem Namen."
        )
    else:
        text = (
            f"Die Frage passt zu keiner Tabellenspalte genau, aber zu mehreren nahezu: "
            f"{listed}. Bitte nennen Sie die gemeinte Spalte mit ihrem Namen."
        )
    return IndicatorAnswer(question.text, text, [], "candidates")


def _also_note(chosen: Geography, others: Sequence[Geography]) -> str:
    """Say which tables the answer comes from when others would have fitted too."""
    listed = "; ".join(f"„{g.title}“ ({g.area_plural})" for g in others)
    return (
        f"Hinweis: Berechnet nur aus „{chosen.title}“ ({chosen.area_plural}). Dazu passen "
        f"auch: {listed}. Nennen Sie die Tabelle, den Ort oder die Gebietsart in der Frage, "
        f"um dort zu rechnen."
    )


def _region(text: str, holding: pd.DataFrame, choice: GeographyChoice | None) -> str | None:
    """The Land a question narrows to, when the chosen table says where each row lies."""
    land = land_named(text)
    if land is None or choice is None:
        return None
    rows = holding[holding["geography"] == choice.chosen.id]
    return land.name if (rows["region"] == land.name).any() else None


def _asked_years(question: QuestionAnalysis, definition: IndicatorDef | None) -> list[int]:
    """The question's years, without one that is part of the indicator's name
    („Sozialwohnungen mit Bindungsauslauf bis 2030“)."""
    named = " ".join(definition.phrases) if definition else ""
    return [year for year in question.years if str(year) not in named]


def _asked_year(parsed: ParsedQuestion) -> int | None:
    return parsed.years[-1] if parsed.years else None


def _period(parsed: ParsedQuestion) -> tuple[int | None, int | None]:
    if len(parsed.years) >= 2:
        return min(parsed.years), max(parsed.years)
    if len(parsed.years) == 1:
        return parsed.years[0], None  # "seit 2019": to the latest year
    return None, None


def _city_area(store: IndicatorStore, parsed: ParsedQuestion, workspace: str) -> str | None:
    if not parsed.city or parsed.indicator is None:
        return None
    frame = store.frame(workspace)
    rows = frame[(frame["indicator"] == parsed.indicator) & (frame["aggregate"] == "Gesamtstadt")]
    if parsed.geography is not None:
        rows = rows[rows["geography"] == parsed.geography.id]
    return str(rows["area_key"].iloc[0]) if not rows.empty else None


__all__ = [
    "IndicatorAnswer",
    "ParsedQuestion",
    "answer_indicator_question",
    "match_indicator",
    "parse_question",
]
