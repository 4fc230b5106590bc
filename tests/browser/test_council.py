"""Council profile in a real Chromium (demo database), desktop and phone."""

from __future__ import annotations

import pytest

from tests.browser.conftest import page_errors, screenshot, wait_for_app
from tests.browser.test_places import drawn_svg_charts, open_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["page", "mobile_page"])
def test_council_profile(demo_server, viewport, request):
    pg = request.getfixturevalue(viewport)
    open_page(pg, demo_server, "/council")
    assert page_errors(pg) == []
    assert pg.get_by_text("Choose one of the 317 councils").first.is_visible()
    # search the picker by typing part of a name
    pg.get_by_test_id("stSelectbox").last.click()
    pg.keyboard.type("Hartle")
    pg.get_by_role("option", name="Hartlepool (unitary)").click()
    wait_for_app(pg)
    assert "council=E06000001" in pg.url
    pg.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=30_000
    )
    assert drawn_svg_charts(pg) >= 4
    assert page_errors(pg) == []
    screenshot(pg, f"council-{'desktop' if viewport == 'page' else 'mobile'}")
    assert pg.outside_requests == []
