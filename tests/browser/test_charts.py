"""Every chart type and map layer in a real Chromium (demo database), desktop and phone,
each saved on its own (tests/screenshots/charts-<view>-<n>-<width>.png) to be looked at:
the trajectory of a rate, a count capped by the vision, a score and a relative change; a
milestone's steps; the overview's sparklines; breakdown bars; the classed maps (region, footprint, centre, council
yes/no and score, counties); counts by region as bars; the small multiples; a comparison
of regions; the council profile; the coverage heatmap and trend; and a link with values
that do not exist."""

from __future__ import annotations

import pytest

from tests.browser.conftest import page_errors, screenshot, settle, wait_for_app

pytestmark = pytest.mark.browser

VIEWS = {
    "overview": "/",
    "theme-standards": "/theme?theme=standards",
    "theme-infrastructure": "/theme?theme=infrastructure&level=region",
    "theme-data": "/theme?theme=data",
    "theme-skills": "/theme?theme=skills",
    "theme-procurement": "/theme?theme=procurement",
    "places-region": "/places?places_level=region&compare=E12000001&compare=E12000007",
    "places-footprint": "/places?measure=sme_spend_share&places_level=footprint",
    "places-centre": "/places?measure=data_maturity&places_level=centre",
    "places-council-yes-no": "/places?measure=standards_adoption&places_level=council",
    "places-council-score": "/places?measure=data_maturity&places_level=council&layer=upper_tier",
    "places-count": "/places?measure=data_exchanges&places_level=region",
    "council": "/council?council=E06000047",
    "coverage": "/coverage",
    "refused": "/places?quarter=1999-Q9&level=bogus&measure=nothing&places_level=council",
}

CHARTS = ".js-plotly-plot"


def shoot_charts(pg, name: str) -> int:
    """Save each drawn chart on its own; how many there were."""
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    charts = pg.locator(CHARTS)
    n = charts.count()
    for i in range(n):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()  # (the screenshot waits for it to be still)
        chart.screenshot(path=str(SCREENSHOTS / f"charts-{name}-{i + 1}.png"))
    return n


def maps_drawn(pg) -> None:
    """MapLibre draws a map after its source is parsed, with no event a page can wait
    on: a moment's wait where the view has a map (a plotly chart draws as it mounts)."""
    if pg.locator("canvas.maplibregl-canvas").count():
        pg.wait_for_timeout(1500)


WIDTHS = [("desktop", 1366, 900), ("mobile", 390, 844)]


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_chart_type(page, demo_server, view):
    """One page load a view, drawn at desktop width and then at a phone's (the page
    resized, as the accessibility scan does: the layout and the charts follow it)."""
    pg = page
    pg.goto(f"{demo_server.url}{VIEWS[view]}")
    wait_for_app(pg)
    assert page_errors(pg) == []
    for width, w, h in WIDTHS:
        if pg.viewport_size["width"] != w:
            pg.set_viewport_size({"width": w, "height": h})
            settle(pg)
        maps_drawn(pg)
        found = shoot_charts(pg, f"{view}-{width}")
        screenshot(pg, f"charts-{view}-{width}-page")
        if view == "refused":
            alerts = " ".join(pg.locator('[data-testid="stAlert"]').all_inner_texts())
            assert "quarter “1999-Q9”, which has no data: showing 2026-Q3" in alerts
            assert "level “bogus”, which does not exist" in alerts
        else:
            assert found >= 1, width
        assert pg.evaluate("() => document.documentElement.scrollWidth") <= w, width
    assert pg.outside_requests == []
