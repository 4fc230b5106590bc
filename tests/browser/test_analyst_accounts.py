"""Sign-in across a reload, administrators managing accounts, the history's filters and
the demo removed in one step, in a real browser (issue 14)."""

from __future__ import annotations

import tomllib

import pytest

from store import auth, ingest
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
SV = b"council_code,quarter,data_maturity\n"
WF = b"council_code,quarter,role_family,headcount,underrepresented\nE06000001,2026-Q2,all,40,4\n"


def workspace(folder, *, demo: bool = False, hours: float | None = None):
    from store.db import connect, transaction
    from tests import factory

    db = factory.build("reference", folder / "tracker.duckdb")
    first = SV + b"E06000001,2026-Q3,3\nE06000002,2026-Q3,4\n"
    assert ingest.ingest_file(
        db, "survey", first, "a.csv", user="demo" if demo else "bob", demo=demo
    )
    assert ingest.ingest_file(
        db, "workforce", WF, "wf.csv", user="demo" if demo else "carol", demo=demo
    )
    if demo:
        with connect(db) as con, transaction(con):
            con.execute("INSERT INTO meta VALUES ('demo', 'true')")
    secrets = folder / "secrets.toml"
    secrets.write_text(f"[tracker]\nsign_in_hours = {hours}\n" if hours else "")
    auth.set_account(secrets, "alice", auth.hash_password(PASSWORD))
    auth.set_role(secrets, "alice", True)
    return db, secrets


def sign_in(page, name=None, password=PASSWORD) -> None:
    page.get_by_role("textbox", name="Username").fill(name or "alice")
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("This page needs the analyst role").wait_for(state="detached", timeout=30_000)
    wait_for_app(page)


def signed_in(page) -> bool:
    return page.get_by_text("This page needs the analyst role").count() == 0 and (
        page.get_by_test_id("stFileUploaderDropzoneInput").count() == 1
    )


def test_sign_in_survives_a_reload_until_sign_out(page, start_server, tmp_path):
    db, secrets = workspace(tmp_path)
    server = start_server(db, STREAMLIT_SECRETS_FILES=str(secrets))
    page.goto(server.url + "/upload")
    wait_for_app(page)
    assert not signed_in(page)
    sign_in(page)
    assert signed_in(page)
    cookie = [c for c in page.context.cookies() if c["name"] == "tracker_sign_in"]
    assert len(cookie) == 1 and cookie[0]["sameSite"] == "Strict"
    assert 7.9 * 3600 < cookie[0]["expires"] - __import__("time").time() <= 8 * 3600
    assert "cookie_secret" in tomllib.loads(secrets.read_text())["tracker"]

    page.reload()
    wait_for_app(page)
    assert signed_in(page), page.inner_text("body")[:500]
    page.goto(server.url + "/history")  # a new page load too
    wait_for_app(page)
    assert page.get_by_text("Signed in as alice (administrator)").is_visible()

    page.get_by_role("button", name="Sign out").click()
    wait_for_app(page)
    page.wait_for_timeout(500)
    assert [c for c in page.context.cookies() if c["name"] == "tracker_sign_in"] == []
    page.reload()
    wait_for_app(page)
    assert page.get_by_text("This page needs the analyst role").is_visible()


def test_sign_in_expires(page, start_server, tmp_path):
    db, secrets = workspace(tmp_path, hours=0.002)  # 7.2 seconds
    server = start_server(db, STREAMLIT_SECRETS_FILES=str(secrets))
    page.goto(server.url + "/upload")
    wait_for_app(page)
    sign_in(page)
    page.reload()
    wait_for_app(page)
    assert signed_in(page)
    page.wait_for_timeout(8_000)
    page.reload()
    wait_for_app(page)
    assert page.get_by_text("This page needs the analyst role").is_visible()


def test_an_administrator_adds_an_analyst_who_signs_in(browser, page, start_server, tmp_path):
    db, secrets = workspace(tmp_path)
    server = start_server(db, STREAMLIT_SECRETS_FILES=str(secrets))
    page.goto(server.url + "/accounts")
    wait_for_app(page)
    sign_in(page)
    page.get_by_role("textbox", name="Username").fill("dan")
    page.get_by_role("button", name="Add the account").click()
    page.get_by_text("Added analyst dan.").wait_for(timeout=30_000)
    wait_for_app(page)
    password = page.get_by_test_id("stCode").inner_text().strip()
    assert len(password) == 16
    screenshot(page, "accounts-added")
    assert auth.verify_password(tomllib.loads(secrets.read_text())["analysts"]["dan"], password)

    other = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        dan = other.new_page()
        dan.goto(server.url + "/upload")
        wait_for_app(dan)
        sign_in(dan, "dan", password)
        assert dan.get_by_text("Signed in as dan (analyst)").is_visible()
        # disabled by alice: dan's next run is no longer an analyst's
        page.reload()
        wait_for_app(page)
        page.get_by_test_id("stSelectbox").last.click()
        page.get_by_role("option", name="dan").click()
        wait_for_app(page)
        page.get_by_role("button", name="Disable dan").click()
        page.get_by_text("Disabled dan: they can no longer sign in.").wait_for(timeout=30_000)
        dan.reload()
        wait_for_app(dan)
        assert dan.get_by_text("This page needs the analyst role").is_visible()
    finally:
        other.close()


def test_history_filters_and_the_demo_removed_in_one_step(page, start_server, tmp_path):
    db, secrets = workspace(tmp_path, demo=True)
    assert ingest.ingest_file(db, "survey", SV + b"E06000003,2026-Q3,2\n", "real.csv", user="alice")
    server = start_server(db, STREAMLIT_SECRETS_FILES=str(secrets))
    page.goto(server.url + "/history?kind=survey")
    wait_for_app(page)
    sign_in(page)
    assert page.get_by_text("2 of 3 batches (kind survey), newest first").is_visible()
    assert "kind=survey" in page.url
    assert page.get_by_text("Demo data is loaded: 2 generated batches").is_visible()
    screenshot(page, "history-filters-demo")
    page.get_by_role("button", name="Remove the demo data...").click()
    wait_for_app(page)
    page.get_by_role("button", name="Yes, remove the demo data").click()
    page.get_by_text("The demo data was removed: 2 demo batches rolled back in one step").wait_for(
        timeout=30_000
    )
    wait_for_app(page)
    assert page.get_by_text("Demo data is loaded").count() == 0
    assert page.get_by_text("Demo data: generated figures").count() == 0  # the banner too
