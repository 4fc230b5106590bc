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
    table = frame(at, "Batch")
    assert list(table.columns) == [
        "Batch",
        "Kind of return",
        "File",
        "Quarters covered",
        "Status",
        "Uploaded by",
        "Uploaded at",
        "Rows added",
        "Rows replaced",
        "Warnings",
        "Rows in file",
        "Demo data",
        "Rolled back at",
        "Rolled back by",
        "SHA-256 of the file",
    ]
    assert table[
        [
            "Batch",
            "Kind of return",
            "File",
            "Quarters covered",
            "Rows added",
            "Rows replaced",
            "Uploaded by",
            "Status",
            "Rolled back by",
            "Demo data",
        ]
    ].values.tolist() == [
        [2, "survey", "second.csv", "2026-Q3", 2, 1, "bob", "In force", "", ""],
        [1, "survey", "first.csv", "2026-Q3", 2, 0, "alice", "In force", "", ""],
    ]
    assert "None" not in table.astype(str).values.ravel().tolist()
    assert table["SHA-256 of the file"].tolist() == [
        hashlib.sha256(SECOND).hexdigest(),
        hashlib.sha256(FIRST).hexdigest(),
    ]
    assert "2 batches, newest first" in texts(at.caption)
    from metrics.export import read_csv_notes

    notes, csv = read_csv_notes(downloads(download(at, "Download the history")))
    assert notes["Table"] == "Upload history: every batch, newest first"
    assert notes["Demo data"].startswith("no")
    assert list(csv.columns[:5]) == [
        "Batch",
        "Kind of return",
        "File",
        "Quarters covered",
        "Status",
    ]
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
    table = frame(at, "Batch")
    assert table["Status"].tolist() == ["Rolled back", "In force"]
    # its rows are gone, so no quarter is left to show
    assert table["Quarters covered"].tolist() == ["(rows removed)", "2026-Q3"]
    assert table["Rolled back by"].tolist() == ["alice", ""]


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


# --- filters (in the URL) and the demo removed in one step (issue 14) -------------------

WF = b"council_code,quarter,role_family,headcount,underrepresented\nE06000001,2026-Q2,all,40,4\n"


@pytest.fixture
def more(db):
    """Batch 3: workforce 2026-Q2 by carol."""
    assert ingest.ingest_file(db, "workforce", WF, "wf.csv", user="carol").batch_id == 3
    return db


def batches_shown(at):
    return frame(at, "Batch")["Batch"].tolist()


def test_filters_by_kind_quarter_and_uploader_go_in_the_url(more, open_history):
    at = open_history()
    assert batches_shown(at) == [3, 2, 1]
    assert at.selectbox(key="history_kind").options == ["All kinds", "survey", "workforce"]
    assert at.selectbox(key="history_quarter").options == ["All quarters", "2026-Q3", "2026-Q2"]
    assert at.selectbox(key="history_uploader").options == ["Everyone", "alice", "bob", "carol"]
    at.selectbox(key="history_kind").set_value("survey").run()
    assert batches_shown(at) == [2, 1]
    assert at.query_params["kind"] == "survey"
    at.selectbox(key="history_uploader").set_value("bob").run()
    assert batches_shown(at) == [2]
    assert at.query_params["by"] == "bob"
    assert "1 of 3 batches (kind survey, uploaded by bob), newest first" in texts(at.caption)
    assert at.selectbox(key="history_batch").value == 2  # the batch picker follows
    at.selectbox(key="history_kind").set_value("").run()
    at.selectbox(key="history_uploader").set_value("").run()
    at.selectbox(key="history_quarter").set_value("2026-Q2").run()
    assert batches_shown(at) == [3]
    assert at.query_params["covers"] == "2026-Q2"
    assert "kind" not in at.query_params and "by" not in at.query_params


def test_a_link_with_filters_opens_them(more, run_page, accounts, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT
    from ui import signin

    monkeypatch.setenv("TRACKER_DB", str(more))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.secrets.update(accounts)
    at.session_state[signin.SESSION_KEY] = {"name": "alice", "via": "password"}
    at.query_params["kind"] = "workforce"
    at.query_params["by"] = "nobody"  # not an uploader: ignored
    at.switch_page("pages/history.py")
    at.run()
    assert not at.exception
    assert at.selectbox(key="history_kind").value == "workforce"
    assert at.selectbox(key="history_uploader").value == ""
    assert batches_shown(at) == [3]


def test_no_batch_matching_says_so(more, open_history):
    at = open_history()
    at.selectbox(key="history_kind").set_value("workforce").run()
    at.selectbox(key="history_quarter").set_value("2026-Q3").run()
    assert "No batch matches these filters." in texts(at.info)
    assert not [s for s in at.selectbox if s.key == "history_batch"]


@pytest.fixture
def demo_history(make_db):
    """Two demo batches and, on top, a real one that replaces a demo row."""
    from store.db import connect, transaction

    path = make_db("reference")
    for i, data in enumerate((FIRST, WF), start=1):
        kind = "survey" if i == 1 else "workforce"
        got = ingest.ingest_file(path, kind, data, f"demo{i}.csv", user="demo", demo=True)
        assert got.batch_id == i
    with connect(path) as con, transaction(con):
        con.execute("INSERT INTO meta VALUES ('demo', 'true')")
    assert ingest.ingest_file(path, "survey", SECOND, "real.csv", user="alice").batch_id == 3
    return path


def test_the_demo_is_removed_in_one_step(demo_history, run_page, accounts):
    at = run_page(demo_history, "pages/history.py", secrets=accounts, analyst="alice")
    notice = [w for w in page_warnings(at) if w.startswith("Demo data is loaded")]
    assert notice == [
        "Demo data is loaded: 2 generated batches (2 rows, 2026-Q2 to 2026-Q3). Removing it "
        "rolls back every demo batch in one step; uploaded returns stay."
    ]
    assert frame(at, "Batch")["Demo data"].tolist() == ["", "demo", "demo"]
    click(at, "history_demo_ask")
    assert query(demo_history, "SELECT count(*) FROM batches WHERE status = 'active'") == [(3,)]
    click(at, "history_demo_yes")
    assert texts(at.success)[0].startswith(
        "The demo data was removed: 2 demo batches rolled back in one step"
    )
    assert query(demo_history, "SELECT batch_id, status FROM batches ORDER BY 1") == [
        (1, "rolled_back"),
        (2, "rolled_back"),
        (3, "active"),
    ]
    assert query(demo_history, "SELECT council_code, batch_id FROM survey ORDER BY 1") == [
        ("E06000001", 3),
        ("E06000003", 3),
    ]
    assert query(demo_history, "SELECT count(*) FROM workforce") == [(0,)]
    assert not [w for w in page_warnings(at) if w.startswith("Demo data is loaded")]
    assert not [b for b in at.button if b.key == "history_demo_ask"]


def test_removing_the_demo_can_be_cancelled(demo_history, run_page, accounts):
    at = run_page(demo_history, "pages/history.py", secrets=accounts, analyst="alice")
    click(click(at, "history_demo_ask"), "history_demo_no")
    assert query(demo_history, "SELECT count(*) FROM batches WHERE status = 'active'") == [(3,)]
    assert [b for b in at.button if b.key == "history_demo_ask"]
