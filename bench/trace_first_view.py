"""Where the browser's main thread goes during a first view: a Chromium trace, summarised.

    python bench/trace_first_view.py [--app dashboard|floor|map-only] [--keep FILE]

Serves the app (as `make bench` does), loads it once to warm the server, then traces one
fresh view in headless Chromium until the floor's "ready" or the map's 27 coloured regions.
Prints JSON: the renderer main thread's busy time until then, self time by trace event and
by script (React's work shows as FunctionCall in react-dom), and the long tasks with what
filled them. The page and the map's same-origin iframe share that thread, so whatever the
page renders before the map delays the map.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import browser as B  # noqa: E402
from bench import probes  # noqa: E402
from bench import servers as srv  # noqa: E402

CATEGORIES = ["devtools.timeline", "v8.execute", "disabled-by-default-devtools.timeline"]
SCRIPT_EVENTS = ("FunctionCall", "EvaluateScript", "EventDispatch", "TimerFire",
                 "v8.evaluateModule")


def _main_thread(events: list[dict]) -> tuple[int, int]:
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events
             if e.get("name") == "thread_name"}
    mains = [k for k, v in names.items() if v == "CrRendererMain"]
    counts = collections.Counter((e["pid"], e["tid"]) for e in events
                                 if (e["pid"], e["tid"]) in mains)
    return counts.most_common(1)[0][0]


def _label(e: dict) -> str:
    data = (e.get("args") or {}).get("data") or {}
    if e["name"] not in SCRIPT_EVENTS:
        return e["name"]
    where = data.get("url") or data.get("type") or data.get("functionName") or ""
    return f"{e['name']}:{where.split('/')[-1][:40]}"


def summarise(events: list[dict]) -> dict:
    """Main-thread figures of a trace (pure: tested on a tiny synthetic trace)."""
    main = _main_thread(events)
    xs = sorted((e for e in events if (e["pid"], e["tid"]) == main and e.get("ph") == "X"
                 and "dur" in e), key=lambda e: (e["ts"], -e["dur"]))
    nav = [e["ts"] for e in events if e.get("name") == "navigationStart"
           and (e["pid"], e["tid"]) == main]
    t0 = nav[0] if nav else xs[0]["ts"]
    own: collections.Counter = collections.Counter()
    by_script: collections.Counter = collections.Counter()
    stack: list[dict] = []
    for e in xs:
        while stack and stack[-1]["ts"] + stack[-1]["dur"] <= e["ts"]:
            stack.pop()
        if stack:
            own[_label(stack[-1])] -= e["dur"]
        own[_label(e)] += e["dur"]
        if e["name"] in SCRIPT_EVENTS:
            by_script[_label(e)] += e["dur"]
        stack.append(e)
    tasks = [e for e in xs if e["name"] == "RunTask"]
    long_tasks = []
    for t in (t for t in tasks if t["dur"] >= 30_000):
        inside = collections.Counter()
        for e in xs:
            if t["ts"] < e["ts"] < t["ts"] + t["dur"]:
                inside[_label(e)] += e["dur"]
        long_tasks.append({"at_ms": round((t["ts"] - t0) / 1000), "ms": round(t["dur"] / 1000),
                           "mostly": [[k, round(v / 1000)] for k, v in inside.most_common(3)]})
    return {"main_thread_busy_ms": round(sum(t["dur"] for t in tasks) / 1000),
            "span_ms": round((xs[-1]["ts"] + xs[-1]["dur"] - t0) / 1000) if xs else 0,
            "self_ms_by_event": [[k, round(v / 1000)] for k, v in own.most_common(12)],
            "inclusive_ms_by_script": [[k, round(v / 1000)] for k, v in
                                       by_script.most_common(10)],
            "long_tasks": long_tasks}


async def trace(app: str, keep: Path | None) -> dict:
    from playwright.async_api import async_playwright

    work = Path(tempfile.mkdtemp(prefix="claims-atlas-trace-"))
    server = {"dashboard": lambda: srv.Server.dashboard(work),
              "floor": lambda: srv.Server.floor(work),
              "map-only": lambda: srv.Server.map_only(work)}[app]().start()
    mode = "floor" if app == "floor" else "map"
    path = keep or work / "trace.json"
    try:
        async with async_playwright() as pw:
            [browser] = await B.launch(pw, 1)
            await B.first_view(browser, server.url, mode, measure_bytes=False)  # warm-up
            ctx, page = await B.new_context(browser, mode, 27)
            await browser.start_tracing(page=page, path=str(path), categories=CATEGORIES)
            await page.goto(server.url, wait_until="commit")
            ready = await (await page.wait_for_function(probes.READY, timeout=90_000)
                           ).json_value()
            nav = await page.evaluate("() => window.__bench.navStart")
            await browser.stop_tracing()
            await ctx.close()
            await browser.close()
    finally:
        server.stop()
    events = json.loads(path.read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    out = {"app": app, "ready_ms": round(ready - nav, 1), **summarise(events)}
    if keep:
        out["trace"] = str(keep)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--app", choices=["dashboard", "floor", "map-only"], default="dashboard")
    ap.add_argument("--keep", type=Path, help="keep the raw trace (chrome://tracing, Perfetto)")
    args = ap.parse_args(argv)
    print(json.dumps(asyncio.run(trace(args.app, args.keep)), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
