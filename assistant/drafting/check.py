"""Checking a draft against a funding call's checklist: erfüllt / teilweise / fehlt.

The draft is cut into units: every paragraph, list item and table row (with the headings
above it), and every chapter as a whole. The outline's questions in a Planwerk draft are
left out (they name a topic, they do not cover it). Units that announce a gap — Planwerk's
„[Ergänzen: …]“, a chapter „Offene Punkte“, to-do items ending in „ergänzen“/„einholen“
(gaps.py) — are kept apart. For each criterion:

- lexical coverage: the weighted share of the criterion's content terms (German-normalised)
  found in a unit's text and headings; a term's weight is its IDF over the draft's units and
  the checklist times its specificity in German at large (wordfreq Zipf frequency, 0.25–1.5),
  so „Quartier“ or „Ende“ count little and „Verstetigung“ or „Bündelung“ much;
- semantic similarity: cosine of the configured embedder's vectors of criterion and unit
  (first 160 characters, cached per text), a second opinion for paraphrases.

Decision, in this order (thresholds tuned on the demo call and draft, eval/criteria_gold.yaml):

1. Chapter: for structural criteria (mandatory sections, scoring, documents) a chapter whose
   heading words are mostly the criterion's (>= 0.60 of them) and that covers >= 0.35 of it
   or names its head noun („Beteiligung“ in „Die Beteiligung der Bewohnerschaft …“), and
   has >= 15 words of content: erfüllt — teilweise if the chapter itself lists gaps.
2. Announced gap: a gap unit covers >= 0.25 of the criterion and no unit fills it (<0.60 on
   the terms the gap does not name): fehlt, citing the gap note.
3. erfüllt: a unit covers >= 0.60, or >= 0.45 with similarity >= 0.55.
4. teilweise: a unit covers >= 0.30, or similarity >= 0.60 with coverage >= 0.15.
5. fehlt otherwise (no draft passage is cited).

Then a cap („höchstens 10 % der Gesamtausgaben“) is decided by arithmetic on the draft's
cost table where it can be (caps.py), and eligibility and deadlines the draft does not
cover become notes („Hinweis“): they frame the application, they are not its content.

Each result names the draft passage that decided it and the call passage it checks.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from assistant.drafting.caps import check_cap
from assistant.drafting.criteria import CallChecklist, Criterion
from assistant.drafting.document import DraftDocument
from assistant.drafting.gaps import announces_gap
from assistant.drafting.section_text import blocks
from assistant.language.german import analyze, content_terms, raw_tokens
from assistant.language.guideline import frames_application
from ingest.chunking import leaf_heading

Status = Literal["erfüllt", "teilweise", "fehlt", "Hinweis"]
STATUSES: tuple[Status, ...] = ("erfüllt", "teilweise", "fehlt", "Hinweis")
# Who may apply and until when is the call's frame, not content of the draft: such a
# criterion is shown as a note („Hinweis“), never as missing, unless the draft covers it.
CONTEXT_CATEGORIES = ("eligibility", "deadline")
# Categories whose statements may frame the application (see `frames_application`).
FRAMED_CATEGORIES = ("condition", "co_financing", "required_document")
Encode = Callable[[list[str]], np.ndarray]

FULL_COVERAGE = 0.60
SUPPORTED_COVERAGE = 0.45
SUPPORTED_SIMILARITY = 0.55
PARTIAL_COVERAGE = 0.30
PARTIAL_SIMILARITY = 0.60
PARTIAL_SIMILARITY_COVERAGE = 0.15
# A chapter heading fulfils a structural criterion when most of its words are the
# criterion's and it covers a good part of the criterion.
HEADING_INSIDE = 0.60
HEADING_COVERAGE = 0.35
CHAPTER_CATEGORIES = ("mandatory_section", "scoring", "required_document")
# Words that frame a requirement rather than name it; the next noun is its head.
GENERIC_HEADS = frozenset(
    "ein eine einer der die das zur zum für fur aussagen darstellung beschreibung konzept "
    "nachweis angaben erläuterung erlauterung übersicht ubersicht".split()
)
GAP_COVERAGE = 0.25
# Word specificity factors (from the general German word frequency, wordfreq's Zipf scale).
MIN_SPECIFICITY = 0.25
MAX_SPECIFICITY = 1.5
# Embedding cost grows with length; the start of a passage carries its topic.
EMBED_CHARS = 160
CITATION_CHARS = 600  # a chapter cited as a whole is shortened in the JSON output
MIN_CHAPTER_WORDS = 15  # a chapter „has content“ beyond its heading and gap notes


@dataclass(slots=True)
class DraftUnit:
    heading: str  # the heading path, outermost first, joined with " > "
    text: str
    gap: bool = False  # the unit announces that something is missing
    chapter: bool = False  # a whole chapter (lexical matching only)
    gaps: int = 0  # for chapters: how many of its passages announce something missing

    def label(self) -> str:
        head = f"Abschnitt „{self.heading}“" if self.heading else "Entwurf"
        return head if self.chapter else f"{head}: „{_excerpt(self.text)}“"


@dataclass(slots=True)
class CheckItem:
    criterion: Criterion
    status: Status
    coverage: float
    similarity: float
    draft_unit: DraftUnit | None = None
    reason: str = ""  # German, one sentence
    computed: bool = False  # decided by arithmetic on the draft's cost table

    @property
    def draft_location(self) -> str:
        return self.draft_unit.label() if self.draft_unit is not None else ""

    def to_json(self) -> dict[str, Any]:
        """The shape of `planwerk criteria --json` (keys are only ever added)."""
        unit = self.draft_unit
        return {
            "criterion": self.criterion.text,
            "category": self.criterion.category,
            "status": self.status,
            "call_citation": self.criterion.citation.to_json(),
            "draft_citation": None
            if unit is None
            else {
                "label": unit.label(),
                "heading": unit.heading,
                "text": _excerpt(unit.text, CITATION_CHARS),
                "open_point": unit.gap,
            },
            "id": self.criterion.id,
            "points": self.criterion.points,
            "coverage": round(self.coverage, 3),
            "similarity": round(self.similarity, 3),
            "reason": self.reason,
        }


@dataclass(slots=True)
class CheckResult:
    call_title: str
    draft_title: str
    items: list[CheckItem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counted = Counter(i.status for i in self.items)
        return {s: counted.get(s, 0) for s in STATUSES}

    def summary(self) -> str:
        c = self.counts()
        checked = len(self.items) - c["Hinweis"]
        notes = f"; dazu {c['Hinweis']} Hinweise zum Rahmen des Aufrufs" if c["Hinweis"] else ""
        return (
            f"{checked} Anforderungen: {c['erfüllt']} erfüllt, {c['teilweise']} "
            f"teilweise, {c['fehlt']} fehlen{notes}."
        )


def units_from_file(path: Path, source_name: str | None = None) -> tuple[str, list[DraftUnit]]:
    """Title and units of a draft file (DOCX, PDF, Markdown …); IngestError if unreadable."""
    from ingest.blocks import BlockKind
    from ingest.formats import load_file

    document = load_file(path, source_name=source_name or path.name)
    units: list[DraftUnit] = []
    chapters: dict[str, list[str]] = {}
    for block in document.blocks:
        if block.kind == BlockKind.HEADING:
            continue
        heading = " > ".join(block.heading_path)
        text = block.text.strip()
        if not text:
            continue
        units.append(DraftUnit(heading, text, gap=announces_gap(text, heading)))
        if block.heading_path:
            top = (
                block.heading_path[0]
                if len(block.heading_path) == 1
                else " > ".join(block.heading_path[:2])
            )
            chapters.setdefault(block.heading_path[0], []).append(text)
            if top != block.heading_path[0]:
                chapters.setdefault(top, []).append(text)
    units += _chapters(chapters)
    return document.title or path.name, units


def units_from_document(document: DraftDocument) -> list[DraftUnit]:
    """Units of a Planwerk draft: text blocks, indicator and chain table rows, chapters."""
    units: list[DraftUnit] = []
    chapters: dict[str, list[str]] = {}
    for section in document.sections:
        sub = ""
        for block in blocks(section.text):
            if block.kind == "heading":
                sub = block.text
                continue
            if block.kind == "lead":
                continue  # the outline's questions: they name a topic, they do not cover it
            heading = section.heading + (f" > {sub}" if sub else "")
            texts = [block.text] if block.kind != "table" else _table_texts(section, block.text)
            for text in texts:
                units.append(DraftUnit(heading, text, gap=announces_gap(text, heading)))
                chapters.setdefault(section.heading, []).append(text)
        chapters.setdefault(section.heading, [])
    return units + _chapters(chapters)


def check_units(
    checklist: CallChecklist,
    units: Sequence[DraftUnit],
    draft_title: str,
    encode: Encode | None = None,
) -> CheckResult:
    """Each criterion of the checklist against the draft units (see module docstring)."""
    weights = _weights(checklist, units)
    texts = [u for u in units if not u.chapter]
    similarities = _similarities(checklist, texts, encode)
    rows = [u.text for u in texts if not u.gap]
    result = CheckResult(checklist.title, draft_title)
    for index, criterion in enumerate(checklist.criteria):
        item = _judge(criterion, units, texts, similarities[index], weights)
        result.items.append(_as_context(_with_cap(item, rows)))
    return result


def _with_cap(item: CheckItem, rows: Sequence[str]) -> CheckItem:
    """A cap („höchstens 10 % der Gesamtausgaben“) decided by the draft's cost table."""
    cap = check_cap(item.criterion.text, rows)
    if cap is None:
        return item
    status: Status = "erfüllt" if cap.met else "fehlt"
    reason = cap.reason if cap.met else f"Obergrenze überschritten. {cap.reason}"
    return replace(item, status=status, reason=reason, computed=True)


def _as_context(item: CheckItem) -> CheckItem:
    """Eligibility, deadlines and statements that frame the application (exclusions, the
    way the grant is given, duties after it) are notes where the draft does not cover
    them, not gaps; a cap the cost table decided stays decided."""
    criterion = item.criterion
    framing = criterion.category in FRAMED_CATEGORIES and frames_application(
        _with_lead_in(criterion)
    )
    context = criterion.category in CONTEXT_CATEGORIES or framing
    if not context or item.status == "erfüllt" or item.computed:
        return item
    return replace(
        item,
        status="Hinweis",
        reason="Rahmen des Aufrufs (Voraussetzung, Frist, Ausschluss oder Pflicht nach der "
        "Bewilligung): beim Antrag zu beachten, kein Inhalt des Entwurfs.",
    )


def _with_lead_in(criterion: Criterion) -> str:
    """The criterion with the lead-in it stands under („Nicht förderfähig sind: …“)."""
    cited = criterion.citation.text
    start = cited.find(criterion.text[:40])
    return f"{cited[:start]} {criterion.text}" if start > 0 else criterion.text


# ---------------------------------------------------------------------------------------


def _judge(
    criterion: Criterion,
    units: Sequence[DraftUnit],
    texts: Sequence[DraftUnit],
    similarity: np.ndarray,
    weights: dict[str, float],
) -> CheckItem:
    terms = content_terms(criterion.text)
    if not terms:
        return CheckItem(
            criterion, "fehlt", 0.0, 0.0, None, "Die Anforderung enthält keine prüfbaren Begriffe."
        )
    total = math.fsum(weights.get(t, 0.0) for t in terms) or 1.0

    def found(unit: DraftUnit) -> set[str]:
        # A passage speaks under its headings; a gap note only for itself (its chapter
        # heading names the topic, not what is missing).
        if unit.gap:
            return terms & content_terms(unit.text)
        return terms & (content_terms(unit.heading) | content_terms(unit.text))

    def share(found_terms: set[str]) -> float:
        return math.fsum(weights.get(t, 0.0) for t in found_terms) / total

    # The draft's own list of what is missing: terms it names there are announced missing.
    gap_cov, gap_unit, announced = 0.0, None, set()
    for unit in texts:
        if unit.gap and share(found(unit)) > gap_cov:
            gap_cov, gap_unit, announced = share(found(unit)), unit, found(unit)
    if gap_cov < GAP_COVERAGE:
        announced = set()
    best: tuple[float, float, DraftUnit | None] = (0.0, 0.0, None)
    for position, unit in enumerate(texts):
        if unit.gap:
            continue
        cov = share(found(unit) - announced)
        sim = float(similarity[position]) if similarity.size else 0.0
        if _score(cov, sim) > _score(best[0], best[1]):
            best = (cov, sim, unit)
    cov, sim, decided = best

    def item(
        status: Status, decided_by: DraftUnit | None, reason: str, c: float = cov
    ) -> CheckItem:
        return CheckItem(criterion, status, c, sim, decided_by, reason)

    chapter = _chapter_for(criterion, units, terms, share)
    if chapter is not None:
        covered = max(cov, share(found(chapter)))
        if chapter.gaps:
            return item("teilweise", chapter, "Der Abschnitt dazu nennt noch Lücken.", covered)
        return item("erfüllt", chapter, "Der Entwurf hat dazu einen eigenen Abschnitt.", covered)
    if gap_unit is not None and announced and cov < FULL_COVERAGE:
        return item("fehlt", gap_unit, "Der Entwurf führt dies selbst als noch zu ergänzen.")
    if cov >= FULL_COVERAGE or (cov >= SUPPORTED_COVERAGE and sim >= SUPPORTED_SIMILARITY):
        return item("erfüllt", decided, "Eine Stelle des Entwurfs deckt die Anforderung ab.")
    if cov >= PARTIAL_COVERAGE or (
        sim >= PARTIAL_SIMILARITY and cov >= PARTIAL_SIMILARITY_COVERAGE
    ):
        return item("teilweise", decided, "Der Entwurf behandelt die Anforderung nur zum Teil.")
    return item("fehlt", None, "Im Entwurf findet sich dazu nichts Ausreichendes.")


def _chapter_for(
    criterion: Criterion,
    units: Sequence[DraftUnit],
    terms: set[str],
    share: Callable[[set[str]], float],
) -> DraftUnit | None:
    """A chapter whose heading names the criterion (a section the call asks for)."""
    if criterion.category not in CHAPTER_CATEGORIES:
        return None
    best, best_share = None, 0.0
    head = _head_term(criterion.text)
    for unit in units:
        if not unit.chapter or not _has_content(unit):
            continue
        heading = content_terms(_strip_number(leaf_heading(unit.heading)))
        if not heading:
            continue
        inside = len(heading & terms) / len(heading)
        covered = share(heading & terms)
        named = head is not None and head in heading
        fits = inside >= HEADING_INSIDE and (covered >= HEADING_COVERAGE or named)
        if fits and covered > best_share:
            best, best_share = unit, covered
    return best


def _head_term(text: str) -> str | None:
    """The criterion's head noun („Beteiligung“ in „Die Beteiligung der Bewohnerschaft“),
    skipping words that only frame it („Darstellung“, „Konzept“, „Aussagen“)."""
    for token in raw_tokens(text):
        if token in GENERIC_HEADS or token.isdigit():
            continue
        terms = analyze(token)
        if terms:
            return terms[0]
    return None


def _score(coverage: float, similarity: float) -> float:
    """Order of candidate units: coverage first, similarity breaks near ties."""
    return coverage + 0.25 * max(0.0, similarity - 0.3)


def _strip_number(heading: str) -> str:
    return re.sub(r"^\s*[\d.]+\s+", "", heading)


def _has_content(chapter: DraftUnit) -> bool:
    return len(chapter.text.split()) >= MIN_CHAPTER_WORDS


def _weights(checklist: CallChecklist, units: Sequence[DraftUnit]) -> dict[str, float]:
    """Weight of each criterion term: its IDF over the draft's units and the checklist's
    criteria, times how specific the word is in German at large (wordfreq), so „Ende“ or
    „Ergebnisse“ count less than „Verstetigung“ or „Bündelung“."""
    documents = [content_terms(f"{u.heading} {u.text}") for u in units if not u.chapter]
    documents += [content_terms(c.text) for c in checklist.criteria]
    frequency: Counter[str] = Counter()
    for terms in documents:
        frequency.update(terms)
    count = len(documents) or 1
    specificity = _specificity(" ".join(c.text for c in checklist.criteria))
    return {
        t: math.log(1.0 + count / (1.0 + frequency[t])) * specificity.get(t, 1.0)
        for t in specificity
    }


def _specificity(text: str) -> dict[str, float]:
    """Term -> factor from the Zipf frequency of the words it comes from (rarer: higher)."""
    from wordfreq import zipf_frequency

    factors: dict[str, float] = {}
    for token in raw_tokens(text):
        if token.isdigit():
            continue
        zipf = zipf_frequency(token, "de")
        factor = min(MAX_SPECIFICITY, max(MIN_SPECIFICITY, (7.5 - zipf) / 4.0))
        for term in analyze(token):
            factors[term] = max(factors.get(term, 0.0), factor)
    # A hyphenated compound is also indexed joined („Stärken-Schwächen-Analyse“ as one
    # term); its parts carry the meaning, the joined form must not outweigh them.
    for word in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)+", text.lower()):
        for term in analyze(word.replace("-", "")):
            if term not in {t for part in word.split("-") for t in analyze(part)}:
                factors[term] = MIN_SPECIFICITY
    return factors


def _similarities(
    checklist: CallChecklist, units: Sequence[DraftUnit], encode: Encode | None
) -> np.ndarray:
    if encode is None or not units or not checklist.criteria:
        return np.zeros((len(checklist.criteria), 0), dtype=np.float32)
    criteria = _encoded(encode, [c.text[:EMBED_CHARS] for c in checklist.criteria])
    texts = _encoded(
        encode, [f"{u.heading.split(' > ')[-1]}: {u.text}"[:EMBED_CHARS] for u in units]
    )
    return np.asarray(criteria @ texts.T, dtype=np.float32)


_VECTORS: dict[tuple[int, str], np.ndarray] = {}
_MAX_CACHED = 20_000


def _encoded(encode: Encode, texts: list[str]) -> np.ndarray:
    """Vectors of `texts`, each text encoded once per process and encoder (checks repeat)."""
    owner = id(getattr(encode, "__self__", encode))
    missing = list(dict.fromkeys(t for t in texts if (owner, t) not in _VECTORS))
    if missing:
        if len(_VECTORS) + len(missing) > _MAX_CACHED:
            _VECTORS.clear()
        for text, vector in zip(missing, encode(missing), strict=True):
            _VECTORS[(owner, text)] = np.asarray(vector, dtype=np.float32)
    return np.vstack([_VECTORS[(owner, t)] for t in texts])


def _chapters(chapters: dict[str, list[str]]) -> list[DraftUnit]:
    units = []
    for heading, texts in chapters.items():
        content = " ".join(t for t in texts if not announces_gap(t, heading))
        gaps = sum(1 for t in texts if announces_gap(t, heading))
        units.append(DraftUnit(heading, content, gap=False, chapter=True, gaps=gaps))
    return units


def _table_texts(section: Any, name: str) -> list[str]:
    if name.casefold().startswith("kennzahl"):
        return [
            f"{r['name']}: {r['value']} (Stadt gesamt {r.get('city') or '–'}, "
            f"Stand {r.get('stand')})"
            for r in section.details.get("facts", [])
        ]
    rows = []
    for r in section.details.get("chain", []):
        parts = [
            r.get("measure", ""),
            r.get("problem", ""),
            r.get("goal", ""),
            r.get("indicator", ""),
        ]
        rows.append(" – ".join(p for p in parts if p))
    return rows


def _excerpt(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"
