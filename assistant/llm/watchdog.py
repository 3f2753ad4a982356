"""A timeout for token streams: a model that stops answering must not hang the caller."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator


class ModelTimeout(TimeoutError):
    """No token arrived within the timeout; `received` says whether any came before."""

    def __init__(self, timeout_s: float, received: bool) -> None:
        self.timeout_s = timeout_s
        self.received = received
        super().__init__(f"no token for {timeout_s:g} s (received before: {received})")


_END = object()


def with_idle_timeout(tokens: Iterator[str], timeout_s: float) -> Iterator[str]:
    """Yield `tokens`, raising ModelTimeout when the next one takes longer than `timeout_s`.

    The source is read on a daemon thread because a blocked HTTP read cannot be interrupted
    from outside; on timeout that thread is abandoned and ends with the client's own timeout.
    """
    inbox: queue.Queue[object] = queue.Queue()

    def pump() -> None:
        try:
            for token in tokens:
                inbox.put(token)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            inbox.put(exc)
        else:
            inbox.put(_END)

    threading.Thread(target=pump, name="planwerk-token-stream", daemon=True).start()
    received = False
    while True:
        try:
            item = inbox.get(timeout=timeout_s)
        except queue.Empty:
            raise ModelTimeout(timeout_s, received) from None
        if item is _END:
            return
        if isinstance(item, BaseException):
            raise item
        received = True
        yield str(item)
