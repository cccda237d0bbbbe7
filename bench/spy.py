"""Optional server-side sampling with py-spy (`run.py --py-spy`; `make bench` installs it, the
`bench` extra in pyproject.toml).

`record` samples one server process while a measurement runs; `summarise` turns py-spy's raw
(collapsed-stack) output into busy time per category and the heaviest frames.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

RATE = 200  # samples per second

# Leaves that mean "waiting", whatever py-spy's idle detection says.
IDLE_LEAVES = ("Condition.wait", "EpollSelector.select", "select (selectors.py",
               "polling_path_watcher.py", "_worker (concurrent/futures/thread.py",
               "WorkerThread.run (anyio", "Event.wait", "Thread._wait_for_tstate_lock",
               "SimpleQueue.get", "Queue.get", "sleep")

# First matching rule wins; a rule matches when any pattern is in any frame of the stack.
CATEGORIES = (
    ("gc after script run (runner.postScriptGC)", ("_on_script_finished",)),
    ("page script: dashboard code", ("claims_atlas/",)),
    ("page script: streamlit and libraries", ("ScriptRunner._run_script",)),
    ("websocket send", ("websocket", "WebSocket", "_SelectorSocketTransport.write")),
    ("protobuf serialisation", ("SerializeToString", "serialize_forward_msg")),
    ("http (static files, health)", ("starlette", "uvicorn", "StaticFiles")),
)


def find_py_spy() -> str | None:
    here = Path(sys.executable).with_name("py-spy")
    return str(here) if here.exists() else shutil.which("py-spy")


@contextlib.contextmanager
def record(pid: int, out: Path, max_seconds: int = 600) -> Iterator[Path | None]:
    """Sample `pid` until the block ends (SIGINT to our own py-spy process, by its id)."""
    exe = find_py_spy()
    if exe is None:
        yield None
        return
    proc = subprocess.Popen([exe, "record", "-p", str(pid), "-o", str(out), "-f", "raw",
                             "-r", str(RATE), "-d", str(max_seconds), "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield out
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def parse(text: str) -> list[tuple[list[str], int]]:
    """py-spy raw format: 'frame;frame;...;leaf count' per line."""
    stacks = []
    for line in text.splitlines():
        stack, _, count = line.rstrip().rpartition(" ")
        if stack and count.isdigit():
            stacks.append((stack.split(";"), int(count)))
    return stacks


def summarise(text: str, rate: int = RATE, per: int = 1, top: int = 15) -> dict:
    """Busy samples by category and the heaviest frames (self and inclusive), in ms per
    `per` (e.g. per rerun)."""
    busy = [(frames, n) for frames, n in parse(text)
            if not any(idle in frames[-1] for idle in IDLE_LEAVES)]

    def ms(samples: int) -> float:
        return round(samples * 1000 / rate / max(per, 1), 1)

    cats: Counter = Counter()
    own: Counter = Counter()
    incl: Counter = Counter()
    for frames, n in busy:
        joined = ";".join(frames)
        cat = next((name for name, pats in CATEGORIES if any(p in joined for p in pats)),
                   "other")
        cats[cat] += n
        own[frames[-1]] += n
        for f in set(frames):
            incl[f] += n
    total = sum(n for _, n in busy)
    return {"busy_ms": ms(total), "per": per, "rate_hz": rate,
            "by_category_ms": {k: ms(v) for k, v in cats.most_common()},
            "top_self_ms": [[f, ms(v)] for f, v in own.most_common(top)],
            "top_inclusive_ms": [[f, ms(v)] for f, v in incl.most_common(top * 3)
                                 if "claims_atlas/" in f or "streamlit/" in f][:top]}
