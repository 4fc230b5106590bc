"""A password sign-in that survives a reload: a signed, expiring token kept in a cookie.

The token is ``<payload>.<signature>``: the payload (base64url) holds the username, the
time it expires (Unix seconds), a random nonce and a fingerprint of the account's stored
hash; the signature is HMAC-SHA256 of the payload with the server's secret
(``[tracker] cookie_secret`` of the secrets file, generated on first use). A token is
accepted while it has not expired, its signature checks, its account can still sign in
with the same hash (a reset password or a disabled account ends every sign-in kept
across reloads) and it was not signed out (``revoke``: the nonce is remembered by the
server process, so a copy of the cookie is of no use after sign-out either).

    token = make(secret, "alice", stored_hash, hours=8)
    read(secret, token, accounts)  -> "alice" or None
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets as _random
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from store import secrets_file

COOKIE = "tracker_sign_in"
SECRET_KEY = "cookie_secret"  # in [tracker]
MIN_SECRET_CHARS = 32
_REVOKED: dict[str, float] = {}  # nonce -> when it expires anyway
_LOCK = threading.Lock()
_MAX_REVOKED = 100_000
_MEMORY: dict[str, str] = {}  # a secret for a secrets file that cannot be written


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fingerprint(stored_hash: str) -> str:
    return hashlib.sha256(stored_hash.encode("utf-8")).hexdigest()[:16]


def _sign(secret: str, payload: str) -> str:
    return hmac.new(secret.encode("utf-8"), payload.encode("ascii"), hashlib.sha256).hexdigest()


def make(
    secret: str, username: str, stored_hash: str, *, hours: float, now: float | None = None
) -> str:
    """A token for ``username`` that expires ``hours`` from ``now``."""
    expires = int((time.time() if now is None else now) + hours * 3600)
    nonce = _random.token_urlsafe(12)
    payload = _b64(f"{username}|{expires}|{nonce}|{fingerprint(stored_hash)}".encode())
    return f"{payload}.{_sign(secret, payload)}"


def _parts(secret: str, token: str) -> tuple[str, int, str, str] | None:
    if not secret or not token or token.count(".") != 1 or len(token) > 512:
        return None
    payload, signature = token.split(".")
    if not hmac.compare_digest(_sign(secret, payload), signature):
        return None
    try:
        name, expires, nonce, fp = _unb64(payload).decode("utf-8").split("|")
        return name, int(expires), nonce, fp
    except (ValueError, UnicodeDecodeError):
        return None


def read(
    secret: str, token: str | None, accounts: Mapping[str, str], *, now: float | None = None
) -> str | None:
    """The username of a valid token, else None (see the module's text)."""
    found = _parts(secret, token or "")
    if found is None:
        return None
    name, expires, nonce, fp = found
    if expires <= (time.time() if now is None else now):
        return None
    with _LOCK:
        if nonce in _REVOKED:
            return None
    stored = accounts.get(name)
    if stored is None or not hmac.compare_digest(fingerprint(stored), fp):
        return None
    return name


def revoke(secret: str, token: str | None) -> None:
    """Sign-out: the token is refused from now on, by this server process."""
    found = _parts(secret, token or "")
    if found is None:
        return
    _, expires, nonce, _ = found
    now = time.time()
    with _LOCK:
        for old in [n for n, t in _REVOKED.items() if t <= now]:
            del _REVOKED[old]
        while len(_REVOKED) >= _MAX_REVOKED:
            _REVOKED.pop(next(iter(_REVOKED)))
        _REVOKED[nonce] = float(expires)


def secret(path: Path, secrets: Mapping[str, Any], *, create: bool) -> str | None:
    """The server's signing secret: ``[tracker] cookie_secret`` of ``secrets`` (the secrets
    file as read); with ``create``, generated and written to the file at ``path`` when
    there is none (kept in memory when the file cannot be written: sign-ins then last
    until the server restarts)."""
    section = secrets.get("tracker") if hasattr(secrets, "get") else None
    value = section.get(SECRET_KEY) if isinstance(section, Mapping) else None
    if isinstance(value, str) and len(value) >= MIN_SECRET_CHARS:
        return value
    key = str(Path(path))
    if key in _MEMORY:
        return _MEMORY[key]
    if not create:
        return None
    made = _random.token_urlsafe(48)
    try:
        secrets_file.set_entry(Path(path), "tracker", SECRET_KEY, made)
    except (OSError, secrets_file.SecretsFileError):
        pass
    _MEMORY[key] = made
    return made
