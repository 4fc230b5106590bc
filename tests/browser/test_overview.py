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


HEADLINE = "measures with a target achieved or on track"


def box(locator) -> dict:
    b = locator.bounding_box()
    assert b is not None, "not drawn"
    return b


@pytest.fixture
def laptop(browser):
    """A laptop's screen: 1366x768."""
    from tests.browser.conftest import _new_page

    context, p = _new_page(browser, 1366, 768)
    yield p
    context.close()


def test_overview_first_screen_on_a_laptop(demo_server, laptop):
    """At 1366x768 the headline, the counts by status, what needs attention and what
    changed are on the first screen, and the table of every measure starts on it; the
    whole table fits in one screen."""
    pg = laptop
    pg.goto(demo_server.url)
    wait_for_app(pg)
    assert page_errors(pg) == []
    main = pg.locator('[data-testid="stMain"]')
    assert main.evaluate("m => m.scrollTop") == 0  # nothing scrolled
    height = pg.viewport_size["height"]
    headline = pg.get_by_text(HEADLINE)
    counts = pg.get_by_text("✓ On track:")
    attention = pg.get_by_text("Needs attention:", exact=False).first
    changes = pg.get_by_text("Status changed since", exact=False).first
    for part in (headline, counts, attention, changes):
        b = box(part)
        assert 0 <= b["y"] and b["y"] + b["height"] <= height, (part, b)
    table = pg.locator('[data-testid="stTable"]').first
    header = table.locator("thead tr").first
    first_theme = table.get_by_text("Infrastructure, learning & collaboration")
    tb, hb, fb = box(table), box(header), box(first_theme)
    pg.screenshot(path=str(shot_path("overview-laptop-first-screen")))
    assert tb["y"] < height and hb["y"] + hb["height"] <= height, (tb, hb)
    assert fb["y"] + fb["height"] <= height, fb
    table.screenshot(path=str(shot_path("overview-laptop-table")))
    assert tb["height"] <= height  # scrolled to, the whole table is on one screen
    for column in ("Theme and measure", "Value", "Status", "Change since"):
        assert table.locator("th", has_text=column).first.is_visible()
    # the status is in words beside its glyph, never colour alone
    assert table.get_by_text("▲\u00a0Acceleration\u00a0needed").first.is_visible()
    assert pg.outside_requests == []


def test_overview_first_screen_on_a_phone(demo_server, mobile_page):
    """At 390 px the headline and the counts are on the first screen; the table keeps to
    the screen's width (its later columns scroll inside it), value and status in view."""
    pg = mobile_page
    pg.goto(demo_server.url)
    wait_for_app(pg)
    height, width = pg.viewport_size["height"], pg.viewport_size["width"]
    for part in (pg.get_by_text(HEADLINE), pg.get_by_text("✓ On track:")):
        b = box(part)
        assert b["y"] + b["height"] <= height and b["x"] + b["width"] <= width, b
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= width
    table = pg.locator('[data-testid="stTable"]').first
    table.scroll_into_view_if_needed()
    for column in ("Theme and measure", "Value", "Status"):
        b = box(table.locator("th", has_text=column).first)
        assert b["x"] >= 0 and b["x"] + b["width"] <= width, (column, b)
    pg.screenshot(path=str(shot_path("overview-phone-table")))
    screenshot(pg, "overview-phone-full")


def shot_path(name: str):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
