"""Data coverage in a real Chromium (demo database), desktop and phone."""

from __future__ import annotations

import pytest

from tests.browser.conftest import page_errors, screenshot
from tests.browser.test_places import drawn_svg_charts, open_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["page", "mobile_page"])
def test_coverage(demo_server, viewport, request):
    pg = request.getfixturevalue(viewport)
    open_page(pg, demo_server, "/coverage?kind=workforce")
    assert page_errors(pg) == []
    pg.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=30_000
    )
    assert drawn_svg_charts(pg) >= 1
    # the heatmap writes its numbers in the cells
    assert (
        pg.locator(".js-plotly-plot .textpoint, .js-plotly-plot text").filter(has_text="%").count()
        > 0
    )
    assert pg.get_by_text("Download the list (CSV)").count() <= 1
    screenshot(pg, f"coverage-{'desktop' if viewport == 'page' else 'mobile'}")
    assert pg.outside_requests == []
