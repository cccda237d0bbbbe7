"""The one module that caches. Pure loaders from core, wrapped once per process.

The catalog is keyed on a fingerprint of its files (paths, sizes, mtimes), so an edit shows
on a later page load without a restart. A changed catalog is taken only once its files have
stopped changing (none touched for SETTLE_SECONDS: a file caught half-written is not
served) and it validates clean; until then the last good catalog is served and
`catalog_status` says why (the page shows it, with when the catalog last changed). With no
good catalog yet, a broken one raises its validation error (shown with path:line).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

import streamlit as st

from claims_atlas.core import catalog as cat
from claims_atlas.core import geo
from claims_atlas.core.models import Catalog


@st.cache_resource(show_spinner=False, max_entries=4)
def _catalog(seeds: str, fingerprint: tuple) -> Catalog:
    return cat.load_catalog(seeds)


SETTLE_SECONDS = 1.0


@dataclass(frozen=True)
class CatalogStatus:
    """What the page says about the catalog it shows: when its files last changed (UTC),
    and why a newer state of the files is not shown yet (None when it is)."""

    changed: dt.datetime | None
    waiting: str | None = None
    problems: tuple = ()


_good: dict[str, tuple[tuple, Catalog]] = {}     # seeds -> (fingerprint, last good catalog)
_broken: dict[str, tuple[tuple, tuple]] = {}     # seeds -> (fingerprint, its problems)
_status: dict[str, CatalogStatus] = {}
_lock = threading.Lock()


def _newest(fingerprint: tuple) -> float:
    return max((mtime for _, _, mtime in fingerprint), default=0) / 1e9


def _when(fingerprint: tuple) -> dt.datetime | None:
    newest = _newest(fingerprint)
    return dt.datetime.fromtimestamp(newest, dt.UTC) if newest else None


def catalog() -> Catalog:
    """The validated catalog (see the module docstring for when a changed one is taken);
    raises CatalogInvalid (shown by the page) when no good catalog was ever loaded."""
    seeds = str(cat.seeds_dir())
    fingerprint = cat.catalog_fingerprint(seeds)
    with _lock:
        good = _good.get(seeds)
    if good and good[0] == fingerprint:
        _status[seeds] = CatalogStatus(_when(fingerprint))
        return good[1]
    if good and time.time() - _newest(fingerprint) < SETTLE_SECONDS:
        _status[seeds] = CatalogStatus(_when(good[0]), "The catalog's files are changing: "
                                       "the new version is shown once they have settled.")
        return good[1]
    broken = _broken.get(seeds)
    if good and broken and broken[0] == fingerprint:
        _status[seeds] = CatalogStatus(_when(good[0]), _BROKEN, broken[1])
        return good[1]
    try:
        loaded = _catalog(seeds, fingerprint)
    except cat.CatalogInvalid as exc:
        if not good:
            raise
        _broken[seeds] = (fingerprint, tuple(exc.problems))
        _status[seeds] = CatalogStatus(_when(good[0]), _BROKEN, tuple(exc.problems))
        return good[1]
    with _lock:
        _good[seeds] = (fingerprint, loaded)
    _status[seeds] = CatalogStatus(_when(fingerprint))
    return loaded


_BROKEN = "The catalog was changed but does not validate; still showing the last good version."


def catalog_status() -> CatalogStatus:
    """About the catalog the last `catalog()` call returned in this process."""
    return _status.get(str(cat.seeds_dir()), CatalogStatus(None))


@st.cache_resource(show_spinner=False)
def regions_frame():
    return geo.regions_frame()


@st.cache_resource(show_spinner=False)
def neighbours_frame():
    return geo.neighbours_frame()


@st.cache_data(show_spinner=False, max_entries=64)
def export_file(_catalog: Catalog, key: tuple, format_id: str, proposal_id: str,
                highlight: tuple[str, ...], control: tuple[str, str] | None = None
                ) -> str | bytes:
    """One export format's file (render/formats.py), built when a reader asks for it;
    `control` (date ISO, source): the PNG draws that day's line of contact and split."""
    from claims_atlas.render import formats

    return formats.get(format_id).build(_catalog, proposal_id, highlight, control=control)


@st.cache_data(show_spinner=False, max_entries=16)
def csv_text(_catalog: Catalog, key: tuple, proposal_ids: tuple[str, ...]) -> str:
    """The catalog's CSV (core.export.to_csv) for these proposals only, with the
    then-and-now columns of the default control source: the map-as-a-table download."""
    from claims_atlas.core import export, then_now

    return export.to_csv(_catalog, list(proposal_ids),
                         control_source=then_now.default_source())


@st.cache_data(show_spinner=False, max_entries=4)
def bibliography(_catalog: Catalog, key: tuple) -> list:
    """core.sources.bibliography, once per catalog version."""
    from claims_atlas.core import sources

    return sources.bibliography(_catalog)


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


@st.cache_resource(show_spinner=False, max_entries=64)
def _overlay_payload(key: str, stamp: tuple) -> dict:
    from claims_atlas.render import map as rmap

    return rmap.overlay_payload(_overlay(key, stamp))


def overlay_payload(info) -> dict | None:
    """What the browser gets of a snapshot (render.map.overlay_payload), once per process;
    None for None."""
    if info is None:
        return None
    from claims_atlas.core import control_view

    stat = info.path.stat()
    return _overlay_payload(control_view.snapshot_key(info), (stat.st_size, stat.st_mtime_ns))


@st.cache_resource(show_spinner=False, max_entries=8)
def _prepared_map(seeds: str, fingerprint: tuple, height: int):
    from claims_atlas.app import mapview
    from claims_atlas.render import map as rmap

    return mapview.prepare(rmap.base_map(catalog(), height=height))


def prepared_map(c: Catalog, height: int = 620):
    """The rendered base map (folium's work done once per catalog and height); the control
    snapshot travels beside it (overlay_payload)."""
    return _prepared_map(c.seeds_dir, cat.catalog_fingerprint(c.seeds_dir), height)


@st.cache_data(show_spinner=False, max_entries=8)
def deck_pdf(_catalog: Catalog, key: tuple, deck_id: str, paper: str | None = None) -> bytes:
    """The deck's handout: one PDF page per scene, on `paper` ("a4", "letter")."""
    from claims_atlas.render import handouts

    return handouts.deck_pdf(_catalog, _catalog.briefing(deck_id), paper)


@st.cache_data(show_spinner=False, max_entries=32)
def scene_png(_catalog: Catalog, key: tuple, deck_id: str, number: int) -> bytes:
    """One scene of a deck as a 1920x1080 PNG slide (number is 1-based)."""
    from claims_atlas.render import handouts

    deck = _catalog.briefing(deck_id)
    return handouts.scene_png(_catalog, deck.scenes[number - 1],
                              f"{deck.title} · scene {number} of {len(deck.scenes)}")


def _snapshots_stamp(source: str) -> tuple:
    """What changes when `source` gains or loses a snapshot (cache key of the wrappers)."""
    return tuple((i.date.isoformat(), i.original_file_sha256) for i in snapshots()
                 if i.source == source)


@st.cache_data(show_spinner=False, max_entries=64)
def _then_and_now(_catalog: Catalog, key: tuple, proposal_id: str, source: str,
                  stamp: tuple) -> dict | None:
    from claims_atlas.core import then_now

    return then_now.then_and_now(_catalog, proposal_id, source)


def then_and_now(c: Catalog, proposal_id: str, source: str) -> dict | None:
    """core.then_now.then_and_now, once per catalog, proposal and set of snapshots."""
    return _then_and_now(c, key(c), proposal_id, source, _snapshots_stamp(source))


@st.cache_data(show_spinner=False, max_entries=16)
def _occupied_series(source: str, regions: tuple[str, ...], stamp: tuple) -> list[dict]:
    from claims_atlas.core import then_now

    return then_now.occupied_series(source, regions=regions)


def occupied_series(source: str, regions: tuple[str, ...]) -> list[dict]:
    """core.then_now.occupied_series, once per source, regions and set of snapshots."""
    return _occupied_series(source, tuple(regions), _snapshots_stamp(source))
