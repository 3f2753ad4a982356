"""Decoding of text files whose encoding nobody wrote down (UTF-8, UTF-8 with BOM, cp1252)."""

from __future__ import annotations

import codecs

# Order matters: a BOM is certain, strict UTF-8 almost never decodes cp1252 text by
# accident, and cp1252 covers what Excel and older Windows tools write in Germany.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(data: bytes) -> str:
    """Name of the encoding that decodes `data`: a BOM's, else utf-8, cp1252 or latin-1."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    for name in ("utf-8", "cp1252"):
        try:
            data.decode(name)
        except UnicodeDecodeError:
            continue
        return name
    return "latin-1"  # decodes any byte sequence


def decode_bytes(data: bytes) -> str:
    """`data` as text, with Windows line ends normalised to "\\n"."""
    text = data.decode(detect_encoding(data))
    return text.replace("\r\n", "\n").replace("\r", "\n")
