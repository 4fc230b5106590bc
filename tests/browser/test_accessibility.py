"""WCAG 2.2 AA in a real Chromium: every page and every view behind a choice, at 1366 px
and 390 px, scanned by axe-core (zero serious or critical violations outside
tests/browser/axe_allowed.toml); and what axe cannot see: a distinct <title> per view,
headings without jumps, reflow at 320 px and at 200% zoom (683 CSS px) without a
horizontal scroll of the page. Reports: tests/screenshots/axe/<view>-<width>.json, next
to the screenshots tests/screenshots/a11y-<view>-<width>.png.

A new page joins the scan with one line in VIEWS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.a11y import (
    axe_scan,
    body_overflow,
    describe,
    faint_chart_text,
    heading_jumps,
    headings,
    unnamed_charts,
)
from tests.browser.conftest import (
    ANALYST,
    ANALYST_PASSWORD,
    ROOT,
    _new_page,
    choose,
    page_errors,
    screenshot,
    settle,
    wait_for_app,
)

pytestmark = pytest.mark.browser

# A survey return with two problems (an unknown council, a maturity out of range).
BAD_SURVEY = b"council_code,quarter,data_maturity\nE99999999,2026-Q3,3\nE06000001,2026-Q3,9\n"


def sign_in(page) -> None:
    """Sign in on the analyst gate of the page that is open (unless an earlier view's
    sign-in is still kept by the browser's sign-in cookie)."""
    signed_in = page.get_by_text(f"Signed in as {ANALYST}").first
    password = page.get_by_role("textbox", name="Password")
    signed_in.or_(password).first.wait_for(timeout=30_000)
    if not signed_in.is_visible():
        page.get_by_role("textbox", name="Username").fill(ANALYST)
        password.fill(ANALYST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        signed_in.wait_for(timeout=30_000)
    wait_for_app(page)


def upload_with_errors(page) -> None:
    sign_in(page)
    path = Path(page.tmp_dir) / "bad survey.csv"
    path.write_bytes(BAD_SURVEY)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    page.get_by_text("Nothing will be loaded until every file is valid").wait_for(timeout=30_000)
    wait_for_app(page)


def pick_council(page) -> None:
    """Choose a council the way a keyboard user does: type in the picker, Enter."""
    page.get_by_role("combobox", name="Council").focus()
    page.keyboard.type("Hartle")
    page.keyboard.press("Enter")
    page.wait_for_url("**council=E06000001**", timeout=30_000)
    wait_for_app(page)


def delivery_update_form(page) -> None:
    """Signed in (a full page load would start a new session): the Delivery page by its
    link, one action by its picker, with the analysts' update form."""
    sign_in(page)
    page.get_by_role("link", name="Delivery").click()
    wait_for_app(page)
    choose(page, page.get_by_role("combobox", name="Open one action"), "REC-infrastructure-2")
    page.get_by_role("heading", name="Record an update for REC-infrastructure-2").wait_for(
        timeout=30_000
    )
    wait_for_app(page)


@dataclass(frozen=True)
class View:
    name: str  # report and screenshot name
    path: str  # the URL path and query the view is opened with
    then: Callable | None = None  # what the user does next on the page (sign in, upload)
    needs: str | None = None  # a file the view needs (a page still being added)
    errors_expected: bool = False  # the view shows an error message on purpose


def _themes() -> list[str]:
    from metrics import config

    return list(config.load().themes)


# One line per page or view behind a choice.
VIEWS = [
    View("overview", "/"),
    *(View(f"theme-{t}", f"/theme?theme={t}&level=region") for t in _themes()),
    *(
        View(f"places-{level}", f"/places?places_level={level}")
        for level in ("region", "footprint", "centre", "council")
    ),
    View("council", "/council"),
    View("council-picked", "/council", then=pick_council),
    View("coverage", "/coverage"),
    View("methodology", "/methodology"),
    View("accessibility", "/accessibility"),
    View("sign-in", "/sign_in"),
    View("upload-signed-out", "/upload"),
    View("upload", "/upload", then=sign_in),
    View("upload-errors", "/upload", then=upload_with_errors, errors_expected=True),
    View("history", "/history", then=sign_in),
    View("accounts", "/accounts", then=sign_in),
    View("delivery", "/delivery", needs="pages/delivery.py"),
    View("delivery-action", "/delivery?action=ROLE-mhclg-standards", needs="pages/delivery.py"),
    View("delivery-update", "/sign_in", then=delivery_update_form, needs="pages/delivery.py"),
]
SCANNED = [v for v in VIEWS if v.needs is None or (ROOT / v.needs).is_file()]

# (label, CSS width, height, axe scan?, screenshot?): the two scanned widths, then reflow
# at 320 px and at 200% zoom of a 1366 px screen (683 CSS px).
WIDTHS = [
    ("desktop", 1366, 900, True, True),
    ("mobile", 390, 844, True, True),
    ("320", 320, 720, False, True),
    ("zoom200", 683, 450, False, False),
]

TITLES: dict[str, str] = {}  # document.title -> view, across the module


@pytest.fixture(scope="module")
def scan_page(browser, demo_server):
    """One browser page for every view (the browser keeps Streamlit's scripts cached);
    each view is opened by its URL, which starts a new Streamlit session."""
    context, page = _new_page(browser, 1366, 900)
    page.server = demo_server
    yield page
    context.close()


@pytest.mark.parametrize("view", SCANNED, ids=lambda v: v.name)
def test_view_is_accessible(scan_page, view, tmp_path):
    page = scan_page
    page.tmp_dir = tmp_path
    page.outside_requests.clear()
    page.console_errors.clear()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(page.server.url + view.path)
    wait_for_app(page)
    if view.then:
        view.then(page)
    if not view.errors_expected:
        assert page_errors(page) == []

    problems = []
    faint = faint_chart_text(page)
    if faint:
        problems.append(f"{view.name}: chart text under 4.5:1: {faint}")
    if unnamed_charts(page):
        problems.append(f"{view.name}: {unnamed_charts(page)} charts without a text alternative")
    title = page.title()
    if not title.endswith("Blueprint Tracker") or title == "Blueprint Tracker":
        problems.append(f"{view.name}: the title {title!r} does not name the page")
    if TITLES.setdefault(title, view.name) != view.name:
        problems.append(f"{view.name} has the same title as {TITLES[title]}: {title!r}")

    for label, width, height, scan, shot in WIDTHS:
        if width != page.viewport_size["width"]:
            page.set_viewport_size({"width": width, "height": height})
            settle(page)
        name = f"{view.name}-{label}"
        main = headings(page, '[data-testid="stMain"]')
        if not main or main[0][0] != 1:
            problems.append(f"{name}: the main area starts with {main[:1]}, not an h1")
        if len([h for h in main if h[0] == 1]) > 1:
            problems.append(f"{name}: more than one h1")
        problems += [f"{name}: {j}" for j in heading_jumps(main)]
        problems += [
            f"{name} sidebar: {j}"
            for j in heading_jumps(headings(page, '[data-testid="stSidebar"]'), start=1)
        ]
        overflow = body_overflow(page)
        if overflow > 0:
            problems.append(f"{name}: the page scrolls sideways by {overflow}px")
        if scan:
            _, blocking = axe_scan(page, name)
            if blocking:
                problems.append(f"{name}: axe\n{describe(blocking)}")
        if shot:
            screenshot(page, f"a11y-{name}")
    assert not problems, "\n".join(problems)
    assert page.outside_requests == []
