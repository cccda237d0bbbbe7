"""`claims-atlas build-site -o DIR`: the static atlas for any web host (render/site.py)."""

from __future__ import annotations

from pathlib import Path

import click

from claims_atlas.cli.common import fail, load, seeds_option


@click.command("build-site")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Folder to write (created; the site's own files in it are replaced).")
@click.option("--control", "control", metavar="SOURCE", default=None,
              help="Include the cached control snapshots of SOURCE (one per month and the "
                   "latest) for the date slider; default: none (publishing them publishes "
                   "the source's data).")
@seeds_option
def build_site(output: Path, control: str | None, seeds: Path | None) -> None:
    """Write the static atlas: DIR/index.html, DIR/embed.html, compare/, assets/, data/.

    Serve DIR with any static web server (it needs no Python at view time), e.g.
    `python -m http.server -d DIR`. Links take the app's URL parameters."""
    from claims_atlas.render import site

    catalog = load(seeds)
    try:
        written = site.build(catalog, output, control=control)
    except (site.SiteError, OSError) as exc:
        fail(exc)
    size = sum(p.stat().st_size for p in written)
    click.echo(f"wrote {len(written)} files ({size / 1024:.0f} KB) to {output}; "
               f"open {output / 'index.html'} through a web server", err=True)
