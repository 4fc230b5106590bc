"""Sign in / sign out for analysts (password accounts or the organisation's OIDC provider)."""

import streamlit as st

from ui import frame, signin
from viewmodels.text import escape_markdown

frame.ensure_frame()

st.title("Analyst sign-in")
analyst = signin.current_analyst()
if analyst:
    frame.set_title("Signed in", "Analyst sign-in")
    st.success(
        f"Signed in as **{escape_markdown(analyst.name)}** "
        + ("(administrator)" if analyst.admin else "(analyst)")
        + ". You can upload returns and roll back batches"
        + (", and manage the analyst accounts." if analyst.admin else "."),
        icon=":material/verified_user:",
    )
    if st.button("Sign out", icon=":material/logout:", key="page_sign_out"):
        signin.sign_out()
        st.rerun()
else:
    st.write(
        "Viewing the dashboard needs no sign-in. Uploading returns and rolling back "
        "batches need the analyst role."
    )
    signin.sign_in_panel(key="page_sign_in")
