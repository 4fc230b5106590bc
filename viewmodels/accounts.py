"""The analyst accounts page (administrators): the accounts as a table, what can be done
to one, and the texts around a generated password."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


def rows(accounts: Sequence[Any], me: str) -> list[dict[str, str]]:
    """One row per account: username, role, status ('(you)' beside the signed-in one)."""
    return [
        {
            "Username": a.name + (" (you)" if a.name == me else ""),
            "Role": "Administrator" if a.admin else "Analyst",
            "Status": "Disabled: cannot sign in" if a.disabled else "Enabled",
        }
        for a in accounts
    ]


@dataclass(frozen=True)
class Actions:
    """What the page offers for one account (labels; None: not offered)."""

    reset: str
    toggle: str | None  # disable or enable (None for yourself)
    disable: bool  # True: the toggle disables
    role: str | None  # make or remove administrator (None for yourself)
    make_admin: bool


def actions(account: Any, me: str) -> Actions:
    yourself = account.name == me
    return Actions(
        reset=f"Reset {account.name}'s password",
        toggle=None
        if yourself
        else (f"Enable {account.name}" if account.disabled else f"Disable {account.name}"),
        disable=not account.disabled,
        role=None
        if yourself
        else (
            f"Remove the administrator role from {account.name}"
            if account.admin
            else f"Make {account.name} an administrator"
        ),
        make_admin=not account.admin,
    )


def password_text(name: str, new: bool) -> str:
    what = "The account was added" if new else "The password was reset"
    return (
        f"{what}. The password for **{name}** is below: it is shown this once and not "
        "stored anywhere in clear. Give it to them by a safe route (not in the same e-mail "
        "as the username)."
    )


OIDC_TEXT = (
    "Analysts sign in with your organisation's account (OIDC): the people who may change "
    "data are the e-mail addresses in [tracker] analyst_emails of the secrets file, and "
    "administrators those also in [tracker] admin_emails. Change them there."
)
