"""Administrators and analyst accounts (issue 14): store.accounts on a secrets file, the
signed sign-in token (store.tokens), `add-analyst --admin`, and the Analyst accounts
page and the sign-in across a reload through AppTest."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from store import accounts, auth, secrets_file, tokens
from tests.conftest import ROOT
from tests.workspace.conftest import PASSWORD, page_warnings, texts
from ui import signin


@pytest.fixture
def secrets(tmp_path, alice_hash, monkeypatch):
    """A secrets file with alice (administrator) and bob (analyst), the one the app reads."""
    path = tmp_path / "secrets.toml"
    path.write_text("[tracker]\nrequire_sign_in = false  # kept\n\n[auth]\n# none\n")
    auth.set_account(path, "alice", alice_hash)
    auth.set_account(path, "bob", alice_hash)
    auth.set_role(path, "alice", True)
    monkeypatch.setenv("TRACKER_SECRETS_FILE", str(path))
    return path


def now(path):
    return secrets_file.read(path)


# --- store.accounts -------------------------------------------------------------------


def test_roles_and_the_account_list(secrets):
    found = now(secrets)
    assert auth.account_list(found) == [
        auth.Account("alice", admin=True, disabled=False),
        auth.Account("bob", admin=False, disabled=False),
    ]
    assert auth.is_admin(found, "Alice") and not auth.is_admin(found, "bob")
    text = secrets.read_text()
    assert "require_sign_in = false  # kept" in text and "[auth]" in text


def test_add_gives_a_generated_password_hashed_like_the_command_line(secrets):
    password = accounts.add(secrets, now(secrets), "Carol", admin=False)
    assert len(password) == accounts.GENERATED_LENGTH
    stored = tomllib.loads(secrets.read_text())["analysts"]["carol"]
    assert stored.startswith("$argon2id$") and auth.verify_password(stored, password)
    assert password not in secrets.read_text()
    assert (secrets.stat().st_mode & 0o777) == 0o600
    with pytest.raises(auth.AuthError, match="There is already an account 'carol'"):
        accounts.add(secrets, now(secrets), "carol")
    with pytest.raises(auth.AuthError, match="is not allowed"):
        accounts.add(secrets, now(secrets), "no spaces")


def test_disable_enable_and_reset(secrets):
    accounts.disable(secrets, now(secrets), "bob", by="alice")
    assert tomllib.loads(secrets.read_text())["analysts"]["bob"].startswith("!$argon2id$")
    assert "bob" not in auth.accounts(now(secrets))
    assert auth.check_password(auth.accounts(now(secrets)), "bob", PASSWORD) is None
    # a reset keeps a disabled account disabled
    password = accounts.reset(secrets, now(secrets), "bob")
    assert "bob" not in auth.accounts(now(secrets))
    accounts.enable(secrets, now(secrets), "bob")
    assert auth.check_password(auth.accounts(now(secrets)), "bob", password).name == "bob"
    assert auth.check_password(auth.accounts(now(secrets)), "bob", PASSWORD) is None


def test_an_administrator_cannot_lock_the_app(secrets):
    with pytest.raises(auth.AuthError, match="cannot disable your own account"):
        accounts.disable(secrets, now(secrets), "alice", by="alice")
    with pytest.raises(auth.AuthError, match="cannot take away your own administrator role"):
        accounts.set_admin(secrets, now(secrets), "alice", False, by="alice")
    with pytest.raises(auth.AuthError, match="'alice' is the last administrator"):
        accounts.disable(secrets, now(secrets), "alice", by="bob")
    accounts.set_admin(secrets, now(secrets), "bob", True, by="alice")
    accounts.set_admin(secrets, now(secrets), "alice", False, by="bob")
    assert [a.name for a in auth.account_list(now(secrets)) if a.admin] == ["bob"]
    with pytest.raises(auth.AuthError, match="There is no account 'zed'"):
        accounts.reset(secrets, now(secrets), "zed")


def test_cli_add_analyst_admin(tmp_path):
    path = tmp_path / "secrets.toml"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "store",
            "add-analyst",
            "Dana",
            "--secrets",
            str(path),
            "--password-stdin",
            "--admin",
        ],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Added administrator 'dana'" in done.stdout
    data = tomllib.loads(path.read_text())
    assert data["analyst_roles"] == {"dana": "admin"}
    assert auth.verify_password(data["analysts"]["dana"], PASSWORD)


# --- store.tokens ---------------------------------------------------------------------


def test_token_is_signed_expires_and_follows_the_account(alice_hash):
    secret = "s" * 40
    live = {"alice": alice_hash}
    token = tokens.make(secret, "alice", alice_hash, hours=8, now=1000.0)
    assert tokens.read(secret, token, live, now=1000.0 + 8 * 3600 - 1) == "alice"
    assert tokens.read(secret, token, live, now=1000.0 + 8 * 3600) is None  # expired
    assert tokens.read("t" * 40, token, live, now=1001.0) is None  # another server's secret
    payload, sig = token.split(".")
    forged = tokens._b64(b"alice|99999999999|x|" + tokens.fingerprint(alice_hash).encode())
    assert tokens.read(secret, f"{forged}.{sig}", live, now=1001.0) is None
    assert tokens.read(secret, token, {"alice": "$argon2id$other"}, now=1001.0) is None  # reset
    assert tokens.read(secret, token, {}, now=1001.0) is None  # disabled or removed
    assert tokens.read(secret, "", live) is None and tokens.read(secret, None, live) is None
    fresh = tokens.make(secret, "alice", alice_hash, hours=1)
    assert tokens.read(secret, fresh, live) == "alice"
    tokens.revoke(secret, fresh)  # sign-out
    assert tokens.read(secret, fresh, live) is None


def test_the_secret_is_made_once_and_kept_in_the_file(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text('[tracker]\nanalyst_emails = [\n  "a@x.gov.uk",\n]\n')
    assert tokens.secret(path, now(path), create=False) is None
    made = tokens.secret(path, now(path), create=True)
    assert len(made) >= tokens.MIN_SECRET_CHARS
    data = tomllib.loads(path.read_text())
    assert data["tracker"] == {"cookie_secret": made, "analyst_emails": ["a@x.gov.uk"]}
    assert tokens.secret(path, now(path), create=True) == made


def test_sign_in_hours_setting():
    assert auth.sign_in_hours({}) == 8.0
    assert auth.sign_in_hours({"tracker": {"sign_in_hours": 0.5}}) == 0.5
    for bad in (0, -1, "x", True, 10_000):
        assert auth.sign_in_hours({"tracker": {"sign_in_hours": bad}}) == 8.0


# --- the Analyst accounts page ----------------------------------------------------------


@pytest.fixture
def db(make_db):
    return make_db("empty")


def click(at, key):
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_page_needs_the_administrator_role(db, run_page, secrets):
    at = run_page(db, "pages/accounts.py", analyst="bob")
    assert page_warnings(at) == [
        "This page needs the administrator role. Ask an administrator to give it to you (or, "
        "on the server: python -m store add-analyst NAME --admin)."
    ]
    assert len(at.dataframe) == 0 and not at.text_input
    at = run_page(db, "pages/accounts.py")  # signed out: the sign-in form
    assert "This page needs the analyst role" in page_warnings(at)[0]


def test_an_administrator_adds_an_analyst_who_can_then_sign_in(db, run_page, secrets):
    at = run_page(db, "pages/accounts.py", analyst="alice")
    assert "Signed in as **alice** (administrator)" in [c.value for c in at.sidebar.caption]
    assert at.dataframe[0].value.to_dict("records") == [
        {"Username": "alice (you)", "Role": "Administrator", "Status": "Enabled"},
        {"Username": "bob", "Role": "Analyst", "Status": "Enabled"},
    ]
    at.text_input[0].input("Carol")
    at.button(key="FormSubmitter:accounts_add-Add the account").click().run()
    assert texts(at.success) == ["Added analyst **carol**."]
    password = at.code[0].value
    assert len(password) == 16
    assert "shown this once" in page_warnings(at)[0]
    stored = tomllib.loads(secrets.read_text())["analysts"]["carol"]
    assert auth.verify_password(stored, password)
    at.run()  # the password is shown once
    assert not at.code
    # carol signs in with it, in another session, at once (no restart)
    other = run_page(db, "pages/sign_in.py")
    other.text_input(key="page_sign_in_username").input("carol")
    other.text_input(key="page_sign_in_password").input(password)
    other.button(key="FormSubmitter:page_sign_in-Sign in").click().run()
    assert "Signed in as **carol** (analyst)" in texts(other.success)[0]


def test_an_administrator_disables_enables_and_resets(db, run_page, secrets):
    at = run_page(db, "pages/accounts.py", analyst="alice")
    at.selectbox(key="accounts_pick").set_value("bob").run()
    assert at.button(key="accounts_toggle").label == "Disable bob"
    click(at, "accounts_toggle")
    assert texts(at.success) == ["Disabled **bob**: they can no longer sign in."]
    assert at.dataframe[0].value["Status"].tolist() == ["Enabled", "Disabled: cannot sign in"]
    # bob's open session is no longer an analyst's
    bob = run_page(db, "pages/upload.py", analyst="bob")
    assert "This page needs the analyst role" in page_warnings(bob)[0]
    click(at, "accounts_toggle")
    assert texts(at.success) == ["Enabled **bob**: they can sign in again."]
    click(at, "accounts_reset")
    password = at.code[0].value
    assert auth.verify_password(tomllib.loads(secrets.read_text())["analysts"]["bob"], password)
    click(at, "accounts_role")
    assert texts(at.success) == ["**bob** is now an administrator."]
    assert auth.is_admin(secrets_file.read(secrets), "bob")


def test_refusals_are_said_and_change_nothing(db, run_page, secrets):
    at = run_page(db, "pages/accounts.py", analyst="alice")
    before = secrets.read_text()
    assert at.selectbox(key="accounts_pick").value == "alice"
    # neither disabling nor the role is offered for yourself (store.accounts refuses both)
    assert not [b for b in at.button if b.key in ("accounts_role", "accounts_toggle")]
    at.text_input[0].input("bob")
    at.button(key="FormSubmitter:accounts_add-Add the account").click().run()
    assert "There is already an account 'bob'" in texts(at.error)[0]
    assert secrets.read_text() == before


def test_oidc_accounts_are_managed_in_the_secrets_file(db, run_page, secrets):
    from tests.workspace.test_sign_in_app import OIDC

    oidc = {
        **OIDC,
        "tracker": {"analyst_emails": ["ana@x.gov.uk"], "admin_emails": ["ana@x.gov.uk"]},
    }
    at = run_page(
        db, "pages/accounts.py", secrets=oidc, user={"is_logged_in": True, "email": "ana@x.gov.uk"}
    )
    assert "[tracker] analyst_emails" in texts(at.info)[0]
    assert not at.text_input


# --- a sign-in that lasts across a reload ---------------------------------------------


def test_sign_in_sets_a_signed_cookie_that_a_new_session_reads(db, run_page, secrets, monkeypatch):
    at = run_page(db, "pages/sign_in.py")
    at.text_input(key="page_sign_in_username").input("bob")
    at.text_input(key="page_sign_in_password").input(PASSWORD)
    at.button(key="FormSubmitter:page_sign_in-Sign in").click().run()
    scripts = [e.proto for e in at.get("html") if "document.cookie" in e.proto.body]
    assert len(scripts) == 1 and scripts[0].unsafe_allow_javascript
    body = scripts[0].body
    assert f"{tokens.COOKIE}=" in body and "Max-Age=28800; Path=/; SameSite=Strict" in body
    token = body.split(f"{tokens.COOKIE}=")[1].split(";")[0]
    secret = tomllib.loads(secrets.read_text())["tracker"]["cookie_secret"]
    assert tokens.read(secret, token, auth.accounts(secrets_file.read(secrets))) == "bob"
    at.run()  # set once
    assert not [e for e in at.get("html") if "document.cookie" in e.proto.body]

    # A reload is a new session that arrives with the cookie.
    monkeypatch.setattr(signin, "_cookie", lambda: token)
    again = run_page(db, "pages/upload.py")
    assert "Signed in as **bob** (analyst)" in [c.value for c in again.sidebar.caption]
    assert len(again.file_uploader) == 1

    # Sign-out clears the cookie and the token is refused from then on.
    again.button(key="sidebar_sign_out").click().run()
    cleared = [e.proto.body for e in again.get("html") if "document.cookie" in e.proto.body]
    assert cleared and "Max-Age=0" in cleared[0]
    assert "This page needs the analyst role" in page_warnings(again)[0]
    after = run_page(db, "pages/upload.py")  # the browser kept a copy of the cookie
    assert "This page needs the analyst role" in page_warnings(after)[0]


def test_an_expired_or_foreign_cookie_signs_nobody_in(
    db, run_page, secrets, monkeypatch, alice_hash
):
    secret = tokens.secret(secrets, secrets_file.read(secrets), create=True)
    old = tokens.make(secret, "bob", alice_hash, hours=1, now=0)
    monkeypatch.setattr(signin, "_cookie", lambda: old)
    assert "This page needs the analyst role" in page_warnings(run_page(db, "pages/upload.py"))[0]
    forged = tokens.make("another server's secret, long enough", "alice", alice_hash, hours=1)
    monkeypatch.setattr(signin, "_cookie", lambda: forged)
    assert "This page needs the analyst role" in page_warnings(run_page(db, "pages/upload.py"))[0]


def test_a_session_ends_when_its_sign_in_expires(db, run_page, secrets, monkeypatch):
    import time as _time

    at = run_page(db, "pages/sign_in.py")
    at.text_input(key="page_sign_in_username").input("bob")
    at.text_input(key="page_sign_in_password").input(PASSWORD)
    at.button(key="FormSubmitter:page_sign_in-Sign in").click().run()
    assert "Signed in as **bob**" in texts(at.success)[0]
    later = _time.time() + 8 * 3600 + 1
    monkeypatch.setattr(signin.time, "time", lambda: later)
    at.run()
    assert not at.success and len(at.text_input) == 2
