"""The date slider's steps, measured in the page. Per step: `in_page_ms`, from the click on
"Later"/"Earlier" to the new line of contact drawn in the living map from the page's store
(render/js/dates.js `claimsAtlas.stepTimes`; goal: median <= 50 ms); `apply_ms`, the
map's own drawing (atlas.js setOverlay); `click_to_drawn_ms` as Python sees it (includes
Playwright's round trips); `click_to_rerun_done_ms`, until Streamlit's rerun (URL, table,
timeline) has finished; and the bytes the step received over Streamlit's WebSocket.
Prints one JSON document.

    .venv/bin/python bench/date_steps.py                      # 30 synthetic daily snapshots
    .venv/bin/python bench/date_steps.py --archive DIR --steps 30
        # the first 31 `deepstatemap_data_YYYYMMDD.geojson` files of DIR (the community
        # archive, github:cyterat/deepstate-map-data), imported into a temp cache
    .venv/bin/python bench/date_steps.py --cached deepstatemap --steps 30
        # the last 31 snapshots of that source in the cache you have ($CLAIMS_ATLAS_CACHE),
        # read only: the page then lists every cached date, as a reader's would (the whole
        # archive imported: 769 days)

Two passes: forward (cold: the server computes each date's overlay once, ~0.1-0.3 s) and
back (warm: overlays cached in the server). The map's frame must survive every step
(`frame_kept`). Nothing leaves the machine (`external_requests`, expected empty).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import servers as srv  # noqa: E402
from bench.browser import CHROMIUM, CHROMIUM_ARGS, FRAME, LOCAL, OFFLINE_ARG  # noqa: E402
from bench.stats import summary  # noqa: E402

GOAL_APPLY_MS = 50
ARCHIVE_NAME = re.compile(r"deepstatemap_data_(\d{4})(\d{2})(\d{2})\.geojson$")
# In the map's frame: when the overlay named `key` is drawn (epoch ms).
WATCH = """(key) => { const el = document.querySelector('[data-overlay]') ||
    document.querySelector('.leaflet-container');
  window.benchDrawn = window.benchDrawn || {};
  const seen = () => { const k = el.getAttribute('data-overlay');
    if (k && !(k in window.benchDrawn)) {
      window.benchDrawn[k] = performance.timeOrigin + performance.now(); } };
  if (!window.benchWatching) { window.benchWatching = true;
    new MutationObserver(seen).observe(el, {attributes: true,
                                            attributeFilter: ['data-overlay']}); }
  seen(); return true; }"""


def import_snapshots(cache: Path, archive: Path | None, count: int) -> list[str]:
    """`count` dated snapshots in the temp cache; their keys, by date."""
    import os

    os.environ["CLAIMS_ATLAS_CACHE"] = str(cache)
    from claims_atlas.core import control

    if archive is None:
        from tests.control_series import daily, import_series

        return import_series(cache.parent, daily("2025-11-01", count))
    files = sorted(p for p in archive.iterdir() if ARCHIVE_NAME.search(p.name))[:count]
    keys = []
    for path in files:
        y, m, d = ARCHIVE_NAME.search(path.name).groups()
        result = control.import_file(path, source="DeepStateMap", date=f"{y}-{m}-{d}")
        keys.append(f"{result.info.slug}/{y}-{m}-{d}")
    return keys


def cached_snapshots(slug: str, count: int) -> list[str]:
    """The keys of the last `count` cached snapshots of `slug`, by date; SystemExit if
    there are fewer than two."""
    from claims_atlas.core import control

    keys = [f"{i.slug}/{i.date.isoformat()}" for i in sorted(
        (i for i in control.list_snapshots() if i.slug == slug), key=lambda i: i.date)]
    if len(keys) < 2:
        raise SystemExit(f"date_steps: fewer than 2 cached snapshots of {slug!r}")
    return keys[-count:]


def cached_count(slug: str) -> int:
    from claims_atlas.core import control

    return sum(1 for i in control.list_snapshots() if i.slug == slug)


IDLE = """() => { const a = document.querySelector('[data-testid="stApp"]');
  return !!a && a.getAttribute('data-test-script-state') !== 'running'; }"""
STORED = "(k) => !!(window.claimsAtlas.maps.map && window.claimsAtlas.maps.map.store[k])"


def run_pass(page, frame, keys: list[str], button: str, frames: list[int]) -> list[dict]:
    """Click `button` once per key in `keys` (each the next overlay expected), at a reader's
    pace: once the page holds the next date (as it does after the previous step's rerun)."""
    out = []
    target = page.get_by_role("button", name=button)
    for key in keys:
        page.wait_for_function(STORED, arg=key, timeout=60_000)
        target.wait_for()
        frames.clear()
        before = page.evaluate("() => window.claimsAtlas.stepTimes.length")
        drawn_before = len(frame.evaluate("() => window.claimsAtlas.timing.overlays"))
        clicked = page.evaluate("() => performance.timeOrigin + performance.now()")
        target.click()
        frame.wait_for_function("(k) => window.benchDrawn && k in window.benchDrawn", arg=key,
                                timeout=60_000)
        drawn = frame.evaluate("(k) => window.benchDrawn[k]", key)
        page.wait_for_url(re.compile("date=" + key.split("/")[1]), timeout=60_000)
        page.wait_for_function(IDLE, timeout=60_000)
        done = page.evaluate("() => performance.timeOrigin + performance.now()")
        steps = page.evaluate("() => window.claimsAtlas.stepTimes")
        timings = frame.evaluate("() => window.claimsAtlas.timing.overlays")
        out.append({"key": key, "click_to_drawn_ms": round(drawn - clicked, 1),
                    "in_page_ms": round(steps[-1], 2) if len(steps) > before else None,
                    "apply_ms": round(timings[-1], 2) if len(timings) > drawn_before
                    else None,
                    "click_to_rerun_done_ms": round(done - clicked, 1),
                    "bytes": sum(frames), "max_frame": max(frames, default=0)})
    return out


def measure(keys: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    logdir = Path(tempfile.mkdtemp(prefix="claims-bench-dates-"))
    server = srv.Server.dashboard(logdir)
    frames: list[int] = []
    external: list[str] = []
    with server.start(), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM,
                                     args=[*CHROMIUM_ARGS, OFFLINE_ARG])
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.on("request", lambda r: external.append(r.url)
                if not r.url.startswith(LOCAL) else None)
        page.on("websocket", lambda ws: ws.on("framereceived",
                                              lambda data: frames.append(len(data))))
        first = keys[0].split("/")[1]
        page.goto(f"{server.url}/?date={first}&proposal=us-28-point-plan")
        page.frame_locator(FRAME).first.locator(f'[data-overlay="{keys[0]}"]').wait_for(
            state="attached", timeout=90_000)
        page.get_by_role("button", name="Later ▶").wait_for(timeout=60_000)
        frame = next(f for f in page.frames if "st_folium" in f.url)
        frame.evaluate("() => { window.benchSameMap = true; }")
        frame.evaluate(WATCH, keys[0])
        cold = run_pass(page, frame, keys[1:], "Later ▶", frames)
        frame.evaluate("() => { window.benchDrawn = {}; }")
        warm = run_pass(page, frame, list(reversed(keys[:-1])), "◀ Earlier", frames)
        kept = bool(frame.evaluate("() => window.benchSameMap === true"))
        browser.close()
    return {"cold": cold, "warm": warm, "frame_kept": kept, "external_requests": external}


def report(keys: list[str], data: dict, source: str) -> dict:
    def block(rows: list[dict]) -> dict:
        def of(name: str, digits: int = 1) -> dict:
            return summary((r[name] for r in rows if r[name] is not None), digits)

        return {"in_page_ms": of("in_page_ms", 2), "apply_ms": of("apply_ms", 2),
                "click_to_drawn_ms": of("click_to_drawn_ms"),
                "click_to_rerun_done_ms": of("click_to_rerun_done_ms"),
                "bytes_per_step": of("bytes", 0),
                "max_frame_bytes": max((r["max_frame"] for r in rows), default=0)}

    rows = data["cold"] + data["warm"]
    in_page = [r["in_page_ms"] for r in rows if r["in_page_ms"] is not None]
    p50 = summary(in_page, 2)["median"]
    return {"what": "date slider steps in the page", "source": source, "dates": len(keys),
            "steps": len(rows), "steps_drawn_in_page": len(in_page),
            "in_page_ms_p50": p50, "goal_in_page_ms_p50": GOAL_APPLY_MS,
            "goal_met": p50 is not None and p50 <= GOAL_APPLY_MS,
            "bytes_per_step_p50": summary((r["bytes"] for r in rows), 0)["median"],
            "forward_cold": block(data["cold"]), "back_warm": block(data["warm"]),
            "frame_kept": data["frame_kept"], "external_requests": data["external_requests"],
            "per_step": {"cold": data["cold"], "warm": data["warm"]}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--archive", type=Path, help="folder of DeepStateMap archive files")
    parser.add_argument("--cached", metavar="SLUG",
                        help="use the cache you have (read only): this source's last dates")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    t0 = time.monotonic()
    if args.cached:
        keys = cached_snapshots(args.cached, args.steps + 1)
        source = f"cache ({args.cached}, {cached_count(args.cached)} dates)"
    else:
        work = Path(tempfile.mkdtemp(prefix="claims-bench-cache-"))
        keys = import_snapshots(work / "cache", args.archive, args.steps + 1)
        source = "archive" if args.archive else "synthetic"
    imported_s = round(time.monotonic() - t0, 1)
    result = report(keys, measure(keys), source)
    result["import_s"] = imported_s
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0 if result["frame_kept"] and not result["external_requests"] else 1


if __name__ == "__main__":
    sys.exit(main())
