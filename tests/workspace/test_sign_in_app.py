"""Sign-in through the pages (AppTest): password accounts for real, OIDC via st.user."""

import time

import pytest

from store import auth
from tests.workspace.conftest import PASSWORD, all_text, texts
from ui.signin import SESSION_KEY

OIDC = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "s" * 32,
        "client_id": "tracker",
        "client_secret": "x",
        "server_metadata_url": "https://login.example.gov.uk/.well-known/openid-configuration",
    },
    "tracker": {"analyst_emails": ["ana@council.gov.uk"]},
}


@pytest.fixture
def db(make_db):
    return make_db("empty")


def sign_in(at, username, password):
    at.text_input(key="page_sign_in_username").input(username)
    at.text_input(key="page_sign_in_password").input(password)
    at.button(key="FormSubmitter:page_sign_in-Sign in").click().run()
    return at


def test_password_sign_in_wrong_then_right_then_sign_out(db, run_page, accounts, monkeypatch):
    monkeypatch.setenv("TRACKER_SIGNIN_DELAY", "0.3")
    at = run_page(db, "pages/sign_in.py", secrets=accounts)
    assert texts(at.title) == ["Analyst sign-in"]
    start = time.monotonic()
    sign_in(at, "alice", "not the password")
    assert time.monotonic() - start >= 0.3  # the delay after a failed try
    assert "The username or password is not right" in texts(at.error)[0]
    assert SESSION_KEY not in at.session_state
    assert auth.THROTTLE.failures("alice") == 1
    sign_in(at, "Alice", PASSWORD)
    assert not at.error
    assert "Signed in as **alice** (analyst)" in texts(at.success)[0]
    assert at.session_state[SESSION_KEY] == {"name": "alice", "via": "password"}
    at.button(key="page_sign_out").click().run()
    assert SESSION_KEY not in at.session_state
    assert len(at.text_input) == 2  # the form is back


def test_unknown_user_is_refused(db, run_page, accounts):
    at = sign_in(run_page(db, "pages/sign_in.py", secrets=accounts), "mallory", PASSWORD)
    assert "The username or password is not right" in texts(at.error)[0]
    assert SESSION_KEY not in at.session_state


def test_session_of_a_removed_account_is_not_an_analyst(db, run_page, accounts):
    at = run_page(db, "pages/sign_in.py", secrets=accounts, analyst="bob")
    assert not at.success and len(at.text_input) == 2


def test_no_accounts_says_how_to_add_one(db, run_page):
    at = run_page(db, "pages/sign_in.py")
    assert "python -m store add-analyst USERNAME" in texts(at.info)[0]
    assert len(at.text_input) == 0


def test_oidc_user_on_the_allow_list_is_an_analyst(db, run_page, accounts):
    at = run_page(
        db,
        "pages/sign_in.py",
        secrets={**accounts, **OIDC},
        user={"is_logged_in": True, "email": "Ana@Council.gov.uk"},
    )
    assert "Signed in as **ana@council\\.gov\\.uk** (analyst)" in texts(at.success)[0]


def test_oidc_user_not_on_the_allow_list_is_told_so(db, run_page, accounts):
    at = run_page(
        db,
        "pages/sign_in.py",
        secrets={**accounts, **OIDC},
        user={"is_logged_in": True, "email": "bob@council.gov.uk"},
    )
    assert not at.success
    assert "bob@council.gov.uk, which is not on the analyst list" in texts(at.error)[0]


def test_oidc_configured_offers_the_provider_not_passwords(db, run_page, accounts):
    at = run_page(
        db, "pages/sign_in.py", secrets={**accounts, **OIDC}, user={"is_logged_in": False}
    )
    assert [b.label for b in at.button if b.key == "page_sign_in_oidc"] == [
        "Sign in with your organisation's account"
    ]
    assert len(at.text_input) == 0
    # A password session does not count once OIDC is configured.
    at2 = run_page(
        db,
        "pages/sign_in.py",
        secrets={**accounts, **OIDC},
        analyst="alice",
        user={"is_logged_in": False},
    )
    assert not at2.success


def test_viewing_needs_no_sign_in_by_default(db, run_page):
    at = run_page(db, None)
    assert "Viewing this dashboard needs sign-in" not in all_text(at)


def test_setting_requires_sign_in_for_viewing(db, run_page, accounts, monkeypatch):
    secrets = {**accounts, "tracker": {"require_sign_in": True}}
    at = run_page(db, None, secrets=secrets)
    assert texts(at.warning) == ["Viewing this dashboard needs sign-in."]
    assert texts(at.title) == ["Blueprint Tracker"]
    assert len(at.text_input) == 2 and not at.dataframe and not at.metric
    # Signed in, the page runs past the wall.
    at = run_page(db, None, secrets=secrets, analyst="alice")
    assert "Viewing this dashboard needs sign-in." not in texts(at.warning)
    # The environment variable switches it off (and on).
    monkeypatch.setenv("TRACKER_REQUIRE_SIGN_IN", "0")
    at = run_page(db, None, secrets=secrets)
    assert "Viewing this dashboard needs sign-in." not in texts(at.warning)
