"""claims-atlas benchmark: first paint vs. a one-line Streamlit app, switching, load, scale.

    python bench/run.py [--quick] [--out FILE]

Prints one JSON document and writes it to bench/results.json (or FILE). What each figure
means, and how it is taken, is in bench/README.md. Every server is started on a free port
on 127.0.0.1 and stopped in `finally`; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0]).resolve() == BENCH:  # `python bench/run.py`
    sys.path[0] = str(ROOT)
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import gen_catalog, python_side  # noqa: E402
from bench import servers as srv  # noqa: E402
from bench.stats import ratio, summary  # noqa: E402

GOALS = {"first_paint_ratio_max": 1.3, "switch_p50_ms_max": 100.0, "validate_s_max": 5.0,
         "scale_first_paint_ratio_max": 1.5, "timeline_filter_ms_max": 200.0}
FULL = {"first_views": 5, "switches": 12, "viewers": 25, "viewer_switches": 10, "browsers": 3,
        "validate_runs": 3, "filter_cases": 3, "scale_first_views": 5, "rerun_switches": 10}
QUICK = {"first_views": 3, "switches": 10, "viewers": 5, "viewer_switches": 3, "browsers": 1,
         "validate_runs": 1, "filter_cases": 1, "scale_first_views": 2, "rerun_switches": 5}
TOTAL_LIMIT_S = 60 * 60  # the whole browser part, hard bound


def background_busy(seconds: float = 1.0) -> float:
    """Fraction of all CPUs busy over `seconds` while the harness itself is idle: other
    work on the machine (a shared 2-core box) that skews every figure taken meanwhile."""
    busy0, total0 = srv.machine_cpu_s()
    time.sleep(seconds)  # a measurement window, not a wait for an effect
    busy1, total1 = srv.machine_cpu_s()
    return round((busy1 - busy0) / (total1 - total0), 2) if total1 > total0 else 0.0


def note_background(results: dict, phase: str) -> None:
    frac = background_busy()
    load1 = _read("/proc/loadavg").split()[:1]
    results.setdefault("background_cpu", {})[phase] = {
        "busy_fraction_while_idle": frac, "loadavg_1min": float(load1[0]) if load1 else None}
    if frac > 0.25:
        log(f"warning: the machine is {frac:.0%} busy before '{phase}' without the harness; "
            f"figures will be inflated")


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# -- machine --------------------------------------------------------------------------------

def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _version(dist: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def machine_info(browser_version: str | None = None) -> dict:
    from bench.browser import CHROMIUM

    model = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                  if line.startswith("model name")), platform.processor() or None)
    mem = next((line.split()[1] for line in _read("/proc/meminfo").splitlines()
                if line.startswith("MemTotal:")), None)
    chromium = None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True,
                                  timeout=20).stdout.strip() or None
    return {"cpu_count": os.cpu_count(),
            "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
            else None,
            "cpu_model": model, "memory_mib": round(int(mem) / 1024) if mem else None,
            "platform": platform.platform(), "python": platform.python_version(),
            "streamlit": _version("streamlit"), "streamlit_folium": _version("streamlit-folium"),
            "folium": _version("folium"), "playwright": _version("playwright"),
            "chromium": chromium, "chromium_playwright_reports": browser_version}


# -- catalog expectations -------------------------------------------------------------------

def expectations(seeds: Path | None = None) -> dict:
    """Proposal order (as in the picker), titles, default, and per proposal the disp- classes
    every region must show (from claims_atlas.core.query.dispositions)."""
    from claims_atlas.core import catalog as cat
    from claims_atlas.core import query

    c = cat.load_catalog(seeds)
    ids = [p.id for p in query.proposals_by_date(c)]
    return {"ids": ids, "titles": {p.id: p.title for p in c.proposals},
            "default": query.default_proposal_id(c), "regions": len(c.regions),
            "statements": len(c.statements),
            # a class list holds each class once: two parts with the same disposition show
            # one disp- class
            "expected": {pid: {rid: sorted(set(ds))
                               for rid, ds in query.dispositions(c, pid).items()}
                         for pid in ids}}


# -- the browser part -----------------------------------------------------------------------

def _ms(runs: list[dict], key: str = "ms") -> list[float]:
    return [r[key] for r in runs if r.get(key) is not None]


def _bytes_summary(runs: list[dict], which: str) -> dict:
    keys = ("http_encoded", "http_decoded", "ws_received", "total_received", "requests")
    return {k: summary([r[which][k] for r in runs if which in r], 0)["median"] for k in keys}


async def first_paint(b, floor: srv.Server, dash: srv.Server, map_only: srv.Server | None,
                      exp: dict, n: int) -> dict:
    from bench import browser as B

    out = {"note": "ms from the top document's navigation start to the DOM condition (probe: "
                   "MutationObserver, epoch clock shared by page and iframe); fresh browser "
                   "context each; runs interleaved floor/map-only/dashboard after one warm-up "
                   "each"}
    warm_f = await B.first_view(b, floor.url, "floor", measure_bytes=False)
    warm_d = await B.first_view(b, dash.url, "map", exp["regions"], measure_bytes=False)
    out["warmup_ms"] = {"floor": warm_f["ms"], "dashboard": warm_d["ms"]}
    if map_only is not None:
        with contextlib.suppress(Exception):
            out["warmup_ms"]["map_only"] = (await B.first_view(
                b, map_only.url, "map", exp["regions"], measure_bytes=False, timeout_s=60))["ms"]
    floors, dashes, maps = [], [], []
    for i in range(n):
        floors.append(await B.first_view(b, floor.url, "floor"))
        if map_only is not None and "map_only" in out["warmup_ms"]:
            maps.append(await B.first_view(b, map_only.url, "map", exp["regions"]))
        dashes.append(await B.first_view(b, dash.url, "map", exp["regions"]))
        log(f"first view {i + 1}/{n}: floor {floors[-1]['ms']} ms, "
            f"map-only {maps[-1]['ms'] if maps else '-'} ms, dashboard {dashes[-1]['ms']} ms")
    out["floor_ms"] = summary(_ms(floors))
    out["dashboard_ms"] = summary(_ms(dashes))
    if maps:
        out["map_only_ms"] = summary(_ms(maps))
        out["map_only_ratio_median"] = ratio(out["map_only_ms"]["median"],
                                             out["floor_ms"]["median"])
        out["map_only_bytes_settled"] = _bytes_summary(maps, "bytes_settled")
    else:
        out["map_only_ms"] = "unavailable (bench/map_only_app.py failed against this dashboard)"
    out["floor_wall_ms"] = summary(_ms(floors, "wall_ms"))
    out["dashboard_wall_ms"] = summary(_ms(dashes, "wall_ms"))
    out["ratio_median"] = ratio(out["dashboard_ms"]["median"], out["floor_ms"]["median"])
    out["ratio_p95"] = ratio(out["dashboard_ms"]["p95"], out["floor_ms"]["p95"])
    out["bytes"] = {
        "method": "CDP Network.loadingFinished encodedDataLength (HTTP, on the wire, headers "
                  "included) + Network.dataReceived dataLength (decoded) + "
                  "Network.webSocketFrameReceived payload bytes (Streamlit's WebSocket); "
                  "median of the runs, at the moment the condition held and after 0.75 s of "
                  "network quiet",
        "floor_at_ready": _bytes_summary(floors, "bytes_at_ready"),
        "dashboard_at_ready": _bytes_summary(dashes, "bytes_at_ready"),
        "floor_settled": _bytes_summary(floors, "bytes_settled"),
        "dashboard_settled": _bytes_summary(dashes, "bytes_settled"),
        "dashboard_largest_http": dashes[-1].get("largest_http")}
    out["external_requests"] = sorted({u for r in floors + dashes + maps
                                       for u in r.get("external_requests", [])})
    out["failed_views"] = [{k: r.get(k) for k in ("error", "diagnosis")}
                           for r in floors + maps + dashes if r.get("ms") is None]
    phase_runs = [await B.first_view_phases(b, dash.url, exp["regions"]) for _ in range(3)]
    out["dashboard_phases_median_ms"] = median_fields(phase_runs)
    return out


def median_fields(runs: list[dict]) -> dict:
    """Field by field median of numeric values; other values from the last run."""
    out = {}
    for k in runs[0]:
        values = [r.get(k) for r in runs]
        if all(isinstance(v, int | float) for v in values if v is not None):
            out[k] = summary([v for v in values if v is not None])["median"]
        else:
            out[k] = values[-1]
    return out


async def switching(b, dash: srv.Server, exp: dict, count: int) -> dict:
    from bench import browser as B

    r = await B.switching(b, dash.url, exp["ids"], exp["titles"], exp["expected"],
                          exp["default"], count, exp["regions"])
    sw, ph = r["switches"], r["phases"]
    out = {"note": "pointerdown (event.timeStamp) on the option's title in the sidebar "
                   "picker -> every region's disp- classes equal query.dispositions (and the "
                   "map's data-proposal, if set), recorded in the iframe by a "
                   "MutationObserver and awaited with frame.wait_for_function",
           "switches": len(sw), "matched": sum(s["matched"] for s in sw),
           "final_match_after_rerun": sum(s.get("final_match", False) for s in sw),
           "rerun_seen": sum(s.get("rerun_seen", False) for s in sw),
           "ms": summary(_ms(sw)), "wall_ms_playwright": summary(_ms(sw, "wall_ms"))}
    for key in ("click_to_send_ms", "send_to_selection_msg_ms", "click_to_selection_msg_ms",
                "click_to_rerun_done_ms", "ws_bytes_received", "ws_largest_message",
                "ws_messages"):
        out[key] = summary([p[key] for p in ph if p.get(key) is not None])
    out["classes_before_server_reply"] = sum(bool(p.get("classes_before_server_reply"))
                                             for p in ph)
    out["iframe"] = {"marker_survived": r["marker_survived"],
                     "same_frame_object": r["same_frame_object"],
                     "navigations_during_switches": r["iframe_navigations_during_switches"],
                     "navigations_total": r["iframe_navigations_total"],
                     "recreated": (not r["marker_survived"])
                     or r["iframe_navigations_during_switches"] > 0}
    out["label_mismatches"] = r["label_mismatches"]
    out["errors"] = [s["error"] for s in sw if s.get("error")]
    out["per_switch"] = [{"to": s["proposal"], "ms": s.get("ms"), "wall_ms": s.get("wall_ms"),
                          "final_match": s.get("final_match"),
                          **{k: p.get(k) for k in ("click_to_selection_msg_ms",
                                                   "click_to_rerun_done_ms",
                                                   "ws_bytes_received")}}
                         for s, p in zip(sw, ph, strict=False)]
    out["external_requests"] = r["external_requests"]
    return out


async def load(pw, dash: srv.Server, exp: dict, viewers: int, switches: int, browsers: int
               ) -> dict:
    from bench import browser as B

    bs = await B.launch(pw, browsers)
    try:
        baseline = dash.rss_mib()
        cpu0, (busy0, total0) = srv.tree_cpu_s(dash.pid), srv.machine_cpu_s()
        with srv.RssSampler(dash.pid, interval=0.2) as sampler:
            t0 = time.monotonic()
            results = await asyncio.gather(*(
                B.viewer(bs[v % len(bs)], dash.url, v, exp["ids"], exp["expected"],
                         exp["default"], switches, exp["regions"], first_timeout_s=180,
                         switch_timeout_s=45) for v in range(viewers)))
            elapsed = time.monotonic() - t0
        after = dash.rss_mib()
        cpu1, (busy1, total1) = srv.tree_cpu_s(dash.pid), srv.machine_cpu_s()
    finally:
        for b in bs:
            with contextlib.suppress(Exception):
                await b.close()
    sw = [s for r in results for s in r["switches"]]
    planned = viewers * switches
    return {
        "viewers": viewers, "switches_per_viewer": switches, "browser_processes": browsers,
        "elapsed_s": round(elapsed, 1),
        "errors": [e for r in results for e in r["errors"]],
        "viewers_with_errors": sum(bool(r["errors"]) for r in results),
        "page_errors": [e for r in results for e in r["page_errors"]][:20],
        "streamlit_exceptions_shown": sum(r["st_exceptions"] for r in results),
        "switches_planned": planned, "switches_done": len(sw),
        "lost_updates": sum(not s["matched"] for s in sw) + (planned - len(sw)),
        "wrong_after_rerun": sum(s["matched"] and not s.get("final_match") for s in sw),
        "rerun_not_seen_within_45s": sum(not s.get("rerun_seen") for s in sw),
        "first_paint_ms": summary([r["first_ms"] for r in results if r["first_ms"]]),
        "switch_ms": summary(_ms(sw)),
        "click_to_rerun_finished_wall_ms": summary(_ms(sw, "idle_ms")),
        "cpu_s": {"server": round(cpu1 - cpu0, 1), "machine_busy": round(busy1 - busy0, 1),
                  "machine_capacity": round(total1 - total0, 1),
                  "server_share_of_busy": ratio(cpu1 - cpu0, busy1 - busy0),
                  "method": "utime+stime of the server tree (/proc/<pid>/stat) and busy "
                            "(non-idle, non-iowait) time of all CPUs (/proc/stat) over the "
                            "load test; the rest is mostly Chromium"},
        "external_requests": sum(r["external_requests"] for r in results),
        "server_rss_mib": {"before": baseline, "peak": sampler.result()["peak_mib"],
                           "after": after, "samples": sampler.result()["samples"],
                           "method": "sum of VmRSS (/proc/<pid>/status) over the server "
                                     "process and its descendants, sampled every 0.2 s"}}


async def scale_browser(b, dash_real: srv.Server, dash_big: srv.Server, exp_real: dict,
                        exp_big: dict, n: int, filter_cases: int) -> dict:
    from bench import browser as B
    from claims_atlas.core import catalog as cat
    from claims_atlas.core import query

    await B.first_view(b, dash_big.url, "map", exp_big["regions"], measure_bytes=False)
    real, big = [], []
    for i in range(n):
        real.append(await B.first_view(b, dash_real.url, "map", exp_real["regions"]))
        big.append(await B.first_view(b, dash_big.url, "map", exp_big["regions"]))
        log(f"scale first view {i + 1}/{n}: real {real[-1]['ms']} ms, "
            f"synthetic {big[-1]['ms']} ms")
    out = {"real_ms": summary(_ms(real)), "synthetic_ms": summary(_ms(big)),
           "failed_views": [{k: r.get(k) for k in ("error", "diagnosis")}
                            for r in real + big if r.get("ms") is None]}
    out["ratio_median"] = ratio(out["synthetic_ms"]["median"], out["real_ms"]["median"])
    out["synthetic_bytes_settled"] = _bytes_summary(big, "bytes_settled")
    out["synthetic_phases_median_ms"] = median_fields(
        [await B.first_view_phases(b, dash_big.url, exp_big["regions"]) for _ in range(2)])
    c = cat.load_catalog(Path(exp_big["seeds"]))
    speakers = query.speakers(c)
    picks = [speakers[(i * 7 + 3) % len(speakers)] for i in range(filter_cases)]
    cases = [(s, [x.id for x in query.statements(c, query.StatementFilter(speakers=(s,)))])
             for s in picks]
    every = [x.id for x in query.statements(c)]
    tl = await B.timeline_filter(b, dash_big.url, cases, every, exp_big["regions"])
    out["timeline_filter_browser"] = {
        "note": "keydown (Enter: add one speaker in the Speakers multiselect; Backspace: "
                "remove it) -> caption starts 'N of M statements' and the timeline lists the "
                "first statements of query.statements' order (polled per animation frame)",
        "cases": [{"speaker": s, "kept": len(ids)} for s, ids in cases],
        "narrow_ms": summary(tl["narrow_ms"]), "widen_ms": summary(tl["widen_ms"]),
        "statements_listed_unfiltered": tl.get("listed_after_widen"),
        "errors": tl["errors"]}
    return out


async def browser_part(cfg: dict, floor: srv.Server, dash: srv.Server, dash_load: srv.Server,
                       dash_big: srv.Server | None, map_only: srv.Server | None, exp: dict,
                       exp_big: dict | None, results: dict, workdir: Path,
                       use_spy: bool) -> None:
    from playwright.async_api import async_playwright

    from bench import browser as B
    from bench import spy

    def sampling(server: srv.Server, name: str):
        if not use_spy:
            return contextlib.nullcontext(None)
        return spy.record(server.pid, workdir / f"py-spy-{name}.txt")

    async with async_playwright() as pw:
        [b] = await B.launch(pw, 1)
        results["machine"]["chromium_playwright_reports"] = b.version
        try:
            note_background(results, "first_paint")
            log("first paint: floor vs map-only vs dashboard")
            results["first_paint"] = await first_paint(b, floor, dash, map_only, exp,
                                                       cfg["first_views"])
            note_background(results, "switch")
            log("switching")
            with sampling(dash, "switch") as raw:
                results["switch"] = await switching(b, dash, exp, cfg["switches"])
            if raw and raw.exists():
                results["switch"]["server_py_spy_per_rerun"] = spy.summarise(
                    raw.read_text(), per=results["switch"]["switches"])
            if dash_big is not None:
                note_background(results, "scale")
                log("scale: first paint and timeline filter with the synthetic catalog")
                results["scale"]["browser"] = await scale_browser(
                    b, dash, dash_big, exp, exp_big, cfg["scale_first_views"],
                    cfg["filter_cases"])
        finally:
            await b.close()
        note_background(results, "load")
        log(f"load: {cfg['viewers']} viewers x {cfg['viewer_switches']} switches")
        with sampling(dash_load, "load") as raw:
            results["load"] = await load(pw, dash_load, exp, cfg["viewers"],
                                         cfg["viewer_switches"], cfg["browsers"])
        if raw and raw.exists():
            runs = cfg["viewers"] * (cfg["viewer_switches"] + 1)
            results["load"]["server_py_spy_per_script_run"] = spy.summarise(
                raw.read_text(), per=runs)


# -- scale, outside the browser -----------------------------------------------------------

def validate_timing(seeds: Path, runs: int) -> dict:
    exe = Path(sys.executable).with_name("claims-atlas")
    cmd = [str(exe), "validate", "--seeds", str(seeds)] if exe.exists() else [
        sys.executable, "-m", "claims_atlas.cli", "validate", "--seeds", str(seeds)]
    times, rc, tail = [], None, ""
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
        times.append(time.perf_counter() - t0)
        rc, tail = proc.returncode, (proc.stdout + proc.stderr).strip().splitlines()[-3:]
    return {"command": " ".join(["claims-atlas", *cmd[1:]]) if exe.exists() else " ".join(cmd),
            "wall_s": summary(times, 2), "exit_code": rc, "output_tail": tail}


def goals(r: dict) -> dict:
    g = GOALS
    fp, sw, sc = r.get("first_paint", {}), r.get("switch", {}), r.get("scale", {})
    val = (sc.get("validate") or {}).get("wall_s", {}).get("median")
    sb = sc.get("browser") or {}
    py = (sc.get("timeline_filter_python") or {}).get("one_speaker", {}).get("median")
    tl = (sb.get("timeline_filter_browser") or {})

    def check(value, limit):
        return {"value": value, "limit": limit,
                "met": None if value is None else value <= limit}

    out = {"first_paint_ratio": check(fp.get("ratio_median"), g["first_paint_ratio_max"]),
           "switch_p50_ms": check((sw.get("ms") or {}).get("median"), g["switch_p50_ms_max"]),
           "validate_s": check(val, g["validate_s_max"]),
           "scale_first_paint_ratio": check(sb.get("ratio_median"),
                                            g["scale_first_paint_ratio_max"]),
           "timeline_filter_python_ms": check(py, g["timeline_filter_ms_max"]),
           "timeline_filter_browser_narrow_ms": check(
               (tl.get("narrow_ms") or {}).get("median"), g["timeline_filter_ms_max"]),
           "timeline_filter_browser_widen_ms": check(
               (tl.get("widen_ms") or {}).get("median"), g["timeline_filter_ms_max"])}
    ld = r.get("load") or {}
    if ld:
        out["load_no_errors_no_lost_updates"] = {
            "value": {"errors": len(ld.get("errors", [])), "lost": ld.get("lost_updates"),
                      "wrong_after_rerun": ld.get("wrong_after_rerun")},
            "met": not ld.get("errors") and not ld.get("lost_updates")
            and not ld.get("wrong_after_rerun")}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="claims-atlas benchmark (see bench/README.md)")
    ap.add_argument("--quick", action="store_true", help="fewer runs, 5 viewers x 3 switches")
    ap.add_argument("--out", type=Path, default=BENCH / "results.json")
    ap.add_argument("--no-scale", action="store_true", help="skip the synthetic catalog")
    ap.add_argument("--no-profile", action="store_true", help="skip the in-process profile")
    ap.add_argument("--py-spy", action="store_true",
                    help="sample the dashboard server with py-spy during switching and load "
                         "(`make bench` installs py-spy)")
    args = ap.parse_args(argv)
    cfg = QUICK if args.quick else FULL
    started = time.time()
    results: dict = {"started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                     "mode": "quick" if args.quick else "full", "config": cfg, "goals": {},
                     "machine": machine_info()}
    flags, source = srv.streamlit_flags()
    results["server_flags"] = {"flags": flags, "source": source}
    tmp = Path(tempfile.mkdtemp(prefix="claims-atlas-bench-"))
    running: list[srv.Server] = []
    ok = False
    try:
        exp = expectations()
        results["catalog"] = {"proposals": len(exp["ids"]), "regions": exp["regions"],
                              "statements": exp["statements"], "default": exp["default"]}
        exp_big = None
        if not args.no_scale:
            log("generating the synthetic catalog")
            big_dir = tmp / "synthetic-seeds"
            t0 = time.perf_counter()
            info = gen_catalog.generate(big_dir, proposals=200, statements=5000)
            info["generate_s"] = round(time.perf_counter() - t0, 2)
            log("timing claims-atlas validate")
            results["scale"] = {"catalog": info,
                                "validate": validate_timing(big_dir, cfg["validate_runs"]),
                                "timeline_filter_python": python_side.statement_filters(big_dir)}
            exp_big = expectations(big_dir)
            exp_big["seeds"] = str(big_dir)
        log("starting servers")
        floor = srv.Server.floor(tmp)
        dash = srv.Server.dashboard(tmp)
        dash_load = srv.Server.dashboard(tmp, name="dashboard-load")
        dash_big = srv.Server.dashboard(tmp, exp_big["seeds"], name="dashboard-synthetic") \
            if exp_big else None
        for s in filter(None, (floor, dash, dash_load, dash_big)):
            running.append(s)
            s.start()
        map_only = None
        try:  # a probe, not a subject: the run goes on without it
            map_only = srv.Server.map_only(tmp)
            running.append(map_only)
            map_only.start(timeout=60)
        except Exception as exc:  # noqa: BLE001
            log(f"map-only probe app unavailable: {exc}")
            map_only = None
        results["servers"] = {s.name: {"startup_s": s.startup_s, "rss_mib_idle": s.rss_mib()}
                              for s in running}
        asyncio.run(asyncio.wait_for(
            browser_part(cfg, floor, dash, dash_load, dash_big, map_only, exp, exp_big,
                         results, tmp, args.py_spy),
            timeout=TOTAL_LIMIT_S))
        for s in running:
            results["servers"][s.name]["rss_mib_end"] = s.rss_mib()
        ok = True
    except Exception as exc:  # noqa: BLE001 - report what was measured, then fail
        results["error"] = f"{type(exc).__name__}: {exc}"
        log(f"error: {results['error']}")
    finally:
        for s in running:
            s.stop()
    if not args.no_profile:
        log("python side: AppTest reruns and map pieces (servers stopped)")
        try:
            results["python_side"] = {
                "rerun_real": python_side.rerun_profile(switches=cfg["rerun_switches"]),
                "pieces_real": python_side.pieces()}
            if exp_big:
                big = Path(exp_big["seeds"])
                results["python_side"]["rerun_synthetic"] = python_side.rerun_profile(
                    big, switches=cfg["rerun_switches"])
                results["python_side"]["pieces_synthetic"] = python_side.pieces(big, repeat=3)
                results["scale"]["validate_profile"] = python_side.validate_profile(big)
        except Exception as exc:  # noqa: BLE001
            results["python_side_error"] = f"{type(exc).__name__}: {exc}"
            ok = False
    results["goals"] = goals(results)
    results["elapsed_s"] = round(time.time() - started, 1)
    text = json.dumps(results, indent=2, ensure_ascii=False, default=str)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    log(f"wrote {args.out}")
    if ok:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        log(f"server logs kept in {tmp}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
