"""Fetching DeepStateMap: the only module of the package that touches the network."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import http.client
import os
import socket
import ssl
import threading
import time
import urllib.parse
from dataclasses import replace

from claims_atlas import __version__
from claims_atlas.core.control.common import (
    DEEPSTATE_ATTRIBUTION,
    DEEPSTATE_BASE_URL,
    DEEPSTATE_SOURCE,
    DEEPSTATE_URL_ENV,
    MAX_DOWNLOAD_BYTES,
    ControlFetchError,
    ImportResult,
    _sha256,
    parse_date,
)
from claims_atlas.core.control.parse import _date_of, parse_control
from claims_atlas.core.control.store import store_snapshot

# --- fetch ---------------------------------------------------------------------------------


def deepstate_url(date: str | dt.date | None = None, base_url: str | None = None) -> str:
    """history/last, or history/<Unix seconds of that day's 12:00 UTC>/geojson."""
    base = (base_url or os.environ.get(DEEPSTATE_URL_ENV) or DEEPSTATE_BASE_URL).rstrip("/")
    if date is None:
        return f"{base}/history/last"
    noon = dt.datetime.combine(parse_date(date), dt.time(12), tzinfo=dt.UTC)
    return f"{base}/history/{int(noon.timestamp())}/geojson"


MAX_REDIRECTS = 3
_OFFLINE = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ECONNREFUSED}
_CHUNK = 64 * 1024


class _Deadline:
    """Seconds left of the whole fetch, and a cut-off that closes the socket at the end."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.end = time.monotonic() + timeout
        self.cut = threading.Event()

    def left(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def passed(self) -> bool:
        return self.cut.is_set() or time.monotonic() >= self.end

    def guard(self, conn: http.client.HTTPConnection) -> threading.Timer:
        """Shut the connection's socket when time is up, whatever call is blocked on it."""
        def cut() -> None:
            self.cut.set()
            with contextlib.suppress(OSError, AttributeError):
                conn.sock.shutdown(socket.SHUT_RDWR)
        timer = threading.Timer(self.left(), cut)
        timer.daemon = True
        timer.start()
        return timer


def _connection(url: str, deadline: _Deadline) -> tuple[http.client.HTTPConnection, str]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ControlFetchError(f"{url}: only http and https URLs can be fetched")
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    kwargs = {"context": ssl.create_default_context()} if parts.scheme == "https" else {}
    conn = cls(parts.hostname, parts.port, timeout=max(deadline.left(), 0.001), **kwargs)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return conn, target


def _get_once(url: str, deadline: _Deadline) -> tuple[int, str, bytes]:
    """(status, redirect location or reason, body) of one GET, within the deadline."""
    conn, target = _connection(url, deadline)
    timer = None
    try:
        conn.connect()
        timer = deadline.guard(conn)
        conn.request("GET", target, headers={
            "User-Agent": f"claims-atlas/{__version__} (control fetch)",
            "Accept": "application/json"})
        resp = conn.getresponse()
        if 300 <= resp.status < 400 and resp.getheader("Location"):
            return resp.status, urllib.parse.urljoin(url, resp.getheader("Location")), b""
        if resp.status >= 400:
            return resp.status, resp.reason, b""
        length = resp.getheader("Content-Length")
        if length and length.isdigit() and int(length) > MAX_DOWNLOAD_BYTES:
            raise ControlFetchError(f"{url}: more than {MAX_DOWNLOAD_BYTES >> 20} MB; refused")
        chunks, size = [], 0
        while chunk := resp.read1(_CHUNK):
            size += len(chunk)
            if size > MAX_DOWNLOAD_BYTES:
                raise ControlFetchError(f"{url}: more than {MAX_DOWNLOAD_BYTES >> 20} MB; "
                                        "refused")
            if deadline.passed():
                raise TimeoutError
            chunks.append(chunk)
        if deadline.passed():
            raise TimeoutError
        return resp.status, resp.reason, b"".join(chunks)
    except (OSError, http.client.HTTPException):
        if deadline.passed():
            raise TimeoutError from None
        raise
    finally:
        if timer is not None:
            timer.cancel()
        conn.close()


def download(url: str, timeout: float) -> bytes:
    """GET `url` within `timeout` seconds in all (connecting, waiting and reading: a server
    that trickles bytes is cut off too), following up to MAX_REDIRECTS redirects;
    ControlFetchError with one line on any failure."""
    deadline = _Deadline(timeout)
    current = url
    try:
        for _ in range(MAX_REDIRECTS + 1):
            status, info, body = _get_once(current, deadline)
            if 300 <= status < 400:
                current = info
                continue
            if status >= 400:
                raise ControlFetchError(f"{url}: HTTP {status} {info}")
            return body
        raise ControlFetchError(f"{url}: more than {MAX_REDIRECTS} redirects")
    except TimeoutError:
        raise ControlFetchError(f"{url}: no answer within {timeout:g} s") from None
    except OSError as exc:  # refused, no route, no such host, TLS failure, ...
        if isinstance(exc, ConnectionRefusedError | socket.gaierror) or exc.errno in _OFFLINE:
            raise ControlFetchError(f"cannot reach {url} ({exc}); offline?") from None
        raise ControlFetchError(f"{url}: download failed ({exc or type(exc).__name__})") \
            from None
    except (http.client.HTTPException, ValueError) as exc:
        raise ControlFetchError(f"{url}: download failed ({exc or type(exc).__name__})") \
            from None


def fetch_deepstate(date: str | dt.date | None = None, *, timeout: float = 30.0,
                    cache_dir: str | os.PathLike | None = None, base_url: str | None = None,
                    repair: bool = False) -> ImportResult:
    """Download a DeepStateMap snapshot (the latest, or the one for `date`) and cache it.

    The only function here that touches the network, and only when called.
    """
    day = None if date is None else parse_date(date)
    url = deepstate_url(day, base_url)
    raw = download(url, timeout)
    parsed = parse_control(raw, url, deepstate=True, repair=repair)
    stamped = _date_of(parsed.source_datetime)
    notes = list(parsed.notes)
    if day is None:
        if stamped is None:
            day = dt.datetime.now(dt.UTC).date()
            notes.append(f"the snapshot carries no readable date; dated today ({day}, UTC)")
        else:
            day = stamped
    elif stamped is not None and stamped != day:
        notes.append(f"the nearest snapshot the API returned is dated {stamped}; "
                     f"cached as {day}")
    parsed = replace(parsed, notes=tuple(notes))
    info, previous = store_snapshot(parsed, source=DEEPSTATE_SOURCE, date=day,
                                    attribution=DEEPSTATE_ATTRIBUTION,
                                    original_sha256=_sha256(raw), original_name=url,
                                    cache_dir=cache_dir)
    return ImportResult(info=info, parsed=parsed, replaced=previous, url=url)


