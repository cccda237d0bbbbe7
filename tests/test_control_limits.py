"""Control data, bounded and tidy (issue 10 §5): every input gets an answer in bounded time
and memory, interrupted writes leave nothing behind, and far-away polygons never count."""

from __future__ import annotations

import gzip
import http.server
import json
import os
import threading
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims_atlas.cli.control import control
from claims_atlas.core import control as ctl

FIXTURES = Path(__file__).parent / "fixtures" / "control"
ARCHIVE = FIXTURES / "deepstatemap_data_20251120.geojson"
DAY = "2025-11-20"


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(ctl.CACHE_ENV, str(cache))
    return cache


def run(*args: str):
    return CliRunner().invoke(control, list(args))


def finished_within(seconds: float, fn):
    """Run fn in a thread; (result, elapsed) or fail when it has not returned in time."""
    box: dict = {}

    def go():
        box["result"] = fn()

    start = time.monotonic()
    t = threading.Thread(target=go, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"still running after {seconds} s"
    return box["result"], time.monotonic() - start


# --- a fetch is bounded as a whole ---------------------------------------------------------


class Trickle(http.server.BaseHTTPRequestHandler):
    """Answers at one byte per 0.1 s: the headers (slow_headers) or the body."""

    slow_headers = False
    stop = threading.Event()

    def do_GET(self):  # noqa: N802 - http.server API
        body = ARCHIVE.read_bytes()
        head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        fast, slow = (b"", head + body) if self.slow_headers else (head, body)
        try:
            self.wfile.write(fast)
            for i in range(len(slow)):
                if self.stop.is_set():
                    return
                self.wfile.write(slow[i:i + 1])
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            return

    def log_message(self, *args):
        pass


@pytest.fixture(params=[False, True], ids=["slow-body", "slow-headers"])
def trickle(request, monkeypatch):
    handler = type("H", (Trickle,), {"slow_headers": request.param, "stop": threading.Event()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    monkeypatch.setenv(ctl.DEEPSTATE_URL_ENV, f"http://127.0.0.1:{httpd.server_port}/api")
    yield
    handler.stop.set()
    httpd.shutdown()
    httpd.server_close()


def test_timeout_bounds_the_whole_fetch_against_a_trickling_server(trickle, cache):
    result, elapsed = finished_within(10, lambda: run("fetch", "--timeout", "1.5"))
    assert result.exit_code == 1
    assert "no answer within 1.5 s" in result.stderr
    assert 1.4 <= elapsed < 3.0  # the old code waited ~0.1 s x 80 KB here
    assert not cache.exists()


# --- gzip bombs, pipes, sizes --------------------------------------------------------------


def test_gzip_bomb_is_refused_without_inflating_it(tmp_path, cache):
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(b" " * (ctl.MAX_DECODED_BYTES + 1024 * 1024), 9))
    assert bomb.stat().st_size < 200_000  # small on disk
    tracemalloc.start()
    try:
        with pytest.raises(ctl.ControlImportError, match="inflates to more than 64 MB"):
            ctl.import_file(bomb, source="T", date=DAY)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < ctl.MAX_DECODED_BYTES * 1.5  # never the whole inflated text and more
    assert not cache.exists()


def test_gzip_of_a_good_file_and_of_garbage(tmp_path):
    good = gzip.compress(ARCHIVE.read_bytes())
    assert ctl.parse_control(good + gzip.compress(b""), "g").polygons == 2
    with pytest.raises(ctl.ControlImportError, match="end-of-stream"):
        ctl.parse_control(good[:-20], "cut")
    with pytest.raises(ctl.ControlImportError, match="not a readable gzip"):
        ctl.parse_control(b"\x1f\x8b" + b"\x00" * 30, "junk")


def test_a_named_pipe_is_refused_at_once(tmp_path, cache):
    fifo = tmp_path / "pipe.geojson"
    os.mkfifo(fifo)
    result, elapsed = finished_within(10, lambda: run("import", str(fifo), "--date", DAY,
                                                      "--source", "T"))
    assert result.exit_code == 1 and elapsed < 5
    assert result.stderr.strip() == (f"claims-atlas: error: {fifo}: not a regular file "
                                     "(a named pipe, device or socket); refused")


def test_an_oversized_file_is_refused_before_reading(tmp_path, cache):
    big = tmp_path / "big.geojson"
    with open(big, "wb") as fh:
        fh.truncate(ctl.MAX_INPUT_BYTES + 1)  # sparse: no disk used
    result = run("import", str(big), "--date", DAY, "--source", "T")
    assert result.exit_code == 1 and "more than 64 MB; refused" in result.stderr


# --- interrupted writes leave nothing behind -----------------------------------------------


def test_stale_temp_files_are_swept_by_the_next_import(cache):
    assert run("import", str(ARCHIVE), "--date", DAY, "--source", "DeepStateMap").exit_code == 0
    folder = cache / "control" / "deepstatemap"
    stale = [folder / ".2025-11-21.geojson.k9x2.tmp", cache / "control" / ".index.json.a1.tmp"]
    fresh = folder / ".2025-11-22.geojson.b7.tmp"  # a write in progress right now
    for p in [*stale, fresh]:
        p.write_bytes(b'{"half": ')
    old = time.time() - 2 * ctl.STALE_TMP_SECONDS
    for p in stale:
        os.utime(p, (old, old))
    assert run("import", str(ARCHIVE), "--date", "2025-11-23",
               "--source", "DeepStateMap").exit_code == 0
    assert not any(p.exists() for p in stale)
    assert fresh.exists()


# --- far-away polygons ---------------------------------------------------------------------


def test_far_away_polygon_is_dropped_and_reported(cache):
    src = FIXTURES / "api_with_far_polygon.json"
    result = run("import", str(src), "--date", DAY, "--source", "T")
    assert result.exit_code == 0, result.output
    assert "left out 1 far-away polygons" in result.stdout
    assert "Temporarily occupied Karelia" in result.stderr
    (info,) = ctl.list_snapshots()
    geom = ctl.load_snapshot(info)
    assert geom.bounds == pytest.approx((37.0, 47.8, 38.0, 48.4))
    assert info.area_km2 == pytest.approx(ctl.area_km2(geom), rel=1e-6)


def test_polygon_partly_outside_the_box_keeps_its_inside_part():
    doc = {"type": "Polygon", "coordinates": [[[40, 48], [44, 48], [44, 49], [40, 49],
                                               [40, 48]]]}
    parsed = ctl.parse_control(json.dumps(doc), "p")
    assert parsed.geometry.bounds == pytest.approx((40, 48, 42, 49))
    assert any("cut off the part outside" in n for n in parsed.notes)


def test_polygons_outside_the_units_never_count(cache):
    src = FIXTURES / "api_with_transnistria.json"
    result = run("import", str(src), "--date", DAY, "--source", "T")
    assert result.exit_code == 0, result.output
    (info,) = ctl.list_snapshots()
    raw = ctl.area_km2(ctl.load_snapshot(info))
    assert raw == pytest.approx(9012, abs=5)  # the Donetsk square and the Transnistria one
    report = ctl.snapshot_stats(info)
    counted = report.totals["russian_km2"] - report.totals["slivers_km2"]
    assert info.area_km2 == pytest.approx(counted, rel=1e-3)
    assert info.outside_units_km2 == pytest.approx(raw - info.area_km2, rel=1e-6)
    assert info.outside_units_km2 > 2500
    assert f"{info.outside_units_km2:,.0f} km² outside them: not counted" in result.stdout
