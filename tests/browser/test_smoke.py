"""The frame loads in a real Chromium against a real server."""
import pytest

from tests.browser.conftest import page_errors, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_frame_loads_with_navigation(page, start_server, db_path):
    from tests import factory

    factory.build("empty", db_path)
    server = start_server(db_path)
    page.goto(server.url)
    wait_for_app(page)
    screenshot(page, "smoke-empty")
    assert page.get_by_text("Overview").first.is_visible()
    assert page_errors(page) == []
    assert page.outside_requests == []
