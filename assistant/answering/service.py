"""Question -> (rewrite follow-up) -> retrieve -> generate -> verify citations -> Answer.

`stream` yields the model's text as it arrives (`Token`, with invented source numbers
already filtered out) and ends with the checked answer (`Done`); callers show the tokens as
a draft and replace them with the final answer. When the model fails, stops answering or
says nothing the sources support, the extractive answer takes over and `Answer.notice`
says so in German.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Generator as PyGenerator  # `Generator` is llm.base.Generator
from dataclasses import dataclass, replace
from typing import Protocol

from assistant.access.policy import UNGUARDED, Guard
from assistant.answering.conversation import ConversationStore, FollowUpRewriter
from assistant.answering.definitions import find_definitions
from assistant.answering.digest import DocumentPassages
from assistant.answering.guideline_digest import guideline_digest
from assistant.answering.length import limit_length
from assistant.answering.lists import ends_in_list
from assistant.answering.section_digest import section_digest
from assistant.index.filters import SearchFilters
from assistant.language.german import DocumentFrequencies
from assistant.language.guideline import section_references
from assistant.language.question import QuestionAnalysis, analyse_question
from assistant.llm.base import (
    NOT_FOUND_TEXT,
    Definition,
    Generated,
    GenerationStream,
    Generator,
)
from assistant.llm.citations import CitationGuard, strip_markers
from assistant.llm.failures import FALLBACK_SUFFIX, describe_failure
from assistant.llm.styles import AnswerStyle, get_style
from assistant.llm.verification import CitationVerifier, Verification
from assistant.llm.watchdog import with_idle_timeout
from assistant.models import Answer, Citation, RetrievedChunk, TableGap, insert_after
from assistant.platform.config import Settings
from assistant.retrieval.answerability import (
    answer_refusal,
    refusal_reason,
    table_gap_refusal,
)


class Searcher(Protocol):
    def search(
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        *,
        question: QuestionAnalysis | None = None,
    ) -> list[RetrievedChunk]: ...


@dataclass(frozen=True, slots=True)
class Token:
    """A piece of the model's text, safe to show as a draft."""

    text: str


@dataclass(frozen=True, slots=True)
class Done:
    """The checked answer; it replaces the streamed draft."""

    answer: Answer


StreamEvent = Token | Done

# Passages of the whole question's search kept ahead of its parts' best passages.
_WHOLE_QUESTION_FIRST = 3
# Passages whose list may go on in the next chunk (the answer reads the first few).
_CONTINUED_UP_TO = 6
# How many chunks a list may run on over (a long list of required documents spans pages).
_CONTINUED_CHUNKS = 3

NextPassage = Callable[[RetrievedChunk], RetrievedChunk | None]
# The first chunk of a numbered section of a passage's document („Nummer 10“).
SectionPassage = Callable[[RetrievedChunk, str], RetrievedChunk | None]

UNVERIFIED_NOTICE = (
    "Die Antwort des Sprachmodells ließ sich nicht mit den Quellen belegen und wird nicht "
    f"gezeigt. {FALLBACK_SUFFIX}"
)
# The mode of an area's fact sheet („Fasse die Ausgangslage … zusammen“, built in
# drafting/area_profile.py): with a model, the model writes prose from its facts.
PROFILE_MODE = "profile"
_DIGEST_FRAME = 120  # characters of a digest's heading line, or of a closing note
PROFILE_FALLBACK = (
    "Es steht stattdessen der Steckbrief da (aus Kennzahlen und Dokumenten zusammengestellt, "
    "ohne Sprachmodell)."
)
PROFILE_UNVERIFIED = (
    "Der Text des Sprachmodells ließ sich nicht mit den Quellen belegen und wird nicht "
    f"gezeigt. {PROFILE_FALLBACK}"
)
_MARKERS = re.compile(r"\[(\d+)\]")


class AnswerService:
    def __init__(
        self,
        settings: Settings,
        retriever: Searcher,
        generator: Generator,
        *,
        fallback: Generator | None = None,
        verifier: CitationVerifier | None = None,
        conversations: ConversationStore | None = None,
        rewriter: FollowUpRewriter | None = None,
        document_frequency: DocumentFrequencies | None = None,
        indicators: Callable[[QuestionAnalysis], Answer | TableGap | None] | None = None,
        next_passage: NextPassage | None = None,
        section_passage: SectionPassage | None = None,
        document_passages: DocumentPassages | None = None,
    ) -> None:
        self.settings = settings
        self.retriever = retriever
        self.generator = generator
        # The extractive generator answers when the model cannot; without one, the
        # generator is its own fallback (extractive mode).
        self.fallback = fallback or generator
        self.verifier = verifier or CitationVerifier()
        self.conversations = conversations
        self.rewriter = rewriter or FollowUpRewriter()
        self.document_frequency = document_frequency
        # Figures from indicator tables are computed, not retrieved: asked first. A
        # `TableGap` says the tables hold the areas asked about but not the indicator.
        self.indicators = indicators
        # A list whose lead-in ends a chunk goes on in the next one (often the next page).
        self.next_passage = next_passage
        # „mit den in Nummer 10 genannten Unterlagen“ is answered by section 10's list.
        self.section_passage = section_passage
        # „Fasse die Förderbedingungen … zusammen“ is answered part by part of the guideline.
        self.document_passages = document_passages

    def ask(
        self,
        question: str,
        filters: SearchFilters | None = None,
        style: str | None = None,
        thread_id: str | None = None,
        *,
        guard: Guard = UNGUARDED,
    ) -> Answer:
        """The checked answer, without streaming."""
        answer = None
        for event in self.stream(question, filters, style, thread_id, guard=guard):
            if isinstance(event, Done):
                answer = event.answer
        assert answer is not None
        return answer

    def stream(
        self,
        question: str,
        filters: SearchFilters | None = None,
        style: str | None = None,
        thread_id: str | None = None,
        *,
        guard: Guard = UNGUARDED,
    ) -> Iterator[StreamEvent]:
        """Tokens of the draft, then `Done` with the checked answer (stored in the thread).
        `guard` checks the reading right and that the person may see the thread."""
        guard.require_thread(thread_id)
        answer_style = get_style(style)
        standalone = self.standalone_question(question, thread_id)
        # The one analysis of the question every later stage reads.
        analysis = self.analyse(standalone, asked=question)
        from_tables = self.indicators(analysis) if self.indicators else None
        gap = from_tables if isinstance(from_tables, TableGap) else None
        computed = from_tables if isinstance(from_tables, Answer) else None
        # A computed figure is searched for too: the report passages that discuss it
        # ("Am Sonnenberg (2,4 %) …") are the ones worth reading next to the table row.
        query = f"{standalone}\n{_findings(computed.text)}" if computed else standalone
        retrieved = self.retriever.search(
            query, k=self.settings.retrieval.top_k, filters=filters, question=analysis
        )
        if computed is None:
            retrieved = self._with_parts(analysis, retrieved, filters)
        else:
            read = _cited_first(computed.retrieved, retrieved, len(retrieved))
            computed = replace(computed, retrieved=read)
            prose = computed.mode == PROFILE_MODE and self.generator.mode != "extractive"
            if prose:
                computed = yield from self._profile_prose(analysis, computed, answer_style)
            yield from self._finish(computed, analysis, question, thread_id, answer_style, prose)
            return
        refusal = self._refusal(analysis, retrieved, gap)
        if refusal is not None:
            answer = self._answer(
                standalone, refusal, [], retrieved, Verification(refusal, []), answer_style, False
            )
            yield from self._finish(answer, analysis, question, thread_id, answer_style)
            return
        streamed = self.generator.mode != "extractive"
        digest = self._digest(analysis, retrieved, answer_style)
        if digest is not None and not streamed:
            answer = self._quoted(analysis, digest, retrieved, answer_style)
            yield from self._finish(answer, analysis, question, thread_id, answer_style)
            return
        # Definitions cost extra searches: only for answers that will be written.
        definitions = self._definitions(analysis, retrieved, answer_style, filters)
        readable = self._with_continuations(self._with_references(analysis, retrieved))
        if digest is not None:
            # The model writes from the guideline's parts first.
            keys = {p.key for p in digest.passages}
            readable = [*digest.passages, *(p for p in readable if p.key not in keys)]
        if not streamed:
            answer = self._extractive(analysis, readable, answer_style, definitions, "")
        else:
            answer = yield from self._generated(analysis, readable, answer_style, definitions)
        answer = replace(answer, retrieved=retrieved)  # continuations were only read
        yield from self._finish(answer, analysis, question, thread_id, answer_style, streamed)

    def analyse(self, question: str, asked: str = "") -> QuestionAnalysis:
        """The question read once, and against the vocabulary the workspace knows."""
        analysis = analyse_question(question, asked=asked)
        if self.document_frequency is not None:
            analysis = analysis.resolve(self.document_frequency)
        return analysis

    def _finish(
        self,
        answer: Answer,
        analysis: QuestionAnalysis,
        question: str,
        thread_id: str | None,
        style: AnswerStyle,
        streamed: bool = False,
    ) -> Iterator[StreamEvent]:
        """Shorten the answer to the style's length (keeping what the question asks about
        in shortened sentences), show it unless its draft was streamed (the checked answer
        then replaces the draft), store it in the thread."""
        standalone = analysis.text
        answer = limit_length(answer, style.max_chars, analysis.weights_of())
        if not streamed:
            yield Token(answer.text)
        asked = question if question != standalone else ""
        answer = replace(answer, asked=asked, thread_id=thread_id)
        if thread_id is not None and self.conversations is not None:
            self.conversations.add_exchange(thread_id, question, answer)
        yield Done(answer)

    def _with_parts(
        self,
        question: QuestionAnalysis,
        retrieved: list[RetrievedChunk],
        filters: SearchFilters | None,
    ) -> list[RetrievedChunk]:
        """For a compound question, the best passage of each part's own search right after
        the whole question's first few: the answer can then quote every part."""
        # A part is its own query: „im IHK-Entwurf“ names where the value stands, not where
        # the limit does; a clause is its own question.
        queries: list[tuple[str, QuestionAnalysis | None]]
        queries = [(part.query, None) for part in question.parts]
        queries += [(clause.text, clause) for clause in question.clauses]
        if not queries:
            return retrieved
        bests: list[RetrievedChunk] = []
        for query, analysis in queries:
            found = self.retriever.search(
                query, k=_WHOLE_QUESTION_FIRST, filters=filters, question=analysis
            )
            bests += found[:1]
        # As many passages as before, unless the parts' bests need more room at the top.
        head = insert_after(retrieved[:_WHOLE_QUESTION_FIRST], bests, _WHOLE_QUESTION_FIRST)
        merged = insert_after(retrieved, bests, _WHOLE_QUESTION_FIRST)
        return merged[: max(len(retrieved), len(head))]

    def _with_references(
        self, question: QuestionAnalysis, retrieved: list[RetrievedChunk]
    ) -> list[RetrievedChunk]:
        """The passages with the sections the first few refer to („mit den in Nummer 10
        genannten Unterlagen“), right behind the referring one and marked with their
        number (`section`), so the answer can quote the list the reference stands for.
        Not for a question about a circumstance: „Wo reiche ich die Unterlagen ein?“ is
        not answered by their list."""
        if self.section_passage is None or question.circumstance:
            return retrieved
        readable = list(retrieved)
        present = {p.key: p for p in retrieved}
        for passage in retrieved[:_CONTINUED_UP_TO]:
            for number in section_references(passage.text):
                section = self.section_passage(passage, number)
                if section is None or section.key == passage.key:
                    continue
                section = present.get(section.key, section)
                section.metadata["section"] = number
                if section.key not in present:
                    section.metadata["added"] = True  # read for the reference only
                    readable.insert(readable.index(passage) + 1, section)
                    present[section.key] = section
        return readable

    def _with_continuations(self, retrieved: list[RetrievedChunk]) -> list[RetrievedChunk]:
        """The passages with the chunk after each of the first few (and after each
        referenced section) that breaks off in a list, right behind it (marked
        `continues`), so the list can be quoted whole; ranking and citations stay those
        of the search."""
        if self.next_passage is None:
            return retrieved
        readable = list(retrieved)
        present = {p.key: p for p in retrieved}
        searched = [p for p in retrieved if not p.metadata.get("added")][:_CONTINUED_UP_TO]
        sections = [p for p in retrieved if p.metadata.get("section") and p not in searched]
        for passage in searched + sections:
            current = passage
            for _ in range(_CONTINUED_CHUNKS):
                if not ends_in_list(current.text):
                    break
                following = self.next_passage(current)
                if following is None:
                    break
                following = present.get(following.key, following)
                following.metadata["continues"] = current.chunk_id
                if following.key not in present:
                    following.metadata["added"] = True  # read for the list, not found by search
                    readable.insert(readable.index(current) + 1, following)
                    present[following.key] = following
                current = following
        return readable

    def _refusal(
        self,
        question: QuestionAnalysis,
        retrieved: list[RetrievedChunk],
        gap: TableGap | None = None,
    ) -> str | None:
        """The "not in the documents" answer when the question names what the corpus lacks;
        checked before any model runs, so no model can paper over the gap. Areas only the
        tables know, asked for an indicator they lack, are refused with what they hold
        unless a passage speaks of those areas."""
        if gap is not None and table_gap_refusal(gap, retrieved):
            return f"In den Unterlagen finde ich dazu nichts. {gap.text}"
        checks = self.settings.answer.checks
        # Two questions asked at once are refused only when nothing answers either.
        reasons = [refusal_reason(q, retrieved, checks) for q in question.clauses or (question,)]
        reason = reasons[0] if all(reasons) else None
        return f"In den Unterlagen finde ich dazu nichts. {reason}" if reason else None

    def standalone_question(self, question: str, thread_id: str | None) -> str:
        if thread_id is None or self.conversations is None:
            return question
        return self.rewriter.rewrite(question, self.conversations.history(thread_id))

    def _generated(
        self,
        question: QuestionAnalysis,
        retrieved: list[RetrievedChunk],
        style: AnswerStyle,
        definitions: Sequence[Definition],
    ) -> PyGenerator[StreamEvent, None, Answer]:
        """Stream the model's draft; return the checked answer (or the fallback's)."""
        parts: list[str] = []
        try:
            streamed = yield from self._streamed(question, retrieved, style, definitions, parts)
        except Exception as exc:
            notice = describe_failure(exc, self.settings.llm)
            return self._extractive(question, retrieved, style, definitions, notice)
        policy = self.settings.llm.unsupported
        checked = self.verifier.verify("".join(parts), streamed.passages, policy)
        if checked.refused or not streamed.passages:
            return self._answer(question.text, NOT_FOUND_TEXT, [], retrieved, checked, style, False)
        if not checked.kept_claims:
            return self._extractive(question, retrieved, style, definitions, UNVERIFIED_NOTICE)
        notice = _removal_notice(checked, policy)
        return self._answer(
            question.text, checked.text, streamed.passages, retrieved, checked, style, True, notice
        )

    def _streamed(
        self,
        question: QuestionAnalysis,
        passages: list[RetrievedChunk],
        style: AnswerStyle,
        definitions: Sequence[Definition],
        parts: list[str],
    ) -> PyGenerator[StreamEvent, None, GenerationStream]:
        """The model's draft token by token (a citation marker shown once it is whole),
        its text collected in `parts`; raises what the model raises."""
        streamed = self.generator.stream(question, passages, style, definitions)
        guard = CitationGuard(range(1, len(streamed.passages) + 1))
        for token in with_idle_timeout(streamed.tokens, self.settings.llm.timeout_s):
            parts.append(token)
            if shown := guard.feed(token):
                yield Token(shown)
        if tail := guard.flush():
            yield Token(tail)
        return streamed

    def _profile_prose(
        self, question: QuestionAnalysis, sheet: Answer, style: AnswerStyle
    ) -> PyGenerator[StreamEvent, None, Answer]:
        """The model's prose from the fact sheet's own facts (one passage per line: the
        figures with their comparisons and cited rows, the report passages), checked
        sentence by sentence like any model answer; the sheet itself, with the reason,
        when the model fails or none of its sentences holds."""
        passages = sheet_passages(sheet)
        parts: list[str] = []
        try:
            streamed = yield from self._streamed(question, passages, style, [], parts)
        except Exception as exc:
            notice = describe_failure(exc, self.settings.llm).replace(
                FALLBACK_SUFFIX, PROFILE_FALLBACK
            )
            return replace(sheet, notice=notice)
        policy = self.settings.llm.unsupported
        checked = self.verifier.verify("".join(parts), streamed.passages, policy)
        if checked.refused or not checked.kept_claims or not streamed.passages:
            return replace(sheet, notice=PROFILE_UNVERIFIED)
        notice = _removal_notice(checked, policy)
        return self._answer(
            question.text,
            checked.text,
            streamed.passages,
            sheet.retrieved,
            checked,
            style,
            True,
            notice,
        )

    def _digest(
        self, question: QuestionAnalysis, retrieved: list[RetrievedChunk], style: AnswerStyle
    ) -> Generated | None:
        if self.document_passages is None:
            return None
        # Room for the heading line and the closing note of a shortened answer.
        room = style.max_chars - 2 * _DIGEST_FRAME
        return guideline_digest(
            question, retrieved, self.document_passages, room
        ) or section_digest(question, retrieved, self.document_passages, room)

    def _extractive(
        self,
        question: QuestionAnalysis,
        retrieved: list[RetrievedChunk],
        style: AnswerStyle,
        definitions: Sequence[Definition],
        notice: str,
    ) -> Answer:
        generated = self.fallback.generate(question, retrieved, style, definitions)
        checks = self.settings.answer.checks
        basis = generated.basis or generated.text
        refused = (
            answer_refusal(question, basis, generated.passages, checks) if generated.found else None
        )
        if refused is not None:
            generated = Generated(refused, [], found=False)
        return self._quoted(question, generated, retrieved, style, notice)

    def _quoted(
        self,
        question: QuestionAnalysis,
        generated: Generated,
        retrieved: list[RetrievedChunk],
        style: AnswerStyle,
        notice: str = "",
    ) -> Answer:
        """An answer of quoted sentences: checked for the record, never removed."""
        checked = self.verifier.verify(generated.text, generated.passages, "keep")
        if not generated.found:
            checked = Verification(generated.text, [])
        return self._answer(
            question.text,
            generated.text,
            generated.passages,
            retrieved,
            checked,
            style,
            generated.found,
            notice,
            mode=self.fallback.mode,
        )

    def _answer(
        self,
        question: str,
        text: str,
        passages: list[RetrievedChunk],
        retrieved: list[RetrievedChunk],
        checked: Verification,
        style: AnswerStyle,
        found: bool,
        notice: str = "",
        mode: str | None = None,
    ) -> Answer:
        generated = Generated(text, passages, found)
        return Answer(
            question=question,
            text=text,
            mode=mode or self.generator.mode,
            citations=citations_of(generated) if found else [],
            retrieved=retrieved,
            found=found,
            sentences=checked.sentences,
            notice=notice,
            style=style.name,
        )

    def _definitions(
        self,
        question: QuestionAnalysis,
        retrieved: list[RetrievedChunk],
        style: AnswerStyle,
        filters: SearchFilters | None,
    ) -> list[Definition]:
        if not style.definitions or not retrieved:
            return []

        def search(query: str) -> list[RetrievedChunk]:
            return self.retriever.search(query, k=5, filters=filters)

        return find_definitions(question.text, retrieved, search)


def sheet_passages(sheet: Answer) -> list[RetrievedChunk]:
    """A fact sheet's cited lines as passages for a model: each line's own text (a figure
    with the city value, ratio and change it computed) followed by the text of what it
    cites (table rows, report passages), cited by the line's first source."""
    by_number = {c.n: c for c in sheet.citations}
    passages = []
    for index, line in enumerate(sheet.text.splitlines()):
        cited = [by_number[int(n)] for n in _MARKERS.findall(line) if int(n) in by_number]
        if not cited:
            continue
        texts = dict.fromkeys([strip_markers(line).strip(), *(c.text for c in cited)])
        passages.append(
            RetrievedChunk(
                f"steckbrief:{index}",
                "\n".join(texts),
                cited[0].ref,
                {"kind": "fact_sheet"},
                1.0,
            )
        )
    return passages


def _findings(computed: str) -> str:
    """The result lines of a computed answer, without the method note and source numbers."""
    lines = [line for line in computed.splitlines() if not line.startswith("Methode:")]
    return strip_markers(" ".join(lines))


def _cited_first(
    cited: list[RetrievedChunk], retrieved: list[RetrievedChunk], k: int
) -> list[RetrievedChunk]:
    """The table rows a computed answer cites (one passage per table sheet), then the
    search results, `k` in all: the passages ranked as the user should read them."""
    tables: dict[tuple[str, str | None], list[RetrievedChunk]] = {}
    for row in cited:
        tables.setdefault((row.ref.doc_id, row.ref.sheet), []).append(row)
    rows = {(c.ref.doc_id, c.ref.sheet, c.ref.row) for c in cited}
    rest = [r for r in retrieved if (r.ref.doc_id, r.ref.sheet, r.ref.row) not in rows]
    return [*map(_one_passage, tables.values()), *rest][: max(k, len(tables))]


def _one_passage(rows: list[RetrievedChunk]) -> RetrievedChunk:
    """Rows of one table sheet („Kopf\nZeile“ each) as one passage, in table order."""
    by_number = {r.ref.row: r for r in rows if r.ref.row is not None}
    numbers = sorted(by_number)
    if len(numbers) < 2:
        return rows[0]
    header = by_number[numbers[0]].text.split("\n", 1)[0]
    lines = [by_number[n].text.split("\n", 1)[-1] for n in numbers]
    first = by_number[numbers[0]]
    metadata = {**first.metadata, "rows": numbers, "row_end": numbers[-1]}
    return replace(first, text="\n".join([header, *lines]), metadata=metadata)


def citations_of(generated: Generated) -> list[Citation]:
    """One citation per passage the text refers to as `[n]`; unknown numbers are dropped."""
    return [
        Citation(n=n, ref=passage.ref, text=passage.text)
        for n, passage in enumerate(generated.passages, start=1)
        if f"[{n}]" in generated.text
    ]


def _removal_notice(checked: Verification, policy: str) -> str:
    problems = [s for s in checked.claims if not s.verified]
    if not problems:
        return ""
    count = len(problems)
    subject = "Ein Satz" if count == 1 else f"{count} Sätze"
    verb = "ließ" if count == 1 else "ließen"
    if policy == "remove":
        return (
            f"{subject} der Antwort {verb} sich nicht mit den Quellen belegen und "
            f"{'wurde' if count == 1 else 'wurden'} entfernt."
        )
    return f"{subject} der Antwort {verb} sich nicht mit den Quellen belegen (markiert)."
