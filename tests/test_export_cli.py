"""The claims-atlas command: validate, export; exit codes and exact messages."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from claims_atlas.cli import main
from tests.conftest import STATEMENTS


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_validate_clean_exits_zero():
    result = run("validate")
    assert result.exit_code == 0, result.output


def test_validate_reports_path_line_message(make_seeds):
    root = make_seeds({"statements/all.yaml": STATEMENTS.replace("UA-14", "UA-99")})
    result = run("validate", "--seeds", str(root))
    assert result.exit_code == 1
    lines = [x for x in result.output.splitlines() if "unknown region" in x]
    assert len(lines) == 1
    path, line, message = lines[0].split(":", 2)
    assert path.endswith("statements/all.yaml") and line == "7"
    assert "'UA-99'" in message and "Traceback" not in result.output


def test_validate_via_environment(make_seeds):
    root = make_seeds({"statements/all.yaml": "- id: [broken\n"})
    result = run("validate", env={"CLAIMS_ATLAS_SEEDS": str(root)})
    assert result.exit_code == 1 and "malformed YAML" in result.output


def test_export_json_shape():
    data = json.loads(run("export", "--format", "json").output)
    assert set(data) >= {"proposals", "statements", "regions", "documents"}
    plan = next(p for p in data["proposals"] if p["id"] == "us-28-point-plan")
    assert {"id", "title", "date", "sponsor", "status", "revises", "counters",
            "derived_from", "provisions"} <= set(plan)
    donetsk = [v for v in plan["provisions"] if v["region"] == "UA-14"]
    assert {v["disposition"] for v in donetsk} == {"recognised_russian_de_facto",
                                                   "demilitarised_zone"}
    assert all(v["evidence"] and v["summary"] and v["part"] for v in plan["provisions"])
    st = data["statements"][0]
    assert {"id", "date", "speaker", "role", "quote", "paraphrase", "concerns",
            "evidence"} <= set(st)
    geneva = next(p for p in data["proposals"] if p["id"] == "geneva-framework-2025-11")
    assert geneva["revises"] == "us-28-point-plan"


def test_export_csv_one_row_per_proposal_and_region():
    text = run("export", "--format", "csv").output
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0].startswith("proposal,proposal_title,")
    assert all(r["attribution"].startswith("Boundaries: Natural Earth") for r in rows)
    plans = {r["proposal"] for r in rows}
    assert len(plans) >= 9
    per_plan = [r for r in rows if r["proposal"] == "ukraine-peace-formula"]
    assert {r["region"] for r in per_plan} == {r["region"] for r in rows}
    assert len({r["region"] for r in per_plan}) == 27


def test_export_geojson_of_one_proposal(tmp_path):
    out = tmp_path / "plan.geojson"
    result = run("export", "--format", "geojson", "--proposal", "us-28-point-plan",
                 "-o", str(out))
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert len(data["features"]) == 27
    props = {f["properties"]["id"]: f["properties"] for f in data["features"]}
    assert props["UA-14"]["dispositions"] == ["recognised_russian_de_facto",
                                              "demilitarised_zone"]
    assert "Natural Earth" in data["properties"]["attribution"][0]


def test_export_unknown_proposal_is_a_clear_error():
    result = CliRunner().invoke(main, ["export", "--format", "geojson", "--proposal", "nope"])
    assert result.exit_code == 2 and "unknown proposal 'nope'" in result.output


def test_export_refuses_a_broken_catalog(make_seeds):
    root = make_seeds({"proposals/plan-a.yaml": "id: [\n"})
    result = run("export", "--seeds", str(root))
    assert result.exit_code == 1 and "plan-a.yaml:" in result.output


def test_csv_defuses_formulas(make_seeds):
    from tests.conftest import PROPOSAL

    root = make_seeds({"proposals/plan-a.yaml": PROPOSAL.replace(
        "summary: Held part recognised.", "summary: \"=HYPERLINK('http://x')\"")})
    text = run("export", "--format", "csv", "--seeds", str(root)).output
    assert "'=HYPERLINK" in text


def test_export_csv_round_trips_through_pandas():
    import pandas as pd

    text = run("export", "--format", "csv").output
    frame = pd.read_csv(io.StringIO(text))
    assert list(frame.columns[:3]) == ["proposal", "proposal_title", "proposal_date"]
    assert len(frame) == len(list(csv.DictReader(io.StringIO(text))))
    assert set(frame["region"]) >= {"UA-14", "UA-43"}


def test_every_export_format_comes_from_the_one_table(tmp_path):
    from claims_atlas.render.formats import FORMATS

    for fmt in FORMATS:
        out = tmp_path / fmt.file_name("us-28-point-plan")
        result = run("export", "--format", fmt.id, "--proposal", "us-28-point-plan",
                     "-o", str(out))
        assert result.exit_code == 0, result.output
        data = out.read_bytes()
        if fmt.id == "png":
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
        elif fmt.id == "csv":
            assert data.startswith(b"proposal,")
        else:
            assert json.loads(data)


def test_export_csv_names_documents_by_title_not_id():
    import pandas as pd

    text = run("export", "--format", "csv").output
    sources = " ".join(pd.read_csv(io.StringIO(text), keep_default_na=False)["sources"])
    assert "seed-2025-" not in sources and "document " not in sources
    assert "“" in sources  # a seeds document, by its title
