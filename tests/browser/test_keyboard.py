"""The analyst's whole flow by keyboard alone, in a real Chromium (WCAG 2.1.1): from the
overview to the upload page, sign in, upload a return, confirm the load, then roll the
batch back on the upload history, with Tab, Shift+Tab, Enter and Space only. The file is
chosen in the browser's file chooser, opened from the upload button by a key press (the
operating system's dialog is the only step Playwright fills in). Every control reached
shows where the focus is (WCAG 2.4.7)."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from store import ingest
from tests.browser.conftest import ANALYST, ANALYST_PASSWORD, screenshot, wait_for_app

pytestmark = pytest.mark.browser

FIRST = b"council_code,quarter,data_maturity\nE06000001,2026-Q3,3\nE06000002,2026-Q3,4\n"
NEW = b"council_code,quarter,data_maturity\nE06000003,2026-Q3,2\n"
MAX_PRESSES = 120  # more than the dashboard's focus stops on any page


@pytest.fixture(scope="module")
def server(tmp_path_factory, start_server, analyst_secrets):
    from tests import factory

    db = factory.build("reference", tmp_path_factory.mktemp("keyboard") / "tracker.duckdb")
    assert ingest.ingest_file(db, "survey", FIRST, "first.csv", user="setup").batch_id == 1
    return start_server(db, STREAMLIT_SECRETS_FILES=str(analyst_secrets))


def focused(target) -> bool:
    return target.evaluate(
        "el => el === document.activeElement || el.contains(document.activeElement)"
    )


def tab_to(page, target, *, back: bool = False) -> None:
    """Press Tab (Shift+Tab with ``back``) until ``target`` has the focus; then check that
    the focus is visible on it (an outline or a box shadow, Streamlit's focus ring)."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(MAX_PRESSES):
        if target.count() and focused(target):
            break
        page.keyboard.press(key)
    else:
        raise AssertionError(f"{target} never got the focus with {key}")
    ring = page.evaluate("""() => {
        let el = document.activeElement;
        for (let i = 0; el && i < 4; i++, el = el.parentElement) {
            const s = getComputedStyle(el);
            if ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                || (s.boxShadow && s.boxShadow !== 'none')) return true;
        }
        return false;
    }""")
    assert ring, f"no visible focus on {target}"


def open_file_chooser(page, browse):
    """Tab to the upload button and press Enter: the browser's file chooser. On a busy
    machine a rerun may replace the button between the focus and the key press (the
    press then reaches nothing): the focus is moved to it again and Enter pressed again."""
    for _ in range(3):
        wait_for_app(page)
        tab_to(page, browse)
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Enter")
        except PlaywrightTimeout:
            continue
        return chooser.value
    raise AssertionError("Enter on the upload button never opened the file chooser")


def test_sign_in_upload_confirm_and_roll_back_by_keyboard(page, server, tmp_path):
    page.goto(server.url)
    wait_for_app(page)

    # the sidebar's link to the upload page
    tab_to(page, page.get_by_role("link", name="Upload returns"))
    page.keyboard.press("Enter")
    page.get_by_text("This page needs the analyst role").wait_for(timeout=30_000)
    wait_for_app(page)

    # sign in: type into the fields, Enter submits the form
    tab_to(page, page.get_by_role("textbox", name="Username"))
    page.keyboard.type(ANALYST)
    page.keyboard.press("Tab")
    assert focused(page.get_by_role("textbox", name="Password"))
    page.keyboard.type(ANALYST_PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_text(f"Signed in as {ANALYST}").first.wait_for(timeout=30_000)
    wait_for_app(page)

    # the upload button opens the file chooser from the keyboard
    upload = tmp_path / "q3 redcar.csv"
    upload.write_bytes(NEW)
    browse = page.get_by_test_id("stFileUploaderDropzone").locator("button")
    open_file_chooser(page, browse).set_files(str(upload))
    page.get_by_text("is valid: loading it would write 1 row").wait_for(timeout=30_000)
    wait_for_app(page)

    # confirm the load
    tab_to(page, page.get_by_role("button", name="Load this file"))
    screenshot(page, "keyboard-upload-focus")
    page.keyboard.press("Enter")
    page.get_by_text("Batch 2: q3 redcar.csv loaded").wait_for(timeout=30_000)
    wait_for_app(page)

    # back to the sidebar for the upload history
    tab_to(page, page.get_by_role("link", name="Upload history"), back=True)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Upload history").wait_for(timeout=30_000)
    wait_for_app(page)

    # roll back: ask, then confirm with Space
    tab_to(page, page.get_by_role("button", name="Roll back batch 2..."))
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Yes, roll it back").wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.title().startswith("Roll back batch 2?")
    tab_to(page, page.get_by_role("button", name="Yes, roll it back"))
    screenshot(page, "keyboard-rollback-focus")
    page.keyboard.press("Space")
    page.get_by_text("rolled back: removed 1 row").wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.outside_requests == []
