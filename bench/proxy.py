"""deploy/nginx.conf run on this machine: N local `claims-atlas serve` replicas behind nginx.

No container engine runs here, so the proxy set-up the Dockerfile deployment uses is run
with local processes instead: the shipped deploy/nginx.conf with only its `# replica` and
`# listen` lines rewritten to loopback ports, nginx in the foreground (`daemon off`) with a
temporary prefix, every process in its own group and stopped by id.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from bench import servers as srv

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
_REPLICA = re.compile(r"^(\s*)server\s+\S+(\s+[^;]*)?;\s*#\s*replica\s*$")
_LISTEN = re.compile(r"^(\s*)listen\s+[^;]+;\s*#\s*listen\s*$")


def render_conf(text: str, replicas: list[str], listen: str) -> str:
    """deploy/nginx.conf with its replica lines replaced by `replicas` (host:port each) and
    its listen line by `listen`. Raises ValueError if the marked lines are missing."""
    out, placed, listened = [], False, False
    for line in text.splitlines():
        m = _REPLICA.match(line)
        if m:
            if not placed:
                opts = m.group(2) or ""
                out += [f"{m.group(1)}server {r}{opts};" for r in replicas]
                placed = True
            continue
        m = _LISTEN.match(line)
        if m:
            out.append(f"{m.group(1)}listen {listen};")
            listened = True
            continue
        out.append(line)
    if not (placed and listened):
        raise ValueError("deploy/nginx.conf lost its '# replica' or '# listen' lines")
    return "\n".join(out) + "\n"


class Proxy:
    """nginx in the foreground on 127.0.0.1:<free port> in front of `replicas`."""

    def __init__(self, replicas: list[str], prefix: Path | None = None):
        self.replicas = replicas
        self.port = srv.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._own_prefix = prefix is None
        self.prefix = Path(prefix or tempfile.mkdtemp(prefix="claims-proxy-"))
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 20.0) -> Proxy:
        (self.prefix / "tmp").mkdir(parents=True, exist_ok=True)
        os.chmod(self.prefix, 0o755)  # nginx workers (user nobody) pass through it
        conf = self.prefix / "nginx.conf"
        conf.write_text(render_conf(NGINX_CONF.read_text(), self.replicas,
                                    f"127.0.0.1:{self.port}"))
        self.log = self.prefix / "error.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen([NGINX, "-p", f"{self.prefix}/", "-c", str(conf)],
                                         stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.proc.returncode}: "
                                   f"{self.log.read_text()[-2000:]}")
            with contextlib.suppress(OSError), \
                    urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return self
            time.sleep(0.1)  # polling interval for readiness, not a timing
        raise RuntimeError(f"proxy at {self.url} not healthy after {timeout}s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGQUIT)  # graceful: workers finish
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if self._own_prefix:
            shutil.rmtree(self.prefix, ignore_errors=True)

    def __enter__(self) -> Proxy:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()


def kill(server: srv.Server) -> None:
    """Kill a replica at once (SIGKILL to its own process group), as a crash would."""
    if server.proc is not None and server.proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=10)
