"""The analyst's quarter in a real browser (issue 14): an upload with errors (a summary
linking to each problem in a full-width table), title rows, a missing column, a file
already loaded, plausibility warnings and a replacement preview; each flow screenshotted
at 1366 and 390 px wide (tests/screenshots/)."""

from __future__ import annotations

import pytest

from store import auth, ingest
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
SV = b"council_code,quarter,data_maturity\n"
FIRST = SV + b"E06000001,2026-Q3,3\nE06000002,2026-Q3,4\n"
# Hartlepool 3 -> 5 (replaced, changed), Middlesbrough 4 -> 4 (replaced, unchanged), Redcar new.
FIX = SV + b"Hartlepool,2026-Q3,5\nE06000002,2026-Q3,4\nE06000003,2026-Q3,2\n"
# 5 errors in 3 columns, under two title rows (so the rows are 4 to 6).
BAD = (
    b"Quarterly return: data maturity,,\nPrepared by the digital team,,\n"
    + SV
    + b"E06000001,2026-Q3,7\nNowhere,2026-Q9,x\n=cmd(),2026-Q3,2\n"
)
WF = b"council_code,quarter,role_family,headcount,underrepresented\n"
WF_Q2 = (
    WF + b"E06000001,2026-Q2,all,120,12\nE06000002,2026-Q2,all,50,5\nE06000003,2026-Q2,all,30,3\n"
)
# Hartlepool's headcount ten times its 2026-Q2 return; Redcar and Cleveland left out.
WF_Q3 = WF + b"E06000001,2026-Q3,all,1200,12\nE06000002,2026-Q3,all,50,5\n"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """The real geography, a survey batch and a workforce batch, and alice's account."""
    from tests import factory

    folder = tmp_path_factory.mktemp("analyst")
    db = factory.build("reference", folder / "tracker.duckdb")
    assert ingest.ingest_file(db, "survey", FIRST, "first.csv", user="setup").batch_id == 1
    assert ingest.ingest_file(db, "workforce", WF_Q2, "wf q2.csv", user="setup").batch_id == 2
    secrets = folder / "secrets.toml"
    auth.set_account(secrets, "alice", auth.hash_password(PASSWORD))
    return db, secrets


@pytest.fixture(scope="module")
def server(start_server, workspace):
    db, secrets = workspace
    return start_server(db, STREAMLIT_SECRETS_FILES=str(secrets))


def open_upload(page, server) -> None:
    page.goto(server.url + "/upload")
    wait_for_app(page)
    page.get_by_role("textbox", name="Username").fill("alice")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("stFileUploaderDropzoneInput").wait_for(state="attached", timeout=30_000)
    wait_for_app(page)


def drop(page, tmp_path, name: str, data: bytes, expect: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    page.get_by_text(expect).first.wait_for(timeout=30_000)
    wait_for_app(page)


@pytest.mark.parametrize("width", [1366, 390])
def test_errors_summary_links_to_each_problem(request, server, tmp_path, width):
    page = request.getfixturevalue("page" if width == 1366 else "mobile_page")
    open_upload(page, server)
    drop(page, tmp_path, "titled bad.csv", BAD, "There is a problem")
    summary = page.locator(".tracker-summary")
    assert summary.get_by_role("heading", name="There is a problem").is_visible()
    links = summary.get_by_role("link")
    assert links.count() == 5
    assert links.nth(0).inner_text() == (
        "Row 4, data_maturity: expected a whole number from 1 to 5"
    )
    assert page.get_by_text("skipped 2 title rows above the header, which is row 3").is_visible()
    rows = page.locator("table.tracker-problems tbody tr")
    assert rows.count() == 5
    cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(5)]
    if width > 640:
        assert cells[2][:4] == ["Error", "5", "quarter", "2026-Q9"]
        # full width: the "what to do" column is not cut off
        box = page.locator("table.tracker-problems").bounding_box()
        main = page.get_by_test_id("stMain").bounding_box()
        assert box["width"] > 0.8 * (main["width"] - 100)
    # A link leads to its row: the browser follows the anchor and the row is shown.
    links.nth(4).click()
    page.wait_for_timeout(500)
    assert page.evaluate("location.hash") == "#upload-1-problem-5"
    target = page.locator("#upload-1-problem-5")
    assert target.is_visible() and "=cmd()" in target.inner_text()
    assert page.get_by_role("button", name="Load this file").is_disabled()
    screenshot(page, f"upload-errors-{width}")
    assert page.get_by_test_id("stException").count() == 0
    assert page.outside_requests == []


@pytest.mark.parametrize("width", [1366, 390])
def test_warnings_before_loading(request, server, tmp_path, width):
    page = request.getfixturevalue("page" if width == 1366 else "mobile_page")
    open_upload(page, server)
    drop(page, tmp_path, "workforce q3.csv", WF_Q3, "Check before loading")
    text = page.locator("table.tracker-problems").inner_text()
    assert (
        "headcount 1,200 is 10.0x the previous return (120 in 2026-Q2); the check flags "
        "changes over 3x" in text
    )
    assert (
        "fewer than the 3 with a return for 2026-Q2 (not in this file: Redcar and Cleveland)"
        in text
    )
    assert page.get_by_text("is valid with 2 warnings").is_visible()
    assert page.get_by_role("button", name="Load this file").is_enabled()
    screenshot(page, f"upload-warnings-{width}")


@pytest.mark.parametrize("width", [1366, 390])
def test_replacement_preview(request, server, tmp_path, width):
    page = request.getfixturevalue("page" if width == 1366 else "mobile_page")
    open_upload(page, server)
    drop(page, tmp_path, "q3 fixed.csv", FIX, "is valid: loading it would write 3 rows")
    assert page.get_by_text(
        "The 2 stored rows this file replaces, beside the file's row with the same key; "
        "1 of them the file repeats unchanged"
    ).is_visible()
    assert page.get_by_text("All 3 rows as the tracker read them").is_visible()
    grids = page.get_by_test_id("stDataFrame")
    assert grids.count() >= 3  # guidance, changes, comparison, parsed rows
    screenshot(page, f"upload-replacement-{width}")


def test_missing_column_and_a_file_already_loaded(page, server, tmp_path):
    open_upload(page, server)
    drop(
        page,
        tmp_path,
        "no quarter.csv",
        b"council_code,role_family,headcount,underrepresented\nE06000001,all,40,12\n",
        "There is a problem",
    )
    assert page.get_by_text(
        "the headers look like the workforce upload (4 of its columns), but its required "
        "column 'quarter' is missing"
    ).is_visible()
    assert page.get_by_text("could not be recognised").count() == 0
    assert (
        "the required column 'quarter' is missing"
        in page.locator("table.tracker-problems").inner_text()
    )

    page.reload()
    wait_for_app(page)
    drop(page, tmp_path, "copy of first.csv", FIRST, "is identical to batch 1, loaded on")
    assert page.get_by_text("by setup: nothing to load.").is_visible()
    assert page.get_by_text("Nothing to load: every file dropped is loaded already.").is_visible()
    assert page.get_by_role("button", name="Load this file").count() == 0
    assert page.locator(".tracker-summary").count() == 0
    screenshot(page, "upload-duplicate-1366")
