"""Analyst accounts: argon2 hashing, the delay after failed tries, the OIDC allow-list,
the secrets-file editor and `python -m store add-analyst`."""

import subprocess
import sys
import tomllib

import pytest

from store import auth
from tests.conftest import ROOT

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def alice_hash():
    return auth.hash_password(PASSWORD)


def test_hash_is_argon2id_and_verifies(alice_hash):
    assert alice_hash.startswith("$argon2id$")
    assert PASSWORD not in alice_hash
    assert auth.verify_password(alice_hash, PASSWORD)
    assert not auth.verify_password(alice_hash, PASSWORD + "x")
    assert not auth.verify_password("not a hash", PASSWORD)


class Clock:
    """A clock that moves only when something sleeps (the delays, without waiting)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_failed_tries_are_answered_after_a_doubling_delay(alice_hash, monkeypatch):
    monkeypatch.setenv("TRACKER_SIGNIN_DELAY", "1")
    clock = Clock()
    throttle = auth.Throttle(clock=clock)
    accounts = {"alice": alice_hash}

    def check(user, pw):
        return auth.check_password(accounts, user, pw, throttle=throttle, sleep=clock.sleep)

    assert check("alice", "wrong") is None
    assert check("alice", "wrong") is None
    assert check("alice", "wrong") is None
    assert clock.slept == [1, 2, 4]  # 1 * 2**(n-1)
    assert check("ALICE ", PASSWORD) == auth.Analyst(name="alice", via="password")
    assert clock.slept == [1, 2, 4]  # success: no delay
    assert throttle.failures("alice") == 0  # ... and the count starts again
    assert check("alice", "wrong") is None
    assert clock.slept[-1] == 1


def test_unknown_user_is_delayed_like_a_wrong_password(alice_hash, monkeypatch):
    monkeypatch.setenv("TRACKER_SIGNIN_DELAY", "0.5")
    clock = Clock()
    throttle = auth.Throttle(clock=clock)
    assert (
        auth.check_password(
            {"alice": alice_hash}, "mallory", PASSWORD, throttle=throttle, sleep=clock.sleep
        )
        is None
    )
    assert (
        auth.check_password({"alice": alice_hash}, "", "", throttle=throttle, sleep=clock.sleep)
        is None
    )
    assert clock.slept == [0.5, 0.5]


def counting_hashes(monkeypatch) -> list:
    calls: list = []
    real = auth.verify_password

    def counted(stored, password):
        calls.append(1)
        return real(stored, password)

    monkeypatch.setattr(auth, "verify_password", counted)
    return calls


def test_a_try_during_the_wait_is_refused_without_hashing(alice_hash, monkeypatch):
    """Parallel sessions: while the delay after a failure runs, another try with the same
    user name (from anywhere) is refused at once, and costs no password hash."""
    monkeypatch.setenv("TRACKER_SIGNIN_DELAY", "1")
    hashes = counting_hashes(monkeypatch)
    clock = Clock()
    throttle = auth.Throttle(clock=clock)
    accounts = {"alice": alice_hash}
    assert (
        auth.check_password(accounts, "alice", "x", throttle=throttle, sleep=lambda s: None) is None
    )
    assert hashes == [1]
    for client in ("10.0.0.1", "10.0.0.2", None):
        # even the right password is not checked before the wait is over
        assert (
            auth.check_password(
                accounts, "alice", PASSWORD, client=client, throttle=throttle, sleep=clock.sleep
            )
            is None
        )
    assert hashes == [1] and clock.slept == []
    assert throttle.retry_after("alice") == 1
    clock.now += 1
    assert auth.check_password(accounts, "alice", PASSWORD, throttle=throttle) is not None
    assert hashes == [1, 1]


def test_many_user_names_from_one_client_are_throttled_as_one(alice_hash, monkeypatch):
    """A client trying name after name waits as one: the client's failures count too."""
    monkeypatch.setenv("TRACKER_SIGNIN_DELAY", "1")
    hashes = counting_hashes(monkeypatch)
    clock = Clock()
    throttle = auth.Throttle(clock=clock)
    accounts = {"alice": alice_hash}

    def attempt(name, client="203.0.113.9"):
        return auth.check_password(
            accounts, name, "guess", client=client, throttle=throttle, sleep=lambda s: None
        )

    assert attempt("user1") is None
    assert attempt("user2") is None  # refused unchecked: the client waits 1 s
    assert attempt("user3") is None
    assert len(hashes) == 1
    assert throttle.retry_after("user9", "203.0.113.9") == 1
    assert throttle.retry_after("user9", "198.51.100.1") == 0  # another client is not held up
    clock.now += 1
    assert attempt("user2") is None
    assert len(hashes) == 2
    assert throttle.retry_after("user4", "203.0.113.9") == 2  # the client's delay doubles


def test_the_throttle_forgets_beyond_its_size(monkeypatch):
    monkeypatch.setattr(auth.Throttle, "MAX_KEYS", 10)
    throttle = auth.Throttle()
    for i in range(50):
        throttle.failed(f"name{i}", client="c")
    assert len(throttle._failures) <= 10
    assert throttle.failures("name49") == 1 and throttle.failures("anyone", "c") == 50


def test_delay_is_capped(monkeypatch):
    monkeypatch.setenv("TRACKER_SIGNIN_DELAY", "1")
    throttle = auth.Throttle()
    delays = [throttle.failed("bob") for _ in range(8)]
    assert delays == [1, 2, 4, 8, 16, 30, 30, 30]


def test_real_delay_after_a_failed_try(alice_hash, monkeypatch):
    import time

    monkeypatch.setenv("TRACKER_SIGNIN_DELAY", "0.4")
    start = time.monotonic()
    assert (
        auth.check_password({"alice": alice_hash}, "alice", "nope", throttle=auth.Throttle())
        is None
    )
    assert time.monotonic() - start >= 0.4


@pytest.mark.parametrize(
    "email, allowed",
    [
        ("ana@council.gov.uk", True),
        (" ANA@Council.gov.uk ", True),
        ("ana@council.gov.uk.evil.com", False),
        ("bob@council.gov.uk", False),
        (None, False),
        ("", False),
    ],
)
def test_email_allow_list(email, allowed):
    assert auth.email_allowed(email, ["ana@council.gov.uk"]) is allowed


def test_oidc_analyst_needs_sign_in_allow_list_and_verified_email():
    secrets = {"tracker": {"analyst_emails": ["ana@council.gov.uk"]}}
    signed = {"is_logged_in": True, "email": "Ana@council.gov.uk"}
    assert auth.oidc_analyst(signed, secrets) == auth.Analyst(
        "ana@council.gov.uk", "oidc", "Ana@council.gov.uk"
    )
    assert auth.oidc_analyst({**signed, "is_logged_in": False}, secrets) is None
    assert auth.oidc_analyst({**signed, "email_verified": False}, secrets) is None
    assert auth.oidc_analyst(signed, {"tracker": {}}) is None  # empty allow-list: nobody
    assert auth.oidc_analyst({"email": "ana@council.gov.uk"}, secrets) is None  # no is_logged_in


def test_sign_in_method_prefers_oidc():
    accounts = {"analysts": {"alice": "$argon2id$x"}}
    assert auth.sign_in_method({}) is None
    assert auth.sign_in_method(accounts) == "password"
    assert auth.sign_in_method({**accounts, "auth": {"client_id": "x"}}) == "oidc"
    assert auth.oidc_provider({"auth": {"client_id": "x"}}) == "default"
    assert (
        auth.oidc_provider({"auth": {"redirect_uri": "u", "entra": {"client_id": "x"}}}) == "entra"
    )
    assert auth.oidc_provider({"auth": {"redirect_uri": "u"}}) is None


def test_require_sign_in_setting(monkeypatch):
    monkeypatch.delenv("TRACKER_REQUIRE_SIGN_IN", raising=False)
    assert auth.require_sign_in({}) is False
    assert auth.require_sign_in({"tracker": {"require_sign_in": True}}) is True
    assert (
        auth.require_sign_in(
            {"tracker": {"require_sign_in": True}}, {"TRACKER_REQUIRE_SIGN_IN": "0"}
        )
        is False
    )
    assert auth.require_sign_in({}, {"TRACKER_REQUIRE_SIGN_IN": "yes"}) is True


def test_set_account_keeps_the_rest_of_the_file(tmp_path, alice_hash):
    path = tmp_path / "secrets.toml"
    path.write_text('[tracker]\nrequire_sign_in = true  # keep me\n\n[auth]\nclient_id = "abc"\n')
    assert auth.set_account(path, "Alice", alice_hash) is True
    assert auth.set_account(path, "bob.smith@x", "$argon2id$bob") is True
    data = tomllib.loads(path.read_text())
    assert data["tracker"] == {"require_sign_in": True}
    assert data["auth"] == {"client_id": "abc"}
    assert data["analysts"] == {"alice": alice_hash, "bob.smith@x": "$argon2id$bob"}
    assert "# keep me" in path.read_text()
    # Changing a password replaces the line rather than adding one.
    assert auth.set_account(path, "alice", "$argon2id$new") is False
    assert tomllib.loads(path.read_text())["analysts"]["alice"] == "$argon2id$new"
    assert path.read_text().count('"alice"') == 1
    assert (path.stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize(
    "content, username, message",
    [
        ("", "bad name", "is not allowed"),
        ("", "-x", "is not allowed"),
        ("[tracker\n", "alice", "is not valid TOML"),
        ('analysts = { alice = "h" }\n', "bob", "Add the line by hand"),
    ],
)
def test_set_account_refusals_leave_the_file_unchanged(tmp_path, content, username, message):
    path = tmp_path / "secrets.toml"
    path.write_text(content)
    with pytest.raises(auth.AuthError, match=message):
        auth.set_account(path, username, "$argon2id$h")
    assert path.read_text() == content
    assert not (tmp_path / "secrets.toml.tmp").exists()


def _add_analyst(secrets, username, stdin):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "store",
            "add-analyst",
            username,
            "--secrets",
            str(secrets),
            "--password-stdin",
        ],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_cli_add_analyst_writes_a_verifiable_hash(tmp_path):
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    done = _add_analyst(secrets, "Carol", PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert "Added analyst 'carol'" in done.stdout
    stored = tomllib.loads(secrets.read_text())["analysts"]["carol"]
    assert auth.verify_password(stored, PASSWORD)
    assert PASSWORD not in secrets.read_text()
    again = _add_analyst(secrets, "carol", "another long password\n")
    assert again.returncode == 0 and "Changed the password of analyst 'carol'" in again.stdout
    assert auth.verify_password(
        tomllib.loads(secrets.read_text())["analysts"]["carol"], "another long password"
    )


def test_cli_add_analyst_refuses_a_short_password(tmp_path):
    secrets = tmp_path / "secrets.toml"
    done = _add_analyst(secrets, "dave", "short\n")
    assert done.returncode == 1
    assert "at least 12 characters; nothing was written" in done.stderr
    assert not secrets.exists()
