"""German sentence splitting that survives abbreviations, ordinals and decimal numbers."""

from __future__ import annotations

import re

# Abbreviations that end with a period inside a sentence (compared lower-case, without dots).
# Single letters ("z. B.", "u. a.", "d. h.", "S. 3") are always treated as abbreviations.
_ABBREVIATIONS = frozenset(
    """
    abb abs abschn anh anm art aufl az bd bearb bes bsp bspw bzgl bzw ca chr dgl dipl dr ebd
    ehem einschl einw etc evtl exkl ff gem geb ggf ggfs ggü hrsg hr inkl insb jh jhd jr kap
    kfm lfd lt max mind mio mrd nr od pkt prof rd sog spez st std str tab tel tsd usw vgl vs
    zb zit zt zzgl
    """.split()
)

# A candidate boundary: end punctuation, optional closing quote/bracket, then whitespace and
# something that can start a sentence (capital, digit, opening quote or bracket).
_CANDIDATE = re.compile(r"[.!?…]+[\"'“”»«)\]]*(?=\s+[\"'„“»«(\[]?[A-ZÄÖÜ0-9])")
_ORDINAL = re.compile(r"\d{1,3}")
# A Roman section number („Förderrichtlinie … III. Zuwendungsempfänger“, „Teil II. Verfahren“).
_ROMAN = re.compile(r"(?=[IVX]{2})X{0,3}(?:IX|IV|V?I{0,3})")
# The gazettes legal texts cite („BGBl. I S. 1348“, „SächsGVBl. S. 134“, „ABl. EU“, „GBl.“,
# „MBl.“): one word ending in a capital B and an l.
_GAZETTE = re.compile(r"[A-Za-zÄÖÜäöüß]*Bl")
# The months as German texts name them ("31. August 2025"): „2. Juni“ is a date, no item.
MONTHS = (
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
).split()
# A numbered item inside a line („1. Zuwendungsart: Projektförderung 2. Finanzierungsart:
# …“, as guidelines converted to text run their clauses on): its number, then a capital.
_ITEM = re.compile(r"(?<=\s)(\d{1,2})\.\s+(?=([A-ZÄÖÜ][\w-]*))")
_LEADING_ITEM = re.compile(r"(\d{1,2})\.\s")
_BULLETS = ("- ", "• ", "– ")
# Words before an ordinal or a reference, not before an item („die 2. Stufe“, „Nummer 2.“).
_BEFORE_ORDINAL = frozenset(
    """
    der die das dem den des ein eine einer einem eines im am zum zur vom bis ab nach vor seit
    und oder nummer nr ziffer absatz abs satz buchstabe §
    """.split()
)


def split_sentences(text: str) -> list[str]:
    """Sentences of `text` in order; line breaks always end a sentence.

    Does not split at "z. B.", "Nr.", "ca.", "bzw.", "u. a.", at ordinals ("3. Juni") or
    inside decimals ("23,4", "1.234").
    """
    sentences: list[str] = []
    for line in text.split("\n"):
        sentences.extend(_split_line(line))
    return sentences


def _split_line(line: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _CANDIDATE.finditer(line):
        if match.group(0) == "." and _is_inner_period(line[: match.start()]):
            continue
        piece = line[start : match.end()].strip()
        if piece:
            pieces.append(piece)
        start = match.end()
    tail = line[start:].strip()
    if tail:
        pieces.append(tail)
    return _split_items(pieces)


def _split_items(pieces: list[str]) -> list[str]:
    """Pieces split before each item number that continues the numbering of the line's
    items („1. … 2. … 3. …“); a lone „2.“ after a noun is an ordinal and stays."""
    split: list[str] = []
    # The number of the line's last item; a list item's line whose „1.“ a loader wrote as
    # a dash („- Zuwendungsart: … 2. Finanzierungsart: …“) opens with the first.
    last = 1 if pieces and pieces[0][:2] in _BULLETS else 0
    for piece in pieces:
        leading = _LEADING_ITEM.match(piece)
        if leading:
            last = int(leading.group(1))
        start = 0
        for match in _ITEM.finditer(piece):
            before = piece[: match.start()].split()[-1:] or [""]
            if (
                before[0] in ("", *(b.strip() for b in _BULLETS))  # „- 2. …“: its own
                or not last
                or int(match.group(1)) != last + 1
                or match.group(2) in MONTHS
                or before[0].strip(".,(").lower() in _BEFORE_ORDINAL
            ):
                continue
            split.append(piece[start : match.start()].strip())
            start, last = match.start(), last + 1
        split.append(piece[start:].strip())
    return [s for s in split if s]


def _is_inner_period(before: str) -> bool:
    """True if the period after `before` belongs to an abbreviation or an ordinal number."""
    words = before.split()
    if not words:
        return True
    token = words[-1].lstrip("(\"'„“»«[")
    if _ORDINAL.fullmatch(token) or _ROMAN.fullmatch(token):
        return True
    last = token.split(".")[-1]
    if _GAZETTE.fullmatch(last):
        return True
    return (len(last) == 1 and last.isalpha()) or last.lower() in _ABBREVIATIONS
