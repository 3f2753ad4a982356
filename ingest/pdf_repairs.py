"""pypdf's English messages about a damaged PDF, kept off the terminal.

pypdf logs what it repaired while reading („incorrect startxref pointer(1)“, „Ignoring
wrong pointing object 1 0“) to the `pypdf` logger; with no handler configured Python
prints them on stderr, in English, between the German lines of `planwerk ingest`. They
now reach only `repairs()`: while a thread reads a PDF inside it, that thread's messages
are collected, and the loader turns them into one German note on the file. Outside of it
they are dropped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_reading = threading.local()  # the list collecting this thread's messages, if any


class _Collector(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        collected: list[str] | None = getattr(_reading, "messages", None)
        if collected is not None:
            collected.append(record.getMessage())


_pypdf = logging.getLogger("pypdf")
_pypdf.addHandler(_Collector(logging.WARNING))
_pypdf.propagate = False


@contextmanager
def repairs() -> Iterator[list[str]]:
    """The messages pypdf logs in this thread while the block runs (English, for a note
    that says the file was repaired, never shown as they are)."""
    outer = getattr(_reading, "messages", None)
    collected: list[str] = []
    _reading.messages = collected
    try:
        yield collected
    finally:
        _reading.messages = outer
