"""The sign-in forms and gates (store.auth holds the accounts, hashing and settings).

- ``require_viewer()``: when viewing needs sign-in (setting), stop anyone not signed in
  at the sign-in form (the frame calls it).
- ``require_analyst(title)``: the signed-in analyst, or the page stops at a sign-in form.
- ``sign_in_panel(key)``, ``sign_out()``, ``signed_in_sidebar(analyst)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

import streamlit as st

from store import auth
from store.auth import Analyst
from ui import frame
from viewmodels.text import escape_markdown

# The session state key of a password sign-in: {"name": username, "via": "password"}.
SESSION_KEY = "tracker_analyst"


def _secrets() -> Mapping[str, Any]:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets file: no accounts, no provider, defaults
        return {}


def _user() -> Mapping[str, Any]:
    try:
        return st.user.to_dict()
    except Exception:
        return {}


def current_analyst() -> Analyst | None:
    """The signed-in analyst of this session, or None."""
    secrets = _secrets()
    if auth.sign_in_method(secrets) == "oidc":
        return auth.oidc_analyst(_user(), secrets)
    held = st.session_state.get(SESSION_KEY)
    if held and held.get("name") in auth.accounts(secrets):
        return Analyst(name=held["name"], via="password")
    return None


def signed_in_viewer() -> str | None:
    """Who is signed in at all (analyst or, with OIDC, any signed-in person)."""
    analyst = current_analyst()
    if analyst:
        return analyst.name
    user = _user()
    if user.get("is_logged_in"):
        return str(user.get("email") or user.get("name") or "signed in")
    return None


def sign_out() -> None:
    st.session_state.pop(SESSION_KEY, None)
    if _user().get("is_logged_in"):
        st.logout()


def sign_in_panel(key: str = "sign_in") -> Analyst | None:
    """The sign-in controls for whichever method is configured; the analyst once signed in."""
    analyst = current_analyst()
    if analyst:
        return analyst
    secrets = _secrets()
    method = auth.sign_in_method(secrets)
    if method == "oidc":
        user = _user()
        if user.get("is_logged_in"):
            st.error(
                "You are signed in as "
                + str(user.get("email") or "(no e-mail)")
                + ", which is not on the analyst list. Ask the tracker's administrator "
                "to add your e-mail to [tracker] analyst_emails.",
                icon=":material/block:",
            )
            if st.button("Sign out", key=f"{key}_oidc_out"):
                st.logout()
        elif st.button(
            "Sign in with your organisation's account",
            key=f"{key}_oidc",
            icon=":material/login:",
            type="primary",
        ):
            st.login(auth.oidc_provider(secrets))
        return None
    if method is None:
        st.info(
            "No analyst accounts are set up yet. An administrator adds one on the "
            "server with: `python -m store add-analyst USERNAME`",
            icon=":material/info:",
        )
        return None
    with st.form(key, clear_on_submit=False):
        username = st.text_input("Username", key=f"{key}_username", autocomplete="username")
        password = st.text_input(
            "Password", type="password", key=f"{key}_password", autocomplete="current-password"
        )
        submitted = st.form_submit_button("Sign in", type="primary", icon=":material/login:")
    if submitted:
        client = _client()
        analyst = auth.check_password(auth.accounts(secrets), username, password, client=client)
        if analyst:
            st.session_state[SESSION_KEY] = {"name": analyst.name, "via": "password"}
            st.rerun()
        wait = auth.THROTTLE.retry_after(auth.normalise_username(username), client)
        st.error(
            "The username or password is not right. Check both and try again; each "
            "failed try makes the next answer slower."
            + (f" Wait {wait:.0f} seconds before the next try." if wait >= 1 else ""),
            icon=":material/error:",
        )
    return None


def _client() -> str | None:
    """Who is signing in, for the per-client throttle: the browser's address as the server
    sees it (behind a load balancer, the balancer's unless it passes the client on)."""
    try:
        return st.context.ip_address
    except Exception:  # noqa: BLE001 - no request context (AppTest): no client throttle
        return None


def require_analyst(title: str) -> Analyst:
    """The signed-in analyst; otherwise say the page needs the role, offer sign-in, stop."""
    analyst = current_analyst()
    if analyst:
        return analyst
    frame.set_title("Sign in", title)
    st.title(title)
    st.warning(
        "This page needs the analyst role. Sign in as an analyst to continue.",
        icon=":material/lock:",
    )
    sign_in_panel(key="gate_sign_in")
    _stop()


def require_viewer() -> None:
    """When viewing needs sign-in (setting), stop anyone not signed in at the sign-in form."""
    if not auth.require_sign_in(_secrets()) or signed_in_viewer():
        return
    frame.set_title("Sign in")
    st.title("Blueprint Tracker")
    st.warning("Viewing this dashboard needs sign-in.", icon=":material/lock:")
    secrets = _secrets()
    if auth.sign_in_method(secrets) == "oidc":
        if st.button(
            "Sign in with your organisation's account",
            key="viewer_oidc",
            icon=":material/login:",
            type="primary",
        ):
            st.login(auth.oidc_provider(secrets))
    else:
        sign_in_panel(key="viewer_sign_in")
    st.stop()


def signed_in_sidebar(analyst: Analyst) -> None:
    """'Signed in as ...' and a sign-out button in the sidebar."""
    with st.sidebar:
        st.caption(f"Signed in as **{escape_markdown(analyst.name)}** (analyst)")
        if st.button("Sign out", key="sidebar_sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()


def _stop() -> NoReturn:
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises
