"""Places page in a real Chromium against `streamlit run` on the demo database: the map
is drawn from the local GeoJSON (nothing leaves loopback), the charts render, at desktop
and phone widths. Screenshots: tests/screenshots/places-*.png."""

from __future__ import annotations

import io

import pytest

from tests.browser.conftest import page_errors, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def open_page(pg, server, path: str) -> None:
    """Open ``path`` (e.g. '/places?measure=x') as a user following a link."""
    pg.goto(f"{server.url}{path}")
    wait_for_app(pg)


def drawn_map_pixels(pg) -> int:
    """Non-white pixels of the MapLibre canvas, as the user sees it (element screenshot)."""
    import numpy as np
    from PIL import Image

    canvas = pg.locator("canvas.maplibregl-canvas").first
    canvas.wait_for(state="visible", timeout=30_000)
    pg.wait_for_timeout(1500)  # MapLibre draws after the source is parsed
    pixels = np.asarray(Image.open(io.BytesIO(canvas.screenshot())).convert("RGB"))
    return int((pixels <= 245).any(axis=2).sum())


def drawn_svg_charts(pg) -> int:
    """Plotly SVG charts with at least one drawn trace path."""
    return pg.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].filter(
        p => p.querySelector('.main-svg') && p.querySelectorAll('.trace path, .scatterlayer path').length > 0
    ).length""")


@pytest.mark.parametrize("viewport", ["page", "mobile_page"])
def test_places_region_and_council_maps(demo_server, viewport, request):
    pg = request.getfixturevalue(viewport)
    open_page(pg, demo_server, "/places?measure=data_maturity&places_level=region")
    assert page_errors(pg) == []
    assert pg.get_by_text("Contains OS data © Crown copyright").first.is_visible()
    total = pg.locator("canvas.maplibregl-canvas").first.bounding_box()
    pixels = drawn_map_pixels(pg)
    assert pixels > 0.15 * total["width"] * total["height"], "the map looks blank"
    assert drawn_svg_charts(pg) >= 1  # the trends' small multiples
    screenshot(pg, f"places-region-{'desktop' if viewport == 'page' else 'mobile'}")

    open_page(
        pg,
        demo_server,
        "/places?measure=sme_spend_share&places_level=council&compare=E08000003&compare=E09000001",
    )
    assert page_errors(pg) == []
    assert drawn_map_pixels(pg) > 0.15 * total["width"] * total["height"]
    assert drawn_svg_charts(pg) >= 1  # the comparison of two councils
    screenshot(pg, f"places-council-{'desktop' if viewport == 'page' else 'mobile'}")
    assert pg.outside_requests == []
    assert not [e for e in pg.console_errors if "Error" in e and "WebGL" not in e]
