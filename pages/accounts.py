"""Analyst accounts (administrators only): add an analyst, reset a password, disable or
enable an account, give or take the administrator role. Passwords are generated and shown
once; the secrets file holds only their argon2 hashes (as `python -m store add-analyst`)."""

import streamlit as st

from ui import accounts, frame, signin
from viewmodels import accounts as vm
from viewmodels.text import escape_markdown as md

frame.ensure_frame()

admin = signin.require_admin("Analyst accounts")
signin.signed_in_sidebar(admin)

st.title("Analyst accounts")

for kind, text in st.session_state.pop("accounts_done", []):
    (st.success if kind == "ok" else st.error)(
        text, icon=(":material/check_circle:" if kind == "ok" else ":material/error:")
    )
shown = st.session_state.pop("accounts_password", None)
if shown:
    name, password, new = shown
    st.warning(vm.password_text(md(name), new), icon=":material/key:")
    st.code(password, language=None)

if accounts.method() == "oidc":
    st.info(vm.OIDC_TEXT, icon=":material/badge:")
    st.stop()


def done(kind: str, text: str) -> None:
    st.session_state["accounts_done"] = [(kind, text)]
    st.rerun()


listed = accounts.listing()
st.dataframe(vm.rows(listed, admin.name), hide_index=True, width="stretch", key="accounts_table")

st.header("Add an analyst", anchor=False)
with st.form("accounts_add", clear_on_submit=True):
    username = st.text_input(
        "Username", help="1 to 64 letters, digits, '.', '_', '-' or '@' (e.g. a.smith)"
    )
    make_admin = st.checkbox("Administrator (may add, disable and reset analysts)")
    add = st.form_submit_button("Add the account", type="primary", icon=":material/person_add:")
if add:
    try:
        name, password = accounts.add(username, admin=make_admin)
    except accounts.AuthError as exc:
        done("error", md(str(exc)))
    else:
        st.session_state["accounts_password"] = (name, password, True)
        done("ok", f"Added {'administrator' if make_admin else 'analyst'} **{md(name)}**.")

st.header("Change an account", anchor=False)
names = [a.name for a in listed]
if not names:
    st.caption("No accounts yet.")
    st.stop()
picked = st.selectbox("Account", names, key="accounts_pick")
account = next(a for a in listed if a.name == picked)
offer = vm.actions(account, admin.name)
cols = st.columns(3)
try:
    if cols[0].button(offer.reset, icon=":material/lock_reset:", key="accounts_reset"):
        password = accounts.reset(picked)
        st.session_state["accounts_password"] = (picked, password, False)
        done("ok", f"Reset the password of **{md(picked)}**; their old password no longer works.")
    if offer.toggle and cols[1].button(offer.toggle, key="accounts_toggle"):
        if offer.disable:
            accounts.disable(picked, by=admin.name)
            done("ok", f"Disabled **{md(picked)}**: they can no longer sign in.")
        accounts.enable(picked)
        done("ok", f"Enabled **{md(picked)}**: they can sign in again.")
    if offer.role and cols[2].button(offer.role, key="accounts_role"):
        accounts.set_admin(picked, offer.make_admin, by=admin.name)
        done(
            "ok",
            f"**{md(picked)}** is now {'an administrator' if offer.make_admin else 'an analyst'}.",
        )
except accounts.AuthError as exc:
    done("error", md(str(exc)))
