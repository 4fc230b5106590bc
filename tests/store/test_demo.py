"""The demo data: deterministic, contract-valid, and telling the agreed story as of 2026-Q3
(TRACKER_TODAY=2026-11-26, baseline 2025-Q2). The story's figures are recomputed here with
plain SQL over the loaded demo database; the hand-checks are in the comments."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store import demo, demo_files, quarters
from store.db import StoreError, connect

ROOT = Path(__file__).resolve().parents[2]
QUARTERS = ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from tests import factory

    return factory.build("demo", tmp_path_factory.mktemp("demo") / "demo.duckdb")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return demo.generate(tmp_path_factory.mktemp("files"), seed=2030)


def q(db, sql, params=()):
    with connect(db) as con:
        return con.execute(sql, list(params)).fetchall()


def digest(paths) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for _, p in paths}


# ------------------------------------------------------------------ the files


def test_quarters_follow_today():
    assert quarters.last_complete() == "2026-Q3"  # TRACKER_TODAY=2026-11-26
    assert demo_files._quarter_list(None) == QUARTERS
    assert demo_files._quarter_list("2025-07-01") == ["2025-Q2"]
    with pytest.raises(StoreError, match="starts at 2025-Q2"):
        demo_files._quarter_list("2025-05-01")


def test_one_file_per_kind_and_quarter(files):
    names = [(kind, p.name) for kind, p in files]
    expected = []
    for quarter in QUARTERS:
        expected += [
            ("survey", f"survey_{quarter}.csv"),
            ("workforce", f"workforce_{quarter}.csv"),
            ("exchanges", f"exchanges_{quarter}.csv"),
            ("milestones", f"milestones_{quarter}.csv"),
        ]
    delivery = [("delivery", f"delivery_{quarter}.csv") for quarter in QUARTERS[1:]]
    assert names == expected + [("placements", "placements_register_2026-Q3.csv")] + delivery


def test_deterministic_for_a_seed(files, tmp_path):
    again = demo.generate(tmp_path / "again", seed=2030)
    assert digest(again) == digest(files)
    other = digest(demo.generate(tmp_path / "other", seed=7))
    assert other["survey_2025-Q2.csv"] != digest(files)["survey_2025-Q2.csv"]
    # the narrative files (exchanges, milestones, placements) are the story, whatever the seed
    assert other["milestones_2026-Q3.csv"] == digest(files)["milestones_2026-Q3.csv"]


def test_files_pass_validation(files, make_db, demo_db):
    from store.ingest import validate_file

    # the first and last file of every kind, validated without writing ...
    db = make_db("reference")
    for kind in ("survey", "workforce", "exchanges", "milestones", "placements", "delivery"):
        of_kind = [p for k, p in files if k == kind]
        for path in {of_kind[0], of_kind[-1]}:
            report = validate_file(db, kind, path.read_bytes(), path.name)
            assert report.ok and not report.warnings, (
                path.name,
                [str(p) for p in report.problems[:5]],
            )
            assert report.batch_id is None and report.rows_in_file > 0
    assert q(db, "SELECT count(*) FROM batches") == [(0,)]
    # ... and all 30 went through the same validation when loaded, with no warning
    assert q(
        demo_db, "SELECT count(*), sum(warnings), sum(rows_in_file) = sum(rows_added) FROM batches"
    ) == [(30, 0, True)]


def test_load_stops_and_rolls_back_on_a_refused_file(make_db, monkeypatch, tmp_path):
    db = make_db("reference")
    real = demo.generate

    def broken(out_dir, seed=2030, today=None):
        made = real(out_dir, seed=seed, today=today)[:3]
        bad = Path(out_dir) / "milestones_2025-Q2.csv"
        bad.write_text("milestone_id,quarter,kind,title,status\nM1,2025-Q2,centre,Bad,achieved\n")
        return made + [("milestones", bad)]

    monkeypatch.setattr(demo, "generate", broken)
    with pytest.raises(StoreError, match="milestones_2025-Q2.csv"):
        demo.load_demo(db)
    # the three batches written before it were rolled back: no rows in force, no demo flag
    assert q(db, "SELECT count(*) FROM batches WHERE status = 'active'") == [(0,)]
    assert q(
        db,
        "SELECT (SELECT count(*) FROM survey) + (SELECT count(*) FROM workforce) "
        "+ (SELECT count(*) FROM exchanges)",
    ) == [(0,)]
    assert q(db, "SELECT count(*) FROM meta WHERE key = 'demo'") == [(0,)]


# ------------------------------------------------------------------ the loaded story


def test_batches_are_demo_and_flagged(demo_db):
    assert q(
        demo_db, "SELECT count(*), bool_and(demo), min(uploaded_by), max(uploaded_by) FROM batches"
    ) == [(30, True, "demo", "demo")]
    assert q(demo_db, "SELECT value FROM meta WHERE key = 'demo'") == [("true",)]


def test_returns_coverage(demo_db):
    # every quarter 3-6% of the 317 councils miss their survey return (3 never report)
    got = dict(q(demo_db, "SELECT quarter, count(*) FROM survey GROUP BY 1"))
    assert sorted(got) == QUARTERS
    assert all(0.94 * 317 <= n <= 0.97 * 317 for n in got.values()), got
    never = q(
        demo_db,
        "SELECT count(*) FROM councils WHERE council_code NOT IN (SELECT council_code FROM survey) "
        "AND council_code NOT IN (SELECT council_code FROM workforce)",
    )
    assert never == [(3,)]
    # most councils break the workforce down by role family; some report 'all'
    modes = dict(
        q(
            demo_db,
            "SELECT role_family = 'all', count(DISTINCT council_code) FROM workforce "
            "WHERE quarter = '2026-Q3' GROUP BY 1",
        )
    )
    assert modes[False] > 4 * modes[True] > 0


LATEST_EXCHANGE = """
    SELECT count(*) FROM (
        SELECT exchange_id, arg_max(status, quarter) AS status, arg_max(standards, quarter) AS standards,
               arg_max(partners, quarter) AS partners
        FROM exchanges WHERE quarter <= ? GROUP BY exchange_id)
    WHERE status = 'successful' AND coalesce(len(standards), 0) >= 1 AND coalesce(len(partners), 0) >= 1"""


def test_data_exchanges(demo_db):
    # EX-001 successful from 2025-Q2; EX-002 from 2025-Q4; EX-003 at 2026-Q3.
    # EX-004 (no standards) and EX-005 (no partners) are successful but do not count.
    assert [q(demo_db, LATEST_EXCHANGE, [x])[0][0] for x in QUARTERS] == [1, 1, 2, 2, 2, 3]
    assert q(demo_db, "SELECT count(DISTINCT exchange_id) FROM exchanges") == [(12,)]
    assert q(
        demo_db,
        "SELECT count(*) FROM exchanges WHERE quarter = '2026-Q3' AND status = 'successful'",
    ) == [(5,)]
    assert q(demo_db, "SELECT list_sort(list(DISTINCT status)) FROM exchanges") == [
        (["live", "pilot", "planned", "stopped", "successful"],)
    ]


def test_placements(demo_db):
    # five placements; PL-001 started 2024-Q4 (before the baseline); four since 2025-Q2
    assert q(demo_db, "SELECT count(*) FROM placements") == [(5,)]
    assert q(
        demo_db,
        "SELECT count(*) FROM placements WHERE start_quarter BETWEEN '2025-Q2' AND '2026-Q3'",
    ) == [(4,)]
    assert q(demo_db, "SELECT council_code FROM placements WHERE placement_id = 'PL-001'") == [
        ("E06000043",)
    ]


CEOS = """
    SELECT count(*) FILTER (WHERE yes) FROM (
        SELECT council_code, arg_max(ceo_digital_background, quarter) AS yes FROM survey
        WHERE ceo_digital_background IS NOT NULL AND quarter <= ? AND quarter > ?
        GROUP BY council_code)"""


def test_digital_ceos(demo_db):
    # 2 at baseline; one joins in 2026-Q1 (3); one leaves in 2026-Q2 (2); 2 at 2026-Q3
    got = [q(demo_db, CEOS, [x, quarters.shift(x, -4)])[0][0] for x in QUARTERS]
    assert got == [2, 2, 2, 3, 2, 2]
    # most councils say no; some leave it blank
    counts = dict(
        q(
            demo_db,
            "SELECT coalesce(CAST(ceo_digital_background AS VARCHAR), 'blank'), count(*) "
            "FROM survey WHERE quarter = '2026-Q3' GROUP BY 1",
        )
    )
    assert counts["false"] > 250 and 10 <= counts["blank"] <= 40 and counts["true"] == 2


def test_milestones(demo_db):
    achieved = """SELECT count(*) FROM (SELECT milestone_id, arg_max(status, quarter) AS s FROM milestones
                  WHERE kind = 'centre_of_service_innovation' AND quarter <= ? GROUP BY 1) WHERE s = 'achieved'"""
    assert [q(demo_db, achieved, [x])[0][0] for x in QUARTERS] == [0, 0, 1, 1, 2, 2]
    assert q(
        demo_db,
        "SELECT count(DISTINCT milestone_id), count(DISTINCT region_code) FROM milestones "
        "WHERE kind = 'centre_of_service_innovation'",
    ) == [(5, 5)]
    latest = dict(
        q(
            demo_db,
            "SELECT kind, arg_max(status, quarter) FROM milestones "
            "WHERE kind <> 'centre_of_service_innovation' GROUP BY 1",
        )
    )
    assert latest == {
        "coordinating_institute": "in_progress",
        "workforce_plan": "achieved",
        "apprenticeship_scheme": "in_progress",
        "audit_regime": "not_started",
        "procurement_framework": "in_progress",
        "common_components_library": "achieved",
    }
    assert q(
        demo_db,
        "SELECT min(quarter) FROM milestones WHERE kind = 'workforce_plan' AND status = 'achieved'",
    ) == [("2026-Q1",)]


UPLIFT = """
    WITH w AS (SELECT council_code, quarter, sum(headcount) AS h, sum(underrepresented) AS u
               FROM workforce GROUP BY ALL),
         b AS (SELECT * FROM w WHERE quarter = '2025-Q2'),
         n AS (SELECT * FROM w WHERE quarter = ?)
    SELECT 100 * sum(b.u) / sum(b.h), 100 * sum(n.u) / sum(n.h) FROM b JOIN n USING (council_code)"""


def test_underrepresented_uplift(demo_db):
    # like for like: 30.0% at the baseline, 31.8% at 2026-Q3: 31.8 / 30.0 - 1 = +6%
    base, now = q(demo_db, UPLIFT, ["2026-Q3"])[0]
    assert base == pytest.approx(30.0, abs=0.05) and now == pytest.approx(31.8, abs=0.05)
    assert 100 * (now / base - 1) == pytest.approx(6.0, abs=0.2)
    # London's share is the highest region's
    by_region = q(
        demo_db,
        "SELECT c.region_name, sum(underrepresented) / sum(headcount) AS s FROM workforce w "
        "JOIN councils c USING (council_code) WHERE quarter = '2026-Q3' GROUP BY 1 ORDER BY s DESC",
    )
    assert by_region[0][0] == "London"


STANDARDS_FULL = """
    WITH latest AS (
        SELECT council_code, max(quarter) AS quarter FROM survey
        WHERE quarter <= ? AND quarter > ? GROUP BY 1),
    adopters AS (
        SELECT s.council_code FROM survey_standards s JOIN latest USING (council_code, quarter)
        GROUP BY 1 HAVING count(*) FILTER (WHERE status IN ('adopted', 'audited')) = 7)
    SELECT c.region_name, count(f.council_code), count(*) FROM councils c
    LEFT JOIN adopters f USING (council_code) GROUP BY ROLLUP (c.region_name)"""


def standards(db, quarter):
    rows = q(db, STANDARDS_FULL, [quarter, quarters.shift(quarter, -4)])
    return {region: 100 * n / total for region, n, total in rows}


def test_standards_adoption(demo_db):
    # all seven core standards adopted or audited, share of all 317 councils (not reporting = not adopting)
    base, now = standards(demo_db, "2025-Q2"), standards(demo_db, "2026-Q3")
    assert 11.0 <= base[None] <= 13.0  # ~12% = 38 of 317
    assert 19.0 <= now[None] <= 21.0  # ~20% = 63 of 317
    assert now["London"] > now["North West"] > now["South West"]
    assert now["North West"] > now["East of England"]
    assert q(demo_db, "SELECT list_sort(list(DISTINCT status)) FROM survey_standards") == [
        (["adopted", "adopting", "audited", "none", "planned"],)
    ]


def test_procurement_and_tracked_measures(demo_db):
    rows = q(
        demo_db,
        """
        SELECT quarter, 100 * sum(sme_spend_gbp) / sum(digital_spend_gbp),
               100 * sum(contracts_outcome_based) / sum(contracts_total), avg(data_maturity),
               100 * avg(CAST(collective_buying AS INTEGER)), 100 * avg(CAST(common_components >= 1 AS INTEGER))
        FROM survey GROUP BY 1 ORDER BY 1""",
    )
    sme, outcome, maturity, collective, components = (list(col) for col in list(zip(*rows))[1:])
    assert sme[0] == pytest.approx(24.0, abs=0.05) and sme[-1] == pytest.approx(22.0, abs=0.05)
    assert max(outcome) - min(outcome) < 0.5 and outcome[0] == pytest.approx(18.0, abs=0.3)  # flat
    assert maturity[0] == pytest.approx(2.4, abs=0.05) and maturity[-1] == pytest.approx(
        2.8, abs=0.05
    )
    assert collective[-1] - collective[-4] > 3 and components[-1] - components[-4] > 3  # rising
    assert q(
        demo_db,
        "SELECT count(*) FROM survey WHERE sme_spend_gbp > digital_spend_gbp "
        "OR contracts_outcome_based > contracts_total",
    ) == [(0,)]


def test_metrics_report_the_story(demo_db):
    """Cross-check with engineer H2's metrics, the figures people see."""
    summary = pytest.importorskip("metrics.summary")
    with connect(demo_db) as con:
        frame = summary.summary(con, as_of="2026-Q3")
    status = dict(zip(frame["id"], frame["status"]))
    value = dict(zip(frame["id"], frame["value"]))
    assert (
        status["centres_of_service_innovation"] == "on_track"
        and value["centres_of_service_innovation"] == 2
    )
    assert status["coordinating_institute"] == "not_yet" and status["workforce_plan"] == "achieved"
    assert status["apprenticeship_scheme"] == "not_yet" and status["audit_regime"] == "not_yet"
    assert (
        value["data_exchanges"] == 3 and value["digital_ceos"] == 2 and value["lg_placements"] == 4
    )
    # exchanges: (3-1)/(14*5/22) = 0.63 -> acceleration needed; CEOs: R = 0 -> limited progress
    assert (
        status["data_exchanges"] == "acceleration_needed"
        and status["digital_ceos"] == "limited_progress"
    )
    # placements: 4/(10*5/22) = 1.76; uplift: 6/(20*5/22) = 1.32 -> on track
    assert status["lg_placements"] == "on_track" and status["underrepresented_uplift"] == "on_track"
    assert value["underrepresented_uplift"] == pytest.approx(6.0, abs=0.2)
    # standards: (20-12)/(58*5/22) = 0.61 -> acceleration needed; SME: (22-24)/(9*5/22) = -0.98
    assert status["standards_adoption"] == "acceleration_needed"
    assert status["sme_spend_share"] == "deteriorating"


# ------------------------------------------------------------------ the command line


def test_init_demo_then_history(tmp_path):
    db = tmp_path / "cli.duckdb"
    env = {**os.environ, "TRACKER_TODAY": "2026-11-26"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "store", "init", "--demo", "--db", str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert "317 councils" in done.stdout and "Demo data: 30 batches written" in done.stdout
    assert took < 60, (
        f"init --demo took {took:.1f} s"
    )  # about 3 s of CPU; generous for a loaded machine
    history = subprocess.run(
        [sys.executable, "-m", "store", "history", "--json", "--db", str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert history.returncode == 0, history.stderr
    import json

    listed = json.loads(history.stdout)
    names = sorted(b["file_name"] for b in listed)
    assert names == sorted(p.name for _, p in demo.generate(tmp_path / "files"))
    # a second --demo run loads nothing more
    again = subprocess.run(
        [sys.executable, "-m", "store", "init", "--demo", "--db", str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0 and "Demo data already loaded (30 batches)" in again.stdout
    assert q(db, "SELECT count(*) FROM batches") == [(30,)]
