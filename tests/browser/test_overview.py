"""Overview in a real Chromium against `streamlit run` on the demo database, desktop and
phone: no error, every sparkline drawn, the demo banner, nothing leaves loopback."""

from __future__ import annotations

import pytest

from tests.browser.conftest import page_errors, screenshot, wait_for_app

pytestmark = pytest.mark.browser

DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')].filter(
    p => p.querySelector('.main-svg') && p.querySelectorAll('.scatterlayer path, .barlayer path').length > 0
).length"""


@pytest.mark.parametrize("viewport", ["page", "mobile_page"])
def test_overview(demo_server, viewport, request):
    pg = request.getfixturevalue(viewport)
    pg.goto(demo_server.url)
    wait_for_app(pg)
    assert page_errors(pg) == []
    assert pg.get_by_text("Demo data: generated figures, not real returns").is_visible()
    assert pg.get_by_role("heading", name="Progress towards the 2030 visions").is_visible()
    for theme in (
        "Infrastructure, learning & collaboration",
        "Procurement, contracts & market shaping",
    ):
        assert pg.get_by_role("heading", name=theme).count() == 1
    # one sparkline per measure that is not a milestone (11 of the 15 in targets.toml)
    pg.wait_for_function(f"() => ({DRAWN})() >= 11", timeout=30_000)
    assert pg.get_by_text("Acceleration needed").or_(pg.get_by_text("On track")).first.is_visible()
    width = pg.evaluate("() => document.documentElement.scrollWidth")
    assert width <= pg.viewport_size["width"]  # nothing wider than the phone
    screenshot(pg, f"overview-{'desktop' if viewport == 'page' else 'mobile'}")
    assert pg.outside_requests == []
    assert [e for e in pg.console_errors if "plotly" in e.lower()] == []
