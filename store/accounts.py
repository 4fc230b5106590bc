"""What an administrator does to password accounts in the app: add an analyst, reset a
password, disable or enable an account, give or take the administrator role. Each is
one change of the secrets file (store.secrets_file: the rest of the file kept, replaced
in one step), hashed as ``python -m store add-analyst`` hashes (store.auth).

A new or reset password is generated here and shown once to the administrator, who
passes it on; it is never stored in clear. The rules that keep the app manageable: an
administrator cannot disable themselves or take away their own role, and the last
enabled administrator stays one.

    password = add(path, secrets, "bob", admin=False)
    password = reset(path, secrets, "bob")
    disable(path, secrets, "bob", by="alice"); enable(path, secrets, "bob")
    set_admin(path, secrets, "bob", True, by="alice")
"""

from __future__ import annotations

import secrets as _random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from store import auth
from store.auth import DISABLED, AuthError

GENERATED_LENGTH = 16  # characters of a generated password (about 96 bits)


def new_password() -> str:
    """A random password of GENERATED_LENGTH letters and digits (no look-alikes)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(_random.choice(alphabet) for _ in range(GENERATED_LENGTH))


def _stored(secrets: Mapping[str, Any], name: str) -> str:
    found = {a.name: a for a in auth.account_list(secrets)}
    if name not in found:
        raise AuthError(f"There is no account {name!r}; nothing was changed.")
    section = secrets.get("analysts") or {}
    for key, value in section.items():
        if auth.normalise_username(key) == name:
            return str(value)
    raise AuthError(f"There is no account {name!r}; nothing was changed.")


def _admins(secrets: Mapping[str, Any]) -> list[str]:
    return [a.name for a in auth.account_list(secrets) if a.admin and not a.disabled]


def add(path: Path, secrets: Mapping[str, Any], username: str, *, admin: bool = False) -> str:
    """A new account with a generated password (returned, to be shown once)."""
    name = auth.check_username(username)
    if name in {a.name for a in auth.account_list(secrets)}:
        raise AuthError(
            f"There is already an account {name!r}: reset its password instead. Nothing was "
            "changed."
        )
    password = new_password()
    auth.set_account(path, name, auth.hash_password(password))
    if admin:
        auth.set_role(path, name, True)
    return password


def reset(path: Path, secrets: Mapping[str, Any], username: str) -> str:
    """A new generated password for an account (returned, to be shown once); a disabled
    account stays disabled. Its sign-ins kept across reloads end (store.tokens)."""
    name = auth.normalise_username(username)
    stored = _stored(secrets, name)
    password = new_password()
    hashed = auth.hash_password(password)
    auth.set_account(path, name, DISABLED + hashed if stored.startswith(DISABLED) else hashed)
    return password


def disable(path: Path, secrets: Mapping[str, Any], username: str, *, by: str) -> None:
    """The account can no longer sign in (its hash kept behind DISABLED)."""
    name = auth.normalise_username(username)
    stored = _stored(secrets, name)
    if name == auth.normalise_username(by):
        raise AuthError("You cannot disable your own account; nothing was changed.")
    if stored.startswith(DISABLED):
        return
    if _admins(secrets) == [name]:
        raise AuthError(f"{name!r} is the last administrator; nothing was changed.")
    auth.set_account(path, name, DISABLED + stored)


def enable(path: Path, secrets: Mapping[str, Any], username: str) -> None:
    name = auth.normalise_username(username)
    stored = _stored(secrets, name)
    if stored.startswith(DISABLED):
        auth.set_account(path, name, stored[len(DISABLED) :])


def set_admin(
    path: Path, secrets: Mapping[str, Any], username: str, admin: bool, *, by: str
) -> None:
    """Give or take away the administrator role."""
    name = auth.normalise_username(username)
    _stored(secrets, name)
    if not admin and name == auth.normalise_username(by):
        raise AuthError("You cannot take away your own administrator role; nothing was changed.")
    if not admin and _admins(secrets) == [name]:
        raise AuthError(f"{name!r} is the last administrator; nothing was changed.")
    auth.set_role(path, name, admin)
