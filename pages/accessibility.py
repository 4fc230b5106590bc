"""Accessibility statement (GOV.UK's format); its text is docs/accessibility.md."""

import streamlit as st

from ui import frame
from viewmodels import accessibility

frame.ensure_frame()

statement = accessibility.statement()
st.title(statement.title, anchor=False)
st.markdown(statement.body)
