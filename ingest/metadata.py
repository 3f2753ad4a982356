"""Document metadata guessed from the file name and the first page: type, year, title."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ingest.blocks import BlockKind, LoadedDocument

# In order of precedence: a funding call often mentions plans, a plan rarely a "Förderaufruf".
# A keyword matches a word or the end of a compound ("aufruf" in "Förderaufruf").
_TYPE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "funding_call": tuple(
        "aufruf richtlinie fördergrundsätze förderprogramm förderbedingungen antragsverfahren "
        "ausschreibung".split()
    ),
    "minutes": tuple("protokoll niederschrift beschluss beschlussvorlage sitzungsvorlage".split()),
    "concept": tuple("konzept ihk isek".split()),
    "plan": tuple("bericht planung plan sozialraumanalyse monitoring".split()),
}
_TABLE_FORMATS = {"csv", "xlsx", "ods", "xls", "json"}
_YEAR = re.compile(r"(?<!\d)(199\d|20[0-3]\d)(?!\d)")
_WORD = re.compile(r"[^\W\d_]+")
_MUNICIPALITY = re.compile(
    r"\b(?:Stadt|Gemeinde|Landkreis|Kreisstadt|Hansestadt|Markt|Kreis)\s+"
    r"([A-ZÄÖÜ][\wäöüß]+(?:[- ](?:am|an der|im|ob der)?\s?[A-ZÄÖÜ][\wäöüß]+)?)"
)
_FIRST_PAGE_BLOCKS = 40  # documents without pages: this many blocks stand for page one


def infer_metadata(doc: LoadedDocument) -> dict[str, str | int | None]:
    """Guess `doc_type`, `year`, `title` and, when named on page one, `municipality`.

    `doc_type` is one of plan, funding_call, indicators, concept, minutes, other.
    """
    stem = Path(doc.source).stem
    first_page = _first_page_text(doc)
    return {
        "doc_type": guess_doc_type(doc.format, f"{stem} {doc.title}", first_page),
        "year": guess_year(stem, first_page),
        "title": _title(doc, stem),
        "municipality": _municipality(first_page),
    }


def guess_doc_type(file_format: str, name: str, first_page: str) -> str:
    """The document type: tables are indicators, else keywords decide.

    Keywords in `name` (file stem and title) win in order of precedence; otherwise the type
    whose keywords occur most often on the first page.
    """
    if file_format in _TABLE_FORMATS:
        return "indicators"
    name_words = _words(name)
    for doc_type, keywords in _TYPE_KEYWORDS.items():
        if any(_matches(keyword, name_words) for keyword in keywords):
            return doc_type
    page_words = _words(first_page)
    counts = {
        doc_type: sum(_count(keyword, page_words) for keyword in keywords)
        for doc_type, keywords in _TYPE_KEYWORDS.items()
    }
    best = max(counts.values())
    if best == 0:
        return "other"
    return next(doc_type for doc_type, count in counts.items() if count == best)


def guess_year(file_stem: str, first_page: str) -> int | None:
    """A year 1990–2039 from the file name, else the most frequent on page one (latest wins)."""
    in_name = _YEAR.findall(file_stem)
    if in_name:
        return int(in_name[-1])
    counts = Counter(int(year) for year in _YEAR.findall(first_page))
    if not counts:
        return None
    return max(counts, key=lambda year: (counts[year], year))


def _words(text: str) -> list[str]:
    # File names glue words with "_" and "-" and use camel case: split all of them.
    spaced = re.sub(r"(?<=[a-zäöüß])(?=[A-ZÄÖÜ])", " ", text)
    return [w.lower() for w in _WORD.findall(spaced)]


def _matches(keyword: str, words: list[str]) -> bool:
    return _count(keyword, words) > 0


def _count(keyword: str, words: list[str]) -> int:
    """Occurrences of `keyword` as a word or as the end of a compound ("Sozialbericht")."""
    if len(keyword) <= 3:  # abbreviations ("ihk") only as whole words
        return sum(1 for word in words if word == keyword)
    return sum(1 for word in words if word == keyword or word.endswith(keyword))


def _first_page_text(doc: LoadedDocument) -> str:
    if doc.page_count:
        blocks = [b for b in doc.blocks if b.page == 1]
        if not blocks:
            blocks = [b for b in doc.blocks if b.page is not None][:_FIRST_PAGE_BLOCKS]
    else:
        blocks = doc.blocks[:_FIRST_PAGE_BLOCKS]
    return "\n".join(block.text for block in blocks)


def _title(doc: LoadedDocument, stem: str) -> str:
    if doc.title.strip():
        return doc.title.strip()
    heading = next((b.text for b in doc.blocks if b.kind is BlockKind.HEADING), "")
    return heading or stem


def _municipality(first_page: str) -> str | None:
    counts = Counter(match.group(1).strip() for match in _MUNICIPALITY.finditer(first_page))
    return counts.most_common(1)[0][0] if counts else None
