"""Fetching DeepStateMap: the only module of the package that touches the network."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import socket
import urllib.error
import urllib.request
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


def download(url: str, timeout: float) -> bytes:
    """GET `url`; ControlFetchError with one line on any failure."""
    req = urllib.request.Request(url, headers={
        "User-Agent": f"claims-atlas/{__version__} (control fetch)",
        "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (http/https only)
            data = resp.read(MAX_DOWNLOAD_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise ControlFetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise ControlFetchError(f"{url}: no answer within {timeout:g} s") from None
        raise ControlFetchError(f"cannot reach {url} ({reason}); offline?") from None
    except TimeoutError:
        raise ControlFetchError(f"{url}: no answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise ControlFetchError(f"{url}: download failed ({exc or type(exc).__name__})") \
            from None
    if len(data) > MAX_DOWNLOAD_BYTES:
        raise ControlFetchError(f"{url}: more than {MAX_DOWNLOAD_BYTES >> 20} MB; refused")
    return data


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


