"""What a column header says: "Anteil Alleinerziehender in % (Dez 2013)" -> name, unit, year.

Tables without a catalogue entry still work because their headers usually carry the
indicator name, the unit and the reference date; this module takes them apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_MONTHS = {
    "jan": 1, "feb": 2, "mär": 3, "mar": 3, "märz": 3, "apr": 4, "mai": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dez": 12,
}  # fmt: skip
_MONTH_DATE = re.compile(
    r"\b(?P<month>jan|feb|mär|märz|mar|apr|mai|jun|jul|aug|sept?|okt|nov|dez)[a-zä]*\.?\s*"
    r"(?P<year>(?:19|20)\d{2})\b",
    re.IGNORECASE,
)
_DAY_DATE = re.compile(r"\b\d{1,2}\.\s?\d{1,2}\.\s?(?P<year>(?:19|20)\d{2})\b")
_YEAR_RANGE = re.compile(r"\b(?P<from>(?:19|20)\d{2})\s*(?:–|-|bis)\s*(?P<year>(?:19|20)\d{2})\b")
# A year after „bis“ alone is a horizon that belongs to the name („Sozialwohnungen mit
# Bindungsauslauf bis 2030“), not the reference date; „2019 bis 2023“ is a range above.
_YEAR = re.compile(r"(?<![\d.,])(?<!bis )(?P<year>(?:19|20)\d{2})(?![\d.,]\d)", re.IGNORECASE)
_STAND = re.compile(r"\b(Stand|Stichtag|zum)\s*:?\s*$", re.IGNORECASE)

# (pattern, unit) in order; the first that matches names the unit.
_UNITS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"%-?\s?Punkte?n?|Prozentpunkte?n?|\bPp\.|\bPP\b", re.I), "Prozentpunkte"),
    (re.compile(r"\bin\s*%|\(\s*%\s*\)|%|\bin\s+Prozent\b|\bProzent\b", re.I), "%"),
    (re.compile(r"‰|\bPromille\b", re.I), "‰"),
    (re.compile(r"\bin\s*km²|\(\s*km²\s*\)|\bkm²", re.I), "km²"),
    (re.compile(r"\bin\s*m²|\(\s*m²\s*\)|\bm²|\bqm\b", re.I), "m²"),
    (re.compile(r"\bje\s*1[.\s]?000\s*(EW|Einw\.?|Einwohner(?:innen)?)", re.I), "je 1.000 EW"),
    (re.compile(r"\bin\s*€|\(\s*€\s*\)|€|\bin\s+Euro\b|\bEuro\b", re.I), "€"),
    (re.compile(r"\bin\s+Jahren\b|\(\s*Jahre\s*\)", re.I), "Jahre"),
    (re.compile(r"\(\s*Anzahl\s*\)|\bAnzahl\b|\(\s*abs\.?\s*\)|\babsolut\b", re.I), "Anzahl"),
)
# Removed from the display name once the unit is known.
_UNIT_WORDS = re.compile(
    r"\bin\s*(?:%-?\s?Punkte?n?|Prozentpunkte?n?)|\(\s*(?:%-?\s?Punkte|Pp\.?)\s*\)|"
    r"\bin\s*%|\(\s*%\s*\)|%|\bin\s+Prozent\b|‰|\bin\s*k?m²|\(\s*k?m²\s*\)|\bin\s*€|\(\s*€\s*\)|"
    r"\(\s*Anzahl\s*\)|\(\s*abs\.?\s*\)|\bin\s+Jahren\b|\(\s*Jahre\s*\)",
    re.I,
)
_YEARLIKE = re.compile(
    r"^\s*(?:(?:Stand|Stichtag|Jahr)\s*:?\s*)?(?:\d{1,2}\.\s?\d{1,2}\.\s?)?"
    r"(?:(?:jan|feb|mär|märz|mar|apr|mai|jun|jul|aug|sept?|okt|nov|dez)[a-zä]*\.?\s*)?"
    r"(?:19|20)\d{2}\s*$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class HeaderInfo:
    """The parts of a header: display name, unit ("" if none), year and date as written."""

    name: str
    unit: str = ""
    year: int | None = None
    reference: str = ""  # the reference date as written: "Dez 2013", "31.12.2023", "2023"


@lru_cache(maxsize=4096)
def parse_header(text: str) -> HeaderInfo:
    """Split a header into name, unit and reference date.

    >>> parse_header("Anteil Alleinerziehender in % (Dez 2013)")
    HeaderInfo(name='Anteil Alleinerziehender', unit='%', year=2013, reference='Dez 2013')
    """
    clean = " ".join(text.split())
    unit = unit_of(clean)
    year, reference, rest = _take_reference(clean)
    if unit:
        rest = _UNIT_WORDS.sub(" ", rest)
    return HeaderInfo(_tidy(rest) or clean, unit, year, reference)


def unit_of(text: str) -> str:
    """The unit a header or unit cell names ("%", "m²", "Anzahl", …), "" if none."""
    for pattern, unit in _UNITS:
        if pattern.search(text):
            return unit
    return ""


def is_year_label(text: str) -> bool:
    """True for headers that are only a date: "2019", "Dez 2019", "31.12.2019"."""
    return bool(_YEARLIKE.match(text))


@lru_cache(maxsize=4096)
def year_in(text: str) -> int | None:
    """The (last) year a caption, sheet or file name mentions, if any."""
    return _take_reference(text)[0]


def _take_reference(text: str) -> tuple[int | None, str, str]:
    for pattern in (_MONTH_DATE, _DAY_DATE, _YEAR_RANGE):
        matches = list(pattern.finditer(text))
        if matches:
            last = matches[-1]
            rest = text[: last.start()] + " " + text[last.end() :]
            return int(last.group("year")), last.group(0).strip(), rest
    matches = list(_YEAR.finditer(text))
    if matches:
        last = matches[-1]
        rest = text[: last.start()] + " " + text[last.end() :]
        return int(last.group("year")), last.group(0), rest
    return None, "", text


def month_of(reference: str) -> int | None:
    """Month number of a reference such as "Dez 2013" or "31.12.2013"."""
    match = _MONTH_DATE.search(reference)
    if match:
        return _MONTHS.get(match.group("month").lower()[:4].rstrip(".")) or _MONTHS.get(
            match.group("month").lower()[:3]
        )
    day = re.search(r"\d{1,2}\.\s?(\d{1,2})\.", reference)
    return int(day.group(1)) if day else None


def _tidy(text: str) -> str:
    text = re.sub(r"\(\s*[,;:]?\s*\)", " ", text)  # parentheses emptied by the removals
    text = re.sub(r"\s+([,;:)])", r"\1", text)
    text = re.sub(r"\(\s+", "(", text)
    text = " ".join(text.split())
    text = _STAND.sub("", text).strip()
    return text.strip(" ,;:-–/")
