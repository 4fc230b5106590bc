"""store.batches: history, rollback (and its refusals), demo flag, original files."""

from __future__ import annotations

import pytest

from store import batches
from store.db import StoreError, connect
from store.ingest import ingest_file
from tests.store.conftest import content_digest, rows

SV = "council_code,quarter,digital_spend_gbp\n"


def load(db, text, name="f.csv", kind="survey", **kw):
    report = ingest_file(db, kind, text.encode(), name, user="ana", **kw)
    assert report.ok, [str(p) for p in report.problems]
    return report.batch_id


def test_rollback_removes_rows_and_restores_what_was_replaced(ref_db):
    load(ref_db, SV + "E06000001,2025-Q3,100\nE06000002,2025-Q3,50\n")
    data_version = rows(ref_db, "SELECT value FROM meta WHERE key = 'data_version'")[0][0]
    b2 = load(ref_db, SV + "E06000001,2025-Q3,200\nE06000003,2025-Q3,70\n", "g.csv")
    result = batches.rollback(ref_db, b2, user="bo")
    # batch 2 wrote 2 rows (removed) and had replaced 1 row of batch 1 (restored)
    assert (result.rows_removed, result.rows_restored) == (2, 1)
    assert "removed 2 rows and restored 1 row" in result.summary()
    assert rows(
        ref_db, "SELECT council_code, digital_spend_gbp, batch_id FROM survey ORDER BY 1"
    ) == [("E06000001", 100.0, 1), ("E06000002", 50.0, 1)]
    assert rows(ref_db, "SELECT count(*) FROM survey_replaced") == [(0,)]
    assert rows(ref_db, "SELECT batch_id, status, rolled_back_by FROM batches ORDER BY 1") == [
        (1, "active", None),
        (2, "rolled_back", "bo"),
    ]
    # two more changes since the first load: batch 2 and its rollback
    assert (
        int(rows(ref_db, "SELECT value FROM meta WHERE key = 'data_version'")[0][0])
        == int(data_version) + 2
    )


def test_rollback_restores_survey_standards_and_workforce_breakdowns(ref_db):
    load(
        ref_db,
        "council_code,quarter,role_family,headcount,underrepresented\n"
        "E06000001,2025-Q3,data,10,2\nE06000001,2025-Q3,architecture,5,1\n",
        kind="workforce",
    )
    b2 = load(
        ref_db,
        "council_code,quarter,role_family,headcount,underrepresented\nE06000001,2025-Q3,all,20,4\n",
        "g.csv",
        kind="workforce",
    )
    assert rows(ref_db, "SELECT role_family FROM workforce") == [("all",)]
    batches.rollback(ref_db, b2, user="bo")
    assert rows(ref_db, "SELECT role_family, headcount FROM workforce ORDER BY 1") == [
        ("architecture", 5),
        ("data", 10),
    ]
    b3 = load(
        ref_db, "council_code,quarter,standard_open_referral\nE06000001,2025-Q3,adopted\n", "s.csv"
    )
    b4 = load(
        ref_db, "council_code,quarter,standard_open_referral\nE06000001,2025-Q3,audited\n", "t.csv"
    )
    batches.rollback(ref_db, b4, user="bo")
    assert rows(ref_db, "SELECT status, batch_id FROM survey_standards") == [("adopted", b3)]


def test_rollback_refused_while_a_later_batch_replaced_its_rows(ref_db):
    b1 = load(ref_db, SV + "E06000001,2025-Q3,100\n")
    b2 = load(ref_db, SV + "E06000001,2025-Q3,200\n", "g.csv")
    before = content_digest(ref_db)
    with pytest.raises(
        StoreError, match=r"later batch 2 replaced some of its rows\. Roll back batch 2 first"
    ):
        batches.rollback(ref_db, b1, user="bo")
    assert content_digest(ref_db) == before
    batches.rollback(ref_db, b2, user="bo")
    batches.rollback(ref_db, b1, user="bo")
    assert rows(ref_db, "SELECT count(*) FROM survey") == [(0,)]


def test_rollback_refuses_unknown_and_already_rolled_back(ref_db):
    b1 = load(ref_db, SV + "E06000001,2025-Q3,100\n")
    before = content_digest(ref_db)
    with pytest.raises(
        StoreError, match=r"There is no batch 9 \(the batches are numbered 1 to 1\)"
    ):
        batches.rollback(ref_db, 9, user="bo")
    assert content_digest(ref_db) == before
    batches.rollback(ref_db, b1, user="bo")
    before = content_digest(ref_db)
    with pytest.raises(StoreError, match="was already rolled back on .* by bo"):
        batches.rollback(ref_db, b1, user="bo")
    assert content_digest(ref_db) == before


def test_same_file_can_be_loaded_again_after_rollback(ref_db):
    b1 = load(ref_db, SV + "E06000001,2025-Q3,100\n")
    batches.rollback(ref_db, b1, user="bo")
    assert load(ref_db, SV + "E06000001,2025-Q3,100\n") == 2


def test_councils_rollback_restores_the_list_and_names(ref_db):
    before = rows(ref_db, "SELECT count(*) FROM councils")[0][0]
    names_sql = "SELECT name_key, council_code FROM council_names WHERE council_code <> 'E07000201' ORDER BY ALL"
    names = rows(ref_db, names_sql)
    b = load(
        ref_db,
        "council_code,name,council_type,region_code,region_name\n"
        "E06099999,Newtown,unitary,E12000001,North East\n",
        kind="councils",
    )
    assert rows(ref_db, "SELECT count(*) FROM councils") == [(1,)]
    batches.rollback(ref_db, b, user="bo")
    assert rows(ref_db, "SELECT count(*) FROM councils") == [(before,)]
    assert rows(ref_db, "SELECT count(*) FROM council_names WHERE name_key = 'newtown'") == [(0,)]
    # names rebuilt from the restored list (the test's added ended council aside: it
    # gains mySociety spellings on a rebuild)
    assert rows(ref_db, names_sql) == names


def test_history_newest_first_demo_flag_and_original_file(ref_db):
    data = (SV + "E06000001,2025-Q3,100\n").encode()
    ingest_file(ref_db, "survey", data, "a.csv", user="ana", demo=True)
    load(ref_db, SV + "E06000002,2025-Q3,1\n", "b.csv")
    with connect(ref_db) as con:
        frame = batches.history(con)
        assert list(frame["batch_id"]) == [2, 1]
        assert list(frame["file_name"]) == ["b.csv", "a.csv"]
        assert list(frame["demo"]) == [False, True]
        assert batches.demo_loaded(con)
        assert batches.original_file(con, 1).read_bytes() == data
        assert batches.original_file(con, 99) is None
    batches.rollback(ref_db, 1, user="bo")
    with connect(ref_db) as con:
        assert not batches.demo_loaded(con)


# --- the quarters of each batch, and the demo removed in one step (issue 14) -----------

WF = "council_code,quarter,role_family,headcount,underrepresented\n"


def demo_then_real(db):
    """Two demo batches (survey 2026-Q2 and 2026-Q3, workforce 2026-Q3) and a real upload
    that replaces one demo survey row (Hartlepool 2026-Q3) and adds one."""
    from store.db import transaction

    a = ingest_file(
        db,
        "survey",
        (SV + "E06000001,2026-Q2,10\nE06000001,2026-Q3,20\n").encode(),
        "d1.csv",
        user="demo",
        demo=True,
    )
    b = ingest_file(
        db,
        "workforce",
        (WF + "E06000002,2026-Q3,all,40,4\n").encode(),
        "d2.csv",
        user="demo",
        demo=True,
    )
    assert (a.batch_id, b.batch_id) == (1, 2)
    with connect(db) as con, transaction(con):
        con.execute("INSERT INTO meta VALUES ('demo', 'true')")
    real = load(db, SV + "E06000001,2026-Q3,25\nE06000003,2026-Q3,30\n", "real.csv")
    assert real == 3


def test_history_says_which_quarters_each_batch_covers(ref_db):
    demo_then_real(ref_db)
    with connect(ref_db) as con:
        # batch 1's Hartlepool 2026-Q3 row was replaced by batch 3: still batch 1's quarter
        assert batches.batch_quarters(con) == {
            1: ["2026-Q2", "2026-Q3"],
            2: ["2026-Q3"],
            3: ["2026-Q3"],
        }
        frame = batches.history(con)
    assert frame[["batch_id", "quarters"]].values.tolist() == [
        [3, "2026-Q3"],
        [2, "2026-Q3"],
        [1, "2026-Q2, 2026-Q3"],
    ]


def test_demo_summary(ref_db):
    demo_then_real(ref_db)
    with connect(ref_db) as con:
        found = batches.demo_summary(con)
    # in force: batch 1's 2026-Q2 row and batch 2's row (batch 3 replaced the other)
    assert found == batches.DemoSummary((1, 2), 2, "2026-Q2", "2026-Q3")


def test_remove_demo_rolls_back_every_demo_batch_in_one_step(ref_db):
    demo_then_real(ref_db)
    before = int(rows(ref_db, "SELECT value FROM meta WHERE key = 'data_version'")[0][0])
    result = batches.remove_demo(ref_db, user="alice")
    assert (result.batches, result.rows_removed) == ([1, 2], 2)
    assert result.summary() == (
        "The demo data was removed: 2 demo batches rolled back in one step (2 rows of "
        "generated figures). The loaded figures now hold only the returns uploaded; viewers "
        "see the change with the next release."
    )
    # Only the real upload is left; the demo row it replaced is gone for good.
    assert rows(
        ref_db, "SELECT council_code, quarter, digital_spend_gbp, batch_id FROM survey ORDER BY 1"
    ) == [("E06000001", "2026-Q3", 25.0, 3), ("E06000003", "2026-Q3", 30.0, 3)]
    assert rows(ref_db, "SELECT count(*) FROM survey_replaced") == [(0,)]
    assert rows(ref_db, "SELECT count(*) FROM workforce") == [(0,)]
    assert rows(ref_db, "SELECT batch_id, status, rolled_back_by FROM batches ORDER BY 1") == [
        (1, "rolled_back", "alice"),
        (2, "rolled_back", "alice"),
        (3, "active", None),
    ]
    assert rows(ref_db, "SELECT count(*) FROM meta WHERE key = 'demo'") == [(0,)]
    # one change, in one transaction
    assert (
        int(rows(ref_db, "SELECT value FROM meta WHERE key = 'data_version'")[0][0]) == before + 1
    )
    with connect(ref_db) as con:
        assert not batches.demo_loaded(con)
    # The real upload rolls back cleanly afterwards: no demo row comes back.
    back = batches.rollback(ref_db, 3, user="alice")
    assert back.rows_restored == 0
    assert rows(ref_db, "SELECT count(*) FROM survey") == [(0,)]


def test_remove_demo_without_demo_data_is_refused(ref_db):
    load(ref_db, SV + "E06000001,2026-Q3,25\n")
    before = content_digest(ref_db)
    with pytest.raises(StoreError, match="There is no demo data to remove; nothing was changed"):
        batches.remove_demo(ref_db, user="alice")
    assert content_digest(ref_db) == before


def test_remove_demo_from_the_command_line(ref_db):
    import subprocess
    import sys

    from tests.conftest import ROOT

    demo_then_real(ref_db)
    out = subprocess.run(
        [sys.executable, "-m", "store", "remove-demo", "--db", str(ref_db), "--user", "cli"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("The demo data was removed: 2 demo batches rolled back")
    again = subprocess.run(
        [sys.executable, "-m", "store", "remove-demo", "--db", str(ref_db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 1
    assert "error: There is no demo data to remove" in again.stderr


def test_remove_the_whole_generated_demo(make_db):
    db = make_db("demo")
    with connect(db) as con:
        n = len(batches.demo_summary(con).batches)
    assert n > 20
    result = batches.remove_demo(db, user="alice")
    assert len(result.batches) == n
    for table in (
        "survey",
        "survey_standards",
        "workforce",
        "exchanges",
        "placements",
        "milestones",
        "delivery",
    ):
        assert rows(db, f"SELECT count(*) FROM {table}") == [(0,)], table
        assert rows(db, f"SELECT count(*) FROM {table}_replaced") == [(0,)], table
    assert rows(db, "SELECT count(*) FROM batches WHERE status = 'active'") == [(0,)]
