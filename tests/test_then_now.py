"""Then and now: what each plan would move at its own date and at the latest snapshot, in
plain data, in the CSV and JSON exports, and as a series for a chart. Synthetic squares."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from claims_atlas.cli import main
from claims_atlas.core import catalog as cat
from claims_atlas.core import control, export, then_now
from tests.control_series import import_series

# Made-up "occupied areas" east of a meridian, before and after the 28-point plan's date
# (2025-11-20); the meridian moves east, so later Ukraine holds more of Donetsk and the
# plan would pass more of it to Russia.
DAYS = {"2025-11-10": 37.2, "2025-11-19": 37.4, "2026-02-01": 37.9}


@pytest.fixture
def snapshots(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMS_ATLAS_CACHE", str(tmp_path / "cache"))
    import_series(tmp_path, DAYS.items())
    return tmp_path


def test_then_is_the_nearest_snapshot_before_the_proposal_and_now_the_latest(snapshots):
    catalog = cat.load_catalog()
    doc = then_now.then_and_now(catalog, "us-28-point-plan", "Test Source")
    assert doc["proposal_date"] == "2025-11-20"
    assert doc["then"]["date"] == "2025-11-19" and doc["now"]["date"] == "2026-02-01"
    assert doc["then"]["credit"].endswith("snapshot of 2025-11-19")
    rows = {r["region"]: r for r in doc["regions"]}
    donetsk = rows["UA-14"]
    stats_then = {r["region"]: r for r in control.snapshot_stats(
        control.find_snapshot("Test Source", "2025-11-19")).regions}
    assert donetsk["then"]["to_russia_km2"] == pytest.approx(stats_then["UA-14"]["ukrainian_km2"])
    assert donetsk["then"]["to_russia_share"] == pytest.approx(
        stats_then["UA-14"]["ukrainian_km2"] / stats_then["UA-14"]["area_km2"])
    assert donetsk["now"]["to_russia_km2"] > donetsk["then"]["to_russia_km2"]
    assert rows["total"]["now"]["net_to_russia_km2"] == pytest.approx(
        sum(r["now"]["net_to_russia_km2"] for k, r in rows.items() if k != "total"))
    json.dumps(doc)


def test_a_proposal_older_than_every_snapshot_has_no_then(snapshots):
    doc = then_now.then_and_now(cat.load_catalog(), "istanbul-communique-2022", "Test Source")
    assert doc["then"] is None and all(r["then"] is None for r in doc["regions"])
    assert then_now.then_and_now(cat.load_catalog(), "us-28-point-plan", "Nobody") is None


def test_series_and_marks_for_the_chart(snapshots):
    rows = then_now.occupied_series("Test Source", regions=["UA-14", "UA-09"])
    assert [(r["date"], r["region"]) for r in rows] == [
        (d, rid) for d in sorted(DAYS) for rid in ("UA-09", "UA-14")]
    donetsk = [r["russian_km2"] for r in rows if r["region"] == "UA-14"]
    assert donetsk[0] > donetsk[1] > donetsk[2]
    marks = then_now.proposal_marks(cat.load_catalog())
    plan = next(m for m in marks if m["proposal"] == "us-28-point-plan")
    assert plan["date"] == "2025-11-20" and plan["label"]
    assert [m["date"] for m in marks] == sorted(m["date"] for m in marks)


def test_exports_carry_then_and_now_with_dates_and_source(snapshots):
    catalog = cat.load_catalog()
    assert then_now.default_source() == "Test Source"
    text = export.to_csv(catalog, ["us-28-point-plan"], control_source="Test Source")
    lines = text.splitlines()
    assert lines[0].startswith("proposal,") and lines[0].endswith(
        ",control_source,then_date,then_to_russia_km2,then_to_russia_share,"
        "then_to_ukraine_km2,then_to_ukraine_share,now_date,now_to_russia_km2,"
        "now_to_russia_share,now_to_ukraine_km2,now_to_ukraine_share,control_credit")
    rows = list(csv.DictReader(io.StringIO(text)))
    donetsk = [r for r in rows if r["region"] == "UA-14"]
    assert {r["then_date"] for r in donetsk} == {"2025-11-19"}
    assert {r["now_date"] for r in donetsk} == {"2026-02-01"}
    assert {r["control_source"] for r in donetsk} == {"Test Source"}
    assert float(donetsk[0]["then_to_russia_km2"]) > 1000
    vinnytsia = [r for r in rows if r["region"] == "UA-05"]
    assert vinnytsia[0]["then_date"] == ""  # untouched by the plan: no figures
    doc = export.to_json(catalog, control_source="Test Source")
    plan = next(d for d in doc["control"]["then_and_now"] if d["proposal"] == "us-28-point-plan")
    assert plan["then"]["date"] == "2025-11-19" and doc["control"]["source"] == "Test Source"
    plain = export.to_csv(catalog, ["us-28-point-plan"])
    assert plain.splitlines()[0] == lines[0]  # one header with or without control data


def test_cli_export_uses_the_cached_snapshots(snapshots):
    result = CliRunner().invoke(main, ["export", "--format", "csv",
                                       "--proposal", "us-28-point-plan"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["now_date"] for r in rows if r["region"] == "UA-14"} == {"2026-02-01"}
