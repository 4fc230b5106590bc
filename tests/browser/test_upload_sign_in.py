"""Sign-in in a real browser: with the 'viewing needs sign-in' setting every page, even one
opened by its own URL, shows only the sign-in wall until an analyst signs in."""

import pytest

from store import auth
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def test_viewing_wall_covers_every_page_until_sign_in(page, start_server, tmp_path):
    from tests import factory

    db = factory.build("reference", tmp_path / "tracker.duckdb")
    secrets = tmp_path / "secrets.toml"
    auth.set_account(secrets, "alice", auth.hash_password(PASSWORD))
    server = start_server(
        db,
        STREAMLIT_SECRETS_FILES=str(secrets),
        TRACKER_REQUIRE_SIGN_IN="1",
        TRACKER_SIGNIN_DELAY="0.2",
    )
    for path in ("", "/council", "/history", "/upload"):
        page.goto(server.url + path)
        wait_for_app(page)
        assert page.get_by_text("Viewing this dashboard needs sign-in.").is_visible(), path
        assert page.get_by_test_id("stFileUploaderDropzoneInput").count() == 0
        assert page.get_by_test_id("stDataFrame").count() == 0
        assert page.get_by_test_id("stMetric").count() == 0
        assert (
            page.locator('[data-testid="stMarkdownContainer"] span[style*="font-size"]').count()
            == 0
        )
        assert page.locator(".js-plotly-plot").count() == 0  # no overview card, no chart
    screenshot(page, "sign-in-wall")

    page.get_by_role("textbox", name="Username").fill("alice")
    page.get_by_role("textbox", name="Password").fill("wrong password!")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("The username or password is not right").wait_for(timeout=30_000)

    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Viewing this dashboard needs sign-in.").wait_for(
        state="detached", timeout=30_000
    )
    wait_for_app(page)
    assert page.get_by_test_id("stFileUploaderDropzoneInput").count() == 1  # we were on /upload
    assert page.get_by_text("Signed in as alice (analyst)").is_visible()
