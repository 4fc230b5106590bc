"""The sign-in forms and gates (store.auth holds the accounts, hashing and settings).

- ``require_viewer()``: when viewing needs sign-in (setting), stop anyone not signed in
  at the sign-in form (the frame calls it on every run; it also sets or clears the
  sign-in cookie a sign-in or sign-out asked for).
- ``require_analyst(title)``: the signed-in analyst, or the page stops at a sign-in form;
  ``require_admin(title)``: the same for administrators.
- ``sign_in_panel(key)``, ``sign_out()``, ``signed_in_sidebar(analyst)``.

A password sign-in lasts across reloads for ``[tracker] sign_in_hours`` (default 8):
it sets a cookie holding a signed, expiring token (store.tokens). Streamlit reads the
browser's cookies when a session starts (``st.context.cookies``) but has no way to set
one, so a few lines of JavaScript set it (``st.html(unsafe_allow_javascript=True)``,
in the sidebar, once, on the run after the sign-in); sign-out clears it the same way
and revokes the token on the server. The cookie is SameSite=Strict (and Secure over
https); JavaScript has to set it, so it cannot be HttpOnly: the token is signed, expires,
names no password, and stops working when the account's password is reset or the
account is disabled.

The accounts are read from the secrets file as it is now (store.secrets_file), laid
over what Streamlit loaded when it started, so an account an administrator adds or
disables takes effect at once.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

import streamlit as st

from store import auth, secrets_file, tokens
from store.auth import Analyst
from ui import frame
from viewmodels.text import escape_markdown

# The session state key of a password sign-in: {"name": username, "via": "password"}.
SESSION_KEY = "tracker_analyst"
_EXPIRES = "tracker_sign_in_expires"  # when this session's password sign-in ends
_TOKEN = "tracker_sign_in_token"  # the token of the cookie this session set or read
_COOKIE_TODO = "tracker_cookie_todo"  # ("set", token, seconds) or ("clear",)
_SIGNED_OUT = "tracker_signed_out"  # this session signed out: ignore the cookie it came with
SECRETS_ENV = "TRACKER_SECRETS_FILE"


def secrets_path() -> Path:
    """The secrets file the account pages write and the sign-in reads afresh:
    $TRACKER_SECRETS_FILE, else the last existing file of Streamlit's secrets.files
    (the one that wins), else .streamlit/secrets.toml."""
    if os.environ.get(SECRETS_ENV):
        return Path(os.environ[SECRETS_ENV])
    try:
        from streamlit import config

        files = [Path(f) for f in config.get_option("secrets.files") or []]
    except Exception:  # noqa: BLE001 - no config: the default
        files = []
    existing = [f for f in files if f.is_file()]
    return existing[-1] if existing else auth.DEFAULT_SECRETS


def secrets() -> dict[str, Any]:
    """The settings and accounts: what Streamlit loaded, with the secrets file's account
    sections and [tracker] as the file holds them now."""
    try:
        loaded = st.secrets.to_dict()
    except Exception:  # no secrets file: no accounts, no provider, defaults
        loaded = {}
    return secrets_file.overlay(loaded, secrets_file.read(secrets_path()))


_secrets = secrets


def _user() -> Mapping[str, Any]:
    try:
        return st.user.to_dict()
    except Exception:
        return {}


def _cookie() -> str | None:
    """The sign-in cookie the browser sent when this session started."""
    try:
        return st.context.cookies.get(tokens.COOKIE)
    except Exception:  # noqa: BLE001 - no request context (AppTest)
        return None


def _from_cookie(found: Mapping[str, Any]) -> None:
    """A session that starts with a valid sign-in cookie is signed in (until it expires)."""
    if SESSION_KEY in st.session_state or st.session_state.get(_SIGNED_OUT):
        return
    token = _cookie()
    if not token:
        return
    secret = tokens.secret(secrets_path(), found, create=False)
    name = tokens.read(secret or "", token, auth.accounts(found))
    if name:
        st.session_state[SESSION_KEY] = {"name": name, "via": "password"}
        st.session_state[_TOKEN] = token
        st.session_state[_EXPIRES] = _token_expiry(token)


def _token_expiry(token: str) -> float | None:
    try:
        import base64

        payload = token.split(".")[0]
        text = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
        return float(text.split("|")[1])
    except (ValueError, IndexError, UnicodeDecodeError):
        return None


def current_analyst() -> Analyst | None:
    """The signed-in analyst of this session, or None."""
    found = _secrets()
    if auth.sign_in_method(found) == "oidc":
        return auth.oidc_analyst(_user(), found)
    _from_cookie(found)
    held = st.session_state.get(SESSION_KEY)
    expires = st.session_state.get(_EXPIRES)
    if held and expires is not None and expires <= time.time():
        _forget()
        return None
    if held and held.get("name") in auth.accounts(found):
        name = held["name"]
        return Analyst(name=name, via="password", admin=auth.is_admin(found, name))
    return None


def _forget() -> None:
    """End this session's password sign-in (and, in the browser, its cookie)."""
    for key in (SESSION_KEY, _EXPIRES):
        st.session_state.pop(key, None)
    token = st.session_state.pop(_TOKEN, None)
    if token:
        secret = tokens.secret(secrets_path(), _secrets(), create=False)
        tokens.revoke(secret or "", token)
    st.session_state[_SIGNED_OUT] = True
    st.session_state[_COOKIE_TODO] = ("clear",)


def _remember(name: str) -> None:
    """A password sign-in: this session, and a cookie that lasts sign_in_hours."""
    found = _secrets()
    hours = auth.sign_in_hours(found)
    st.session_state[SESSION_KEY] = {"name": name, "via": "password"}
    st.session_state.pop(_SIGNED_OUT, None)
    st.session_state[_EXPIRES] = time.time() + hours * 3600
    secret = tokens.secret(secrets_path(), found, create=True)
    stored = auth.accounts(found).get(name)
    if secret and stored:
        token = tokens.make(secret, name, stored, hours=hours)
        st.session_state[_TOKEN] = token
        st.session_state[_COOKIE_TODO] = ("set", token, int(hours * 3600))


def cookie_script(todo: tuple) -> str:
    """The JavaScript that sets or clears the sign-in cookie."""
    if todo[0] == "set":
        value, seconds = todo[1], int(todo[2])
    else:
        value, seconds = "", 0
    cookie = json.dumps(f"{tokens.COOKIE}={value}; Max-Age={seconds}; Path=/; SameSite=Strict")
    return (
        "<script>document.cookie = "
        + cookie
        + ' + (location.protocol === "https:" ? "; Secure" : "");</script>'
    )


def flush_cookie() -> None:
    """Set or clear the browser's sign-in cookie when a sign-in or sign-out asked to
    (once; the frame calls this on every run)."""
    todo = st.session_state.pop(_COOKIE_TODO, None)
    if todo:
        st.sidebar.html(cookie_script(todo), unsafe_allow_javascript=True)


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
    _forget()
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
            _remember(analyst.name)
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


def require_admin(title: str) -> Analyst:
    """The signed-in administrator; otherwise say the page needs the role and stop."""
    analyst = require_analyst(title)
    if analyst.admin:
        return analyst
    st.title(title)
    st.warning(
        "This page needs the administrator role. Ask an administrator to give it to you "
        "(or, on the server: python -m store add-analyst NAME --admin).",
        icon=":material/lock:",
    )
    _stop()


def require_viewer() -> None:
    """When viewing needs sign-in (setting), stop anyone not signed in at the sign-in form.
    Also sets or clears the sign-in cookie when a sign-in or sign-out asked to."""
    flush_cookie()
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
        role = "administrator" if analyst.admin else "analyst"
        st.caption(f"Signed in as **{escape_markdown(analyst.name)}** ({role})")
        if st.button("Sign out", key="sidebar_sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()


def _stop() -> NoReturn:
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises
