"""„Fasse die Ausgangslage im Hafenviertel zusammen“ without a language model: a fact sheet.

The sheet is a compilation, labelled as one: the area's key indicators from the tables
(its value, the city's, the ratio, the change since the first year), the strongest
findings the reports state about the area, and what is planned there — every line cited.
With a language model configured, the answer service has the model write prose from the
sheet's lines and checks it like any model answer (answering/service.py, `PROFILE_MODE`).
Key indicators are those where the area is worst off against the city (by the direction
the indicator catalogue gives), so the sheet leads with what an application argues from.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answering.lists import lines_of
from assistant.answering.service import PROFILE_MODE
from assistant.drafting.facts import IndicatorFact, indicator_fact
from assistant.indicators.answer_text import SourceList
from assistant.indicators.store import IndicatorStore
from assistant.language.cues import cues
from assistant.language.question import QuestionAnalysis
from assistant.models import Answer, Citation, RetrievedChunk

Search = Callable[[str, int], list[RetrievedChunk]]

MODE = PROFILE_MODE
_INDICATORS = 4
_FINDINGS = 2
_PLANNED = 2
_PASSAGES = 12
_MAX_SENTENCE = 220  # longer sentences are tables or lists pasted into prose


@dataclass(frozen=True, slots=True)
class _Sentence:
    text: str
    passage: RetrievedChunk

    @property
    def doc_type(self) -> str:
        return str(self.passage.metadata.get("doc_type") or "")


def area_profile(
    question: QuestionAnalysis,
    store: IndicatorStore,
    search: Search,
    workspace: str = "default",
) -> Answer | None:
    """The fact sheet of the one area a summary question names, or None."""
    if not question.summary:
        return None
    mentions = {m.key: m for m in store.geographies(workspace).find_in_text(question.text)}
    if len(mentions) != 1:
        return None
    (mention,) = mentions.values()
    facts = _key_facts(store, mention.key, mention.name, workspace)
    if not facts:
        return None
    cells = SourceList()
    lines = [
        f"Steckbrief {mention.name} – zusammengestellt aus Kennzahlen und Dokumenten "
        "(ohne Sprachmodell):",
        f"Kennzahlen (am stärksten vom Stadtwert abweichend, Stand {facts[0].stand}):",
    ]
    lines += [_fact_line(fact, cells) for fact in facts]
    sentences = _about_area(search(f"{mention.name} {question.text}", _PASSAGES), mention.name)
    planned = cues().planned_words
    # Findings: report sentences with a figure first; plans: from concepts and decisions.
    found = sorted(
        (s for s in sentences if not planned.in_text(s.text)),
        key=lambda s: (s.doc_type != "plan", not any(c.isdigit() for c in s.text)),
    )[:_FINDINGS]
    plans = sorted(
        (s for s in sentences if planned.in_text(s.text)),
        key=lambda s: s.doc_type not in ("concept", "minutes"),
    )[:_PLANNED]
    citations = list(cells.items)
    for label, chosen in (("Befund", found), ("Geplant", plans)):
        for sentence in chosen:
            n = len(citations) + 1
            citations.append(Citation(n, sentence.passage.ref, sentence.passage.text))
            lines.append(f"{label}: {sentence.text} [{n}]")
    return Answer(question.text, "\n".join(lines), MODE, citations, [], True)


def _key_facts(store: IndicatorStore, key: str, name: str, workspace: str) -> list[IndicatorFact]:
    """The area's rates furthest from the city value in the unfavourable direction."""
    frame = store.frame(workspace)
    keys = frame.loc[frame["area_key"] == key, "indicator"].dropna().unique()
    facts = [f for k in keys if (f := indicator_fact(store, str(k), name, workspace))]
    ranked = sorted((f for f in facts if f.ratio), key=_strain, reverse=True)
    return ranked[:_INDICATORS]


def _strain(fact: IndicatorFact) -> float:
    """How much worse than the city the area is (log ratio, signed by direction)."""
    ratio = math.log(fact.ratio or 1.0)
    if fact.direction == "higher_is_better":
        return -ratio
    if fact.direction == "higher_is_worse":
        return ratio
    return abs(ratio) / 2  # no known direction: a difference, weighed less


def _fact_line(fact: IndicatorFact, cells: SourceList) -> str:
    marker = cells.cite(fact.observation.ref)
    parts = []
    if fact.city is not None:
        parts.append(f"Stadt {fact.city_shown} {cells.cite(fact.city.ref)}")
    if fact.ratio_text:
        parts.append(f"{fact.ratio_text}-fach")
    if fact.change_text and fact.start is not None:
        parts.append(f"{fact.change_text} seit {fact.start.year}")
    details = f" ({'; '.join(parts)})" if parts else ""
    return f"- {fact.name}: {fact.shown} {marker}{details}"


def _about_area(passages: list[RetrievedChunk], name: str) -> list[_Sentence]:
    """Sentences of report passages that name the area, in search order, each once."""
    seen: set[str] = set()
    found = []
    for passage in passages:
        if (
            passage.metadata.get("kind") == "table"
            or passage.metadata.get("doc_type") == "indicators"
        ):
            continue
        for line in lines_of(passage.text):
            text = line.text.strip()
            if name.casefold() not in text.casefold() or len(text) > _MAX_SENTENCE:
                continue
            if line.item or text.casefold() in seen or not text.endswith((".", "!")):
                continue
            seen.add(text.casefold())
            found.append(_Sentence(text, passage))
    return found
