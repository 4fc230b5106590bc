"""Methodology in a real Chromium (demo database), desktop and phone."""

from __future__ import annotations

import pytest

from tests.browser.conftest import page_errors, screenshot, wait_for_app

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["page", "mobile_page"])
def test_methodology(demo_server, viewport, request):
    pg = request.getfixturevalue(viewport)
    pg.goto(f"{demo_server.url}/methodology")
    wait_for_app(pg)
    assert page_errors(pg) == []
    assert pg.get_by_role("heading", name="How the status is judged").is_visible()
    from metrics import config

    # every measure shows the numbers behind its status in the quarter shown
    assert pg.get_by_text("The numbers behind the status in").count() == len(config.load().measures)
    assert pg.get_by_text(
        "Contains OS data © Crown copyright and database right 2024"
    ).first.is_visible()
    screenshot(pg, f"methodology-{'desktop' if viewport == 'page' else 'mobile'}")
    assert pg.outside_requests == []
