"""The server's Python side, timed in-process: what one rerun of the map page costs, and
where `claims-atlas validate` spends its time.

Nothing here changes dashboard code: functions the page calls are wrapped with timers for
the duration of a measurement (module attributes, restored afterwards), and the script
thread of streamlit's AppTest is profiled with cProfile.
"""

from __future__ import annotations

import contextlib
import cProfile
import gc
import io
import os
import pstats
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

from bench.stats import summary

ROOT = Path(__file__).resolve().parent.parent
MAIN = str(ROOT / "claims_atlas" / "app" / "main.py")


def timed(fn: Callable, repeat: int = 5) -> tuple[dict, object]:
    """Run fn() `repeat` times; (summary of ms, last result)."""
    times, result = [], None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return summary(times, 2), result


@contextlib.contextmanager
def seeds_env(seeds: Path | None) -> Iterator[None]:
    from claims_atlas.core.catalog import SEEDS_ENV

    old = os.environ.get(SEEDS_ENV)
    if seeds is None:
        os.environ.pop(SEEDS_ENV, None)
    else:
        os.environ[SEEDS_ENV] = str(Path(seeds).resolve())
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(SEEDS_ENV, None)
        else:
            os.environ[SEEDS_ENV] = old


class Timers:
    """Wraps named module attributes with inclusive timers (ms per call, summed per run)."""

    def __init__(self, targets: list[tuple[object, str, str]]):
        self.targets = [(mod, attr, label) for mod, attr, label in targets
                        if hasattr(mod, attr)]
        self.calls: dict[str, list[float]] = {}
        self._saved: list[tuple[object, str, object]] = []

    def __enter__(self) -> Timers:
        for mod, attr, label in self.targets:
            original = getattr(mod, attr)
            self._saved.append((mod, attr, original))
            setattr(mod, attr, self._wrap(original, label))
        return self

    def _wrap(self, fn, label):
        calls = self.calls

        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                calls.setdefault(label, []).append((time.perf_counter() - t0) * 1000)

        wrapper.__wrapped__ = fn
        return wrapper

    def __exit__(self, *exc) -> None:
        for mod, attr, original in reversed(self._saved):
            setattr(mod, attr, original)
        self._saved.clear()

    def reset(self) -> None:
        self.calls.clear()

    def snapshot(self, runs: int) -> dict:
        """Per label: calls per run and ms per run (sum over calls / runs)."""
        return {label: {"calls_per_run": round(len(v) / runs, 2),
                        "ms_per_run": round(sum(v) / runs, 2)}
                for label, v in sorted(self.calls.items(), key=lambda kv: -sum(kv[1]))}


def _page_targets() -> list[tuple[object, str, str]]:
    """What explore.py calls (by module attribute, so wrapping reaches it)."""
    import streamlit as st
    import streamlit_folium as sf

    from claims_atlas.app import cache, state
    from claims_atlas.core import catalog as cat
    from claims_atlas.core import query
    from claims_atlas.render import html as h
    from claims_atlas.render import map as rmap

    targets = [(cache, "catalog", "cache.catalog (fingerprint + cached load)"),
               (cat, "catalog_fingerprint", "catalog.catalog_fingerprint"),
               (cache, "prepared_map", "cache.prepared_map"),
               (cache, "key", "cache.key"),
               (cache, "export_file", "cache.export_file"),
               (cache, "snapshots", "cache.snapshots"),
               (rmap, "map_state", "map.map_state"),
               (rmap, "page_script", "map.page_script"),
               (rmap, "base_map", "map.base_map"),
               (sf, "_component_func", "streamlit_folium component call"),
               (h, "timeline_html", "html.timeline_html"),
               (h, "proposal_header", "html.proposal_header"),
               (h, "legend_html", "html.legend_html"),
               (h, "picker_script", "html.picker_script"),
               (query, "statements", "query.statements"),
               (query, "legend", "query.legend"),
               (state, "read_view", "state.read_view"),
               (state, "write_url", "state.write_url"),
               (st, "html", "st.html"), (st, "radio", "st.radio"),
               (st, "multiselect", "st.multiselect"), (st, "date_input", "st.date_input"),
               (st, "download_button", "st.download_button"),
               (st, "selectbox", "st.selectbox"), (st, "columns", "st.columns")]
    with contextlib.suppress(ImportError):
        from claims_atlas.app import mapview

        targets += [(mapview, "show", "mapview.show")]
    return targets


@contextlib.contextmanager
def profile_script_thread(profiler: cProfile.Profile) -> Iterator[None]:
    """Enable `profiler` inside AppTest's script thread (cProfile sees one thread only)."""
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    original = LocalScriptRunner._run_script_thread

    def run(self):
        profiler.enable()
        try:
            original(self)
        finally:
            profiler.disable()

    LocalScriptRunner._run_script_thread = run
    try:
        yield
    finally:
        LocalScriptRunner._run_script_thread = original


def top_functions(profiler: cProfile.Profile, runs: int, n: int = 25) -> list[dict]:
    """The n functions with the most cumulative time, per run, skipping the runner itself."""
    st = pstats.Stats(profiler, stream=io.StringIO())
    rows = []
    for (file, line, name), (_cc, nc, tt, ct, _callers) in st.stats.items():
        short = file.replace(str(ROOT) + "/", "")
        if "site-packages/" in short:
            short = short.split("site-packages/", 1)[1]
        rows.append({"function": f"{short}:{line}({name})", "calls_per_run": round(nc / runs, 1),
                     "own_ms_per_run": round(tt * 1000 / runs, 2),
                     "cum_ms_per_run": round(ct * 1000 / runs, 2)})
    skip = ("threading.py", "script_runner.py", "exec_code.py", "local_script_runner.py",
            "<string>", "{built-in method builtins.exec}", "script_run_context.py",
            "{method 'enable'", "{method 'disable'")
    rows = [r for r in rows if not any(s in r["function"] for s in skip)]
    return sorted(rows, key=lambda r: -r["cum_ms_per_run"])[:n]


def rerun_profile(seeds: Path | None = None, switches: int = 10, profiled: int = 3) -> dict:
    """AppTest of the real page: first run, warm run, switches (timed, then profiled)."""
    import streamlit.testing.v1.app_test as app_test_mod
    import streamlit.testing.v1.local_script_runner as runner_mod
    from streamlit.testing.v1 import AppTest

    from claims_atlas.app import mapview
    from claims_atlas.core import catalog as cat
    from claims_atlas.core import query

    out: dict = {"seeds": str(seeds) if seeds else "seeds/ (shipped)",
                 "note": "AppTest in-process; one shared ScriptCache, as in the server (AppTest "
                         "would otherwise recompile the page script on every run)"}
    shared = runner_mod.ScriptCache()
    with seeds_env(seeds), mock.patch.object(runner_mod, "ScriptCache", lambda: shared), \
            mock.patch.object(app_test_mod, "ScriptCache", lambda: shared):
        catalog = cat.load_catalog(seeds)
        ids = [p.id for p in query.proposals_by_date(catalog)]
        at = AppTest.from_file(MAIN, default_timeout=180)
        # as after the map's first answer: the whole page (see mapview.answered)
        at.session_state[mapview.answered_key("map")] = True
        t0 = time.perf_counter()
        at.run()
        out["first_run_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        if at.exception:
            out["exception"] = [str(e.message)[:300] for e in at.exception]
            return out
        t0 = time.perf_counter()
        at.run()
        out["warm_run_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        current = at.radio(key="proposal").value
        plan = [p for p in ids if p != current] or ids
        times = []
        with Timers(_page_targets()) as timers:
            for i in range(switches):
                pid = plan[i % len(plan)]
                t0 = time.perf_counter()
                at.radio(key="proposal").set_value(pid).run()
                times.append((time.perf_counter() - t0) * 1000)
            out["switch_run_ms"] = summary(times, 1)
            out["switch_breakdown"] = timers.snapshot(switches)
        if at.exception:
            out["exception"] = [str(e.message)[:300] for e in at.exception]
        with contextlib.suppress(Exception), Timers(_page_targets()) as timers:
            speakers = query.speakers(catalog)
            widget = at.multiselect(key="tl_speakers")
            times = []
            for i in range(min(switches, 6)):
                value = [speakers[(i * 7 + 3) % len(speakers)]] if i % 2 == 0 else []
                t0 = time.perf_counter()
                widget.set_value(value).run()
                times.append((time.perf_counter() - t0) * 1000)
                widget = at.multiselect(key="tl_speakers")
            out["timeline_filter_run_ms"] = summary(times, 1)
            out["timeline_filter_breakdown"] = dict(list(timers.snapshot(len(times)).items())[:10])
        gc_times = []
        for _ in range(5):
            t0 = time.perf_counter()
            gc.collect(2)
            gc_times.append((time.perf_counter() - t0) * 1000)
        out["gc_collect_2_ms"] = {
            **summary(gc_times, 1), "objects": len(gc.get_objects()),
            "note": "the server runs gc.collect(2) after every script run "
                    "(runner.postScriptGC, default true); AppTest's runner does not, so "
                    "switch_run_ms excludes it. The server's heap (sessions, caches) is "
                    "larger than this process's."}
        prof = cProfile.Profile()
        with profile_script_thread(prof):
            for i in range(profiled):
                at.radio(key="proposal").set_value(plan[(switches + i) % len(plan)]).run()
        out["switch_cprofile_top"] = top_functions(prof, profiled)
    return out


def pieces(seeds: Path | None = None, repeat: int = 5) -> dict:
    """The map and page pieces one by one, outside Streamlit."""
    import streamlit_folium as sf

    from claims_atlas.core import catalog as cat
    from claims_atlas.core import query
    from claims_atlas.render import html as h
    from claims_atlas.render import map as rmap

    catalog = cat.load_catalog(seeds)
    pid = query.default_proposal_id(catalog)
    out: dict = {"proposals": len(catalog.proposals), "statements": len(catalog.statements)}
    out["base_map_ms"], m = timed(lambda: rmap.base_map(catalog), repeat)

    def rendered():
        mm = rmap.base_map(catalog)
        mm.get_root().render()
        mm.render()
        return mm

    out["render_root_ms"], _ = timed(lambda: rmap.base_map(catalog).get_root().render(), repeat)
    mm = rendered()
    out["st_folium_get_map_string_ms"], script = timed(lambda: sf._get_map_string(mm), repeat)
    out["st_folium_generate_leaflet_string_ms"], _ = timed(
        lambda: sf.generate_leaflet_string(mm), repeat)
    out["base_map_script_bytes"] = len(script.encode())
    state = rmap.map_state(catalog, pid)
    out["map_state_ms"], _ = timed(lambda: rmap.map_state(catalog, pid), repeat)
    out["all_states_ms"], _ = timed(
        lambda: {p.id: rmap.map_state(catalog, p.id) for p in catalog.proposals}, 1)
    out["all_states_bytes"] = len(rmap.js_json(
        {p.id: rmap.map_state(catalog, p.id) for p in catalog.proposals}).encode())

    def selection():  # what travels on a switch: the page script beside the map
        return rmap.page_script("map", state)

    out["selection_script_ms"], sel = timed(selection, repeat)
    out["selection_script_bytes"] = len(sel.encode())
    with contextlib.suppress(ImportError):
        from claims_atlas.app import mapview

        out["mapview_prepare_ms"], _ = timed(
            lambda: mapview.prepare(rmap.base_map(catalog)), max(1, repeat // 2))
    every = query.statements(catalog)
    out["timeline_html_all_ms"], html = timed(lambda: h.timeline_html(catalog, every), repeat)
    out["timeline_html_all_bytes"] = len(html.encode())
    out["catalog_fingerprint_ms"], _ = timed(
        lambda: cat.catalog_fingerprint(catalog.seeds_dir), repeat)
    return out


def statement_filters(seeds: Path | None = None, repeat: int = 50) -> dict:
    """query.statements with a StatementFilter, on the whole catalog."""
    import datetime as dt

    from claims_atlas.core import catalog as cat
    from claims_atlas.core import query

    catalog = cat.load_catalog(seeds)
    speakers = query.speakers(catalog)
    cases = {
        "no_filter": query.StatementFilter(),
        "one_speaker": query.StatementFilter(speakers=(speakers[len(speakers) // 2],)),
        "five_speakers": query.StatementFilter(speakers=tuple(speakers[:5])),
        "date_range_2024": query.StatementFilter(start=dt.date(2024, 1, 1),
                                                 end=dt.date(2024, 12, 31)),
        "speaker_and_region": query.StatementFilter(speakers=(speakers[0],), region="UA-14"),
    }
    out = {"statements": len(catalog.statements)}
    for name, f in cases.items():
        out[name] = {**timed(lambda f=f: query.statements(catalog, f), repeat)[0],
                     "kept": len(query.statements(catalog, f))}
    return out


def validate_profile(seeds: Path) -> dict:
    """Where `claims-atlas validate` goes: parse vs. checks, how often the CLI reads the
    catalog, and the project's YAML loader vs. the same constructors on libyaml."""
    import yaml

    from claims_atlas.core import catalog as cat
    from claims_atlas.core import geo, yamlsrc
    from claims_atlas.core.validate import validate

    out: dict = {}
    t0 = time.perf_counter()
    catalog, problems = cat.read_catalog(seeds)
    out["read_catalog_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    t0 = time.perf_counter()
    problems += validate(catalog)
    out["validate_checks_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    t0 = time.perf_counter()
    geo.check_against({r.id for r in catalog.regions})
    out["geo_check_against_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    out["problems"] = len(problems)
    out["cli_reads_catalog_times"] = _cli_validate_reads(seeds)
    out["project_loader_uses_libyaml"] = issubclass(yamlsrc._Loader, getattr(
        yaml, "CSafeLoader", ())) if hasattr(yaml, "CSafeLoader") else False
    files = sorted(Path(seeds).glob("proposals/*.yaml")) + sorted(
        Path(seeds).glob("statements/*.yaml"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    t0 = time.perf_counter()
    for text in texts:
        yaml.load(text, Loader=yamlsrc._Loader)  # noqa: S506 - the project's SafeLoader
    out["yaml_parse_project_loader_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    if getattr(yaml, "__with_libyaml__", False):
        class CLoader(yaml.CSafeLoader):
            pass

        CLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                yamlsrc._mapping)
        CLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
                                yamlsrc._sequence)
        CLoader.add_constructor("tag:yaml.org,2002:timestamp", yamlsrc._timestamp_as_text)
        same = True
        for text in texts:
            a = yaml.load(text, Loader=CLoader)  # noqa: S506 - a CSafeLoader subclass
            same = same and _lines(a) == _lines(yaml.load(text, Loader=yamlsrc._Loader))  # noqa: S506
        t0 = time.perf_counter()
        for text in texts:
            yaml.load(text, Loader=CLoader)  # noqa: S506
        out["yaml_parse_libyaml_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        out["libyaml_same_values_and_lines"] = same
    prof = cProfile.Profile()
    prof.enable()
    cat.check(seeds)
    prof.disable()
    out["check_cprofile_top"] = top_functions(prof, 1, 12)
    return out


def _cli_validate_reads(seeds: Path) -> int | None:
    """How many times `claims-atlas validate` reads the catalog (in-process, counted)."""
    from click.testing import CliRunner

    from claims_atlas import cli
    from claims_atlas.core import catalog as cat

    calls = []
    original = cat.read_catalog

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    try:
        with mock.patch.object(cat, "read_catalog", counting):
            CliRunner().invoke(cli.main, ["validate", "--seeds", str(seeds)])
    except Exception:  # noqa: BLE001 - a count is a nicety
        return None
    return len(calls)


def _lines(data):
    """Values plus the line numbers LineDict/LineList remember (to compare loaders)."""
    if isinstance(data, dict):
        return ("d", getattr(data, "line", None), tuple(sorted(
            (str(k), getattr(data, "key_lines", {}).get(k), _lines(v)) for k, v in data.items())))
    if isinstance(data, list):
        return ("l", getattr(data, "line", None), tuple(getattr(data, "item_lines", ())),
                tuple(_lines(v) for v in data))
    return data
