"""Starting and stopping the servers under test, and sampling their memory.

Each server gets a free port on 127.0.0.1, its own process group (so that stopping it
never touches anything else) and a log file. Readiness is polled on /_stcore/health with a
bounded timeout.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR_APP = Path(__file__).resolve().parent / "floor_app.py"
MAP_ONLY_APP = Path(__file__).resolve().parent / "map_only_app.py"
DASHBOARD_STATIC = ROOT / "claims_atlas" / "app" / "static"
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def streamlit_flags() -> tuple[list[str], str]:
    """The `streamlit run` flags `claims-atlas serve` uses (one list, in the CLI), port aside.

    Returns (flags, "cli").
    """
    from claims_atlas.cli.serve import streamlit_flags as serve_flags

    return serve_flags("127.0.0.1"), "cli"


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def tree_pids(pid: int, limit: int = 256) -> list[int]:
    """pid and its descendants (bounded)."""
    seen, todo = [], [pid]
    while todo and len(seen) < limit:
        p = todo.pop()
        if p in seen:
            continue
        seen.append(p)
        todo += _children(p)
    return seen


def rss_kib(pid: int) -> int:
    """VmRSS of one process in KiB (0 if it is gone)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_s(pid: int) -> float:
    """utime + stime of one process, in seconds (0 if it is gone)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


def tree_cpu_s(pid: int) -> float:
    return round(sum(cpu_s(p) for p in tree_pids(pid)), 2)


def machine_cpu_s() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    with contextlib.suppress(OSError, ValueError):
        vals = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        tick = os.sysconf("SC_CLK_TCK")
        idle = vals[3] + (vals[4] if len(vals) > 4 else 0)
        return (sum(vals) - idle) / tick, sum(vals) / tick
    return 0.0, 0.0


def tree_rss_mib(pid: int) -> float:
    return round(sum(rss_kib(p) for p in tree_pids(pid)) / 1024, 1)


class RssSampler:
    """Samples a process tree's RSS in a thread until stopped (bounded by max_seconds)."""

    def __init__(self, pid: int, interval: float = 0.2, max_seconds: float = 3600):
        self.pid, self.interval, self.max_seconds = pid, interval, max_seconds
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        while not self._stop.is_set() and time.monotonic() < deadline:
            self.samples.append(tree_rss_mib(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def result(self) -> dict:
        s = self.samples
        return {"samples": len(s), "start_mib": s[0] if s else None,
                "peak_mib": max(s) if s else None, "end_mib": s[-1] if s else None,
                "interval_s": self.interval}


class Server:
    """One Streamlit server process (the floor app or the dashboard)."""

    def __init__(self, name: str, cmd: list[str], port: int, log: Path,
                 env: dict[str, str] | None = None):
        self.name, self.cmd, self.port, self.log = name, cmd, port, log
        self.extra_env = dict(env or {})
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None
        self.startup_s: float | None = None

    @classmethod
    def floor(cls, logdir: Path) -> Server:
        port = free_port()
        flags, _ = streamlit_flags()
        cmd = [sys.executable, "-m", "streamlit", "run", str(FLOOR_APP), "--server.port",
               str(port), *flags]
        return cls("floor", cmd, port, logdir / "floor.log")

    @classmethod
    def map_only(cls, workdir: Path) -> Server:
        """bench/map_only_app.py, copied next to a `static` link to the dashboard's."""
        app_dir = workdir / "map-only"
        app_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(MAP_ONLY_APP, app_dir / "app.py")
        static = app_dir / "static"
        if not static.exists():
            static.symlink_to(DASHBOARD_STATIC, target_is_directory=True)
        port = free_port()
        flags, _ = streamlit_flags()
        cmd = [sys.executable, "-m", "streamlit", "run", str(app_dir / "app.py"),
               "--server.port", str(port), *flags]
        return cls("map-only", cmd, port, workdir / "map-only.log")

    @classmethod
    def dashboard(cls, logdir: Path, seeds: Path | None = None, name: str = "dashboard"
                  ) -> Server:
        port = free_port()
        cmd = [sys.executable, "-m", "claims_atlas.cli", "serve", "--port", str(port)]
        if seeds is not None:
            cmd += ["--seeds", str(seeds)]
        return cls(name, cmd, port, logdir / f"{name}.log")

    def start(self, timeout: float = 90.0) -> Server:
        env = {k: v for k, v in os.environ.items() if k != "CLAIMS_ATLAS_SEEDS"}
        env.update(self.extra_env)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.monotonic()
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=env, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_healthy(timeout)
        self.startup_s = round(time.monotonic() - t0, 2)
        return self

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} server exited with {self.proc.returncode}; "
                                   f"see {self.log}")
            with contextlib.suppress(OSError), \
                    urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
            time.sleep(0.1)  # polling interval for readiness, not a timing
        raise RuntimeError(f"{self.name} server at {self.url} not healthy after {timeout}s")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss_mib(self) -> float:
        return tree_rss_mib(self.pid)

    def stop(self) -> None:
        """Terminate the server's own process group; kill it if it lingers."""
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def __enter__(self) -> Server:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()
