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
# The gazettes legal texts cite („BGBl. I S. 1348“, „SächsGVBl. S. 134“, „ABl. EU“, „GBl.“,
# „MBl.“): one word ending in a capital B and an l.
_GAZETTE = re.compile(r"[A-Za-zÄÖÜäöüß]*Bl")


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
    return pieces


def _is_inner_period(before: str) -> bool:
    """True if the period after `before` belongs to an abbreviation or an ordinal number."""
    words = before.split()
    if not words:
        return True
    token = words[-1].lstrip("(\"'„“»«[")
    if _ORDINAL.fullmatch(token):
        return True
    last = token.split(".")[-1]
    if _GAZETTE.fullmatch(last):
        return True
    return (len(last) == 1 and last.isalpha()) or last.lower() in _ABBREVIATIONS
