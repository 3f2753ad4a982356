"""Text from documents, answers and users shown through Markdown without side effects.

Streamlit renders Markdown images, so `![x](http://…)` in a DOCX, an HTML page or a
model's answer would make the browser fetch a remote address (a channel out of the
network). Raw HTML is already off; here image and link syntax is made literal text, and
web addresses are kept from being turned into links (GitHub-style autolinks): an escaped
colon or dot shows as itself but breaks the address pattern.
"""

from __future__ import annotations

import re

_IMAGE_OR_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(")
_SCHEME = re.compile(r"\b(https?|ftp|mailto)(:)", re.IGNORECASE)
_WWW = re.compile(r"\b(www)(\.)", re.IGNORECASE)


def inert(text: str) -> str:
    """The text with Markdown images, links and web addresses written out literally,
    never fetched or linked."""
    text = _IMAGE_OR_LINK.sub(lambda m: f"{m.group(1)}\\[{m.group(2)}\\](", text)
    text = _SCHEME.sub(r"\1\\\2", text)
    return _WWW.sub(r"\1\\\2", text)
