"""The benchmark harness's pure parts: statistics, the synthetic catalog, switch plans,
phase arithmetic, py-spy summaries, probe and flag plumbing (no server, no browser)."""

from __future__ import annotations

import sys

import pytest

from claims_atlas import REPO_ROOT

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench import gen_catalog, probes, spy, stats  # noqa: E402
from bench.browser import phases, switch_plan  # noqa: E402
from bench.run import goals, median_fields  # noqa: E402
from bench.servers import streamlit_flags  # noqa: E402


def test_percentile_interpolates_between_ranks():
    data = [10, 20, 30, 40, 50]
    assert stats.percentile(data, 50) == 30
    assert stats.percentile(data, 95) == pytest.approx(48.0)
    assert stats.percentile(data, 0) == 10 and stats.percentile(data, 100) == 50
    assert stats.percentile([7], 95) == 7
    assert stats.percentile([], 50) is None
    with pytest.raises(ValueError):
        stats.percentile(data, 101)


def test_summary_and_ratio():
    s = stats.summary([3.0, 1.0, 2.0])
    assert s == {"n": 3, "median": 2.0, "p95": 2.9, "min": 1.0, "max": 3.0}
    assert stats.summary([])["median"] is None
    assert stats.ratio(13, 10) == 1.3
    assert stats.ratio(None, 1) is None and stats.ratio(1, 0) is None


def test_generated_catalog_is_valid_and_has_the_asked_size(tmp_path):
    from claims_atlas.core import catalog as cat

    info = gen_catalog.generate(tmp_path / "seeds", proposals=12, statements=150, seed=3)
    assert info["proposals"] == 12 and info["statements"] == 150
    root = tmp_path / "seeds"
    assert (root / "places.yaml").is_file() and any((root / "documents").glob("*.txt"))
    assert cat.check(root) == []
    c = cat.load_catalog(root)
    assert len(c.proposals) == 12 and len(c.statements) == 150
    years = {s.date.year for s in c.statements}
    assert years <= {2022, 2023, 2024, 2025} and len(years) >= 3
    assert any(e.document for p in c.proposals for e in p.evidence)
    assert any(e.url for s in c.statements for e in s.evidence)


def test_generation_is_deterministic_and_refuses_a_full_folder(tmp_path):
    gen_catalog.generate(tmp_path / "a", proposals=3, statements=20, seed=5)
    gen_catalog.generate(tmp_path / "b", proposals=3, statements=20, seed=5)
    a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.yaml"))
    assert a == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.yaml"))
    for rel in a:
        assert (tmp_path / "a" / rel).read_text() == (tmp_path / "b" / rel).read_text()
    with pytest.raises(FileExistsError):
        gen_catalog.generate(tmp_path / "a", proposals=1, statements=1)


def test_document_quotes_are_verbatim():
    from claims_atlas.core import catalog as cat
    from claims_atlas.core.validate import normalise

    quotes = gen_catalog.document_quotes()
    assert quotes
    docs = {d.id: normalise(d.text) for d in cat.load_catalog().documents}
    for doc, sentence in quotes:
        assert normalise(sentence) in docs[doc]


def test_switch_plan_never_repeats_what_is_shown():
    expected = {"a": {"X": ["d1"]}, "b": {"X": ["d2"]}, "c": {"X": ["d1"]}, "d": {"X": ["d3"]}}
    plan = switch_plan(["a", "b", "c", "d"], expected, "a", 10)
    assert len(plan) == 10
    current = "a"
    for pid in plan:
        assert expected[pid] != expected[current]
        current = pid
    assert switch_plan(["a", "c"], expected, "a", 5) == []  # nothing visible to switch to


def test_phases_split_a_switch():
    switches = [{"matched": True, "set_at": 900.0, "down_at": 1000.0, "hit_at": 1008.0},
                {"matched": False, "set_at": 2000.0}]
    ws = [["s", 1020.0, 700, False], ["r", 1040.0, 500, False],
          ["r", 1100.0, 230000, True], ["r", 1300.0, 40, False], ["r", 2100.0, 9, False]]
    states = [["running", 1030.0], ["notRunning", 1310.0]]
    [p, q] = phases(switches, ws, states)
    assert p["click_to_classes_ms"] == 8.0
    assert p["click_to_send_ms"] == 20.0
    assert p["send_to_selection_msg_ms"] == 80.0
    assert p["click_to_rerun_done_ms"] == 310.0
    assert p["classes_before_server_reply"] is True
    assert p["ws_bytes_received"] == 230540 and p["ws_largest_message"] == 230000
    assert q == {}


def test_py_spy_summary_drops_idle_and_categorises():
    raw = "\n".join([
        "Thread._bootstrap (threading.py:1002);ScriptRunner._run_script (s.py:1);"
        "ScriptRunner._on_script_finished (s.py:1055) 30",
        "Thread._bootstrap (threading.py:1002);ScriptRunner._run_script (s.py:1);"
        "<module> (claims_atlas/app/main.py:38);timeline_html (claims_atlas/render/html.py:144) 10",
        "Thread._bootstrap (threading.py:1002);Condition.wait (threading.py:327) 500",
        "garbage line"])
    s = spy.summarise(raw, rate=100, per=2)
    assert s["busy_ms"] == 200.0
    assert s["by_category_ms"]["gc after script run (runner.postScriptGC)"] == 150.0
    assert s["by_category_ms"]["page script: dashboard code"] == 50.0


def test_probe_script_carries_its_configuration():
    js = probes.init_script("map", regions=27, ws_probe=True)
    assert '"mode": "map"' in js and '"regions": 27' in js and '"wsProbe": true' in js
    assert "__CFG__" not in js
    with pytest.raises(ValueError):
        probes.init_script("other")


def test_floor_gets_the_dashboards_server_flags():
    flags, source = streamlit_flags()
    assert source == "cli"
    pairs = dict(zip(flags[::2], flags[1::2], strict=False))
    assert pairs["--server.headless"] == "true"
    assert pairs["--browser.gatherUsageStats"] == "false"
    assert pairs["--server.fileWatcherType"] == "none"
    assert pairs["--client.toolbarMode"] == "viewer"
    assert "--server.port" not in flags
    assert pairs["--server.address"] == "127.0.0.1"


def test_median_fields_and_goals():
    m = median_fields([{"a": 1, "b": [1]}, {"a": 3, "b": [2]}, {"a": None, "b": [3]}])
    assert m == {"a": 2.0, "b": [3]}
    g = goals({"first_paint": {"ratio_median": 1.2}, "switch": {"ms": {"median": 150.0}}})
    assert g["first_paint_ratio"]["met"] is True
    assert g["switch_p50_ms"]["met"] is False
    assert g["validate_s"]["met"] is None


def test_trace_summary_splits_main_thread_time_by_what_filled_it():
    from bench.trace_first_view import summarise

    def x(name, ts, dur, tid=1, **data):
        return {"name": name, "ph": "X", "pid": 1, "tid": tid, "ts": ts, "dur": dur,
                "args": {"data": data}}

    events = [{"name": "thread_name", "ph": "M", "pid": 1, "tid": 1,
               "args": {"name": "CrRendererMain"}},
              {"name": "navigationStart", "ph": "R", "pid": 1, "tid": 1, "ts": 0},
              x("RunTask", 1_000, 40_000),
              x("FunctionCall", 2_000, 30_000, url="http://h/static/js/react-dom.X.js"),
              x("Layout", 35_000, 5_000),
              x("RunTask", 50_000, 10_000),
              x("RunTask", 0, 99_000, tid=2)]  # another thread: ignored
    s = summarise(events)
    assert s["main_thread_busy_ms"] == 50
    assert dict(s["inclusive_ms_by_script"]) == {"FunctionCall:react-dom.X.js": 30}
    own = dict(s["self_ms_by_event"])
    assert own["RunTask"] == 15 and own["Layout"] == 5
    assert s["long_tasks"] == [{"at_ms": 1, "ms": 40, "mostly": [
        ["FunctionCall:react-dom.X.js", 30], ["Layout", 5]]}]
