"""Which character separates the cells of a CSV file, and how sure that is.

German exports use „;“ because „,“ is the decimal mark; English ones use „,“; some use
tabs; hand-edited files mix them. Each candidate is scored on the first lines: the share
of lines it splits into the most common width, lowered by the share of cells that still
hold another candidate (a „;“ inside a „,“-split cell means „,“ is wrong). When the best
score is low or close to the next one, the choice is reported as unsure so the user hears
of it instead of finding garbled rows later.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass

# In order of preference on ties: German exports use ";".
DELIMITERS = (";", "\t", ",")
_NAMES = {";": "„;“", "\t": "Tabulator", ",": "„,“"}
_SAMPLE_LINES = 50
# Sure when the chosen delimiter splits at least this share of lines alike and scores this
# much above the next candidate.
_SURE_SHARE = 0.9
_SURE_MARGIN = 0.2


@dataclass(frozen=True, slots=True)
class DelimiterGuess:
    delimiter: str
    sure: bool = True
    other: str | None = None  # the next candidate, when the choice is unsure
    uneven: int = 0  # sampled lines whose width differs from the usual one
    sampled: int = 0

    def warning(self, name: str) -> str | None:
        """A German note for an unsure choice, naming the file; None when sure."""
        if self.sure:
            return None
        other = f", auch {_NAMES[self.other]} kommt in Frage" if self.other else ""
        return (
            f"„{name}“: Das Trennzeichen ist nicht eindeutig ({_NAMES[self.delimiter]} "
            f"gewählt{other}; {self.uneven} von {self.sampled} geprüften Zeilen haben eine "
            "andere Spaltenzahl). Bitte die Zeilen der Tabelle prüfen oder die Datei mit "
            "einheitlichem Trennzeichen speichern."
        )


@dataclass(frozen=True, slots=True)
class _Score:
    delimiter: str
    value: float
    share: float  # lines split into the usual width
    uneven: int


def guess_delimiter(text: str) -> DelimiterGuess:
    """The delimiter of a CSV text and whether the choice is sure."""
    sample = [line for line in text.split("\n")[:_SAMPLE_LINES] if line.strip()]
    if not sample:
        return DelimiterGuess(DELIMITERS[0])
    scores = sorted(
        (_score(d, sample) for d in DELIMITERS),
        key=lambda s: -s.value,  # stable: ties keep the order of preference
    )
    best, runner_up = scores[0], scores[1]
    if best.value == 0.0:
        return DelimiterGuess(DELIMITERS[0])  # one column: nothing to split
    sure = best.share >= _SURE_SHARE and best.value - runner_up.value >= _SURE_MARGIN
    return DelimiterGuess(
        best.delimiter,
        sure,
        None if sure or runner_up.value == 0.0 else runner_up.delimiter,
        best.uneven,
        len(sample),
    )


def _score(delimiter: str, sample: list[str]) -> _Score:
    rows = list(csv.reader(sample, delimiter=delimiter))
    widths = [len(row) for row in rows]
    usual, count = Counter(widths).most_common(1)[0]
    if usual < 2:
        return _Score(delimiter, 0.0, 0.0, len(sample))
    foreign = [d for d in DELIMITERS if d not in (delimiter, ",")]
    cells = [cell for row in rows for cell in row]
    mixed = sum(any(d in cell for d in foreign) for cell in cells) / len(cells)
    share = count / len(rows)
    return _Score(delimiter, share * (1 - mixed), share, len(rows) - count)


def excel_separator_hint(text: str) -> tuple[str | None, str]:
    """Excel's "sep=;" first line: (its delimiter, the text without it; Excel hides it too)."""
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        return first.strip()[4], rest
    return None, text
