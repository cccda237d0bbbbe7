"""`claims-atlas serve`: the dashboard, served by Streamlit with the project's flags."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from claims_atlas.cli.common import seeds_option
from claims_atlas.core import catalog as cat

APP_SCRIPT = Path(__file__).resolve().parent.parent / "app" / "main.py"


def streamlit_flags(host: str) -> list[str]:
    """The `streamlit run` flags of every served dashboard (also used by bench/), port aside."""
    return ["--server.address", host,
            "--server.headless", "true", "--server.enableStaticServing", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            "--client.toolbarMode", "viewer", "--theme.base", "light",
            # Streamlit calls gc.collect() after every run by default: with a large catalog
            # in memory that full collection (~70 ms for 5,000 statements) sat between a
            # timeline filter's last element and "run finished". Python's own generational
            # GC still runs; bench/README.md reports the server's memory under load.
            "--runner.postScriptGC", "false"]


@click.command()
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@seeds_option
def serve(port: int, host: str, seeds: Path | None) -> None:
    """Serve the dashboard (what `make run` starts)."""
    env = dict(os.environ)
    if seeds is not None:
        env[cat.SEEDS_ENV] = str(seeds.resolve())
    args = [sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT),
            "--server.port", str(port), *streamlit_flags(host)]
    click.echo(f"claims-atlas: serving on http://{host}:{port}", err=True)
    os.execve(sys.executable, args, env)
