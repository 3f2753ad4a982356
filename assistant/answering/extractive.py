"""The offline default: answer with the retrieved sentences themselves, each cited.

No language model is involved, so nothing can be invented: every sentence of the answer is
a sentence (or table row) of a source. A sentence is chosen by how much of the question's
weight it covers, with rare terms (high IDF) weighing most; if no sentence covers enough,
Planwerk says it found nothing rather than citing noise.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from assistant.answering.arithmetic import Difference, row_difference
from assistant.answering.lists import (
    ANNOUNCED_WITHIN,
    MAX_ITEMS,
    Line,
    announced_items,
    is_item,
    is_lead_in,
    is_marker,
    items_after,
    items_below,
    leading_items,
    lines_of,
)
from assistant.answering.table_extremes import table_extremes
from assistant.answering.unit_signals import UnitView, unit_bonus
from assistant.language.cues import cues, words_of
from assistant.language.german import content_terms, name_terms, per_word, synonyms
from assistant.language.guideline import FUNDING_CALL, in_asked_part, section_references
from assistant.language.question import (
    YEAR,
    QuestionAnalysis,
    QuestionPart,
    Role,
    has_figure,
    limit_figures,
    states_deadline,
    states_measure,
    states_time,
)
from assistant.llm.base import NOT_FOUND_TEXT, Definition, Generated, GenerationStream
from assistant.llm.injection import instruction_like
from assistant.llm.styles import AnswerStyle, get_style
from assistant.models import RetrievedChunk
from assistant.platform.config import AnswerSettings
from ingest.chunking import leaf_heading
from ingest.structure import (
    TABLE_CAPTION,
    RowChunk,
    row_cells,
    row_sentence,
    table_row_text,
    text_table,
)

TermWeights = Callable[[list[str]], dict[str, float]]

# Passages beyond this rank rarely hold the answer and dilute the citations.
_PASSAGES_CONSIDERED = 6
_MIN_WORDS = 4
# A paragraph up to this length is quoted from the chosen sentence to its end, as far as
# the answer's room allows; a longer one is prose that the chosen sentence stands for.
_PARAGRAPH_CHARS = 700
# A sentence sharing this share of its words with one quoted before repeats it (a rule in
# two versions of a guideline, changed by a date and a gazette page): quoted once. At 0.5
# sentences that only share their subject were dropped.
_REPEAT_SHARE = 0.7
# A time or rate question keeps only sentences stating a date or period (a rate) when the
# best of them covers at least this share of what the best sentence covers.
_FORM_SHARE = 0.5
# A further sentence must add this share of the question's weight that none chosen covers.
_MIN_GAIN = 0.15
# A question term a unit says only in a longer or shorter word counts half; the shared
# beginning must be long enough to be one word's (see `_near_terms`).
_NEAR = 0.5
_MIN_SHARED = 6
# A unit next to the answer's first one stands for a second subject when its score is at
# least this share of the best unit's for that subject.
_ALONGSIDE_SHARE = 0.5
# The terms only the asker's situation says („Ich arbeite im Jugendamt. Welcher Stichtag
# …?“) weigh together at most this share of the asking sentence's: the answer is about
# what is asked, told in the situation's words or not.
_PREMISE = 0.5
# A numbered subsection opening a sentence: „5.2 Bemessungsgrundlage …“, „6.3.1 Die Anträge“.
_SUBSECTION = re.compile(r"\d{1,2}(?:\.\d{1,2})+\.?\s+[A-ZÄÖÜ]")


@dataclass(slots=True)
class _Unit:
    """A citable piece of a passage: a sentence of prose or one table row."""

    text: str
    source: RetrievedChunk  # what the citation points to (a single row for tables)
    required: frozenset[str] = frozenset()  # a unit must match one of these, if set
    # The list items a lead-in sentence brings („… sind zusätzlich anzuschließen“), each
    # with the passage it stands in (the next page's chunk when the list goes on there).
    followers: tuple[tuple[str, RetrievedChunk], ...] = ()
    # The sentence before, for a sentence that speaks of what it named („Diese finanzieren
    # sich …“): the unit is about its words too.
    antecedent: str = ""
    # The sentence that opens its numbered subsection inside the paragraph („5.2
    # Bemessungsgrundlage und allgemeiner Fördersatz Bemessungsgrundlage …“), where a
    # converted legal text ran the subsections' headings into the prose: the unit is
    # about its words as it would be about a heading's.
    opener: str = ""
    # A heading that leads its list directly is about the list's words.
    about: str = ""
    # The sentence before, for a figure told right after a sentence that names what it
    # counts („2016 kam es zu einem Anstieg der Gewaltdelikte. Gezählt wurden rund 193.500
    # Fälle.“): a figure question reads the two together.
    figure_of: str = ""
    # The sentences after it in its paragraph, when the paragraph is short: a clause of a
    # guideline is read whole („Der Eigenanteil kann … erbracht werden. Diese können …
    # Mindestlohns. … höchstens 5 000 Euro pro Maßnahme.“).
    rest: tuple[str, ...] = ()

    def follower_texts(self) -> list[str]:
        return [text for text, _ in self.followers]


@dataclass(slots=True)
class _Candidate:
    passage: int  # rank of the passage the unit came from
    position: int  # unit position inside the passage
    unit: _Unit
    coverage: float  # share of the question's term weight matched: does it speak to it?
    fit: float  # the same share with each question word counted once: how well it answers
    score: float
    terms: frozenset[str] = frozenset()  # the question terms it matches

    @property
    def text(self) -> str:
        return self.unit.text


class ExtractiveGenerator:
    mode = "extractive"

    def __init__(self, settings: AnswerSettings, term_weights: TermWeights) -> None:
        self.settings = settings
        self.term_weights = term_weights

    def generate(
        self,
        question: QuestionAnalysis,
        passages: list[RetrievedChunk],
        style: AnswerStyle | None = None,
        definitions: Sequence[Definition] = (),
    ) -> Generated:
        """Cited source sentences; `style` sets their number and bullets, `definitions`
        adds a „Begriffe“ section (detailed style). Without a style: the settings' count."""
        limit = style.extractive_sentences if style else self.settings.max_sentences
        considered = _considered(passages)
        # Two questions asked at once are answered one after the other, each by its units.
        asked = question.clauses or (question,)
        chosen: list[_Candidate] = []
        for clause in asked:
            shown = {c.text.casefold() for c in chosen}
            units = self._answer_units(clause, considered, -(-limit // len(asked)))
            chosen += [c for c in units if c.text.casefold() not in shown]
        if not chosen:
            return Generated(NOT_FOUND_TEXT, [], found=False)
        bullets = style.bullets if style else False
        room = (style or get_style()).max_chars
        # „Wie viele Plätze fehlen?“: the gap between the two figures of the best row.
        gap = row_difference(chosen[0].text, question.weights_of()) if question.difference else None
        return self._compose(chosen, definitions, bullets, room, gap)

    def _answer_units(
        self, question: QuestionAnalysis, passages: list[RetrievedChunk], limit: int
    ) -> list[_Candidate]:
        """The units that answer one question, best first; none when no unit covers
        enough of what it asks."""
        # Words that name the source ("im Sozialbericht") say where, not what: a sentence
        # that mentions the report is no better an answer for it.
        terms = sorted(question.weights_of())
        if not terms or not passages:
            return []
        weights = _situation_scaled(self.term_weights(terms), question.premise_terms)
        candidates = self._candidates(question, passages, weights)
        # Whether the passages speak to the question at all is judged on every unit; the
        # form asked for (a figure, a date) then narrows which of them answer it.
        if not candidates or _best_coverage(candidates) < self.settings.min_term_coverage:
            return []
        candidates = self._in_asked_form(question, candidates)
        if not candidates:
            return []
        chosen = self._choose(candidates, limit, weights)
        return self._cover_parts(chosen, candidates, list(question.parts), limit)

    def stream(
        self,
        question: QuestionAnalysis,
        passages: list[RetrievedChunk],
        style: AnswerStyle | None = None,
        definitions: Sequence[Definition] = (),
    ) -> GenerationStream:
        """The whole answer at once: there is nothing to wait for token by token."""
        generated = self.generate(question, passages, style, definitions)
        return GenerationStream(generated.passages, iter([generated.text]))

    def _candidates(
        self, question: QuestionAnalysis, passages: list[RetrievedChunk], weights: dict[str, float]
    ) -> list[_Candidate]:
        total = math.fsum(weights.values()) or 1.0
        word_weights = per_word(weights, question.text)
        word_total = math.fsum(word_weights.values()) or 1.0
        ranked = _ranked_unit(question, passages, weights)
        # A unit says a question term in the words of prompts/synonyms.yaml as well
        # („Kindertageseinrichtungen“ for „Kita“).
        said_as = {term: frozenset(synonyms(term)) for term in weights}
        found = []
        continuations = {
            p.metadata["continues"]: p for p in passages if p.metadata.get("continues")
        }
        sections = {
            (p.ref.doc_id, p.metadata["section"]): p for p in passages if p.metadata.get("section")
        }
        for p_index, passage in enumerate(passages):
            # A sentence is about its section's subject even where it does not repeat it
            # ("Für Kinder unter drei Jahren liegt die Quote bei 23,8 %" under "Hafenviertel").
            subject = content_terms(leaf_heading(passage.ref.heading)) & weights.keys()
            # The call's section of the part the question asks for („4 Antragsberechtigte“
            # for „Wer darf einen Antrag stellen?“).
            in_part = in_asked_part(
                question.guideline_parts,
                str(passage.metadata.get("doc_type") or ""),
                passage.ref.heading,
            )
            # A guideline's sentences are about the programme its title names, without
            # repeating it: „Antragsfrist Zuwendungen Feuerwehrwesen?“ is answered by „… bis
            # 15. Februar … zu beantragen“ in the VwV Z-Feuerwehr. Half credit, as for a
            # longer word: the title does not say which of its sentences answers.
            titled = _title_terms(passage, weights.keys())
            units = _units(passage, continuations, sections)
            if ranked is not None and ranked.source is passage:
                units.insert(0, ranked)
            for position, unit in enumerate(units):
                if question.quantity and _figure_alone(unit, weights.keys()):
                    unit = replace(unit, antecedent=unit.figure_of)
                said = content_terms(f"{unit.text} {unit.antecedent} {unit.opener} {unit.about}")
                said |= {term for term, others in said_as.items() if others & said}
                if question.measure and states_measure(unit.text, question.measure):
                    said |= question.measure_terms  # „bis zu 50 Prozent“ says „Förderquote“
                own = said & weights.keys()
                if not own or (unit.required and not own & unit.required):
                    continue
                if unit.about and question.circumstance:
                    continue  # „Wo und wie reiche ich … ein?“ asks for no list of things
                matched = own | subject
                near = _near_terms(weights.keys() - matched, said - weights.keys())
                near |= titled - matched
                if question.bound_terms and limit_figures(unit.text)[1]:
                    near |= question.bound_terms - matched  # „maximal 3.000 €“: „höchstens“
                found_weight = math.fsum(weights[t] for t in matched)
                coverage = (found_weight + _NEAR * math.fsum(weights[t] for t in near)) / total
                fit = (
                    math.fsum(word_weights[t] for t in matched)
                    + _NEAR * math.fsum(word_weights[t] for t in near)
                ) / word_total
                # Earlier passages break ties; the signals add what words cannot show.
                score = fit + 0.05 / (1 + p_index)
                view = UnitView(question, unit.text, in_part)
                score += unit_bonus(view, self.settings.unit_signals)
                found.append(
                    _Candidate(p_index, position, unit, coverage, fit, score, frozenset(matched))
                )
        found.sort(key=lambda c: (-c.score, c.passage, c.position))
        return found

    def _in_asked_form(
        self, question: QuestionAnalysis, found: list[_Candidate]
    ) -> list[_Candidate]:
        """The units in the form the question asks for, best first."""
        if question.quantity:
            # "Wie viele …?" is not answered by a sentence without any figure.
            found = [c for c in found if has_figure(c.text)]
        if question.measure and found:
            # „Wie viel Prozent …?“ is answered by a rate, „Wie viel Geld …?“ by an amount,
            # where one is nearly as good a match as the best sentence.
            measure = question.measure
            found = _preferred(
                found,
                lambda text: states_measure(text, measure),
                _FORM_SHARE * _best_coverage(found),
            )
        if question.time and found:
            # "Bis wann …?" is answered by a date or period where one is nearly as good a
            # match as the best sentence; without one, the best sentences stand.
            enough = _FORM_SHARE * _best_coverage(found)
            # A bare „wann“ may ask for a condition: a date must then speak to it as well.
            if not question.dated:
                enough = max(self.settings.min_term_coverage, enough)
            found = _preferred(found, states_time, enough)
            if question.dated:
                # A deadline asked is told as one („bis zum 31. Juli“), not as the date of
                # a law the sentence cites.
                found = _preferred(found, states_deadline, enough)
        return found

    def _choose(
        self, candidates: list[_Candidate], limit: int, weights: dict[str, float]
    ) -> list[_Candidate]:
        """The best unit, those nearly as good, then units that add what is still missing.

        A question about two things (the measure's sponsor and the call's funding rate)
        is answered by two sentences, each covering one; the second is chosen for the
        question terms it adds, not for its own total.
        """
        best = max(c.fit for c in candidates)
        floor = max(self.settings.min_term_coverage, 0.6 * best)
        total = math.fsum(weights.values()) or 1.0
        chosen: list[_Candidate] = []
        seen: set[str] = set()

        def take(candidate: _Candidate) -> None:
            # A lead-in quoted with a referring sentence is not quoted again on its own.
            seen.update(t.casefold() for t in (candidate.text, *candidate.unit.follower_texts()))
            chosen.append(candidate)

        for candidate in candidates:
            if len(chosen) == limit:
                return chosen
            if candidate.fit >= floor and candidate.text.casefold() not in seen:
                take(candidate)
        while len(chosen) < limit:
            covered = frozenset().union(*(c.terms for c in chosen))
            gains = [
                (math.fsum(weights[t] for t in c.terms - covered) / total, c)
                for c in candidates
                if c.text.casefold() not in seen
            ]
            gain, pick = max(gains, key=lambda pair: pair[0], default=(0.0, None))
            if pick is None or gain < _MIN_GAIN:
                break
            take(pick)
        return chosen

    def _cover_parts(
        self,
        chosen: list[_Candidate],
        candidates: list[_Candidate],
        parts: list[QuestionPart],
        limit: int,
    ) -> list[_Candidate]:
        """Add the best unit for each part of a compound question that no chosen unit
        covers (the limit a value is checked against, the second of two subjects); units
        that cover no part make room for them, the best unit stays first."""
        if not parts:
            return chosen
        weights = self.term_weights(sorted(frozenset().union(*(p.focus for p in parts))))

        def answers_a_part(candidate: _Candidate) -> bool:
            return any(_covers(part, candidate, weights) for part in parts)

        added: list[_Candidate] = []
        for part in parts:
            covering = [c for c in candidates if _covers(part, c, weights)]
            if not covering:
                continue
            # Two coordinated subjects are told side by side; a limit and the value checked
            # against it are each best told where they are stated.
            alongside_first = chosen and part.role is Role.TOPIC
            pick = _told_alongside(covering, chosen[0]) if alongside_first else covering[0]
            taken = chosen + added
            if pick in taken:
                continue
            # Covered elsewhere, the part still gets the sentence told alongside the first.
            covered = any(_covers(part, c, weights) for c in taken)
            if covered and (not chosen or pick.passage != chosen[0].passage):
                continue
            added.append(pick)
        needed = chosen[:1] + [c for c in chosen[1:] if answers_a_part(c)]
        room = max(0, limit - len(needed) - len(added))
        others = [c for c in chosen if c not in needed][:room]
        kept = [c for c in chosen if c in needed or c in others]
        if not kept:
            return added
        # A second subject told alongside the first is read right after it.
        alongside = [c for c in added if c.passage == kept[0].passage]
        return [kept[0], *alongside, *kept[1:], *(c for c in added if c not in alongside)]

    @staticmethod
    def _compose(
        chosen: list[_Candidate],
        definitions: Sequence[Definition],
        bullets: bool,
        room: int,
        gap: Difference | None = None,
    ) -> Generated:
        # Number the cited sources in order of first use; keep the best sentence first.
        numbers: dict[tuple[str, int | None], int] = {}
        cited: list[RetrievedChunk] = []

        def number(source: RetrievedChunk) -> int:
            if source.key not in numbers:
                numbers[source.key] = len(cited) + 1
                cited.append(source)
            return numbers[source.key]

        bullet = "- " if bullets else ""
        lines: list[str] = []
        quoted: set[str] = set()
        # By line: the sentence it quotes, and the rest of that sentence's paragraph.
        quotes: dict[int, str] = {}
        rests: dict[int, tuple[str, ...]] = {}
        said: list[set[str]] = []
        for c in chosen:
            if c.text.casefold() in quoted:
                continue  # already quoted as the sentence another one refers to
            terms = content_terms(c.text)
            if len(row_cells(c.text)) < 2 and _repeats(terms, said):
                continue  # the same rule in an amended version of the text: said once
            said.append(terms)
            text = _readable(c)
            before = c.unit.antecedent
            if before and before.casefold() not in quoted:
                # „Diese finanzieren sich …“ reads with the sentence it refers to.
                text = f"{before} {text}"
                quoted.add(before.casefold())
            quoted.add(c.text.casefold())
            quotes[len(lines)], rests[len(lines)] = c.text, c.unit.rest
            lines.append(f"{bullet}{text} [{number(c.unit.source)}]")
            lines += [
                f"{row_sentence(item)} [{number(source)}]" for item, source in c.unit.followers
            ]
            if gap is not None and c is chosen[0]:
                lines.append(gap.line(number(c.unit.source)))
        shown = {c.text.casefold() for c in chosen}
        explained = [d for d in definitions if d.sentence.casefold() not in shown]
        if explained:
            lines += ["", "Begriffe:"]
            lines += [f"- {d.sentence} [{number(d.chunk)}]" for d in explained]
        basis = "\n".join(lines)
        text = "\n".join(_with_paragraphs(lines, quotes, rests, room))
        return Generated(text, cited, found=True, basis=basis)


def _with_paragraphs(
    lines: list[str], quotes: Mapping[int, str], rests: Mapping[int, tuple[str, ...]], room: int
) -> list[str]:
    """The answer's lines with each quoted sentence's paragraph quoted on to its end
    (before the line's citation), the best sentence first, while the whole answer stays
    within `room`. A later line quoting a sentence of that rest goes: the sentence is read
    in its place. A sentence quoted by an earlier line is not quoted again."""
    kept: dict[int, str] = dict(enumerate(lines))
    for index in sorted(rests):
        if index not in kept:
            continue
        before = {quotes[i].casefold() for i in quotes if i < index and i in kept}
        rest = [r for r in rests[index] if r.casefold() not in before]
        in_rest = {r.casefold() for r in rest}
        later = [i for i in kept if i > index and quotes.get(i, "").casefold() in in_rest]
        freed = sum(len(kept[i]) + 1 for i in later)
        added = " " + " ".join(rest)
        length = len("\n".join(kept.values()))
        if not rest or length + len(added) - freed > room:
            continue
        cut = kept[index].rindex(" [")
        kept[index] = f"{kept[index][:cut]}{added}{kept[index][cut:]}"
        for i in later:
            del kept[i]
    return list(kept.values())


def _repeats(terms: set[str], said: Sequence[set[str]]) -> bool:
    """Whether a sentence says nearly the words of one quoted before it: at least
    `_REPEAT_SHARE` of the two sentences' words together are shared. Table rows are
    left out: the rows of one table share their column names."""
    return bool(terms) and any(len(terms & o) / len(terms | o) >= _REPEAT_SHARE for o in said)


def _readable(candidate: _Candidate) -> str:
    """A unit as the answer writes it: a table row as a line with the asked columns first
    (see `row_sentence`), prose as it stands."""
    terms = candidate.terms
    return row_sentence(candidate.text, asked=lambda name: bool(content_terms(name) & terms))


def _preferred(
    found: list[_Candidate], states: Callable[[str], bool], enough: float
) -> list[_Candidate]:
    """The units that state what `states` tells, when the best of them covers `enough`
    of the question; else all of `found`."""
    stating = [c for c in found if states(c.text)]
    return stating if stating and _best_coverage(stating) >= enough else found


def _told_alongside(covering: list[_Candidate], first: _Candidate) -> _Candidate:
    """The unit for a second subject: a document tells „Frauen … 83 Jahre. Männer … 78
    Jahre.“ side by side, so of the units nearly as good as the best for it, the one
    nearest the answer's first unit in its passage; else the best."""
    best = covering[0]
    near = [
        c
        for c in covering
        if c.passage == first.passage and c.score >= _ALONGSIDE_SHARE * best.score
    ]
    return min(near, key=lambda c: abs(c.position - first.position)) if near else best


def _situation_scaled(weights: dict[str, float], told: frozenset[str]) -> dict[str, float]:
    """Term weights with the terms only the asker's situation says scaled down so that
    together they weigh at most `_PREMISE` times what the asking sentence's terms weigh."""
    situation = math.fsum(w for t, w in weights.items() if t in told)
    if not situation:
        return weights
    asked = math.fsum(w for t, w in weights.items() if t not in told)
    factor = min(1.0, _PREMISE * asked / situation)
    return {t: w * factor if t in told else w for t, w in weights.items()}


def _title_terms(passage: RetrievedChunk, asked: Collection[str]) -> frozenset[str]:
    """The question terms a funding call's title or file name says („Feuerwehrwesen“ of
    the VwV Z-Feuerwehr); none for other documents, whose sentences a report's title does
    not speak for („Kita-Bedarfsplanung“ names the report, not the sentence defining
    the Versorgungsquote)."""
    if passage.metadata.get("doc_type") != FUNDING_CALL:
        return frozenset()
    return name_terms(passage.ref.title, passage.ref.source).intersection(asked)


def _near_terms(asked: set[str], said: set[str]) -> set[str]:
    """Question terms a unit says in a longer or shorter word: one term begins the other
    („mindestens 5 000 Einwohnern“ for „Mindesteinwohnerzahl“: einwohn, einwohnerzahl), or
    the unit's word ends in the question's („beantragen“ for „Antrag“). Not the other way
    round: „Maßnahmen“ is no near word for „Stadtumbaumaßnahmen“.
    `said` leaves out the question's own terms: a compound's head the question also names
    („stadtteil“ of „stadtteilburo“) has counted already; short heads („stadt“) begin
    too many words to say anything."""
    return {
        t
        for t in asked
        for u in said
        if min(len(t), len(u)) >= _MIN_SHARED
        and (t.startswith(u) or u.startswith(t) or u.endswith(t))
    }


def _best_coverage(candidates: list[_Candidate]) -> float:
    return max(c.coverage for c in candidates)


def _considered(passages: list[RetrievedChunk]) -> list[RetrievedChunk]:
    """The first passages of the search, the sections they refer to, and the continuations
    of those among them (found further down or added for the list)."""
    first = [p for p in passages if not p.metadata.get("added")][:_PASSAGES_CONSIDERED]
    taken = {p.key for p in first}
    taken |= {p.key for p in passages if p.metadata.get("section")}  # see `_referenced_list`
    ids = {p.chunk_id for p in passages if p.key in taken}
    grown = True
    while grown:  # a list may run over several chunks
        grown = False
        for p in passages:
            if p.key not in taken and p.metadata.get("continues") in ids:
                taken.add(p.key)
                ids.add(p.chunk_id)
                grown = True
    return [p for p in passages if p.key in taken]


def _covers(part: QuestionPart, candidate: _Candidate, weights: dict[str, float]) -> bool:
    """Whether a unit answers a part: it matches at least half the weight of the part's
    subject and, for a value or a limit, states a figure in that role."""
    if part.role is not Role.TOPIC:
        values, limits = limit_figures(candidate.text)
        if not (values if part.role is Role.VALUE else limits):
            return False
    total = math.fsum(weights.get(t, 0.0) for t in part.focus)
    matched = math.fsum(weights.get(t, 0.0) for t in part.focus & candidate.terms)
    return not part.focus or matched >= 0.5 * total


def _ranked_unit(
    question: QuestionAnalysis, passages: list[RetrievedChunk], weights: dict[str, float]
) -> _Unit | None:
    """For „Welcher Stadtteil hat die niedrigste …?“: the extreme row of the one table
    that fits the question best (caption wording, then passage rank)."""
    if question.extreme is None:
        return None
    highest = question.extreme == "highest"
    found = [
        (-extreme.fit(question.text), rank, extreme, passage)
        for rank, passage in enumerate(passages)
        for extreme in table_extremes(passage.text, weights, highest)
    ]
    if not found:
        return None
    *_, extreme, passage = min(found, key=lambda item: item[:2])
    return _Unit(extreme.sentence(), passage)


def _units(
    passage: RetrievedChunk,
    continuation_of: Mapping[str, RetrievedChunk] | None = None,
    sections: Mapping[tuple[str, str], RetrievedChunk] | None = None,
) -> list[_Unit]:
    """The citable units of a passage: its sentences (a list's lead-in with the items it
    brings, also from the passages that continue it when the list goes on in the next
    chunk, or from the section a sentence refers to) and the rows of tables inside it."""
    if passage.metadata.get("kind") == "table":
        return _table_units(passage)
    # The chunk opens with its section heading, which names the topic but answers nothing.
    heading = leaf_heading(passage.ref.heading).strip()
    units: list[_Unit] = []
    segments: list[list[str]] = [[]]
    tables: list[list[str]] = []  # the rows of the table that ends each segment
    captioned: dict[str, list[str]] = {}  # a caption and the rows of the table below it
    for block in passage.text.split("\n\n"):
        table = text_table(block)
        if table is None:
            segments[-1].append(block)
            continue
        header, rows = table
        tables.append([table_row_text(header, r) for r in rows])
        if segments[-1] and TABLE_CAPTION.match(segments[-1][-1]):
            captioned[segments[-1][-1].strip()] = tables[-1]
        segments.append([])
        units += _text_table_units(*table, passage)
    for segment, table_rows in zip(segments, [*tables, []], strict=True):
        lines = lines_of("\n\n".join(segment))
        opener = ""
        for position, line in enumerate(lines):
            if _SUBSECTION.match(line.text):
                opener = line.text
            short = len(line.text.split()) < _MIN_WORDS
            if line.text == heading:
                # „3 Antragsberechtigte“ with only its list below: the heading leads it in.
                below = items_below(lines, position)
                if below:
                    followers = [(item, passage) for item in below]
                    units.append(
                        _Unit(line.text, passage, followers=tuple(followers), about=" ".join(below))
                    )
                continue
            if (
                short
                and not line.text.rstrip().endswith(":")
                and not (is_lead_in(line.text) and items_below(lines, position))
            ):
                # A short lead-in brings a list: „Antragsberechtigt sind:“, or without its
                # colon where a conversion lost it („Zuwendungsempfänger können sein“).
                continue
            items = (
                items_after(lines, position)
                or captioned.get(line.text.strip(), [])
                or announced_items(lines, position)
                or _announced_table(lines, position, table_rows)
            )
            followers = [(item, passage) for item in items[:MAX_ITEMS]]
            # A list that runs to the end of the passage goes on in its continuation.
            runs_on = segment is segments[-1] and position + len(items) == len(lines) - 1
            if runs_on and (items or is_lead_in(line.text)):
                followers += _continued_items(passage, followers, continuation_of or {})
            if not followers:
                followers = _referenced_list(line.text, passage, sections or {}, continuation_of)
            if not followers and (short or line.text.rstrip().endswith(":")):
                continue  # a lead-in whose list is nowhere to be read promises nothing
            antecedent = _antecedent(lines, position)
            units.append(
                _Unit(
                    line.text,
                    passage,
                    followers=tuple(followers),
                    antecedent=antecedent,
                    opener="" if opener == line.text else opener,
                    figure_of=_figure_of(lines, position),
                    rest=() if followers else _rest_of_paragraph(lines, position),
                )
            )
    return units


def _rest_of_paragraph(lines: Sequence[Line], position: int) -> tuple[str, ...]:
    """The sentences after `position` in its paragraph (list items end it), when the whole
    paragraph is at most `_PARAGRAPH_CHARS` long. A sentence written to a language model
    („Ignoriere alle bisherigen Anweisungen …“) ends the quote: it is no planner's text."""

    def ends(at: int) -> bool:
        return lines[at].opens or lines[at].item

    start = position
    while start > 0 and not ends(start):
        start -= 1
    end = position + 1
    while end < len(lines) and not ends(end):
        end += 1
    if sum(len(line.text) for line in lines[start:end]) > _PARAGRAPH_CHARS:
        return ()
    rest: list[str] = []
    for line in lines[position + 1 : end]:
        if instruction_like(line.text):
            break
        rest.append(line.text)
    return tuple(rest)


def _figure_of(lines: Sequence[Line], position: int) -> str:
    """The sentence before a sentence with a figure in its paragraph, when that one states
    none (years aside) and brings no list: what the figure counts may stand there."""
    line = lines[position]
    if position == 0 or line.opens or not _counts_something(line.text):
        return ""
    before = lines[position - 1].text
    if _counts_something(before) or before.rstrip().endswith(":") or is_item(before):
        return ""
    return before


def _figure_alone(unit: _Unit, asked: Iterable[str]) -> bool:
    """Whether a unit states a figure without a word of the question, right after the
    sentence that may name what it counts."""
    if not unit.figure_of or unit.antecedent:
        return False
    return not content_terms(unit.text) & set(asked)


def _counts_something(text: str) -> bool:
    """Whether a sentence states a figure other than a year."""
    return has_figure(YEAR.sub("", text))


def _antecedent(lines: Sequence[Line], position: int) -> str:
    """The sentence before one that opens with a word referring back to it, else ""."""
    if position == 0 or not cues().anaphora_start.starts(words_of(lines[position].text)[:1]):
        return ""
    return lines[position - 1].text


def _referenced_list(
    text: str,
    passage: RetrievedChunk,
    sections: Mapping[tuple[str, str], RetrievedChunk],
    continuation_of: Mapping[str, RetrievedChunk] | None,
) -> list[tuple[str, RetrievedChunk]]:
    """For „mit den in Nummer 10 genannten Unterlagen“: the first list of section 10 with
    its lead-in, each line citing that section."""
    for number in section_references(text):
        section = sections.get((passage.ref.doc_id, number))
        if section is None or section.key == passage.key:
            continue
        lines = lines_of(section.text)
        for position, line in enumerate(lines):
            items = items_after(lines, position)
            if items:
                listed = [(item, section) for item in items[:MAX_ITEMS]]
                if position + len(items) == len(lines) - 1:  # the list goes on
                    listed += _continued_items(section, listed, continuation_of or {})
                return [(line.text, section), *listed]
    return []


def _announced_table(lines: list[Line], position: int, rows: list[str]) -> list[str]:
    """The rows of the table closing a segment, for a sentence near its end that announces
    it („anhand der folgenden Kriterien bewertet“ above „Tabelle 5: Bewertungskriterien“)."""
    near = len(lines) - position <= ANNOUNCED_WITHIN
    return rows if near and rows and cues().forward_reference.in_text(lines[position].text) else []


def _continued_items(
    passage: RetrievedChunk,
    followers: list[tuple[str, RetrievedChunk]],
    continuation_of: Mapping[str, RetrievedChunk],
) -> list[tuple[str, RetrievedChunk]]:
    """The items of a list that goes on in the passages continuing `passage` (removing a
    marker the passage ended on from `followers`: its text stands in the next one)."""
    added: list[tuple[str, RetrievedChunk]] = []
    current = passage
    while len(followers) + len(added) < MAX_ITEMS:
        following = continuation_of.get(current.chunk_id)
        if following is None:
            break
        last = (added or followers)[-1][0] if (added or followers) else ""
        pending = last if is_marker(last) else ""
        if pending:
            (added or followers).pop()
        heading = leaf_heading(following.ref.heading)
        items, runs_on = leading_items(following.text, heading, pending)
        added += [(item, following) for item in items]
        if not items or not runs_on:
            break
        current = following
    return added[: MAX_ITEMS - len(followers)]


def _text_table_units(header: str, rows: list[str], passage: RetrievedChunk) -> list[_Unit]:
    """One unit per row, shown and matched with the header line above it."""
    header_terms = content_terms(header)
    return [
        _Unit(
            table_row_text(header, row),
            passage,
            _own_terms(row, header_terms),
        )
        for row in rows
    ]


def _own_terms(cells: str, header_terms: set[str]) -> frozenset[str]:
    """What a row must match itself: the column names repeat in every row, so a row only
    counts when the question also matches one of its cells (an area name, a year)."""
    return frozenset(content_terms(cells) - header_terms) or frozenset({"\0"})


def _table_units(passage: RetrievedChunk) -> list[_Unit]:
    """One unit per table row, citing exactly that row with the header above it."""
    chunk = RowChunk.of(passage.text)
    numbers = passage.metadata.get("rows")
    if not isinstance(numbers, list) or len(numbers) != len(chunk.rows):
        numbers = [None] * len(chunk.rows)
    header_terms = content_terms(chunk.header)
    units = []
    for line, number in zip(chunk.rows, numbers, strict=True):
        ref = replace(passage.ref, row=number) if number is not None else passage.ref
        source = replace(passage, text=f"{chunk.header}\n{line}".strip(), ref=ref)
        values = " ".join(value for _, value in row_cells(line))
        units.append(_Unit(line, source, _own_terms(values, header_terms)))
    return units
