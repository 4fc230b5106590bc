"""Delivery page in a real Chromium (demo database): counts, the organisation x theme table,
the register, one action's page; click-through from a theme page to an action and back to
the measure it is meant to move; desktop and phone screenshots."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from tests.browser.conftest import choose, page_errors, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def query(pg) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlparse(pg.url).query)


def fits(pg) -> None:
    """Nothing wider than the window (a wide table scrolls inside its own box)."""
    width = pg.evaluate("() => document.documentElement.scrollWidth")
    assert width <= pg.viewport_size["width"], width


@pytest.mark.parametrize("viewport", ["page", "mobile_page"])
def test_delivery_page(demo_server, viewport, request):
    pg = request.getfixturevalue(viewport)
    pg.goto(f"{demo_server.url}/delivery")
    wait_for_app(pg)
    assert page_errors(pg) == []
    assert pg.get_by_role("heading", name="Delivery of the blueprint").is_visible()
    metrics = pg.locator('[data-testid="stMetric"]')
    assert metrics.count() == 6
    assert "In progress" in metrics.nth(1).inner_text()
    # the table of responsibilities: one link per cell, named for screen readers
    cells = pg.locator('a[href^="delivery?action=ROLE-"]')
    assert cells.count() == 36
    label = cells.first.get_attribute("aria-label")
    assert label.startswith("Individual councils, Infrastructure, learning & collaboration: ")
    assert pg.locator('[data-testid="stDataFrame"]').first.is_visible()
    fits(pg)
    screenshot(pg, f"delivery-{'desktop' if viewport == 'page' else 'mobile'}")
    assert pg.outside_requests == []


@pytest.mark.parametrize("viewport", ["page", "mobile_page"])
def test_one_action(demo_server, viewport, request):
    pg = request.getfixturevalue(viewport)
    pg.goto(f"{demo_server.url}/delivery?action=REC-infrastructure-2")
    wait_for_app(pg)
    assert page_errors(pg) == []
    assert pg.get_by_role("heading", name="REC-infrastructure-2 · Recommendation").is_visible()
    assert pg.get_by_text("Host organisation not yet chosen").first.is_visible()
    assert pg.get_by_text("Nobody owns this yet").is_visible()
    fits(pg)
    screenshot(pg, f"delivery-action-{'desktop' if viewport == 'page' else 'mobile'}")
    assert pg.outside_requests == []


def test_filters_live_in_the_url(page, demo_server):
    page.goto(f"{demo_server.url}/delivery?owner=institute&status=not_started")
    wait_for_app(page)
    assert page.get_by_text("3 of 66 actions").is_visible()
    assert page.get_by_role("button", name="All actions").count() == 0
    status = page.get_by_role("combobox", name=re.compile("Status"))
    status.click()
    if status.get_attribute("aria-expanded") != "true":
        status.press("ArrowDown")  # a focused selectbox opens its list with the arrow key
    page.get_by_role("option").filter(has_text="Completed").click()
    wait_for_app(page)
    assert page.get_by_text("1 of 66 actions").is_visible()
    assert query(page)["status"] == ["completed"] and query(page)["owner"] == ["institute"]


def test_click_through_theme_to_action_and_back(page, demo_server):
    page.goto(f"{demo_server.url}/theme?theme=infrastructure")
    wait_for_app(page)
    page.get_by_text(re.compile(r"^Actions in this theme: \d+")).click()
    wait_for_app(page)
    screenshot(page, "theme-actions-desktop")
    page.locator('[data-testid="stExpander"] a', has_text="REC-infrastructure-2").click()
    wait_for_app(page)
    assert query(page)["action"] == ["REC-infrastructure-2"]
    assert page.get_by_role("heading", name="REC-infrastructure-2 · Recommendation").is_visible()
    # ... and back to the measure it is meant to move, on its theme page
    page.get_by_role("link", name="A single coordinating institution").click()
    wait_for_app(page)
    assert query(page)["theme"] == ["infrastructure"]
    assert urllib.parse.urlparse(page.url).fragment == "coordinating_institute"
    heading = page.get_by_role("heading", name="A single coordinating institution")
    assert heading.is_visible()
    # scrolled to the measure: its heading within the window (to a pixel: the scroll to
    # an anchor may leave it a fraction of a pixel above the top). Polled, as the scroll
    # follows the rerun's layout.
    height = page.viewport_size["height"]
    in_view = (
        f"el => {{ const r = el.getBoundingClientRect(); return r.top >= -1 && r.top < {height}; }}"
    )
    page.wait_for_function(in_view, arg=heading.element_handle(), timeout=10_000)
    assert page_errors(page) == []
    assert page.outside_requests == []


def test_cell_opens_its_responsibility(page, demo_server):
    page.goto(f"{demo_server.url}/delivery")
    wait_for_app(page)
    page.locator('a[href^="delivery?action=ROLE-mhclg-standards"]').click()
    wait_for_app(page)
    assert page.get_by_role("heading", name="ROLE-mhclg-standards · Responsibility").is_visible()
    assert page.get_by_text("No budget for the audit regime this spending round").first.is_visible()
    page.get_by_role("button", name="All actions").click()
    page.get_by_role("heading", name="Delivery of the blueprint").wait_for(timeout=30_000)
    wait_for_app(page)
    assert "action" not in query(page)


@pytest.mark.parametrize("viewport", ["page", "mobile_page"])
def test_analyst_records_an_update(start_server, tmp_path, viewport, request):
    from store import auth
    from tests import delivery_small

    pg = request.getfixturevalue(viewport)
    db = delivery_small.build(tmp_path / "tracker.duckdb", "pages_small")
    secrets = tmp_path / "secrets.toml"
    auth.set_account(secrets, "alice", auth.hash_password("correct horse battery"))
    server = start_server(db, STREAMLIT_SECRETS_FILES=str(secrets), TRACKER_SIGNIN_DELAY="0.2")
    pg.goto(f"{server.url}/sign_in")
    wait_for_app(pg)
    pg.get_by_role("textbox", name="Username").fill("alice")
    pg.get_by_role("textbox", name="Password").fill("correct horse battery")
    pg.get_by_role("button", name="Sign in").click()
    pg.get_by_text("Signed in as").first.wait_for(timeout=30_000)
    # the menu and the picker keep the sign-in (a full page load starts a new session)
    if viewport == "mobile_page":
        pg.get_by_test_id("stExpandSidebarButton").click()
    pg.get_by_role("link", name="Delivery").click()
    wait_for_app(pg)
    collapse = pg.get_by_test_id("stSidebarCollapseButton").locator("button")
    if viewport == "mobile_page" and collapse.count() and collapse.first.is_visible():
        collapse.first.click()  # a phone's menu covers the page until closed
        pg.wait_for_timeout(500)
    choose(pg, pg.get_by_role("combobox", name="Open one action"), "ROLE-mhclg-standards")
    wait_for_app(pg)
    # picking sets ?action= and reruns: wait for the second run's form
    pg.get_by_role("heading", name="Record an update for ROLE-mhclg-standards").wait_for(
        timeout=30_000
    )
    pg.get_by_role("textbox", name="Commentary").fill("Audit body <b>named</b>")
    pg.get_by_role("button", name="Record this update").click()
    done = pg.get_by_text(re.compile(r"^Batch \d+: update-ROLE-mhclg-standards-2026-Q3"))
    done.wait_for(timeout=60_000)
    wait_for_app(pg)
    assert pg.get_by_text("Audit body <b>named</b>").first.is_visible()  # as text
    assert page_errors(pg) == []
    fits(pg)
    screenshot(pg, f"delivery-form-{'desktop' if viewport == 'page' else 'mobile'}")
    assert pg.outside_requests == []
