"""The frame in a real Chromium: empty states, and the shared filters carried in the URL
from page to page (a link reproduces the view)."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from tests.browser.conftest import page_errors, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_empty_database_and_navigation(page, start_server, make_db):
    server = start_server(make_db("empty"))
    page.goto(server.url)
    wait_for_app(page)
    assert page.get_by_text("Overview").first.is_visible()
    assert page.get_by_text("No returns have been loaded yet").is_visible()
    assert page_errors(page) == []
    screenshot(page, "frame-empty")
    assert page.outside_requests == [], page.outside_requests


def test_filters_follow_the_user_and_live_in_the_url(page, demo_server):
    page.goto(demo_server.url)
    wait_for_app(page)
    page.get_by_role("combobox", name=re.compile("Quarter")).click()
    option = page.get_by_role("option").nth(1)  # the quarter before the latest
    quarter = option.inner_text().split()[0]
    option.click()
    wait_for_app(page)
    page.get_by_role("link", name="Themes").click()
    wait_for_app(page)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query["quarter"] == [quarter] and query["level"] == ["national"]
    assert page.get_by_text(f"Figures as at {quarter}").is_visible()
    # the link reproduces the view in a new session
    other = page.context.new_page()
    other.goto(page.url)
    wait_for_app(other)
    assert other.get_by_text(f"Figures as at {quarter}").is_visible()
    assert page_errors(other) == []


def test_deep_link_as_first_request_after_a_start(page, start_server, make_db):
    server = start_server(make_db("pages_small"), warm=False)
    page.goto(f"{server.url}/theme?quarter=2026-Q2&level=region&theme=data")
    wait_for_app(page)
    # The frame ran (its quarter line), on the page and theme the link named.
    assert page.get_by_text("Figures as at 2026-Q2").is_visible()
    assert page.get_by_role("heading", name="Data exchange & maturity").first.is_visible()
    assert "theme=data" in page.url and "quarter=2026-Q2" in page.url
