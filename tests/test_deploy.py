"""deploy/: the Dockerfile's promises, and the nginx set-up run for real with local replicas.

No container engine runs on this machine, so the proxy configuration the containers use
(deploy/nginx.conf) is run with two `claims-atlas serve` processes on loopback instead: health
through the proxy, sticky routing by cookie, Streamlit's WebSocket through the upgrade, and a
proposal switch answered correctly over it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import re
import shlex
import shutil
import urllib.request
from unittest import mock

import pytest
from click.testing import CliRunner

from bench import proxy as bproxy
from bench import servers as srv
from bench.st_ws import Viewer, check
from claims_atlas import PACKAGE_DIR
from claims_atlas.cli import main as cli_main
from claims_atlas.cli import serve as cli_serve
from claims_atlas.core import catalog as cat
from claims_atlas.core import query
from claims_atlas.core.briefing import EDITOR_ENV
from claims_atlas.render import map as rmap

DEPLOY = PACKAGE_DIR.parent / "deploy"


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", text)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def _serve_as_the_container_runs_it(cmd: str, public: str) -> tuple[list[str], dict]:
    """The argv and environment `claims-atlas serve` would exec for the Dockerfile's CMD
    (its `sh -c` line, with $CLAIMS_ATLAS_PUBLIC_HOST set as the image sets it)."""
    line = json.loads(cmd)[-1].replace("$CLAIMS_ATLAS_PUBLIC_HOST", public)
    words = shlex.split(line)
    assert words[:3] == ["exec", "claims-atlas", "serve"], words
    seen = {}

    def capture(_path, argv, env):
        seen.update(argv=list(argv), env=dict(env))
        raise SystemExit(0)

    with mock.patch.object(cli_serve.os, "execve", capture):
        result = CliRunner().invoke(cli_main, words[2:])
    assert result.exit_code == 0, result.output
    return seen["argv"], seen["env"]


def test_dockerfile_runs_unprivileged_read_only_catalog_no_editor():
    steps = _instructions((DEPLOY / "Dockerfile").read_text())
    users = [rest for word, rest in steps if word == "USER"]
    assert users and users[-1] not in ("root", "0"), "the app must not run as root"
    health = " ".join(rest for word, rest in steps if word == "HEALTHCHECK")
    assert "/_stcore/health" in health
    env = " ".join(rest for word, rest in steps if word == "ENV")
    assert "CLAIMS_ATLAS_SEEDS=/catalog" in env
    cmd = [rest for word, rest in steps if word == "CMD"][-1]
    assert "serve" in cmd and "--editor" not in cmd
    public = next(rest.split("=", 1)[1] for word, rest in steps
                  if word == "ENV" and rest.startswith("CLAIMS_ATLAS_PUBLIC_HOST="))
    argv, env = _serve_as_the_container_runs_it(cmd, public)
    assert env.get(EDITOR_ENV) is None, "the container's app is read-only"
    assert argv[argv.index("--server.address") + 1] == "0.0.0.0"
    assert "--server.allowedHosts" in argv and public in argv
    compose = (DEPLOY / "compose.yaml").read_text()
    assert re.search(r":/catalog:ro\b", compose), "the catalog is mounted read-only"
    assert "--editor" not in compose


def test_render_conf_rewrites_only_marked_lines():
    text = bproxy.NGINX_CONF.read_text()
    out = bproxy.render_conf(text, ["127.0.0.1:1111", "127.0.0.1:2222"], "127.0.0.1:3333")
    assert re.findall(r"server (\S+) max_fails", out) == ["127.0.0.1:1111", "127.0.0.1:2222"]
    assert "listen 127.0.0.1:3333;" in out and "listen 8080" not in out
    assert "hash $claims_route consistent;" in out
    with pytest.raises(ValueError):
        bproxy.render_conf(text.replace("# listen", ""), ["127.0.0.1:1"], "127.0.0.1:2")


def test_load_generator_reads_the_apps_selection_script():
    """bench/st_ws.py finds the answer where the app puts it (render.map.page_script)."""
    from bench.st_ws import map_state_in

    c = cat.load_catalog(None)
    state = rmap.map_state(c, "us-28-point-plan", selected="UA-14")
    assert map_state_in(rmap.page_script("map", state)) == state
    assert map_state_in("<p>no script</p>") is None


@pytest.fixture(scope="module")
def replicas_behind_proxy(tmp_path_factory):
    if shutil.which("nginx") is None and not bproxy.Path(bproxy.NGINX).exists():
        pytest.fail("nginx is missing: `make test` installs Debian's nginx")
    logs = tmp_path_factory.mktemp("replicas")
    servers = [srv.Server.dashboard(logs, name=f"replica-{i}") for i in (1, 2)]
    try:
        for s in servers:
            s.start(timeout=90)
        with bproxy.Proxy([f"127.0.0.1:{s.port}" for s in servers]) as px:
            yield px, servers
    finally:
        for s in servers:
            s.stop()


def _get(url: str, cookie: str | None = None):
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.read(), r.headers


def _route_cookie(headers) -> str | None:
    found = [c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or []
             if c.startswith("claims_route=")]
    return found[0] if found else None


def test_health_and_sticky_routing_through_proxy(replicas_behind_proxy):
    px, servers = replicas_behind_proxy
    status, body, headers = _get(f"{px.url}/_stcore/health")
    assert (status, body) == (200, b"ok")
    cookie = _route_cookie(headers)
    assert cookie is not None and len(cookie) > len("claims_route=") + 16
    first = headers["X-Claims-Replica"]
    for _ in range(5):  # the same cookie always reaches the same replica, and keeps it
        _, _, h = _get(f"{px.url}/_stcore/health", cookie)
        assert h["X-Claims-Replica"] == first and _route_cookie(h) is None
    seen = {_get(f"{px.url}/_stcore/health")[2]["X-Claims-Replica"] for _ in range(24)}
    assert seen == {f"127.0.0.1:{s.port}" for s in servers}, "new readers spread"


@pytest.mark.browser
def test_browser_session_through_proxy_stays_on_one_replica(page, replicas_behind_proxy):
    """Chromium sends Origin and the cookie as a reader's browser does: the app's WebSocket
    is accepted through the proxy and every request of the page reaches one replica."""
    px, _servers = replicas_behind_proxy
    replicas: list[str] = []
    page.on("response", lambda r: replicas.append(r.headers.get("x-claims-replica")))
    page.goto(f"{px.url}/?proposal=us-28-point-plan")
    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
    frame.locator("path.region-UA-14.disp-demilitarised_zone").wait_for(state="attached")
    assert frame.locator("path.region").count() == 27
    assert "claims_route" in {c["name"] for c in page.context.cookies()}
    answered = [r for r in replicas if r]
    assert len(answered) > 5 and len(set(answered)) == 1, set(answered)
    assert page.external == []


def test_websocket_session_through_proxy_switches_and_fails_over(replicas_behind_proxy):
    px, servers = replicas_behind_proxy
    c = cat.load_catalog(None)
    ids = [p.id for p in query.proposals_by_date(c)]

    async def scenario():
        v = Viewer(px.url, timeout=60)
        await v.connect()
        assert v.cookie and v.replica in {f"127.0.0.1:{s.port}" for s in servers}
        first = await v.open(ids[1])
        assert first.state is not None, (v.seen, v.exceptions, first)
        check(first, rmap.map_state(c, ids[1]))
        check(await v.switch(2, ids[2]), rmap.map_state(c, ids[2]))
        check(await v.switch(3, ids[3]), rmap.map_state(c, ids[3]))  # the URL the app wrote
        await v.close()
        # Its replica goes away: the same cookie now reaches the other one.
        dead = next(s for s in servers if v.replica == f"127.0.0.1:{s.port}")
        bproxy.kill(dead)
        before = v.replica
        await v.connect()
        assert v.replica != before
        check(await v.open(ids[2]), rmap.map_state(c, ids[2]))
        await v.close()

    # Its own thread: Playwright's sync API (the browser tests) keeps a loop in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(asyncio.wait_for(scenario(), 240))).result(timeout=300)
