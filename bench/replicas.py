"""Replicas bench: simulated viewers against N `claims-atlas serve` replicas behind nginx.

    python bench/replicas.py [--replicas 3] [--stages 50,300] [--quick] [--out FILE]

Starts N replicas and deploy/nginx.conf on loopback (bench/proxy.py), then drives viewers
that speak Streamlit's WebSocket protocol (bench/st_ws.py), no browser: each opens a session
with `?proposal=<id>`, answers for the map, and switches proposals with think time between
clicks; every answer's map state is checked against render.map.map_state. Viewers stay
connected, so each stage holds its count of concurrent sessions (50, then 300). Then one
replica is killed (SIGKILL) while every viewer keeps switching: its viewers must lose their
connection and reconnect through the proxy to another replica with the same URL; nobody else
may notice.

Writes JSON (bench/replicas.json or --out): answer times (p50/p95), server memory (sum of
VmRSS over each replica's process tree) before and at each stage, per session, and the
failover's count of lost / reconnected sessions. Bounded: every request has a timeout, every
stage a deadline, every process is stopped by id in `finally`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0]).resolve() == BENCH:  # `python bench/replicas.py`
    sys.path[0] = str(ROOT)

import websockets  # noqa: E402

from bench import proxy as bproxy  # noqa: E402
from bench import servers as srv  # noqa: E402
from bench.st_ws import ProtocolError, Viewer, WrongAnswer, check  # noqa: E402
from bench.stats import summary  # noqa: E402

GOALS = {"viewers": 300, "errors": 0, "wrong_answers": 0}
LOST = (websockets.ConnectionClosed, ConnectionError, OSError)


def log(msg: str) -> None:
    print(f"[replicas {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Expect:
    """Proposal order (the picker's), and the map state each must show."""

    def __init__(self):
        from claims_atlas.core import catalog as cat
        from claims_atlas.core import query
        from claims_atlas.render import map as rmap

        c = cat.load_catalog(None)
        self.ids = [p.id for p in query.proposals_by_date(c)]
        self.states = {p: rmap.map_state(c, p) for p in self.ids}


class Sim:
    """Shared state of one run: the expected answers, the figures, the cache of messages."""

    def __init__(self, base: str, expect: Expect, timeout: float):
        self.base, self.expect, self.timeout = base, expect, timeout
        self.cache: dict = {}
        self.open_s: list[float] = []
        self.switch_s: list[float] = []
        self.reconnect_s: list[float] = []
        self.errors: list[str] = []
        self.wrong = 0
        self.lost: dict[int, str] = {}  # viewer no -> replica it was on when it lost it
        self.moved_to: dict[int, str] = {}

    async def open(self, n: int, viewer: Viewer, proposal: str, into: list[float]) -> None:
        await viewer.connect()
        r = await viewer.open(proposal)
        check(r, self.expect.states[proposal])
        into.append(r.answer_s * 1000)

    async def step(self, n: int, v: Viewer, pick: int) -> None:
        """One click on the picker; on a lost connection, reconnect with the page's URL (as
        Streamlit's frontend does) and check the answer there."""
        pid = self.expect.ids[pick]
        try:
            r = await v.switch(pick, pid)
        except LOST:
            was, t0 = v.replica, time.perf_counter()
            self.lost[n] = was
            await self.open(n, v, self.current[n], self.reconnect_s)
            self.reconnect_s[-1] = (time.perf_counter() - t0) * 1000
            self.moved_to[n] = v.replica
            r = await v.switch(pick, pid)
        try:
            check(r, self.expect.states[pid])
        except WrongAnswer:
            self.wrong += 1
            raise
        self.current[n] = pid
        self.switch_s.append(r.answer_s * 1000)


async def viewer_task(sim: Sim, n: int, v: Viewer, rng: random.Random, switches: int,
                      think: tuple[float, float], gate: asyncio.Semaphore | None) -> None:
    ids = sim.expect.ids
    try:
        if v.ws is None:
            first = rng.randrange(len(ids))
            async with gate or contextlib.nullcontext():
                await sim.open(n, v, ids[first], sim.open_s)
            sim.current[n] = ids[first]
        for _ in range(switches):
            await asyncio.sleep(rng.uniform(*think))  # think time between clicks
            here = ids.index(sim.current[n])
            await sim.step(n, v, (here + rng.randrange(1, len(ids))) % len(ids))
    except (ProtocolError, WrongAnswer, TimeoutError, *LOST) as exc:
        sim.errors.append(f"viewer {n}: {type(exc).__name__}: {exc}"[:300])


def memory(servers: list[srv.Server]) -> dict:
    per = {s.name: s.rss_mib() for s in servers}
    return {"per_replica_mib": per, "total_mib": round(sum(per.values()), 1)}


async def stage(sim: Sim, viewers: dict[int, Viewer], count: int, switches: int,
                think: tuple[float, float], deadline_s: float, seed: int) -> dict:
    """Bring the number of connected viewers up to `count`; every viewer switches."""
    t0 = time.perf_counter()
    n_open, n_sw, n_err = len(sim.open_s), len(sim.switch_s), len(sim.errors)
    for n in range(len(viewers), count):
        viewers[n] = Viewer(sim.base, shared_cache=sim.cache, timeout=sim.timeout)
    gate = asyncio.Semaphore(24)  # a surge of new readers, 24 opening at once
    tasks = [viewer_task(sim, n, v, random.Random(seed * 1000 + n), switches, think, gate)
             for n, v in viewers.items()]
    await asyncio.wait_for(asyncio.gather(*tasks), deadline_s)
    connected = [v for v in viewers.values() if v.ws is not None and v.ws.state.name == "OPEN"]
    return {"viewers": count, "connected": len(connected),
            "sessions_per_replica": dict(Counter(v.replica for v in connected)),
            "wall_s": round(time.perf_counter() - t0, 1),
            "open_answer_ms": summary(sim.open_s[n_open:]),
            "switch_answer_ms": summary(sim.switch_s[n_sw:]),
            "errors": len(sim.errors) - n_err}


async def failover(sim: Sim, viewers: dict[int, Viewer], servers: list[srv.Server],
                   switches: int, think: tuple[float, float], seed: int) -> dict:
    """Every viewer keeps switching; one replica is killed a moment in."""
    on = Counter(v.replica for v in viewers.values())
    victim = servers[1]
    addr = f"127.0.0.1:{victim.port}"
    victims = {n for n, v in viewers.items() if v.replica == addr}
    n_err = len(sim.errors)

    async def kill_soon() -> float:
        await asyncio.sleep(think[1] * 0.6)
        bproxy.kill(victim)
        log(f"killed {victim.name} ({addr}) holding {len(victims)} sessions")
        return time.perf_counter()

    tasks = [viewer_task(sim, n, v, random.Random(seed * 7000 + n), switches, think, None)
             for n, v in viewers.items()]
    killer = asyncio.ensure_future(kill_soon())
    await asyncio.wait_for(asyncio.gather(*tasks), 600)
    await killer
    lost = set(sim.lost)
    return {"killed": victim.name, "sessions_on_it": len(victims),
            "sessions_before": dict(on), "lost": len(lost),
            "lost_only_its_own": lost == victims,
            "reconnected_elsewhere": sum(1 for n in lost if sim.moved_to.get(n)
                                         and sim.moved_to[n] != addr),
            "reconnect_ms": summary(sim.reconnect_s),
            "others_undisturbed": not (lost - victims),
            "switch_answer_ms": summary(sim.switch_s[-len(viewers) * switches:]),
            "errors": len(sim.errors) - n_err}


async def drive(args, servers: list[srv.Server], proxy_url: str) -> dict:
    expect = Expect()
    sim = Sim(proxy_url, expect, timeout=args.timeout)
    sim.current = {}
    viewers: dict[int, Viewer] = {}
    # Warm each replica with one session (the catalog and the map load once per process).
    for s in servers:
        w = Viewer(s.url, shared_cache=sim.cache, timeout=args.timeout)
        await w.connect()
        await w.open(expect.ids[0])
        await w.close()
    out = {"idle_after_warmup": memory(servers), "stages": []}
    base = out["idle_after_warmup"]["total_mib"]
    for i, count in enumerate(args.stages):
        log(f"stage: {count} viewers")
        st = await stage(sim, viewers, count, args.switches, tuple(args.think), 900, i + 1)
        st["memory"] = memory(servers)
        st["memory"]["per_session_mib"] = round((st["memory"]["total_mib"] - base) / count, 2)
        out["stages"].append(st)
        log(json.dumps({k: st[k] for k in ("viewers", "connected", "errors", "wall_s")}))
    if not args.no_failover and len(servers) > 1:
        log("failover")
        out["failover"] = await failover(sim, viewers, servers, args.failover_switches,
                                         tuple(args.think), 99)
        out["failover"]["memory_after"] = memory(servers)
    for v in viewers.values():
        with contextlib.suppress(Exception):
            await v.close()
    out["errors"] = sim.errors[:20]
    out["errors_total"] = len(sim.errors)
    out["wrong_answers"] = sim.wrong
    out["answers_checked"] = len(sim.open_s) + len(sim.switch_s) + len(sim.reconnect_s)
    return out


def growth(stages: list[dict]) -> dict:
    if len(stages) < 2:
        return {}
    a, b = stages[0], stages[-1]
    return {"viewers": [a["viewers"], b["viewers"]],
            "switch_p50_ms": [a["switch_answer_ms"]["median"], b["switch_answer_ms"]["median"]],
            "switch_p95_ms": [a["switch_answer_ms"]["p95"], b["switch_answer_ms"]["p95"]],
            "total_mib": [a["memory"]["total_mib"], b["memory"]["total_mib"]],
            "per_session_mib": [a["memory"]["per_session_mib"],
                                b["memory"]["per_session_mib"]]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--replicas", type=int, default=3)
    ap.add_argument("--stages", default="50,300", help="viewer counts, comma-separated")
    ap.add_argument("--switches", type=int, default=3, help="clicks per viewer per stage")
    ap.add_argument("--failover-switches", type=int, default=2)
    ap.add_argument("--think", type=float, nargs=2, default=(2.0, 8.0), metavar=("MIN", "MAX"))
    ap.add_argument("--timeout", type=float, default=60.0, help="per request, seconds")
    ap.add_argument("--no-failover", action="store_true")
    ap.add_argument("--quick", action="store_true", help="stages 10,30, shorter think times")
    ap.add_argument("--out", type=Path, default=BENCH / "replicas.json")
    args = ap.parse_args(argv)
    if args.quick:
        args.stages, args.think = "10,30", (0.5, 2.0)
    args.stages = [int(x) for x in str(args.stages).split(",")]
    from bench.run import background_busy, machine_info

    result = {"what": "replicas behind deploy/nginx.conf, simulated WebSocket viewers",
              "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "machine": machine_info(), "goals": GOALS,
              "settings": {"replicas": args.replicas, "stages": args.stages,
                           "switches_per_stage": args.switches, "think_s": list(args.think),
                           "timeout_s": args.timeout}}
    # Other work on a shared machine inflates every figure: say how busy it was before.
    result["background_cpu_before"] = {"busy_fraction_while_idle": background_busy(2.0),
                                       "loadavg": Path("/proc/loadavg").read_text().split()[:3]}
    logdir = Path(tempfile.mkdtemp(prefix="claims-replicas-"))
    servers = [srv.Server.dashboard(logdir, name=f"replica-{i + 1}")
               for i in range(args.replicas)]
    ok = False
    try:
        for s in servers:
            s.start(timeout=120)
        result["idle_before_any_session"] = memory(servers)
        with bproxy.Proxy([f"127.0.0.1:{s.port}" for s in servers]) as px:
            t0 = time.perf_counter()
            result.update(asyncio.run(drive(args, servers, px.url)))
            result["wall_s"] = round(time.perf_counter() - t0, 1)
        result["growth"] = growth(result["stages"])
        fo = result.get("failover", {})
        result["met"] = {
            "viewers": max(args.stages) >= GOALS["viewers"],
            "errors": result["errors_total"] == 0,
            "wrong_answers": result["wrong_answers"] == 0,
            "failover_lost_only_its_own": fo.get("lost_only_its_own"),
        }
        ok = True
    finally:
        for s in servers:
            s.stop()
        result["logs"] = str(logdir)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result, indent=2))
    return 0 if ok and result["errors_total"] == 0 and result["wrong_answers"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
