"""Recognising text that announces a gap instead of filling it.

Drafts list what is still missing: Planwerk's own „[Ergänzen: …]“ markers, a chapter
„Offene Punkte“, to-do items that end in a verb like „ergänzen“ or „einholen“. Such text
names a topic without covering it, so it is neither quoted as evidence nor counted as
fulfilling a funding criterion.
"""

from __future__ import annotations

import re

from assistant.language.german import fold
from ingest.chunking import leaf_heading

_GAP_HEADING = re.compile(
    r"\b(offene punkte|offen|to-?dos?|noch zu (erledigen|klaren|erganzen)|fehlt|fehlend)",
    re.IGNORECASE,
)
# A to-do item: a list item whose last word is an infinitive of getting something done.
# Prose says "… ist zu ergänzen"; a to-do item has the bare infinitive without "zu".
_TODO_END = re.compile(
    r"(?<!\bzu )\b(erganzen|einholen|nachreichen|nachliefern|erstellen lassen|klaren|"
    r"abstimmen|beschaffen)\b[\s.,;:)]*$",
    re.IGNORECASE,
)
_TODO_MAX_WORDS = 30
_MARKERS = ("[erganzen", "[todo", "[offen", "noch offen", "liegt noch nicht vor")
_STILL_TO_DO = re.compile(
    r"\bnoch (zu|nicht) (erganzen|klaren|erstellen|vorlegen|einholen|abstimmen|erarbeiten|"
    r"beschliessen|beschlossen|erstellt|vorgelegt|erarbeitet|geklart)\b"
)


def announces_gap(text: str, heading: str = "") -> bool:
    """Whether `text` (under `heading`) says that something is still missing."""
    folded = fold(text)
    if any(marker in folded for marker in _MARKERS) or _STILL_TO_DO.search(folded):
        return True
    last = leaf_heading(heading)
    if last and _GAP_HEADING.search(fold(last)):
        return True
    body = re.sub(r"\s*\([^)]*\)\s*", " ", folded).strip()
    return len(body.split()) <= _TODO_MAX_WORDS and bool(_TODO_END.search(body))
