"""The upload page through AppTest: signed out, valid, invalid, replace, several files,
size limit, unsafe text. Each check reads the database afterwards."""

import hashlib

import pytest

from tests.workspace.conftest import (
    all_text,
    download,
    frame,
    html_blocks,
    html_table,
    page_warnings,
    problem_table,
    query,
    summary_links,
    texts,
)
from ui import frame as ui_frame

# Two councils of the real geography, both in the North East (E12000001).
GOOD = b"council_code,quarter,data_maturity\nE06000001,2026-Q3,3\nE06000002,2026-Q3,4\n"
# Second return: Hartlepool again (replaces), Middlesbrough again (replaces), Redcar new.
FIX = (
    b"council_code,quarter,data_maturity\nHartlepool,2026-Q3,5\nE06000002,2026-Q3,4\n"
    b"E06000003,2026-Q3,2\n"
)
NEW = b"council_code,quarter,data_maturity\nE06000003,2026-Q3,2\n"
# 5 errors in 3 columns: row 2 maturity 7; row 3 unknown council, bad quarter, maturity x;
# row 4 a formula in council_code.
BAD = (
    b"council_code,quarter,data_maturity\nE06000001,2026-Q3,7\nNowhere,2026-Q9,x\n"
    b"=cmd(),2026-Q3,2\n"
)


@pytest.fixture
def db(make_db):
    return make_db("reference")


@pytest.fixture
def open_upload(db, run_page, accounts):
    def open_(**kw):
        return run_page(
            db, "pages/upload.py", secrets=accounts, analyst=kw.pop("analyst", "alice"), **kw
        )

    return open_


def drop(at, *files):
    at.file_uploader[0].set_value(list(files)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def confirm(at):
    at.button(key="upload_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def csv(name, data):
    return (name, data, "text/csv")


def test_signed_out_sees_only_that_the_page_needs_the_analyst_role(db, run_page, accounts):
    at = run_page(db, "pages/upload.py", secrets=accounts)
    assert texts(at.title) == ["Upload returns"]
    assert page_warnings(at) == [
        "This page needs the analyst role. Sign in as an analyst to continue."
    ]
    # Nothing of the page itself (the frame's shared filters stay in the sidebar).
    assert len(at.main.file_uploader) == 0 and len(at.main.selectbox) == 0
    assert len(at.dataframe) == 0 and len(at.download_button) == 0
    assert [b.label for b in at.button] == ["Sign in"]  # the form's submit only


def test_sign_in_on_the_page_then_upload(db, run_page, accounts):
    from tests.workspace.conftest import PASSWORD

    at = run_page(db, "pages/upload.py", secrets=accounts)
    at.text_input(key="gate_sign_in_username").input("alice")
    at.text_input(key="gate_sign_in_password").input(PASSWORD)
    at.button(key="FormSubmitter:gate_sign_in-Sign in").click().run()
    assert len(at.file_uploader) == 1
    assert "Signed in as **alice** (analyst)" in [c.value for c in at.sidebar.caption]


def test_valid_file_preview_then_confirm(db, open_upload, downloads):
    at = drop(open_upload(), csv("q3.csv", GOOD))
    assert "Recognised as **Quarterly council return (survey)**" in texts(at.info)[0]
    assert texts(at.success) == [
        "q3\\.csv is valid: loading it would write 2 rows, replacing 0 "
        "stored rows\\. Nothing was written\\."
    ]
    assert [m.value for m in at.metric] == ["2", "0"]  # rows added, rows replaced
    preview = frame(at, "Quarter", "Region")
    assert preview.to_dict("records") == [
        {"Quarter": "2026-Q3", "Region": "North East", "Rows added": 2, "Rows replaced": 0}
    ]
    assert query(db, "SELECT count(*) FROM batches") == [(0,)]  # a preview writes nothing
    assert at.button(key="upload_confirm").label == "Load this file"

    confirm(at)
    assert texts(at.success)[0].startswith(
        "Batch 1: q3\\.csv loaded: 2 rows, replacing 0 stored rows"
    )
    assert len(at.file_uploader[0].value or []) == 0  # the drop is cleared
    assert query(db, "SELECT council_code, data_maturity, batch_id FROM survey ORDER BY 1") == [
        ("E06000001", 3, 1),
        ("E06000002", 4, 1),
    ]
    assert query(db, "SELECT kind, file_name, file_sha256, uploaded_by, status FROM batches") == [
        ("survey", "q3.csv", hashlib.sha256(GOOD).hexdigest(), "alice", "active")
    ]
    kept = db.parent / "uploads" / f"{hashlib.sha256(GOOD).hexdigest()}.csv"
    assert kept.read_bytes() == GOOD


def test_invalid_file_lists_every_problem_and_loads_nothing(db, open_upload, downloads):
    version = query(db, "SELECT value FROM meta WHERE key = 'data_version'")
    at = drop(open_upload(), csv("bad.csv", BAD))
    assert texts(at.error)[0].startswith(
        "**5 problems in 3 columns.** bad\\.csv was refused: 5 errors"
    )
    # A full-width table: problem, row, column, value, what to do; each row has an id...
    problems = problem_table(at)
    assert [(p["problem"], p["row"], p["column"], p["value"]) for p in problems] == [
        ("Error", "2", "data_maturity", "7"),
        ("Error", "3", "council_code", "Nowhere"),
        ("Error", "3", "quarter", "2026-Q9"),
        ("Error", "3", "data_maturity", "x"),
        ("Error", "4", "council_code", "=cmd()"),
    ]
    assert problems[0]["what_to_do"] == "expected a whole number from 1 to 5"
    # ... and the summary at the top links to each (GOV.UK's error summary)
    heading, links = summary_links(at)
    assert heading == "There is a problem"
    assert [target for target, _ in links] == [p["id"] for p in problems]
    assert links[0] == (
        "upload-1-problem-1",
        "Row 2, data_maturity: expected a whole number from 1 to 5",
    )
    assert links[2][1].startswith("Row 3, quarter: ")
    assert at.button(key="upload_confirm").disabled
    assert "Nothing will be loaded until every file is valid: fix bad\\.csv" in texts(at.error)[-1]
    # The report downloads as CSV with the formula neutralised.
    text = downloads(download(at, "Download the problems")).decode("utf-8-sig")
    assert text.splitlines()[0] == "severity,row,column,value,what_to_do"
    assert "error,4,council_code,'=cmd()," in text
    assert len(text.splitlines()) == 6
    assert query(db, "SELECT count(*) FROM batches") == [(0,)]
    assert query(db, "SELECT count(*) FROM survey") == [(0,)]
    assert query(db, "SELECT value FROM meta WHERE key = 'data_version'") == version


def test_fix_and_upload_again_replaces_rows(db, open_upload):
    at = confirm(drop(open_upload(), csv("q3.csv", GOOD)))
    at = drop(open_upload(), csv("q3-fixed.csv", FIX))
    # Hartlepool and Middlesbrough replace stored rows; Redcar is new: 3 added, 2 replaced.
    assert [m.value for m in at.metric] == ["3", "2"]
    assert frame(at, "Quarter", "Region").to_dict("records") == [
        {"Quarter": "2026-Q3", "Region": "North East", "Rows added": 3, "Rows replaced": 2}
    ]
    confirm(at)
    assert texts(at.success)[0].startswith(
        "Batch 2: q3\\-fixed\\.csv loaded: 3 rows, replacing 2 stored rows"
    )
    assert query(db, "SELECT council_code, data_maturity, batch_id FROM survey ORDER BY 1") == [
        ("E06000001", 5, 2),
        ("E06000002", 4, 2),
        ("E06000003", 2, 2),
    ]
    assert query(
        db, "SELECT council_code, data_maturity, replaced_by FROM survey_replaced ORDER BY 1"
    ) == [("E06000001", 3, 2), ("E06000002", 4, 2)]


def test_same_file_again_has_one_outcome_and_no_load_button(db, open_upload):
    confirm(drop(open_upload(), csv("q3.csv", GOOD)))
    at = drop(open_upload(), csv("copy of q3.csv", GOOD))
    (loaded_at,) = query(db, "SELECT uploaded_at FROM batches WHERE batch_id = 1")[0]
    # One message: which batch, when, by whom; nothing to load. No warning, no error, no
    # problem table, no preview, no load button.
    assert texts(at.info)[1:] == [
        # (escape_markdown writes a colon before a digit as an entity: it shows as ':')
        f"copy of q3\\.csv is identical to batch 1, loaded on {loaded_at:%Y\\-%m\\-%d %H&#58;%M} "
        "by alice: nothing to load\\.",
        "Nothing to load: every file dropped is loaded already.",
    ]
    assert not page_warnings(at) and not at.error and not at.success
    assert html_blocks(at) == [] and len(at.metric) == 0
    assert not [b for b in at.button if b.key == "upload_confirm"]
    assert query(db, "SELECT count(*) FROM batches") == [(1,)]


def test_a_duplicate_beside_a_new_file_is_skipped_not_blocking(db, open_upload):
    confirm(drop(open_upload(), csv("q3.csv", GOOD)))
    at = drop(open_upload(), csv("copy of q3.csv", GOOD), csv("redcar.csv", NEW))
    assert at.button(key="upload_confirm").label == "Load this file"
    assert not at.button(key="upload_confirm").disabled
    confirm(at)
    assert query(db, "SELECT batch_id, file_name FROM batches ORDER BY 1") == [
        (1, "q3.csv"),
        (2, "redcar.csv"),
    ]


def test_chosen_kind_overrides_recognition(db, open_upload):
    at = open_upload()
    at.selectbox(key="upload_kind").set_value("workforce").run()
    drop(at, csv("q3.csv", GOOD))
    assert not at.info  # no guess shown when the kind is chosen
    assert "was refused" in texts(at.error)[0]
    assert "headcount" in [p["column"] for p in problem_table(at)]


def test_unrecognised_headers_ask_for_the_kind(db, open_upload):
    at = drop(open_upload(), csv("x.csv", b"foo,bar\n1,2\n"))
    assert texts(at.error)[0].startswith(
        "The kind could not be recognised: the headers match no upload kind"
    )
    assert at.button(key="upload_confirm").disabled


def test_two_files_load_as_two_batches(db, open_upload):
    workforce = (
        b"council_code,quarter,role_family,headcount,underrepresented\n"
        b"E06000001,2026-Q3,all,40,12\n"
    )
    at = drop(open_upload(), csv("survey.csv", GOOD), csv("workforce.csv", workforce))
    assert at.button(key="upload_confirm").label == "Load these 2 files"
    confirm(at)
    ok = texts(at.success)
    assert len(ok) == 2
    assert ok[0].startswith("Batch 1: survey\\.csv loaded: 2 rows")
    assert ok[1].startswith("Batch 2: workforce\\.csv loaded: 1 row,")
    assert query(db, "SELECT batch_id, kind, file_name FROM batches ORDER BY 1") == [
        (1, "survey", "survey.csv"),
        (2, "workforce", "workforce.csv"),
    ]


def test_one_bad_file_blocks_the_whole_drop(db, open_upload):
    at = drop(open_upload(), csv("good.csv", GOOD), csv("bad.csv", BAD))
    assert at.button(key="upload_confirm").disabled
    assert query(db, "SELECT count(*) FROM batches") == [(0,)]


def test_file_over_the_size_limit_is_refused(db, open_upload, monkeypatch):
    monkeypatch.setattr(ui_frame, "upload_limit_mb", lambda: 0)
    at = drop(open_upload(), csv("big.csv", GOOD))
    assert texts(at.error)[0].startswith(
        "big\\.csv is 0\\.0 MB; the limit is 0 MB \\(setting server\\.maxUploadSize"
    )
    assert at.button(key="upload_confirm").disabled
    assert query(db, "SELECT count(*) FROM batches") == [(0,)]


def test_text_from_uploads_is_shown_as_text(db, open_upload):
    name = "<img src=x onerror=alert(1)>[link](http://evil.example).csv"
    data = b"council_code,quarter,data_maturity\n<b>Hartlepool</b>,2026-Q3,3\n"
    at = drop(open_upload(), csv(name, data))
    page = all_text(at)
    assert (
        "\\<img src=x onerror=alert\\(1\\)\\>\\[link\\]\\(http&#58;//evil\\.example\\)\\.csv"
        in page
    )
    assert "[link](http" not in page
    assert all(not m.allow_html for m in at.markdown)
    # a table cell: text (escaped in the HTML, shown as written)
    assert "<b>Hartlepool</b>" in [p["value"] for p in problem_table(at)]
    assert "&lt;b&gt;Hartlepool&lt;/b&gt;" in html_blocks(at)[1]
    assert "<b>Hartlepool" not in "".join(html_blocks(at))


def test_guidance_and_template_sit_beside_the_uploader(db, open_upload, downloads):
    at = open_upload()
    at.selectbox(key="upload_guide").set_value("workforce").run()
    from store import kinds

    assert kinds.KINDS["workforce"].title in texts(at.header)  # a section: h2 under the h1
    assert texts(at.markdown)[0] == kinds.KINDS["workforce"].guidance
    columns = frame(at, "column", "required")["column"].tolist()
    assert columns[:3] == ["council_code", "quarter", "role_family"]


def test_template_downloads_beside_the_uploader(open_upload, downloads):
    from store import paths

    at = open_upload()
    at.selectbox(key="upload_guide").set_value("workforce").run()
    data = downloads(download(at, "Download the workforce template"))
    assert data == (paths.TEMPLATES_DIR / "workforce.csv").read_bytes()
    assert data.decode("utf-8-sig").splitlines()[0].startswith("council_code,quarter,role_family")


def test_busy_database_gives_a_clear_message_not_a_lock_error(db, open_upload, monkeypatch):
    """Another process holds the file past TRACKER_LOCK_WAIT: the page says so, writes
    nothing, and works once the other process lets go."""
    import subprocess
    import sys

    monkeypatch.setenv("TRACKER_LOCK_WAIT", "0.5")
    at = open_upload()  # the analyst has the page open; then another process takes the file
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('held', flush=True); time.sleep(30)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        at = drop(at, csv("q3.csv", GOOD))
        assert "The database is busy" in all_text(at)
        assert "lock" not in all_text(at).lower()
    finally:
        holder.kill()
        holder.wait()
    at.run()
    confirm(at)
    assert texts(at.success)[0].startswith("Batch 1: q3\\.csv loaded")
    assert query(db, "SELECT count(*) FROM batches") == [(1,)]


def test_loaded_file_with_an_unsafe_name_is_named_as_text(db, open_upload):
    name = "**bold** [x](javascript:alert(1)).csv"
    at = confirm(drop(open_upload(), csv(name, GOOD)))
    assert texts(at.success)[0].startswith(
        "Batch 1: \\*\\*bold\\*\\* \\[x\\]\\(javascript&#58;alert\\(1\\)\\)\\.csv loaded"
    )
    assert query(db, "SELECT file_name FROM batches") == [(name,)]


# --- issue 14: the analyst's quarter ---------------------------------------------------

WF = b"council_code,quarter,role_family,headcount,underrepresented\n"


def test_title_rows_above_the_header_are_skipped_and_said(db, open_upload):
    data = b"Quarterly return: data maturity,,\nHartlepool and neighbours,,\n" + BAD
    at = drop(open_upload(), csv("titled.csv", data))
    assert "Recognised as **Quarterly council return (survey)**" in texts(at.info)[0]
    assert (
        "skipped 2 title rows above the header, which is row 3: row numbers below are the "
        "spreadsheet's" in [c.value.replace("\\", "") for c in at.caption]
    )
    # The same problems as without the title rows, two rows further down.
    assert [(p["row"], p["column"]) for p in problem_table(at)] == [
        ("4", "data_maturity"),
        ("5", "council_code"),
        ("5", "quarter"),
        ("5", "data_maturity"),
        ("6", "council_code"),
    ]


def test_title_rows_in_an_excel_workbook_too(db, open_upload):
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for line in (["Data maturity return"], [], ["council_code", "quarter", "data_maturity"]):
        ws.append(line)
    ws.append(["E06000001", "2026-Q3", 3])
    out = io.BytesIO()
    wb.save(out)
    at = drop(open_upload(), ("titled.xlsx", out.getvalue(), "application/octet-stream"))
    assert "skipped 1 title row above the header, which is row 3" in all_text(at).replace("\\", "")
    assert texts(at.success)[0].startswith("titled\\.xlsx is valid: loading it would write 1 row")
    confirm(at)
    assert query(db, "SELECT council_code, data_maturity FROM survey") == [("E06000001", 3)]


def test_a_missing_quarter_column_is_reported_as_a_missing_column(db, open_upload):
    data = WF.replace(b"quarter,", b"") + b"E06000001,all,40,12\n"
    at = drop(open_upload(), csv("no quarter.csv", data))
    assert texts(at.info)[0] == (
        "Recognised as **Digital workforce (workforce)**: the headers look like the workforce "
        "upload \\(4 of its columns\\), but its required column 'quarter' is missing. If that "
        "is wrong, choose the kind above."
    )
    assert "could not be recognised" not in all_text(at)
    assert [(p["row"], p["column"]) for p in problem_table(at)] == [("whole file", "quarter")]
    assert problem_table(at)[0]["what_to_do"].startswith(
        "the required column 'quarter' is missing (a quarter such as 2025-Q3"
    )
    heading, links = summary_links(at)
    assert links == [
        (
            "upload-1-problem-1",
            "Column quarter: the required column 'quarter' is missing (a quarter such as 2025-Q3, 2025Q3, 2025 Q3, Q3 2025 or 2025/26 Q2)",
        )
    ]
    # the same when the kind is chosen
    at.selectbox(key="upload_kind").set_value("workforce").run()
    assert [(p["row"], p["column"]) for p in problem_table(at)] == [("whole file", "quarter")]


def test_the_preview_shows_the_rows_as_parsed(db, open_upload):
    data = b"council_code,quarter,data_maturity,ceo_digital_background\nHartlepool,Q3 2026,3,y\nE06000002,2026/27 Q2,,\n"
    at = drop(open_upload(), csv("q3.csv", data))
    sample = frame(at, "row", "council_code", "council_name", "quarter")
    assert sample[
        [
            "row",
            "council_code",
            "council_name",
            "quarter",
            "data_maturity",
            "ceo_digital_background",
        ]
    ].values.tolist() == [
        [2, "E06000001", "Hartlepool", "2026-Q3", "3", "yes"],
        [3, "E06000002", "Middlesbrough", "2026-Q3", "", ""],
    ]
    assert "All 2 rows as the tracker read them" in all_text(at)
    assert "None" not in sample.astype(str).values.ravel().tolist()


def test_replaced_rows_show_stored_and_new_values_side_by_side(db, open_upload):
    confirm(drop(open_upload(), csv("q3.csv", GOOD)))
    at = drop(open_upload(), csv("q3-fixed.csv", FIX))
    compared = html_table(at, "tracker-compare", ["key", "column", "stored", "new", "row"])
    # Hartlepool 3 -> 5; Middlesbrough 4 -> 4 unchanged; Redcar is new (nothing stored).
    assert compared == [
        {
            "id": None,
            "key": "Hartlepool (E06000001), 2026-Q3",
            "column": "data_maturity",
            "stored": "3",
            "new": "5",
            "row": "2",
        }
    ]
    assert (
        "The 2 stored rows this file replaces, beside the file's row with the same key; 1 of "
        "them the file repeats unchanged" in all_text(at).replace("\\", "")
    )


def test_plausibility_warnings_are_shown_before_loading_and_do_not_block(db, open_upload):
    from store.ingest import ingest_file

    first = WF + b"E06000001,2026-Q2,all,120,12\nE06000002,2026-Q2,all,50,5\n"
    assert ingest_file(db, "workforce", first, "q2.csv", user="alice").batch_id == 1
    data = WF + b"E06000001,2026-Q3,all,1200,12\nE06000002,2026-Q3,all,50,5\n"
    at = drop(open_upload(), csv("q3 workforce.csv", data))
    assert page_warnings(at)[0].startswith("q3 workforce\\.csv is valid with 1 warning")
    heading, links = summary_links(at)
    assert heading == "Check before loading"
    assert links == [
        (
            "upload-1-problem-1",
            "Row 2, headcount: headcount 1,200 is 10.0x the previous return (120 in 2026-Q2)",
        )
    ]
    assert problem_table(at) == [
        {
            "id": "upload-1-problem-1",
            "problem": "Warning",
            "row": "2",
            "column": "headcount",
            "value": "1,200",
            "what_to_do": "headcount 1,200 is 10.0x the previous return (120 in 2026-Q2); the "
            "check flags changes over 3x. Check the figure: if it is right, load the file anyway.",
        }
    ]
    assert not at.button(key="upload_confirm").disabled
    confirm(at)
    assert query(db, "SELECT headcount FROM workforce WHERE quarter = '2026-Q3' ORDER BY 1") == [
        (50,),
        (1200,),
    ]


@pytest.fixture
def demo_db(db):
    """The reference database with a small demo (one survey batch marked as demo)."""
    from store.db import connect, transaction
    from store.ingest import ingest_file

    demo = b"council_code,quarter,data_maturity\nE06000001,2026-Q3,1\nE06000004,2026-Q3,2\n"
    assert ingest_file(db, "survey", demo, "demo.csv", user="demo", demo=True).batch_id == 1
    with connect(db) as con, transaction(con):
        con.execute("INSERT INTO meta VALUES ('demo', 'true')")
    return db


def test_loading_real_data_while_demo_data_is_in_asks_first(demo_db, open_upload):
    at = drop(open_upload(), csv("q3.csv", GOOD))
    notice = [w for w in page_warnings(at) if "demo data" in w][0].replace("\\", "")
    assert notice.startswith(
        "The dashboard holds demo data: 1 generated batch (2 rows, 2026-Q3). Loading these "
        "files replaces the 1 stored row with the same keys; the rest of the demo would stay"
    )
    assert at.radio(key="upload_demo_choice").value is None
    assert at.button(key="upload_confirm").disabled  # until the analyst chooses
    at.radio(key="upload_demo_choice").set_value("remove").run()
    assert not at.button(key="upload_confirm").disabled
    confirm(at)
    assert texts(at.success)[0].startswith(
        "The demo data was removed: 1 demo batch rolled back in one step"
    )
    assert texts(at.success)[1].startswith("Batch 2: q3\\.csv loaded: 2 rows")
    assert query(
        demo_db, "SELECT council_code, data_maturity, batch_id FROM survey ORDER BY 1"
    ) == [
        ("E06000001", 3, 2),
        ("E06000002", 4, 2),
    ]
    assert query(demo_db, "SELECT batch_id, status FROM batches ORDER BY 1") == [
        (1, "rolled_back"),
        (2, "active"),
    ]


def test_keeping_the_demo_loads_beside_it(demo_db, open_upload):
    at = drop(open_upload(), csv("q3.csv", GOOD))
    at.radio(key="upload_demo_choice").set_value("keep").run()
    confirm(at)
    assert query(demo_db, "SELECT council_code, batch_id FROM survey ORDER BY 1") == [
        ("E06000001", 2),
        ("E06000002", 2),
        ("E06000004", 1),
    ]
