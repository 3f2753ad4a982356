"""Grounded drafting of one outline section for one Quartier.

Per section: compute the indicator facts (value, "Stand", city value, ratio, change — each
a citable source with its cells and computations), search the documents with each
question's search words, and keep the sentences that concern the Quartier and cover the
search words. Then write:

- extractive (no model): a structured draft — the indicator table (`[Tabelle: Kennzahlen]`,
  rendered from `details["facts"]`), the call's threshold test if the outline has one,
  quoted findings per question with `[n]` (a lead-in with the list it announces, a table
  row as a readable line), for measures the argument goal by goal (goal, problem with its
  figure, measures, monitoring indicator — one topic per goal) and the chain table, and a
  list of what is still missing as „[Ergänzen: …]“, each saying where to look: a
  document's own note that it is open (quoted), the outline's `where`, a theme's `sources`.
- with a language model: prose from the same facts and passages (prompts/entwurf_*.txt),
  checked sentence by sentence by the `CitationVerifier` as in the answering path (claims
  whose words or figures are not in their cited sources are removed — always, whatever
  `llm.unsupported` says for chat answers); if nothing passes or the model fails, the
  extractive draft is used and `notice` says why.

A figure enters a draft only from a quoted passage, an indicator cell or a computation
whose inputs and steps are in its source text.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.drafting.chain import ChainLink, find_measures, goal_units, link
from assistant.drafting.evidence import (
    Scored,
    TermWeights,
    Unit,
    about_area,
    listed_after,
    score_units,
    units_of,
    usable,
)
from assistant.drafting.facts import (
    AreaTestResult,
    IndicatorFact,
    indicator_fact,
    indicator_name,
    known_areas,
    run_area_test,
)
from assistant.drafting.outlines import Outline, Question, Section
from assistant.drafting.renumber import GAP, first_use_order, renumber
from assistant.drafting.sources import DraftSource, passage_source
from assistant.index.filters import SearchFilters
from assistant.indicators.numbers import format_german
from assistant.indicators.store import IndicatorStore
from assistant.language.german import content_terms
from assistant.llm.failures import describe_failure
from assistant.llm.injection import neutralise_passage
from assistant.llm.prompting import estimate_tokens, pack, source_block
from assistant.llm.verification import CitationVerifier
from assistant.models import RetrievedChunk, SourceRef
from assistant.platform.config import LLMSettings
from assistant.platform.templates import prompt_text, render
from ingest.chunking import leaf_heading
from ingest.structure import row_sentence

# A quoted sentence must cover this IDF-weighted share of a question's search words.
MIN_COVERAGE = 0.3
FINDINGS_PER_QUESTION = 2
# Further findings of a question must reach this share of the best finding's coverage.
SECOND_FINDING_SHARE = 0.7
PASSAGES_PER_QUESTION = 8
MEASURE_PASSAGES = 16
# Passages given to a language model per section (besides the indicator facts).
LLM_PASSAGES = 8
DRAFT_TOKENS = 1200

FACTS_TABLE = "[Tabelle: Kennzahlen]"
CHAIN_TABLE = "[Tabelle: Wirkungskette]"
MISSING_HEADING = "### Noch zu ergänzen"
_MISSING_LINE = re.compile(r"^\W*noch zu ergänzen\W*$", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
UNVERIFIED_NOTICE = (
    "Der Text des Sprachmodells ließ sich nicht mit den Quellen belegen; stattdessen steht "
    "hier der extraktive Entwurf (zitierte Befunde ohne Sprachmodell)."
)


class Searcher(Protocol):
    def search(
        self, query: str, k: int | None = None, filters: SearchFilters | None = None
    ) -> list[RetrievedChunk]: ...


class Completer(Protocol):
    mode: str

    def complete(self, messages: list[BaseMessage], max_tokens: int = 120) -> str: ...


@dataclass(slots=True)
class SectionDraft:
    """A written section: text with `[n]` markers, its sources (n-1) and table data."""

    section_id: str
    title: str
    text: str
    sources: list[DraftSource]
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return list(self.details.get("missing", []))

    @property
    def mode(self) -> str:
        return str(self.details.get("mode", "extractive"))

    @property
    def notice(self) -> str:
        return str(self.details.get("notice", ""))


class _Sources:
    """The numbered sources of one section; the same source gets the same number."""

    def __init__(self) -> None:
        self.items: list[DraftSource] = []
        self._numbers: dict[tuple[object, ...], int] = {}

    def add(self, source: DraftSource) -> int:
        key = source.key()
        if key not in self._numbers:
            self.items.append(source)
            self._numbers[key] = len(self.items)
        return self._numbers[key]


@dataclass(slots=True)
class _Evidence:
    """What a section is written from."""

    facts: list[IndicatorFact]
    missing_indicators: list[str]
    area_test: AreaTestResult | None
    findings: list[tuple[Question, list[Scored]]]
    # Per question without findings: a document's note that the answer is still open.
    open_points: dict[str, Scored]
    passages: list[RetrievedChunk]  # the Quartier's passages, best first (for a model)
    chain: list[ChainLink]
    chain_searched: bool


class SectionWriter:
    def __init__(
        self,
        retriever: Searcher,
        indicators: IndicatorStore,
        term_weights: TermWeights,
        *,
        generator: object | None = None,
        verifier: CitationVerifier | None = None,
        llm: LLMSettings | None = None,
        workspace: str = "default",
    ) -> None:
        self.retriever = retriever
        self.indicators = indicators
        self.term_weights = term_weights
        self.generator = generator
        self.verifier = verifier or CitationVerifier()
        self.llm = llm or LLMSettings()
        self.workspace = workspace
        # Facts repeat across sections (the same rate in analysis, strengths, monitoring).
        self._facts: dict[tuple[str, str], IndicatorFact | None] = {}

    @property
    def uses_model(self) -> bool:
        mode = getattr(self.generator, "mode", "extractive")
        return mode != "extractive" and hasattr(self.generator, "complete")

    def write(
        self,
        quartier: str,
        outline: Outline,
        section: Section,
        used: Collection[str] = (),
        *,
        extractive: bool = False,
    ) -> SectionDraft:
        """Draft `section` for the Quartier (display name); `used` are quotes (folded text)
        already cited in other sections, which this one does not repeat."""
        evidence = self._evidence(quartier, outline, section, set(used))
        if self.uses_model and not extractive:
            try:
                drafted = self._generated(quartier, section, evidence)
            except Exception as exc:  # any backend failure falls back, with the reason
                notice = describe_failure(exc, self.llm)
                return self._extractive(quartier, section, evidence, notice)
            if drafted is not None:
                return drafted
            return self._extractive(quartier, section, evidence, UNVERIFIED_NOTICE)
        return self._extractive(quartier, section, evidence, "")

    # -- evidence ------------------------------------------------------------------------

    def _evidence(
        self, quartier: str, outline: Outline, section: Section, used: set[str]
    ) -> _Evidence:
        facts, missing = [], []
        for key in section.indicators:
            fact = self._fact(key, quartier)
            if fact is None:
                missing.append(key)
            else:
                facts.append(fact)
        test = run_area_test(facts, section.area_test) if section.area_test and facts else None
        others = [a for a in known_areas(self.indicators, self.workspace) if a != quartier]
        ignore = content_terms(quartier)
        findings = []
        open_points: dict[str, Scored] = {}
        passages: dict[str, tuple[float, RetrievedChunk]] = {}
        for question in section.questions:
            chunks = [
                c
                for c in self.retriever.search(question.query(quartier), k=PASSAGES_PER_QUESTION)
                if usable(c)
            ]
            units = [
                u
                for rank, chunk in enumerate(chunks)
                for u in units_of(chunk, rank)
                if about_area(u, quartier, others)
            ]
            scored = score_units(units, question.query(quartier), self.term_weights, ignore)
            chosen = []
            floor = max(MIN_COVERAGE, SECOND_FINDING_SHARE * scored[0].coverage) if scored else 1.0
            for candidate in scored:
                if candidate.coverage < floor or candidate.unit.key in used:
                    continue
                used.add(candidate.unit.key)
                chosen.append(candidate)
                if len(chosen) == FINDINGS_PER_QUESTION:
                    break
            findings.append((question, chosen))
            if not chosen:
                notes = [
                    u
                    for rank, chunk in enumerate(chunks)
                    for u in units_of(chunk, rank, open_points=True)
                    if about_area(u, quartier, others)
                ]
                ranked = score_units(notes, question.query(quartier), self.term_weights, ignore)
                if ranked and ranked[0].coverage >= MIN_COVERAGE:
                    open_points[question.text] = ranked[0]
            for candidate in scored:
                if candidate.coverage < MIN_COVERAGE:
                    break
                chunk = candidate.unit.chunk
                best = passages.get(chunk.chunk_id)
                if best is None or best[0] < candidate.score:
                    passages[chunk.chunk_id] = (candidate.score, chunk)
        chain: list[ChainLink] = []
        if section.chain:
            chain = self._chain(quartier, outline, others)
        ordered = [c for _, c in sorted(passages.values(), key=lambda p: -p[0])]
        return _Evidence(facts, missing, test, findings, open_points, ordered, chain, section.chain)

    def _chain(self, quartier: str, outline: Outline, others: Sequence[str]) -> list[ChainLink]:
        query = f"{quartier} Maßnahmen Maßnahmenübersicht Träger Gesamtkosten"
        chunks = [
            c
            for c in self.retriever.search(query, k=MEASURE_PASSAGES)
            if usable(c) and _chunk_about(c, quartier, others)
        ]
        measures = find_measures(chunks)
        if not measures:
            return []
        goal_query = f"{quartier} Ziele Zielsystem Oberziele Handlungsziele bis mindestens"
        goal_chunks = [c for c in self.retriever.search(goal_query, k=8) if usable(c)]
        goals = goal_units(
            [
                u
                for rank, c in enumerate(goal_chunks)
                for u in units_of(c, rank)
                if about_area(u, quartier, others)
            ]
        )
        keys = dict.fromkeys(k for theme in outline.themes for k in theme.indicators)
        facts = {}
        for key in keys:
            fact = self._fact(key, quartier)
            if fact is not None:
                facts[key] = fact

        def name(key: str) -> str:
            return indicator_name(self.indicators, key, self.workspace)

        return [link(m, outline.themes, facts, goals, name) for m in measures]

    # -- extractive ----------------------------------------------------------------------

    def _extractive(
        self, quartier: str, section: Section, evidence: _Evidence, notice: str
    ) -> SectionDraft:
        sources = _Sources()
        lines: list[str] = []
        fact_rows: list[dict[str, Any]] = []
        if section.indicator_view == "assessment":
            lines += _assessment(evidence.facts, sources)
        else:
            fact_rows = _fact_rows(evidence.facts, sources)
            if fact_rows:
                lines.append(FACTS_TABLE)
        if evidence.area_test is not None:
            n = sources.add(_area_test_source(evidence.area_test))
            lines += ["", evidence.area_test.sentence(f"[{n}]") + "."]
        findings = evidence.findings
        # Questions with findings are answered, also those whose findings are the
        # measures' rows: a chain section reads them into the argument, not as rows.
        answered = {q.text for q, s in findings if s}
        if evidence.chain:
            findings = [(q, [c for c in s if not c.unit.is_row]) for q, s in findings]
        found = [(q, s) for q, s in findings if s]
        if found:
            lines += ["", "### Befunde aus den Unterlagen"]
            for question, scored in found:
                lines += ["", f"**{question.text}**"]
                for candidate in scored:
                    lines += _finding_lines(candidate, sources)
        lines += _argument(evidence.chain, sources)
        chain_rows = _chain_rows(evidence.chain, sources)
        if chain_rows:
            lines += ["", "### Übersicht: Problem – Ziel – Maßnahme – Indikator", CHAIN_TABLE]
        missing, notes = _question_gaps(evidence, answered, sources)
        missing += _computed_gaps(quartier, evidence, self._name)
        return self._draft(
            section, lines, sources, fact_rows, chain_rows, missing, notice, "extractive", notes
        )

    # -- language model ------------------------------------------------------------------

    def _generated(
        self, quartier: str, section: Section, evidence: _Evidence
    ) -> SectionDraft | None:
        fact_chunks = [_fact_chunk(f) for f in evidence.facts]
        prompt_sources = fact_chunks + [
            neutralise_passage(p) for p in evidence.passages[:LLM_PASSAGES]
        ]
        messages, packed = self._prompt(quartier, section, prompt_sources)
        if not packed:
            return None
        generator = self.generator
        assert generator is not None
        raw = generator.complete(messages, max_tokens=DRAFT_TOKENS)  # type: ignore[attr-defined]
        prose, model_missing = split_missing(raw)
        # Always "remove", whatever the chat setting: a draft never keeps an unsupported claim.
        checked = self.verifier.verify(prose, packed, "remove")
        if checked.refused or not checked.kept_claims:
            return None
        order = first_use_order(checked.text)
        sources = _Sources()
        by_chunk = {c.chunk_id: f for c, f in zip(fact_chunks, evidence.facts, strict=True)}
        mapping: dict[int, int] = {}
        for old in order:
            chunk = packed[old - 1]
            fact = by_chunk.get(chunk.chunk_id)
            mapping[old] = sources.add(fact.source() if fact else passage_source(chunk))
        text = renumber(checked.text, mapping)
        fact_rows: list[dict[str, Any]] = []
        lines: list[str] = []
        if section.indicator_view == "assessment":
            lines += [*_assessment(evidence.facts, sources), ""]
        else:
            fact_rows = _fact_rows(evidence.facts, sources)
            lines += [FACTS_TABLE, ""] if fact_rows else []
        lines.append(text)
        if evidence.area_test is not None:
            n = sources.add(_area_test_source(evidence.area_test))
            lines += ["", evidence.area_test.sentence(f"[{n}]") + "."]
        lines += _argument(evidence.chain, sources)
        chain_rows = _chain_rows(evidence.chain, sources)
        if chain_rows:
            lines += ["", "### Übersicht: Problem – Ziel – Maßnahme – Indikator", CHAIN_TABLE]
        missing = model_missing + _computed_gaps(quartier, evidence, self._name)
        removed = len(checked.removed)
        notice = (
            f"{removed} Satz/Sätze des Sprachmodells ließen sich nicht belegen und wurden entfernt."
            if removed
            else ""
        )
        return self._draft(
            section,
            lines,
            sources,
            fact_rows,
            chain_rows,
            missing,
            notice,
            str(getattr(generator, "mode", "llm")),
        )

    def _prompt(
        self, quartier: str, section: Section, passages: list[RetrievedChunk]
    ) -> tuple[list[BaseMessage], list[RetrievedChunk]]:
        system = prompt_text("entwurf_system.txt")
        values = {
            "quartier": quartier,
            "section": section.title,
            "purpose": section.purpose or "–",
            "questions": "\n".join(f"- {q.text}" for q in section.questions) or "–",
            "funder_checks": "\n".join(f"- {c}" for c in section.funder_checks) or "–",
        }
        frame = render("entwurf_nutzer.txt", sources="", **values)
        fixed = estimate_tokens(system) + estimate_tokens(frame) + DRAFT_TOKENS
        budget = int(self.llm.context_window * 0.9) - fixed
        packed = pack(passages, budget)
        blocks = "\n\n".join(source_block(n, p) for n, p in enumerate(packed, start=1))
        user = render("entwurf_nutzer.txt", sources=blocks, **values)
        return [SystemMessage(system), HumanMessage(user)], packed

    # -- shared --------------------------------------------------------------------------

    def _fact(self, key: str, quartier: str) -> IndicatorFact | None:
        if (key, quartier) not in self._facts:
            self._facts[(key, quartier)] = indicator_fact(
                self.indicators, key, quartier, self.workspace
            )
        return self._facts[(key, quartier)]

    def _name(self, key: str) -> str:
        return indicator_name(self.indicators, key, self.workspace)

    @staticmethod
    def _draft(
        section: Section,
        lines: list[str],
        sources: _Sources,
        fact_rows: list[dict[str, Any]],
        chain_rows: list[dict[str, Any]],
        missing: list[str],
        notice: str,
        mode: str,
        notes: dict[str, str] | None = None,
    ) -> SectionDraft:
        """`notes`: per missing item, a cited quote saying where it is known to be open."""
        missing = list(dict.fromkeys(m.strip() for m in missing if m.strip()))
        notes = notes or {}
        if missing:
            gaps = [f"- [Ergänzen: {m}]" + (f" {notes[m]}" if m in notes else "") for m in missing]
            lines += ["", MISSING_HEADING, *gaps]
        text = "\n".join(lines).strip()
        if not text:
            text = f"- [Ergänzen: {section.title}]"
        details = {
            "facts": fact_rows,
            "facts_caption": section.table_caption,
            "chain": chain_rows,
            "missing": missing,
            "mode": mode,
            "notice": notice,
        }
        return SectionDraft(section.id, section.title, text, sources.items, details)


def split_missing(text: str) -> tuple[str, list[str]]:
    """The model's prose and its „[Ergänzen: …]“ items (those with figures are dropped)."""
    lines = text.strip().split("\n")
    cut = next((i for i, line in enumerate(lines) if _MISSING_LINE.match(line.strip())), None)
    prose_lines = lines if cut is None else lines[:cut]
    tail = "" if cut is None else "\n".join(lines[cut + 1 :])
    items = [m.group(0)[len("[Ergänzen:") : -1].strip() for m in GAP.finditer(tail)]
    prose = "\n".join(prose_lines)
    items += [m.group(0)[len("[Ergänzen:") : -1].strip() for m in GAP.finditer(prose)]
    prose = GAP.sub("", prose)
    if cut is not None:
        items += [
            line.strip().lstrip("-*• ").strip()
            for line in tail.split("\n")
            if line.strip() and not GAP.search(line)
        ]
    return prose.strip(), [i for i in items if i and not _DIGIT.search(i)]


def _finding_lines(candidate: Scored, sources: _Sources) -> list[str]:
    """A finding as draft lines: a quote with its source; a lead-in with the list it
    announces; a table row as a readable line (what it is about first), not quoted."""
    unit = candidate.unit
    n = sources.add(passage_source(unit.chunk))
    if unit.is_row:
        return [f"- {row_sentence(unit.text)} [{n}]"]
    lines = [f"- „{unit.text}“ [{n}]"]
    lines += [f"  - „{item}“ [{n}]" for item in listed_after(unit)]
    return lines


def _question_gaps(
    evidence: _Evidence, answered: Collection[str], sources: _Sources
) -> tuple[list[str], dict[str, str]]:
    """The outline's questions without a finding, each saying what is missing and where
    to look: a document's own note that it is still open (quoted), else the outline's
    `where`."""
    missing: list[str] = []
    notes: dict[str, str] = {}
    for question, _ in evidence.findings:
        if question.text in answered:
            continue
        note = evidence.open_points.get(question.text)
        parts = [question.text]
        if note is not None:
            ref = note.unit.chunk.ref
            # The file and section, not the title: a title's years are not in the quote.
            section = leaf_heading(ref.heading)
            place = f"{ref.source}, Abschnitt „{section}“" if section else ref.source
            parts.append(f"laut {place} noch offen")
        else:
            parts.append("in den eingelesenen Unterlagen nicht gefunden")
        if question.where:
            parts.append(f"zu finden z. B. in: {question.where}")
        item = " – ".join(parts)
        missing.append(item)
        if note is not None:
            notes[item] = f"„{note.unit.text}“ [{sources.add(passage_source(note.unit.chunk))}]"
    return missing, notes


def _argument(chain: Sequence[ChainLink], sources: _Sources) -> list[str]:
    """The measures as an argument, goal by goal: the goal (quoted), the problem it
    answers with its figure, the measures serving it, the indicator that shows progress.
    Measures whose goal the documents do not name follow on their own."""
    if not chain:
        return []
    # One group per goal, in the order the goals are served; measures without a goal in
    # the documents grouped by their theme, after them (never two topics in one group).
    groups: dict[tuple[bool, str], list[ChainLink]] = {}
    for link_ in chain:
        theme = link_.theme.name if link_.theme else ""
        key = (False, link_.goal.key) if link_.goal else (True, theme)
        groups.setdefault(key, []).append(link_)
    lines = ["", "### Ziele, Maßnahmen und Indikatoren"]
    for (no_goal, theme), links in sorted(groups.items(), key=lambda item: item[0][0]):
        goal = links[0].goal
        if no_goal or goal is None:
            topic = f"{theme}: " if theme else ""
            lines += ["", f"**{topic}Maßnahmen ohne Handlungsziel in den Unterlagen**"]
        else:
            label, colon, rest = goal.text.partition(":")
            short = bool(colon) and len(label) <= 60 and bool(rest.strip())
            lines += ["", f"**Ziel: {label.strip()}**" if short else "**Ziel**"]
            quote = rest.strip() if short else goal.text
            lines.append(f"„{quote}“ [{sources.add(passage_source(goal.chunk))}]")
        problems = list({x.problem.key: x.problem for x in links if x.problem}.values())
        for fact in problems:
            city = fact.city.area_name if fact.city is not None else "Gesamtstadt"
            lines.append(
                f"- Ausgangslage: {fact.name} {fact.shown} gegenüber {fact.city_shown} "
                f"({city}){_stand(fact, ', Stand {}')} [{sources.add(fact.source())}]"
            )
        for link_ in links:
            m = link_.measure
            cost = f", Kosten {m.cost}" if m.cost else ""
            lines.append(
                f"- Maßnahme {m.id} {m.title}{cost} [{sources.add(passage_source(m.source))}]"
            )
        indicators = list({x.indicator.key: x.indicator for x in links if x.indicator}.values())
        for fact in indicators:
            lines.append(
                f"- Indikator für das Monitoring: {fact.name}, Ausgangswert {fact.shown}"
                f"{_stand(fact, ' (Stand {})')} [{sources.add(fact.source())}]"
            )
    return lines


def _stand(fact: IndicatorFact, form: str) -> str:
    """The fact's reference date in `form`, or nothing when the table gives none."""
    dated = fact.observation.reference or fact.year is not None
    return form.format(fact.stand) if dated else ""


def _fact_rows(facts: Sequence[IndicatorFact], sources: _Sources) -> list[dict[str, Any]]:
    rows = []
    for fact in facts:
        n = sources.add(fact.source())
        rows.append(
            {
                "key": fact.key,
                "name": fact.name,
                "area": fact.area,
                "value": fact.shown,
                "city": fact.city_shown,
                "ratio": fact.ratio_text,
                "change": fact.change_text,
                "start_year": fact.start.year if fact.start is not None else None,
                "stand": fact.stand,
                "n": n,
            }
        )
    return rows


def _assessment(facts: Sequence[IndicatorFact], sources: _Sources) -> list[str]:
    """The facts as weaknesses and strengths relative to the city (by direction)."""
    lines: list[str] = []
    for label, burden in (("Schwächen", "ungünstig"), ("Stärken", "günstig")):
        chosen = [f for f in facts if f.burden() == burden]
        if not chosen:
            continue
        if lines:
            lines.append("")
        lines.append(f"**{label} laut Kennzahlen (Vergleich mit der Gesamtstadt)**")
        for fact in sorted(chosen, key=lambda f: -abs((f.ratio or 1.0) - 1.0)):
            n = sources.add(fact.source())
            city = fact.city.area_name if fact.city is not None else "Gesamtstadt"
            lines.append(
                f"- {fact.name}: {fact.shown} gegenüber {fact.city_shown} ({city}), "
                f"{fact.ratio_text}-facher Wert, Stand {fact.stand} [{n}]"
            )
    return lines


def _chain_rows(chain: Sequence[ChainLink], sources: _Sources) -> list[dict[str, Any]]:
    def number(item: object) -> int:
        if isinstance(item, IndicatorFact):
            return sources.add(item.source())
        assert isinstance(item, RetrievedChunk)
        return sources.add(passage_source(item))

    return [c.as_row(number) for c in chain]


def _computed_gaps(quartier: str, evidence: _Evidence, name: Any) -> list[str]:
    gaps = [
        f"Kennzahl „{name(k)}“ – für {quartier} liegt in den Tabellen kein Wert vor; zu "
        "finden z. B. bei der Statistikstelle der Kommune (Tabelle je Stadtteil einlesen)"
        for k in evidence.missing_indicators
    ]
    if evidence.chain_searched and not evidence.chain:
        gaps.append(
            "Maßnahmen mit Träger, Kosten und Zeitplan – in den Unterlagen keine gefunden; zu "
            "finden z. B. in: Maßnahmenübersicht, Projektskizzen der Träger"
        )
    for link_ in evidence.chain:
        label = f"{link_.measure.id} {link_.measure.title}".strip()
        gaps += [f"{label}: {gap}" for gap in link_.gaps]
    return gaps


def _area_test_source(result: AreaTestResult) -> DraftSource:
    factor = format_german(result.test.factor, 1)
    steps = [
        f"{f.name}: {f.observation.display} ÷ {f.city.display if f.city else '–'} = "
        f"{format_german(f.ratio or 0.0, 2)} – "
        f"{'erreicht' if f in result.passed else 'nicht erreicht'}"
        for f in result.checked
    ]
    verdict = "erfüllt" if result.met else "nicht erfüllt"
    text = (
        f"Schwellenwertprüfung nach dem Förderaufruf: Faktor {factor} oder mehr bei mindestens "
        f"{result.test.required} Indikatoren. " + "; ".join(steps) + ". "
        f"Ergebnis: {len(result.passed)} von {len(result.checked)} Indikatoren erreichen den "
        f"Faktor {factor} – Vorgabe {verdict}. Werte und Zellen: siehe die einzelnen Kennzahlen."
    )
    return DraftSource(kind="indicator", label="Schwellenwertprüfung (Berechnung)", text=text)


def _fact_chunk(fact: IndicatorFact) -> RetrievedChunk:
    cell = fact.observation.ref
    title = f"Kennzahl {fact.name}"
    ref = SourceRef(cell.doc_id, cell.source, title, sheet=cell.sheet, row=cell.row)
    source = fact.source()
    return RetrievedChunk(f"fakt:{fact.key}", source.text, ref, {"kind": "fact"}, 1.0)


def _chunk_about(chunk: RetrievedChunk, quartier: str, others: Sequence[str]) -> bool:
    return about_area(Unit(chunk.text, chunk, 0), quartier, others)
