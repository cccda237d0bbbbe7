"""Shared page pieces: styles, the error view, notices. Only built, escaped HTML goes out."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from claims_atlas.core import query
from claims_atlas.core.models import Problem
from claims_atlas.render import map as rmap
from claims_atlas.render.html import notice_html
from claims_atlas.render.templating import fragment

# The map's page script (render.map.page_script) sits in an element of its own: no gap for it.
_MAP_SCRIPT_HIDDEN = (f'[class*="st-key-{rmap.BOX_PREFIX}"] [data-testid="stElementContainer"]'
                      ':has(> [data-testid="stHtml"]){display:none}\n'
                      '.st-key-datebar [data-testid="stElementContainer"]'
                      ':has(> [data-testid="stHtml"]){display:none}\n')

CSS = "\n<style>\n" + _MAP_SCRIPT_HIDDEN + """.timeline{list-style:none;padding-left:0;margin:0}
.timeline .statement{border-left:4px solid #88CCEE;padding:4px 10px;margin:0 0 12px 0}
.timeline .stance-rejects,.timeline .stance-denies{border-left-color:#CC6677}
.timeline .stance-supports,.timeline .stance-proposes{border-left-color:#117733}
.timeline .when{font-weight:600;color:#333}
.timeline .stance{font-size:.8em;background:#eee;border-radius:4px;padding:0 5px}
blockquote.quote{margin:4px 0;padding-left:8px;border-left:2px solid #ccc;font-style:italic}
.tag{font-size:.75em;background:#444;color:#fff;border-radius:4px;padding:1px 5px}
.state-media{font-size:.75em;background:#882255;color:#fff;border-radius:4px;padding:1px 5px}
ul.evidence{margin:2px 0 0 0;padding-left:18px;font-size:.85em;color:#333}
.legend-row{display:flex;gap:8px;align-items:center;margin:4px 0}
.swatch{flex:none;vertical-align:middle}
table.detail,table.compare{border-collapse:collapse;width:100%}
table.detail th,table.detail td,table.compare th,table.compare td{border-top:1px solid #ddd;
  padding:6px;vertical-align:top;text-align:left}
table.compare tr.changed{background:#fff6d5}
.status{font-weight:600;text-transform:uppercase;font-size:.8em;padding:1px 6px;
  border:1px solid #333;border-radius:4px}
.notices{background:#fff3cd;border:1px solid #e0c36a;border-radius:6px;padding:8px 24px}
mark#passage{background:#ffe066;padding:2px}
.document-text{white-space:pre-wrap;font-family:Georgia,serif;line-height:1.5}
.attribution{font-size:.8em;color:#444}
.after-note,.not-yet{font-weight:600;color:#5c4800;margin:0 0 6px 0}
.not-yet{background:#fff3b0;border:1px solid #8a6d00;border-radius:4px;padding:2px 8px}
</style>
"""


def style() -> None:
    st.html(CSS)


def record_reach(catalog) -> None:
    """One line under the page title: how far the record reaches (computed from the catalog)."""
    st.html(fragment("paragraph", query.record_reach_text(catalog), "attribution",
                     "record-reach"))


def notices(messages: Sequence[str]) -> None:
    if messages:
        st.html(notice_html(messages))


def hide_root(text: str, seeds: str | os.PathLike) -> str:
    """`text` with the catalog folder's server path written `seeds`: visitors never see
    an absolute server path."""
    root = Path(seeds)
    for form in sorted({str(root.resolve()), str(root.absolute())}, key=len, reverse=True):
        text = text.replace(form, "seeds")
    return text


def catalog_error(problems: Sequence[Problem]) -> None:
    """A readable error: what is wrong, in which file and on which line. No traceback."""
    from claims_atlas.core.catalog import seeds_dir

    st.error(f"The catalog has {len(problems)} problem(s); fix them and reload the page.")
    st.html(fragment("problems", [hide_root(str(p), seeds_dir()) for p in problems]))


def catalog_status(status, sidebar: bool = True) -> None:
    """When the catalog last changed (in the sidebar) and, if a newer state of its files is
    not shown yet, why (a notice, with the problems as path:line)."""
    from claims_atlas.core.catalog import seeds_dir

    if sidebar and status.changed is not None:
        st.sidebar.caption(f"Catalog last changed {status.changed:%Y-%m-%d %H:%M:%S} UTC")
    if status.waiting:
        notices([status.waiting, *(hide_root(str(p), seeds_dir()) for p in status.problems)])
