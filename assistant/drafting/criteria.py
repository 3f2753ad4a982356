"""Requirements of a funding call, read from its structure into a cited checklist.

Works on the blocks the ingest loaders produce (headings, paragraphs, list items, table
rows), not on a particular call:

1. Each block gets a category from its nearest heading that names one: „Antragsberechtigte“
   or „Gebietsauswahl“ -> eligibility, „Unterlagen“ -> required_document, „Bewertung“/
   „Kriterien“ -> scoring, „Eigenanteil“/„Höhe der Zuwendung“ -> co_financing, „Fristen“/
   „Verfahren“ -> deadline, „Voraussetzungen“/„Pflichten“ -> condition; „Anlass“, „Ziele“,
   „Rechtsgrundlagen“, „Beratung“ are information.
2. List items count when their lead-in („… sind beizufügen:“, „Das IHK muss mindestens
   enthalten:“, „Nicht förderfähig sind:“) or they themselves state an obligation, or when
   their section lists requirements by nature (eligibility, documents, scoring). A lead-in
   that asks for contents makes its items mandatory sections of the concept.
3. Sentences count when they state an obligation or limit (muss/müssen, ist/sind … zu
   <Verb>, beizufügen, vorzulegen, einzureichen, spätestens, mindestens, höchstens, bis zu,
   nicht förderfähig, ausgeschlossen, Voraussetzung, verpflichtend, erforderlich …); in
   sections that consist of rules (eligibility, documents, financing, conditions) every
   complete sentence counts.
4. Paragraphs with three or more dates (flattened timetables) are split into one item per
   date; a dated item with „bis“, „spätestens“, „Eingang“, „Beginn“ … is a deadline.
5. Scoring items keep their points („… 20“ -> 20 points); duplicates are merged.

Every criterion keeps the passage it was read from (`CallCitation`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.language.german import MONTHS, content_terms, fold
from ingest.blocks import Block, BlockKind, LoadedDocument
from ingest.sentences import split_sentences
from ingest.structure import table_row_text, text_table

CATEGORIES: dict[str, str] = {
    "eligibility": "Antragsberechtigung und Gebiet",
    "mandatory_section": "Pflichtinhalt des Konzepts",
    "required_document": "Erforderliche Unterlage",
    "deadline": "Frist",
    "co_financing": "Finanzierung und Eigenanteil",
    "scoring": "Bewertungskriterium",
    "condition": "Weitere Voraussetzung",
}

# (heading words, category, every complete sentence is a requirement)
_HEADING_RULES: tuple[tuple[tuple[str, ...], str, bool], ...] = (
    (("antragsberechtig", "zuwendungsempfang", "forderberechtig", "teilnahmeberechtig",
      "gebietsauswahl", "fordergebiet", "gebietskulisse"), "eligibility", True),
    (("unterlagen", "antragsunterlagen", "anlagen", "einzureichende"), "required_document", True),
    (("bewertung", "auswahlkriterien", "kriterien", "punkte"), "scoring", False),
    (("eigenanteil", "forderquote", "finanzierung", "hohe der zuwendung", "umfang",
      "kofinanzierung"), "co_financing", True),
    (("voraussetzung", "bedingung", "pflicht", "auflage", "verpflichtung"), "condition", True),
    (("frist", "termin", "zeitplan", "verfahren", "einreichung"), "deadline", False),
    (("forderfahig", "ausgaben", "gegenstand", "monitoring", "evaluation", "bericht"),
     "condition", False),
    (("anlass", "ziele", "ziel", "rechtsgrundlage", "beratung", "kontakt",
      "einleitung", "praambel", "hintergrund", "inkrafttreten"), "info", False),
)  # fmt: skip

_OBLIGATION = re.compile(
    r"\bmuss\b|\bmussen\b|\b(?:ist|sind)\b[^.;]{0,120}?\bzu [a-z]+en\b|beizufugen|vorzulegen|"
    r"einzureichen|nachzureichen|zuzuordnen|\bspatestens\b|\bmindestens\b|\bhochstens\b|"
    r"\bbis zu\b|nicht forderfahig|ausgeschlossen|voraussetzung|verpflichtend|"
    r"verpflichten sich|erforderlich|\bdarf\b|\bdurfen\b|ausschliesslich|\bbegrenzt\b|"
    r"\bgilt als\b|antragsberechtigt|\bsoll\b|\bsollen\b|\benthalt\b|nicht zulassig"
)
# Strong obligations count even in information sections.
_STRONG = re.compile(r"\bmuss\b|\bmussen\b|verpflichtend|beizufugen|vorzulegen|einzureichen")
_PERMISSIVE_LEAD = re.compile(r"^(?!.*\bnicht\b).*(forderfahig sind|gefordert werden|verfolgt)")
_CONTENTS_LEAD = re.compile(
    r"\b(enthalten|enthalt|inhalte|bestandteile|gliederung|umfassen|darstellen)\b"
)
_DOCUMENT_WORDS = re.compile(
    r"unterlage|beizufugen|vorzulegen|einzureichen|\benthalt\b|nachweis|erklarung|antrag\b"
)
_MONEY_WORDS = re.compile(
    r"eigenanteil|forderquote|kofinanz|gesamtausgaben|\beuro\b|€|pauschale|einheitskosten|"
    r"finanzierung|\d\s?%"
)
_MONTHS = "|".join(fold(month) for month in MONTHS)
_MONTHS_RE = _MONTHS.replace("marz", "m[aä]rz")
_DATE = re.compile(
    rf"\b\d{{1,2}}\.\s?\d{{1,2}}\.\s?\d{{2,4}}\b|\b\d{{1,2}}\.\s?(?:{_MONTHS_RE})(?:\s+\d{{4}})?\b|"
    rf"\b(?:{_MONTHS_RE})\s+\d{{4}}\b",
    re.IGNORECASE,
)
_DEADLINE_WORDS = re.compile(
    r"\bbis\b|spatestens|eingang|einreich|nachreich|\bfrist|abgabe|beginn|\bende\b|\bzum\b"
)
_CAPTION = re.compile(r"^(?:tabelle|abbildung|tab\.|abb\.)\s*\d+", re.IGNORECASE)
_ITEM_NUMBER = re.compile(r"^\s*(?:\d{1,2}[.)]|[a-z][.)]|[-*•–])\s+")
_POINTS_TAIL = re.compile(r"\s+(\d{1,3})\s*(?:Summe\s+\d{1,4})?\s*$")
_POINTS_COLUMN = re.compile(r"punkt|gewicht|score|wertung")
_TERMINAL = re.compile(r"[.!?:;)“\"]$")
_ORDINAL_END = re.compile(r"\b\d{1,2}\.$")
MIN_WORDS = 4  # sentences; list items may be shorter („eine Stärken-Schwächen-Analyse“)
MIN_ITEM_WORDS = 1
MIN_CHARS = 5


@dataclass(frozen=True, slots=True)
class CallCitation:
    """Where in the call a criterion stands."""

    source: str
    page: int | None
    heading: str
    text: str  # the paragraph or list item (with its lead-in)

    def label(self) -> str:
        parts = [self.source]
        if self.page is not None:
            parts.append(f"S. {self.page}")
        label = ", ".join(parts)
        if self.heading:
            label += f" – {self.heading}"
        return label

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label(),
            "source": self.source,
            "page": self.page,
            "heading": self.heading,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    text: str
    category: str
    citation: CallCitation
    points: int | None = None
    date: str = ""  # the date of a deadline as written

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "criterion": self.text,
            "category": self.category,
            "points": self.points,
            "date": self.date,
            "call_citation": self.citation.to_json(),
        }


@dataclass(frozen=True, slots=True)
class CallChecklist:
    title: str
    source: str
    criteria: tuple[Criterion, ...]

    def by_category(self) -> dict[str, list[Criterion]]:
        grouped: dict[str, list[Criterion]] = {key: [] for key in CATEGORIES}
        for criterion in self.criteria:
            grouped.setdefault(criterion.category, []).append(criterion)
        return {k: v for k, v in grouped.items() if v}


def load_call(path: Path, source_name: str | None = None) -> CallChecklist:
    """Read a call document (PDF, DOCX, Markdown …) and extract its checklist.

    Raises `ingest.errors.IngestError` (German message) when the file cannot be read.
    """
    from ingest.formats import load_file

    document = load_file(path, source_name=source_name or path.name)
    return extract_criteria(document)


def extract_criteria(document: LoadedDocument) -> CallChecklist:
    source = Path(document.source).name
    found: list[Criterion] = []
    for text, category, block, lead, points in _candidates(_merged(document.blocks)):
        cleaned = _clean(text)
        is_item = block.kind in (BlockKind.LIST_ITEM, BlockKind.TABLE_ROW)
        if (
            len(cleaned.split()) < (MIN_ITEM_WORDS if is_item else MIN_WORDS)
            or len(re.sub(r"[^\w]", "", cleaned)) < MIN_CHARS
        ):
            continue
        citation = CallCitation(
            source=source,
            page=block.page,
            heading=" > ".join(block.heading_path),
            text=f"{lead} {_clean_item(block.text)}".strip() if lead else block.text.strip(),
        )
        dates = [m.group(0) for m in _DATE.finditer(cleaned)]
        found.append(Criterion("", cleaned, category, citation, points, " / ".join(dates)))
    unique = _deduplicated(found)
    numbered = tuple(
        Criterion(f"K{i:02d}", c.text, c.category, c.citation, c.points, c.date)
        for i, c in enumerate(unique, start=1)
    )
    return CallChecklist(document.title or source, source, numbered)


# ---------------------------------------------------------------------------------------
# Internals
# ---------------------------------------------------------------------------------------


def _merged(blocks: Sequence[Block]) -> list[Block]:
    """Paragraphs cut at a page or column break joined again; a bare number after a scoring
    item (its points in a table cell of its own) joined to the item."""
    out: list[Block] = []
    for block in blocks:
        text = block.text.strip()
        if not text:
            continue
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)
            and block.kind == BlockKind.PARAGRAPH
            and previous.heading_path == block.heading_path
            and (
                (not _TERMINAL.search(previous.text.strip()) and text[:1].islower())
                or _ORDINAL_END.search(previous.text.strip())
                or (re.fullmatch(r"\d{1,3}", text) and previous.kind == BlockKind.LIST_ITEM)
                or (
                    re.fullmatch(r"[\d\s.,%€]+", text) is not None
                    and not previous.text.strip().endswith(".")
                )
            )
        ):
            out[-1] = Block(
                previous.kind,
                f"{previous.text.strip()} {text}",
                previous.page,
                previous.sheet,
                previous.row,
                previous.heading_path,
                previous.level,
                previous.table_header,
            )
            continue
        out.append(block)
    return out


def _heading_rule(path: Sequence[str]) -> tuple[str, bool]:
    """Category and "all sentences count" from the innermost heading that names one."""
    for heading in reversed(path):
        folded = fold(heading)
        for words, category, all_count in _HEADING_RULES:
            # Substrings: German headings are compounds („Berichtspflichten“).
            if any(w in folded for w in words):
                return category, all_count
    return "", False


def _candidates(blocks: Sequence[Block]) -> Iterator[tuple[str, str, Block, str, int | None]]:
    """(text, category, block, lead-in, points) of every requirement-like unit."""
    lead = ""
    lead_path: tuple[str, ...] = ()
    for block in blocks:
        if block.kind == BlockKind.HEADING:
            lead = ""
            continue
        heading_category, all_count = _heading_rule(block.heading_path)
        text = block.text.strip()
        if _CAPTION.match(text):
            continue
        if block.kind in (BlockKind.LIST_ITEM, BlockKind.TABLE_ROW):
            if block.heading_path != lead_path:
                lead = ""
            yield from _list_item(block, text, lead, heading_category, all_count)
            continue
        lead = ""
        if len(_DATE.findall(text)) >= 3:
            yield from _dated_items(block, text)
            continue
        table = text_table(text)
        # A row of a table read from a PDF means something only with its column names.
        sentences = (
            [table_row_text(table[0], row) for row in table[1]] if table else split_sentences(text)
        )
        for index, sentence in enumerate(sentences):
            sentence = sentence.strip()
            is_last = index == len(sentences) - 1
            if is_last and sentence.endswith(":"):
                lead, lead_path = sentence, block.heading_path
                # A long lead-in states a rule itself („… gilt als benachteiligt, wenn …:“).
                if len(sentence.split()) < 12:
                    continue
            category = _sentence_category(sentence, heading_category, all_count)
            if category:
                yield sentence, category, block, "", None


def _list_item(
    block: Block, text: str, lead: str, heading_category: str, all_count: bool
) -> Iterator[tuple[str, str, Block, str, int | None]]:
    points = None
    if block.kind == BlockKind.TABLE_ROW:
        text, points = _row(text)
    folded_lead = fold(lead)
    folded = fold(text)
    if heading_category == "info" and not _STRONG.search(folded_lead + " " + folded):
        return
    if lead and _PERMISSIVE_LEAD.search(folded_lead) and not _OBLIGATION.search(folded):
        return
    if heading_category == "scoring" and points is None:
        match = _POINTS_TAIL.search(text)
        if match:
            points = int(match.group(1))
            text = text[: match.start()]
    requirement = (
        bool(_OBLIGATION.search(folded_lead))
        or bool(_OBLIGATION.search(folded))
        or heading_category in ("eligibility", "required_document", "scoring")
        or (all_count and heading_category != "")
    )
    if not requirement:
        return
    if lead and _OBLIGATION.search(folded_lead) and _CONTENTS_LEAD.search(folded_lead):
        category = (
            "required_document"
            if _DOCUMENT_WORDS.search(folded_lead)
            and "konzept" not in folded_lead
            and "ihk" not in folded_lead
            else "mandatory_section"
        )
    elif lead and re.search(r"unterlage|beizufugen|vorzulegen|einzureichen", folded_lead):
        category = "required_document"
    elif lead and re.search(r"nicht forderfahig|ausgeschlossen", folded_lead):
        category = "condition"
    elif heading_category in ("", "info", "deadline"):
        category = _keyword_category(folded) or "condition"
    else:
        category = heading_category
    if _DATE.search(text) and _DEADLINE_WORDS.search(folded) and category != "scoring":
        category = "deadline"
    yield text, category, block, lead, points


def _row(text: str) -> tuple[str, int | None]:
    """A table row („Kriterium: Innovation; Punkte: 30“) as text and points."""
    cells = {}
    for part in re.split(r"\s*;\s*", text):
        name, _, value = part.partition(": ")
        cells[name.strip()] = value.strip() if value else name.strip()
    points = None
    kept = []
    for name, value in cells.items():
        if _POINTS_COLUMN.search(fold(name)) and re.fullmatch(r"\d{1,3}", value):
            points = int(value)
        elif not re.fullmatch(r"\d{1,2}\.?", value):  # drop running numbers
            kept.append(value)
    return " – ".join(kept), points


def _sentence_category(sentence: str, heading_category: str, all_count: bool) -> str:
    """The category of a requirement sentence, or "" when it states none."""
    folded = fold(sentence)
    if len(sentence.split()) < MIN_WORDS:
        return ""
    obligation = bool(_OBLIGATION.search(folded))
    complete = bool(re.search(r"[.!?:]$", sentence)) and sentence[:1].isupper()
    money = heading_category == "co_financing" and bool(_MONEY_WORDS.search(folded))
    if heading_category == "info":
        if not _STRONG.search(folded):
            return ""
    elif not (obligation or (all_count and complete) or money):
        return ""
    if _DATE.search(sentence) and _DEADLINE_WORDS.search(folded):
        return "deadline"
    if heading_category in ("eligibility", "scoring", "co_financing", "required_document"):
        return heading_category
    return _keyword_category(folded) or (
        heading_category if heading_category not in ("", "info", "deadline") else "condition"
    )


def _keyword_category(folded: str) -> str:
    if _MONEY_WORDS.search(folded):
        return "co_financing"
    if _DOCUMENT_WORDS.search(folded):
        return "required_document"
    if re.search(r"antragsberechtigt|antragsteller|gebiet|quartier[a-z]* (soll|muss)", folded):
        return "eligibility"
    return ""


def _dated_items(block: Block, text: str) -> Iterator[tuple[str, str, Block, str, int | None]]:
    """One item per date of a flattened timetable; only deadlines are requirements."""
    start = 0
    for match in _DATE.finditer(text):
        piece = text[start : match.end()].strip(" ·;,")
        start = match.end()
        folded = fold(piece)
        if _DEADLINE_WORDS.search(folded):
            yield _strip_table_head(piece), "deadline", block, "", None


def _strip_table_head(piece: str) -> str:
    """Drop the column names a flattened table puts before its first row."""
    return re.sub(
        r"^(?:Verfahrensschritt|Schritt|Termin|Datum|Frist)(?:\s+(?:Termin|Datum|Frist))*\s+",
        "",
        piece,
    )


def _clean(text: str) -> str:
    text = _clean_item(text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"(?:,|;|\s+und|\s+sowie|\s+oder)$", "", text).strip()
    return text[:1].upper() + text[1:] if text else text


def _clean_item(text: str) -> str:
    return _ITEM_NUMBER.sub("", text.strip())


def _deduplicated(criteria: Sequence[Criterion]) -> list[Criterion]:
    """Identical texts once; deadlines with the same date and shared words once (the
    longest statement wins and keeps its own place in the document)."""
    out: list[Criterion] = []
    order: list[int] = []
    for position, criterion in enumerate(criteria):
        duplicate = None
        for index, kept in enumerate(out):
            if fold(kept.text) == fold(criterion.text):
                duplicate = index
                break
            if (
                criterion.category == "deadline"
                and kept.category == "deadline"
                and criterion.date
                and _same_date(kept.date, criterion.date)
                and len(_topic(kept.text) & _topic(criterion.text)) >= 1
            ):
                duplicate = index
                break
        if duplicate is None:
            out.append(criterion)
            order.append(position)
        elif len(criterion.text) > len(out[duplicate].text):
            out[duplicate] = criterion
            order[duplicate] = position
    return [c for _, c in sorted(zip(order, out, strict=True), key=lambda pair: pair[0])]


def _topic(text: str) -> set[str]:
    generic = content_terms("bis spätestens Frist Termin Eingang Stufe")
    return {t for t in content_terms(_DATE.sub(" ", text)) if not t[:1].isdigit()} - generic


_MONTH_NUMBERS = {m: i for i, m in enumerate(_MONTHS.split("|"), start=1)}


def _same_date(a: str, b: str) -> bool:
    """Whether two " / "-joined date lists share a date."""
    first = {_normal_date(d) for d in a.split(" / ")} - {""}
    second = {_normal_date(d) for d in b.split(" / ")} - {""}
    return bool(first & second)


def _normal_date(text: str) -> str:
    folded = fold(text)
    numeric = re.match(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{2,4})", folded)
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        return f"{year % 100:02d}-{month:02d}-{day:02d}"
    named = re.match(rf"(\d{{1,2}})\.\s?({_MONTHS})(?:\s+(\d{{4}}))?", folded)
    if named:
        year = int(named.group(3)) % 100 if named.group(3) else 0
        return f"{year:02d}-{_MONTH_NUMBERS[named.group(2)]:02d}-{int(named.group(1)):02d}"
    return ""
