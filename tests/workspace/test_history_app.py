"""The history page through AppTest: the batch table, the original file, rollback behind a
confirmation, and refusals. Every check reads the database afterwards."""

import hashlib

import pytest

from store import ingest
from tests.workspace.conftest import download, frame, page_warnings, query, texts

FIRST = b"council_code,quarter,data_maturity\nE06000001,2026-Q3,3\nE06000002,2026-Q3,4\n"
SECOND = b"council_code,quarter,data_maturity\nE06000001,2026-Q3,5\nE06000003,2026-Q3,2\n"


@pytest.fixture
def db(make_db):
    path = make_db("reference")
    assert ingest.ingest_file(path, "survey", FIRST, "first.csv", user="alice").batch_id == 1
    # Batch 2 replaces Hartlepool (3 -> 5) and adds Redcar.
    assert ingest.ingest_file(path, "survey", SECOND, "second.csv", user="bob").batch_id == 2
    return path


@pytest.fixture
def open_history(db, run_page, accounts):
    def open_(**kw):
        return run_page(
            db, "pages/history.py", secrets=accounts, analyst=kw.pop("analyst", "alice"), **kw
        )

    return open_


def click(at, key):
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_signed_out_sees_only_that_the_page_needs_the_analyst_role(db, run_page, accounts):
    at = run_page(db, "pages/history.py", secrets=accounts)
    assert texts(at.title) == ["Upload history"]
    assert page_warnings(at) == [
        "This page needs the analyst role. Sign in as an analyst to continue."
    ]
    # Nothing of the page itself (the frame's shared filters stay in the sidebar).
    assert len(at.main.dataframe) == 0 and len(at.main.download_button) == 0
    assert len(at.main.selectbox) == 0
    assert not [b.key for b in at.main.button if (b.key or "").startswith("rollback")]


def test_every_batch_is_listed_newest_first(open_history, downloads):
    at = open_history()
    table = frame(at, "batch_id")
    assert table[
        ["batch_id", "kind", "file_name", "rows_added", "rows_replaced", "uploaded_by", "status"]
    ].values.tolist() == [
        [2, "survey", "second.csv", 2, 1, "bob", "active"],
        [1, "survey", "first.csv", 2, 0, "alice", "active"],
    ]
    assert table["file_sha256"].tolist() == [
        hashlib.sha256(SECOND).hexdigest(),
        hashlib.sha256(FIRST).hexdigest(),
    ]
    from metrics.export import read_csv_notes

    notes, csv = read_csv_notes(downloads(download(at, "Download the history")))
    assert notes["Table"] == "Upload history: every batch, newest first"
    assert notes["Demo data"].startswith("no")
    assert list(csv.columns[:3]) == ["batch_id", "kind", "file_name"]
    assert len(csv) == 2


def test_original_file_downloads_as_uploaded(open_history, downloads):
    at = open_history()
    at.selectbox(key="history_batch").set_value(1).run()
    button = download(at, "Download the original file (first\\.csv)")
    assert downloads(button) == FIRST


def test_rollback_needs_confirmation_then_restores(db, open_history):
    at = open_history()
    assert at.selectbox(key="history_batch").value == 2
    click(at, "rollback_ask")
    assert (
        "Roll back batch 2 (survey, second\\.csv)? Its 2 added rows are removed and the 1 "
        "rows it replaced come back" in page_warnings(at)[0]
    )
    assert query(db, "SELECT status FROM batches WHERE batch_id = 2") == [("active",)]  # not yet
    click(at, "rollback_yes")
    assert texts(at.success) == [
        "Batch 2 \\(survey, second\\.csv\\) rolled back: removed 2 rows "
        "and restored 1 row it had replaced\\."
    ]
    assert query(db, "SELECT status, rolled_back_by FROM batches WHERE batch_id = 2") == [
        ("rolled_back", "alice")
    ]
    # Back to batch 1's figures: Hartlepool 3, Middlesbrough 4, no Redcar.
    assert query(db, "SELECT council_code, data_maturity, batch_id FROM survey ORDER BY 1") == [
        ("E06000001", 3, 1),
        ("E06000002", 4, 1),
    ]
    assert frame(at, "batch_id")["status"].tolist() == ["rolled_back", "active"]


def test_cancel_changes_nothing(db, open_history):
    at = click(open_history(), "rollback_ask")
    click(at, "rollback_no")
    assert not page_warnings(at)
    assert query(db, "SELECT count(*) FROM batches WHERE status = 'active'") == [(2,)]


def test_refused_rollback_says_why_and_changes_nothing(db, open_history):
    at = open_history()
    at.selectbox(key="history_batch").set_value(1).run()
    click(click(at, "rollback_ask"), "rollback_yes")
    assert "Batch 1 cannot be rolled back yet: later batch 2 replaced some of its rows" in texts(
        at.error
    )[0].replace("\\", "")
    assert query(db, "SELECT count(*) FROM batches WHERE status = 'active'") == [(2,)]
    assert query(db, "SELECT count(*) FROM survey") == [(3,)]


def test_rolled_back_batch_offers_no_rollback(db, open_history):
    at = click(click(open_history(), "rollback_ask"), "rollback_yes")
    at.selectbox(key="history_batch").set_value(2).run()
    assert "Batch 2 was rolled back; nothing to undo." in texts(at.caption)
    assert not [b for b in at.button if b.key == "rollback_ask"]
