"""Lists as documents write them: a lead-in and its enumerated items.

Funding guidelines and laws state what a planner asks for most often as lists: required
documents, criteria, Fördergegenstände, goals. The answer must quote such a list whole with
its lead-in („Dem Verwendungsnachweis sind zusätzlich anzuschließen“), not the lead-in
alone. Lists are written in many ways — „1.“, „a)“, „aa)“, „–“, „•“, „- “, the marker on
a line of its own (PDF) or inline („– Teil A: …, – Teil B: …“) — and a lead-in ends with a
colon or simply breaks off („Schwerpunkt für den Einsatz solcher Finanzhilfen sind“).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.language.cues import cues
from ingest.sentences import split_sentences
from ingest.structure import CELL_SEPARATOR, TABLE_CAPTION

# An item marker: 1. 2) a) aa) iv) – - • *; at the start of a block or sentence, or alone.
_MARKER_WORD = r"(?:\d{1,2}[.)]|[a-z]{1,2}\)|[ivx]{1,4}\)|[–\-•*▪◦])"
_MARKER = re.compile(rf"^{_MARKER_WORD}(?:\s+|$)")
_MARKER_ONLY = re.compile(rf"^{_MARKER_WORD}$")
# An item numbered past the first: the list began earlier („11.“, „c)“, „iv)“).
_CONTINUED = re.compile(r"^(?:(?:[2-9]|\d{2})[.)]|[b-z]\)|(?:ii|iii|iv|v|vi)\))\s")
# Inline items in one paragraph: „… Bestandteile: – Teil A …, – Teil B …“.
# A dash bound by a non-breaking space to the word before it is no marker (see cleaning).
_INLINE_DASH = re.compile(r"[^\S\u00a0][–•]\s(?=\S)")
_FINISHED = re.compile(r"[.!?;]$|[.!?][\"'“”)\]]$")
# An item that ends like this is complete; one that does not goes on in the next line.
_ITEM_ENDED = re.compile(r"[.,;:!?]$|[.!?][\"'“”)\]]$")
MAX_ITEMS = 12
# An announced list or table follows its announcing sentence within this many sentences.
ANNOUNCED_WITHIN = 4
MAX_ITEM_CHARS = 400


@dataclass(frozen=True, slots=True)
class Line:
    """A sentence of a passage; `item` when it opens a list item, `opens` when it opens
    its paragraph."""

    text: str
    item: bool
    opens: bool = False


def is_item(text: str) -> bool:
    return bool(_MARKER.match(text.strip()))


def is_lead_in(text: str) -> bool:
    """A sentence that announces what follows: it ends in a colon or breaks off."""
    stripped = text.rstrip()
    return stripped.endswith(":") or not _FINISHED.search(stripped)


def lines_of(text: str) -> list[Line]:
    """The sentences of a passage's text in order, markers joined to their item text and
    inline dash items split apart."""
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    merged: list[str] = []
    for block in blocks:
        if merged and _MARKER_ONLY.match(merged[-1]):
            merged[-1] = f"{merged[-1]} {block}"
        else:
            merged.append(block)
    lines: list[Line] = []
    for block in merged:
        first = len(lines)
        for sentence in split_sentences(block):
            for part in _inline_items(sentence):
                lines.append(Line(part, is_item(part), opens=len(lines) == first))
    return lines


def _inline_items(sentence: str) -> list[str]:
    """„Bestandteile: – Teil A …, – Teil B …“ as a lead-in and its items; a dash inside
    prose („Die Stadt – so der Bericht – …“) stays as it is."""
    pieces = [p.strip() for p in _INLINE_DASH.split(sentence) if p.strip()]
    if len(pieces) < 2:
        return [sentence]
    first = pieces[0]
    if not (first.endswith(":") or first.startswith(("–", "•"))):
        return [sentence]
    return [first, *(f"– {p}" for p in pieces[1:])]


def items_after(lines: list[Line], position: int) -> list[str]:
    """The list items that follow a lead-in at `position`, each with the sentences that
    continue it, at most `MAX_ITEMS`; empty when the line leads into no list. A table's
    caption („Tabelle 5: Bewertungskriterien und Punkte“) leads into the rows written as
    items below it, past the column header line."""
    caption = bool(TABLE_CAPTION.match(lines[position].text))
    if not (caption or is_lead_in(lines[position].text)):
        return []
    following = lines[position + 1 :]
    if caption and following and not following[0].item and CELL_SEPARATOR in following[0].text:
        following = following[1:]
    items: list[str] = []
    for line in following:
        if line.item:
            if len(items) == MAX_ITEMS:
                break
            items.append(line.text)
        elif items and not _ITEM_ENDED.search(items[-1]) and len(items[-1]) < MAX_ITEM_CHARS:
            items[-1] = f"{items[-1]} {line.text}"
        else:
            break
    return items


def items_below(lines: list[Line], position: int) -> list[str]:
    """The list items right below the line at `position`, at most `MAX_ITEMS`: a heading
    that leads its list with no sentence of its own („3 Antragsberechtigte“, „- Natürliche
    Personen …“, „- Vereine …“). Empty where the items go on a list begun before („11.“,
    „c)“ below a heading repeated where the list runs into the next chunk)."""
    items: list[str] = []
    for line in lines[position + 1 : position + 1 + MAX_ITEMS]:
        if not line.item:
            break
        items.append(line.text)
    return [] if items and _CONTINUED.match(items[0]) else items


def announced_items(lines: list[Line], position: int) -> list[str]:
    """The first list after the sentence at `position` that announces it by a forward
    reference („anhand der folgenden Kriterien“), with other sentences between them;
    empty when the sentence announces nothing or no list follows in `lines`."""
    if not cues().forward_reference.in_text(lines[position].text):
        return []
    window = range(position + 1, min(len(lines), position + 1 + ANNOUNCED_WITHIN))
    for i in window:
        if TABLE_CAPTION.match(lines[i].text):  # the table's caption leads into its rows
            return items_after(lines, i)
        if lines[i].item:
            return items_after([Line(":", False), *lines[i:]], 0)
    return []


def leading_items(text: str, heading: str = "", pending: str = "") -> tuple[list[str], bool]:
    """The items a passage opens with — the rest of a list that began in the passage
    before it (the previous chunk, often the previous page) — and whether the list runs
    to the passage's end. The passage's own `heading` line is skipped; `pending` is an
    item marker the previous passage ended on („3.“): the first line here is its text."""
    lines = lines_of(text)
    if lines and heading and lines[0].text == heading.strip():
        lines = lines[1:]
    if lines and not lines[0].item and is_marker(pending):
        lines = [Line(f"{pending.strip()} {lines[0].text}", True), *lines[1:]]
    if not lines or not lines[0].item:
        return [], False
    items = items_after([Line(":", False), *lines], 0)
    return items, len(items) == len(lines) and len(items) < MAX_ITEMS


def ends_in_list(text: str) -> bool:
    """Whether a passage breaks off in a list: on a lead-in whose items it does not hold,
    or on an item (the list may go on)."""
    lines = lines_of(text)
    return bool(lines) and (lines[-1].item or is_lead_in(lines[-1].text))


def is_marker(text: str) -> bool:
    """An item marker without its text („3.“): the text follows in the next passage."""
    return bool(_MARKER_ONLY.match(text.strip()))
