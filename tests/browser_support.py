"""Serving the app and driving Debian's Chromium for browser tests.

A free port per server, readiness by polling /_stcore/health (no sleeps), every request
outside 127.0.0.1 recorded so tests can fail on it, and a screenshot kept on failure.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from claims_atlas import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO_ROOT / "test-artifacts"
AXE = REPO_ROOT / ".axe" / "node_modules" / "axe-core" / "axe.min.js"  # `make axe` (npm)
LOCAL_PREFIXES = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:", "about:")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(
                f"{url}/_stcore/health", timeout=2) as r:
            if r.status == 200:
                return
        time.sleep(0.1)  # polling interval, not a wait for an effect
    raise RuntimeError(f"server at {url} not healthy after {timeout}s")


@contextlib.contextmanager
def serve(seeds: Path | None = None, log: Path | None = None) -> Iterator[str]:
    port = free_port()
    cmd = [sys.executable, "-m", "claims_atlas.cli", "serve", "--port", str(port)]
    if seeds is not None:
        cmd += ["--seeds", str(seeds)]
    env = {k: v for k, v in os.environ.items() if k != "CLAIMS_ATLAS_SEEDS"}
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log:
            out.close()


def is_external(url: str) -> bool:
    return not url.startswith(LOCAL_PREFIXES)


def watched_page(context):
    """A new page of `context` that records every request leaving 127.0.0.1 in
    `page.external`, with the tests' 30 s default timeout."""
    page = context.new_page()
    page.external = []
    page.on("request", lambda r: page.external.append(r.url) if is_external(r.url) else None)
    page.set_default_timeout(30_000)
    return page


def keep_screenshot(page, request, full_page: bool = False) -> None:
    """After a failed test, its page as test-artifacts/<test name>.png."""
    if not request.node.stash.get("failed", False):
        return
    ARTIFACTS.mkdir(exist_ok=True)
    with contextlib.suppress(Exception):
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=full_page)


def axe_violations(target) -> list:
    """axe-core's violations (every rule, any impact) in a page or frame, as
    [rule id, impact, [node selectors]]; pytest fails if `make test` did not install it."""
    import pytest

    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs axe-core from npm")
    target.evaluate(AXE.read_text(encoding="utf-8"))
    return target.evaluate("""async () => (await axe.run(document, {iframes: false}))
      .violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' '))])""")
