"""The `delivery` upload kind: quarterly updates on the register's actions, through the
same read -> validate -> batch path as every kind. The rules' broken files are in
tests/store/broken/delivery__*.csv (tests/store/delivery_broken.py); here: what is
accepted and stored, the slippage rule against stored batches and the register, history
and rollback, and the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain import register as dreg
from store.batches import rollback
from store.ingest import detect_kind, ingest_file, validate_file
from tests.store.conftest import content_digest, rows
from tests.store.test_cli_ingest import cli

HEADER = "action_id,quarter,status,confidence,due_quarter,reason,evidence,commentary\n"


def load(db, body: str, name: str = "delivery.csv"):
    return ingest_file(db, "delivery", (HEADER + body).encode(), name, user="ana")


def test_updates_are_stored_as_written(ref_db):
    report = load(
        ref_db,
        'REC-data-2,2025/26 Q2,in_progress,Medium,Q2 2026,,,"<b>Working group</b>, met twice"\n'
        "PRI-1,2025-Q3,completed,high,,,https://example.org/plan?v=1,Plan agreed\n"
        "ROLE-mhclg-data,2025-Q3,not_started,,,,www.example.org/notes,Note: not yet\n"
        "NEXT-6,2025-Q3,dropped,,,Folded into NEXT-2,,\n",
    )
    assert report.ok, [str(p) for p in report.problems]
    assert (report.batch_id, report.rows_added, report.rows_replaced) == (1, 4, 0)
    got = rows(
        ref_db,
        "SELECT action_id, quarter, status, confidence, due_quarter, reason, evidence, "
        "commentary, batch_id FROM delivery ORDER BY action_id",
    )
    assert got == [
        ("NEXT-6", "2025-Q3", "dropped", None, None, "Folded into NEXT-2", None, None, 1),
        (
            "PRI-1",
            "2025-Q3",
            "completed",
            "high",
            None,
            None,
            "https://example.org/plan?v=1",
            "Plan agreed",
            1,
        ),
        (
            "REC-data-2",
            "2025-Q3",
            "in_progress",
            "medium",
            "2026-Q2",
            None,
            None,
            "<b>Working group</b>, met twice",
            1,
        ),
        (
            "ROLE-mhclg-data",
            "2025-Q3",
            "not_started",
            None,
            None,
            None,
            "www.example.org/notes",
            "Note: not yet",
            1,
        ),
    ]
    assert rows(ref_db, "SELECT kind, rows_added FROM batches") == [("delivery", 4)]


def test_first_due_quarter_needs_no_reason_and_repeating_it_neither(ref_db):
    assert load(ref_db, "REC-data-2,2025-Q3,in_progress,,2026-Q2,,,\n").ok
    # the next quarter repeats it, or leaves it empty (= unchanged): no reason needed
    assert load(ref_db, "REC-data-2,2025-Q4,in_progress,,2026-Q2,,,\n", "q4.csv").ok
    assert load(ref_db, "REC-data-2,2026-Q1,in_progress,,,,,\n", "q1.csv").ok


def test_due_quarter_moved_from_a_stored_batch(ref_db):
    assert load(ref_db, "REC-data-2,2025-Q3,in_progress,,2026-Q2,,,\n").batch_id == 1
    before = content_digest(ref_db)
    report = load(ref_db, "REC-data-2,2026-Q1,in_progress,,2026-Q4,,,\n", "q1.csv")
    assert not report.ok
    [p] = report.errors
    assert (p.row, p.column, p.value) == (2, "due_quarter", "2026-Q4")
    assert "in force, 2026-Q2 (given for 2025-Q3 in batch 1)" in p.message
    assert content_digest(ref_db) == before
    # with a reason it is accepted: a revision, kept with its reason
    report = load(ref_db, "REC-data-2,2026-Q1,in_progress,,2026-Q4,Supplier delay,,\n", "q1.csv")
    assert report.ok and report.batch_id == 2


def test_the_latest_earlier_quarter_is_in_force_not_a_later_one(ref_db):
    assert load(
        ref_db,
        "REC-data-2,2025-Q3,in_progress,,2026-Q2,,,\n"
        "REC-data-2,2025-Q4,in_progress,,2026-Q3,Waiting for funding,,\n"
        "REC-data-2,2026-Q2,in_progress,,2026-Q4,Pilot slipped,,\n",
    ).ok
    # a correction for 2026-Q1: in force is 2025-Q4's 2026-Q3 (2026-Q2's is later)
    report = load(ref_db, "REC-data-2,2026-Q1,in_progress,,2026-Q4,,,\n", "fix.csv")
    assert "in force, 2026-Q3 (given for 2025-Q4 in batch 1)" in report.errors[0].message
    assert load(ref_db, "REC-data-2,2026-Q1,in_progress,,2026-Q3,,,\n", "fix.csv").ok


def test_a_row_replacing_the_same_quarter_is_not_compared_with_itself(ref_db):
    assert load(ref_db, "REC-data-2,2025-Q3,in_progress,,2026-Q2,,,\n").ok
    report = load(ref_db, "REC-data-2,2025-Q3,in_progress,,2026-Q4,,,\n", "again.csv")
    assert report.ok and report.rows_replaced == 1


@pytest.fixture
def register_with_a_due_quarter(tmp_path, monkeypatch) -> Path:
    text = dreg.DEFAULT_PATH.read_text(encoding="utf-8")
    old = 'id = "REC-data-2"\nkind = "recommendation"\ntheme = "data"\n'
    assert old in text
    path = tmp_path / "register.toml"
    path.write_text(text.replace(old, old + 'due_quarter = "2026-Q3"\n'), encoding="utf-8")
    monkeypatch.setenv("TRACKER_REGISTER", str(path))
    return path


def test_due_quarter_moved_from_the_register(ref_db, register_with_a_due_quarter):
    report = validate_file(
        ref_db,
        "delivery",
        (HEADER + "REC-data-2,2025-Q3,in_progress,,2027-Q1,,,\n").encode(),
        "d.csv",
    )
    [p] = report.errors
    assert (p.row, p.column) == (2, "due_quarter")
    assert "in force, 2026-Q3 (set in the register, register.toml)" in p.message
    same = "REC-data-2,2025-Q3,in_progress,,2026-Q3,,,\n"
    assert validate_file(ref_db, "delivery", (HEADER + same).encode(), "d.csv").ok


def test_a_register_that_cannot_be_read_refuses_the_file(ref_db, tmp_path, monkeypatch):
    bad = tmp_path / "register.toml"
    bad.write_text("[organisations]\ncouncils = 'x'\n", encoding="utf-8")
    monkeypatch.setenv("TRACKER_REGISTER", str(bad))
    report = load(ref_db, "REC-data-2,2025-Q3,in_progress,,,,,\n")
    assert not report.ok and report.batch_id is None
    assert "the register cannot be read: register.toml: [organisations]" in report.errors[0].message


def test_every_problem_of_a_file_is_listed(ref_db):
    report = load(
        ref_db,
        "REC-data-9,2025-Q3,in_progress,,,,,\n"
        "PRI-1,2025-Q3,completed,,,,,\n"
        "PRI-2,2025-Q3,off_track,low,,,ftp://files.example.org/x,\n",
    )
    assert [(p.row, p.column) for p in report.errors] == [
        (2, "action_id"),
        (3, "evidence"),
        (4, "reason"),
        (4, "evidence"),
    ]


def test_history_and_rollback(ref_db):
    assert load(ref_db, "REC-data-2,2025-Q3,in_progress,,2026-Q2,,,first\n").batch_id == 1
    second = load(
        ref_db, "REC-data-2,2025-Q3,off_track,low,2026-Q2,Lost the lead officer,,second\n", "b.csv"
    )
    assert (second.batch_id, second.rows_replaced) == (2, 1)
    assert rows(ref_db, "SELECT status, commentary FROM delivery") == [("off_track", "second")]
    result = rollback(ref_db, 2, user="ana")
    assert (result.rows_removed, result.rows_restored) == (1, 1)
    assert rows(ref_db, "SELECT status, commentary, batch_id FROM delivery") == [
        ("in_progress", "first", 1)
    ]


def test_detect_kind_and_the_command_line(ref_db, tmp_path, capsys):
    data = (HEADER + "REC-data-2,2025-Q3,in_progress,,,,,\n").encode()
    assert detect_kind(data, "d.csv")[0] == "delivery"
    good = tmp_path / "d.csv"
    good.write_bytes(data)
    code, out, _ = cli(
        capsys, "ingest", "delivery", str(good), "--db", str(ref_db), "--user", "ana"
    )
    assert code == 0 and "Batch 1: d.csv loaded: 1 row" in out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "REC-data-2,2025-Q4,completed,,,,,\n")
    code, out, _ = cli(capsys, "ingest", "delivery", str(bad), "--db", str(ref_db))
    assert code == 1 and "row 2, column evidence" in out and "nothing was written" in out
    code, out, _ = cli(capsys, "history", "--db", str(ref_db))
    assert code == 0 and "delivery" in out


def test_template_is_a_valid_upload(ref_db):
    from store.templates import template_bytes

    report = validate_file(ref_db, "delivery", template_bytes("delivery"), "delivery.csv")
    assert report.ok, [str(p) for p in report.problems]


def test_one_update_from_a_form_is_the_same_batch_as_a_file(ref_db):
    from store.delivery import one_update_csv

    data = one_update_csv(
        action_id="REC-data-2",
        quarter="2025-Q3",
        status="in_progress",
        commentary='Met twice, "pilot" agreed; next: councils, data',
    )
    report = ingest_file(ref_db, "delivery", data, "form.csv", user="ana")
    assert report.ok and report.batch_id == 1
    assert rows(ref_db, "SELECT commentary FROM delivery") == [
        ('Met twice, "pilot" agreed; next: councils, data',)
    ]
    refused = one_update_csv(action_id="PRI-1", quarter="2025-Q3", status="completed")
    assert (
        "evidence is required"
        in ingest_file(ref_db, "delivery", refused, "f.csv", user="a").errors[0].message
    )
    with pytest.raises(ValueError, match="owner"):
        one_update_csv(owner="mhclg")
