"""Theme page in a real Chromium (demo database): trajectories and breakdowns drawn, each
part named in the chart, the table view and downloads, desktop and phone."""

from __future__ import annotations

import pytest

from tests.browser.conftest import page_errors, screenshot, wait_for_app
from tests.browser.test_overview import DRAWN

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["page", "mobile_page"])
def test_theme(demo_server, viewport, request):
    pg = request.getfixturevalue(viewport)
    pg.goto(f"{demo_server.url}/theme?theme=data&level=region")
    wait_for_app(pg)
    assert page_errors(pg) == []
    assert pg.get_by_role("heading", name="Data exchange & maturity").is_visible()
    # two measures: a trajectory and a regional breakdown each
    pg.wait_for_function(f"() => ({DRAWN})() >= 4", timeout=30_000)
    legend = pg.locator(".js-plotly-plot .legendtext").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    for name in ("Straight path to the target", "Actual", "Target 2030-Q4", "Baseline 2025-Q2"):
        assert any(text.startswith(name) for text in legend), name
    assert pg.get_by_text("of the pace needed").first.is_visible()
    pg.get_by_role("tab", name="Table").first.click()  # the table is drawn on demand
    wait_for_app(pg)
    assert pg.locator('[data-testid="stDataFrame"]').first.is_visible()
    buttons = pg.locator('[data-testid="stDownloadButton"] button')
    assert buttons.filter(has_text="Excel").first.is_visible()
    with pg.expect_download() as download:
        buttons.filter(has_text="CSV").first.click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    # a title block (what the table is), an empty row, then the table
    notes, _, table = text.partition("\n\n")
    assert notes.startswith("Table,") and "\nQuarter,20" in notes
    assert '\nDemo data,"YES: generated demonstration figures' in notes
    assert table.startswith("series,quarter or group,value (count),note\n")
    assert "Straight path to the target,2030-Q4,15" in table
    width = pg.evaluate("() => document.documentElement.scrollWidth")
    assert width <= pg.viewport_size["width"]
    screenshot(pg, f"theme-{'desktop' if viewport == 'page' else 'mobile'}")
    assert pg.outside_requests == []
