"""A/B of Streamlit server flags on the dashboard, without touching dashboard code.

    python bench/ab_flags.py [--flag runner.postScriptGC=false] [--seeds DIR] [--rounds 2]

Serves claims_atlas/app/main.py twice with the flags `claims-atlas serve` uses, B with the extra
flags on top, and measures on both (interleaved): the timeline filter in the browser
(Speakers multiselect, see browser.timeline_filter) and switches (click -> classes, click ->
selection message, click -> rerun finished). Without --seeds it generates the synthetic
catalog (200 proposals, 5,000 statements) in a temporary folder. Prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import gen_catalog  # noqa: E402
from bench import servers as srv  # noqa: E402
from bench.stats import summary  # noqa: E402


def server(workdir: Path, name: str, seeds: Path, extra: list[str]) -> srv.Server:
    port = srv.free_port()
    flags, _ = srv.streamlit_flags()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "claims_atlas" / "app" / "main.py"),
           "--server.port", str(port), *flags, *extra]
    return srv.Server(name, cmd, port, workdir / f"{name}.log",
                      env={"CLAIMS_ATLAS_SEEDS": str(seeds)})


async def measure(servers: list[srv.Server], seeds: Path, rounds: int, switches: int) -> dict:
    from playwright.async_api import async_playwright

    from bench import browser as B
    from bench.run import expectations
    from claims_atlas.core import catalog as cat
    from claims_atlas.core import query

    c = cat.load_catalog(seeds)
    speakers = query.speakers(c)
    cases = [(s, [x.id for x in query.statements(c, query.StatementFilter(speakers=(s,)))])
             for s in speakers[:3]]
    every = [x.id for x in query.statements(c)]
    exp = expectations(seeds)
    out = {s.name: {"filter_narrow_ms": [], "filter_widen_ms": [], "switch_ms": [],
                    "click_to_selection_msg_ms": [], "click_to_rerun_done_ms": [],
                    "errors": []} for s in servers}
    async with async_playwright() as pw:
        [b] = await B.launch(pw, 1)
        try:
            for s in servers:
                await B.first_view(b, s.url, "map", exp["regions"], measure_bytes=False)
            for _ in range(rounds):
                for s in servers:
                    r = out[s.name]
                    tl = await B.timeline_filter(b, s.url, cases, every, exp["regions"])
                    r["filter_narrow_ms"] += tl["narrow_ms"]
                    r["filter_widen_ms"] += tl["widen_ms"]
                    r["errors"] += tl["errors"]
                    sw = await B.switching(b, s.url, exp["ids"], exp["titles"], exp["expected"],
                                           exp["default"], switches, exp["regions"])
                    r["switch_ms"] += [x["ms"] for x in sw["switches"] if x.get("ms")]
                    for key in ("click_to_selection_msg_ms", "click_to_rerun_done_ms"):
                        r[key] += [p[key] for p in sw["phases"] if p.get(key) is not None]
        finally:
            await b.close()
    return {name: {k: (summary(v) if k != "errors" else v) for k, v in r.items()}
            for name, r in out.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="A/B of Streamlit server flags on the dashboard")
    ap.add_argument("--flag", action="append", default=[],
                    help="section.option=value added to B (repeatable); default "
                         "runner.postScriptGC=false")
    ap.add_argument("--seeds", type=Path, default=None)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--switches", type=int, default=8)
    args = ap.parse_args(argv)
    flags = args.flag or ["runner.postScriptGC=false"]
    extra = [x for f in flags for x in (f"--{f.split('=', 1)[0]}", f.split("=", 1)[1])]
    tmp = Path(tempfile.mkdtemp(prefix="claims-atlas-ab-"))
    running: list[srv.Server] = []
    try:
        seeds = args.seeds
        if seeds is None:
            seeds = tmp / "synthetic-seeds"
            gen_catalog.generate(seeds)
        a = server(tmp, "A-default", seeds, [])
        b = server(tmp, "B-" + ",".join(flags), seeds, extra)
        for s in (a, b):
            running.append(s)
            s.start()
        result = asyncio.run(asyncio.wait_for(
            measure([a, b], seeds, max(1, args.rounds), max(1, args.switches)), timeout=1800))
        print(json.dumps({"seeds": str(seeds), "flags_b": flags, **result}, indent=2))
        return 0
    finally:
        for s in running:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
