"""`claims-atlas serve`: the dashboard, served by Streamlit with the project's flags.

Visitors read; editors write. By default the served app is read-only: "Add this view to a
deck" builds a deck in the visitor's browser session and offers it as a download. `--editor`
lets the app save scenes into the catalog's briefings/ folder; it is refused on a host other
than the loopback unless `--allow-remote-editor` says so too.

The server answers WebSocket connections only for known host names (DNS rebinding:
Streamlit's server.allowedHosts), with CORS and XSRF protection on, and shows visitors no
exception details (client.showErrorDetails "none": the server log keeps them).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from pathlib import Path

import click

from claims_atlas.cli.common import fail, seeds_option
from claims_atlas.core import catalog as cat
from claims_atlas.core.briefing import EDITOR_ENV

APP_SCRIPT = Path(__file__).resolve().parent.parent / "app" / "main.py"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    """Whether binding `host` keeps the server on this machine (127.0.0.0/8, ::1, localhost)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, extra: tuple[str, ...] = ()) -> list[str]:
    """Host names the server accepts in a WebSocket's Host header: the loopback names, the
    bound address, this machine's names when bound to every interface, and `extra`."""
    names = [*LOOPBACK_NAMES]
    bare = host.strip("[]")
    if bare in ("0.0.0.0", "::"):
        names += [socket.gethostname(), socket.getfqdn()]
    elif not is_loopback(bare):
        names.append(bare)
    names += [e.strip() for e in extra if e.strip()]
    return list(dict.fromkeys(n.lower() for n in names if n))


def streamlit_flags(host: str, extra_hosts: tuple[str, ...] = ()) -> list[str]:
    """The `streamlit run` flags of every served dashboard (also used by bench/), port aside."""
    flags = ["--server.address", host,
             "--server.headless", "true", "--server.enableStaticServing", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
             "--client.toolbarMode", "viewer", "--theme.base", "light",
             # Visitors see a generic message, never a traceback or a server path; the
             # server's log has the details.
             "--client.showErrorDetails", "none",
             "--server.enableCORS", "true", "--server.enableXsrfProtection", "true",
             # Streamlit calls gc.collect() after every run by default: with a large catalog
             # in memory that full collection (~70 ms for 5,000 statements) sat between a
             # timeline filter's last element and "run finished". Python's own generational
             # GC still runs; bench/README.md reports the server's memory under load.
             "--runner.postScriptGC", "false",
             # Streamlit resends every element on every rerun unless the browser holds it
             # already (its message cache); by default only elements of 10 KB or more are
             # cached. At 400 bytes a date step or a proposal switch sends what changed, not
             # the page's unchanged header, legend and sidebar again (bench/date_steps.py).
             "--global.minCachedMessageSize", "400"]
    for name in allowed_hosts(host, extra_hosts):
        flags += ["--server.allowedHosts", name]
    return flags


def command(port: int, host: str, extra_hosts: tuple[str, ...] = ()) -> list[str]:
    """The server's argv. `-P`: the current directory is not put on sys.path, so a
    `claims_atlas/` (or `dashboard/`) folder where serve is started is never imported
    instead of the installed package."""
    return [sys.executable, "-P", "-m", "streamlit", "run", str(APP_SCRIPT),
            "--server.port", str(port), *streamlit_flags(host, extra_hosts)]


@click.command()
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 for every interface (see README).")
@click.option("--allowed-host", "extra_hosts", multiple=True, metavar="NAME",
              help="A host name visitors use to reach the server (repeatable; '*' for any). "
                   "Loopback names and the bound address are always accepted.")
@click.option("--editor", is_flag=True,
              help="Let the app save views into the catalog's briefings/ (default: read-only).")
@click.option("--allow-remote-editor", is_flag=True,
              help="Allow --editor on a non-loopback host: anyone who reaches it can write.")
@seeds_option
def serve(port: int, host: str, extra_hosts: tuple[str, ...], editor: bool,
          allow_remote_editor: bool, seeds: Path | None) -> None:
    """Serve the dashboard (what `make run` starts); read-only unless --editor."""
    if editor and not is_loopback(host) and not allow_remote_editor:
        fail(f"--editor on {host} would let anyone who reaches the server write to the "
             f"catalog; serve on 127.0.0.1, or add --allow-remote-editor")
    env = dict(os.environ)
    env.pop(EDITOR_ENV, None)
    if editor:
        env[EDITOR_ENV] = "1"
    if seeds is not None:
        env[cat.SEEDS_ENV] = str(seeds.resolve())
    mode = "editor: saves go to briefings/" if editor else "read-only"
    click.echo(f"claims-atlas: serving on http://{host}:{port} ({mode})", err=True)
    os.execve(sys.executable, command(port, host, extra_hosts), env)
