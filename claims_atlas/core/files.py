"""Atomic file writes (a temp file in the same folder, fsync, then rename) and a lock for
read-modify-write cycles."""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path


def atomic_write(path: str | os.PathLike, data: str | bytes) -> None:
    """Replace `path` with `data` so that readers see the old file or the new one, never half.

    The new file keeps the old one's permissions (0644 for a new file: mkstemp's 0600 would
    hide catalog and cache files from other readers).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def exclusive(folder: str | os.PathLike) -> Iterator[None]:
    """Hold an exclusive lock on `folder` while a file in it is read, changed and rewritten,
    so that two writers (threads or processes) cannot lose each other's change. The lock is
    flock(2) on the folder itself: no lock file to leave behind. It is advisory, between
    writers that take it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
