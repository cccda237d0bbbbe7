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


# -- reading catalog files: bounded, regular files only ----------------------------------------

#: The largest catalog file read (bytes): a YAML or document file is text written by people.
MAX_FILE_BYTES = 8 * 1024 * 1024


class FileRefused(Exception):
    """A catalog file that is not read: `line` (1-based) and `message` say why."""

    def __init__(self, path: str | os.PathLike, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = str(path), line, message


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


def read_text(path: str | os.PathLike, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of a regular file (a byte-order mark is dropped), read in bounded time
    and memory. Raises FileRefused for a dangling link, a folder, a named pipe (opened
    without blocking, never read), a file over `limit` bytes, bytes that are not UTF-8 or a
    NUL byte, each with the line it is on."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise FileRefused(path, 1, "cannot be read: a link to nothing, or removed") from None
    except OSError as exc:
        raise FileRefused(path, 1, f"cannot be read ({exc.strerror or exc})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise FileRefused(path, 1, f"is {kind}, not a regular file: not read")
    with os.fdopen(fd, "rb") as fh:
        raw = fh.read(limit + 1)
    if len(raw) > limit:
        raise FileRefused(path, 1, f"is larger than {limit // (1024 * 1024)} MB: not read")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise FileRefused(path, line, f"not UTF-8 text ({exc.reason})") from None
    nul = text.find("\x00")
    if nul >= 0:
        raise FileRefused(path, text.count("\n", 0, nul) + 1,
                          "NUL byte: a binary or damaged file")
    return text.removeprefix("\ufeff")
