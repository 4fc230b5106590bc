"""The analyst's round trip in a real browser: sign in, upload a quarter's return through
the page, see the overview move, roll the batch back, see it move back. And a
command-line load while the dashboard is serving pages."""

import subprocess
import sys

import pytest

from store import auth, ingest
from tests.browser.conftest import ROOT, page_errors, screenshot, wait_for_app

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
FIRST = b"council_code,quarter,data_maturity\nE06000001,2026-Q3,3\nE06000002,2026-Q3,4\n"
# Adds Redcar and Cleveland (E06000003) at maturity 2.
NEW = b"council_code,quarter,data_maturity\nE06000003,2026-Q3,2\n"
# Data maturity, 2026-Q3, mean of reporting councils: FIRST (3 + 4) / 2 = 3.50;
# with NEW (3 + 4 + 2) / 3 = 3.00.


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A database with the real geography and one survey batch, and a secrets file."""
    from tests import factory

    folder = tmp_path_factory.mktemp("workspace")
    db = factory.build("reference", folder / "tracker.duckdb")
    assert ingest.ingest_file(db, "survey", FIRST, "first.csv", user="setup").batch_id == 1
    secrets = folder / "secrets.toml"
    auth.set_account(secrets, "alice", auth.hash_password(PASSWORD))
    return db, secrets


def metric(page, label: str) -> str:
    """The value on the overview card titled ``label`` (the card's bold title and its
    value in large type sit in one markdown block)."""
    script = """(label) => [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
        .filter(m => [...m.querySelectorAll('strong')].some(s => s.textContent.trim() === label))
        .map(m => m.querySelector('span[style*="font-size"]'))
        .filter(v => v).map(v => v.textContent.trim())"""
    # (on a loaded machine the page a link leads to may start drawing after wait_for_app)
    page.wait_for_function(f"(label) => ({script})(label).length > 0", arg=label, timeout=30_000)
    wait_for_app(page)
    values = page.evaluate(script, label)
    assert len(values) == 1, values
    return values[0]


def go(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    wait_for_app(page)


def test_sign_in_upload_see_the_overview_move_then_roll_back(
    page, start_server, workspace, tmp_path
):
    db, secrets = workspace
    server = start_server(db, STREAMLIT_SECRETS_FILES=str(secrets))
    page.goto(server.url)
    wait_for_app(page)
    assert metric(page, "Data maturity") == "3.50"

    go(page, "Upload returns")
    assert page.get_by_text("This page needs the analyst role").is_visible()
    assert page.get_by_test_id("stFileUploaderDropzoneInput").count() == 0
    page.get_by_role("textbox", name="Username").fill("alice")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    wait_for_app(page)

    upload = tmp_path / "q3 redcar.csv"
    upload.write_bytes(NEW)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    page.get_by_text("is valid: loading it would write 1 row").wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.get_by_text("Recognised as").is_visible()
    screenshot(page, "upload-preview")
    page.get_by_role("button", name="Load this file").click()
    page.get_by_text("Batch 2: q3 redcar.csv loaded").wait_for(timeout=30_000)
    wait_for_app(page)
    screenshot(page, "upload-loaded")
    assert page_errors(page) == []

    go(page, "Overview")
    assert metric(page, "Data maturity") == "3.00"

    go(page, "Upload history")
    page.get_by_role("button", name="Roll back batch 2...").click()
    wait_for_app(page)
    page.get_by_role("button", name="Yes, roll it back").click()
    page.get_by_text("rolled back: removed 1 row").wait_for(timeout=30_000)
    wait_for_app(page)
    screenshot(page, "history-rolled-back")

    go(page, "Overview")
    assert metric(page, "Data maturity") == "3.50"
    assert page_errors(page) == []
    assert page.outside_requests == []


def test_command_line_load_while_the_dashboard_serves(page, start_server, workspace, tmp_path):
    db, secrets = workspace
    from tests.workspace.conftest import query

    before = query(db, "SELECT count(*) FROM batches")[0][0]
    server = start_server(db, STREAMLIT_SECRETS_FILES=str(secrets))
    page.goto(server.url)
    wait_for_app(page)
    assert metric(page, "Data maturity") == "3.50"
    upload = tmp_path / "cli.csv"
    upload.write_bytes(NEW + b"\n")  # not byte-identical to the browser test's file
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "store",
            "ingest",
            "survey",
            str(upload),
            "--db",
            str(db),
            "--user",
            "cli",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reloads = 0
    while proc.poll() is None or reloads == 0:  # viewers keep reading while it loads
        page.reload()
        wait_for_app(page)
        reloads += 1
        text = page.inner_text("body")
        assert "lock" not in text.lower(), text[:500]
        assert page_errors(page) == []
    out, err = proc.communicate()
    assert proc.returncode == 0, (out, err)
    assert f"Batch {before + 1}: cli.csv loaded" in out
    page.reload()
    wait_for_app(page)
    assert metric(page, "Data maturity") == "3.00"
    assert page_errors(page) == []
