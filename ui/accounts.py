"""The administrators' writes to password accounts (store.accounts), on the secrets file
the sign-in reads (ui.signin.secrets_path). Each raises store.auth.AuthError with the
reason when it cannot be done; nothing here draws."""

from __future__ import annotations

from store import accounts, auth
from store.auth import Account, AuthError
from ui import signin

__all__ = ["AuthError", "add", "disable", "enable", "listing", "method", "reset", "set_admin"]


def method() -> str | None:
    """'password', 'oidc' or None (no accounts yet)."""
    return auth.sign_in_method(signin.secrets())


def listing() -> list[Account]:
    return auth.account_list(signin.secrets())


def add(username: str, *, admin: bool) -> tuple[str, str]:
    """A new account: (its username, the generated password to show once)."""
    name = auth.check_username(username)
    return name, accounts.add(signin.secrets_path(), signin.secrets(), name, admin=admin)


def reset(username: str) -> str:
    return accounts.reset(signin.secrets_path(), signin.secrets(), username)


def disable(username: str, *, by: str) -> None:
    accounts.disable(signin.secrets_path(), signin.secrets(), username, by=by)


def enable(username: str) -> None:
    accounts.enable(signin.secrets_path(), signin.secrets(), username)


def set_admin(username: str, admin: bool, *, by: str) -> None:
    accounts.set_admin(signin.secrets_path(), signin.secrets(), username, admin, by=by)
