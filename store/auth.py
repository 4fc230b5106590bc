"""Analyst accounts and sign-in, and the workspace settings that go with them.

Only analysts may change data (upload, roll back). Two ways to be an analyst:

- **OIDC** (used whenever ``.streamlit/secrets.toml`` has an ``[auth]`` section for
  ``st.login``): the provider signs the person in, and their e-mail must be on the
  allow-list ``[tracker] analyst_emails = ["a@council.gov.uk", ...]`` (administrators:
  also on ``[tracker] admin_emails``).
- **Password** (otherwise): accounts in ``[analysts]`` of the secrets file, each
  ``"username" = "<argon2id hash>"``, added with ``python -m store add-analyst NAME``
  or by an administrator on the Analyst accounts page (store.accounts). A hash written
  with a leading ``!`` is a disabled account (it cannot sign in; enabling removes the
  ``!``). ``[analyst_roles]`` gives a username the role ``"admin"``: administrators
  add, disable, enable and reset analysts in the app (``add-analyst NAME --admin``).
  A password sign-in survives a reload for ``[tracker] sign_in_hours`` (default 8)
  through a signed, expiring cookie (store.tokens).
  Every failed try is answered after a delay that doubles with each consecutive
  failure for that username and for that client (``TRACKER_SIGNIN_DELAY`` seconds
  first, at most 30 s); a try while either is still waiting is refused unchecked, so
  parallel sessions or many usernames gain nothing and cost no password hashing.

Settings (secrets file or environment):

- ``[tracker] require_sign_in = true`` or ``TRACKER_REQUIRE_SIGN_IN=1``: viewing needs
  sign-in too (any signed-in person may view; only analysts may change data).

Nothing here imports Streamlit: hashing, checking, the allow-list, reading the settings
and editing the secrets file. The sign-in forms and the analyst and viewer gates are in
``ui/signin.py``; the upload size limit (Streamlit's ``server.maxUploadSize``) is read by
``ui.frame.upload_limit_mb``.
"""

from __future__ import annotations

import getpass
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from store import secrets_file
from store.db import StoreError
from store.paths import ROOT

DEFAULT_SECRETS = ROOT / ".streamlit" / "secrets.toml"
MIN_PASSWORD_LENGTH = 12
DISABLED = "!"  # before a stored hash: the account is disabled
ADMIN = "admin"  # the role ([analyst_roles]) of an administrator
DEFAULT_SIGN_IN_HOURS = 8.0
MAX_SIGN_IN_HOURS = 24.0 * 30
MAX_DELAY_SECONDS = 30.0
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile
# Checked when a username is unknown, so that "no such user" costs as long as "wrong password".
_DUMMY_HASH = _hasher.hash("not a password: timing equaliser")


class AuthError(StoreError):
    """An account could not be added or read; the message says why and where."""


@dataclass(frozen=True)
class Analyst:
    name: str  # recorded as the batch's uploaded_by / rolled_back_by
    via: str  # "password" or "oidc"
    email: str | None = None
    admin: bool = False  # may add, disable and reset analysts


@dataclass(frozen=True)
class Account:
    """A password account as the administrators' page lists it."""

    name: str
    admin: bool
    disabled: bool


# ---------------------------------------------------------------- hashing, checking


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def signin_delay_base() -> float:
    try:
        return max(0.0, float(os.environ.get("TRACKER_SIGNIN_DELAY", "1")))
    except ValueError:
        return 1.0


class Throttle:
    """Consecutive failed tries per user name and per client (the browser's address, or
    whatever the sign-in form passes), shared by every session in the process.

    After n consecutive failures of a key, a try with that key is refused without being
    checked (no password hash is worked out) until base * 2**(n-1) seconds (at most 30)
    have passed since the last failure: parallel sessions or many user names from one
    client gain nothing, and a flood of tries costs the server no hashing."""

    MAX_KEYS = 10_000  # the oldest are forgotten beyond this (a flood of names)

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._failures: dict[str, tuple[int, float]] = {}  # key -> (count, last failure)
        self._lock = threading.Lock()
        self._clock = clock

    @staticmethod
    def _keys(username: str, client: str | None) -> list[str]:
        keys = [f"user:{username}"]
        if client:
            keys.append(f"client:{client}")
        return keys

    @staticmethod
    def delay(n: int) -> float:
        """The wait after n consecutive failures."""
        return min(signin_delay_base() * 2 ** (n - 1), MAX_DELAY_SECONDS) if n else 0.0

    def failures(self, username: str, client: str | None = None) -> int:
        with self._lock:
            return max(self._failures.get(k, (0, 0.0))[0] for k in self._keys(username, client))

    def retry_after(self, username: str, client: str | None = None) -> float:
        """Seconds until a try with this user name from this client may be checked (0: now)."""
        now = self._clock()
        with self._lock:
            waits = [
                last + self.delay(n) - now
                for n, last in (
                    self._failures.get(k, (0, 0.0)) for k in self._keys(username, client)
                )
                if n
            ]
        return max([0.0, *waits])

    def failed(self, username: str, client: str | None = None) -> float:
        """Record a failure; return how long to wait before answering."""
        now = self._clock()
        with self._lock:
            counts = []
            for k in self._keys(username, client):
                n = self._failures.pop(k, (0, 0.0))[0] + 1
                self._failures[k] = (n, now)  # (re-inserted: the dict keeps the newest last)
                counts.append(n)
            while len(self._failures) > self.MAX_KEYS:
                self._failures.pop(next(iter(self._failures)))
        return self.delay(max(counts))

    def succeeded(self, username: str, client: str | None = None) -> None:
        with self._lock:
            for k in self._keys(username, client):
                self._failures.pop(k, None)

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()


THROTTLE = Throttle()
# At most this many password hashes are worked out at once, whoever asks (argon2 is made
# to be slow and to use memory): a try that cannot start within a few seconds is refused.
_VERIFYING = threading.BoundedSemaphore(2)
VERIFY_WAIT_SECONDS = 5.0


def check_password(
    accounts: Mapping[str, str],
    username: str,
    password: str,
    *,
    client: str | None = None,
    throttle: Throttle = THROTTLE,
    sleep: Callable[[float], None] = time.sleep,
) -> Analyst | None:
    """The analyst when ``username``/``password`` match an account, else None after a delay.

    ``client``: who is trying (the sign-in form passes the browser's address), throttled
    as well as the user name. A try while either is still waiting after a failure is
    refused at once without being checked (``throttle.retry_after`` says how long to
    wait); so is one that finds the server already checking too many passwords."""
    name = normalise_username(username)
    if throttle.retry_after(name, client) > 0:
        return None
    if not _VERIFYING.acquire(timeout=VERIFY_WAIT_SECONDS):
        return None
    try:
        stored = {normalise_username(k): v for k, v in accounts.items()}.get(name)
        ok = verify_password(stored if stored else _DUMMY_HASH, password or "") and bool(stored)
    finally:
        _VERIFYING.release()
    if ok:
        throttle.succeeded(name, client)
        return Analyst(name=name, via="password")
    sleep(throttle.failed(name, client))
    return None


def email_allowed(email: str | None, allow_list) -> bool:
    """Whether a signed-in e-mail is on the analyst allow-list (case and spaces ignored)."""
    if not email or not allow_list:
        return False
    if isinstance(allow_list, str):
        allow_list = [allow_list]
    wanted = (email or "").strip().lower()
    return any(wanted == str(e).strip().lower() for e in allow_list)


def oidc_analyst(user: Mapping[str, Any], secrets: Mapping[str, Any]) -> Analyst | None:
    """The analyst for an ``st.user`` mapping, when signed in and on the allow-list."""
    if not user.get("is_logged_in"):
        return None
    if user.get("email_verified") is False:
        return None
    email = user.get("email")
    if not email_allowed(email, tracker_setting(secrets, "analyst_emails", [])):
        return None
    admin = email_allowed(email, tracker_setting(secrets, "admin_emails", []))
    return Analyst(name=str(email).strip().lower(), via="oidc", email=str(email), admin=admin)


# ---------------------------------------------------------------- settings


def tracker_setting(secrets: Mapping[str, Any], name: str, default=None):
    section = secrets.get("tracker") if hasattr(secrets, "get") else None
    if isinstance(section, Mapping) and name in section:
        return section[name]
    return default


def oidc_provider(secrets: Mapping[str, Any]) -> str | None:
    """The st.login provider to use: None when no OIDC provider is configured."""
    section = secrets.get("auth") if hasattr(secrets, "get") else None
    if not isinstance(section, Mapping):
        return None
    if section.get("client_id"):
        return "default"
    for name, value in section.items():
        if isinstance(value, Mapping) and value.get("client_id"):
            return str(name)
    return None


def sign_in_method(secrets: Mapping[str, Any]) -> str | None:
    """'oidc' when a provider is configured, else 'password' when accounts exist (enabled
    or not), else None."""
    if oidc_provider(secrets):
        return "oidc"
    if _stored(secrets):
        return "password"
    return None


def _stored(secrets: Mapping[str, Any]) -> dict[str, str]:
    """Every password account: username -> the hash as stored (DISABLED first if so)."""
    section = secrets.get("analysts") if hasattr(secrets, "get") else None
    if not isinstance(section, Mapping):
        return {}
    return {normalise_username(k): str(v) for k, v in section.items() if isinstance(v, str)}


def accounts(secrets: Mapping[str, Any]) -> dict[str, str]:
    """The accounts that may sign in: username -> argon2 hash (disabled ones left out)."""
    return {k: v for k, v in _stored(secrets).items() if not v.startswith(DISABLED)}


def roles(secrets: Mapping[str, Any]) -> dict[str, str]:
    section = secrets.get("analyst_roles") if hasattr(secrets, "get") else None
    if not isinstance(section, Mapping):
        return {}
    return {normalise_username(k): str(v).strip().lower() for k, v in section.items()}


def is_admin(secrets: Mapping[str, Any], username: str) -> bool:
    """Whether an enabled password account has the administrator role."""
    name = normalise_username(username)
    return name in accounts(secrets) and roles(secrets).get(name) == ADMIN


def account_list(secrets: Mapping[str, Any]) -> list[Account]:
    """Every password account, by name."""
    role = roles(secrets)
    return [
        Account(name, role.get(name) == ADMIN, stored.startswith(DISABLED))
        for name, stored in sorted(_stored(secrets).items())
    ]


def sign_in_hours(secrets: Mapping[str, Any]) -> float:
    """How long a password sign-in lasts across reloads: [tracker] sign_in_hours (a
    number of hours above 0, at most 30 days), else 8."""
    value = tracker_setting(secrets, "sign_in_hours", DEFAULT_SIGN_IN_HOURS)
    try:
        hours = float(value)
    except (TypeError, ValueError):
        return DEFAULT_SIGN_IN_HOURS
    if isinstance(value, bool) or not 0 < hours <= MAX_SIGN_IN_HOURS:
        return DEFAULT_SIGN_IN_HOURS
    return hours


def _truthy(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def require_sign_in(secrets: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> bool:
    """Whether viewing needs sign-in: TRACKER_REQUIRE_SIGN_IN, else [tracker] require_sign_in."""
    if environ.get("TRACKER_REQUIRE_SIGN_IN", "").strip():
        return _truthy(environ["TRACKER_REQUIRE_SIGN_IN"])
    return _truthy(tracker_setting(secrets, "require_sign_in", False))


# ---------------------------------------------------------------- secrets file


def set_account(secrets_path: Path, username: str, password_hash: str) -> bool:
    """Add or replace one account in the secrets file, keeping everything else as written.

    Returns True when the account was new. The file is checked to parse before and
    after, and replaced in one step (a crash leaves the old file).
    """
    name = check_username(username)
    path = Path(secrets_path)
    try:
        return secrets_file.set_entry(
            path,
            "analysts",
            name,
            password_hash,
            comment="# username = argon2id hash; add or change with: python -m store add-analyst NAME",
            check=lambda parsed: _stored(parsed).get(name) == password_hash,
            refusal=(
                f"Could not add {name!r} to {path} safely (its [analysts] section is "
                "written in a form this command does not edit). Add the line by hand: "
                f'{secrets_file.toml_string(name)} = "<hash>". The file was not changed.'
            ),
        )
    except secrets_file.SecretsFileError as exc:
        raise AuthError(str(exc)) from None


def check_username(username: str) -> str:
    """The normalised username, or AuthError saying what a username may hold."""
    name = normalise_username(username)
    if not USERNAME_RE.match(name):
        raise AuthError(
            f"The username {username!r} is not allowed: use 1 to 64 letters, "
            "digits, '.', '_', '-' or '@', starting with a letter or digit."
        )
    return name


def set_role(secrets_path: Path, username: str, admin: bool) -> None:
    """Give ``username`` the administrator role, or take it away ([analyst_roles])."""
    name = normalise_username(username)
    try:
        secrets_file.set_entry(
            Path(secrets_path),
            "analyst_roles",
            name,
            ADMIN if admin else None,
            comment='# username = "admin": may add, disable and reset analysts in the app',
            check=lambda parsed: (roles(parsed).get(name) == ADMIN) == admin,
        )
    except secrets_file.SecretsFileError as exc:
        raise AuthError(str(exc)) from None


def cli_add_analyst(args) -> int:
    """`python -m store add-analyst USERNAME [--secrets PATH] [--password-stdin] [--admin]`."""
    path = Path(args.secrets) if args.secrets else DEFAULT_SECRETS
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {args.username}: ")
        if getpass.getpass("Again: ") != password:
            raise AuthError("The two passwords differ; nothing was written.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters; "
            "nothing was written."
        )
    new = set_account(path, args.username, hash_password(password))
    admin = bool(getattr(args, "admin", False))
    if admin:
        set_role(path, args.username, True)
    verb = "Added" if new else "Changed the password of"
    role = "administrator" if admin else "analyst"
    print(
        f"{verb} {role} {normalise_username(args.username)!r} in {path} (argon2id hash). "
        "The dashboard reads it at the next sign-in."
    )
    return 0
