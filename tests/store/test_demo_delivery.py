"""The demo's delivery updates (store/demo_delivery.py): contract-valid, loaded as demo
batches, and telling the story in the module's docstring as of 2026-Q3. The figures are
recomputed here with plain SQL over the loaded demo database, and with metrics.delivery."""

from __future__ import annotations

import pytest

from store import demo_delivery
from store.db import connect

DELIVERY_QUARTERS = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from tests import factory

    return factory.build("demo", tmp_path_factory.mktemp("demo") / "demo.duckdb")


def q(db, sql, params=()):
    with connect(db) as con:
        return con.execute(sql, list(params)).fetchall()


def test_one_demo_batch_per_quarter(demo_db):
    got = q(
        demo_db,
        "SELECT file_name, demo, uploaded_by, warnings FROM batches WHERE kind = 'delivery' "
        "ORDER BY batch_id",
    )
    assert got == [(f"delivery_{x}.csv", True, "demo", 0) for x in DELIVERY_QUARTERS]


def test_who_reports(demo_db):
    # 42 actions reported on at some point, 24 never (of the register's 66)
    assert q(demo_db, "SELECT count(DISTINCT action_id) FROM delivery") == [(42,)]
    assert len(demo_delivery.STORY) == 42
    per_quarter = dict(q(demo_db, "SELECT quarter, count(*) FROM delivery GROUP BY 1"))
    assert per_quarter == dict(zip(DELIVERY_QUARTERS, [30, 41, 41, 36, 36]))


def test_completed_with_evidence_off_track_and_dropped_with_reasons(demo_db):
    done = q(
        demo_db,
        "SELECT action_id, quarter FROM delivery WHERE status = 'completed' ORDER BY action_id",
    )
    assert done == [
        ("NEXT-2", "2025-Q4"),
        ("NEXT-3", "2026-Q1"),
        ("REC-skills-2", "2026-Q1"),
        ("ROLE-institute-skills", "2026-Q1"),
        ("ROLE-lga-skills", "2026-Q1"),
    ]
    assert q(
        demo_db,
        "SELECT count(*) FROM delivery WHERE status = 'completed' AND evidence IS NULL "
        "OR status IN ('off_track', 'dropped') AND reason IS NULL",
    ) == [(0,)]
    assert q(
        demo_db,
        "SELECT action_id, status FROM delivery WHERE quarter = '2026-Q3' "
        "AND status IN ('off_track', 'dropped') ORDER BY 1",
    ) == [
        ("REC-procurement-3", "dropped"),
        ("REC-standards-2", "off_track"),
        ("ROLE-mhclg-standards", "off_track"),
    ]


def test_slipping_with_reasons(demo_db):
    from metrics import delivery

    with connect(demo_db) as con:
        d = delivery.compute(con, as_of="2026-Q3")
    slips = d.slippage
    assert len(slips) == 8 and slips["reason"].notna().all()
    assert slips["id"].value_counts().to_dict() == {
        "REC-infrastructure-2": 2,
        "ROLE-institute-infrastructure": 2,
        "NEXT-4": 1,
        "ROLE-institute-data": 1,
        "ROLE-institute-standards": 1,
        "ROLE-mhclg-standards": 1,
    }
    assert d.counts["not_reported"] == 24 and d.counts["unassigned"] == 30
    assert d.counts["needs_attention"] == 8
    codes = {r["id"]: r["codes"] for r in d.attention.to_dict("records")}
    assert codes["ROLE-centres-procurement"] == ["no_recent_update"]
    assert codes["REC-standards-2"] == ["off_track", "overdue", "low_confidence"]
