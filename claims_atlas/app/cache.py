"""The one module that caches. Pure loaders from core, wrapped once per process.

The catalog is keyed on a fingerprint of its files (paths, sizes, mtimes), so an edit shows
on the next page load without a restart, and a broken edit raises its validation error
instead of serving the old data silently (Streamlit does not cache exceptions).
"""

from __future__ import annotations

import streamlit as st

from claims_atlas.core import catalog as cat
from claims_atlas.core import geo
from claims_atlas.core.models import Catalog


@st.cache_resource(show_spinner=False, max_entries=4)
def _catalog(seeds: str, fingerprint: tuple) -> Catalog:
    return cat.load_catalog(seeds)


def catalog() -> Catalog:
    """The validated catalog; raises CatalogInvalid (shown by the page) when it is broken."""
    seeds = str(cat.seeds_dir())
    return _catalog(seeds, cat.catalog_fingerprint(seeds))


@st.cache_resource(show_spinner=False)
def regions_frame():
    return geo.regions_frame()


@st.cache_resource(show_spinner=False)
def neighbours_frame():
    return geo.neighbours_frame()


@st.cache_data(show_spinner=False, max_entries=64)
def export_file(_catalog: Catalog, key: tuple, format_id: str, proposal_id: str,
                highlight: tuple[str, ...]) -> str | bytes:
    """One export format's file (render/formats.py), built when a reader asks for it."""
    from claims_atlas.render import formats

    return formats.get(format_id).build(_catalog, proposal_id, highlight)


def key(c: Catalog) -> tuple:
    """A hashable stand-in for the catalog in cache keys."""
    return cat.catalog_fingerprint(c.seeds_dir)


def snapshots() -> list:
    """The cached control snapshots (a small index file: cheap, so read on every run)."""
    from claims_atlas.core import control

    try:
        return control.list_snapshots()
    except control.ControlError:
        return []


@st.cache_resource(show_spinner=False, max_entries=4)
def _overlay(key: str, stamp: tuple):
    from claims_atlas.core import control_view

    return control_view.overlay(control_view.find(key))


def overlay(info):
    """The split parts and line of contact of a snapshot, computed once per process."""
    from claims_atlas.core import control_view

    stat = info.path.stat()
    return _overlay(control_view.snapshot_key(info), (stat.st_size, stat.st_mtime_ns))


@st.cache_data(show_spinner=False, max_entries=64)
def moved_rows(_catalog: Catalog, key: tuple, proposal_id: str, snapshot: str) -> list[dict]:
    from claims_atlas.core import control_view

    return control_view.moved_rows(_catalog, proposal_id, control_view.find(snapshot))


@st.cache_resource(show_spinner=False, max_entries=8)
def _prepared_map(seeds: str, fingerprint: tuple, overlay_key: str | None, height: int):
    from claims_atlas.app import mapview
    from claims_atlas.render import map as rmap

    snapshot = None
    if overlay_key is not None:
        from claims_atlas.core import control_view

        snapshot = overlay(control_view.find(overlay_key))
    return mapview.prepare(rmap.base_map(catalog(), height=height, overlay=snapshot))


def prepared_map(c: Catalog, overlay_key: str | None = None, height: int = 620):
    """The rendered base map (folium's work done once per catalog, snapshot and height)."""
    return _prepared_map(c.seeds_dir, cat.catalog_fingerprint(c.seeds_dir), overlay_key,
                         height)


@st.cache_data(show_spinner=False, max_entries=8)
def deck_pdf(_catalog: Catalog, key: tuple, deck_id: str) -> bytes:
    """The deck's handout: one PDF page per scene."""
    from claims_atlas.render import handouts

    return handouts.deck_pdf(_catalog, _catalog.briefing(deck_id))


@st.cache_data(show_spinner=False, max_entries=32)
def scene_png(_catalog: Catalog, key: tuple, deck_id: str, number: int) -> bytes:
    """One scene of a deck as a 1920x1080 PNG slide (number is 1-based)."""
    from claims_atlas.render import handouts

    deck = _catalog.briefing(deck_id)
    return handouts.scene_png(_catalog, deck.scenes[number - 1],
                              f"{deck.title} · scene {number} of {len(deck.scenes)}")
