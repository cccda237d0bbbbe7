"""Static site bench: first map paint vs. the one-line Streamlit app, transfer, switch time.

    python bench/site_bench.py [--quick] [--out FILE]

Builds the static atlas (`claims-atlas build-site`) into a temporary folder and serves it
with `python -m http.server` on loopback; starts the floor app (bench/floor_app.py, the
dashboard's flags) as bench/run.py does. Then, in Debian's Chromium (the test suite's flags,
every other host unresolvable):

* first paint: a fresh context per view, navigation start -> the moment the page holds 27
  `path.region`, each with a `disp-` class (a MutationObserver in the page records it), vs.
  the floor app's "ready" (bench/probes.py, as bench/run.py measures it); interleaved, one
  warm-up view each discarded. Goal: site median <= 0.5 x floor median.
* transfer: every response of the first view (site), bytes as http.server sent them
  (uncompressed) and as a gzip-serving host sends them (each file gzip -6, headers aside).
  Goal: <= 600 KB compressed.
* switch: clicks on the picker's radio buttons, cycling through the proposals; time from
  the click's dispatch to the end of its handler (the classes are set synchronously in it)
  and to the next animation frame; after each, every region's classes are checked against
  core.query.dispositions. Goal: p50 <= 16 ms.

Writes JSON to bench/site.json (or --out).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0]).resolve() == BENCH:  # `python bench/site_bench.py`
    sys.path[0] = str(ROOT)

from bench import browser as bb  # noqa: E402
from bench import servers as srv  # noqa: E402
from bench.stats import ratio, summary  # noqa: E402

GOALS = {"first_paint_ratio_max": 0.5, "first_view_gzip_kb_max": 600, "switch_p50_ms_max": 16}

SITE_PROBE = r"""
(() => {
  if (window !== window.top) { return; }
  const b = window.__site = {navStart: performance.timeOrigin, readyAt: null};
  const epoch = () => performance.timeOrigin + performance.now();
  const check = () => {
    if (b.readyAt) { return; }
    const paths = document.querySelectorAll("#map path.region");
    if (paths.length !== 27) { return; }
    for (const p of paths) {
      if (![...p.classList].some(c => c.startsWith("disp-"))) { return; }
    }
    b.readyAt = epoch();
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true,
    attributes: true, attributeFilter: ["class"]});
})();
"""

SWITCH = """async (pid) => {
  const input = document.querySelector(`#picker input[value="${pid}"]`);
  const t0 = performance.now();
  input.click();
  const t1 = performance.now();
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  const out = {};
  document.querySelectorAll('#map path.region').forEach(p => {
    const id = [...p.classList].find(c => c.startsWith('region-')).slice(7);
    out[id] = [...p.classList].filter(c => c.startsWith('disp-')).map(c => c.slice(5)).sort();
  });
  return {handler_ms: t1 - t0, frame_ms: performance.now() - t0, classes: out,
          apply_ms: window.claimsAtlas.timing.apply};
}"""


def log(msg: str) -> None:
    print(f"[site-bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def static_server(root: Path):
    port = srv.free_port()
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                             "127.0.0.1", "--directory", str(root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{url}/index.html", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("http.server did not start") from None
                time.sleep(0.05)  # readiness poll, not a timing
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def site_first_view(browser, url: str, site_dir: Path, timeout_s: float = 60) -> dict:
    ctx = await browser.new_context(viewport=bb.VIEWPORT)
    await ctx.add_init_script(SITE_PROBE)
    page = await ctx.new_page()
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(bb.LOCAL)
            else None)
    try:
        meter = await bb.ByteMeter.attach(ctx, page)
        await page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        handle = await page.wait_for_function(
            "() => window.__site && window.__site.readyAt", timeout=timeout_s * 1000)
        ready_at = await handle.json_value()
        nav = await page.evaluate("() => window.__site.navStart")
        at_ready = meter.snapshot()
        await meter.quiet()
        files = sorted({urlparse(u).path for u in meter.sizes if u.startswith("http")})
        gz = {}
        for path in files:
            local = site_dir / (path.lstrip("/") or "index.html")
            if local.is_dir():
                local = local / "index.html"
            if local.is_file():
                gz[path] = len(gzip.compress(local.read_bytes(), 6))
        return {"ms": round(ready_at - nav, 1), "bytes_at_ready": at_ready,
                "bytes_settled": meter.snapshot(), "files": files,
                "gzip_bytes": sum(gz.values()), "gzip_by_file": gz, "external": external}
    finally:
        await ctx.close()


async def switching(browser, url: str, ids: list[str], expected: dict, count: int) -> dict:
    ctx = await browser.new_context(viewport=bb.VIEWPORT)
    page = await ctx.new_page()
    try:
        await page.goto(url)
        await page.wait_for_function("() => document.body.dataset.ready === '1'")
        handler, frame, apply_ms, wrong = [], [], [], 0
        for i in range(count):
            pid = ids[(i + 1) % len(ids)]
            got = await page.evaluate(SWITCH, pid)
            handler.append(got["handler_ms"])
            frame.append(got["frame_ms"])
            apply_ms.append(got["apply_ms"])
            if got["classes"] != expected[pid]:
                wrong += 1
        return {"switches": count, "wrong": wrong, "click_to_classes_ms": summary(handler, 2),
                "click_to_next_frame_ms": summary(frame, 2),
                "atlas_apply_ms": summary(apply_ms, 2)}
    finally:
        await ctx.close()


async def drive(args, site_url: str, site_dir: Path, floor_url: str) -> dict:
    from playwright.async_api import async_playwright

    from claims_atlas.core import catalog as cat
    from claims_atlas.core import query

    c = cat.load_catalog(None)
    ids = [p.id for p in query.proposals_by_date(c)]
    expected = {p: {rid: sorted(set(ds)) for rid, ds in query.dispositions(c, p).items()}
                for p in ids}
    async with async_playwright() as pw:
        (browser,) = await bb.launch(pw, 1)
        try:
            await bb.first_view(browser, floor_url, "floor", measure_bytes=False)  # warm-up
            await site_first_view(browser, site_url, site_dir)
            floor, views = [], []
            for _ in range(args.views):
                floor.append(await bb.first_view(browser, floor_url, "floor"))
                views.append(await site_first_view(browser, site_url, site_dir))
            sw = await switching(browser, site_url, ids, expected, args.switches)
            return {"browser": browser.version, "floor": floor, "site": views, "switch": sw}
        finally:
            await browser.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--views", type=int, default=7)
    ap.add_argument("--switches", type=int, default=60)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", type=Path, default=BENCH / "site.json")
    args = ap.parse_args(argv)
    if args.quick:
        args.views, args.switches = 3, 20
    from bench.run import background_busy, machine_info

    work = Path(tempfile.mkdtemp(prefix="claims-site-bench-"))
    site_dir = work / "public"
    subprocess.run([sys.executable, "-m", "claims_atlas.cli", "build-site", "-o", str(site_dir)],
                   check=True, cwd=ROOT, timeout=300)
    result = {"what": "static atlas (build-site) vs the one-line Streamlit app",
              "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "machine": machine_info(), "goals": GOALS,
              "background_cpu_before": {"busy_fraction_while_idle": background_busy(2.0),
                                        "loadavg": Path("/proc/loadavg").read_text().split()[:3]}}
    floor = srv.Server.floor(work)
    try:
        floor.start()
        with static_server(site_dir) as site_url:
            got = asyncio.run(asyncio.wait_for(drive(args, site_url, site_dir, floor.url), 900))
    finally:
        floor.stop()
    floor_ms = [v["ms"] for v in got["floor"] if v.get("ms") is not None]
    site_ms = [v["ms"] for v in got["site"]]
    fs, ss = summary(floor_ms), summary(site_ms)
    first = got["site"][0]
    result.update({
        "chromium": got["browser"],
        "first_paint": {"floor_ms": fs, "site_ms": ss, "ratio_median": ratio(ss["median"],
                                                                             fs["median"]),
                        "floor_bytes_settled": got["floor"][0].get("bytes_settled")},
        "transfer": {"first_view_files": first["files"],
                     "http_server_bytes": first["bytes_settled"]["http_encoded"],
                     "gzip_bytes": first["gzip_bytes"], "gzip_by_file": first["gzip_by_file"]},
        "switch": got["switch"],
        "external_requests": sorted({u for v in got["site"] for u in v["external"]}),
    })
    result["met"] = {
        "first_paint_ratio": result["first_paint"]["ratio_median"] is not None
        and result["first_paint"]["ratio_median"] <= GOALS["first_paint_ratio_max"],
        "first_view_gzip_kb": first["gzip_bytes"] / 1024 <= GOALS["first_view_gzip_kb_max"],
        "switch_p50": got["switch"]["click_to_classes_ms"]["median"]
        <= GOALS["switch_p50_ms_max"],
        "no_wrong_switch": got["switch"]["wrong"] == 0,
        "no_external_request": not result["external_requests"],
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if all(result["met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
