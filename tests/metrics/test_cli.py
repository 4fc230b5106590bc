"""`python -m metrics summary` run as a separate process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

FIELDS = {
    "id",
    "theme",
    "quarter",
    "value",
    "baseline",
    "target",
    "status",
    "expected_now",
    "ratio",
    "projected_at_deadline",
    "projected_quarter_reached",
    "coverage",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from tests import factory

    return factory.build("metrics_small", tmp_path_factory.mktemp("cli") / "small.duckdb")


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "metrics", "summary", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_json_has_every_measure_and_field(db):
    out = run("--db", str(db), "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 15 and all(FIELDS <= set(r) for r in rows)
    sme = next(r for r in rows if r["id"] == "sme_spend_share")
    # hand-computed in tests/metrics/test_measures.py: 130 / 500 = 26%, 3 of 5 councils
    assert (sme["quarter"], sme["value"], sme["target"], sme["status"]) == (
        "2026-Q3",
        26.0,
        33.0,
        "acceleration_needed",
    )
    assert sme["coverage"] == {"reporting": 3, "total": 5, "text": "3 of 5 councils reporting"}
    assert "group" not in sme


def test_json_by_region_and_as_of(db):
    out = run("--db", str(db), "--json", "--by", "region", "--as-of", "2026 Q2")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert {r["quarter"] for r in rows} == {"2026-Q2"}
    assert {r["group"] for r in rows} == {"North East", "London", "South East", "North West"}
    # placements as of 2026-Q2 in the North East: P2 (B, 2025-Q2) only; P1 is before the baseline
    ne = next(r for r in rows if r["id"] == "lg_placements" and r["group"] == "North East")
    assert ne["value"] == 1.0 and ne["status"] == "no_group_target"


def test_text_output(db):
    out = run("--db", str(db))
    assert out.returncode == 0, out.stderr
    assert "2026-Q3, England" in out.stdout
    assert "Acceleration needed" in out.stdout and "3 of 5 councils" in out.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--as-of", "2031-Q1"], "No data for 2031-Q1"),
        (["--as-of", "someday"], "Unknown quarter"),
        (["--by", "ward"], "Unknown level 'ward'"),
    ],
)
def test_refusals_exit_1(db, args, message):
    out = run("--db", str(db), *args)
    assert out.returncode == 1
    assert message in out.stderr and out.stdout == ""


def test_missing_database(tmp_path):
    out = run("--db", str(tmp_path / "none.duckdb"))
    assert out.returncode == 1 and "No database at" in out.stderr
    assert not (tmp_path / "none.duckdb").exists()
