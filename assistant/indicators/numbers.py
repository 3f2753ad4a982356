"""German number cells: "1.234,5", "12,3 %", "-  23", suppressed "." -> value or reason.

Statistics offices publish figures with a decimal comma, "." or a space as thousands
separator, padded cells, and signs instead of figures where a value is suppressed. A
cell therefore parses to a `CellNumber`: either a float, or no value with the German
reason the sign stands for (kept so an answer can say *why* a figure is missing).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

DecimalMark = Literal[",", "."]

# The sign conventions of the German statistical offices ("Zeichenerklärung").
SUPPRESSION_SIGNS: dict[str, str] = {
    ".": "Zahlenwert unbekannt oder geheim zu halten",
    "-": "nichts vorhanden oder nicht ausgewiesen",
    "x": "Tabellenfach gesperrt, weil Aussage nicht sinnvoll",
    "*": "aus Datenschutzgründen unterdrückt",
    "/": "keine Angabe, da Zahlenwert nicht sicher genug",
    "...": "Angabe fällt später an",
    "k.a.": "keine Angabe",
    "n.v.": "nicht verfügbar",
    "n.a.": "nicht verfügbar",
    "na": "nicht verfügbar",
    "#nv": "nicht verfügbar",
    "#n/a": "nicht verfügbar",
}
EMPTY_REASON = "leere Zelle"
# Unit of a rate column whose cells are fractions of one ("0,147" for 14,7 %).
FRACTION = "Anteil (0 bis 1)"
_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "…": "..."})
# Spaces a spreadsheet or a PDF export leaves inside numbers (incl. no-break spaces).
_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
_SIGN_GAP = re.compile(r"^([-+])\s+")
_BELOW = re.compile(r"^(<|unter|weniger als)\s*(\d+)$", re.IGNORECASE)
# Footnote markers after a figure: "23,4¹", "23,4 *", "23,4 1)", "23,4 p" (vorläufig).
_FOOTNOTE = re.compile(r"(?:\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\s+\d\)|\s*\*+|\s+[prse])$")

_SIGN = r"(?P<sign>[-+])?\s*"
_UNIT = r"\s*(?P<unit>%|‰|Prozent)?"
# German: "." or "'" group thousands (spaces are removed beforehand), "," is the decimal mark.
_GERMAN = re.compile(
    _SIGN + r"(?P<int>\d{1,3}(?:[.']\d{3})+|\d*)(?:,(?P<frac>\d+))?" + _UNIT + "$", re.I
)
_ENGLISH = re.compile(
    _SIGN + r"(?P<int>\d{1,3}(?:[,']\d{3})+|\d*)(?:\.(?P<frac>\d+))?" + _UNIT + "$", re.I
)


@dataclass(frozen=True, slots=True)
class CellNumber:
    """A parsed cell: `value` is None exactly when `missing` gives the reason."""

    text: str  # the cell as written, stripped
    value: float | None
    missing: str = ""  # German reason when there is no value
    unit: str = ""  # "%" or "‰" when the cell itself carried it
    decimals: int = 0  # digits written after the decimal mark
    display: str = ""  # the figure in German notation, footnote marks and padding removed

    @property
    def is_missing(self) -> bool:
        return self.value is None

    @property
    def percent(self) -> bool:
        return self.unit == "%"


@lru_cache(maxsize=65536)
def parse_number(text: str, decimal: DecimalMark = ",") -> CellNumber:
    """Parse one cell; `decimal` is the column's decimal mark (see `detect_decimal_mark`).

    A number written in the other convention still parses when it is unambiguous
    ("12.5" in a decimal-comma column), because hand-edited tables mix both. Cached:
    indicator tables repeat the same few thousand cell texts many times.
    """
    stripped = text.strip()
    if not stripped:
        return CellNumber(stripped, None, EMPTY_REASON)
    compact = _SPACES.sub(" ", stripped.translate(_DASHES)).strip()
    sign_key = compact.lower().replace(" ", "")
    if sign_key in SUPPRESSION_SIGNS:
        return CellNumber(stripped, None, SUPPRESSION_SIGNS[sign_key], display=stripped)
    below = _BELOW.match(compact)
    if below:
        reason = f"Fallzahl unter {below.group(2)} (Datenschutz)"
        return CellNumber(stripped, None, reason, display=stripped)
    candidate = _FOOTNOTE.sub("", compact) if compact[-1:] not in "%‰" else compact
    candidate = _SIGN_GAP.sub(r"\1", candidate)
    joined = re.sub(r"(?<=\d) (?=\d)", "", candidate)  # "1 234" -> "1234"
    first, second = (_GERMAN, _ENGLISH) if decimal == "," else (_ENGLISH, _GERMAN)
    match = _number_match(first, joined) or _number_match(second, joined)
    if match is None:
        return CellNumber(stripped, None, f"kein Zahlenwert („{stripped}“)", display=stripped)
    integer = re.sub(r"[.,']", "", match.group("int")) or "0"
    fraction = match.group("frac") or ""
    value = float(f"{integer}.{fraction}" if fraction else integer)
    if match.group("sign") == "-":
        value = -value
    unit = {"%": "%", "prozent": "%", "‰": "‰"}.get((match.group("unit") or "").lower(), "")
    if match.re is _GERMAN:
        display = candidate  # already German: keep the cell's own notation
    else:
        grouped = bool(re.search(r"\d[,']\d{3}", match.group("int")))
        display = format_german(value, len(fraction), thousands=grouped)
        display += f" {unit}" if unit else ""
    return CellNumber(stripped, value, "", unit, len(fraction), display)


def _number_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    match = pattern.match(text)
    if match is None or not (match.group("int") or match.group("frac")):
        return None
    return match


def detect_decimal_mark(texts: Iterable[str]) -> DecimalMark:
    """The decimal mark of a column: "." only if some cell proves it and none says ",".

    "1.234" alone is read the German way (thousands); "11.6", "0.25" or "1,234.5" prove a
    decimal point; "23,4" or "1.234,5" prove a decimal comma.
    """
    point = comma = False
    for text in set(texts):
        cell = _SPACES.sub("", text.strip())
        if re.fullmatch(r"[-+]?\d*,\d+%?", cell) or re.fullmatch(
            r"[-+]?\d{1,3}(\.\d{3})+,\d+%?", cell
        ):
            comma = True
        elif re.fullmatch(r"[-+]?\d*\.(\d{1,2}|\d{4,})%?", cell) or re.fullmatch(
            r"[-+]?\d{1,3}(,\d{3})+\.\d+%?", cell
        ):
            point = True
    return "." if point and not comma else ","


def format_german(
    value: float, decimals: int = 1, *, thousands: bool = True, sign: bool = False
) -> str:
    """A number the German way: `format_german(1234.5)` -> "1.234,5"; `sign` adds "+"."""
    if math.isnan(value):
        return ""
    text = f"{abs(value):,.{decimals}f}".replace(",", "\u0000").replace(".", ",")
    text = text.replace("\u0000", "." if thousands else "")
    rounded_zero = float(f"{abs(value):.{decimals}f}") == 0.0
    if value < 0 and not rounded_zero:
        return "-" + text
    if sign and value > 0 and not rounded_zero:
        return "+" + text
    return text


def excel_display(value: float, number_format: str = "General") -> CellNumber:
    """How German Excel shows a numeric cell, with the value in the units shown.

    A "0.0%" cell holding 0.234 shows "23,4 %"; its value in display units is 23.4, so
    every percentage in the store is in percent points whatever the file stored.
    """
    section = number_format.split(";")[0]
    literal_free = re.sub(r'"[^"]*"|\\.', "", section)
    scaled = "%" in literal_free
    percent = scaled or "%" in section
    shown = value * 100.0 if scaled else value
    if section.lower() in ("general", "standard", "@", ""):
        # Excel's "General" shows up to ten significant digits and no trailing zeros.
        decimals = len(f"{shown:.10g}".partition(".")[2]) if "e" not in f"{shown:.10g}" else 10
    else:
        digits = re.search(r"\.([0#?]+)", literal_free)
        decimals = len(digits.group(1)) if digits else 0
    thousands = "," in literal_free.split(".")[0]
    text = format_german(shown, decimals, thousands=thousands) + (" %" if percent else "")
    return CellNumber(text, float(round(shown, 12)), "", "%" if percent else "", decimals, text)
