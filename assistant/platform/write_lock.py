"""One writer per workspace at a time, across processes and threads.

Two ingests of the same file used to race: both found it new, both wrote its vectors
under the same ids, and the loser's cleanup deleted the winner's vectors, leaving catalog
chunks without vectors. Every write of a workspace (ingest, re-index, delete) now holds an
exclusive lock on a file in the data directory; a second writer waits for it (and is told
so), then finds the document „unverändert“. The lock is re-entrant within a thread, so a
re-index that deletes and ingests holds it once. `file_lock` also guards what processes
starting on a fresh data directory would otherwise do at once (schema migrations, the
embedded Chroma store).
"""

from __future__ import annotations

import fcntl
import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_held = threading.local()  # lock paths this thread holds, with their depth


@contextmanager
def file_lock(path: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """An exclusive lock on `path` across processes (and threads: each call opens the
    file anew); `on_wait` is called once if another holder has it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def lock_path(data_dir: Path, workspace: str) -> Path:
    digest = hashlib.sha256(workspace.encode("utf-8")).hexdigest()[:16]
    return data_dir / "locks" / f"workspace-{digest}.lock"


@contextmanager
def workspace_write_lock(
    data_dir: Path, workspace: str, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold the workspace's write lock; `on_wait` is called once if another writer has it."""
    path = lock_path(data_dir, workspace)
    depths: dict[Path, int] = getattr(_held, "depths", None) or {}
    _held.depths = depths
    if depths.get(path):
        depths[path] += 1
        try:
            yield
        finally:
            depths[path] -= 1
        return
    with file_lock(path, on_wait):
        depths[path] = 1
        try:
            yield
        finally:
            depths[path] = 0
