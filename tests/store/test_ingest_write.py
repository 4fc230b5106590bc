"""store.ingest_write.writer: a load of one file is written by the staging database it
was checked in, with the database file attached (no rows handed over); when another
connection of this process holds the file, by a connection of its own with the rows
handed over as Parquet. Both write the same rows. A connection opened while a load holds
the file waits for it (store.db.connect), as it waits for another process."""

from __future__ import annotations

import shutil
import threading
import time

import duckdb
import pytest

from store import ingest_write, kinds
from store.db import StoreBusy, StoreMissing, connect
from store.ingest import ingest_file
from store.ingest_report import Report
from tests.store.conftest import rows

SV = "council_code,quarter,digital_spend_gbp,sme_spend_gbp,standard_service_standard\n"
FIRST = SV + "E06000001,2025-Q3,100,10,adopted\nE06000002,2025-Q3,50,5,none\n"
SECOND = SV + "E06000001,2025-Q3,200,20,audited\nE08000001,2025-Q3,7,1,planned\n"

# What the two loads leave, computed by hand: the second file replaces Hartlepool's row
# (and its standard) and adds Bolton's.
SURVEY = [
    ("E06000001", 200.0, 20.0, 2),
    ("E06000002", 50.0, 5.0, 1),
    ("E08000001", 7.0, 1.0, 2),
]
STANDARDS = [
    ("E06000001", "audited", 2),
    ("E06000002", "none", 1),
    ("E08000001", "planned", 2),
]


@pytest.fixture
def handed_over(monkeypatch) -> list[str]:
    """The names of the row sets handed over as Parquet files (store.scratch.handover)."""
    names: list[str] = []
    real = ingest_write.handover

    def spy(con, sql, path):
        names.append(path.name.split(".", 2)[2].removesuffix(".parquet"))
        return real(con, sql, path)

    monkeypatch.setattr(ingest_write, "handover", spy)
    return names


def _load_both(db) -> tuple:
    a = ingest_file(db, "survey", FIRST.encode(), "first.csv", user="ana")
    b = ingest_file(db, "survey", SECOND.encode(), "second.csv", user="ana")
    assert a.ok and b.ok, [str(p) for p in a.problems + b.problems]
    return a, b


def _stored(db) -> tuple[list, list, list]:
    survey = rows(
        db,
        "SELECT council_code, digital_spend_gbp, sme_spend_gbp, batch_id FROM survey ORDER BY 1",
    )
    standards = rows(
        db,
        "SELECT council_code, status, batch_id FROM survey_standards "
        "WHERE standard_id = 'service_standard' ORDER BY 1",
    )
    batches = rows(db, "SELECT batch_id, rows_added, rows_replaced, status FROM batches ORDER BY 1")
    return survey, standards, batches


def test_one_file_is_written_by_its_staging_database(ref_db, handed_over):
    a, b = _load_both(ref_db)
    assert (b.batch_id, b.rows_added, b.rows_replaced) == (2, 2, 1)
    assert handed_over == []  # nothing went through Parquet
    survey, standards, batches = _stored(ref_db)
    assert survey == SURVEY
    assert standards == STANDARDS
    assert batches == [(1, 2, 0, "active"), (2, 2, 1, "active")]
    assert rows(ref_db, "SELECT council_code, replaced_by FROM survey_replaced") == [
        ("E06000001", 2)
    ]
    # the file is whole and alone again: another connection opens it at once
    with connect(ref_db, wait=0) as con:
        assert con.execute("SELECT count(*) FROM survey").fetchall() == [(3,)]


def test_a_file_held_by_this_process_is_written_through_parquet_alike(
    ref_db, tmp_path, handed_over
):
    direct = tmp_path / "direct.duckdb"
    shutil.copy(ref_db, direct)
    _load_both(direct)
    assert handed_over == []
    held = duckdb.connect(str(ref_db))  # (a dashboard session reading the file)
    try:
        _load_both(ref_db)
    finally:
        held.close()
    assert "rows" in handed_over and "standard-service_standard" in handed_over
    assert _stored(ref_db) == _stored(direct)
    assert _stored(ref_db)[0] == SURVEY


def test_a_check_never_attaches_the_file(ref_db, handed_over):
    """A dry run reads the database through a connection of its own (and writes nothing)."""
    report = ingest_file(ref_db, "survey", FIRST.encode(), "first.csv", user="ana", dry_run=True)
    assert report.ok and report.batch_id is None
    assert rows(ref_db, "SELECT count(*) FROM survey") == [(0,)]
    assert "keys" in handed_over  # (the preview's keys, handed to that connection)


def test_a_connection_waits_while_a_load_holds_the_file(ref_db):
    """What another session of the dashboard meets during a load's write: the file
    attached to a staging database (here one held for 0.3 s)."""
    stage = duckdb.connect(":memory:")
    stage.execute("ATTACH ? AS tracker_db", [str(ref_db)])
    with pytest.raises(StoreBusy, match="in use"):
        with connect(ref_db, wait=0):
            pass
    timer = threading.Timer(0.3, stage.close)
    timer.start()
    start = time.monotonic()
    try:
        with connect(ref_db, wait=10) as con:
            assert con.execute("SELECT count(*) FROM batches").fetchall() == [(0,)]
    finally:
        timer.join()
    assert time.monotonic() - start >= 0.25


def test_a_database_removed_before_the_write_is_not_made_again(ref_db):
    """The write attaches only an existing file (ATTACH would create a new, empty one):
    a file gone by then is reported as missing, and none is made."""
    stage = duckdb.connect(":memory:")
    report = Report("survey", "f.csv", "")
    prepared = ingest_write._Prepared(kinds.get("survey"), report, b"", "csv", stage, ())
    ref_db.unlink()
    try:
        with pytest.raises(StoreMissing, match="No database at"):
            with ingest_write.writer(ref_db, prepared, write=True):
                pass
    finally:
        prepared.close()
    assert not ref_db.exists()
