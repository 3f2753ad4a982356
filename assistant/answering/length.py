"""An answer a planner can read at a glance: at most a style's length, and one line that
says what was left out instead of a wall of quotes.

Answers put one sentence, list item or table line per line, so they are shortened by
whole lines, in order. Once a cited line no longer fits, no later cited line is taken (a
list does not skip an item) unless the line was a whole table pasted into one line. The
best line and the list right after it stay whole where they fit; other long lines are
first shortened to an even share of the room (with „…“). Short closing notes without
citations („Methode: …“) are kept after a cut. The citations of left-out lines stay with
the answer, so their sources stay one click away, and the closing line names them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.language.german import content_terms
from assistant.models import Answer

_MARKER = re.compile(r"\[(\d+)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s")
_CLAUSE_END = re.compile(r"[,;)]|\s[-–]\s")
_CLAUSE_START = re.compile(r"[,;:]\s+|(?<=[.!?])\s+")
_TRAILING_MARKERS = re.compile(r"\s*(\[\d+\])(?=(?:\s*\[\d+\])*\s*$)")
# A list item as the answers write it („- …“, „3. …“, „b) …“), and the share of the room
# a list right after the best line may take to be kept whole.
_LIST_ITEM = re.compile(r"^\s*(?:[-•◦]\s|\d{1,2}\.\s|[a-z]\)\s)")
_LIST_ROOM = 0.9
# The least room a shortened line keeps; cells that make a line a pasted table.
_MIN_SHARE = 160
# The least room an item of the best line's list keeps when the list is shortened to fit.
_MIN_ITEM_SHARE = 60
_TABLE_CELLS = 6
# Room kept for the closing line, and how it begins (the eval looks for it).
_NOTE_ROOM = 160
LEFT_OUT = "(Gekürzt:"


def limit_length(answer: Answer, max_chars: int, focus: frozenset[str] = frozenset()) -> Answer:
    """The answer within `max_chars`, with a closing line naming what was shortened. A
    shortened sentence keeps the stretch that holds most of the `focus` terms (the
    question's), not always its beginning: a law's deadline often closes its sentence."""
    if len(answer.text) <= max_chars:
        return answer
    budget = max(max_chars - _NOTE_ROOM, max_chars // 2)
    lines = _fit_best_list(answer.text.splitlines(), budget)
    whole = _best_block(lines, budget)
    room = budget - sum(len(lines[i]) + 1 for i in whole)
    share = even_share([line for i, line in enumerate(lines) if i not in whole], room)
    trimmed = [
        _trim(line, share, focus)
        if i not in whole and len(line) > share and _trimmable(line)
        else line
        for i, line in enumerate(lines)
    ]
    kept: list[str] = []
    left_out: list[str] = []
    used = 0
    closed = False  # a cited line did not fit: later cited lines are left out too
    for line in trimmed:
        has_marker = bool(_MARKER.search(line))
        if used + len(line) + 1 <= budget and not (closed and has_marker):
            kept.append(line)
            used += len(line) + 1
        elif not kept and line.strip():
            head, rest = _cut(line, budget)
            kept.append(head)
            used += len(head) + 1
            left_out.append(rest)
            closed = True
        else:
            left_out.append(line)
            # A table pasted into one line is left out alone; a list item that does not
            # fit ends the list.
            closed = closed or (has_marker and not _table_line(line))
    left_out = [line for line in left_out if line.strip()]
    shortened = trimmed != answer.text.splitlines()
    if not left_out and not shortened:
        return answer
    text = "\n".join(kept).rstrip()
    text += "\n" + _note(left_out, shortened)
    sentences = [s for s in answer.sentences if s.text in text]
    return replace(answer, text=text, sentences=sentences)


def _best_block(lines: list[str], budget: int) -> set[int]:
    """The lines kept whole: the first cited line (the best answer found) with the list
    items right after it, when they fit in most of the room (a list is quoted whole);
    else that line alone when it takes at most half the room; else none."""
    first = _first_cited(lines)
    if first is None:
        return set()
    block = list(range(first, _list_after(lines, first)[1])) or [first]
    size = sum(len(lines[i]) + 1 for i in block)
    if len(block) > 1 and size <= budget * _LIST_ROOM:
        return set(block)
    return {first} if len(lines[first]) <= budget // 2 else set()


def _first_cited(lines: list[str]) -> int | None:
    """The first cited line: the best answer found."""
    return next((i for i, line in enumerate(lines) if _trimmable(line)), None)


def _fit_best_list(lines: list[str], budget: int) -> list[str]:
    """The lines with the items of the list after the best line shortened, each from its
    beginning, so that the whole list fits: a planner asking for the required documents
    needs every item named more than each item's details."""
    first = _first_cited(lines)
    if first is None:
        return lines
    start, end = _list_after(lines, first)
    items = lines[start:end]
    room = int(budget * _LIST_ROOM) - sum(len(line) + 1 for line in lines[first:start])
    if len(items) < 2 or sum(len(line) + 1 for line in items) <= room:
        return lines
    share = even_share(items, room, minimum=_MIN_ITEM_SHARE)
    fitted = [_trim(line, share) if len(line) > share else line for line in items]
    if sum(len(line) + 1 for line in fitted) > room:
        return lines  # too many items even when shortened: cut as any other lines
    return [*lines[:start], *fitted, *lines[end:]]


def _list_after(lines: list[str], first: int) -> tuple[int, int]:
    """Where the list after line `first` starts and ends: right after it, or after the
    lead-in of a section it refers to („… in Nummer 10 genannten Unterlagen“ then „Dem
    Antrag sind folgende Unterlagen beizufügen:“)."""
    start = first + 1
    if start < len(lines) and _TRAILING_MARKERS.sub("", lines[start]).rstrip().endswith(":"):
        start += 1
    end = start
    while end < len(lines) and _LIST_ITEM.match(lines[end]):
        end += 1
    return (start, end) if end > start else (first + 1, first + 1)


def even_share(lines: list[str], budget: int, minimum: int = _MIN_SHARE) -> int:
    """The longest a cited line may stay so that all lines fit: long lines are shortened
    before any is dropped, so a list keeps its items, each from its beginning, and short
    lines stay whole. Tables pasted into one line are not counted (they are left out)."""
    fixed = sum(len(line) + 1 for line in lines if not _MARKER.search(line))
    cited = [len(line) + 1 for line in lines if _trimmable(line)]
    low, high = minimum, max(budget, minimum)
    while low < high:  # the largest share whose lines fit
        middle = (low + high + 1) // 2
        if fixed + sum(min(n, middle) for n in cited) <= budget:
            low = middle
        else:
            high = middle - 1
    return low


def _trimmable(line: str) -> bool:
    return bool(_MARKER.search(line)) and not _table_line(line)


def _table_line(line: str) -> bool:
    """A whole table in one line („Nr. | Stadtteil | … 01 | Altstadt | …“)."""
    return line.count(" | ") >= _TABLE_CELLS


def _trim(line: str, room: int, focus: frozenset[str] = frozenset()) -> str:
    """A long cited line from its beginning to a sentence end (else a clause end, else a
    word) within `room`; „…“ and its citation markers where it was cut mid-sentence. When
    a later stretch holds more of the `focus` terms, that stretch from a clause start."""
    markers = " ".join(_TRAILING_MARKERS.findall(line))
    body = _TRAILING_MARKERS.sub("", line).rstrip()
    room = max(room - len(markers) - 3, 1)
    later = _focused_stretch(body, room - 2, focus)
    if later is not None:
        start, end = later
        tail = " …" if end < len(body) else ""
        return f"… {body[start:end].strip(' ,;')}{tail} {markers}".rstrip()
    sentences = [m.end() for m in _SENTENCE_END.finditer(body) if m.end() <= room]
    if sentences and sentences[-1] >= room * 0.5:
        return f"{body[: sentences[-1]].rstrip()} {markers}".rstrip()
    clauses = [m.end() for m in _CLAUSE_END.finditer(body) if room * 0.6 <= m.end() <= room]
    at = clauses[-1] if clauses else body.rfind(" ", 0, room)
    at = at if at > 0 else room
    return f"{body[:at].rstrip(' ,;')} … {markers}".rstrip()


def _focused_stretch(body: str, room: int, focus: frozenset[str]) -> tuple[int, int] | None:
    """Start and end of the clause-aligned stretch of at most `room` characters that holds
    more focus terms than the beginning does; None when the beginning holds as many."""
    if not focus or room <= 0:
        return None
    starts = [0] + [m.end() for m in _CLAUSE_START.finditer(body)]

    def stretch(start: int) -> tuple[int, int]:
        end = min(len(body), start + room)
        if end < len(body):
            end = max(body.rfind(" ", start, end), start + 1)
        return start, end

    def held(span: tuple[int, int]) -> int:
        return len(content_terms(body[span[0] : span[1]]) & focus)

    first = held(stretch(0))
    best = max((stretch(s) for s in starts[1:]), key=held, default=None)
    return best if best is not None and held(best) > first else None


def _cut(line: str, budget: int) -> tuple[str, str]:
    """A line too long on its own, cut after its last sentence that fits (else a word)."""
    ends = [m.start() for m in _SENTENCE_END.finditer(line) if m.start() <= budget]
    at = ends[-1] if ends else line.rfind(" ", 0, budget)
    at = at if at > 0 else budget
    return line[:at].rstrip() + (" …" if not ends else ""), line[at:].strip()


def _note(left_out: list[str], shortened: bool) -> str:
    """The closing line: what was shortened, and from which sources lines were left out
    (a list cut after its eighth item names the source that holds the rest)."""
    what = []
    if shortened:
        what.append("lange Stellen mit „…“ abgekürzt")
    if left_out:
        markers = list(dict.fromkeys(m for line in left_out for m in _MARKER.findall(line)))
        lines = "eine weitere Zeile" if len(left_out) == 1 else f"{len(left_out)} weitere Zeilen"
        sources = f" aus {', '.join(f'[{m}]' for m in markers)}" if markers else ""
        what.append(f"{lines}{sources} ausgelassen")
    return f"{LEFT_OUT} {'; '.join(what)}; die Quellen öffnen die vollständigen Stellen.)"
