"""`claims-atlas sources`: what each proposal's and statement's evidence rests on."""

from __future__ import annotations

import json
from pathlib import Path

import click

from claims_atlas.cli.common import load, seeds_option


@click.command("sources")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="A table to read, or JSON for scripts.")
@click.option("--weak", is_flag=True,
              help="Only items whose evidence includes neither a wire service nor the "
                   "original outlet.")
@click.option("--bibliography", "bib", type=click.Choice(["csv", "csl-json"]), default=None,
              help="Print instead every cited source once (the Bibliography page's table), as "
                   "CSV or as CSL-JSON for reference managers.")
@seeds_option
def sources(fmt: str, weak: bool, bib: str | None, seeds: Path | None) -> None:
    """Per proposal (and its provisions) and per statement: whether the evidence rests only on
    state media, only on re-publishers, or includes the wire or the original outlet.

    JSON shape: {"proposals": [{"id", "title", "basis", "kinds", "provisions": [{"id",
    "label", "basis", "kinds"}]}], "statements": [{"id", "label", "basis", "kinds"}],
    "unclassified_hosts": [...]}; basis is one of includes_wire_or_original,
    state_media_only, republishers_only, republishers_and_state_media, unclassified,
    no_evidence; kinds counts evidence entries per source kind."""
    from claims_atlas.core import sources as src

    catalog = load(seeds)
    if bib:
        items = src.bibliography(catalog)
        click.echo(src.to_csv(items) if bib == "csv" else src.csl_json(items), nl=False)
        return
    report = src.report(catalog)
    if weak:
        report = _weak_only(report)
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    for line in _table(report, src.BASIS_LABELS):
        click.echo(line)


def _is_weak(item: dict) -> bool:
    return item["basis"] != "includes_wire_or_original"


def _weak_only(report: dict) -> dict:
    proposals = []
    for p in report["proposals"]:
        provisions = [v for v in p["provisions"] if _is_weak(v)]
        if _is_weak(p) or provisions:
            proposals.append({**p, "provisions": provisions})
    return {**report, "proposals": proposals,
            "statements": [s for s in report["statements"] if _is_weak(s)]}


def _kinds(kinds: dict) -> str:
    return ", ".join(f"{k} {n}" for k, n in kinds.items()) or "-"


def _table(report: dict, labels: dict) -> list[str]:
    rows = [("item", "id", "rests on", "evidence by kind")]
    for p in report["proposals"]:
        rows.append(("proposal", p["id"], labels[p["basis"]], _kinds(p["kinds"])))
        rows += [("  provision", v["id"], labels[v["basis"]], _kinds(v["kinds"]))
                 for v in p["provisions"]]
    rows += [("statement", s["id"], labels[s["basis"]], _kinds(s["kinds"]))
             for s in report["statements"]]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3]
             for r in rows]
    if report["unclassified_hosts"]:
        lines.append("")
        lines.append("hosts to classify in claims_atlas/core/sources.py HOSTS: "
                     + ", ".join(report["unclassified_hosts"]))
    return lines
