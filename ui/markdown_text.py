"""Text from documents, answers and users shown through Markdown without side effects.

Streamlit renders Markdown images, so `![x](http://…)` in a DOCX, an HTML page or a
model's answer would make the browser fetch a remote address (a channel out of the
network). Raw HTML is already off; here image and link syntax is made literal text.
"""

from __future__ import annotations

import re

_IMAGE_OR_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(")


def inert(text: str) -> str:
    """The text with Markdown images and links written out literally, never fetched."""
    return _IMAGE_OR_LINK.sub(lambda m: f"{m.group(1)}\\[{m.group(2)}\\](", text)
